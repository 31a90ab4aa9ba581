from django.apps import AppConfig


class VotingConfig(AppConfig):
    name = "voting"

    def ready(self) -> None:
        # The websocket messages' handlers register themselves (conference.protocol) on import.
        from conference.signals import on_roll_changed

        from . import commands, consumers  # noqa: F401
        from .turnout import send_open_poll_turnout

        # Taken off the roll (or given another role) by any door, the admin included: the
        # open vote's turnout follows, as it does for a check-in or a deputy at the desk.
        on_roll_changed(send_open_poll_turnout)
