"""The forms of each pack, printed from an application and its decision, as PDF and as XLSX."""

import datetime
import io
import subprocess
from pathlib import Path

import pytest
from django.core.cache import cache
from django.utils.translation import override
from openpyxl import load_workbook

from kumokan.applications.choices import Outcome
from kumokan.applications.tests import factories as f
from kumokan.core.actors import SYSTEM
from kumokan.core.packs import available, load_pack
from kumokan.documents.choices import FormKind
from kumokan.documents.pdf import cache_key, covered_code_points, printable, render_pdf
from kumokan.documents.printed import kind_of, printed_forms
from kumokan.documents.xlsx_forms import render_xlsx
from kumokan.tenancy.actions import set_staff_title

pytestmark = pytest.mark.django_db

PERIOD = {"period_start": datetime.date(2025, 4, 1), "period_end": datetime.date(2028, 3, 31)}


def approved(slug, *, high=True, c=None, **kwargs):
    c = c or f.city(slug, overlays=())
    application = f.draft(c, high=high, **kwargs)
    application.period_start, application.period_end = PERIOD["period_start"], PERIOD["period_end"]
    application.save(update_fields=["period_start", "period_end"])
    f.answer_all(application, phase=None)
    f.explain_blocking(application)
    f.actions.submit(acting_user=application.applicant, application=application)
    application = f.fresh(application)
    if application.status != "approved":
        approver = c.head if slug == "kitakyushu" and not high else f.high_track_approver(c)
        f.actions.decide(
            acting_user=approver,
            application=application,
            outcome=Outcome.APPROVED,
            expected_version=application.version,
            service_manager=c.head,
        )
    return c, f.fresh(application)


def pdf_text(data: bytes) -> str:
    """The PDF's text with all white space removed, so that a value wrapped over lines still matches."""
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    return "".join(text.split())


def xlsx_text(data: bytes) -> str:
    sheet = load_workbook(io.BytesIO(data)).active
    return "\n".join(str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None)


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        (
            "クラウドサービス利用申請書兼許可書（機密性２以上の情報を取り扱う場合）",
            FormKind.APPLICATION_AND_PERMIT,
        ),
        ("セキュリティ要件の確認結果", FormKind.CHECKLIST),
        ("クラウドサービス利用申請時確認事項（機密性２以上の情報を取り扱わない場合）", FormKind.CHECKLIST),
        ("外部サービス要件（機密性２以上）", FormKind.REQUIREMENT_SHEET),
    ],
)
def test_a_forms_kind_is_read_from_its_title_in_the_pack(title, kind):
    assert kind_of(title) == kind


def test_amagasaki_high_track_prints_form_1_with_its_attachment():
    _c, application = approved("amagasaki")
    forms = printed_forms(application)
    assert [(form.form_id, form.kind) for form in forms] == [
        ("様式1", FormKind.APPLICATION_AND_PERMIT),
        ("別紙", FormKind.CHECKLIST),
    ]
    assert forms[0].title == "クラウドサービス利用申請書兼許可書（機密性２以上の情報を取り扱う場合）"


def test_amagasaki_low_track_prints_form_1_and_form_2():
    _c, application = approved("amagasaki", high=False)
    assert [form.form_id for form in printed_forms(application)] == ["様式1", "様式2"]


def test_kobe_prints_an_application_and_its_requirement_sheet_per_track():
    c, high = approved("kobe")
    assert [(form.form_id, form.kind) for form in printed_forms(high)] == [
        ("", FormKind.APPLICATION_AND_PERMIT),
        ("別紙（機密性２以上）", FormKind.REQUIREMENT_SHEET),
    ]
    assert printed_forms(high)[1].title == "外部サービス要件（機密性２以上）"
    _c, low = approved("kobe", high=False, c=c, service_name="庁内チャット")
    assert [form.title for form in printed_forms(low)][1] == "外部サービス要件（機密性１）"


def test_a_pack_without_forms_gets_kumokans_application_and_answer_sheet():
    _c, application = approved("kitakyushu")
    assert [form.kind for form in printed_forms(application)] == [
        FormKind.APPLICATION_AND_PERMIT,
        FormKind.CHECKLIST,
    ]


def test_application_pdf_contains_the_applications_values_in_japanese():
    c, application = approved("amagasaki")
    text = pdf_text(render_pdf(printed_forms(application)[0]))
    for value in (
        "様式1",
        "クラウドサービス利用申請書兼許可書",
        "電子申請サービス",
        "株式会社クラウド自治",
        "市民からの各種申請の受付",
        "住民票の写しの交付申請の受付",
        "市民局住民課",
        "申請花子",
        "令和7年4月1日（2025年4月1日）",
        "令和10年3月31日（2028年3月31日）",
        "印",
        "許可権限者",
        "■許可",
        "デジタル推進課長",
    ):
        assert value in text, value
    assert c.municipality.name in text


