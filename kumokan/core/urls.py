from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path

from kumokan.core import views

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, extra_context={"oidc_enabled": settings.OIDC_ENABLED}
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", views.healthz, name="healthz"),
]
