from django.urls import path

from kumokan.ledger import views

app_name = "ledger"

urlpatterns = [
    path("ledger/", views.ledger, name="list"),
    path("ledger/<int:pk>/", views.entry_detail, name="detail"),
    path("ledger/<int:pk>/edit/", views.edit_entry, name="edit"),
]
