from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kumokan.audit.admin import ReadOnlyAdmin
from kumokan.tenancy.access import role_label
from kumokan.tenancy.models import Department, Membership, Municipality


@admin.register(Municipality)
class MunicipalityAdmin(ReadOnlyAdmin):
    list_display = ["name", "slug", "pack_id", "overlay_pack_ids", "configured_approver_title"]


@admin.register(Department)
class DepartmentAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "municipality"]
    list_filter = ["municipality"]
    search_fields = ["name", "code"]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["user", "municipality", "department", "role_title"]
    list_filter = ["municipality", "role"]
    list_select_related = ["user", "municipality", "department"]
    search_fields = ["user__username", "user__last_name", "department__name"]

    @admin.display(description=_("role"), ordering="role")
    def role_title(self, membership: Membership) -> str:
        """The role by the city's title (Kobe: 外部サービス管理者), kumokan's label in English."""
        return role_label(membership.municipality, membership.role)