def test_checklist_pdf_lists_every_item_with_its_answer_and_note():
    _c, application = approved("amagasaki", high=False)
    form = printed_forms(application)[1]
    text = pdf_text(render_pdf(form))
    assert "様式2" in text
    assert "受容" in text
    assert "規約を確認し、業務上受容できると判断した。" in text
    assert form.item_count > 0


def test_requirement_sheet_pdf_has_the_confirmation_and_seal():
    _c, application = approved("kobe")
    text = pdf_text(render_pdf(printed_forms(application)[1]))
    assert "外部サービス要件（機密性２以上）" in text
    assert "適合" in text
    assert "確認者" in text
    assert "印" in text


def test_pdf_embeds_the_japanese_font():
    _c, application = approved("amagasaki")
    fonts = subprocess.run(
        ["pdffonts", "-"], input=render_pdf(printed_forms(application)[0]), capture_output=True, check=True
    ).stdout.decode()
    assert "IPAexMincho" in fonts
    assert "IPAexGothic" in fonts


def test_undecided_application_prints_an_empty_permit_for_a_seal():
    c = f.city("amagasaki", overlays=())
    application = f.draft(c)
    text = pdf_text(render_pdf(printed_forms(application)[0]))
    assert "□許可□不許可" in text


def test_xlsx_application_form_contains_the_values():
    _c, application = approved("amagasaki")
    text = xlsx_text(render_xlsx(printed_forms(application)[0]))
    for value in (
        "様式1",
        "電子申請サービス",
        "株式会社クラウド自治",
        "令和7年4月1日（2025年4月1日）",
        "印",
        "■ 許可",
    ):
        assert value in text, value


def test_xlsx_checklist_contains_every_answer():
    _c, application = approved("kobe")
    form = printed_forms(application)[1]
    workbook = load_workbook(io.BytesIO(render_xlsx(form)))
    sheet = workbook.active
    answers = [row[3] for row in sheet.iter_rows(values_only=True) if isinstance(row[0], int)]
    assert len(answers) == form.item_count
    assert set(answers) <= {"適合", "受容"}
    assert sheet.freeze_panes is not None


def test_text_that_looks_like_a_formula_stays_text_in_xlsx():
    _c, application = approved("amagasaki", purpose='=HYPERLINK("http://example.com")')
    workbook = load_workbook(io.BytesIO(render_xlsx(printed_forms(application)[0])))
    cells = [
        cell
        for row in workbook.active.iter_rows()
        for cell in row
        if cell.value and "HYPERLINK" in str(cell.value)
    ]
    assert cells
    assert all(cell.data_type == "s" for cell in cells)


SCREENSHOTS = Path(__file__).resolve().parents[3] / "artifacts" / "screenshots"


@pytest.mark.parametrize(
    ("slug", "high"), [("amagasaki", True), ("amagasaki", False), ("kobe", True), ("kitakyushu", True)]
)
def test_every_page_of_every_form_renders_to_png_for_review(slug, high):
    """Saves artifacts/screenshots/form-<city>-<track>-<n>-<page>.png: the pages a person looks at."""
    _c, application = approved(slug, high=high)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for form in printed_forms(application):
        prefix = SCREENSHOTS / f"form-{slug}-{'high' if high else 'low'}-{form.number}"
        for old in SCREENSHOTS.glob(f"{prefix.name}-*.png"):
            old.unlink()
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-", str(prefix)], input=render_pdf(form), check=True)
        assert list(SCREENSHOTS.glob(f"{prefix.name}-*.png"))


@pytest.mark.parametrize("pack_id", available())
def test_every_character_of_every_pack_prints_in_the_embedded_fonts(pack_id):
    """No tofu: what the fonts lack (the seeds' ⑴) is printed in its compatibility form (1)."""
    pack = load_pack(pack_id).pack
    texts = [item.text for item in pack.items] + [finding.message for finding in pack.findings]
    texts += [item.source.clause for item in pack.items] + [pack.title, pack.issuer]
    missing = {ch for text in texts for ch in printable(text) if ord(ch) not in covered_code_points()}
    assert not missing, f"{pack_id}: {sorted(missing)}"


