from django.urls import path

from kumokan.meetings import views

app_name = "meetings"

urlpatterns = [
    path("meetings/planner/", views.planner, name="planner"),
    path("meetings/planner/checklist.pdf", views.planner_pdf, name="planner_pdf"),
]
