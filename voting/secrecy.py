"""Side channels of the secret ballot (DESIGN §4.7).

Participation (who) and Ballot (what) have random ids and no timestamps, but rows are
stored in the order they were written, and both tables are written vote by vote: a copy
of the database (``SELECT *`` without ORDER BY, or a pg_dump) would line the n-th
participation up with the n-th ballot. At close the poll's ballots are written again in
a random order, so after the close nothing but the server's key links the two.
"""

from __future__ import annotations

import secrets

from .models import Ballot, Poll


def shuffle_ballots(poll: Poll) -> None:
    """Rewrite a secret poll's ballots in random order. Call inside the close's transaction."""
    if not poll.secret:
        return
    ballots = list(Ballot.objects.filter(poll=poll))
    for i in range(len(ballots) - 1, 0, -1):  # Fisher-Yates with a CSPRNG
        j = secrets.randbelow(i + 1)
        ballots[i], ballots[j] = ballots[j], ballots[i]
    # A pick ballot's options are rows of their own, written in vote order too: keep them
    # (the delete below cascades to them) and write them again in the new order.
    through = Ballot.picks.through
    picks: dict[object, list[int]] = {}
    for ballot_id, option_id in through.objects.filter(ballot__poll=poll).values_list("ballot_id", "option_id"):
        picks.setdefault(ballot_id, []).append(option_id)
    Ballot.objects.filter(poll=poll).delete()
    Ballot.objects.bulk_create(ballots)
    through.objects.bulk_create(
        [through(ballot_id=b.pk, option_id=option_id) for b in ballots for option_id in picks.get(b.pk, [])]
    )
