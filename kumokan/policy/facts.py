"""The facts of one planned use (CONTRACT.md), validated before judging."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr, field_validator


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


def _country(value: str) -> str:
    if len(value) != 2 or not value.isascii() or not value.isalpha() or not value.isupper():
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
