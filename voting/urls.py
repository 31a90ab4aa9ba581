from django.urls import path

from . import views

urlpatterns = [
    path("vote/", views.phone, name="phone"),
    path("vote/cast/", views.cast, name="cast"),
    path("vote/state/", views.state, name="state"),
    path("console/", views.console, name="console"),
    path("screen/", views.screen, name="screen"),
    path("results/", views.results, name="results"),
    path("results/<int:poll_id>/", views.poll_result, name="poll-result"),
]
