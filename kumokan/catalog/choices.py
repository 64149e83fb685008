from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceModel(models.TextChoices):
    """kumokan.policy.facts.ServiceModel with Japanese labels."""

    SAAS = "saas", _("SaaS")
    PAAS = "paas", _("PaaS")
    IAAS = "iaas", _("IaaS")
    WEB_CONFERENCE = "web_conference", _("Web conference")
    SNS = "sns", _("SNS")
    OTHER = "other", _("Other")


class CertificationKind(models.TextChoices):
    """kumokan.policy.facts.Certification: the values an application's `certifications` fact takes."""

    ISO27001 = "ISO27001", _("ISO/IEC 27001 (ISMS)")
    ISO27017 = "ISO27017", _("ISO/IEC 27017 (ISMS cloud security)")
    ISMAP = "ISMAP", _("ISMAP")
    ISMAP_LIU = "ISMAP-LIU", _("ISMAP-LIU")
    SOC2 = "SOC2", _("SOC 2 report")
    CS_MARK = "CS-Mark", _("CS Mark (cloud security audit)")


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
