from django.urls import path

from kumokan.api import views
from kumokan.api.v1 import api

# No app_name: ninja reverses its own "api-v1:…" names from the root.
urlpatterns = [
    path("api/v1/", api.urls),
    path("api-tokens/", views.tokens, name="api-tokens"),
    path("api-tokens/<int:token_id>/revoke/", views.revoke, name="api-token-revoke"),
]
