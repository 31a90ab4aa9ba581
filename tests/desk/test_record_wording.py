"""The record prints the wording as decided, the casting vote, the block vote and every
motion's final status, in the resolutions, the public motion page and the exports."""

from __future__ import annotations

import csv
import io
import uuid

import pytest
from django.urls import reverse

from motions import procedure
from motions.agenda import call_motion
from motions.models import Outcome
from tests.desk.conftest import decide
from tests.factories import make_conference, make_motion, make_rep, make_section, make_staff
from voting import actions, closing, put, results

pytestmark = pytest.mark.django_db


@pytest.fixture
def conf():
    return make_conference(chair_casting_vote=True)


@pytest.fixture
def chair(conf):
    return make_staff(conf)


def _json(client, conf):
    published(conf)
    return client.get(reverse("resolutions-download", args=[conf.slug, "json"])).json()


def published(conf):
    from django.utils import timezone

    type(conf).objects.filter(pk=conf.pk).update(record_published_at=timezone.now())


def _csv(client, url):
    return list(csv.DictReader(io.StringIO(client.get(url).content.decode("utf-8-sig"))))


def _find(body, number):
    return next(m for s in body["record"] for m in s["motions"] if m["number"] == number)


def test_the_resolutions_and_the_motion_page_print_the_wording_as_amended_with_the_rider(conf, chair, client):
    motion = make_motion(conf, number=2, text="That conference demands funding.")
    amendment = procedure.propose_amendment(
        motion, "amendment", "Insert 'urgent'", chair, new_wording="That conference demands urgent funding."
    )
    rider = procedure.propose_amendment(motion, "rider", "It instructs the negotiators to act.", chair)
    for a in (amendment, rider):
        decide_amendment(a, chair, 3, 1)
    decide(motion, chair, {"for": 3})
    body = _json(client, conf)
    m = body["sections"][0]["motions"][0]
    assert m["text"] == "That conference demands urgent funding.\nIt instructs the negotiators to act."
    assert m["amended"] and m["tabled_text"] == "That conference demands funding."
    assert [a["outcome"] for a in m["amendments"]] == ["carried", "carried"]
    page = client.get(reverse("motion-result", args=[conf.slug, 2])).content.decode()
    assert "That conference demands urgent funding.<br>It instructs the negotiators to act." in page
    assert "as amended" in page and "As tabled" in page
    published(conf)
    rows = _csv(client, reverse("resolutions-download", args=[conf.slug, "csv"]))
    assert rows[0]["text"].startswith("That conference demands urgent funding.") and rows[0]["as_amended"] == "yes"


def decide_amendment(amendment, chair, votes_for, votes_against):
    poll = put.put_amendment(amendment, chair)
    for choice, n in (("for", votes_for), ("against", votes_against)):
        for _ in range(n):
            assert actions.cast_vote(make_rep(chair.conference), poll.pk, choice, uuid.uuid4()).ok
    closing.close_poll(poll.pk, chair)
    return results.publish_result(poll, chair)


def test_an_amended_part_is_printed_as_amended_and_a_whole_vote_decides_every_part(conf, chair, client):
    motion = make_motion(conf, number=3, text="That conference calls for:", parts=["a cap", "a floor"])
    part_ii = motion.parts.get(label="ii")
    amendment = procedure.propose_amendment(
        motion, "amendment", "A higher floor", chair, new_wording="a higher floor", part=part_ii
    )
    decide_amendment(amendment, chair, 2, 1)
    decide(motion, chair, {"for": 3})
    m = _find(_json(client, conf), 3)
    assert [(p["label"], p["text"], p["amended"], p["outcome_label"]) for p in m["parts"]] == [
        ("i", "a cap", False, "Carried"),
        ("ii", "a higher floor", True, "Carried"),
    ]
    assert m["amendments"][0]["part"] == "ii"
    page = client.get(reverse("motion-result", args=[conf.slug, 3])).content.decode()
    assert "Not decided" not in page and "(ii) a higher floor" in page


