"""Load the publication's examples (db/demo/*.json) as demo data; loading twice changes nothing."""

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, select

import db.demo
from db.models import Initiative
from services.initiatives import service as initiatives
from services.initiatives.schemas import InitiativeCreate
from services.municipalities import service as municipalities

log = logging.getLogger(__name__)
DEMO_DIR = Path(db.demo.__file__).parent


@dataclass
class DemoResult:
    """What a demo load added."""

    municipalities: int
    initiatives_added: int
    initiatives_present: int


def _read(name: str) -> dict:
    return json.loads((DEMO_DIR / name).read_text(encoding="utf-8"))


def load(session: Session) -> DemoResult:
    """Add the demo municipalities and initiatives that are not there yet."""
    munis = _read("municipalities.json")["municipalities"]
    for muni in munis:
        municipalities.ensure(session, code=muni["cbs"], name=muni["name"])
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
    return DemoResult(len(munis), added, present)
