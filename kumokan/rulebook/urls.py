from django.urls import path

from kumokan.rulebook import views

app_name = "rulebook"

urlpatterns = [
    path("rules/", views.index, name="index"),
    path("rules/<slug:pack_id>/", views.pack, name="pack"),
]
