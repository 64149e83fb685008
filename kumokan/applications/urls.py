from django.urls import path

from kumokan.applications import views

app_name = "applications"

urlpatterns = [
    path("applications/", views.my_applications, name="list"),
    path("applications/new/", views.new_application, name="new"),
    path("applications/new/judgment/", views.new_judgment, name="new_judgment"),
    path("applications/<int:pk>/", views.detail, name="detail"),
    path("applications/<int:pk>/edit/", views.edit_application, name="edit"),
    path("applications/<int:pk>/judgment/", views.edit_judgment, name="edit_judgment"),
    path("applications/<int:pk>/checklist/", views.checklist, name="checklist"),
    path("applications/<int:pk>/review/", views.review, name="review"),
    path("applications/<int:pk>/explain/", views.explain, name="explain"),
    path("applications/<int:pk>/submit/", views.submit, name="submit"),
    path("applications/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("applications/<int:pk>/evidence/<int:answer_pk>/", views.evidence, name="evidence"),
    path("approvals/", views.approval_queue, name="queue"),
    path("approvals/<int:pk>/", views.decide, name="decide"),
]
