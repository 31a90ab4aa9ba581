from django.urls import path

from . import views

urlpatterns = [
    path("elections/<int:poll_id>/ballots.blt", views.ballots, name="election-ballots-blt"),
    path("elections/<int:poll_id>/result.pdf", views.sheet, name="election-sheet-pdf"),
]
