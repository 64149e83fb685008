from django.urls import path

from kumokan.ledger import views
from kumokan.ledger.choices import EntryStep

app_name = "ledger"

urlpatterns = [
    path("ledger/", views.ledger, name="list"),
    path("ledger/<int:pk>/", views.entry_detail, name="detail"),
    path("ledger/<int:pk>/edit/", views.edit_entry, name="edit"),
    path("ledger/<int:pk>/start/", views.change_status, {"step": EntryStep.START_OPERATION}, name="start"),
    path("ledger/<int:pk>/suspend/", views.change_status, {"step": EntryStep.SUSPEND}, name="suspend"),
    path("ledger/<int:pk>/resume/", views.change_status, {"step": EntryStep.RESUME}, name="resume"),
    path("ledger/<int:pk>/retire/", views.change_status, {"step": EntryStep.RETIRE}, name="retire"),
]