def _tie(conf, chair, motion, casting: bool | None):
    poll = actions.open_poll(put.create_motion_poll(motion), chair)
    for choice in ("for", "against"):
        assert actions.cast_vote(make_rep(conf), poll.pk, choice, uuid.uuid4()).ok
    poll = closing.close_poll(poll.pk, chair)
    if casting is not None:
        poll = closing.resolve_tie(poll, casting, chair)
    return results.publish_result(poll, chair)


def test_the_casting_vote_and_a_tie_without_one_are_in_the_exports_and_on_the_motion_page(conf, chair, client):
    carried, other = make_motion(conf, number=5), make_motion(conf, number=6)
    _tie(conf, chair, carried, True)
    no_casting = make_conference()
    tied = make_motion(no_casting, number=1)
    _tie(no_casting, make_staff(no_casting), tied, None)
    page = client.get(reverse("motion-result", args=[conf.slug, 5])).content.decode()
    assert "For 1, Against 1: carried on the chair&#x27;s casting vote" in page
    assert (
        _find(_json(client, conf), 5)["votes"][0]["summary"] == "For 1, Against 1: carried on the chair's casting vote"
    )
    exported = client.get(reverse("results-export", args=[conf.slug, "csv"])).content.decode("utf-8-sig")
    assert "carried on the chair's casting vote" in exported
    assert (
        "For 1, Against 1. Equal votes: not carried"
        in client.get(reverse("motion-result", args=[no_casting.slug, 1])).content.decode()
    )
    assert other.outcome == ""


def test_a_block_vote_is_on_each_motions_page_and_each_export_row_names_its_motion(conf, chair, client):
    section = make_section(conf, title="Premises")
    a = make_motion(conf, number=7, section=section, category="A")
    ar = make_motion(conf, number=8, section=section, category="AR")
    poll = put.open_block_vote(section, chair)
    assert actions.cast_vote(make_rep(conf), poll.pk, "for", uuid.uuid4()).ok
    closing.close_poll(poll.pk, chair)
    results.publish_result(poll, chair)
    for number in (7, 8):
        page = client.get(reverse("motion-result", args=[conf.slug, number])).content.decode()
        assert "Taken without debate in the block vote on motions 7, 8" in page
    rows = _csv(client, reverse("results-export", args=[conf.slug, "csv"]))
    assert {r["motion"] for r in rows if r["poll_id"] == str(poll.pk)} == {"7", "8"}
    body = _json(client, conf)
    assert _find(body, 7)["without_debate"] and _find(body, 8)["status"] == Outcome.CARRIED_AS_REFERENCE
    assert a.pk != ar.pk


def test_every_motion_is_in_the_full_record_with_its_final_status(conf, chair, client):
    section = make_section(conf)
    referred = make_motion(conf, number=10, section=section, order=0)
    moved_on = make_motion(conf, number=11, section=section, order=1)
    make_motion(conf, number=12, section=section, order=2, category="incompetent")
    make_motion(conf, number=13, section=section, order=3)
    for motion, kind in ((referred, "refer"), (moved_on, "next_business")):
        call_motion(conf, motion, chair)
        poll = put.put_procedural(motion, kind, chair)
        for _ in range(3):
            assert actions.cast_vote(make_rep(conf), poll.pk, "for", uuid.uuid4()).ok
        closing.close_poll(poll.pk, chair)
        results.publish_result(poll, chair)
    body = _json(client, conf)
    statuses = {m["number"]: (m["status"], m["status_label"]) for s in body["record"] for m in s["motions"]}
    assert statuses == {
        10: ("referred", "Referred to GPC England"),
        11: ("next_business", "Moved to next business"),
        12: ("incompetent", "Ruled incompetent"),
        13: ("", "Not decided"),
    }
    assert body["counts"] == {"motions": 4, "incompetent": 1, "next_business": 1, "open": 1, "referred": 1}


