from django.urls import path

from kumokan.audit import views

urlpatterns = [
    path("audit/export/", views.export, name="audit-export"),
]
