from django.urls import path

from kumokan.ledger.choices import EntryStep
from kumokan.lifecycle import views

app_name = "lifecycle"

# Mounted at the site's root: the ledger entry's status steps keep their addresses under ledger/.
urlpatterns = [
    path("ledger/<int:pk>/start/", views.change_status, {"step": EntryStep.START_OPERATION}, name="start"),
    path("ledger/<int:pk>/suspend/", views.change_status, {"step": EntryStep.SUSPEND}, name="suspend"),
    path("ledger/<int:pk>/resume/", views.change_status, {"step": EntryStep.RESUME}, name="resume"),
    path("ledger/<int:pk>/retire/", views.change_status, {"step": EntryStep.RETIRE}, name="retire"),
    path("lifecycle/", views.dashboard, name="dashboard"),
    path("lifecycle/calendar/", views.calendar, name="calendar"),
    path("lifecycle/calendar/<str:token>.ics", views.feed, name="feed"),
    path("lifecycle/settings/", views.lifecycle_settings, name="settings"),
    path("lifecycle/packs/", views.packs, name="packs"),
    path("lifecycle/packs/adopt/", views.pack_adopt, name="pack_adopt"),
    path("lifecycle/packs/<int:pk>/", views.pack_version, name="pack_version"),
    path("lifecycle/packs/<int:pk>/return/", views.pack_return, name="pack_return"),
    path("lifecycle/entries/<int:pk>/", views.entry, name="entry"),
    path("lifecycle/entries/<int:pk>/gate/", views.confirm_gate, name="confirm_gate"),
    path("lifecycle/entries/<int:pk>/checklists/", views.open_checklists, name="open_checklists"),
    path("lifecycle/entries/<int:pk>/corrective/", views.corrective_new, name="corrective_new"),
    path("lifecycle/entries/<int:pk>/termination/", views.termination, name="termination"),
    path(
        "lifecycle/entries/<int:pk>/termination/plan-document/",
        views.termination_plan,
        name="termination_plan",
    ),
    path(
        "lifecycle/entries/<int:pk>/termination/approval/",
        views.termination_approve,
        name="termination_approve",
    ),
    path(
        "lifecycle/entries/<int:pk>/termination/<str:step>/", views.termination_step, name="termination_step"
    ),
    path("lifecycle/tasks/<int:pk>/", views.task, name="task"),
    path("lifecycle/tasks/<int:pk>/assign/", views.assign, name="assign"),
    path("lifecycle/tasks/<int:pk>/evidence/", views.task_evidence, name="task_evidence"),
    path("lifecycle/rechecks/<int:pk>/", views.recheck, name="recheck"),
    path("lifecycle/orders/", views.orders, name="orders"),
    path("lifecycle/orders/new/", views.order_new, name="order_new"),
    path("lifecycle/orders/<int:pk>/", views.order, name="order"),
    path("lifecycle/incidents/new/", views.incident_new, name="incident_new"),
    path("lifecycle/incidents/<int:pk>/", views.incident, name="incident"),
    path("lifecycle/corrective/<int:pk>/close/", views.corrective_close, name="corrective_close"),
]
