from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from kumokan.audit.admin import ReadOnlyAdmin
from kumokan.tenancy.access import role_label
from kumokan.tenancy.actions import set_staff_title
from kumokan.tenancy.choices import Role
from kumokan.tenancy.models import Department, Membership, Municipality, StaffTitle


@admin.register(Municipality)
class MunicipalityAdmin(ReadOnlyAdmin):
    list_display = ["name", "slug", "pack_id", "overlay_pack_ids", "configured_approver_title"]


@admin.register(Department)
class DepartmentAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "municipality"]
    list_filter = ["municipality"]
    search_fields = ["name", "code"]


class RoleFilter(admin.SimpleListFilter):
    """The roles by the titles of the municipality the list is narrowed to (Kobe: 外部サービス管理者),
    kumokan's labels while it shows several."""

    title = _("role")
    parameter_name = "role"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        pk = request.GET.get("municipality__id__exact", "")
        chosen = Municipality.objects.filter(pk=pk).first() if pk.isdigit() else None
        if chosen is None:
            return [(role.value, str(role.label)) for role in Role]
        return [(role.value, role_label(chosen, role.value)) for role in Role]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Membership]) -> QuerySet[Membership]:
        return queryset.filter(role=self.value()) if self.value() else queryset


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["user", "municipality", "department", "role_title"]
    list_filter = ["municipality", RoleFilter]
    list_select_related = ["user", "municipality", "department"]
    search_fields = ["user__username", "user__last_name", "department__name"]

    @admin.display(description=_("role"), ordering="role")
    def role_title(self, membership: Membership) -> str:
        """The role by the city's title (Kobe: 外部サービス管理者), kumokan's label in English."""
        return role_label(membership.municipality, membership.role)


@admin.register(StaffTitle)
class StaffTitleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A person's own title (職名): recorded and removed through tenancy.actions.set_staff_title, audited."""

    list_display = ["user", "municipality", "title"]
    list_filter = ["municipality"]
    search_fields = ["user__username", "user__last_name", "title"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["user", "municipality"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: StaffTitle, form: Any, change: bool) -> None:
        set_staff_title(
            acting_user=request.user, user=obj.user, municipality=obj.municipality, title=obj.title
        )
        saved = StaffTitle.objects.get(user=obj.user, municipality=obj.municipality)
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: StaffTitle) -> None:
        set_staff_title(acting_user=request.user, user=obj.user, municipality=obj.municipality, title="")

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)
