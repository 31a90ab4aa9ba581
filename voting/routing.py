from django.urls import path

from .consumers import HallConsumer, ScreenConsumer

websocket_urlpatterns = [
    path("ws/c/<slug:slug>/", HallConsumer.as_asgi()),
    path("ws/c/<slug:slug>/screen/", ScreenConsumer.as_asgi()),
]
