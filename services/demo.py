"""Load the publication's examples (db/demo/*.json) as demo data; loading twice changes nothing."""

import json
import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sqlmodel import Session, select

import db.demo
from core import geo
from core.config import get_settings
from core.permissions import SYSTEM
from db.models import (
    Fund,
    Initiative,
    Instrument,
    MatchingRun,
    ParticipationClient,
    User,
    Volunteer,
)
from db.types import utcnow
from services import demo_haarlem
from services.auth import service as auth
from services.initiatives import service as initiatives
from services.initiatives.schemas import InitiativeCreate
from services.municipalities import service as municipalities
from services.outbox import service as outbox
from services.people import service as people
from services.people.schemas import VolunteerCreate
from services.resources import service as resources
from services.resources.schemas import CallCreate, FundCreate, InstrumentCreate
from services.worker.queues import TaskName

log = logging.getLogger(__name__)
DEMO_DIR = Path(db.demo.__file__).parent


DEMO_PASSWORD = "koppel-demo"
DEMO_DOMAIN = "demo.koppel.nl"
HAARLEM, ROTTERDAM = "GM0392", "GM0599"


@dataclass
class DemoResult:
    """What a demo load added."""

    municipalities: int
    initiatives_added: int
    initiatives_present: int
    logins: list[tuple[str, str]] = field(default_factory=list)
    resources: int = 0
    volunteers: int = 0


def _read(name: str) -> dict:
    return json.loads((DEMO_DIR / name).read_text(encoding="utf-8"))


def load(session: Session, dashboard: bool = False) -> DemoResult:
    """Add the demo municipalities and initiatives that are not there yet (dashboard: also the
    fictional Haarlem figures of the municipal dashboard, as `koppel demo load` does)."""
    outbox.batch(session, "matching.")
    munis = _read("municipalities.json")["municipalities"]
    for muni in munis:
        municipalities.ensure(session, code=muni["cbs"], name=muni["name"],
                              province=muni.get("province"))
    added = present = 0
    for raw in _read("initiatives.json")["initiatives"]:
        existing = session.exec(
            select(Initiative.id).where(
                Initiative.name == raw["name"],
                Initiative.municipality_code == raw["municipality"]
                if raw["municipality"] else Initiative.municipality_code.is_(None),
            )
        ).first()
        if existing is not None:
            present += 1
            continue
        initiatives.create(session, InitiativeCreate.model_validate(raw))
        added += 1
    log.info("demo: %d initiatives added, %d already present", added, present)
    result = DemoResult(len(munis), added, present)
    result.resources = _demo_resources(session)
    if get_settings().env == "production":
        log.warning("demo: no demo accounts or people in production")
    else:
        result.logins = _demo_accounts(session)
        result.volunteers = _demo_volunteers(session)
        # Municipal dashboard (14): fictional Haarlem figures worth looking at.
        if dashboard:
            log.info("demo: %d dashboard initiatives added", demo_haarlem.load(session))
    run = MatchingRun(kind="demo")
    session.add(run)
    session.flush()
    outbox.unbatch(session)
    outbox.enqueue(session, TaskName.FULL_REMATCH, run_id=run.id)
    return result


def _demo_resources(session: Session) -> int:
    """The guide's funds and instruments plus the demo catalogue; returns how many were added."""
    data = _read("resources.json")
    today = utcnow().date()
    added = 0
    for raw in data["funds"]:
        if session.exec(select(Fund.id).where(Fund.name == raw["name"])).first() is not None:
            continue
        calls = raw.pop("calls")
        fund = resources.create_fund(session, SYSTEM, FundCreate.model_validate(raw))
        for call in calls:
            resources.add_call(session, SYSTEM, fund.id, CallCreate.model_validate(
                _dated(call, today)))
        added += 1
    for raw in data["instruments"]:
        exists = session.exec(select(Instrument.id).where(
            Instrument.municipality_code == raw["municipality"],
            Instrument.title == raw["title"])).first()
        if exists is None:
            resources.create_instrument(session, SYSTEM, InstrumentCreate.model_validate(raw))
            added += 1
    return added


