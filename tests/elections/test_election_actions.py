"""An election on the vote path: set up, opened, ranked ballots cast, closed, counted, published."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection

from conference.errors import Refused
from elections import actions as election_actions
from elections.count import Constraint, as_dict, count, read_blt
from elections.models import Election
from tests.factories import make_conference, make_lmc, make_rep, make_staff
from voting import actions, closing, results
from voting.models import Ballot, Participation, Poll, voter_tag
from voting.snapshot import my_vote, published_receipts

pytestmark = pytest.mark.django_db

NAMES = ["Dr Ada Adams", "Dr Bo Brown", "Dr Cy Clarke", "Dr Di Dutt"]


def _election(seats: int = 2, allow_change: bool = True, **kw) -> tuple[Election, list, object]:
    conf = make_conference()
    chair = make_staff(conf)
    lmc = make_lmc(conf, name="Avon")
    election = election_actions.create_election(conf, "Agenda committee", seats, allow_change=allow_change, **kw)
    cands = [
        election_actions.save_candidate(
            election, n, lmc=lmc, statement=f"I am {n}.", groups=["new member"] if i == 3 else []
        )
        for i, n in enumerate(NAMES)
    ]
    return election, cands, chair


def _open(election: Election, chair) -> Poll:
    return actions.open_poll(election.poll, chair)


def test_an_election_is_a_ranked_poll_whose_options_are_its_candidates():
    election, cands, _ = _election()
    poll = election.poll
    assert poll.kind == Poll.Kind.RANKED and poll.secret and poll.question == "Agenda committee"
    assert [(o.key, o.label) for o in poll.options.all()] == [(c.key, c.name) for c in cands]
    assert election.status == Poll.Status.DRAFT and election.allow_change


def test_a_ranked_ballot_is_stored_in_order_apart_from_who_voted_and_returned_with_its_receipt():
    election, cands, chair = _election()
    _open(election, chair)
    rep = make_rep(election.conference, name="Dr Findable Voter")
    ranking = (cands[2].key, cands[0].key, cands[3].key)
    outcome = actions.cast_vote(rep, election.poll_id, ranking, uuid.uuid4())
    assert outcome.ok and outcome.choice == list(ranking) and outcome.receipt
    ballot = Ballot.objects.get(poll=election.poll)
    # While the election is open the ranking is sealed under the poll's key, like every secret ballot.
    assert ballot.ranking is None and ballot.sealed is not None and ballot.receipt is None
    assert ballot.option_id is None and ballot.representative_id is None
    assert ballot.voter_tag == voter_tag(election.poll_id, rep.pk)
    assert Participation.objects.filter(poll=election.poll, representative=rep).count() == 1
    assert my_vote(election.poll, rep)["choice"] == list(ranking)
    closing.close_poll(election.poll_id)
    ballot = Ballot.objects.get(poll=election.poll)  # unsealed at close, in order, with no voter tag
    assert ballot.ranking == list(ranking) and ballot.voter_tag is None and ballot.receipt == outcome.receipt
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM voting_ballot")
        columns = [c[0] for c in cursor.description]
    assert not {"created_at", "cast_at"} & set(columns)


@pytest.mark.parametrize(
    "ranking, message",
    [
        ((), "Rank at least one"),
        (("X", "Y"), "not one of the candidates"),
        (("999999",), "not one of the candidates"),
        (("dup", "dup"), "at most once"),
    ],
)
def test_bad_rankings_are_refused_and_nothing_is_stored(ranking, message):
    election, cands, chair = _election()
    _open(election, chair)
    rep = make_rep(election.conference)
    ranking = tuple(cands[0].key if k == "dup" else k for k in ranking)
    outcome = actions.cast_vote(rep, election.poll_id, ranking, uuid.uuid4())
    assert not outcome.ok and outcome.code == "unknown_choice" and message in outcome.message
    assert not Ballot.objects.filter(poll=election.poll).exists()
    assert not Participation.objects.filter(poll=election.poll).exists()


def test_one_ballot_per_voter_a_resend_gets_the_same_receipt_and_a_change_replaces_the_ranking():
    election, cands, chair = _election()
    _open(election, chair)
    rep = make_rep(election.conference)
    key = uuid.uuid4()
    first = actions.cast_vote(rep, election.poll_id, (cands[0].key, cands[1].key), key)
    again = actions.cast_vote(rep, election.poll_id, (cands[0].key, cands[1].key), key)
    assert again.ok and again.receipt == first.receipt and not again.changed
    changed = actions.cast_vote(rep, election.poll_id, (cands[3].key,), uuid.uuid4())
    assert changed.ok and changed.changed and changed.receipt == first.receipt
    closing.close_poll(election.poll_id)
    assert list(Ballot.objects.filter(poll=election.poll).values_list("ranking", flat=True)) == [[cands[3].key]]
    assert Participation.objects.filter(poll=election.poll).count() == 1


def test_without_allow_change_a_second_ranking_is_refused():
    election, cands, chair = _election(allow_change=False)
    _open(election, chair)
    rep = make_rep(election.conference)
    assert actions.cast_vote(rep, election.poll_id, (cands[0].key,), uuid.uuid4()).ok
    second = actions.cast_vote(rep, election.poll_id, (cands[1].key,), uuid.uuid4())
    assert not second.ok and second.code == "already_voted"
    closing.close_poll(election.poll_id)
    assert list(Ballot.objects.filter(poll=election.poll).values_list("ranking", flat=True)) == [[cands[0].key]]


def test_the_writer_batch_path_stores_rankings_too():
    election, cands, chair = _election()
    _open(election, chair)
    reps = [make_rep(election.conference) for _ in range(3)]
    requests = [
        actions.VoteRequest(r.pk, election.poll_id, (cands[i].key, cands[(i + 1) % 4].key), uuid.uuid4())
        for i, r in enumerate(reps)
    ]
    outcomes = actions.record_votes(requests)
    assert all(o.ok for o in outcomes)
    closing.close_poll(election.poll_id)
    stored = sorted(Ballot.objects.filter(poll=election.poll).values_list("ranking", flat=True))
    assert stored == sorted([[cands[i].key, cands[(i + 1) % 4].key] for i in range(3)])


def test_the_close_counts_by_stv_records_a_fresh_seed_and_the_published_blt_recounts_the_same():
    election, cands, chair = _election(seats=2)
    _open(election, chair)
    a, b, c, d = (x.key for x in cands)
    rankings = [(a, b)] * 5 + [(b, a, c)] * 3 + [(c, d)] * 2 + [(d, c)] * 2 + [(c,)]
    for ranking in rankings:
        assert actions.cast_vote(make_rep(election.conference), election.poll_id, ranking, uuid.uuid4()).ok
    closing.close_poll(election.poll_id, chair)
    election.refresh_from_db()
    election.poll.refresh_from_db()
    assert election.status == Poll.Status.CLOSED and election.seed is not None
    sheet = election.sheet
    assert sheet is not None and sheet["seed"] == election.seed and sheet["valid"] == 13
    assert sheet["elected"] == election.poll.result["elected"]
    assert sheet["elected"][0] == "Dr Ada Adams"  # 5 first preferences, the quota is 13 // 3 + 1 = 5
    assert [x["count"] for x in election.poll.result["counts"]] == [5, 3, 3, 2]

    blt = election_actions.ballots_blt(election)
    recount = count(read_blt(blt), "scottish", seed=election.seed)
    assert as_dict(recount)["stages"] == sheet["stages"] and recount.elected == sheet["elected"]

    results.publish_result(election.poll, chair)
    election.poll.refresh_from_db()
    assert election.status == Poll.Status.PUBLISHED
    receipts = published_receipts(election.poll)
    assert len(receipts) == 13 and any("1. Dr Ada Adams; 2. Dr Bo Brown" == label for _, label in receipts)


def test_constraints_are_applied_to_the_count_and_the_blt_with_them_recounts_the_same():
    election, cands, chair = _election(seats=2, constraints=[{"group": "new member", "minimum": 1}])
    _open(election, chair)
    a, b, c, d = (x.key for x in cands)
    for ranking in [(a, b)] * 5 + [(b, a)] * 4 + [(c,)] * 2 + [(d,)]:
        actions.cast_vote(make_rep(election.conference), election.poll_id, ranking, uuid.uuid4())
    closing.close_poll(election.poll_id, chair)
    election.refresh_from_db()
    sheet = election.sheet
    assert "Dr Di Dutt" in sheet["elected"]  # the reserved seat for a new member
    constraint = Constraint("new member", {"Dr Di Dutt"}, minimum=1)
    recount = count(
        read_blt(election_actions.ballots_blt(election)), "scottish", constraints=[constraint], seed=election.seed
    )
    assert recount.elected == sheet["elected"]


def test_an_election_that_cannot_be_counted_is_not_opened():
    conf = make_conference()
    chair = make_staff(conf)
    election = election_actions.create_election(conf, "Chair", 2)
    with pytest.raises(Refused, match="Add the candidates"):
        actions.open_poll(election.poll, chair)
    election_actions.save_candidate(election, "Dr Only One")
    with pytest.raises(Refused, match="cannot be counted"):
        actions.open_poll(election.poll, chair)
    assert Poll.objects.get(pk=election.poll_id).status == Poll.Status.DRAFT


def test_candidates_are_fixed_once_open_and_bad_setup_is_refused():
    election, cands, chair = _election()
    with pytest.raises(Refused, match="already a candidate"):
        election_actions.save_candidate(election, NAMES[0])
    with pytest.raises(Refused, match="seats"):
        election_actions.create_election(election.conference, "Other", 0)
    with pytest.raises(Refused, match="Count by one of"):
        election_actions.create_election(election.conference, "Other", 1, method="fptp")
    with pytest.raises(Refused, match="already an election"):
        election_actions.create_election(election.conference, "Agenda committee", 1)
    with pytest.raises(Refused, match="least"):
        election_actions.create_election(
            election.conference, "Other", 1, constraints=[{"group": "x", "minimum": 3, "maximum": 1}]
        )
    _open(election, chair)
    with pytest.raises(Refused, match="fixed once it is opened"):
        election_actions.save_candidate(election, "Dr Late Entry")
    with pytest.raises(Refused, match="fixed once it is opened"):
        election_actions.remove_candidate(cands[0])
    assert election.poll.options.count() == 4


def test_the_ballots_are_not_given_out_before_the_close():
    election, _, chair = _election()
    _open(election, chair)
    with pytest.raises(Refused, match="after the election has closed"):
        election_actions.ballots_blt(election)


def test_removing_and_moving_candidates_keeps_the_options_in_ballot_order():
    election, cands, _ = _election()
    election_actions.move_candidate(cands[3], -1)
    election_actions.remove_candidate(cands[0])
    assert list(election.poll.options.values_list("label", flat=True)) == [NAMES[1], NAMES[3], NAMES[2]]
    assert list(election.candidates.values_list("order", flat=True)) == [0, 1, 2]


def test_the_published_result_page_shows_the_stage_table_and_the_downloads_recount(client):
    election, cands, chair = _election(seats=2)
    _open(election, chair)
    a, b, c, d = (x.key for x in cands)
    for ranking in [(a, b)] * 5 + [(b, a, c)] * 3 + [(c, d)] * 2 + [(d, c)] * 2:
        actions.cast_vote(make_rep(election.conference), election.poll_id, ranking, uuid.uuid4())
    closing.close_poll(election.poll_id, chair)
    slug = election.conference.slug
    assert client.get(f"/c/{slug}/elections/{election.poll_id}/ballots.blt").status_code == 404  # not published
    results.publish_result(election.poll, chair)
    election.refresh_from_db()
    page = client.get(f"/c/{slug}/results/{election.poll_id}/").content.decode()
    assert 'data-testid="stv-sheet"' in page and "Stage 1" in page and str(election.seed) in page
    blt = client.get(f"/c/{slug}/elections/{election.poll_id}/ballots.blt")
    assert blt.status_code == 200 and "attachment" in blt["Content-Disposition"]
    recount = count(read_blt(blt.content.decode()), "scottish", seed=election.seed)
    assert as_dict(recount)["stages"] == election.sheet["stages"]
    pdf = client.get(f"/c/{slug}/elections/{election.poll_id}/result.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
