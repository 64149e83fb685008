"""Fill one municipality with a realistic ledger for the benchmarks: departments, staff, providers,
services, applications in every state with their judgment snapshots, checklist answers and decisions,
ledger entries in every status with their change history, open checklist tasks and re-checks, and the
audit trail (hash-chained, so `manage.py audit_verify` passes).

Run (the database is migrated first; the municipality must not exist yet):
    KUMOKAN_DATABASE_URL=sqlite:///$PWD/var/bench/ledger.sqlite3 .venv/bin/python bench/generate.py 100000
    KUMOKAN_DATABASE_URL=postgres://… .venv/bin/python bench/generate.py 1000000

Rows are written in batches with explicit ids: PostgreSQL through COPY, SQLite through executemany.
Snapshots, decisions, answers and tasks are expanded by the database itself (INSERT … SELECT from a
few dozen judged variants). Each variant's judgment is stored as the product stores it, once per
distinct judgment (applications.judging.store_judgments, a JudgmentDocument), and every snapshot refers
to its variant's document, as an approval's or an import's does.
Distributions are skewed as in a city hall: most entries in operation, SaaS first, a few providers and
departments holding most services. Open tasks are generated for entries not yet in operation only
(entries in operation would add some 75 confirmed tasks each).
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import os
import random
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = ROOT / "var" / "bench" / "ledger.sqlite3"


def setup_django() -> None:
    """Django with the benchmark settings, on KUMOKAN_DATABASE_URL (default: var/bench/ledger.sqlite3)."""
    if not os.environ.get("KUMOKAN_DATABASE_URL"):
        DEFAULT_DATABASE.parent.mkdir(parents=True, exist_ok=True)
        os.environ["KUMOKAN_DATABASE_URL"] = f"sqlite:///{DEFAULT_DATABASE}"
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench_settings")
    import django

    django.setup()


# ── words ──────────────────────────────────────────────────────────────────────────────────────

BUREAUS = (
    "総務局 財政局 市民局 企画調整局 文化スポーツ局 福祉局 健康局 こども家庭局 環境局 経済観光局 建設局 "
    "都市局 港湾局 消防局 水道局 交通局 教育委員会事務局 危機管理室 デジタル戦略部 会計室 議会事務局 "
    "選挙管理委員会事務局 監査事務局 人事委員会事務局 北区役所 中央区役所 東区役所 西区役所 南区役所"
).split()
SECTIONS = (
    "総務課 企画課 人事課 財務課 税制課 市民税課 資産税課 住民課 戸籍課 国民健康保険課 介護保険課 障害福祉課 "
    "保育課 子育て支援課 健康づくり課 環境保全課 廃棄物対策課 道路管理課 公園緑地課 都市計画課 建築指導課 "
    "情報システム課 広報課 防災課 契約課 管財課 学校教育課 生涯学習課 文化振興課 観光企画課 産業振興課 "
    "商工課 農政課 水道計画課 監査課 保健福祉課 地域協働課 市民相談課"
).split()
SURNAMES = (
    "佐藤 鈴木 高橋 田中 伊藤 渡辺 山本 中村 小林 加藤 吉田 山田 佐々木 山口 松本 井上 木村 林 斎藤 清水 "
    "山崎 森 池田 橋本 阿部 石川 山下 中島 石井 小川 前田 岡田 長谷川 藤田 後藤 近藤 村上 遠藤 青木 坂本"
).split()
GIVEN_NAMES = (
    "翔太 大輔 健一 直樹 拓也 誠 達也 和也 浩二 隆 花子 陽子 美咲 裕子 恵 彩 真由美 由美子 愛 舞 "
    "亮 悠斗 蓮 陽菜 結衣 さくら 葵 湊 颯太 美穂"
).split()
TITLES = ("課長", "課長", "課長", "担当課長", "係長", "主幹", "室長")
COMPANY_CORES = (
    "クラウド デジタル テクノ ネット データ システム 情報 日本 東日本 西日本 関西 北海道 九州 アジア "
    "グローバル さくら みらい ひかり あおば ゆうき アクア ソフト スマート"
).split()
COMPANY_ENDINGS = (
    "ソリューションズ テクノロジー サービス システムズ ワークス ラボ コミュニケーションズ ネットワークス "
    "インテグレーション パートナーズ"
).split()
COMPANY_PLACES = ("", "", "", "ジャパン", "東京", "大阪", "神戸", "福岡", "札幌", "名古屋", "横浜", "仙台")
BUSINESSES = (
    "電子申請 住民記録 税務 国民健康保険 介護保険 児童手当 保育所入所 図書館 施設予約 文書管理 財務会計 "
    "人事給与 庶務事務 電子決裁 議会会議録 防災情報 避難所管理 ふるさと納税 電子契約 入札 粗大ごみ受付 "
    "健康診断予約 予防接種管理 学校徴収金 校務支援 窓口予約 問合せ対応 相談記録 道路占用 水道料金 生活保護 "
    "障害福祉 子育て支援 観光案内 広報配信 職員研修 勤怠管理 地図情報 統計分析 アンケート"
).split()
BRANDS = ("", "", "", "", "かんたん", "スマート", "まるごと", "らくらく", "つなぐ", "e-", "Cloud ", "ひらく")
KINDS = {
    "saas": ("システム", "クラウド", "サービス", "ポータル", "管理システム", "受付サービス", "支援システム"),
    "paas": ("プラットフォーム", "アプリ基盤", "ローコード基盤"),
    "iaas": ("クラウド基盤", "仮想サーバ", "ストレージ", "バックアップ基盤"),
    "web_conference": ("Web会議サービス", "オンライン会議", "ビデオ会議"),
    "sns": ("公式SNS", "公式アカウント", "SNS配信"),
}
FUNCTIONS = ("申請受付", "決済", "通知", "集計", "帳票出力", "予約", "電子署名")
PURPOSES = (
    "市民からの申請の受付",
    "職員間の情報共有",
    "窓口予約の受付と管理",
    "庁内会議および外部との打合せ",
    "市民への情報発信",
    "業務記録の作成と保管",
    "問い合わせへの対応",
    "統計データの集計と分析",
    "関係機関との資料のやり取り",
    "事業者からの届出の受付",
)
SCOPE_DETAILS = ("担当課の職員", "局内の職員", "全庁の職員", "市民および事業者", "委託先の担当者")

# (service model, weight) and (confidentiality code, weight): SaaS first, 機密性2 the commonest.
MODELS = (("saas", 70), ("paas", 6), ("iaas", 8), ("web_conference", 10), ("sns", 6))
CONFIDENTIALITY = (("1", 35), ("2", 55), ("3", 10))
# Applications not (yet) in the ledger, per 100 approved ones.
OPEN_APPLICATIONS = (("draft", 3), ("submitted", 3), ("returned", 1), ("rejected", 2), ("withdrawn", 1))
ENTRY_STATUS = (("in_operation", 80), ("approved", 7), ("suspended", 3), ("retired", 10))
USER_SCOPES = (("organisation", 60), ("department", 30), ("citizens", 8), ("contractors", 2))

START = datetime.datetime(2018, 4, 1, 9, 0, tzinfo=datetime.UTC)
YEARS = 7.5


def zipf_weights(count: int, s: float = 1.0) -> list[float]:
    """Cumulative weights for random.choices: item i is picked in proportion to 1 / (i + 1) ** s."""
    return list(itertools.accumulate(1 / (i + 1) ** s for i in range(count)))


def weighted(pairs: Sequence[tuple[str, int]]) -> tuple[list[str], list[int]]:
    return [value for value, _ in pairs], list(itertools.accumulate(weight for _, weight in pairs))


# ── writing rows ───────────────────────────────────────────────────────────────────────────────


class Writer:
    """Bulk inserts of plain tuples with explicit ids: COPY on PostgreSQL, executemany on SQLite."""

    BATCH = 20_000

    def __init__(self) -> None:
        from django.db import connection

        self.connection = connection
        self.vendor = connection.vendor
        self.next_ids: dict[str, int] = {}

    def table(self, model: Any) -> str:
        return str(model._meta.db_table)

    def next_id(self, model: Any) -> int:
        table = self.table(model)
        if table not in self.next_ids:
            with self.connection.cursor() as cursor:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 (our table name)
                self.next_ids[table] = cursor.fetchone()[0] + 1
        return self.next_ids[table]

    def take_ids(self, model: Any, count: int) -> range:
        first = self.next_id(model)
        self.next_ids[self.table(model)] = first + count
        return range(first, first + count)

    def converters(self, model: Any, fields: Sequence[str]) -> list[Callable[[Any], Any] | None]:
        from django.db import models

        ops = self.connection.ops
        found: list[Callable[[Any], Any] | None] = []
        for name in fields:
            field = model._meta.get_field(name)
            if isinstance(field, models.JSONField):
                # Text is JSON already (made once for the audit hash); anything else is encoded here.
                found.append(
                    lambda value: value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                )
            elif self.vendor == "sqlite" and isinstance(field, models.DateTimeField):
                found.append(ops.adapt_datetimefield_value)
            elif self.vendor == "sqlite" and isinstance(field, models.DateField):
                found.append(ops.adapt_datefield_value)
            else:
                found.append(None)
        return found

    def insert(self, model: Any, fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        """Insert `rows` (tuples in the order of `fields`, field names or attnames) into the model's table;
        a NOT NULL column left out gets its field's default, taken once (a column added since, such as a
        version or an updated_at)."""
        defaults = self.defaults(model, {model._meta.get_field(name).column for name in fields})
        if defaults:
            extra = tuple(value for _, value in defaults)
            fields = [
                *fields,
                *(f.attname for f in model._meta.concrete_fields if f.column in dict(defaults)),
            ]
            rows = (tuple(row) + extra for row in rows)
        columns = [model._meta.get_field(name).column for name in fields]  # a name or an attname
        convert = self.converters(model, fields)
        pairs = [(i, c) for i, c in enumerate(convert) if c is not None]

        def prepared(row: Sequence[Any]) -> Sequence[Any]:
            if not pairs:
                return row
            values = list(row)
            for i, conv in pairs:
                if values[i] is not None:
                    values[i] = conv(values[i])
            return values

        table = self.table(model)
        count = 0
        raw = self.connection.cursor().cursor  # the driver's own cursor: no Django per-query overhead
        if self.vendor == "postgresql":
            with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(prepared(row))
                    count += 1
        else:
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"  # noqa: S608
            for batch in _batched(rows, self.BATCH):
                raw.executemany(sql, [prepared(row) for row in batch])
                count += len(batch)
        return count

    @staticmethod
    def defaults(model: Any, named: set[str]) -> list[tuple[str, Any]]:
        """(column, default) of each NOT NULL column of `model` not in `named` that has a default."""
        return [
            (f.column, f.get_default())
            for f in model._meta.concrete_fields
            if f.column not in named
            and not f.null
            and not f.unique
            and (f.has_default() or (f.blank and f.empty_strings_allowed))  # a blank text column: ""
        ]

    def insert_select(
        self, model: Any, columns: str, select: str, source: str, params: Sequence[Any] = ()
    ) -> int:
        """`INSERT INTO <model's table> (columns) SELECT <select> <source>`, the database expanding rows
        from rows; a NOT NULL column left out of `columns` gets its field's default, as in `insert` (a
        column added since, such as a task's system note). `params` are the select list's; `source` (FROM
        …) takes none."""
        named = [column.strip().strip('"') for column in columns.split(",")]
        defaults = self.defaults(model, set(named))
        fields = {f.column: f for f in model._meta.concrete_fields}
        placeholders = []
        for column, _ in defaults:
            db_type = fields[column].db_type(self.connection)
            placeholders.append(f"CAST(%s AS {db_type})" if self.vendor == "postgresql" else "%s")
        values = [json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v for _, v in defaults]
        quoted = ", ".join(f'"{column}"' for column in [*named, *(column for column, _ in defaults)])
        selected = ", ".join([select, *placeholders])
        return self.execute(
            f"INSERT INTO {self.table(model)} ({quoted}) SELECT {selected} {source}",
            [*params, *values],
        )

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return int(cursor.rowcount)

    def reset_sequences(self, models: Iterable[Any]) -> None:
        """After explicit ids, PostgreSQL's identity columns must continue after the largest one."""
        if self.vendor != "postgresql":
            return
        for model in models:
            table = self.table(model)
            self.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )


