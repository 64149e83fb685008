from django.urls import path

from kumokan.core import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
]
