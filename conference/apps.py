from django.apps import AppConfig


class ConferenceConfig(AppConfig):
    name = "conference"
    verbose_name = "Conference"

    def ready(self) -> None:
        from . import signals

        signals.connect()