def test_a_corrected_outcome_shows_the_declared_result_the_corrected_outcome_and_the_reason(conf, chair, client):
    motion = make_motion(conf, number=20)
    decide(motion, chair, {"for": 1, "against": 2})
    procedure.correct_outcome(motion, Outcome.CARRIED, chair, "The tellers swapped the piles.")
    m = _find(_json(client, conf), 20)
    assert (m["status"], m["declared_outcome"]) == ("carried", "lost")
    assert m["votes"][0]["summary"] == "For 1 (33.3%), Against 2 (66.7%): lost"
    assert m["corrections"][0]["reason"] == "The tellers swapped the piles."
    page = client.get(reverse("motion-result", args=[conf.slug, 20])).content.decode()
    assert "Outcome corrected: The tellers swapped the piles." in page and "Against 2 (66.7%): lost" in page


def _rider_on_a_motion_in_parts(conf, chair):
    motion = make_motion(conf, number=6, text="That conference demands:", parts=["safe limits", "funding"])
    rider = procedure.propose_amendment(motion, "rider", "It calls on the negotiators to report back.", chair)
    decide_amendment(rider, chair, 3, 1)
    return motion


def test_a_rider_on_a_motion_in_parts_follows_the_parts_wherever_the_motion_is_printed(conf, chair, client):
    """A rider adds to the motion as a whole: it is printed after the last part (the public
    page, the resolutions PDF and CSV, the JSON's stem and riders) and put after them."""
    from pypdf import PdfReader

    from desk.documents import conference_resolutions_pdf
    from motions.wording import words_under_vote

    motion = _rider_on_a_motion_in_parts(conf, chair)
    rider = "It calls on the negotiators to report back."
    assert words_under_vote(motion) == f"That conference demands:\n(i) safe limits\n(ii) funding\n{rider}"
    decide(motion, chair, {"for": 3})
    page = client.get(reverse("motion-result", args=[conf.slug, 6])).content.decode()
    article = page[page.index('<article id="motion"') : page.index('data-testid="record"')]
    order = [article.index(s) for s in ("That conference demands:", "(i) safe limits", "(ii) funding", rider)]
    assert order == sorted(order), article
    m = _find(_json(client, conf), 6)
    assert (m["stem"], m["riders"]) == ("That conference demands:", [rider])
    pdf = PdfReader(io.BytesIO(conference_resolutions_pdf(conf))).pages
    text = " ".join(" ".join(p.extract_text().split()) for p in pdf)
    order = [text.index(s) for s in ("6. That conference demands:", "(i) safe limits", "(ii) funding", rider)]
    assert order == sorted(order), text
    rows = _csv(client, reverse("resolutions-download", args=[conf.slug, "csv"]))
    assert [(r["part"], r["text"]) for r in rows if r["motion"] == "6"] == [
        ("", "That conference demands:"),
        ("i", "safe limits"),
        ("ii", "funding"),
        ("rider", rider),
    ]


def test_each_part_is_numbered_once_on_the_public_page(conf, chair, client):
    """Parts are labelled (i), (ii) by the agenda: the page does not number them again ("1. (i)")."""
    motion = make_motion(conf, number=7, text="That conference asks for:", parts=["a cap", "a floor"])
    decide(motion, chair, {"for": 3})
    page = client.get(reverse("motion-result", args=[conf.slug, 7])).content.decode()
    article = page[page.index('<article id="motion"') : page.index("</article>")]
    assert "<ol" not in article  # an ordered list would print 1. (i), 2. (ii)
    assert '<ul class="plain parts" data-testid="parts">' in article
    assert article.count("(i) a cap") == 1 and article.count("(ii) a floor") == 1


