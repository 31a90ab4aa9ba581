from django.urls import path

from .consumers import HallConsumer, ScreenConsumer

# django-stubs types path() for views only, and types-channels' URLRouter wants its own
# pattern type: channels routes consumers with Django's path() all the same.
websocket_urlpatterns = [
    path("ws/c/<slug:slug>/", HallConsumer.as_asgi()),  # type: ignore[arg-type]
    path("ws/c/<slug:slug>/screen/", ScreenConsumer.as_asgi()),  # type: ignore[arg-type]
]
