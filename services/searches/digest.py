"""Digests of saved searches: per due search, what is new since its watermark, in one mail.

A search is claimed (watermark and digest time moved in one conditional update) in the same
transaction that queues its mail, so a second run, or a second worker, sends nothing twice,
and the watermark moves only when a mail is queued.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, select

from core import geo, nl
from core.config import get_settings
from core.errors import ValidationFailed
from core.permissions import scope_for
from db.models import Initiative, SavedSearch, User
from db.types import utcnow
from services.initiatives import service as initiatives
from services.notifications import service as notifications
from services.searches import service

log = logging.getLogger(__name__)
WEEK_DAYS = 7


@dataclass
class DigestItem:
    """One new initiative or need as a digest lists it."""

    id: int
    title: str
    subtitle: str
    created_at: datetime
    url: str


def _local_day(moment: datetime):
    return moment.astimezone(nl.AMSTERDAM).date()


def is_due(search: SavedSearch, now: datetime) -> bool:
    """Daily: no digest yet today (Dutch time). Weekly: a week since the last digest (or since
    the search was saved)."""
    today = _local_day(now)
    if search.frequency == "daily":
        return search.last_digest_at is None or _local_day(search.last_digest_at) < today
    since = search.last_digest_at or search.created_at
    return (today - _local_day(since)).days >= WEEK_DAYS


def _initiative_item(initiative: Initiative, base: str) -> DigestItem:
    postcode = geo.lookup(initiative.pc4) if initiative.pc4 else None
    parts = [postcode.place if postcode else None,
             nl.labels("themes", [lb.code for lb in initiative.labels if lb.lens == "themes"])]
    return DigestItem(initiative.id, initiative.name, " · ".join(p for p in parts if p),
                      initiative.created_at, f"{base}/initiatieven/{initiative.id}")


def new_items(session: Session, search: SavedSearch) -> list[DigestItem]:
    """What matches the search and is newer than its watermark, newest first."""
    base = get_settings().base_url.rstrip("/")
    query = service.query_for(search.kind, search.filters)
    if search.kind == "initiatives":
        return [_initiative_item(i, base)
                for i in initiatives.new_initiatives(session, query, search.last_seen_id)]
    return [DigestItem(n.id, n.title,
                       " · ".join(p for p in (n.kind_label, n.initiative_name, n.place) if p),
                       n.created_at, f"{base}/hulpvragen/{n.id}")
            for n in initiatives.new_needs(session, query, search.last_seen_id)]


def _claim(session: Session, search: SavedSearch, now: datetime, newest: int) -> bool:
    """Move the watermark if nobody else did since we read the search."""
    previous = search.last_digest_at
    stmt = update(SavedSearch).where(
        SavedSearch.id == search.id, SavedSearch.last_seen_id == search.last_seen_id,
        SavedSearch.last_digest_at.is_(None) if previous is None
        else SavedSearch.last_digest_at == previous,
    ).values(last_digest_at=now, last_seen_id=newest).execution_options(
        synchronize_session=False)
    return session.execute(stmt).rowcount == 1


def send_one(session: Session, search: SavedSearch, user: User, now: datetime) -> bool:
    """Queue the digest of one search when something is new; True when a mail was queued."""
    items = new_items(session, search)
    if not items:
        return False
    since = search.last_digest_at
    if not _claim(session, search, now, max(item.id for item in items)):
        log.info("saved search %s was digested by another run; skipped", search.id)
        return False
    base = get_settings().base_url.rstrip("/")
    notifications.queue_digest(session, to=user.email, context={
        "name": user.display_name, "search_name": search.name, "kind": search.kind,
        "filters": service.filter_labels(session, search.kind, search.filters),
        "items": items, "count": len(items), "since": since,
        "manage_url": f"{base}/zoekopdrachten",
        "unsubscribe_url": f"{base}/zoekopdrachten/afmelden/"
                           f"{service.unsubscribe_token(search.id)}",
    })
    return True


def send_due(session: Session, now: datetime | None = None) -> int:
    """Queue a digest for every due, subscribed search with something new; how many."""
    now = now or utcnow()
    rows = session.exec(select(SavedSearch, User).join(User, User.id == SavedSearch.user_id)
                        .where(SavedSearch.unsubscribed_at.is_(None),
                               User.is_active.is_(True))
                        .order_by(SavedSearch.id)).all()
    sent = 0
    for search, user in rows:
        # A user whose role changed since no longer gets what the new role may not save.
        if scope_for(user.role, "search.save") is None or not is_due(search, now):
            continue
        try:
            sent += send_one(session, search, user, now)
        except ValidationFailed:
            # A code that left the vocabulary since: that search waits, the others go out.
            log.warning("saved search %s has filters that no longer validate", search.id)
    return sent
