"""What the demo loads: four cities, their departments and people, and about thirty services.

Everything here is invented for demonstration: the providers are fictitious companies, the people
fictitious staff. The cities' rules are their real packs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kumokan.tenancy.choices import Role

# The demo's e-mail domain: example.jp is reserved for examples.
EMAIL_DOMAIN = "example.jp"


@dataclass(frozen=True)
class City:
    slug: str
    name: str
    overlays: tuple[str, ...]
    # (title, role) for tracks whose seed names no approver: a DEMO setting, not the city's rule.
    configured_approver: tuple[str, Role] | None
    departments: tuple[tuple[str, str], ...]  # (code, name)
    high_code: str
    low_code: str
    # The role the pack gives the high-track approver; the `approver` login holds it.
    high_track_approver_role: Role
    # What the `manager` login is in 保育課 besides service manager (who designation picks there).
    manager_role: Role
    # Where the pack has contractors submit the requirement sheet (Kobe §5.3): the department that
    # commissioned the `contractor` login (kumokan.demo.catalogue).
    contractor_department: str | None = None


_DEPARTMENTS = (
    ("jouhou", "総務局 情報政策課"),
    ("jumin", "市民局 住民課"),
    ("hoiku", "こども家庭局 保育課"),
    ("kenko", "健康局 健康推進課"),
)

CITIES = {
    "kobe": City(
        slug="kobe",
        name="神戸市",
        overlays=("special-terms",),
        configured_approver=None,
        departments=_DEPARTMENTS,
        high_code="2",
        low_code="1",
        high_track_approver_role=Role.SECURITY_MANAGER,
        # Kobe §5.2.1③: the applicant becomes the manager, so the manager applies for 保育課.
        manager_role=Role.APPLICANT,
        contractor_department="hoiku",
    ),
    "kitakyushu": City(
        slug="kitakyushu",
        name="北九州市",
        overlays=("special-terms",),
        configured_approver=None,
        departments=_DEPARTMENTS,
        high_code="第2種",
        low_code="その他",
        high_track_approver_role=Role.CHIEF,
        # Kitakyushu §5.2(2)②: the 所属長 who approves a low-track use becomes its manager.
        manager_role=Role.DEPARTMENT_HEAD,
    ),
    "osaka": City(
        slug="osaka",
        name="大阪市",
        overlays=("special-terms",),
        configured_approver=("デジタル統括室長", Role.APPROVER),
        departments=_DEPARTMENTS,
        high_code="2",
        low_code="1",
        high_track_approver_role=Role.APPROVER,
        manager_role=Role.DEPARTMENT_HEAD,
    ),
    "amagasaki": City(
        slug="amagasaki",
        name="尼崎市",
        overlays=("special-terms",),
        configured_approver=None,
        departments=_DEPARTMENTS,
        high_code="2",
        low_code="1",
        high_track_approver_role=Role.APPROVER,
        # Amagasaki (２以上)3⑷: the head of the owning section is the manager.
        manager_role=Role.DEPARTMENT_HEAD,
    ),
}


@dataclass(frozen=True)
class Person:
    username: str
    last_name: str
    first_name: str
    department: str | None  # department code
    roles: tuple[Role, ...]
    # The person's own title (職名), printed beside their name: never a role's title (issue 17 point 4).
    title: str = ""


def people(city: City) -> list[Person]:
    """One login per role, plus an applicant and a head for each other department."""
    manager_heads = city.manager_role == Role.DEPARTMENT_HEAD
    return [
        Person("applicant", "山田", "花子", "jumin", (Role.APPLICANT,), "主事"),
        Person("head", "鈴木", "健太", "jumin", (Role.DEPARTMENT_HEAD,), "住民課長"),
        Person("approver", "佐藤", "一郎", "jouhou", (city.high_track_approver_role,), "情報政策担当部長"),
        Person("secmgr", "高橋", "誠", "jouhou", (Role.SECURITY_MANAGER,), "情報セキュリティ担当課長"),
        Person("chief", "田中", "宏", None, (Role.CHIEF,), "副市長"),
        Person(
            "manager", "伊藤", "直子", "hoiku", (city.manager_role,), "保育課長" if manager_heads else "係長"
        ),
        Person("sysdept", "渡辺", "聡", "jouhou", (Role.SYSTEM_DEPARTMENT,), "主査"),
        Person("auditor", "中村", "美穂", None, (Role.AUDITOR,), "監査担当課長"),
        Person("admin", "小林", "大輔", "jouhou", (Role.ADMINISTRATOR,), "システム管理担当係長"),
        Person(
            "hoiku-applicant" if manager_heads else "hoiku-head",
            "加藤",
            "愛",
            "hoiku",
            (Role.APPLICANT if manager_heads else Role.DEPARTMENT_HEAD,),
            "主任" if manager_heads else "保育課長",
        ),
        Person("kenko-applicant", "山本", "陽子", "kenko", (Role.APPLICANT,), "主任"),
        Person("kenko-head", "松本", "浩二", "kenko", (Role.DEPARTMENT_HEAD,), "健康推進課長"),
        Person("jouhou-applicant", "井上", "翔太", "jouhou", (Role.APPLICANT,), "主事"),
        Person("jouhou-head", "木村", "剛", "jouhou", (Role.DEPARTMENT_HEAD,), "情報政策課長"),
        # A person of the contracted company (Kobe §5.3: the 委託先 submits the requirement sheet), named
        # as a person; the company is in the title, as a contractor signs a city's form.
        *(
            [
                Person(
                    "contractor",
                    "佐々木",
                    "恵",
                    city.contractor_department,
                    (Role.CONTRACTOR,),
                    "みまもり保育株式会社 業務責任者",
                )
            ]
            if city.contractor_department
            else []
        ),
    ]


@dataclass(frozen=True)
class Service:
    """One demo service and the state the demo brings its application (and ledger entry) to."""

    name: str
    function: str
    provider: str
    purpose: str
    model: str
    department: str
    high: bool
    state: str  # draft submitted returned rejected withdrawn approved in_operation suspended retired
    facts: dict[str, Any] = field(default_factory=dict)
    reason: str = ""  # of a return, rejection, withdrawal, suspension or retirement
    user_scope_detail: str = "所属の職員"


_ISMAP = {"certifications": ["ISMAP", "ISO27001", "ISO27017"]}
_PERSONAL = {"handles_personal_info": True, **_ISMAP}

SERVICES = (
    # 市民局 住民課
    Service(
        "電子申請サービス",
        "申請受付",
        "株式会社ミライ行政システム",
        "市民からの各種申請・届出のオンライン受付",
        "saas",
        "jumin",
        True,
        "in_operation",
        {**_PERSONAL, "user_scope": "citizens"},
        user_scope_detail="市民及び住民課職員",
    ),
    Service(
        "窓口予約システム",
        "来庁予約",
        "株式会社まちかどテック",
        "窓口来庁の事前予約受付",
        "saas",
        "jumin",
        False,
        "in_operation",
        {"user_scope": "citizens", "terms_only": True},
    ),
    Service(
        "AI-OCR 申請書読取サービス",
        "帳票読取",
        "株式会社ヨミトリ",
        "紙の申請書の読取とデータ化",
        "saas",
        "jumin",
        True,
        "approved",
        _PERSONAL,
    ),
    Service(
        "オンライン窓口",
        "ビデオ相談",
        "株式会社つなぐ通信",
        "ビデオ通話による窓口相談",
        "web_conference",
        "jumin",
        True,
        "submitted",
        {**_PERSONAL, "user_scope": "citizens"},
    ),
    Service(
        "住民向けチャットボット",
        "問合せ応答",
        "株式会社コタエル",
        "よくある問合せへの自動応答",
        "saas",
        "jumin",
        True,
        "returned",
        {"user_scope": "citizens", **_ISMAP},
        reason="問合せ内容に個人情報が含まれる場合の取扱いを記載してください。",
    ),
    Service(
        "引越し手続きオンラインサービス",
        "転出届受付",
        "株式会社ミライ行政システム",
        "転出・転入手続のオンライン化",
        "saas",
        "jumin",
        True,
        "draft",
        _PERSONAL,
    ),
    Service(
        "コールセンター顧客管理",
        "問合せ記録",
        "Global CRM Inc.",
        "市民問合せの記録と対応管理",
        "saas",
        "jumin",
        True,
        "rejected",
        {**_PERSONAL, "data_location": "US", "governing_law": "US", "certifications": ["SOC2"]},
        reason="個人情報が国外で保存され、準拠法も国外のため承認できません。",
    ),
    Service(
        "多言語翻訳サービス",
        "文書翻訳",
        "株式会社ことばリンク",
        "外国人住民向け案内文の翻訳",
        "saas",
        "jumin",
        False,
        "withdrawn",
        {"terms_only": True},
        reason="既存の翻訳サービスで対応することとしたため",
    ),
    # こども家庭局 保育課
    Service(
        "保育所入所申込システム",
        "入所申込",
        "株式会社すくすくソリューションズ",
        "保育所等の入所申込の受付と選考",
        "saas",
        "hoiku",
        True,
        "in_operation",
        {**_PERSONAL, "user_scope": "citizens"},
        user_scope_detail="申込者及び保育課職員",
    ),
    Service(
        "保育施設連絡帳アプリ",
        "連絡帳",
        "株式会社れんらくノート",
        "公立保育所と保護者の連絡",
        "saas",
        "hoiku",
        True,
        "suspended",
        {**_PERSONAL, "user_scope": "citizens"},
        reason="提供者で情報漏えいのおそれがある障害が発生したため、原因の報告まで利用を停止する。",
    ),
    Service(
        "子育て応援アプリ",
        "情報配信",
        "株式会社ママパパネット",
        "子育て支援情報の配信",
        "saas",
        "hoiku",
        False,
        "in_operation",
        {"user_scope": "citizens"},
    ),
    Service(
        "保育料シミュレーター",
        "試算",
        "株式会社すくすくソリューションズ",
        "保育料の試算の提供",
        "saas",
        "hoiku",
        False,
        "approved",
        {"user_scope": "citizens"},
    ),
    Service(
        "病児保育予約サービス",
        "予約受付",
        "株式会社あずかるネット",
        "病児保育の利用予約の受付",
        "saas",
        "hoiku",
        True,
        "submitted",
        {**_PERSONAL, "user_scope": "citizens"},
    ),
    Service(
        "一時預かりオンライン予約",
        "予約受付",
        "株式会社あずかるネット",
        "一時預かり事業の予約受付",
        "saas",
        "hoiku",
        False,
        "draft",
        {"user_scope": "citizens"},
    ),
    # 健康局 健康推進課
    Service(
        "健診予約システム",
        "予約受付",
        "株式会社ヘルスケアクラウド",
        "特定健診・がん検診の予約受付",
        "saas",
        "kenko",
        True,
        "in_operation",
        {**_PERSONAL, "user_scope": "citizens"},
    ),
    Service(
        "予防接種予約サービス",
        "接種予約",
        "株式会社ヘルスケアクラウド",
        "予防接種の予約受付",
        "saas",
        "kenko",
        True,
        "retired",
        {**_PERSONAL, "user_scope": "citizens"},
        reason="国の予約システムへの移行が完了したため利用を終了する。",
    ),
    Service(
        "オンライン健康相談",
        "保健師相談",
        "株式会社つなぐ通信",
        "保健師によるオンライン健康相談",
        "web_conference",
        "kenko",
        True,
        "returned",
        {**_PERSONAL, "user_scope": "citizens"},
        reason="録画の有無と保存先を記載してください。",
    ),
    Service(
        "健康ポイントアプリ",
        "ポイント管理",
        "株式会社ウォークラボ",
        "健康づくり活動へのポイント付与",
        "saas",
        "kenko",
        True,
        "submitted",
        {**_PERSONAL, "user_scope": "citizens", "required_clauses_present": False},
    ),
    Service(
        "感染症情報配信アカウント",
        "情報配信",
        "株式会社メッセージプラス",
        "感染症に関する情報の配信",
        "sns",
        "kenko",
        False,
        "in_operation",
        {"user_scope": "citizens", "terms_only": True},
    ),
    Service(
        "母子健康手帳アプリ",
        "記録管理",
        "Baby Health Ltd.",
        "母子健康手帳の電子化",
        "saas",
        "kenko",
        True,
        "rejected",
        {**_PERSONAL, "data_location": "SG", "certifications": []},
        reason="認証の取得が確認できず、データも国外保存のため承認できません。",
    ),
    # 総務局 情報政策課
    Service(
        "Web会議サービス",
        "オンライン会議",
        "株式会社つなぐ通信",
        "庁内外とのオンライン会議",
        "web_conference",
        "jouhou",
        True,
        "in_operation",
        {**_ISMAP, "direct_internet_login": True},
        user_scope_detail="全職員",
    ),
    Service(
        "職員向けチャット",
        "チャット",
        "株式会社トークワークス",
        "職員間の連絡・調整",
        "saas",
        "jouhou",
        True,
        "in_operation",
        _ISMAP,
        user_scope_detail="全職員",
    ),
    Service(
        "庁内グループウェア",
        "掲示板・スケジュール",
        "株式会社オフィスクラウド",
        "スケジュール・掲示板・施設予約",
        "saas",
        "jouhou",
        True,
        "in_operation",
        _ISMAP,
        user_scope_detail="全職員",
    ),
    Service(
        "ファイル共有ストレージ",
        "ファイル共有",
        "株式会社クラウドボックス",
        "外部事業者とのファイル授受",
        "saas",
        "jouhou",
        True,
        "approved",
        {**_ISMAP, "user_scope": "contractors"},
    ),
    Service(
        "電子契約サービス",
        "電子署名",
        "株式会社サインプラス",
        "契約書の電子締結",
        "saas",
        "jouhou",
        True,
        "submitted",
        _ISMAP,
    ),
    Service(
        "RPA クラウド",
        "業務自動化",
        "株式会社オートメイト",
        "定型業務の自動化",
        "paas",
        "jouhou",
        True,
        "draft",
        {"certifications": ["ISO27001"]},
    ),
    Service(
        "生成AIチャットサービス",
        "文章作成支援",
        "株式会社ジェネレート",
        "文書の下書き・要約の作成支援",
        "saas",
        "jouhou",
        True,
        "returned",
        {"terms_only": True, "certifications": ["ISO27001"]},
        reason="入力してよい情報の範囲と、学習への利用の有無を記載してください。",
    ),
    Service(
        "公式SNSアカウント",
        "情報発信",
        "株式会社メッセージプラス",
        "市政情報の発信",
        "sns",
        "jouhou",
        False,
        "in_operation",
        {"user_scope": "citizens", "terms_only": True},
    ),
    Service(
        "ホームページCMS",
        "ページ管理",
        "株式会社ウェブパブリック",
        "市公式ホームページの管理",
        "saas",
        "jouhou",
        False,
        "retired",
        {"user_scope": "citizens"},
        reason="後継のCMSへ移行したため利用を終了する。",
    ),
    Service(
        "共通クラウド基盤",
        "仮想サーバ",
        "株式会社ガバメントインフラ",
        "業務システムの稼働基盤",
        "iaas",
        "jouhou",
        True,
        "approved",
        {**_ISMAP, "deployment": "government"},
    ),
    Service(
        "オンラインアンケート",
        "アンケート",
        "株式会社こえあつめ",
        "市民・職員アンケートの実施",
        "saas",
        "jouhou",
        False,
        "suspended",
        {"user_scope": "citizens"},
        reason="回答画面の不具合が解消されるまで新規のアンケートを停止する。",
    ),
)
