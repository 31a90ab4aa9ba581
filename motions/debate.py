"""The debate: requests to speak from the phones, the speaker the chair picks, the speech timer."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from conference import errors
from conference.actions import audit
from conference.errors import Refused
from conference.events import publish
from conference.models import Conference, Representative

from . import events as motion_events
from .models import Motion, SpeakRequest, StandingOrders
from .payloads import current_speech, speaker_places, speakers_payload, speech_payload


def send_queue(conference_id: int, motion: Motion | None) -> None:
    # Staff only: no seq, or everyone else would see a gap.
    publish(conference_id, motion_events.SPEAKERS, {"queue": speakers_payload(motion)}, "staff", sequenced=False)
    # The phones get the queue's order without names: each finds its own request's place.
    motion_id = motion.pk if motion else None
    places = {"motion_id": motion_id, "requests": speaker_places(motion_id)}
    publish(conference_id, motion_events.SPEAKER_PLACES, places, "reps", sequenced=False)


def _send_speech(conference_id: int, request: SpeakRequest | None) -> None:
    publish(conference_id, motion_events.SPEECH, {"speech": speech_payload(request)})


def _motion_on_floor(conference_id: int) -> Motion:
    conference = Conference.objects.select_related("current_motion").get(pk=conference_id)
    if conference.current_motion is None or conference.current_motion.outcome:
        raise Refused(errors.INVALID_STATE, "No motion is under debate.")
    return conference.current_motion


def ask_to_speak(representative: Representative, side: str) -> SpeakRequest:
    if side not in SpeakRequest.Side.values:
        raise Refused(errors.MALFORMED, "Ask to speak for, against, or on a point of order.")
    if representative.role != Representative.Role.REPRESENTATIVE or not representative.is_active:
        raise Refused(errors.NOT_ELIGIBLE, "Only representatives ask to speak.")
    with transaction.atomic():
        motion = _motion_on_floor(representative.conference_id)
        request, created = SpeakRequest.objects.get_or_create(
            motion=motion,
            representative=representative,
            status=SpeakRequest.Status.WAITING,
            defaults={"side": side},
        )
        if not created and request.side != side:
            request.side = side
            request.save(update_fields=["side"])
        audit(representative.conference_id, representative, "speaker.requested", motion, motion_id=motion.pk, side=side)
        send_queue(representative.conference_id, motion)
    return request


def withdraw_request(representative: Representative) -> None:
    with transaction.atomic():
        motion = _motion_on_floor(representative.conference_id)
        SpeakRequest.objects.filter(
            motion=motion, representative=representative, status=SpeakRequest.Status.WAITING
        ).update(status=SpeakRequest.Status.WITHDRAWN)
        send_queue(representative.conference_id, motion)


def _end_current(conference: Conference, now) -> SpeakRequest | None:
    speaking = current_speech(conference)
    if speaking is not None:
        speaking.status, speaking.ended_at = SpeakRequest.Status.DONE, now
        speaking.save(update_fields=["status", "ended_at"])
    return speaking


def start_speech(
    conference: Conference,
    by: Representative | None,
    *,
    role: str = SpeakRequest.Role.SPEAKER,
    request: SpeakRequest | None = None,
    speaker: Representative | None = None,
) -> SpeakRequest:
    """The chair gives the floor: to a request from the queue (any order) or, for the
    proposer or the right of reply, to a named representative. The timer starts."""
    if role not in SpeakRequest.Role.values:
        raise Refused(errors.MALFORMED, "A proposer, a speaker or the right of reply.")
    with transaction.atomic():
        motion = _motion_on_floor(conference.pk)
        now = timezone.now()
        if request is not None:
            request = SpeakRequest.objects.select_for_update().get(pk=request.pk)
            if request.motion_id != motion.pk or request.status != SpeakRequest.Status.WAITING:
                raise Refused(errors.INVALID_STATE, "That request is not waiting in this debate's queue.")
        elif speaker is not None and speaker.conference_id == conference.pk:
            request = SpeakRequest(motion=motion, representative=speaker)
        else:
            raise Refused(errors.MALFORMED, "Pick a request from the queue, or name the speaker.")
        _end_current(conference, now)
        request.role, request.status = role, SpeakRequest.Status.SPEAKING
        request.started_at, request.seconds = now, StandingOrders.of(conference).speech_seconds(role)
        request.save()
        audit(
            conference,
            by,
            "speech.started",
            request.representative,
            motion_id=motion.pk,
            role=role,
            seconds=request.seconds,
        )
        _send_speech(conference.pk, SpeakRequest.objects.select_related("representative__lmc").get(pk=request.pk))
        send_queue(conference.pk, motion)
    return request


def end_speech(conference: Conference, by: Representative | None) -> SpeakRequest:
    with transaction.atomic():
        ended = _end_current(conference, timezone.now())
        if ended is None:
            raise Refused(errors.INVALID_STATE, "Nobody is speaking.")
        audit(conference, by, "speech.ended", ended.representative, motion_id=ended.motion_id)
        _send_speech(conference.pk, None)
    return ended


def end_speech_if_any(conference: Conference) -> None:
    if _end_current(conference, timezone.now()) is not None:
        _send_speech(conference.pk, None)


def close_debate(motion: Motion, by: Representative | None) -> None:
    """Inside a procedural motion's effect: the speech ends and the queue is closed."""
    end_speech_if_any(Conference(pk=motion.conference_id))
    SpeakRequest.objects.filter(motion=motion, status=SpeakRequest.Status.WAITING).update(
        status=SpeakRequest.Status.WITHDRAWN
    )
    send_queue(motion.conference_id, motion)