def _compact(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _batched(rows: Iterable[Any], size: int) -> Iterable[tuple[Any, ...]]:
    iterator = iter(rows)
    while batch := tuple(itertools.islice(iterator, size)):
        yield batch


# ── the generator ──────────────────────────────────────────────────────────────────────────────


class Generator:
    """One municipality's ledger of `entries` entries; `seed` makes the same data every time."""

    CHUNK = 20_000

    def __init__(self, entries: int, slug: str, seed: int = 8) -> None:
        self.entries = entries
        self.slug = slug
        self.random = random.Random(seed)
        self.writer = Writer()
        self.counts: dict[str, int] = {}
        self.timings: list[tuple[str, float]] = []

    # Each stage is timed; the totals are printed at the end.
    def stage(self, name: str, run: Callable[[], Any]) -> Any:
        started = time.perf_counter()
        result = run()
        self.timings.append((name, time.perf_counter() - started))
        print(f"  {name:<34} {self.timings[-1][1]:7.1f} s", flush=True)
        return result

    def run(self) -> dict[str, int]:
        from django.db import transaction

        from kumokan.tenancy.models import Municipality

        if Municipality.objects.filter(slug=self.slug).exists():
            raise SystemExit(f"municipality {self.slug!r} exists already: use a new database or --slug")
        if self.writer.vendor == "sqlite":
            # One big transaction: keep its pages in memory instead of spilling them to the journal.
            for pragma in ("journal_mode = MEMORY", "synchronous = OFF", "cache_size = -2000000"):
                self.writer.execute(f"PRAGMA {pragma}")
        with transaction.atomic():
            indexes = self.stage("PostgreSQL: indexes and foreign-key checks off", self.unindexed)
            self.stage("municipality, departments, staff", self.people)
            self.stage("judged variants", self.variants)
            self.stage("providers and services", self.catalog)
            self.stage("applications, entries, audit trail", self.ledger)
            self.stage("snapshots (INSERT … SELECT)", self.snapshots)
            self.stage("decisions (INSERT … SELECT)", self.decisions)
            self.stage("checklist answers (INSERT … SELECT)", self.answers)
            self.stage("open checklist tasks (INSERT … SELECT)", self.tasks)
            self.stage("audit chain head, sequences", self.finish)
            self.stage(f"PostgreSQL: {len(indexes)} indexes built again", lambda: self.reindexed(indexes))
            self.stage("stored ledger counts (recount)", self.stored_counts)
        self.stage("ANALYZE", self.analyze)
        return self.counts

    def unindexed(self) -> list[str]:
        """PostgreSQL: drop the secondary indexes of the tables that get millions of rows (not those of
        constraints) and skip the foreign-key checks for this transaction; returns the indexes'
        definitions. Building an index once over every row is several times faster than keeping it
        row by row (the four trigram GIN indexes of the entries above all), and every row written here
        refers to rows written before it, so the deferred checks at commit (~650 s at a million) prove
        nothing. A throw-away benchmark cluster's superuser only (BENCHMARKS.md)."""
        if self.writer.vendor != "postgresql":
            return []
        tables = [self.writer.table(model) for model in _big_models()]
        with self.writer.connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
                "AND i.tablename = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                "WHERE c.conindid = format('%%I.%%I', i.schemaname, i.indexname)::regclass)",
                [tables],
            )
            found = cursor.fetchall()
            for name, _definition in found:
                cursor.execute(f'DROP INDEX "{name}"')
        return [definition for _name, definition in found]

    def reindexed(self, definitions: list[str]) -> None:
        if not definitions:
            return  # SQLite: none were dropped (and it has no SET)
        with self.writer.connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
            for definition in definitions:
                started = time.perf_counter()
                cursor.execute(definition)
                print(f"    {time.perf_counter() - started:7.1f} s  {definition[:110]}", flush=True)

    def count(self, name: str, n: int) -> None:
        self.counts[name] = self.counts.get(name, 0) + n

    # ── people ──
    def people(self) -> None:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.hashers import make_password

        from kumokan.tenancy.choices import Role
        from kumokan.tenancy.models import Department, Membership, Municipality

        r = self.random
        self.municipality = Municipality.objects.create(
            slug=self.slug, name="神戸市（性能試験）", pack_id="kobe", overlay_pack_ids=["special-terms"]
        )
        pairs = [(b, s) for b in BUREAUS for s in SECTIONS]
        r.shuffle(pairs)
        department_count = min(len(pairs), 120 + self.entries // 2000, 400)
        self.departments = Department.objects.bulk_create(
            Department(municipality=self.municipality, name=f"{b} {s}", code=f"d{i:04d}")
            for i, (b, s) in enumerate(pairs[:department_count])
        )
        self.department_weights = zipf_weights(len(self.departments), 0.8)
        User = get_user_model()
        unusable = make_password(None)
        # A bench password only for the logins the benchmarks use; everyone else cannot sign in.
        password = make_password("bench-password-kumokan")

        def person(username: str, usable: bool = False) -> Any:
            return User(
                username=username,
                last_name=r.choice(SURNAMES),
                first_name=r.choice(GIVEN_NAMES),
                email=f"{username}@city.example.jp",
                password=password if usable else unusable,
            )

        city_roles = [
            Role.CHIEF,
            Role.SECURITY_MANAGER,
            Role.APPROVER,
            Role.AUDITOR,
            Role.ADMINISTRATOR,
            Role.SYSTEM_DEPARTMENT,
        ]
        city_users = User.objects.bulk_create(
            person(f"{self.slug}-{role.value}", usable=True) for role in city_roles
        )
        self.city_user = dict(zip(city_roles, city_users, strict=True))
        # Per department: two applicants, a head, two service managers.
        staff = User.objects.bulk_create(
            person(f"{self.slug}-{d.code}-{n}", usable=n == 0) for d in self.departments for n in range(5)
        )
        memberships = [
            Membership(user=user, municipality=self.municipality, role=role)
            for role, user in self.city_user.items()
        ]
        self.applicants: dict[int, list[Any]] = {}
        self.managers: dict[int, list[Any]] = {}
        self.heads: dict[int, Any] = {}
        for i, department in enumerate(self.departments):
            a1, a2, head, m1, m2 = staff[i * 5 : i * 5 + 5]
            self.applicants[department.pk] = [a1, a2]
            self.managers[department.pk] = [m1, m2]
            self.heads[department.pk] = head
            memberships += [
                Membership(
                    user=a1, municipality=self.municipality, department=department, role=Role.APPLICANT
                ),
                Membership(
                    user=a2, municipality=self.municipality, department=department, role=Role.APPLICANT
                ),
                Membership(
                    user=head,
                    municipality=self.municipality,
                    department=department,
                    role=Role.DEPARTMENT_HEAD,
                ),
                Membership(
                    user=m1, municipality=self.municipality, department=department, role=Role.SERVICE_MANAGER
                ),
                Membership(
                    user=m2, municipality=self.municipality, department=department, role=Role.SERVICE_MANAGER
                ),
            ]
        Membership.objects.bulk_create(memberships)
        self.count("departments", len(self.departments))
        self.count("users", len(city_users) + len(staff))

    # ── the engine's judgments, a few dozen of them ──
    def variants(self) -> None:
        from kumokan.applications.judging import judge_facts, store_judgments
        from kumokan.ledger.actions import TYPED_FIELD_IDS

        self.variant_list: list[dict[str, Any]] = []
        for model, _w in MODELS:
            for code, _c in CONFIDENTIALITY:
                for personal in (False, True):
                    facts = {
                        "service_name": "（試験）",
                        "provider": "（試験）",
                        "purpose": "（試験）",
                        "service_model": model,
                        "confidentiality": code,
                        "handles_personal_info": personal,
                        "certifications": ["ISMAP"] if code != "1" else [],
                    }
                    judged = judge_facts(self.municipality, facts)
                    judgment = judged.judgment
                    self.variant_list.append(
                        {
                            "k": len(self.variant_list),
                            "model": model,
                            "code": code,
                            "facts": judged.facts,
                            "judgment": judgment,
                            "track": judged.track,
                            "approver_role": judged.approver_role,
                            "approver_title": judged.approver_title,
                            "self_approval": bool(judgment.get("self_approval")),
                            "label": judgment["classification"]["confidentiality"]["label"],
                            "fields": {
                                f["id"]: ""
                                for f in judgment["ledger_fields"]
                                if f["id"] not in TYPED_FIELD_IDS
                            },
                        }
                    )
        self.variant_of = {
            (v["model"], v["code"], v["facts"]["handles_personal_info"]): v for v in self.variant_list
        }
        # The product's one way to store a judgment: one document per distinct judgment (variants judged
        # alike share it).
        documents = store_judgments(self.municipality, [v["judgment"] for v in self.variant_list])
        for v, document in zip(self.variant_list, documents, strict=True):
            v["document_id"] = document.pk
        w = self.writer
        json_type = "jsonb" if w.vendor == "postgresql" else "text"
        # Temporary tables the database expands from: the judged variants and their items.
        w.execute(
            "CREATE TEMPORARY TABLE bench_variant (k integer PRIMARY KEY, document_id bigint, "
            f"packs {json_type}, track varchar(10), approver_role varchar(30), "
            "approver_title varchar(100), self_approval integer)"
        )
        w.execute(
            "CREATE TEMPORARY TABLE bench_variant_item (k integer, phase varchar(20), position integer, "
            f"pack_id varchar(50), item_id varchar(100), grp varchar(200), text text, source {json_type}, "
            "required integer, response varchar(30))"
        )
        w.execute("CREATE TEMPORARY TABLE bench_application (application_id bigint PRIMARY KEY, k integer)")
        raw = w.connection.cursor()
        for v in self.variant_list:
            raw.execute(
                "INSERT INTO bench_variant VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [
                    v["k"],
                    v["document_id"],
                    json.dumps(v["judgment"]["packs"], ensure_ascii=False),
                    v["track"],
                    v["approver_role"],
                    v["approver_title"],
                    int(v["self_approval"]),
                ],
            )
            position = 0
            for phase, items in v["judgment"]["checklists"].items():
                for item in items:
                    raw.execute(
                        "INSERT INTO bench_variant_item VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                        [
                            v["k"],
                            phase,
                            position if phase != "selection" else 0,
                            item["pack"],
                            item["id"],
                            item.get("group", ""),
                            item["text"],
                            json.dumps(item["source"], ensure_ascii=False),
                            int(bool(item.get("required_before_operation"))),
                            item.get("response", "confirm"),
                        ],
                    )
                    if phase != "selection":
                        position += 1

    # ── providers and services ──
    def catalog(self) -> None:
        from kumokan.catalog.models import CloudService, Provider, name_key

        r = self.random
        provider_count = max(50, self.entries // 200)
        names: dict[str, str] = {}
        while len(names) < provider_count:
            core = r.choice(COMPANY_CORES) + r.choice(COMPANY_ENDINGS) + r.choice(COMPANY_PLACES)
            name = r.choice(
                (f"株式会社{core}", f"{core}株式会社", f"{core}株式会社", f"一般財団法人{core}協会")
            )
            names.setdefault(name_key(name), name)
        ids = self.writer.take_ids(Provider, len(names))
        self.providers = list(zip(ids, names.values(), strict=True))
        self.writer.insert(
            Provider,
            ["id", "municipality_id", "name", "name_key"],
            ((pk, self.municipality.pk, name, name_key(name)) for pk, name in self.providers),
        )
        provider_weights = zipf_weights(len(self.providers), 1.1)
        models, model_weights = weighted(MODELS)
        service_count = max(200, self.entries // 20)
        seen: set[tuple[int, str, str]] = set()
        services = []
        while len(services) < service_count:
            provider_id, provider_name = r.choices(self.providers, cum_weights=provider_weights)[0]
            model = r.choices(models, cum_weights=model_weights)[0]
            kind = r.choice(KINDS[model])
            name = r.choice(BRANDS) + (
                kind
                if model in ("web_conference", "sns") and r.random() < 0.5
                else r.choice(BUSINESSES) + kind
            )
            function = r.choice(FUNCTIONS) if r.random() < 0.2 else ""
            key = (provider_id, name_key(name), name_key(function))
            if key in seen:
                continue
            seen.add(key)
            services.append((provider_id, provider_name, name, function, model))
        ids = self.writer.take_ids(CloudService, len(services))
        self.services = [(pk, *service) for pk, service in zip(ids, services, strict=True)]
        self.writer.insert(
            CloudService,
            ["id", "provider_id", "name", "function_name", "service_model", "name_key", "function_key"],
            (
                (pk, provider_id, name, function, model, name_key(name), name_key(function))
                for pk, provider_id, _p, name, function, model in self.services
            ),
        )
        self.service_weights = zipf_weights(len(self.services), 0.9)
        self.count("providers", len(self.providers))
        self.count("services", len(self.services))

    # ── applications, ledger entries, changes, re-checks and the audit trail, in chunks ──
    def ledger(self) -> None:
        from kumokan.applications.models import Application
        from kumokan.audit.models import AuditChainHead
        from kumokan.ledger.models import LedgerChange, LedgerEntry
        from kumokan.lifecycle.models import Recheck

        head = AuditChainHead.locked(self.municipality.pk)
        self.chain = SimpleNamespace(hash=head.last_hash, length=head.length, last_id=head.last_event_id)
        open_kinds, open_weights = weighted(OPEN_APPLICATIONS)
        extra = sum(w for _, w in OPEN_APPLICATIONS)
        total = self.entries + self.entries * extra // 100
        # Which applications are not in the ledger: spread evenly, the later ones more often open.
        statuses = ["approved"] * self.entries + [
            self.random.choices(open_kinds, cum_weights=open_weights)[0] for _ in range(total - self.entries)
        ]
        self.random.shuffle(statuses)
        step = YEARS * 365 * 86400 / total
        self.first_application_id = self.writer.next_id(Application)
        for start in range(0, total, self.CHUNK):
            rows = self.chunk(start, statuses[start : start + self.CHUNK], step)
            self.count(
                "applications", self.writer.insert(Application, APPLICATION_FIELDS, rows["applications"])
            )
            self.write_staging(rows["staging"])
            self.count("ledger entries", self.writer.insert(LedgerEntry, ENTRY_FIELDS, rows["entries"]))
            self.count("ledger changes", self.writer.insert(LedgerChange, CHANGE_FIELDS, rows["changes"]))
            self.count("re-checks", self.writer.insert(Recheck, RECHECK_FIELDS, rows["rechecks"]))
            self.write_audit(rows["audit"])
            print(f"    {min(start + self.CHUNK, total):>9,} / {total:,} applications", flush=True)

    def approver_of(self, variant: dict[str, Any]) -> Any:
        from kumokan.tenancy.choices import Role

        return self.city_user.get(variant["approver_role"], self.city_user[Role.SECURITY_MANAGER])

    def write_staging(self, rows: list[tuple[int, int]]) -> None:
        w = self.writer
        raw = w.connection.cursor().cursor
        if w.vendor == "postgresql":
            with raw.copy("COPY bench_application (application_id, k) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            raw.executemany("INSERT INTO bench_application VALUES (?, ?)", rows)

    def chunk(self, start: int, statuses: list[str], step: float) -> dict[str, list[Any]]:
        from kumokan.applications.models import Application
        from kumokan.ledger.models import LedgerChange, LedgerEntry
        from kumokan.lifecycle.models import Recheck

        r = self.random
        w = self.writer
        today = datetime.datetime.now(datetime.UTC)
        app_ids = w.take_ids(Application, len(statuses))
        approved = statuses.count("approved")
        entry_ids = iter(w.take_ids(LedgerEntry, approved))
        status_values, status_weights = weighted(ENTRY_STATUS)
        scope_values, scope_weights = weighted(USER_SCOPES)
        conf_values, conf_weights = weighted(CONFIDENTIALITY)
        out: dict[str, list[Any]] = {
            k: [] for k in ("applications", "staging", "entries", "changes", "rechecks", "audit")
        }
        changes, rechecks = [], []
        for offset, (app_id, status) in enumerate(zip(app_ids, statuses, strict=True)):
            created = START + datetime.timedelta(seconds=(start + offset) * step + r.random() * step)
            department = r.choices(self.departments, cum_weights=self.department_weights)[0]
            applicant = r.choice(self.applicants[department.pk])
            service_id, _provider, provider_name, name, function, model = r.choices(
                self.services, cum_weights=self.service_weights
            )[0]
            code = r.choices(conf_values, cum_weights=conf_weights)[0]
            personal = r.random() < 0.45
            variant = self.variant_of[(model, code, personal)]
            purpose = f"{r.choice(BUSINESSES)}業務における{r.choice(PURPOSES)}"
            scope = r.choices(scope_values, cum_weights=scope_weights)[0]
            facts = {
                **variant["facts"],
                "service_name": name,
                "provider": provider_name,
                "purpose": purpose,
                "functions": [function] if function else [],
                "user_scope": scope,
            }
            submitted = created + datetime.timedelta(days=r.randint(1, 20)) if status != "draft" else None
            decided = submitted + datetime.timedelta(days=r.randint(1, 30)) if submitted else None
            updated = decided or created
            version = 1 if status == "draft" else 2 if status != "returned" else 3
            period_start = (decided or created).date() + datetime.timedelta(days=r.randint(7, 60))
            period_end = period_start + datetime.timedelta(days=365 * r.choice((1, 3, 5)))
            detail = r.choice(SCOPE_DETAILS)
            out["applications"].append(
                (
                    app_id,
                    self.municipality.pk,
                    department.pk,
                    applicant.pk,
                    service_id,
                    facts,
                    f"{name}を用いた{purpose}",
                    period_start if status != "draft" else None,
                    period_end if status != "draft" else None,
                    detail,
                    "",
                    status,
                    False,
                    version,
                    created,
                    updated,
                    submitted,
                )
            )
            out["staging"].append((app_id, variant["k"]))
            events = [
                (
                    "application.create_draft",
                    applicant,
                    created,
                    "applications.application",
                    app_id,
                    name,
                    None,
                    {"status": "draft"},
                )
            ]
            if submitted:
                events.append(
                    (
                        "application.submit",
                        applicant,
                        submitted,
                        "applications.application",
                        app_id,
                        name,
                        {"status": "draft"},
                        {"status": "submitted"},
                    )
                )
            approver = applicant if variant["self_approval"] else self.approver_of(variant)
            if status in ("approved", "rejected", "returned"):
                events.append(
                    (
                        f"application.{ {'approved': 'approve', 'rejected': 'reject', 'returned': 'return'}[status] }",
                        approver,
                        decided,
                        "applications.application",
                        app_id,
                        name,
                        {"status": "submitted"},
                        {"status": status},
                    )
                )
            if status == "withdrawn":
                events.append(
                    (
                        "application.withdraw",
                        applicant,
                        decided,
                        "applications.application",
                        app_id,
                        name,
                        {"status": "submitted"},
                        {"status": "withdrawn"},
                    )
                )
            if status == "approved":
                entry_id = next(entry_ids)
                entry_status = r.choices(status_values, cum_weights=status_weights)[0]
                manager = r.choice(self.managers[department.pk])
                started = (
                    decided + datetime.timedelta(days=r.randint(10, 90))
                    if entry_status != "approved"
                    else None
                )
                retired = (
                    started + datetime.timedelta(days=r.randint(180, 1500))
                    if entry_status == "retired"
                    else None
                )
                if retired and retired > today:
                    retired = today - datetime.timedelta(days=r.randint(1, 30))
                    started = min(started, retired)
                entry_version = (
                    1 + (started is not None) + (entry_status == "suspended") + (retired is not None)
                )
                edited = r.random() < 0.08
                entry_version += edited
                entry_updated = max(t for t in (decided, started, retired) if t is not None)
                out["entries"].append(
                    (
                        entry_id,
                        self.municipality.pk,
                        department.pk,
                        app_id,
                        service_id,
                        name,
                        function,
                        provider_name,
                        purpose,
                        code,
                        variant["label"],
                        variant["track"],
                        period_start,
                        period_end,
                        applicant.pk,
                        f"{applicant.last_name} {applicant.first_name}",
                        department.name,
                        scope,
                        detail,
                        manager.pk,
                        f"{manager.last_name} {manager.first_name}",
                        r.choice(TITLES),
                        department.name,
                        variant["approver_title"],
                        approver.pk,
                        decided,
                        variant["fields"],
                        entry_status,
                        entry_version,
                        decided,
                        entry_updated,
                        started,
                        retired,
                    )
                )
                label = f"{name}（{function}）" if function else name
                events.append(
                    (
                        "ledger.register",
                        approver,
                        decided,
                        "ledger.ledgerentry",
                        entry_id,
                        label,
                        None,
                        {"status": "approved", "service_name": name, "department": department.pk},
                    )
                )
                if started:
                    events.append(
                        (
                            "ledger.start_operation",
                            manager,
                            started,
                            "ledger.ledgerentry",
                            entry_id,
                            label,
                            {"status": "approved"},
                            {"status": "in_operation", "reason": ""},
                        )
                    )
                if entry_status == "suspended":
                    events.append(
                        (
                            "ledger.suspend",
                            manager,
                            started + datetime.timedelta(days=r.randint(30, 300)),
                            "ledger.ledgerentry",
                            entry_id,
                            label,
                            {"status": "in_operation"},
                            {"status": "suspended", "reason": "提供者の障害により一時停止"},
                        )
                    )
                if retired:
                    events.append(
                        (
                            "ledger.retire",
                            manager,
                            retired,
                            "ledger.ledgerentry",
                            entry_id,
                            label,
                            {"status": "in_operation"},
                            {"status": "retired", "reason": "契約期間の満了"},
                        )
                    )
                if edited:
                    at = (started or decided) + datetime.timedelta(days=r.randint(1, 100))
                    before, after = {"user_scope_detail": detail}, {"user_scope_detail": "全庁の職員"}
                    changes.append(
                        (
                            entry_id,
                            entry_version,
                            manager.pk,
                            f"{manager.last_name} {manager.first_name}",
                            at,
                            before,
                            after,
                            # A reason the person typed (kept as typed); none the system wrote.
                            "利用範囲の拡大",
                            "",
                            "",
                            {},
                        )
                    )
                    events.append(
                        (
                            "ledger.edit",
                            manager,
                            at,
                            "ledger.ledgerentry",
                            entry_id,
                            label,
                            before,
                            after | {"reason": "利用範囲の拡大"},
                        )
                    )
                if entry_status in ("in_operation", "suspended") and r.random() < 0.05:
                    due = today.date() + datetime.timedelta(days=r.randint(-90, 120))
                    rechecks.append(
                        (
                            entry_id,
                            "periodic",
                            [],
                            "",
                            12,
                            False,
                            [],
                            due,
                            "open",
                            "",
                            today - datetime.timedelta(days=60),
                            self.municipality.pk,
                            entry_status,
                        )
                    )
            out["audit"] += events
        change_ids = w.take_ids(LedgerChange, len(changes))
        out["changes"] = [(pk, *row) for pk, row in zip(change_ids, changes, strict=True)]
        recheck_ids = w.take_ids(Recheck, len(rechecks))
        out["rechecks"] = [(pk, *row) for pk, row in zip(recheck_ids, rechecks, strict=True)]
        out["audit"].sort(key=lambda event: event[2])
        return out

    def write_audit(self, events: list[tuple[Any, ...]]) -> None:
        """Chain each event to the one before in the municipality's chain, as AuditEvent.save does: the
        same canonical bytes as kumokan.audit.models.canonical_content (keys sorted, compact), built from
        text made once, and the same keyed hash."""
        from kumokan.audit.models import AuditEvent, chain_hash

        ids = self.writer.take_ids(AuditEvent, len(events))
        rows = []
        names: dict[int, str] = {}
        municipality = json.dumps(self.municipality.pk)
        for pk, (action, actor, at, target_type, target_id, target_repr, before, after) in zip(
            ids, events, strict=True
        ):
            name = names.get(actor.pk) or names.setdefault(actor.pk, f"{actor.last_name} {actor.first_name}")
            before_json, after_json = _compact(before), _compact(after)
            content = (
                f'{{"action":{_compact(action)},"actor_name":{_compact(name)},"after":{after_json},'
                f'"at":"{at.astimezone(datetime.UTC).isoformat(timespec="microseconds")}",'
                f'"before":{before_json},"municipality_id":{municipality},"request_id":"",'
                f'"target_id":{_compact(str(target_id))},"target_repr":{_compact(target_repr[:200])},'
                f'"target_type":{_compact(target_type)}}}'
            )
            previous = self.chain.hash
            self.chain.hash = chain_hash(content.encode(), previous)
            rows.append(
                (
                    pk,
                    at,
                    actor.pk,
                    name,
                    self.municipality.pk,
                    action,
                    target_type,
                    str(target_id),
                    target_repr[:200],
                    None if before is None else before_json,
                    None if after is None else after_json,
                    "",
                    previous,
                    self.chain.hash,
                )
            )
        self.count("audit records", self.writer.insert(AuditEvent, AUDIT_FIELDS, rows))
        if rows:
            self.chain.length += len(rows)
            self.chain.last_id = rows[-1][0]

    # ── what the database expands itself ──
    def snapshots(self) -> None:
        from kumokan.applications.models import JudgmentSnapshot

        # Each new application's snapshot gets the application's id plus one offset, so that the
        # decisions can name it without reading it back.
        self.snapshot_offset = max(0, self.writer.next_id(JudgmentSnapshot) - self.first_application_id)
        n = self.writer.insert_select(
            JudgmentSnapshot,
            "id, application_id, facts, document_id, packs, track, approver_role, approver_title, created_at",
            f"""a.id + {self.snapshot_offset}, a.id, a.facts, v.document_id, v.packs, v.track, v.approver_role,
               v.approver_title, a.created_at""",
            """FROM bench_application s
               JOIN applications_application a ON a.id = s.application_id
               JOIN bench_variant v ON v.k = s.k""",
        )
        self.count("judgment snapshots", n)
        self.writer.next_ids.pop(JudgmentSnapshot._meta.db_table, None)

    def decisions(self) -> None:
        approver = self.city_user
        from kumokan.applications.models import Decision
        from kumokan.tenancy.choices import Role

        n = self.writer.insert_select(
            Decision,
            """application_id, outcome, reason, decided_by_id, decided_at, self_approval, approver_title,
               application_version, snapshot_id""",
            f"""a.id,
               CASE a.status WHEN 'approved' THEN 'approved' WHEN 'rejected' THEN 'rejected' ELSE 'returned' END,
               CASE a.status WHEN 'approved' THEN '' WHEN 'rejected' THEN '利用目的に対して格付が過大です。'
                    ELSE '確認事項の根拠資料を添付してください。' END,
               CASE WHEN v.self_approval = 1 THEN a.applicant_id
                    WHEN v.approver_role = '{Role.CHIEF.value}' THEN {approver[Role.CHIEF].pk}
                    WHEN v.approver_role = '{Role.APPROVER.value}' THEN {approver[Role.APPROVER].pk}
                    ELSE {approver[Role.SECURITY_MANAGER].pk} END,
               a.updated_at, v.self_approval = 1, v.approver_title, a.version - 1,
               a.id + {self.snapshot_offset}""",
            """FROM bench_application s
               JOIN applications_application a ON a.id = s.application_id
               JOIN bench_variant v ON v.k = s.k
               WHERE a.status IN ('approved', 'rejected', 'returned')""",
        )
        self.count("decisions", n)

    def answers(self) -> None:
        from kumokan.applications.models import ChecklistAnswer

        n = self.writer.insert_select(
            ChecklistAnswer,
            "application_id, pack_id, item_id, answer, note, evidence, evidence_name, answered_by_id, answered_at",
            """a.id, i.pack_id, i.item_id,
               CASE WHEN i.response = 'accept_or_mitigate' THEN 'accepted' ELSE 'conforms' END,
               CASE WHEN i.response = 'accept_or_mitigate' THEN '規約を確認し、業務上受容できると判断した。' ELSE '' END,
               '', '', a.applicant_id, a.created_at""",
            """FROM bench_application s
               JOIN applications_application a ON a.id = s.application_id
               JOIN bench_variant_item i ON i.k = s.k AND i.phase = 'selection'
               WHERE a.status <> 'draft'""",
        )
        self.count("checklist answers", n)

    def tasks(self) -> None:
        # Entries not yet in operation: every item of the phases after approval, open; those required
        # before operation carry a due date (some already passed), as the lifecycle's scheduler sets.
        due = (
            "CAST(e.approved_at AS date) + 90"
            if self.writer.vendor == "postgresql"
            else "date(e.approved_at, '+90 days')"
        )
        from kumokan.lifecycle.models import ChecklistTask

        n = self.writer.insert_select(
            ChecklistTask,
            """entry_id, pack_id, item_id, phase, position, "group", text, source, required_before_operation,
               status, note, evidence, evidence_name, responsible_id, due_date, version, updated_at,
               municipality_id, entry_status""",
            f"""e.id, i.pack_id, i.item_id, i.phase, i.position, i.grp, i.text, i.source, i.required = 1,
               'open', '', '', '', e.service_manager_id,
               CASE WHEN i.required = 1 THEN {due} END, 1, %s, e.municipality_id, e.status""",
            f"""FROM ledger_ledgerentry e
               JOIN bench_application s ON s.application_id = e.application_id
               JOIN bench_variant_item i ON i.k = s.k AND i.phase <> 'selection'
               WHERE e.status = 'approved' AND e.municipality_id = {self.municipality.pk}""",
            [self.now()],
        )
        self.count("checklist tasks", n)

    def now(self) -> Any:
        """The current time as the database takes it in a raw statement's parameter."""
        from django.utils import timezone

        moment = timezone.now()
        if self.writer.vendor == "sqlite":
            return self.writer.connection.ops.adapt_datetimefield_value(moment)
        return moment

    def stored_counts(self) -> None:
        """The dashboard's counts, which the ledger actions keep: the rows above came in by raw inserts."""
        from kumokan.ledger.counts import recount

        recount(self.municipality)

    def finish(self) -> None:
        from kumokan.applications.models import Application, JudgmentSnapshot
        from kumokan.audit.models import AuditChainHead, AuditEvent
        from kumokan.catalog.models import CloudService, Provider
        from kumokan.ledger.models import LedgerChange, LedgerEntry
        from kumokan.lifecycle.models import Recheck

        AuditChainHead.objects.filter(municipality=self.municipality).update(
            last_event_id=self.chain.last_id, last_hash=self.chain.hash, length=self.chain.length
        )
        self.writer.reset_sequences(
            [
                Provider,
                CloudService,
                Application,
                JudgmentSnapshot,
                LedgerEntry,
                LedgerChange,
                Recheck,
                AuditEvent,
            ]
        )
        for table in ("bench_application", "bench_variant_item", "bench_variant"):
            self.writer.execute(f"DROP TABLE {table}")

    def analyze(self) -> None:
        # PostgreSQL's autovacuum would do it within minutes. SQLite never does: without statistics its
        # planner walks the sort's index past every entry for a filter that another index answers at
        # once (BENCHMARKS.md), so a SQLite deployment runs ANALYZE after loading data (README).
        self.writer.execute("VACUUM ANALYZE" if self.writer.vendor == "postgresql" else "ANALYZE")


def _big_models() -> list[Any]:
    from kumokan.applications.models import Application, ChecklistAnswer, Decision, JudgmentSnapshot
    from kumokan.audit.models import AuditEvent
    from kumokan.ledger.models import LedgerChange, LedgerEntry
    from kumokan.lifecycle.models import ChecklistTask, Recheck

    return [
        Application,
        JudgmentSnapshot,
        Decision,
        ChecklistAnswer,
        LedgerEntry,
        LedgerChange,
        Recheck,
        ChecklistTask,
        AuditEvent,
    ]


APPLICATION_FIELDS = [
    "id",
    "municipality_id",
    "department_id",
    "applicant_id",
    "service_id",
    "facts",
    "business_scope",
    "period_start",
    "period_end",
    "user_scope_detail",
    "notes",
    "status",
    "submitted_by_contractor",
    "version",
    "created_at",
    "updated_at",
    "submitted_at",
]
ENTRY_FIELDS = [
    "id",
    "municipality_id",
    "department_id",
    "application_id",
    "service_id",
    "service_name",
    "function_name",
    "provider_name",
    "purpose",
    "classification_code",
    "classification_label",
    "track",
    "period_start",
    "period_end",
    "applicant_id",
    "applicant_name",
    "applicant_department_name",
    "user_scope",
    "user_scope_detail",
    "service_manager_id",
    "service_manager_name",
    "service_manager_title",
    "service_manager_department_name",
    "approver_title",
    "approved_by_id",
    "approved_at",
    "fields",
    "status",
    "version",
    "created_at",
    "updated_at",
    "operation_started_at",
    "retired_at",
]
CHANGE_FIELDS = [
    "id",
    "entry_id",
    "entry_version",
    "changed_by_id",
    "changed_by_name",
    "changed_at",
    "before",
    "after",
    "reason",
    "reason_msgid",
    "reason_context",
    "reason_params",
]
RECHECK_FIELDS = [
    "id",
    "entry_id",
    "trigger",
    "basis",
    "rule_key",
    "interval_months",
    "interval_from_setting",
    "items",
    "due_date",
    "status",
    "answer_note",
    "created_at",
    "municipality_id",
    "entry_status",
]
AUDIT_FIELDS = [
    "id",
    "at",
    "actor_id",
    "actor_name",
    "municipality_id",
    "action",
    "target_type",
    "target_id",
    "target_repr",
    "before",
    "after",
    "request_id",
    "previous_hash",
    "hash",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "entries", type=int, help="ledger entries to generate (applications: about 10%% more)"
    )
    parser.add_argument("--slug", default="bench", help="the new municipality's slug (default: bench)")
    args = parser.parse_args()
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(
        f"migrated in {time.perf_counter() - started:.1f} s ({connection.vendor}: {connection.settings_dict['NAME']})"
    )
    generator = Generator(args.entries, args.slug)
    started = time.perf_counter()
    counts = generator.run()
    elapsed = time.perf_counter() - started
    print(f"generated in {elapsed:.1f} s:")
    for name, n in counts.items():
        print(f"  {name:<22} {n:>12,}")


if __name__ == "__main__":
    main()
