"""Municipalities, their departments, and who holds which role where."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kumokan.core.packs import load_pack, load_text
from kumokan.policy import AnyLoadedPack, LoadedMunicipality, PolicyError, stacked
from kumokan.tenancy.choices import Role


class Municipality(models.Model):
    """A local government using kumokan; its rules are the policy pack `pack_id` plus overlays."""

    slug = models.SlugField(
        _("identifier"), max_length=50, unique=True, help_text=_("The pack's id (e.g. kobe).")
    )
    name = models.CharField(_("name"), max_length=100)
    pack_id = models.CharField(_("pack"), max_length=50)
    overlay_pack_ids = models.JSONField(_("overlay packs"), default=list, blank=True)
    # The seed of some tracks names no approver (Osaka): the municipality must set one. NULL means
    # "not configured" (never ""), and the constraint below keeps title and role set together.
    configured_approver_title = models.CharField(  # noqa: DJ001
        _("configured approver title"), max_length=100, null=True, blank=True
    )
    configured_approver_role = models.CharField(  # noqa: DJ001
        _("configured approver role"), max_length=30, choices=Role.choices, null=True, blank=True
    )

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_approver_title_and_role_together",
                condition=(
                    Q(configured_approver_title__isnull=True, configured_approver_role__isnull=True)
                    | Q(configured_approver_title__isnull=False, configured_approver_role__isnull=False)
                ),
                violation_error_message=_("Set both the approver's title and role, or neither."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def pack_ids(self) -> list[str]:
        """The packs to judge with: the municipality's own first, then its overlays."""
        return [self.pack_id, *self.overlay_pack_ids]

    def pack(self) -> LoadedMunicipality:
        """The municipality's own pack in force (raises kumokan.policy.UnknownPack if it is missing)."""
        return stacked([self.pack_in_force(self.pack_id)])

    def packs(self) -> LoadedMunicipality:
        """The packs to judge with, in force: the municipality's own, its overlays applied."""
        return stacked([self.pack_in_force(pack_id) for pack_id in self.pack_ids()])

    def pack_in_force(self, pack_id: str) -> AnyLoadedPack:
        """The text of `pack_id` this municipality adopted last; the installed file until it adopts one.

        An upgrade of kumokan that ships a new pack file changes nothing for a municipality until it
        adopts that text (lifecycle.actions.packs.adopt_pack_version). Read once per instance.
        """
        memo: dict[str, AnyLoadedPack] = self.__dict__.setdefault("_packs_in_force", {})
        loaded = memo.get(pack_id)
        if loaded is None:
            adopted = self.adopted_version(pack_id)
            loaded = memo[pack_id] = load_pack(pack_id) if adopted is None else load_text(adopted.text)
        return loaded

    def adopted_version(self, pack_id: str) -> PackVersion | None:
        """The text of `pack_id` this municipality adopted last (None: it has adopted none)."""
        adoption = (
            PackAdoption.objects.filter(municipality=self, pack_id=pack_id)
            .select_related("version")
            .order_by("-id")
            .first()
        )
        return adoption.version if adoption is not None else None

    def forget_packs_in_force(self) -> None:
        """After an adoption: read the packs in force again."""
        self.__dict__.pop("_packs_in_force", None)

    @property
    def configured_approver(self) -> str | None:
        """The approver title passed to the engine for tracks whose seed names none."""
        if self.configured_approver_title and self.configured_approver_role:
            return self.configured_approver_title
        return None

    def clean(self) -> None:
        super().clean()
        if not isinstance(self.overlay_pack_ids, list) or not all(
            isinstance(p, str) for p in self.overlay_pack_ids
        ):
            raise ValidationError({"overlay_pack_ids": _("Give a list of pack ids.")})
        if bool(self.configured_approver_title) != bool(self.configured_approver_role):
            raise ValidationError({"configured_approver_role": _("Set both the approver's title and role.")})