def test_parts_voted_after_a_rider_are_not_as_amended_and_their_counts_are_in_the_resolutions(conf, chair, client):
    """A rider adds to the whole: parts put afterwards are as tabled (no "as amended", no
    "As tabled" note for the opening words), and the parts' own votes, with their counts,
    are in the resolutions PDF; the CSV's rider row is a carried rider."""
    from pypdf import PdfReader

    from desk.documents import conference_resolutions_pdf

    motion = _rider_on_a_motion_in_parts(conf, chair)
    parts = list(motion.parts.all())
    poll = put.put_motion(motion, None, chair, parts=parts)
    assert poll.question.startswith("Motion 6, parts (i) and (ii) together: ")
    for choice in ("for", "for", "against"):
        assert actions.cast_vote(make_rep(conf), poll.pk, choice, uuid.uuid4()).ok
    closing.close_poll(poll.pk, chair)
    results.publish_result(poll, chair)
    m = _find(_json(client, conf), 6)
    assert m["amended"] and not m["stem_amended"]  # the whole has its rider; the opening words are as tabled
    page = client.get(reverse("motion-result", args=[conf.slug, 6])).content.decode()
    assert "As tabled" not in page and "[as amended]" not in page
    text = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(conference_resolutions_pdf(conf))).pages
    )
    assert "Parts (i), (ii): For 2 (66.7%), Against 1 (33.3%): carried" in text, text
    assert "As tabled" not in text
    rows = _csv(client, reverse("resolutions-download", args=[conf.slug, "csv"]))
    rider = next(r for r in rows if r["motion"] == "6" and r["part"] == "rider")
    assert (rider["outcome"], rider["status"]) == ("carried", "Rider carried")
    assert next(r for r in rows if r["motion"] == "6" and r["part"] == "")["as_amended"] == "no"


def test_an_emergency_motion_is_e1_on_its_page_and_in_the_results_list_and_a_procedural_vote_is_on_the_record(
    conf, chair, client
):
    make_motion(conf, number=1, title="The ordinary motion 1")
    emergency = procedure.admit_emergency(conf.pk, "Floods", "That conference acts on floods.", chair)
    call_motion(conf, emergency, chair)
    decide(emergency, chair, {"for": 3})
    listing = client.get(reverse("results", args=[conf.slug])).content.decode()
    link = reverse("emergency-motion-result", args=[conf.slug, 1])
    assert f'href="{link}">Motion E1</a>' in listing
    page = client.get(link).content.decode()
    assert "<h1>Motion E1: Floods</h1>" in page and "<title>Motion E1 ·" in page
    referred = make_motion(conf, number=9, title="To be referred")
    call_motion(conf, referred, chair)
    poll = put.put_procedural(referred, "refer", chair)
    for choice in ("for", "for"):
        assert actions.cast_vote(make_rep(conf), poll.pk, choice, uuid.uuid4()).ok
    closing.close_poll(poll.pk, chair)
    results.publish_result(poll, chair)
    record = client.get(reverse("motion-result", args=[conf.slug, 9])).content.decode()
    record = record[record.index('data-testid="record"') : record.index("</ul>", record.index('data-testid="record"'))]
    assert "That the motion be referred: For 2 (100%), Against 0 (0%): carried" in record


def test_the_resolutions_contents_give_each_sections_page(conf, chair):
    from pypdf import PdfReader

    from desk.documents import conference_resolutions_pdf

    first, second = make_section(conf, title="Long section", order=0), make_section(conf, title="Later", order=1)
    long_text = "That conference " + "calls for a great many careful things, " * 30 + "now."
    for n in range(1, 9):
        motion = make_motion(conf, number=n, section=first, order=n, text=long_text)
        Motion = type(motion)
        Motion.objects.filter(pk=motion.pk).update(outcome=Outcome.CARRIED, status=Motion.Status.DECIDED)
    later = make_motion(conf, number=20, section=second, text="That conference ends well.")
    type(later).objects.filter(pk=later.pk).update(outcome=Outcome.CARRIED, status=type(later).Status.DECIDED)
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(conference_resolutions_pdf(conf))).pages]
    where = next(i for i, text in enumerate(pages, start=1) if "2. Later 20. That conference ends well." in text)
    assert where > 1
    assert f"1. Long section (8), page 1 2. Later (1), page {where}" in pages[0]


def test_each_published_vote_on_the_motion_page_says_its_outcome_in_words(conf, chair, client):
    """The page's card for each vote reads as the record does, never the outcome's key
    ("Outcome: tie" for a tie the chair's casting vote carried)."""
    _tie(conf, chair, make_motion(conf, number=9), True)
    page = client.get(reverse("motion-result", args=[conf.slug, 9])).content.decode()
    cards = page[page.index('data-testid="poll-summary"') :]
    card = cards[: cards.index("</p>")]
    assert "For 1, Against 1: carried on the chair&#x27;s casting vote" in card
    assert "Outcome:" not in page
