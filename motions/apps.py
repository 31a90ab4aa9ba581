from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_save


def _standing_orders_for_new_conference(
    sender: Any, instance: Any, created: bool, raw: bool = False, **kw: Any
) -> None:
    """Every conference has its standing orders, whichever door made it (the desk, the admin,
    the shell): the defaults, naming no negotiating body until the secretariat names one."""
    if created and not raw:
        from .models import StandingOrders

        StandingOrders.objects.get_or_create(conference_id=instance.pk)


class MotionsConfig(AppConfig):
    name = "motions"

    def ready(self) -> None:
        from conference.models import Conference

        post_save.connect(_standing_orders_for_new_conference, sender=Conference, dispatch_uid="conference-rules")
