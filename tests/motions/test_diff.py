"""What an amendment changes: a word diff computed on the server, and the amendment described
from the wording the chair edited, so nobody retypes the whole motion."""

from __future__ import annotations

import pytest

from conference.errors import Refused
from motions import procedure
from motions.diff import describe, word_diff
from motions.payloads import load_motion, motion_payload
from tests.factories import make_motion
from tests.motions.conftest import vote_and_publish
from voting import put
from voting.snapshot import poll_payload

BEFORE = "That conference calls for the registration clause to be abolished."
AFTER = "That conference calls for the registration clause to be abolished within two years."


def test_a_word_diff_marks_what_is_inserted_and_deleted_and_gives_both_texts_back():
    pieces = word_diff("Abolish all fees now.", "Reduce the fees now, and ever.")
    assert pieces == [("-", "Abolish all "), ("+", "Reduce the "), ("=", "fees now"), ("+", ", and ever"), ("=", ".")]
    assert "".join(t for op, t in pieces if op != "+") == "Abolish all fees now."
    assert "".join(t for op, t in pieces if op != "-") == "Reduce the fees now, and ever."


def test_a_word_deleted_before_the_full_stop_takes_its_space_with_it():
    before, after = "That conference demands funding now.", "That conference demands funding."
    pieces = word_diff(before, after)
    assert pieces == [("=", "That conference demands funding"), ("-", " now"), ("=", ".")]
    assert "".join(t for op, t in pieces if op != "+") == before
    assert "".join(t for op, t in pieces if op != "-") == after
    assert describe(before, after) == "Delete “now”"


def test_the_change_is_described_in_the_conferences_words():
    assert describe(BEFORE, AFTER) == "Insert “within two years” after “abolished”"
    assert describe("Abolish all fees now.", "Abolish fees now.") == "Delete “all”"
    assert describe("Abolish all fees now.", "Reduce all fees now.") == "Replace “Abolish” with “Reduce”"


@pytest.mark.django_db
def test_an_amendment_moved_by_editing_the_wording_is_described_and_diffed(conf, chair):
    motion = make_motion(conf, text=BEFORE)
    amendment = procedure.propose_amendment(motion, "amendment", "", chair, new_wording=AFTER)
    assert amendment.text == "Insert “within two years” after “abolished”"
    (moved,) = motion_payload(load_motion(motion.pk))["amendments"]
    assert moved["wording_if_carried"] == AFTER
    assert ["+", "within two years"] in [list(p) for p in moved["diff"]]


@pytest.mark.django_db
def test_an_unchanged_wording_is_refused_and_nothing_is_kept(conf, chair):
    motion = make_motion(conf, text=BEFORE)
    with pytest.raises(Refused):
        procedure.propose_amendment(motion, "amendment", "", chair, new_wording=" " + BEFORE)
    assert not motion.amendments.exists()


@pytest.mark.django_db
def test_the_vote_after_a_carried_amendment_is_as_amended_and_carries_that_wording(conf, chair, reps):
    motion = make_motion(conf, text=BEFORE, title="Registration")
    amendment = procedure.propose_amendment(motion, "amendment", "", chair, new_wording=AFTER)
    poll = put.put_amendment(amendment, chair)
    words = poll_payload(poll)["under_vote"]
    assert words["kind"] == "amendment" and words["wording_if_carried"] == AFTER
    assert ["+", "within two years"] in [list(p) for p in words["diff"]]
    vote_and_publish(poll, chair, reps, 4, 1)
    motion.refresh_from_db()
    final = put.create_motion_poll(motion)
    assert final.question == f"Motion {motion.number} as amended: Registration"
    words = poll_payload(final)["under_vote"]
    assert (words["kind"], words["as_amended"], words["text"]) == ("motion", True, AFTER)


@pytest.mark.django_db
def test_a_part_under_vote_carries_its_own_words_and_its_place_in_the_motion(conf, chair):
    motion = make_motion(conf, text="That conference:", parts=["demands funding", "rejects cuts"])
    words = poll_payload(put.create_motion_poll(motion, motion.parts.get(label="ii")))["under_vote"]
    assert words["kind"] == "part" and words["parts_under_vote"] == ["ii"] and words["text"] == "(ii) rejects cuts"
    assert words["stem"] == "That conference:"
    assert [p["label"] for p in words["motion_parts"]] == ["i", "ii"]


@pytest.mark.django_db
def test_a_second_amendment_is_diffed_against_the_wording_the_first_carried(conf, chair, reps):
    motion = make_motion(conf, text=BEFORE)
    first = procedure.propose_amendment(motion, "amendment", "", chair, new_wording=AFTER)
    vote_and_publish(put.put_amendment(first, chair), chair, reps, 4, 1)
    second = procedure.propose_amendment(motion, "amendment", "", chair, new_wording=AFTER.replace("two", "three"))
    diffs = {a["id"]: a["diff"] for a in motion_payload(load_motion(motion.pk))["amendments"]}
    assert [list(p) for p in diffs[second.pk] if p[0] != "="] == [["-", "two "], ["+", "three "]]
    assert ["+", "within two years"] in [list(p) for p in diffs[first.pk]]
