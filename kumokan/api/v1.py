"""The REST API, version 1: /api/v1/, its schema at openapi.json and browsable docs at docs."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI, Swagger

from kumokan.api import applications, catalog, decisions, errors, judgments, ledger, lifecycle, me
from kumokan.api.auth import TokenAuth
from kumokan.api.codes import document_error_codes
from kumokan.api.renderers import Utf8JSONRenderer
from kumokan.api.throttling import AddressThrottle, TokenThrottle
from kumokan.api.webhooks import document_webhooks

DESCRIPTION = """\
kumokan (雲管): cloud service usage governance for Japanese local governments.

Authenticate with a personal API token: `Authorization: Bearer kmk_…` (create one on the
API tokens page, or with `manage.py create_api_token USERNAME NAME`). A token acts as its user,
with exactly the rights that user has in the web UI; what another municipality holds is 404.

Errors are `{"code", "message" (Japanese), "message_en", "details": [{"field", "message", "message_en"}]}`:
401 without a valid token, 403 for a role the action needs, 404 for what you may not see,
400 for a step the object's state does not allow, 409 when the object changed since the version you
sent (`stale_version`) or you sent a version it never had (`unknown_version`), 422 for input that does
not validate, 429 past the rate limits (per token and per address; wait the seconds in `Retry-After`).
Each error response of each operation lists the codes it can carry (`x-error-codes`).
The creating operations take an `Idempotency-Key` header: the same key again (within 24 hours, then
it is forgotten) returns the first answer with `Idempotent-Replayed: true` instead of creating twice. No text may contain NUL (U+0000) or an unpaired
surrogate (422, `unstorable_text`); text a step requires may not be empty or only spaces.

**Lists.** Every list answers one page: `{"count", "page", "pages", "page_size", "next_page",
"previous_page", "next_cursor", "previous_cursor", "results"}`. Ask for `page_size` (1–200; the
ledger page's 25 by default) and a `page` number, or follow the cursors: `after=<next_cursor>` for the
page after, `before=<previous_cursor>` for the page before (a page reached by cursor has `page` null;
`next_cursor` is null on the last page). Cursors stay right while rows are added or removed, numbers do
not: a script that reads a whole list follows `next_cursor` from the first page. A page past the last
is an empty page (not 404); a cursor that cannot be read is 422. Lists whose objects change
(applications, ledger, a service's tasks and re-checks) take `updated_since` (ISO 8601 with its offset): only what changed at or after
that moment, for a script that keeps another system (an asset register, 情報システム台帳) in step.
"""


class KumokanApi(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """ninja's document, with the error codes each operation can answer (kumokan.api.codes) and the
        webhooks kumokan sends (kumokan.api.webhooks)."""
        general = {status: code for status, (code, _message) in errors.STATUS_ERRORS.items()}
        schema = document_error_codes(super().get_openapi_schema(**kwargs), general)
        return document_webhooks(schema)


api = KumokanApi(
    title="kumokan API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=TokenAuth(),
    throttle=[TokenThrottle(), AddressThrottle()],
    renderer=Utf8JSONRenderer(),
    # No validator badge: Swagger UI would fetch it from its vendor's host.
    docs=Swagger(settings={"validatorUrl": None}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
api.add_router("/me", me.router)
api.add_router("/judgments", judgments.router)
api.add_router("/applications", applications.router)
api.add_router("", decisions.router)
api.add_router("", catalog.router)
api.add_router("/ledger", ledger.router)
api.add_router("", lifecycle.router)
