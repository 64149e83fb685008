from django.urls import path

from kumokan.documents import views

app_name = "documents"

urlpatterns = [
    path("documents/applications/<int:pk>/", views.application_forms, name="forms"),
    path(
        "documents/applications/<int:pk>/<int:number>.pdf",
        views.application_form,
        {"fmt": "pdf"},
        name="form_pdf",
    ),
    path(
        "documents/applications/<int:pk>/<int:number>.xlsx",
        views.application_form,
        {"fmt": "xlsx"},
        name="form_xlsx",
    ),
    path("documents/ledger/export/", views.ledger_export, name="export"),
    path("documents/ledger/imports/", views.ledger_import, name="import"),
    path("documents/ledger/imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("documents/ledger/imports/<int:pk>/mapping/", views.import_mapping, name="import_mapping"),
    path("documents/ledger/imports/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("documents/ledger/imports/<int:pk>/layout/", views.import_layout, name="import_layout"),
    path("documents/ledger/imports/<int:pk>/decisions/", views.import_decisions, name="import_decisions"),
    path("documents/ledger/imports/<int:pk>/commit/", views.import_commit, name="import_commit"),
    path("documents/ledger/imports/<int:pk>/retry/", views.import_retry, name="import_retry"),
]
