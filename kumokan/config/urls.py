from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("kumokan.core.urls")),
    path("", include("kumokan.home.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Domain apps: append their includes below, one per line.
    path("", include("kumokan.api.urls")),
    path("", include("kumokan.lifecycle.urls")),
    path("", include("kumokan.applications.urls")),
    path("", include("kumokan.catalog.urls")),
    path("", include("kumokan.ledger.urls")),
    path("", include("kumokan.notifications.urls")),
    path("", include("kumokan.accounts.urls")),
    path("", include("kumokan.meetings.urls")),
    path("", include("kumokan.procurement.urls")),
    path("", include("kumokan.documents.urls")),
    path("", include("kumokan.rulebook.urls")),
    path("", include("kumokan.webhooks.urls")),
]

# Error pages in the site's layout; 403 and 404 are Django's handlers with templates/403.html and 404.html;
# 400 and 500 are ours (Django's render them without the request); a CSRF refusal is CSRF_FAILURE_VIEW.
handler500 = "kumokan.core.views.server_error"
handler400 = "kumokan.core.views.bad_request"
