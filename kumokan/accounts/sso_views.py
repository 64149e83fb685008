"""Single sign-on pages: start at the city's provider, come back, confirm a first link, sign out at both ends."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, get_user_model, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_otp import devices_for_user
from django_otp import login as otp_login
from mozilla_django_oidc.utils import generate_code_challenge

from kumokan.accounts.actions import grant_roles_of_groups, link_identity
from kumokan.accounts.choices import LinkMethod, RefusalReason
from kumokan.accounts.forms import LinkForm
from kumokan.accounts.models import IdentityProvider
from kumokan.accounts.sso import (
    PENDING_LINK_SESSION_KEY,
    SESSION_KEY,
    STATE_LIFETIME_SECONDS,
    STATES_SESSION_KEY,
    ProviderAnswer,
    SignInRefused,
    account_for,
    count_refusal,
    exchange_code,
    fill_names,
    keep_session,
    redirect_uri,
)
from kumokan.accounts.two_factor import has_device
from kumokan.accounts.views import _next_url
from kumokan.core.actors import display_name
from kumokan.errors import WorkflowError
from kumokan.tenancy.access import users_with_role
from kumokan.tenancy.choices import Role
from kumokan.tenancy.models import Membership

# The session's user is loaded by the model backend: SSO never goes through authenticate(), so
# django-axes neither counts its refusals as wrong passwords nor refuses it for a locked address.
SESSION_BACKEND = "django.contrib.auth.backends.ModelBackend"
STATE_LENGTH = 32
CODE_VERIFIER_LENGTH = 64

WHAT_TO_DO = {
    RefusalReason.PROVIDER_ERROR: gettext_lazy(
        "The identity provider did not sign you in. Try again; if it keeps happening, ask your municipality's "
        "system administrator."
    ),
    RefusalReason.STATE_UNKNOWN: gettext_lazy(
        "This sign-in was already used or has expired (for example after the back button, or after a long "
        "pause). Start again from the sign-in page."
    ),
    RefusalReason.CODE_REFUSED: gettext_lazy(
        "The identity provider did not accept the sign-in code (it was already used or has expired). "
        "Start again from the sign-in page."
    ),
    RefusalReason.UNREACHABLE: gettext_lazy(
        "kumokan could not reach the identity provider. Try again in a few minutes, or sign in with your "
        "password; if it keeps happening, tell the system administrator."
    ),
    RefusalReason.UNVERIFIABLE: gettext_lazy(
        "The identity provider's answer failed kumokan's checks (signature, issuer, audience, expiry or "
        "subject), so nobody was signed in. Tell the system administrator: the provider's settings or keys "
        "may have changed."
    ),
    RefusalReason.MISCONFIGURED: gettext_lazy(
        "Single sign-on with this provider is not fully set up in kumokan (its client secret is missing). "
        "Tell the system administrator."
    ),
    RefusalReason.UNKNOWN_PERSON: gettext_lazy(
        "Your identity provider account is not linked to a kumokan account of this municipality. Ask the "
        "system administrator to link it, or sign in with your kumokan password."
    ),
    RefusalReason.UNVERIFIED_EMAIL: gettext_lazy(
        "Your identity provider account is not linked to a kumokan account, and its e-mail address is not "
        "verified by the provider, so kumokan cannot propose a link. Ask the system administrator to link it."
    ),
    RefusalReason.OTHER_MUNICIPALITY: gettext_lazy(
        "Your identity provider account is not linked to a kumokan account of this municipality. Ask the "
        "system administrator to link it, or sign in with your kumokan password."
    ),
    RefusalReason.ALREADY_LINKED: gettext_lazy(
        "The kumokan account with your e-mail address is already linked to another account of this identity "
        "provider. A link is never moved by a sign-in: ask the system administrator."
    ),
    RefusalReason.AMBIGUOUS: gettext_lazy(
        "Several kumokan accounts have your e-mail address, so kumokan cannot tell which is yours. Ask the "
        "system administrator to link yours."
    ),
    RefusalReason.NO_PASSWORD: gettext_lazy(
        "The kumokan account with your e-mail address has no password to confirm the link with. Ask the "
        "system administrator to link it."
    ),
    RefusalReason.ACCOUNT_DISABLED: gettext_lazy(
        "Your kumokan account is disabled. Ask the system administrator if you still need access."
    ),
    RefusalReason.SESSION_ENDED: gettext_lazy(
        "Your identity provider no longer confirms your sign-in, so kumokan signed you out. Sign in again."
    ),
    RefusalReason.NAME_ID_NOT_PERSISTENT: gettext_lazy(
        "The identity provider identified you by a temporary or e-mail NameID, which may change or be "
        "reused, so kumokan cannot tie it to an account. The city's IdP must send a persistent NameID: "
        "tell the system administrator."
    ),
    RefusalReason.REPLAYED: gettext_lazy(
        "This sign-in answer was already used (for example after the back button). Start again from the "
        "sign-in page."
    ),
    RefusalReason.UNSOLICITED: gettext_lazy(
        "This sign-in answer does not belong to a sign-in started from this browser (or it has expired), "
        "so nobody was signed in. Start again from the sign-in page."
    ),
    RefusalReason.SP_KEY_MISSING: gettext_lazy(
        "SAML sign-in is not fully set up in kumokan (its SAML key or certificate, or xmlsec1, is missing). "
        "Tell the system administrator."
    ),
}


def _saml() -> Any:
    """kumokan.accounts.saml, imported when a SAML provider is used (pysaml2 and xmlsec1 are needed only then)."""
    from kumokan.accounts import saml

    return saml


def administrators_of(provider: IdentityProvider) -> list[str]:
    return [display_name(user) for user in users_with_role(provider.municipality, Role.ADMINISTRATOR)]


def refused(request: HttpRequest, provider: IdentityProvider, refusal: SignInRefused) -> HttpResponse:
    """Count the refusal (apart from password failures) and say what happened and what to do."""
    count_refusal(request, provider, refusal)
    context = {
        "provider": provider,
        "reason": refusal.reason,
        "what_happened": refusal.reason.label,
        "what_to_do": WHAT_TO_DO[refusal.reason],
        "administrators": administrators_of(provider),
    }
    status = 503 if refusal.reason == RefusalReason.UNREACHABLE else 403
    return render(request, "accounts/sso_refused.html", context, status=status)


def _active_provider(slug: str) -> IdentityProvider:
    return get_object_or_404(
        IdentityProvider.objects.select_related("municipality"), slug=slug, is_active=True
    )


@never_cache
@require_safe
def start(request: HttpRequest, slug: str) -> HttpResponse:
    """Send the browser to the city's provider with a fresh state, nonce and PKCE challenge.

    A SAML IdP gets a signed AuthnRequest instead, whose ID is kept the same way.
    """
    provider = _active_provider(slug)
    if provider.is_saml:
        try:
            return HttpResponseRedirect(_saml().start_url(request, provider, _next_url(request)))
        except SignInRefused as refusal:
            return refused(request, provider, refusal)
    state = get_random_string(STATE_LENGTH)
    nonce = get_random_string(STATE_LENGTH)
    code_verifier = get_random_string(CODE_VERIFIER_LENGTH)
    now = time.time()
    states = {
        key: value
        for key, value in request.session.get(STATES_SESSION_KEY, {}).items()
        if now - value["added_on"] < STATE_LIFETIME_SECONDS
    }
    states[state] = {
        "provider": provider.pk,
        "nonce": nonce,
        "code_verifier": code_verifier,
        "next": _next_url(request),
        "added_on": now,
    }
    request.session[STATES_SESSION_KEY] = states
    params = {
        "response_type": "code",
        "scope": provider.scopes,
        "client_id": provider.client_id,
        "redirect_uri": redirect_uri(request, provider),
        "state": state,
        "nonce": nonce,
        "code_challenge": generate_code_challenge(code_verifier, "S256"),
        "code_challenge_method": "S256",
    }
    return HttpResponseRedirect(f"{provider.authorization_endpoint}?{urlencode(params)}")


@never_cache
@require_safe
def callback(request: HttpRequest, slug: str) -> HttpResponse:
    """The provider's answer: verify it, then sign in the linked account, propose a link, or refuse."""
    provider = _active_provider(slug)
    states = request.session.get(STATES_SESSION_KEY, {})
    # Each state is used once: a replayed or second answer finds nothing here.
    started = states.pop(request.GET.get("state", ""), None)
    request.session[STATES_SESSION_KEY] = states
    if (
        started is None
        or started["provider"] != provider.pk
        or time.time() - started["added_on"] > STATE_LIFETIME_SECONDS
    ):
        return refused(request, provider, SignInRefused(RefusalReason.STATE_UNKNOWN))
    if request.GET.get("error"):
        detail = f"{request.GET['error']}: {request.GET.get('error_description', '')}"
        return refused(request, provider, SignInRefused(RefusalReason.PROVIDER_ERROR, detail))
    try:
        answer = exchange_code(
            request, provider, request.GET.get("code", ""), started["nonce"], started["code_verifier"]
        )
    except SignInRefused as refusal:
        return refused(request, provider, refusal)
    return _answered(request, provider, answer, started["next"])


