from django.urls import path

from kumokan.ledger.choices import EntryStep
from kumokan.lifecycle.views.calendar import calendar, feed
from kumokan.lifecycle.views.configuration import lifecycle_settings
from kumokan.lifecycle.views.entries import change_status, confirm_gate, entry, open_checklists
from kumokan.lifecycle.views.incidents import corrective_close, corrective_new, incident, incident_new
from kumokan.lifecycle.views.packs import pack_adopt, pack_return, pack_version, packs
from kumokan.lifecycle.views.rechecks import order, order_new, orders, recheck
from kumokan.lifecycle.views.tasks import assign, task, task_evidence
from kumokan.lifecycle.views.termination import (
    termination,
    termination_approve,
    termination_plan,
    termination_step,
)

app_name = "lifecycle"

# Mounted at the site's root: the ledger entry's status steps keep their addresses under ledger/.
urlpatterns = [
    path("ledger/<int:pk>/start/", change_status, {"step": EntryStep.START_OPERATION}, name="start"),
    path("ledger/<int:pk>/suspend/", change_status, {"step": EntryStep.SUSPEND}, name="suspend"),
    path("ledger/<int:pk>/resume/", change_status, {"step": EntryStep.RESUME}, name="resume"),
    path("ledger/<int:pk>/retire/", change_status, {"step": EntryStep.RETIRE}, name="retire"),
    path("lifecycle/calendar/", calendar, name="calendar"),
    path("lifecycle/calendar/<str:token>.ics", feed, name="feed"),
    path("lifecycle/settings/", lifecycle_settings, name="settings"),
    path("lifecycle/packs/", packs, name="packs"),
    path("lifecycle/packs/adopt/", pack_adopt, name="pack_adopt"),
    path("lifecycle/packs/<int:pk>/", pack_version, name="pack_version"),
    path("lifecycle/packs/<int:pk>/return/", pack_return, name="pack_return"),
    path("lifecycle/entries/<int:pk>/", entry, name="entry"),
    path("lifecycle/entries/<int:pk>/gate/", confirm_gate, name="confirm_gate"),
    path("lifecycle/entries/<int:pk>/checklists/", open_checklists, name="open_checklists"),
    path("lifecycle/entries/<int:pk>/corrective/", corrective_new, name="corrective_new"),
    path("lifecycle/entries/<int:pk>/termination/", termination, name="termination"),
    path(
        "lifecycle/entries/<int:pk>/termination/plan-document/",
        termination_plan,
        name="termination_plan",
    ),
    path(
        "lifecycle/entries/<int:pk>/termination/approval/",
        termination_approve,
        name="termination_approve",
    ),
    path("lifecycle/entries/<int:pk>/termination/<str:step>/", termination_step, name="termination_step"),
    path("lifecycle/tasks/<int:pk>/", task, name="task"),
    path("lifecycle/tasks/<int:pk>/assign/", assign, name="assign"),
    path("lifecycle/tasks/<int:pk>/evidence/", task_evidence, name="task_evidence"),
    path("lifecycle/rechecks/<int:pk>/", recheck, name="recheck"),
    path("lifecycle/orders/", orders, name="orders"),
    path("lifecycle/orders/new/", order_new, name="order_new"),
    path("lifecycle/orders/<int:pk>/", order, name="order"),
    path("lifecycle/incidents/new/", incident_new, name="incident_new"),
    path("lifecycle/incidents/<int:pk>/", incident, name="incident"),
    path("lifecycle/corrective/<int:pk>/close/", corrective_close, name="corrective_close"),
]
