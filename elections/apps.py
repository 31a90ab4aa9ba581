from django.apps import AppConfig


class ElectionsConfig(AppConfig):
    name = "elections"

    def ready(self) -> None:
        # voting counts ranked polls through this hook and never imports elections.
        from voting.counting import register_counter
        from voting.models import Poll

        from .actions import check_countable, count_poll

        register_counter(Poll.Kind.RANKED, count_poll, check_countable)
