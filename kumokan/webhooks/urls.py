from django.urls import path

from kumokan.webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("webhooks/", views.subscriptions, name="list"),
    path("webhooks/<int:pk>/", views.subscription, name="detail"),
    path("webhooks/<int:pk>/rotate/", views.rotate, name="rotate"),
    path("webhooks/deliveries/<int:pk>/redeliver/", views.redeliver, name="redeliver"),
]
