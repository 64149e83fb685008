from django.urls import path

from kumokan.lifecycle import views

app_name = "lifecycle"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/<str:token>.ics", views.feed, name="feed"),
    path("settings/", views.lifecycle_settings, name="settings"),
    path("packs/", views.packs, name="packs"),
    path("packs/adopt/", views.pack_adopt, name="pack_adopt"),
    path("packs/<int:pk>/", views.pack_version, name="pack_version"),
    path("entries/<int:pk>/", views.entry, name="entry"),
    path("entries/<int:pk>/gate/", views.confirm_gate, name="confirm_gate"),
    path("entries/<int:pk>/checklists/", views.open_checklists, name="open_checklists"),
    path("entries/<int:pk>/corrective/", views.corrective_new, name="corrective_new"),
    path("entries/<int:pk>/termination/", views.termination, name="termination"),
    path("entries/<int:pk>/termination/plan-document/", views.termination_plan, name="termination_plan"),
    path("entries/<int:pk>/termination/<str:step>/", views.termination_step, name="termination_step"),
    path("tasks/<int:pk>/", views.task, name="task"),
    path("tasks/<int:pk>/assign/", views.assign, name="assign"),
    path("tasks/<int:pk>/evidence/", views.task_evidence, name="task_evidence"),
    path("rechecks/<int:pk>/", views.recheck, name="recheck"),
    path("orders/", views.orders, name="orders"),
    path("orders/new/", views.order_new, name="order_new"),
    path("orders/<int:pk>/", views.order, name="order"),
    path("incidents/new/", views.incident_new, name="incident_new"),
    path("incidents/<int:pk>/", views.incident, name="incident"),
    path("corrective/<int:pk>/close/", views.corrective_close, name="corrective_close"),
]
