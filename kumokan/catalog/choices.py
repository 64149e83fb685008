from django.db import models
from django.utils.translation import gettext_lazy as _

from kumokan.core.labels import engine_choices
from kumokan.policy import facts

# kumokan.policy.facts.ServiceModel as Django choices.
ServiceModel = engine_choices(
    "ServiceModel",
    facts.ServiceModel,
    {
        facts.ServiceModel.SAAS: _("SaaS"),
        facts.ServiceModel.PAAS: _("PaaS"),
        facts.ServiceModel.IAAS: _("IaaS"),
        facts.ServiceModel.WEB_CONFERENCE: _("Web conference"),
        facts.ServiceModel.SNS: _("SNS"),
        facts.ServiceModel.OTHER: _("Other"),
    },
)

# kumokan.policy.facts.Certification as Django choices: the values an application's `certifications`
# fact takes.
CertificationKind = engine_choices(
    "CertificationKind",
    facts.Certification,
    {
        facts.Certification.ISO27001: _("ISO/IEC 27001 (ISMS)"),
        facts.Certification.ISO27017: _("ISO/IEC 27017 (ISMS cloud security)"),
        facts.Certification.ISMAP: _("ISMAP"),
        facts.Certification.ISMAP_LIU: _("ISMAP-LIU"),
        facts.Certification.SOC2: _("SOC 2 report"),
        facts.Certification.CS_MARK: _("CS Mark (cloud security audit)"),
    },
)


# The kinds registered on a published cloud service list, valid by the audit period (ISMAP 基本規程 3.5).
ISMAP_KINDS = (CertificationKind.ISMAP, CertificationKind.ISMAP_LIU)


class CertificationStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    # ISMAP: applied for renewal before the expiry; the registration stays valid until the decision.
    RENEWAL_PENDING = "renewal_pending", _("Renewal pending")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The statuses under which applications may rely on a certification.
IN_FORCE = (CertificationStatus.VALID, CertificationStatus.RENEWAL_PENDING)


class CertificationSource(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    ISMAP_LIST = "ismap_list", _("ISMAP cloud service list")


class ImportStatus(models.TextChoices):
    DRY_RUN = "dry_run", _("Dry run (nothing changed yet)")
    COMMITTED = "committed", _("Imported")
    DISCARDED = "discarded", _("Discarded")
