"""The shape of a policy pack: one municipality's rules (or an overlay) as validated data."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kumokan.policy.conditions import Condition
from kumokan.policy.tracks import TrackScope

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
SEED_FILE = re.compile(r"^\d{3}_[0-9a-f]{16}\.txt$")
DOCUMENT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class Phase(StrEnum):
    """The phases a checklist item belongs to, in the order they happen."""

    SELECTION = "selection"
    PROCUREMENT = "procurement"
    BUILD = "build"
    OPERATION = "operation"
    TERMINATION = "termination"


class Role(StrEnum):
    """Abstract roles; each pack names them with the municipality's own titles."""

    APPLICANT = "applicant"
    STAFF = "staff"
    DEPARTMENT_HEAD = "department_head"
    SECURITY_MANAGER = "security_manager"
    APPROVER = "approver"
    CHIEF = "chief"
    SERVICE_MANAGER = "service_manager"
    SYSTEM_DEPARTMENT = "system_department"
    AUDITOR = "auditor"
    ADMINISTRATOR = "administrator"
    CONTRACTOR = "contractor"


class Designation(StrEnum):
    """How the service manager comes to be on approval."""

    APPLICANT = "applicant"  # the applicant is designated (Kobe §5.2.1③)
    APPROVER = "approver"  # the approver becomes manager (Kitakyushu §5.2(2)②, Kobe §5.2.2②)
    DESIGNATED_BY_APPROVER = "designated_by_approver"  # the approver names someone (Kitakyushu §5.2(1)③)
    OWNING_DEPARTMENT_HEAD = "owning_department_head"  # the head of the owning section (Amagasaki 3⑷)
    UNSPECIFIED = "unspecified"  # the seed names none: a municipality setting decides (Osaka)


class Severity(StrEnum):
    BLOCK = "block"
    WARN = "warn"
    INFO = "info"


class Response(StrEnum):
    """What the applicant answers to an item."""

    CONFIRM = "confirm"  # 適合 / 不適合 / 該当なし
    ACCEPT_OR_MITIGATE = "accept_or_mitigate"  # a risk to accept or to reduce (Kitakyushu §4.1(2))


class DoneBy(StrEnum):
    """A step kumokan records itself that carries out a termination item, which is then done by it."""

    TERMINATION_APPROVAL = "termination_approval"  # the application to stop the use is approved
    RETIREMENT = "retirement"  # the ledger entry becomes 廃止済み
    TERMINATION_COMPLETION = "termination_completion"  # the record that every step was done


class Basis(StrEnum):
    """Where a value comes from (CONTRACT.md): the seed's clause, the contract, or the city's setting."""

    SEED = "seed"
    CONTRACT = "contract"  # a value CONTRACT.md needs and no seed states (e.g. the scale codes)
    CONFIGURATION = "configuration"  # the city sets it (e.g. an approver its guideline does not name)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """Where a rule comes from: seed file and the clause's own numbering."""

    file: str | None = None  # the pack's seed when omitted
    # With basis contract or configuration, `clause` names what the value comes from instead (e.g.
    # "CONTRACT.md"), never the nearest seed clause.
    clause: str = Field(min_length=1)
    basis: Basis = Basis.SEED

    @field_validator("file")
    @classmethod
    def _seed_file(cls, value: str | None) -> str | None:
        if value is not None and not SEED_FILE.match(value):
            raise ValueError("seed file names look like 003_458251fa9e15d94e.txt")
        return value


class Level(_Strict):
    code: str = Field(min_length=1)
    label: str = Field(min_length=1)
    # The label in English for English pages (a translation, not a rule; the judgment keeps `label`).
    label_en: str | None = Field(default=None, min_length=1)


class Scale(_Strict):
    """One classification scale, lowest level first."""

    levels: tuple[Level, ...] = Field(min_length=1)
    source: Source
    note: str | None = None


class Confidentiality(Scale):
    high_track_from: str  # this level and every level above it take the high track
    # The MIC guideline's class (自治体機密性 1, 2, 3C, 3B, 3A) from which the high track is taken too;
    # None: the pack states no mapping, and a MIC class of 2 or above beside a low-track code is refused.
    municipal_high_track_from: str | None = None


class Classification(_Strict):
    confidentiality: Confidentiality
    availability: Scale


