"""Search that forgives: misspelt query words replaced by close terms of the search index.

The terms are the words of the published search documents (already normalised by core.dutch),
kept in memory per database. A query word that is no prefix of any term gets its closest terms
(rapidfuzz) as alternatives, so correctly spelt queries reach the full-text index unchanged.
"""

import bisect
import math
import threading
import time
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from sqlalchemy import func
from sqlmodel import Session, select

from core import dutch
from db.models import Initiative

# Similarity (0–100) a term needs to stand in for a misspelt word: one or two letters off.
TYPO_CUTOFF = 80
MAX_ALTERNATIVES = 3
CLOSE_TO_BEST = 5
# A compound ("taalmaatje") may stand for a part of it that is a term ("maatje").
MIN_PART_LENGTH = 5
# Look at the database for changed documents at most this often (seconds); only queries with
# an unknown word look at all.
CHECK_SECONDS = 60.0


@dataclass(frozen=True)
class _Terms:
    version: tuple
    ordered: list[str]  # sorted, for the prefix test
    parts: list[str]  # long enough to be half of a compound
    checked_at: float


@dataclass(frozen=True)
class Correction:
    """Full-text terms for a query, and the query as we think it was meant."""

    terms: list[str | tuple[str, ...]]
    suggestion: str | None


_cache: dict[str, _Terms] = {}
_lock = threading.Lock()


def _database(session: Session) -> str:
    return str(session.get_bind().engine.url)


def _version(session: Session) -> tuple:
    published = Initiative.published.is_(True)
    row = session.exec(select(func.count(), func.max(Initiative.updated_at),
                              func.max(Initiative.profile_refreshed_at)).where(published)).one()
    return tuple(str(value) for value in row)


def _build(session: Session, version: tuple) -> _Terms:
    words: set[str] = set()
    rows = session.exec(select(Initiative.search_text).where(Initiative.published.is_(True))
                        .execution_options(yield_per=1000))
    for text in rows:
        words.update(word for word in (text or "").split() if word.isalpha())
    ordered = sorted(words)
    return _Terms(version, ordered, [w for w in ordered if len(w) >= MIN_PART_LENGTH],
                  time.monotonic())


def _terms(session: Session, *, fresh: bool) -> _Terms:
    """The cached terms; with fresh, first compare with the database (rate-limited)."""
    key = _database(session)
    current = _cache.get(key)
    if current is not None and (not fresh or
                                time.monotonic() - current.checked_at < CHECK_SECONDS):
        return current
    with _lock:
        version = _version(session)
        current = _cache.get(key)
        if current is None or current.version != version:
            current = _build(session, version)
        else:
            current = _Terms(version, current.ordered, current.parts, time.monotonic())
        _cache[key] = current
        return current


def _known(terms: _Terms, word: str) -> bool:
    at = bisect.bisect_left(terms.ordered, word)
    return at < len(terms.ordered) and terms.ordered[at].startswith(word)


def close_terms(terms: _Terms, word: str) -> list[str]:
    """The terms closest to a word that matches none, best first (empty when none is close)."""
    if len(word) < 4 or not word.isalpha():
        return []
    found = process.extract(word, terms.ordered, scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF,
                            limit=MAX_ALTERNATIVES)
    if found:
        # Only the terms about as close as the best: "haarlm" means haarlem, not haar.
        best = found[0][1]
        return [term for term, score, _at in found if score >= best - CLOSE_TO_BEST]
    # A compound nobody wrote: a long part of it that is a term, the longest first.
    parts = process.extract(word, terms.parts, scorer=fuzz.partial_ratio, score_cutoff=100,
                            limit=20)
    inside = [term for term, _score, _at in parts
              if term in word and len(term) >= math.ceil(len(word) / 2)]
    return sorted(inside, key=lambda term: (-len(term), term))[:MAX_ALTERNATIVES]


def correct(session: Session, query: str | None) -> Correction:
    """The full-text terms of a query with close terms for unknown words; a suggestion if any."""
    terms = dutch.query_terms(query)
    if not terms:
        return Correction([], None)
    cached = _terms(session, fresh=False)
    if all(_known(cached, term) for term in terms):
        return Correction(list(terms), None)
    cached = _terms(session, fresh=True)
    replaced: dict[str, list[str]] = {}
    for term in terms:
        if not _known(cached, term) and (close := close_terms(cached, term)):
            replaced[term] = close
    if not replaced:
        return Correction(list(terms), None)
    # The word itself stays an alternative: a term only the cache has not seen yet still finds.
    out: list[str | tuple[str, ...]] = [(term, *replaced[term]) if term in replaced else term
                                        for term in terms]
    return Correction(out, _suggestion(query or "", replaced))


def _suggestion(query: str, replaced: dict[str, list[str]]) -> str:
    words = []
    for word in query.split():
        found = dutch.tokens(word)
        words.append(replaced[found[0]][0] if len(found) == 1 and found[0] in replaced
                     else word)
    return " ".join(words)
