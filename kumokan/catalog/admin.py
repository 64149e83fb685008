from django.contrib import admin

from kumokan.audit.admin import ReadOnlyAdmin
from kumokan.catalog.models import Certification, CloudService, IsmapImport, Provider


@admin.register(Provider)
class ProviderAdmin(ReadOnlyAdmin):
    list_display = ["name", "municipality"]
    list_filter = ["municipality"]
    search_fields = ["name"]


@admin.register(CloudService)
class CloudServiceAdmin(ReadOnlyAdmin):
    list_display = ["name", "function_name", "provider", "service_model"]
    list_filter = ["provider__municipality", "service_model"]
    search_fields = ["name", "function_name", "provider__name"]


@admin.register(Certification)
class CertificationAdmin(ReadOnlyAdmin):
    list_display = ["provider", "kind", "registration_number", "valid_until", "status"]
    list_filter = ["provider__municipality", "kind", "status"]
    search_fields = ["provider__name", "registration_number"]


@admin.register(IsmapImport)
class IsmapImportAdmin(ReadOnlyAdmin):
    list_display = ["municipality", "kind", "file_name", "status", "created_at", "committed_at"]
    list_filter = ["municipality", "kind", "status"]
