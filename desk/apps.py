from django.apps import AppConfig


class DeskConfig(AppConfig):
    """The secretariat's desk: set-up, credentials, the record and publishing."""

    name = "desk"
    label = "desk"  # keeps its tables and migrations named desk_*
    default_auto_field = "django.db.models.BigAutoField"
