"""The debate: the speaker queue, the chair's pick, the speech timer."""

from __future__ import annotations

import pytest

from conference.errors import Refused
from motions import debate
from motions.agenda import call_motion
from motions.models import SpeakRequest
from motions.payloads import speakers_payload
from tests.factories import make_motion, set_standing_orders

pytestmark = pytest.mark.django_db


@pytest.fixture
def motion(conf, chair):
    motion = make_motion(conf)
    call_motion(conf, motion, chair)
    return motion


def test_the_queue_is_in_order_asked_with_points_of_order_first(conf, motion, reps):
    debate.ask_to_speak(reps[0], "against")
    debate.ask_to_speak(reps[1], "for")
    debate.ask_to_speak(reps[2], "point_of_order")
    queue = speakers_payload(motion)
    assert [q["representative_id"] for q in queue] == [reps[2].pk, reps[0].pk, reps[1].pk]
    assert queue[1]["lmc"] == reps[0].lmc.name and queue[1]["side"] == "against"


def test_asking_twice_changes_the_side_not_the_place(conf, motion, reps):
    first = debate.ask_to_speak(reps[0], "for")
    debate.ask_to_speak(reps[1], "for")
    assert debate.ask_to_speak(reps[0], "against").pk == first.pk
    assert [q["side"] for q in speakers_payload(motion)] == ["against", "for"]


def test_the_chair_picks_any_speaker_and_the_timer_follows_the_standing_orders(conf, chair, motion, reps):
    set_standing_orders(conf, speaker_seconds=90, proposer_seconds=240)
    debate.ask_to_speak(reps[0], "for")
    second = debate.ask_to_speak(reps[1], "for")
    speech = debate.start_speech(conf, chair, request=second)  # no forced order or alternation
    assert speech.status == SpeakRequest.Status.SPEAKING and speech.seconds == 90
    proposer = debate.start_speech(conf, chair, role="proposer", speaker=reps[3])
    assert proposer.seconds == 240
    assert SpeakRequest.objects.get(pk=second.pk).status == SpeakRequest.Status.DONE


def test_the_queue_says_who_has_spoken_today(conf, chair, motion, reps):
    debate.start_speech(conf, chair, request=debate.ask_to_speak(reps[0], "for"))
    debate.end_speech(conf, chair)
    other = make_motion(conf)
    call_motion(conf, other, chair)
    debate.ask_to_speak(reps[0], "against")
    debate.ask_to_speak(reps[1], "for")
    assert [q["spoken_today"] for q in speakers_payload(other)] == [True, False]


def test_nobody_asks_to_speak_when_no_motion_is_under_debate(conf, reps):
    with pytest.raises(Refused):
        debate.ask_to_speak(reps[0], "for")
