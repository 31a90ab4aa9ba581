from django.apps import AppConfig


class PolicyConfig(AppConfig):
    """The policy book: every decision of every conference, searchable (DESIGN §7)."""

    name = "policy"
    default_auto_field = "django.db.models.BigAutoField"
