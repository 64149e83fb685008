from django.urls import path

from kumokan.procurement import views

app_name = "procurement"

urlpatterns = [
    path("procurement/", views.procurement_list, name="list"),
    path("procurement/new/", views.new_procurement, name="new"),
    path("procurement/responsibility-split/", views.responsibility_split, name="responsibility"),
    path("procurement/<int:pk>/", views.detail, name="detail"),
    path("procurement/<int:pk>/edit/", views.edit_procurement, name="edit"),
    path("procurement/<int:pk>/survey/", views.survey, name="survey"),
    path("procurement/<int:pk>/survey/complete/", views.complete_survey, name="complete_survey"),
    path("procurement/<int:pk>/method/", views.method, name="method"),
    path("procurement/<int:pk>/sla/", views.sla, name="sla"),
    path("procurement/<int:pk>/sla.xlsx", views.sla_xlsx, name="sla_xlsx"),
    path("procurement/<int:pk>/sla.pdf", views.sla_pdf, name="sla_pdf"),
    path("procurement/<int:pk>/settings/", views.settings_checklist, name="settings"),
    path("procurement/<int:pk>/settings.pdf", views.settings_checklist_pdf, name="settings_pdf"),
    path("procurement/<int:pk>/ledger-entry/", views.link_ledger_entry, name="link_entry"),
    path("procurement/<int:pk>/annexes/", views.issue_annex, name="issue_annex"),
    path("procurement/<int:pk>/annexes/<int:number>/", views.annex, name="annex"),
    path("procurement/<int:pk>/annexes/<int:number>.pdf", views.annex_pdf, name="annex_pdf"),
    path("procurement/<int:pk>/annexes/<int:number>.xlsx", views.annex_xlsx, name="annex_xlsx"),
]
