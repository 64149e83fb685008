"""The facts of one planned use (CONTRACT.md): read from JSON, validated before judging."""

from __future__ import annotations

import json
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, NoReturn

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr, field_validator

from kumokan.policy.errors import FactsError, Problem


class ServiceModel(StrEnum):
    SAAS = "saas"
    PAAS = "paas"
    IAAS = "iaas"
    WEB_CONFERENCE = "web_conference"
    SNS = "sns"
    OTHER = "other"


class Deployment(StrEnum):
    PUBLIC = "public"
    PRIVATE = "private"
    COMMUNITY = "community"
    GOVERNMENT = "government"


class MunicipalConfidentiality(StrEnum):
    """The MIC guideline's five confidentiality classes (自治体機密性)."""

    C3A = "3A"
    C3B = "3B"
    C3C = "3C"
    C2 = "2"
    C1 = "1"


# The MIC classes from the least to the most confidential (3A is equivalent to secret documents).
MUNICIPAL_ORDER = ("1", "2", "3C", "3B", "3A")


class UserScope(StrEnum):
    ORGANISATION = "organisation"
    DEPARTMENT = "department"
    CITIZENS = "citizens"
    CONTRACTORS = "contractors"


class Certification(StrEnum):
    ISO27001 = "ISO27001"
    ISO27017 = "ISO27017"
    ISMAP = "ISMAP"
    ISMAP_LIU = "ISMAP-LIU"
    SOC2 = "SOC2"
    CS_MARK = "CS-Mark"


class MeetingRole(StrEnum):
    HOST = "host"
    PARTICIPANT = "participant"


def _non_empty(value: str) -> str:
    if not value.strip():
        raise ValueError("empty")
    return value


# ISO 3166-1 alpha-2: the 249 officially assigned codes (Debian iso-codes, 3166-1).
ISO_3166_ALPHA_2 = frozenset(
    (
        "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR "
        "BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ "
        "EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW "
        "GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY "
        "KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV "
        "MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY "
        "QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG "
        "TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM "
        "ZW "
    ).split()
)


def _country(value: str) -> str:
    if value not in ISO_3166_ALPHA_2:
        raise ValueError("country")
    return value


class Facts(BaseModel):
    """What the applicant states about one planned use of a cloud service."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    service_name: StrictStr
    provider: StrictStr
    purpose: StrictStr
    functions: tuple[StrictStr, ...] = ()
    service_model: ServiceModel
    deployment: Deployment = Deployment.PUBLIC
    confidentiality: StrictStr
    # None means "the lowest level of the pack"; resolved by the judge, which knows the pack.
    availability: StrictStr | None = None
    municipal_confidentiality: MunicipalConfidentiality | None = None
    handles_personal_info: StrictBool = False
    handles_specific_personal_info: StrictBool = False
    terms_only: StrictBool = False
    required_clauses_present: StrictBool = True
    data_location: StrictStr = "JP"
    governing_law: StrictStr = "JP"
    direct_internet_login: StrictBool = False
    user_scope: UserScope = UserScope.ORGANISATION
    operated_by_contractor: StrictBool = False
    certifications: frozenset[Certification] = Field(default_factory=frozenset)

    _check_text = field_validator("service_name", "provider", "purpose")(_non_empty)
    _check_country = field_validator("data_location", "governing_law")(_country)

    @field_validator("functions")
    @classmethod
    def _check_functions(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for name in value:
            _non_empty(name)
        return value


def canonical_facts(facts: Mapping[str, Any] | Facts) -> dict[str, Any]:
    """Valid facts in the form kumokan stores them: defaults filled in, certifications sorted.

    Equal facts give equal JSON, so a stored application, procurement or import row compares by value.
    """
    canonical = Facts.model_validate(facts).model_dump(mode="json")
    canonical["certifications"] = sorted(canonical["certifications"])
    return canonical


class MeetingFacts(BaseModel):
    """One web conference (Kitakyushu §6)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    important_information: StrictBool
    role: MeetingRole
    outside_participants: StrictBool = False
    recording: StrictBool = False
    free_plan: StrictBool = False


def fact_kinds(model: type[BaseModel]) -> dict[str, str]:
    """Map each fact name to the kind of condition that may test it."""
    kinds: dict[str, str] = {}
    for name, field in model.model_fields.items():
        annotation: Any = field.annotation
        text = str(annotation)
        if annotation is bool:
            kinds[name] = "bool"
        elif "frozenset" in text or "tuple" in text:
            kinds[name] = "set"
        else:
            kinds[name] = "value"
    return kinds


# The values each enumerated fact may take, for checking the conditions a pack writes.
FACT_VALUES: dict[str, frozenset[str]] = {
    "service_model": frozenset(ServiceModel),
    "deployment": frozenset(Deployment),
    "municipal_confidentiality": frozenset(MunicipalConfidentiality),
    "user_scope": frozenset(UserScope),
    "certifications": frozenset(Certification),
    "role": frozenset(MeetingRole),
}
# Facts whose codes come from the municipality pack's own classification scale.
CLASSIFICATION_FACTS = ("confidentiality", "availability")
COUNTRY_FACTS = ("data_location", "governing_law")


# A facts file is a few hundred bytes; anything near this is not one (and would be slow to refuse).
MAX_FACTS_BYTES = 1_000_000
MAX_FACTS_DEPTH = 20


def read_facts(raw: bytes) -> Any:
    """Parse a facts document as a careful reader would, or raise FactsError with one problem.

    UTF-8 (a byte-order mark is accepted), at most 1 MB, JSON with no key written twice in one
    object (the last would silently win and could change the track), nested at most
    MAX_FACTS_DEPTH deep, and no number too long to be one.
    """
    if len(raw) > MAX_FACTS_BYTES:
        _refuse("facts_too_large", limit=MAX_FACTS_BYTES)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        _refuse("facts_not_utf8")
    if _depth(text) > MAX_FACTS_DEPTH:
        _refuse("facts_too_deep", limit=MAX_FACTS_DEPTH)
    try:
        return json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        _refuse("facts_not_json", line=exc.lineno, column=exc.colno, reason=exc.msg)
    except _DuplicateKey as exc:
        _refuse("facts_key_twice", key=exc.key)
    except (ValueError, RecursionError):
        # int() refuses numbers of more than sys.get_int_max_str_digits() digits; NaN/Infinity.
        _refuse("facts_bad_number")


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _no_constant(name: str) -> NoReturn:
    raise ValueError(name)


def _depth(text: str) -> int:
    """How deeply arrays and objects nest, counted outside strings (before parsing, so no recursion)."""
    deepest = depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _refuse(code: str, **params: object) -> NoReturn:
    raise FactsError([Problem.of("facts", code, **params)])
