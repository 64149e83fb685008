from django.urls import path

from kumokan.catalog import views

app_name = "catalog"

urlpatterns = [
    path("catalog/", views.provider_list, name="providers"),
    path("catalog/providers/<int:pk>/", views.provider_detail, name="provider"),
    path("catalog/providers/<int:pk>/certifications/new/", views.new_certification, name="new_certification"),
    path("catalog/certifications/<int:pk>/", views.certification_detail, name="certification"),
    path("catalog/certifications/<int:pk>/edit/", views.edit_certification, name="edit_certification"),
    path("catalog/certifications/<int:pk>/renewal/", views.apply_for_renewal, name="renewal"),
    path("catalog/certifications/<int:pk>/withdraw/", views.withdraw_certification, name="withdraw"),
    path("catalog/certifications/<int:pk>/evidence/", views.add_evidence, name="add_evidence"),
    path("catalog/certifications/<int:pk>/evidence/<int:evidence_pk>/", views.evidence, name="evidence"),
    path("catalog/ismap-imports/", views.import_list, name="imports"),
    path("catalog/ismap-imports/<int:pk>/", views.import_detail, name="import"),
    path("catalog/ismap-imports/<int:pk>/commit/", views.commit_import, name="commit_import"),
    path("catalog/ismap-imports/<int:pk>/discard/", views.discard_import, name="discard_import"),
]
