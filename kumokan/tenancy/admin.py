from django.contrib import admin

from kumokan.audit.admin import ReadOnlyAdmin
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
    list_display = ["user", "municipality", "department", "role"]
    list_filter = ["municipality", "role"]
    search_fields = ["user__username", "user__last_name", "department__name"]