class RoleTitle(_Strict):
    role: Role
    title: str = Field(min_length=1)
    source: Source


class Person(_Strict):
    role: Role
    title: str = Field(min_length=1)
    source: Source
    note: str | None = None  # the pack's reason where the seed is ambiguous (shown beside the title)


class ApproverGap(_Strict):
    """The seed names no approver for this track: a municipality setting must supply one."""

    message: str = Field(min_length=1)
    severity: Severity = Severity.BLOCK
    source: Source


class ServiceManagerRule(_Strict):
    title: str = Field(min_length=1)
    designation: Designation
    rule: str = Field(min_length=1)
    source: Source
    note: str | None = None


class Form(_Strict):
    id: str = Field(min_length=1)
    title: str = Field(min_length=1)
    source: Source


class Term(_Strict):
    """One word of the city's vocabulary, as its rules write it (外部サービス, 情報システム台帳)."""

    word: str = Field(min_length=1)
    source: Source


class Terms(_Strict):
    """The city's own names for what every page names; a page says the generic word where none is given.

    The service manager's name is the one the pack's roles give (`service_manager`).
    """

    service: Term | None = (
        None  # what the rules call the services they govern: クラウドサービス, 外部サービス
    )
    ledger: Term | None = None  # the register of services in use: 台帳, 情報システム台帳


class Track(_Strict):
    label: str = Field(min_length=1)
    # The seed's short words for the track where tables have no room for the label (機密性２以上).
    short_label: Term | None = None
    source: Source
    applicant: Person
    approver: Person | None
    approver_gap: ApproverGap | None = None
    self_approval: bool = False  # the applicant approves their own use (Kobe §5.2.2②)
    service_manager: ServiceManagerRule
    forms: tuple[Form, ...] = ()


class Tracks(_Strict):
    high: Track
    low: Track


class LedgerField(_Strict):
    id: str
    label: str = Field(min_length=1)
    track: TrackScope = "any"
    source: Source


class Report(RoleTitle):
    """Whom changes must be reported to, and on which track."""

    track: TrackScope = "any"


class Workflow(_Strict):
    """Procedural rules the web application follows."""

    one_application_per_function: Source | None = None  # Kitakyushu §5.2(1)①
    # The track the rule stands in (Kitakyushu §5.2(1)① is in the 重要情報資産 procedure only).
    one_application_per_function_track: TrackScope = "any"
    ledger_changes_reported_to: Report | None = None  # Kitakyushu §3.3②, §3.4②
    # Who approves an application to stop using a service before its information is disposed of
    # (Kobe §7.1①: the 外部サービス管理者 applies to the 情報セキュリティ管理者), and on which track.
    termination_approved_by: Report | None = None


class Item(_Strict):
    id: str
    phase: Phase
    group: str | None = None  # the seed's heading for a run of items (＜アクセス制御に関する事項＞)
    track: TrackScope = "any"
    when: Condition | None = None
    text: str = Field(min_length=1)
    text_en: str | None = None
    source: Source
    required_before_operation: bool = False
    response: Response = Response.CONFIRM
    evidence: str | None = None
    # Who carries the item out where it is not the city's own duty (Osaka's 【Sier】 duties: contractor).
    responsible: Role | None = None
    note: str | None = None  # the pack's reason for an interpretive choice, shown beside the item
    # The step that carries the item out (a termination item kumokan records as a step of its own).
    done_by: DoneBy | None = None


class Finding(_Strict):
    code: str
    severity: Severity
    track: TrackScope = "any"
    when: Condition | None = None
    message: str = Field(min_length=1)
    message_en: str | None = None
    source: Source
    note: str | None = None


class Trigger(StrEnum):
    PERIODIC = "periodic"
    TERMS_CHANGED = "terms_changed"
    CONFIGURATION_CHANGED = "configuration_changed"
    INCIDENT = "incident"
    VULNERABILITY = "vulnerability"
    PERSONNEL_CHANGE = "personnel_change"
    ORDERED = "ordered"


class Recheck(_Strict):
    """A re-check while the service is in use: periodic or triggered by an event."""

    id: str
    triggers: tuple[Trigger, ...] = Field(min_length=1)
    # Only where the seed states an interval; "定期的" alone leaves it to a municipality setting.
    interval_months: int | None = Field(default=None, gt=0)
    track: TrackScope = "any"
    when: Condition | None = None
    responsible: Role
    report_to: Role | None = None
    text: str = Field(min_length=1)
    text_en: str | None = None
    source: Source
    note: str | None = None


