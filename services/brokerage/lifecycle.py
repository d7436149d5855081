"""The one life of a match: its statuses and the only transitions between them.

proposed ──approve──▶ approved (invitation out) ──accept──▶ active ──outcome──▶ done
    │                     │                                  ▲
    └─reject─▶ rejected   └─decline / no answer─▶ declined   │
                                                     ▲        │
offered (a volunteer said "Ik wil helpen") ──decline─┘        │
    └──────────────────── the initiative accepts ─────────────┘

The engine creates proposals and withdraws stale ones; everything after that goes through
`transition`, so review, invitations, follow-up and closing a need cannot disagree.
"""

from enum import StrEnum

from core.errors import Conflict
from db.models import Match
from db.types import utcnow


class MatchStatus(StrEnum):
    """Where a match stands (labels: the vocabulary's match_statuses)."""

    PROPOSED = "proposed"
    OFFERED = "offered"
    APPROVED = "approved"
    REJECTED = "rejected"
    ACTIVE = "active"
    DECLINED = "declined"
    DONE = "done"


class Outcome(StrEnum):
    """The answer to "Is de hulp gelukt?"."""

    SUCCEEDED = "succeeded"
    FAILED = "failed"


S = MatchStatus
TRANSITIONS: dict[MatchStatus, frozenset[MatchStatus]] = {
    # Board (D): a suggested volunteer who says "Ik wil helpen" themselves turns it into an offer.
    S.PROPOSED: frozenset({S.APPROVED, S.REJECTED, S.OFFERED}),
    S.OFFERED: frozenset({S.ACTIVE, S.DECLINED}),
    S.APPROVED: frozenset({S.ACTIVE, S.DECLINED}),
    S.ACTIVE: frozenset({S.DONE}),
    S.REJECTED: frozenset(),
    S.DECLINED: frozenset(),
    S.DONE: frozenset(),
}
# A person decided on these: a rematch never touches them and never proposes the pair again.
DECIDED = tuple(s.value for s in S if s is not S.PROPOSED)
# Open commitments of a resource: they count against its cap on open proposals.
OPEN = (S.OFFERED.value, S.APPROVED.value, S.ACTIVE.value)
# Conflict messages, by the status the match is already in.
_ALREADY = {
    S.PROPOSED: "Dit voorstel is nog niet goedgekeurd.",
    S.OFFERED: "Op dit aanbod is nog niet geantwoord.",
    S.APPROVED: "Op deze uitnodiging is nog niet geantwoord.",
    S.ACTIVE: "Deze koppeling loopt al.",
    S.REJECTED: "Over dit voorstel is al besloten.",
    S.DECLINED: "Deze uitnodiging is al beantwoord.",
    S.DONE: "Deze koppeling is al afgerond.",
}


def can(match: Match, to: MatchStatus) -> bool:
    """Whether the table allows this step from where the match stands."""
    return to in TRANSITIONS[MatchStatus(match.status)]


def transition(match: Match, to: MatchStatus, *, by: int | None = None,
               reason: str | None = None, note: str | None = None,
               outcome: Outcome | None = None) -> Match:
    """Move a match one allowed step, stamping who and when; Conflict for any other step."""
    current = MatchStatus(match.status)
    if not can(match, to):
        raise Conflict(_ALREADY[current])
    now = utcnow()
    match.status = to.value
    match.updated_at = now
    if current is S.PROPOSED:
        match.decided_at, match.decided_by = now, by
        match.decision_reason = reason
        match.decision_note = (note or "").strip()[:1000] or None
    elif current in (S.APPROVED, S.OFFERED):
        if by is None:  # the invited side answered (a broker giving up is no answer)
            match.answered_at = now
        if note:
            match.decision_note = note
    elif to is S.DONE:
        match.outcome, match.outcome_at = (outcome or Outcome.SUCCEEDED).value, now
    return match