def _answered(
    request: HttpRequest, provider: IdentityProvider, answer: ProviderAnswer, next_url: str
) -> HttpResponse:
    """A verified answer of either protocol: sign in the linked account, propose a link, or refuse."""
    try:
        decision = account_for(provider, answer)
    except SignInRefused as refusal:
        return refused(request, provider, refusal)
    if decision.link_to is not None:
        request.session[PENDING_LINK_SESSION_KEY] = {
            "provider": provider.pk,
            "user": decision.link_to.pk,
            "answer": {"subject": answer.subject, "claims": answer.claims, "tokens": answer.tokens},
            "next": next_url,
            "added_on": time.time(),
        }
        return redirect("sso-link")
    return _sign_in(request, provider, decision.user, answer, next_url)


# Marks the form kumokan's own page sent again (see saml_acs).
REPOSTED = "kumokan_reposted"


@csrf_exempt
@never_cache
@require_POST
def saml_acs(request: HttpRequest, slug: str) -> HttpResponse:
    """The SAML IdP's answer (HTTP-POST binding): verify it, then the same steps as an OpenID Connect answer.

    The IdP's page posts here from another site, so the browser leaves out the session cookie
    (SameSite=Lax) that holds the sign-in requests this browser started. A post without it is sent
    again from kumokan's own page (same site, cookie included) once; the answer is checked only then.
    No CSRF token is needed: the answer must match a request ID kept in this browser's session.
    """
    provider = _active_provider(slug)
    if not provider.is_saml:
        raise Http404
    saml_response = request.POST.get("SAMLResponse", "")
    if settings.SESSION_COOKIE_NAME not in request.COOKIES and not request.POST.get(REPOSTED):
        context = {"provider": provider, "saml_response": saml_response, "reposted": REPOSTED}
        return render(request, "accounts/sso_saml_continue.html", context)
    try:
        answer, next_url = _saml().verify_response(request, provider, saml_response)
    except SignInRefused as refusal:
        return refused(request, provider, refusal)
    return _answered(request, provider, answer, next_url)


