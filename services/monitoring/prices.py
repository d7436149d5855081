"""A municipality's social price list: the amounts in force, their history, and changes."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import Session, select

from core.errors import NotFound, ValidationFailed
from core.permissions import Actor, Scope, covers
from core.prices import PriceItem, default_list
from db.models import Municipality, PriceEntry, User

# Who reaches a municipality's list: its own staff (admins: any).
RULES = {Scope.MUNICIPALITY: (("code", "municipality_code"),)}
MAX_CENTS = 100_000_000  # one million euro: far above any unit price, below any overflow


@dataclass(frozen=True)
class Price:
    """One item of a municipality's list: the amount in force beside the default."""

    item: PriceItem
    value_cents: int
    changed_at: datetime | None

    @property
    def is_default(self) -> bool:
        """True when the municipality has not set an amount of its own (or set it back)."""
        return self.value_cents == self.item.value_cents


@dataclass(frozen=True)
class Change:
    """One row of the history: an item set to an amount by someone at a moment."""

    item_code: str
    label: str
    value_cents: int
    previous_cents: int
    changed_at: datetime
    by: str


def municipality(session: Session, actor: Actor, code: str, action: str) -> Municipality:
    """The municipality whose list the actor may use; another's answers 404 (never its name)."""
    found = session.get(Municipality, code)
    if found is None or not covers(actor, action, found, rules=RULES):
        raise NotFound("Deze gemeente is niet gevonden.")
    return found


def _latest(session: Session, codes: list[str] | None) -> dict[tuple[str, str], PriceEntry]:
    newest = select(func.max(PriceEntry.id)).group_by(PriceEntry.municipality_code,
                                                      PriceEntry.item_code)
    if codes is not None:
        newest = newest.where(PriceEntry.municipality_code.in_(codes))
    rows = session.exec(select(PriceEntry).where(PriceEntry.id.in_(newest.scalar_subquery())))
    return {(row.municipality_code, row.item_code): row for row in rows}


def current(session: Session, code: str) -> list[Price]:
    """Every item of the list with the amount in force for this municipality."""
    latest = _latest(session, [code])
    out = []
    for item in default_list().items:
        row = latest.get((code, item.code))
        out.append(Price(item, row.value_cents if row else item.value_cents,
                         row.changed_at if row else None))
    return out


def cents_for(session: Session, codes: list[str] | None, item_codes: set[str]
              ) -> dict[tuple[str, str], int]:
    """(municipality, item) → cents in force, for the given items of the given municipalities;
    a pair that is missing uses the default."""
    return {key: row.value_cents for key, row in _latest(session, codes).items()
            if key[1] in item_codes}


def history(session: Session, code: str, *, limit: int = 100) -> list[Change]:
    """The changes of this municipality's list, newest first, with who made them."""
    rows = session.exec(
        select(PriceEntry, User.email).join(User, User.id == PriceEntry.changed_by, isouter=True)
        .where(PriceEntry.municipality_code == code).order_by(PriceEntry.id))
    defaults = default_list()
    # Walk forward so each change knows the amount it replaced (the default before the first).
    in_force = {item.code: item.value_cents for item in defaults.items}
    changes = []
    for entry, email in rows:
        item = defaults.item(entry.item_code)
        changes.append(Change(item_code=entry.item_code,
                              label=item.label if item else entry.item_code,
                              value_cents=entry.value_cents,
                              previous_cents=in_force.get(entry.item_code, 0),
                              changed_at=entry.changed_at, by=email or "verwijderd account"))
        in_force[entry.item_code] = entry.value_cents
    return changes[::-1][:limit]


def set_amounts(session: Session, actor: Actor, code: str,
                amounts: dict[str, Decimal | None]) -> int:
    """Store the amounts that differ from those in force (None: back to the default).

    Everything is checked before anything is written, so a refused form changes nothing.
    Returns how many items changed.
    """
    municipality(session, actor, code, "prices.update")
    defaults = default_list()
    unknown = sorted(set(amounts) - {item.code for item in defaults.items})
    if unknown:
        raise ValidationFailed({name: "onbekende post van de prijslijst" for name in unknown})
    wanted: dict[str, int] = {}
    errors: dict[str, str] = {}
    for item_code, amount in amounts.items():
        cents = defaults.item(item_code).value_cents if amount is None \
            else int((amount * 100).to_integral_value())
        if not 0 <= cents <= MAX_CENTS:
            errors[item_code] = "moet een bedrag tussen € 0 en € 1.000.000 zijn"
        wanted[item_code] = cents
    if errors:
        raise ValidationFailed(errors)
    in_force = {price.item.code: price.value_cents for price in current(session, code)}
    changed = 0
    for item_code, cents in wanted.items():
        if cents != in_force[item_code]:
            session.add(PriceEntry(municipality_code=code, item_code=item_code,
                                   value_cents=cents, changed_by=actor.user_id or None))
            changed += 1
    session.flush()
    return changed
