"""Arrange helpers for the value, map and open-data tests: initiatives with hours and grants."""

from datetime import date

from db.models import HoursLog, Initiative, InitiativeLabel, Match, Need


def initiative(session, *, name: str, code: str = "GM0392", pc4: str = "2011",
               themes: tuple[str, ...] = (), published: bool = True) -> Initiative:
    """A bare initiative of a municipality with its themes in order."""
    made = Initiative(name=name, sort_name=name.lower(), scope="local", municipality_code=code,
                      pc4=pc4, published=published, contact_name="Jan Geheim",
                      contact_email="jan.geheim@example.org")
    session.add(made)
    session.flush()
    for position, theme in enumerate(themes):
        session.add(InitiativeLabel(initiative_id=made.id, lens="themes", code=theme,
                                    position=position))
    session.flush()
    return made


def hours(session, owner: Initiative, logged: list[tuple[int, float]], *,
          status: str = "active") -> Need:
    """A need of owner with one match per volunteer id and the hours each logged."""
    need = Need(initiative_id=owner.id, kind="volunteers", title=f"Hulp bij {owner.name}")
    session.add(need)
    session.flush()
    for volunteer_id, amount in logged:
        match = Match(need_id=need.id, resource_kind="volunteer", resource_id=volunteer_id,
                      score=0.9, status=status)
        session.add(match)
        session.flush()
        session.add(HoursLog(match_id=match.id, logged_by="volunteer", hours=amount,
                             on_date=date(2026, 10, 1)))
    session.flush()
    return need