@never_cache
@require_safe
def saml_metadata(request: HttpRequest, slug: str) -> HttpResponse:
    """kumokan's SP metadata for this municipality's IdP (entityID, ACS, SLO, certificate)."""
    provider = _active_provider(slug)
    if not provider.is_saml:
        raise Http404
    try:
        metadata = _saml().sp_metadata(request, provider)
    except SignInRefused as refusal:
        return refused(request, provider, refusal)
    return HttpResponse(metadata, content_type="application/samlmetadata+xml")


@never_cache
@require_safe
def saml_sls(request: HttpRequest, slug: str) -> HttpResponse:
    """The IdP's single logout: its answer to kumokan's LogoutRequest, or its own signed LogoutRequest."""
    provider = get_object_or_404(IdentityProvider.objects.select_related("municipality"), slug=slug)
    if not provider.is_saml:
        raise Http404
    if "SAMLRequest" not in request.GET:
        # The IdP's LogoutResponse: kumokan's session already ended when the person signed out.
        return redirect("login")
    try:
        name_id, answer_url = _saml().logout_request_from_idp(request, provider)
    except SignInRefused as refusal:
        return refused(request, provider, refusal)
    kept = request.session.get(SESSION_KEY) or {}
    if kept.get("provider") == provider.pk and kept.get("name_id") == name_id:
        logout(request)
    return HttpResponseRedirect(answer_url)


def _sign_in(
    request: HttpRequest, provider: IdentityProvider, user: Any, answer: ProviderAnswer, next_url: str
) -> HttpResponse:
    fill_names(user, answer.claims)
    groups = answer.claims.get("groups")
    if isinstance(groups, list):
        grant_roles_of_groups(provider=provider, user=user, groups=[str(group) for group in groups])
    login(request, user, backend=SESSION_BACKEND)
    keep_session(request, provider, answer)
    if not Membership.objects.filter(user=user).exists():
        return redirect("sso-no-roles")
    return redirect(next_url)


