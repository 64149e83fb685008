from django.contrib import admin

from kumokan.audit.admin import ReadOnlyAdmin
from kumokan.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["user", "verb", "text", "created_at", "read_at"]
    list_filter = ["municipality", "verb"]
