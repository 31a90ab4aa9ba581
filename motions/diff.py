"""What an amendment changes: a word diff of a motion's wording, computed once on the server.

The clients mark it up (``<ins>`` / ``<del>``) but never compute it, so the console, the
phones, the projector and the public page show the same change.
"""

from __future__ import annotations

import difflib
import re

from .models import Motion, Outcome
from .wording import amended

SAME, INSERTED, DELETED = "=", "+", "-"
# A word (or a run of punctuation) with the space that follows it, so joining the pieces
# gives the text back and a full stop is not part of the word before it.
_WORDS = re.compile(r"[\w'’-]+\s*|[^\w\s]+\s*|\s+")

Piece = tuple[str, str]


def words(text: str) -> list[str]:
    return _WORDS.findall(text)


def word_diff(before: str, after: str) -> list[Piece]:
    """The pieces (op, text) that turn ``before`` into ``after``, compared word by word.

    Runs of the same op are joined, so a replaced phrase is one deletion then one insertion.
    """
    old, new = words(before), words(after)
    matcher = difflib.SequenceMatcher(a=[w.strip() for w in old], b=[w.strip() for w in new], autojunk=False)
    pieces: list[Piece] = []

    def add(op: str, text: str) -> None:
        if not text:
            return
        if pieces and pieces[-1][0] == op:
            pieces[-1] = (op, pieces[-1][1] + text)
        else:
            pieces.append((op, text))

    opcodes = matcher.get_opcodes()
    for at, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        deletion_next = at + 1 < len(opcodes) and opcodes[at + 1][0] == "delete"
        if tag == "equal" and deletion_next:
            # The same words, but maybe not the same space after them: "funding " before a
            # deleted "now" is "funding" before the full stop after. The space goes with the
            # deletion, or the page would read "fundingnow" struck through.
            o, n = old[i2 - 1], new[j2 - 1]
            add(SAME, "".join(new[j1 : j2 - 1]))
            word = o.rstrip()
            if n == word and o != word:
                add(SAME, word)
                add(DELETED, o[len(word) :])
            else:
                add(SAME, n)
            continue
        if tag == "equal":
            add(SAME, "".join(new[j1:j2]))
            continue
        add(DELETED, "".join(old[i1:i2]))
        add(INSERTED, "".join(new[j1:j2]))
    return pieces


def _quote(text: str) -> str:
    return "“" + " ".join(text.split()) + "”"


def describe(before: str, after: str) -> str:
    """The amendment as moved, in the conference's words, from the two wordings:
    'Insert “within two years” after “abolished”; delete “all”'."""
    steps: list[str] = []
    pieces = word_diff(before, after)
    for i, (op, text) in enumerate(pieces):
        previous = pieces[i - 1] if i else None
        if op != SAME and not text.strip():
            continue  # only the space after a word changed: not a change to describe
        if op == INSERTED and previous and previous[0] == DELETED and steps:
            steps[-1] = f"Replace {_quote(previous[1])} with {_quote(text)}"
        elif op == INSERTED:
            anchor = words(previous[1])[-1] if previous else ""
            where = f"after {_quote(anchor)}" if anchor else "at the start"
            steps.append(f"Insert {_quote(text)} {where}")
        elif op == DELETED:
            steps.append(f"Delete {_quote(text)}")
    return "; ".join(steps)


def amendment_diffs(motion: Motion) -> dict[int, list[Piece]]:
    """Each amendment's and rider's change to the wording it was moved against: the motion's
    (or its part's) wording replayed in order, as ``wording.apply_amendments`` does, so an
    amendment carried earlier changes what the next one amends."""
    motion_text, part_texts = motion.text, {p.pk: p.text for p in motion.parts.all()}
    changes: dict[int, list[Piece]] = {}
    for amendment in motion.amendments.order_by("order", "pk"):
        on_part = amendment.part_id is not None and amendment.part_id in part_texts
        before = part_texts[amendment.part_id] if on_part else motion_text  # type: ignore[index]
        after = amended(before, amendment)
        changes[amendment.pk] = word_diff(before, after)
        if amendment.outcome == Outcome.CARRIED:
            if on_part:
                part_texts[amendment.part_id] = after  # type: ignore[index]
            else:
                motion_text = after
    return changes