@never_cache
@require_http_methods(["GET", "POST"])
def confirm_link(request: HttpRequest) -> HttpResponse:
    """A first sign-in whose verified e-mail matched an account: the person proves it is theirs."""
    pending = request.session.get(PENDING_LINK_SESSION_KEY)
    if not pending or time.time() - pending["added_on"] > STATE_LIFETIME_SECONDS:
        request.session.pop(PENDING_LINK_SESSION_KEY, None)
        messages.error(request, _("The link was not confirmed in time. Sign in with single sign-on again."))
        return redirect("login")
    provider = get_object_or_404(IdentityProvider, pk=pending["provider"], is_active=True)
    account = get_object_or_404(get_user_model(), pk=pending["user"])
    if not account.is_active:
        # Disabled while the link waited for the password: the same page as a disabled account's sign-in.
        del request.session[PENDING_LINK_SESSION_KEY]
        subject = pending["answer"]["subject"]
        return refused(
            request, provider, SignInRefused(RefusalReason.ACCOUNT_DISABLED, subject=subject, user=account)
        )
    # Where the account has an authenticator, the link needs its code too (a role that requires one
    # but has none yet is sent to enrolment right after, as after a password sign-in).
    needs_code = has_device(account)
    form = LinkForm(request.POST or None, needs_code=needs_code)
    if request.method == "POST" and form.is_valid():
        # Through authenticate(), so django-axes counts a wrong password here like any other.
        user = authenticate(request, username=account.get_username(), password=form.cleaned_data["password"])
        device = None
        if user is None or user.pk != account.pk:
            form.add_error("password", _("The password is wrong."))
        elif needs_code:
            device = next(
                (
                    d
                    for d in devices_for_user(user, confirmed=True)
                    if d.verify_token(form.cleaned_data["token"])
                ),
                None,
            )
            if device is None:
                form.add_error("token", _("The code is wrong or has expired."))
        if form.is_valid():
            answer = ProviderAnswer(**pending["answer"])
            try:
                link_identity(
                    acting_user=user,
                    provider=provider,
                    subject=answer.subject,
                    user=user,
                    method=LinkMethod.PASSWORD_CONFIRMED,
                )
            except WorkflowError as exc:
                request.session.pop(PENDING_LINK_SESSION_KEY, None)
                return refused(
                    request,
                    provider,
                    SignInRefused(RefusalReason.ALREADY_LINKED, exc.en, subject=answer.subject),
                )
            del request.session[PENDING_LINK_SESSION_KEY]
            response = _sign_in(request, provider, user, answer, pending["next"])
            if device is not None:
                otp_login(request, device)
            messages.success(
                request, _("Your account is now linked to %(provider)s.") % {"provider": provider.name}
            )
            return response
    context = {
        "form": form,
        "provider": provider,
        "account": account,
        "email": pending["answer"]["claims"].get("email", ""),
        "needs_code": needs_code,
    }
    return render(request, "accounts/sso_link.html", context)


@never_cache
@login_required
@require_safe
def no_roles(request: HttpRequest) -> HttpResponse:
    """A signed-in account without any role yet: who to ask."""
    if Membership.objects.filter(user=request.user).exists():
        return redirect("home")
    kept = request.session.get(SESSION_KEY) or {}
    provider = IdentityProvider.objects.filter(pk=kept.get("provider")).select_related("municipality").first()
    context = {"provider": provider, "administrators": administrators_of(provider) if provider else []}
    return render(request, "accounts/sso_no_roles.html", context)


class LoginView(auth_views.LoginView):
    """The password form, and a button for each municipality's identity provider."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        providers = IdentityProvider.objects.filter(is_active=True).select_related("municipality")
        context["identity_providers"] = providers
        return context


class LogoutView(auth_views.LogoutView):
    """Sign out of kumokan, then of the provider too where it offers RP-initiated logout.

    The way on to the provider is a page that navigates there itself (and a link): a redirect
    answering the sign-out form would be blocked by the CSP's form-action 'self'.
    """

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        kept = request.session.get(SESSION_KEY) or {}
        provider = IdentityProvider.objects.filter(pk=kept.get("provider")).first()
        # A SAML IdP's LogoutRequest is made (and signed) before the session that names the person ends.
        saml_logout = _saml().logout_url(request, provider, kept) if provider and provider.is_saml else ""
        response = super().post(request, *args, **kwargs)
        if saml_logout:
            context = {"provider": provider, "end_session_url": saml_logout}
            return render(request, "accounts/sso_signed_out.html", context)
        if provider is None or provider.is_saml or not provider.end_session_endpoint:
            return response
        params = {
            "client_id": provider.client_id,
            "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
        }
        if kept.get("id_token"):
            params["id_token_hint"] = kept["id_token"]
        context = {
            "provider": provider,
            "end_session_url": f"{provider.end_session_endpoint}?{urlencode(params)}",
        }
        return render(request, "accounts/sso_signed_out.html", context)


PROVIDER_TURNED_OFF = gettext_lazy(
    "Single sign-on with your identity provider has been stopped in kumokan, so you were signed out. Sign in "
    "with your kumokan password, or ask the system administrator."
)


def end_session(request: HttpRequest, why: Any = WHAT_TO_DO[RefusalReason.SESSION_ENDED]) -> HttpResponse:
    """The provider no longer confirms the person (or was turned off): sign out here and say why."""
    logout(request)
    messages.error(request, str(why))
    target = reverse(settings.LOGIN_URL)
    response = HttpResponseRedirect(target)
    if getattr(request, "htmx", False):
        response["HX-Redirect"] = target
    return response
