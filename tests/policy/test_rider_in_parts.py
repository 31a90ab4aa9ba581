"""A rider on a motion in parts: each carried part's policy entry reads the opening words,
the part, then the rider added to the whole (the record's ``stem`` and ``riders``), not the
rider between the opening words and the part."""

from __future__ import annotations

import datetime

from policy.records import Where, rows_of_motion

WHERE = Where(body_code="ENG", conference_name="LMC Conference 2027", year=2027, date=datetime.date(2027, 5, 1))


def test_a_carried_parts_entry_has_the_rider_after_the_part():
    motion = {
        "number": 1,
        "title": "Funding",
        "outcome": "carried_in_part",
        "text": "That conference demands:\nIt calls for funding.",
        "stem": "That conference demands:",
        "riders": ["It calls for funding."],
        "tabled_text": "That conference demands:",
        "parts": [
            {"label": "i", "text": "safe limits", "tabled_text": "safe limits", "outcome": "carried"},
            {"label": "ii", "text": "a review", "tabled_text": "a review", "outcome": "lost"},
        ],
    }
    rows = rows_of_motion(motion, WHERE)
    assert [(r.part, r.wording) for r in rows] == [
        ("i", "That conference demands:\n(i) safe limits\nIt calls for funding.")
    ]
