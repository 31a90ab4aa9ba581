"""The websocket commands of the agenda, the motion procedure and the debate.

Mixed into voting.consumers.HallConsumer: each handler parses, checks access, calls one
action and answers "ok" (or the action's refusal becomes an error with the same ref).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from channels.db import database_sync_to_async
from django.db import models

from conference import errors
from conference.errors import Refused, whole_number
from conference.models import LMC, Conference, Representative
from motions import agenda, debate, procedure
from motions.models import Amendment, Motion, MotionPart, Section, SpeakRequest

from . import put
from .models import Poll

Handler = Callable[[dict[str, Any]], Awaitable[None]]
MAX_TEXT = 4000

STAFF_COMMANDS = (
    "next",
    "skip",
    "back",
    "reorder",
    "amend",
    "put_amendment",
    "procedural",
    "declare",
    "correct",
    "fall_group",
    "block",
    "restore_block",
    "speech",
    "end_speech",
    "open_chosen",
    "apply_chosen",
    "admit_emergency",
)
REP_COMMANDS = ("speak", "unspeak", "debate_request")


def _text(message: dict[str, Any], name: str, *, optional: bool = False) -> str:
    value = message.get(name, "" if optional else None)
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise Refused(errors.MALFORMED, f'"{name}" must be text of at most {MAX_TEXT} characters.')
    return value


M = TypeVar("M", bound=models.Model)


def _get(model: type[M], pk: int, what: str, **lookup: Any) -> M:
    found = model._default_manager.filter(pk=pk, **lookup).first()
    if found is None:
        raise Refused(errors.MALFORMED, f"There is no such {what} at this conference.")
    return found


class ProcedureCommands:
    conference: Conference
    representative: Representative | None

    async def _ok(self, message: dict[str, Any], **extra: Any) -> None:  # provided by HallConsumer
        raise NotImplementedError

    def procedure_handlers(self, staff: bool) -> dict[str, Handler]:
        forbidden = self.on_forbidden  # type: ignore[attr-defined]
        if staff:
            handlers = {name: self._staff(name) for name in STAFF_COMMANDS}
            return handlers | {name: self._not_for_staff for name in REP_COMMANDS}
        return {name: forbidden for name in STAFF_COMMANDS} | {name: self._rep(name) for name in REP_COMMANDS}

    async def _not_for_staff(self, message: dict[str, Any]) -> None:
        raise Refused(errors.NOT_ELIGIBLE, "Only representatives do that.")

    def _staff(self, name: str) -> Handler:
        return self._run(getattr(self, f"_do_{name}"))

    def _rep(self, name: str) -> Handler:
        return self._run(getattr(self, f"_do_{name}"))

    def _run(self, action: Callable[[dict[str, Any]], dict[str, Any] | None]) -> Handler:
        async def handler(message: dict[str, Any]) -> None:
            extra = await database_sync_to_async(action)(message)
            await self._ok(message, **(extra or {}))

        return handler

    # --- lookups, in this conference only ------------------------------------------------

    def _motion(self, message: dict[str, Any]) -> Motion:
        return _get(Motion, whole_number(message, "motion"), "motion", conference=self.conference)

    def _section(self, message: dict[str, Any]) -> Section:
        return _get(Section, whole_number(message, "section"), "section", conference=self.conference)

    def _ids(self, message: dict[str, Any], name: str) -> list[int] | None:
        value = message.get(name)
        if value is None:
            return None
        if not isinstance(value, list) or len(value) > 200:
            raise Refused(errors.MALFORMED, f'"{name}" must be a list of ids.')
        return [whole_number({name: v}, name) for v in value]

    # --- the chosen-motions ballot -----------------------------------------------------------

    def _do_open_chosen(self, message: dict[str, Any]) -> dict[str, Any]:
        max_choices = whole_number(message, "max_choices")
        poll = put.open_chosen_ballot(
            self.conference,
            self.representative,
            max_choices=max_choices or 1,
            motion_ids=self._ids(message, "motions"),
            countdown_seconds=whole_number(message, "countdown", optional=True),
        )
        return {"poll_id": poll.pk}

    def _do_apply_chosen(self, message: dict[str, Any]) -> dict[str, Any]:
        poll = _get(Poll, whole_number(message, "poll"), "ballot", conference=self.conference, kind=Poll.Kind.PICK)
        motions = put.apply_chosen(
            poll, whole_number(message, "places") or 1, self.representative, settle=self._ids(message, "settle") or []
        )
        return {"chosen": [m.pk for m in motions]}

    # --- the agenda -------------------------------------------------------------------------

    def _do_next(self, message: dict[str, Any]) -> dict[str, Any]:
        motion = agenda.call_next(self.conference, self.representative)
        return {"motion": motion.pk if motion else None}

    def _do_skip(self, message: dict[str, Any]) -> dict[str, Any]:
        motion = agenda.skip(self.conference, self.representative)
        return {"motion": motion.pk if motion else None}

    def _do_back(self, message: dict[str, Any]) -> dict[str, Any]:
        return {"motion": agenda.go_back(self.conference, self.representative).pk}

    def _do_reorder(self, message: dict[str, Any]) -> None:
        order = message.get("order")
        if not isinstance(order, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in order):
            raise Refused(errors.MALFORMED, '"order" must be a list of motion ids.')
        agenda.reorder(self._section(message), order, self.representative)

    def _do_block(self, message: dict[str, Any]) -> dict[str, Any]:
        poll = put.open_block_vote(
            self._section(message), self.representative, whole_number(message, "countdown", optional=True)
        )
        return {"poll_id": poll.pk}

    def _do_restore_block(self, message: dict[str, Any]) -> None:
        procedure.restore_to_block(self._motion(message), self.representative)

    # --- the motion procedure ----------------------------------------------------------------

    def _do_amend(self, message: dict[str, Any]) -> dict[str, Any]:
        lmc_id = whole_number(message, "lmc", optional=True)
        lmc = _get(LMC, lmc_id, "LMC", conference=self.conference) if lmc_id else None
        motion = self._motion(message)
        part_id = whole_number(message, "part", optional=True)  # "amend part (ii)"
        part = _get(MotionPart, part_id, "part of that motion", motion=motion) if part_id else None
        amendment = procedure.propose_amendment(
            motion,
            _text(message, "kind"),
            _text(message, "text"),
            self.representative,
            new_wording=_text(message, "new_wording", optional=True),
            proposer=lmc,
            part=part,
        )
        return {"amendment_id": amendment.pk}

    def _do_put_amendment(self, message: dict[str, Any]) -> dict[str, Any]:
        amendment = _get(Amendment, whole_number(message, "amendment"), "amendment", motion__conference=self.conference)
        countdown = whole_number(message, "countdown", optional=True)
        poll = put.put_amendment(amendment, self.representative, countdown)
        return {"poll_id": poll.pk}

    def _do_procedural(self, message: dict[str, Any]) -> dict[str, Any]:
        mover_id = whole_number(message, "moved_by", optional=True)
        mover = _get(Representative, mover_id, "representative", conference=self.conference) if mover_id else None
        poll = put.put_procedural(
            self._motion(message),
            _text(message, "kind"),
            self.representative,
            moved_by=mover,
            countdown=whole_number(message, "countdown", optional=True),
            subject=_text(message, "subject", optional=True),  # the ruling challenged, the order suspended
        )
        return {"poll_id": poll.pk}

    def _do_declare(self, message: dict[str, Any]) -> None:
        put.declare_outcome(self._motion(message), _text(message, "outcome"), self.representative)

    def _do_correct(self, message: dict[str, Any]) -> None:
        procedure.correct_outcome(
            self._motion(message), _text(message, "outcome"), self.representative, _text(message, "reason")
        )

    def _do_fall_group(self, message: dict[str, Any]) -> dict[str, Any]:
        fallen = procedure.fall_group(self._motion(message), self.representative)
        return {"fallen": [m.pk for m in fallen]}

    # --- the debate ---------------------------------------------------------------------------

    def _do_speech(self, message: dict[str, Any]) -> dict[str, Any]:
        request_id = whole_number(message, "request", optional=True)
        speaker_id = whole_number(message, "speaker", optional=True)
        request = _get(SpeakRequest, request_id, "request", motion__conference=self.conference) if request_id else None
        speaker = _get(Representative, speaker_id, "representative", conference=self.conference) if speaker_id else None
        role = message.get("role", SpeakRequest.Role.SPEAKER)
        if not isinstance(role, str):
            raise Refused(errors.MALFORMED, '"role" is proposer, speaker or reply.')
        speech = debate.start_speech(self.conference, self.representative, role=role, request=request, speaker=speaker)
        return {"speech_id": speech.pk}

    def _do_end_speech(self, message: dict[str, Any]) -> dict[str, Any]:
        poll = put.end_speech(self.conference, self.representative)  # a reply after the closure: the vote opens
        return {"poll_id": poll.pk if poll else None}

    def _do_admit_emergency(self, message: dict[str, Any]) -> dict[str, Any]:
        lmc_id = whole_number(message, "lmc", optional=True)
        lmc = _get(LMC, lmc_id, "LMC", conference=self.conference) if lmc_id else None
        parts = message.get("parts", [])
        if (
            not isinstance(parts, list)
            or len(parts) > 10
            or not all(isinstance(p, str) and len(p) < MAX_TEXT for p in parts)
        ):
            raise Refused(errors.MALFORMED, '"parts" must be a list of at most ten texts.')
        motion = procedure.admit_emergency(
            self.conference.pk, _text(message, "title"), _text(message, "text"), self.representative,
            proposer=lmc, parts=parts,
        )  # fmt: skip
        return {"motion": motion.pk, "reference": motion.reference}

    # --- representatives -----------------------------------------------------------------------

    def _do_speak(self, message: dict[str, Any]) -> dict[str, Any]:
        assert self.representative is not None
        request = debate.ask_to_speak(self.representative, _text(message, "side"))
        return {"request_id": request.pk}

    def _do_unspeak(self, message: dict[str, Any]) -> None:
        assert self.representative is not None
        debate.withdraw_request(self.representative)

    def _do_debate_request(self, message: dict[str, Any]) -> None:
        assert self.representative is not None
        put.request_debate(self._motion(message), self.representative)
