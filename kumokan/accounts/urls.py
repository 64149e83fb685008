from django.urls import path

from kumokan.accounts import sso_views, views

urlpatterns = [
    path("accounts/two-factor/", views.security, name="two-factor"),
    path("accounts/two-factor/verify/", views.verify, name="two-factor-verify"),
    path("accounts/two-factor/enrol/", views.enrol, name="two-factor-enrol"),
    path("accounts/two-factor/qr.svg", views.qr, name="two-factor-qr"),
    path("accounts/two-factor/remove/", views.remove, name="two-factor-remove"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password-change"),
]

urlpatterns += [
    path("sso/link/", sso_views.confirm_link, name="sso-link"),
    path("sso/no-roles/", sso_views.no_roles, name="sso-no-roles"),
    path("sso/<slug:slug>/", sso_views.start, name="sso-start"),
    path("sso/<slug:slug>/callback/", sso_views.callback, name="sso-callback"),
    path("sso/<slug:slug>/saml/acs/", sso_views.saml_acs, name="saml-acs"),
    path("sso/<slug:slug>/saml/sls/", sso_views.saml_sls, name="saml-sls"),
    path("sso/<slug:slug>/saml/metadata/", sso_views.saml_metadata, name="saml-metadata"),
]