class Department(models.Model):
    """A section of a municipality (局・課); applications and ledger entries belong to one."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="departments", verbose_name=_("municipality")
    )
    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=50)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["municipality", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "code"],
                name="%(app_label)s_%(class)s_unique_code",
                violation_error_message=_("This municipality already has a department with this code."),
            ),
            models.UniqueConstraint(
                fields=["municipality", "name"],
                name="%(app_label)s_%(class)s_unique_name",
                violation_error_message=_("This municipality already has a department with this name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """One role a user holds in a municipality, in one department or (department empty) city-wide."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("municipality")
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("department"),
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["municipality", "department", "role"]
        # Two partial constraints because NULL departments are distinct in a plain unique index.
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality", "department", "role"],
                condition=Q(department__isnull=False),
                name="%(app_label)s_%(class)s_unique_in_department",
                violation_error_message=_("This user already has this role in this department."),
            ),
            models.UniqueConstraint(
                fields=["user", "municipality", "role"],
                condition=Q(department__isnull=True),
                name="%(app_label)s_%(class)s_unique_citywide",
                violation_error_message=_("This user already has this role in this municipality."),
            ),
        ]
        indexes = [models.Index(fields=["municipality", "role"], name="tenancy_membership_role_idx")]

    def __str__(self) -> str:
        from kumokan.tenancy.access import role_label  # access reads these models

        where = self.department.name if self.department else self.municipality.name
        return f"{self.user} / {where} / {role_label(self.municipality, self.role)}"

    def clean(self) -> None:
        super().clean()
        if self.department_id and self.department.municipality_id != self.municipality_id:
            raise ValidationError({"department": _("The department does not belong to the municipality.")})


class StaffTitle(models.Model):
    """A person's own title (職名) in a municipality, e.g. 保育課長 or 主査: printed beside their name.

    A role is what the rules expect of a person (申請者, 情報管理者等); the title is what the city calls
    them (issue 17 point 4). The application form's 職名 and the ledger's manager title are this.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_titles",
        verbose_name=_("user"),
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="staff_titles", verbose_name=_("municipality")
    )
    title = models.CharField(_("official title"), max_length=100)

    class Meta:
        verbose_name = _("official title")
        verbose_name_plural = _("official titles")
        ordering = ["municipality", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality"],
                name="%(app_label)s_%(class)s_one_per_person",
                violation_error_message=_("This person already has a title in this municipality."),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_not_blank",
                condition=~Q(title=""),
                violation_error_message=_("Give the title, or remove it."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} / {self.municipality} / {self.title}"


class PackVersion(models.Model):
    """One text of a pack a municipality adopted, kept so the rules of any past judgment stay readable."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="pack_versions", verbose_name=_("municipality")
    )
    pack_id = models.CharField(_("pack"), max_length=50)
    version = models.CharField(_("version"), max_length=50)
    digest = models.CharField(_("digest"), max_length=64)
    text = models.TextField(_("pack text (YAML)"))
    # When and by whom this text was first adopted; every adoption, re-adoptions included, is a PackAdoption.
    adopted_at = models.DateTimeField(_("adopted at"), default=timezone.now)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("adopted by"),
    )

    class Meta:
        verbose_name = _("adopted pack version")
        verbose_name_plural = _("adopted pack versions")
        ordering = ["municipality", "pack_id", "-adopted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "pack_id", "digest"],
                name="%(app_label)s_%(class)s_unique_text",
                violation_error_message=_("This municipality has already adopted this text of the pack."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.pack_id} {self.version}"

    @property
    def rules_name(self) -> str:
        """The rules' name as people say it, from this text (its pack id if the text no longer loads)."""
        try:
            return load_text(self.text).pack.rules_name
        except PolicyError:
            return self.pack_id


class PackAdoption(models.Model):
    """One adoption of a pack text: the latest per (municipality, pack) is the text in force.

    Going back to an earlier text is one more adoption of that text, so the log shows every move.
    A version stays while an adoption names it (RESTRICT); both go with their municipality.
    """

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="pack_adoptions", verbose_name=_("municipality")
    )
    pack_id = models.CharField(_("pack"), max_length=50)
    version = models.ForeignKey(
        PackVersion, on_delete=models.RESTRICT, related_name="adoptions", verbose_name=_("adopted version")
    )
    previous = models.ForeignKey(
        PackVersion,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("version before"),
    )
    adopted_at = models.DateTimeField(_("adopted at"), default=timezone.now)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("adopted by"),
    )

    class Meta:
        verbose_name = _("pack adoption")
        verbose_name_plural = _("pack adoptions")
        ordering = ["municipality", "pack_id", "-id"]
        indexes = [
            models.Index(fields=["municipality", "pack_id", "-id"], name="tenancy_adoption_current_idx")
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.pack_id} {self.version.version}"