class MeetingRules(_Strict):
    """Web-conference measures (conditions test the facts of `kumokan meeting`)."""

    source: Source
    measures: tuple[Item, ...] = Field(min_length=1)
    findings: tuple[Finding, ...] = ()


class Document(_Strict):
    """The city's own regulation a pack cites when it is not one of the seeds (a new city's 例規)."""

    title: str = Field(min_length=1)  # e.g. ○○市情報セキュリティ対策基準
    # The name every judgment's `source.file` carries for this pack's clauses.
    file: str = Field(min_length=1)
    published: str | None = None  # where it is published (例規集 URL, 告示番号 …)
    edition: str | None = None  # the revision cited (令和7年4月1日施行 …)
    # True: an invented example municipality written from the MIC guideline's structure, not a real city.
    illustrative: bool = False
    note: str | None = None

    @field_validator("file")
    @classmethod
    def _document_name(cls, value: str) -> str:
        if not DOCUMENT_NAME.match(value):
            raise ValueError("a document name is ASCII letters, digits, '.', '_' or '-'")
        return value


class Pack(_Strict):
    id: str
    version: str = Field(min_length=1)
    kind: Literal["municipality", "overlay"]
    title: str = Field(min_length=1)
    issuer: str = Field(min_length=1)
    # A seed file, or None where `document` names the city's own regulation.
    seed: str | None = None
    document: Document | None = None
    edition: str | None = None
    classification: Classification | None = None
    roles: tuple[RoleTitle, ...] = ()
    tracks: Tracks | None = None
    terms: Terms = Terms()
    ledger_fields: tuple[LedgerField, ...] = ()
    workflow: Workflow = Workflow()
    items: tuple[Item, ...] = ()
    findings: tuple[Finding, ...] = ()
    rechecks: tuple[Recheck, ...] = ()
    meeting: MeetingRules | None = None

    @field_validator("seed")
    @classmethod
    def _seed_file(cls, value: str | None) -> str | None:
        if value is not None and not SEED_FILE.match(value):
            raise ValueError("seed file names look like 003_458251fa9e15d94e.txt")
        return value

    @property
    def rules_name(self) -> str:
        """The rules' name as people say it: the city and the title, the city once (北九州市クラウドサービス利用基準).

        An overlay is named by its title alone (its issuer may be 発行者の記載なし); a remark in the
        issuer's brackets (みどり野市（架空の例示自治体）) is left out of the name.
        """
        if self.kind == "overlay":
            return self.title
        city = self.issuer.split("（", 1)[0]
        return self.title if self.title.startswith(city) else f"{city}{self.title}"

    def source_file(self, source: Source) -> str:
        if source.file:
            return source.file
        if self.seed:
            return self.seed
        assert self.document is not None  # check_pack: a pack names its seed or its document
        return self.document.file

    def orders(self) -> dict[str, list[str]]:
        """Each classification scale's codes, lowest first (an overlay has none)."""
        if self.classification is None:
            return {}
        return {
            "confidentiality": [lv.code for lv in self.classification.confidentiality.levels],
            "availability": [lv.code for lv in self.classification.availability.levels],
        }

    def title_of(self, role: Role) -> str | None:
        for entry in self.roles:
            if entry.role == role:
                return entry.title
        return None


class MunicipalityPack(Pack):
    """A municipality's pack: the first of a judgment, with its classification scales and tracks."""

    kind: Literal["municipality"]
    classification: Classification
    tracks: Tracks


class OverlayPack(Pack):
    """An overlay: items and findings added to a municipality's pack (no scales, no tracks)."""

    kind: Literal["overlay"]


def typed(pack: Pack) -> MunicipalityPack | OverlayPack:
    """The pack as its kind's type, once check_pack has found it complete (a municipality's scales and
    tracks present, an overlay's absent): the same fields, not validated again."""
    fields = {name: getattr(pack, name) for name in type(pack).model_fields}
    if pack.kind == "municipality":
        return MunicipalityPack.model_construct(pack.model_fields_set, **fields)
    return OverlayPack.model_construct(pack.model_fields_set, **fields)
