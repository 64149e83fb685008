from django.urls import path

from kumokan.accounts import sso_views
from kumokan.home import audit_export, views

urlpatterns = [
    path("", views.home, name="home"),
    path("lifecycle/", views.dashboard, name="dashboard"),
    path("login/", sso_views.LoginView.as_view(), name="login"),
    path("logout/", sso_views.LogoutView.as_view(), name="logout"),
    path("audit/export/", audit_export.export, name="audit-export"),
]