def _dated(call: dict, today: date) -> dict:
    """A demo call with its window placed around the day of loading (the file holds offsets, so
    the demo has open calls whenever it is loaded)."""
    dated = {k: v for k, v in call.items() if not k.endswith("_in_days")}
    dated["opens_on"] = today + timedelta(days=call["opens_in_days"])
    dated["closes_on"] = today + timedelta(days=call["closes_in_days"])
    return dated


def _demo_volunteers(session: Session) -> int:
    """Fictional volunteers near the demo initiatives."""
    added = 0
    for raw in _read("volunteers.json")["volunteers"]:
        exists = session.exec(select(Volunteer.id).where(
            Volunteer.name == raw["name"], Volunteer.pc4 == raw["pc4"])).first()
        if exists is None:
            people.create_volunteer(session, SYSTEM,
                                    VolunteerCreate.model_validate(raw | {"consent": True}))
            added += 1
    return added


def _demo_accounts(session: Session) -> list[tuple[str, str]]:
    """One account per role (and a second broker in Rotterdam); returns (e-mail, role)."""
    buuv = session.exec(select(Initiative).where(Initiative.name == "BUUV")).one()
    initiative_org = auth.ensure_organisation(session, kind="initiative", name="BUUV",
                                              initiative_id=buuv.id, municipality=HAARLEM)
    fund_org = auth.ensure_organisation(session, kind="fund", name="Stichting Zonnige Jeugd")
    # The demo fund account runs that fund: its criteria, calls and suggestions are theirs.
    fund = session.exec(select(Fund).where(Fund.name == fund_org.name)).first()
    if fund is not None and fund.organisation_id is None:
        fund.organisation_id = fund_org.id
    accounts = [
        ("admin", "admin", None, None),
        ("staff", "staff", HAARLEM, None),
        ("broker", "broker", HAARLEM, None),
        ("broker-rotterdam", "broker", ROTTERDAM, None),
        ("consultant", "consultant", HAARLEM, None),
        ("initiator", "initiator", None, initiative_org.id),
        ("fund", "fund", None, fund_org.id),
        ("volunteer", "volunteer", HAARLEM, None),
    ]
    logins = []
    for local, role, municipality, organisation in accounts:
        email = f"{local}@{DEMO_DOMAIN}"
        user = session.exec(select(User).where(User.email == email)).first()
        if user is None:
            user = auth.create_user(session, email=email, password=DEMO_PASSWORD, role=role,
                                    municipality=municipality, organisation_id=organisation,
                                    display_name=f"Demo {local}")
        logins.append((email, role))
    _demo_people(session)
    return logins


def _demo_people(session: Session) -> None:
    """The demo volunteer's profile and one client of the demo consultant."""
    volunteer_user = session.exec(select(User).where(
        User.email == f"volunteer@{DEMO_DOMAIN}")).one()
    if session.exec(select(Volunteer).where(Volunteer.user_id == volunteer_user.id)).first():
        return
    postcode = geo.lookup("2031")
    session.add(Volunteer(
        user_id=volunteer_user.id, municipality_code=HAARLEM, name="Sanne de Vries",
        email=volunteer_user.email, phone="023 555 0101", pc4="2031",
        latitude=postcode.latitude, longitude=postcode.longitude,
        skills=["cooking", "transport", "language"], themes=["elderly_care", "social_cohesion"],
        availability=["tue_morning", "thu_morning", "sat_afternoon"], hours_per_week=4,
        radius_km=5, about="Ik kook graag en rijd bewoners naar afspraken.",
        consent_given_at=utcnow()))
    consultant = session.exec(select(User).where(
        User.email == f"consultant@{DEMO_DOMAIN}")).one()
    session.add(ParticipationClient(
        pseudonym="Kandidaat Noord-1", consultant_user_id=consultant.id,
        municipality_code=HAARLEM, capacity_hours_per_week=8,
        restrictions=["no_heavy_lifting", "no_evenings"], route="guide_to_volunteering",
        skills=["gardening", "handyman"], availability=["mon_morning", "wed_morning"],
        pc4="2033"))
    session.flush()
