"""Existing policy a new motion most likely restates or contradicts, for the agenda committee.

Two steps, the same on both databases: the search backend picks candidates that share
any of the motion's rarest words in the book (an OR of them, best first: a word in half
the book says nothing and would make every entry a candidate), then they are ranked by
the cosine of TF-IDF vectors of word stems, title words counting double.
"Restore seniority pay" and "seniority payments be restored" share the stems senior,
pay and restor, and so come out close although the wording differs.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from conference.models import Conference

from .models import PolicyEntry
from .query import Atom, ParsedQuery
from .search import PostgresBackend, SQLiteBackend, backend

CANDIDATES = 100
MAX_WORDS = 40  # of the motion, looked up
RARE_WORDS = 12  # of those, the fewest entries have: the candidates' query
COMMON = 2000  # a word in this many entries is not looked for
MIN_SCORE = 0.08

# English function words and the set phrases every motion uses ("That conference calls
# upon GPC England to..."): they say nothing about what a motion is about.
STOP_WORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each either few for from further had has have
    having he her here hers him his how i if in into is it its itself just more most no nor not now of off on
    once only or other our ours out over own same she should so some such than that the their theirs them then
    there these they this those through to too under until up upon very was we were what when where which while
    who whom why will with within without would you your
    conference conferences motion motions calls call demands demand believes believe insists insist notes note
    asks ask urges urge instructs instruct mandates mandate requests request resolves resolve reaffirms reaffirm
    recognises recognise condemns condemn welcomes welcome supports support agrees agree considers consider
    gpc gpcs bma lmc lmcs england uk must ensure including
    """.split()
)
SUFFIXES = (
    "ational", "ations", "ation", "ments", "ment", "ities", "ity", "ings", "ing", "ness", "ies", "ied", "ers",
    "ed", "er", "es", "ly", "s", "e",
)  # fmt: skip


def stem(word: str) -> str:
    """A light English stemmer: enough to bring "restored", "restoration" and "restore" together."""
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def words(text: str) -> list[str]:
    return [w for w in re.findall(r"[^\W\d_]+|\d+", text.lower()) if w not in STOP_WORDS and len(w) > 1]


def stems(title: str, text: str) -> Counter[str]:
    counted = Counter(stem(w) for w in words(text))
    for w in words(title):
        counted[stem(w)] += 2
    return counted


def _vector(counts: Counter[str], idf: dict[str, float]) -> dict[str, float]:
    return {term: (1 + math.log(n)) * idf.get(term, 0.0) for term, n in counts.items()}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    dot = sum(weight * b.get(term, 0.0) for term, weight in a.items())
    norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return dot / norm if norm else 0.0


@dataclass
class SimilarEntry:
    entry: PolicyEntry
    score: float  # 0 to 1: the cosine of the two wordings


def _rare_words(engine: PostgresBackend | SQLiteBackend, title: str, text: str) -> list[str]:
    distinct = list(dict.fromkeys(words(f"{title} {text}")))[:MAX_WORDS]
    counts = engine.document_counts(distinct, COMMON) if distinct else {}
    found = [w for w in distinct if 0 < counts.get(w, 0) < COMMON]
    return sorted(found, key=lambda w: counts[w])[:RARE_WORDS]


def _candidates(title: str, text: str, exclude_conference: Conference | None) -> list[PolicyEntry]:
    engine = backend()
    rare = _rare_words(engine, title, text)
    if not rare:
        return []
    query = ParsedQuery(groups=(tuple(Atom(w) for w in rare),))
    entries = PolicyEntry.objects.all()
    if exclude_conference is not None:
        entries = entries.exclude(conference=exclude_conference)
    _total, ranked = engine.ranked(entries, query, 0, CANDIDATES)
    found = PolicyEntry.objects.select_related("body", "superseded_by", "reaffirmed_by").in_bulk(
        [pk for pk, _ in ranked]
    )
    return [found[pk] for pk, _ in ranked]


def similar_policy(
    text: str, title: str = "", exclude_conference: Conference | None = None, limit: int = 5
) -> list[SimilarEntry]:
    """The entries most like a motion's wording, most alike first (any status: the page says which)."""
    candidates = _candidates(title, text, exclude_conference)
    if not candidates:
        return []
    motion = stems(title, text)
    documents = [stems(e.title, e.wording) for e in candidates]
    # Document frequencies over the candidates and the motion: enough to weigh down the
    # words every GP motion shares (practice, funding, GP) against the ones that say what it is about.
    frequency: Counter[str] = Counter(term for d in [motion, *documents] for term in d)
    total = len(documents) + 1
    idf = {term: math.log((1 + total) / (1 + n)) + 1 for term, n in frequency.items()}
    target = _vector(motion, idf)
    scored = [SimilarEntry(e, cosine(target, _vector(d, idf))) for e, d in zip(candidates, documents, strict=True)]
    scored = [s for s in scored if s.score >= MIN_SCORE]
    scored.sort(key=lambda s: (-s.score, s.entry.reference))
    return scored[:limit]
