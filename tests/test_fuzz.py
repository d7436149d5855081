"""Schemathesis against Koppel's own OpenAPI, anonymously and with a token per role.

Every operation gets a bounded number of generated requests, on a throwaway copy of the demo;
none may answer 5xx, use a status code the operation does not document, or return a body
that does not match its documented schema.
"""

import json
import os
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from sqlmodel import select

from db import migrate
from db.engine import make_engine
from db.models import User
from db.session import SessionFactory, unit_of_work
from services import demo
from services.api.app import create_app
from services.auth import service as auth

ROLES = ["anonymous", "admin", "staff", "broker", "consultant", "initiator", "fund", "volunteer"]
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance,
          content_type_conformance]
FULL = os.environ.get("KOPPEL_FUZZ") == "full"
EXAMPLES_PER_OPERATION = 25 if FULL else 2
SUMMARY = Path(__file__).resolve().parents[1] / "var" / "fuzz-summary.json"
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(embedded_worker=False))
counted = {"operations": set(), "cases": 0, "calls": 0, "statuses": {}}


@pytest.fixture(scope="module")
def tokens(tmp_path_factory):
    """A throwaway demo database (generated writes land there) and a token per role."""
    url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    previous = SessionFactory.kw.get("bind")
    SessionFactory.configure(bind=engine)
    with unit_of_work() as session:
        demo.load(session)
    headers = {"anonymous": {}}
    with unit_of_work() as session:
        for role in ROLES[1:]:
            user = session.exec(select(User).where(User.email == f"{role}@demo.koppel.nl")).one()
            token, _row = auth.issue_token(session, user, name="fuzz")
            headers[role] = {"Authorization": f"Bearer {token}"}
    yield headers
    SessionFactory.configure(bind=previous)
    engine.dispose()


def roles_for(case, number: int) -> list[str]:
    """Which roles send this case: all of them in `make fuzz`, a rotating pair in `make test`."""
    if FULL:
        return ROLES
    # Invalid input is refused before any role matters, so it goes out as the two extremes;
    # valid input goes out anonymously and as each signed-in role in turn.
    if case.meta is not None and case.meta.generation.mode.is_negative:
        return ["anonymous", "admin"]
    return ["anonymous", ROLES[1 + number % (len(ROLES) - 1)]]


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True,
          phases=[Phase.explicit, Phase.generate],
          suppress_health_check=list(HealthCheck))
def test_every_operation_for_every_role(case, tokens):
    counted["operations"].add(case.operation.label)
    counted["cases"] += 1
    for role in roles_for(case, counted["cases"]):
        response = case.call(headers=tokens[role])
        counted["calls"] += 1
        key = str(response.status_code)
        counted["statuses"][key] = counted["statuses"].get(key, 0) + 1
        case.validate_response(response, checks=CHECKS)


def test_the_fuzz_run_covered_the_api():
    """Written last in the module: what the run above covered, for the record."""
    assert len(counted["operations"]) >= 43 and counted["cases"] > 1000
    assert not any(status.startswith("5") for status in counted["statuses"])
    SUMMARY.parent.mkdir(exist_ok=True)
    SUMMARY.write_text(json.dumps(counted | {"operations": len(counted["operations"])},
                                  indent=1))
