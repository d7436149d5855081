"""A new need's volunteers, read by index and kept per process: the same as reading them all."""

from datetime import timedelta

import numpy as np
from sqlmodel import select

from db.models import Need, Volunteer
from db.types import local_today, utcnow
from services.matching import loader, nearby
from services.matching import runner as matching


def _buuv_need(session) -> Need:
    from db.models import Initiative

    return session.exec(select(Need).join(Initiative).where(
        Initiative.name == "BUUV", Need.kind == "volunteers")).one()


def _read_all_near(session, need: Need):
    """The volunteers the old path read: every one in the need's box whose radius reaches."""
    inputs, _ = loader.load_inputs(session, [need.id])
    return inputs.volunteers, loader.load_volunteers(session, loader._boxes(inputs.needs, 25.0))


def test_kept_volunteers_are_the_ones_the_database_gives(session):
    need = _buuv_need(session)
    kept, read = _read_all_near(session, need)
    assert len(kept) > 0
    for name in ("ids", "pc4", "radius_km", "availability", "skills", "themes", "hours",
                 "idle_days"):
        assert np.array_equal(getattr(kept, name), getattr(read, name)), name
    assert kept.text == read.text


def test_a_changed_paused_or_erased_volunteer_is_read_again(session):
    need = _buuv_need(session)
    first, _ = loader.load_inputs(session, [need.id])
    ids = first.volunteers.ids.tolist()
    changed, paused, erased = (session.get(Volunteer, i) for i in ids[:3])
    # A change through the model sets updated_at (onupdate), which is what the keeper reads.
    changed.skills = ["transport"]
    paused.paused_until = local_today() + timedelta(days=3)
    erased.erased_at = utcnow()
    session.flush()
    second, _ = loader.load_inputs(session, [need.id])
    after = second.volunteers
    assert paused.id not in after.ids and erased.id not in after.ids
    row = int(np.flatnonzero(after.ids == changed.id)[0])
    assert after.skills[row] == loader.codebook().mask("skills", ["transport"])
    # A pause that ended yesterday no longer keeps anyone out.
    paused.paused_until = local_today() - timedelta(days=1)
    session.flush()
    assert paused.id in loader.load_inputs(session, [need.id])[0].volunteers.ids


def test_a_volunteer_from_a_rolled_back_change_is_never_proposed(connection, session):
    need = _buuv_need(session)
    saved = connection.begin_nested()
    ghost = Volunteer(municipality_code="GM0392", name="Spook", pc4="2011", latitude=52.38,
                      longitude=4.63, radius_km=10, skills=["transport"], themes=[],
                      availability=[], hours_per_week=4)
    session.add(ghost)
    session.flush()
    ghost_id = ghost.id
    assert ghost_id in loader.load_inputs(session, [need.id])[0].volunteers.ids
    session.expunge_all()
    saved.rollback()
    assert ghost_id not in loader.load_inputs(session, [need.id])[0].volunteers.ids
    matching.rematch(session, [need.id])
    assert ghost_id not in [m.resource_id for m in matching._with_matches(
        session, "volunteer", ghost_id)]
    assert nearby._KEPT  # the rows were kept, and still the ghost is not read
