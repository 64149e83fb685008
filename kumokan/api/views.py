"""The API tokens page: a person issues tokens for themselves (each shown once) and revokes them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from kumokan.api.actions import issue_api_token, revoke_api_token
from kumokan.api.forms import IssueTokenForm
from kumokan.api.models import ApiToken
from kumokan.core.actors import SignedInRequest
from kumokan.core.refusals import refusal_as_message, refusal_on_form


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: SignedInRequest) -> HttpResponse:
    """The user's tokens; a POST issues one and shows it on this response only (never stored in clear)."""
    form = IssueTokenForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        with refusal_on_form(form, "name") as attempt:
            token, text = issue_api_token(
                acting_user=request.user, user=request.user, name=form.cleaned_data["name"]
            )
        if not attempt.refused:
            issued = {"token": token, "text": text}
            form = IssueTokenForm()
    context = {
        "form": form,
        "issued": issued,
        "tokens": ApiToken.objects.filter(user=request.user),
    }
    return render(request, "api/tokens.html", context)


@login_required
@require_POST
def revoke(request: SignedInRequest, token_id: int) -> HttpResponse:
    # Another person's token is 404: its existence is not for this user to learn.
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    with refusal_as_message(request) as attempt:
        revoke_api_token(acting_user=request.user, token=token)
    if not attempt.refused:
        messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("api-tokens")
