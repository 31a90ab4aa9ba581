"""Receipts: the shape the phone and the published list show, drawn from the whole space."""

from __future__ import annotations

import re
from collections import Counter

from voting.models import RECEIPT_ALPHABET, RECEIPT_LENGTH, new_receipt


def test_a_receipt_is_two_groups_of_four_from_the_alphabet():
    pattern = re.compile(f"^[{RECEIPT_ALPHABET}]{{4}}-[{RECEIPT_ALPHABET}]{{4}}$")
    assert all(pattern.match(new_receipt()) for _ in range(2000))


def test_every_character_turns_up_in_every_position():
    # One draw per receipt written out in base 31: a mistake in the digits (a position that
    # never varies, a character that never appears, the last digit always small) shows here.
    receipts = [new_receipt().replace("-", "") for _ in range(6000)]
    assert len(set(receipts)) == len(receipts)
    for position in range(RECEIPT_LENGTH):
        seen = Counter(r[position] for r in receipts)
        assert set(seen) == set(RECEIPT_ALPHABET)
        # 6000 draws over 31 characters: about 194 each; far outside that is not uniform.
        assert min(seen.values()) > 110 and max(seen.values()) < 290
