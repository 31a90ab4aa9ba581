from django.apps import AppConfig


class VotingConfig(AppConfig):
    name = "voting"

    def ready(self) -> None:
        # The websocket messages' handlers register themselves (conference.protocol) on import.
        from . import commands, consumers  # noqa: F401
