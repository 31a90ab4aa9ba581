"""How a poll of a kind voting does not count itself is counted at close.

voting decides motions and live polls by ``voting.rules``. A ranked poll belongs to an app
above voting (an election by STV belongs to ``elections``), which registers its counter
when Django starts (its ``AppConfig.ready``): voting never imports it. ``close_poll`` calls
the counter inside the close's transaction, after the ballots are shuffled; what it returns
is the poll's declared result. It must hold an ``"outcome"`` and a ``"counts"`` list
(``{"key", "label", "count", "percent", "percent_of"}``) so the generic result pages can
show it; anything else in it is the owning app's. The app may also register a check that
``open_poll`` runs before opening such a poll (it raises ``Refused`` when the poll cannot be
counted as it stands: too few candidates for the seats, say).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .models import Poll

Counter = Callable[[Poll], dict[str, Any]]
Check = Callable[[Poll], None]

_counters: dict[str, Counter] = {}
_checks: dict[str, Check] = {}


def register_counter(kind: str, counter: Counter, check: Check | None = None) -> None:
    _counters[kind] = counter
    if check is not None:
        _checks[kind] = check


def counter_for(kind: str) -> Counter | None:
    return _counters.get(kind)


def check_before_opening(poll: Poll) -> None:
    """Raises Refused if the app that counts this kind of poll says it cannot be opened."""
    check = _checks.get(poll.kind)
    if check is not None:
        check(poll)