def test_application_pdf_prints_the_applicants_own_title_not_the_role_the_rules_expect():
    # Kitakyushu's low track names 職員 as applicant and the person holds the applicant role (申請者): the
    # form prints neither, but the title the city recorded for the person (issue 17, point 4).
    c = f.city("kitakyushu")
    set_staff_title(acting_user=SYSTEM, user=c.applicant, municipality=c.municipality, title="主事")
    _c, application = approved("kitakyushu", high=False, c=c)
    form = printed_forms(application)[0]
    assert application.snapshots.latest("id").judgment["applicant"]["title"] == "職員"
    assert form.applicant.title == "主事"
    assert form.applicant.name == "申請 花子"
    text = pdf_text(render_pdf(form))
    assert "主事" in text and "申請花子" in text
    assert "申請者申請花子" not in text and "職員申請花子" not in text


def test_application_pdf_leaves_the_title_blank_when_none_is_recorded():
    # Kobe's rules call the applicant 情報管理者等: a role, not the person's 職名.
    _c, application = approved("kobe")
    form = printed_forms(application)[0]
    assert form.applicant.title == ""
    assert "情報管理者等申請花子" not in pdf_text(render_pdf(form))


def test_a_printed_pdf_is_kept_in_the_cache_until_what_it_prints_changes():
    """Issue 18, target 6: the same form with the same content is served from the cache; a change
    of what it prints is in the very next PDF."""
    c = f.city("amagasaki", overlays=())
    application = f.draft(c)
    form = printed_forms(application)[0]
    first = render_pdf(form)
    assert cache.get(cache_key(form)) == first
    # What the cache holds is what is served: a stand-in put under the form's key comes back.
    cache.set(cache_key(form), b"%PDF-kept")
    assert render_pdf(printed_forms(f.fresh(application))[0]) == b"%PDF-kept"

    f.actions.update_draft(
        acting_user=c.applicant,
        application=application,
        changes={"user_scope_detail": "保育所の入所担当職員に限る"},
        expected_version=f.fresh(application).version,
    )
    changed = render_pdf(printed_forms(f.fresh(application))[0])

    assert changed != b"%PDF-kept"
    assert "保育所の入所担当職員に限る" in pdf_text(changed)


def test_kobes_application_speaks_of_external_services_in_the_pdf_and_the_workbook():
    # Issue 17 point 1: the city's word for the service (Kobe 1.1: 外部サービス), from its pack.
    _c, application = approved("kobe")
    form = printed_forms(application)[0]
    assert "次のとおり外部サービスの利用を申請します。" in pdf_text(render_pdf(form)).replace(" ", "")
    assert "次のとおり外部サービスの利用を申請します。" in xlsx_text(render_xlsx(form))


def test_kobes_application_pdf_names_the_service_as_kobe_does():
    """Kobe's rules say 外部サービス (1.1): kumokan's own application form is titled and filled in Kobe's
    word, and the manager is Kobe's 外部サービス管理者 (issue 17 point 1); English stays English."""
    _c, application = approved("kobe")
    form = printed_forms(application)[0]
    assert form.title == "外部サービス利用申請書"
    assert [row.label for row in form.fields[:3]] == ["外部サービスの名称", "機能名", "外部サービス提供者"]
    text = pdf_text(render_pdf(form))
    assert "外部サービス利用申請書" in text and "外部サービス管理者" in text
    assert "クラウドサービス" not in text
    with override("en"):
        english = printed_forms(application)[0]
    assert english.title == "Cloud service usage application"
    assert [row.label for row in english.fields[:3]] == [
        "Cloud service",
        "Function",
        "Cloud service provider",
    ]


def test_kobes_english_application_pdf_is_english():
    """Issue 17 point 3: the English application names the manager in English, prints its dates in
    English and brackets as English does; the Japanese one keeps 外部サービス管理者, 令和 and （…）."""
    _c, application = approved("kobe")
    application.user_scope_detail = "指定管理者の保育士"
    application.save(update_fields=["user_scope_detail"])
    form = printed_forms(application)[0]
    rows = {row.label: row.value for row in form.fields}
    assert form.service_manager.label == "外部サービス管理者"
    assert rows["利用期間"].startswith("令和7年4月1日（2025年4月1日）")
    assert rows["利用者の範囲"].endswith("（指定管理者の保育士）")
    assert rows["データの保管場所／準拠法"] == "JP／JP"
    with override("en"):
        english = printed_forms(application)[0]
        text = pdf_text(render_pdf(english))
    rows = {row.label: row.value for row in english.fields}
    assert english.service_manager.label == "Service manager"
    assert rows["Period of use"].startswith("1 April 2025")
    assert "令和" not in text and "年" not in text and "外部サービス管理者" not in text
    assert rows["Scope of users"].endswith(" (指定管理者の保育士)") and "（" not in rows["Scope of users"]
    assert english.date and "年" not in english.date and "（" not in english.date
    assert rows["Period of use"] == "1 April 2025 – 31 March 2028"
    assert rows["Data location / governing law"] == "JP / JP"
