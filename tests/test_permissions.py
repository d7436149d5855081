"""Walk every route of the app (API and web) for every role against the permission table."""

import re

import pytest
from bs4 import BeautifulSoup
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlmodel import select
from starlette.routing import Mount, Route

from core.permissions import (
    ANONYMOUS,
    BUILTIN_PUBLIC_PATHS,
    PERMISSIONS,
    Role,
    scope_for,
)
from db.models import (
    Fund,
    Initiative,
    Instrument,
    Match,
    MatchingRun,
    Need,
    ParticipationClient,
    User,
    Volunteer,
)
from db.session import unit_of_work
from services.api.app import create_app
from services.auth import service as auth
from services.notifications import service as notifications
from tests.conftest import token_for

ACCOUNTS = {"admin": "admin", "staff": "staff", "broker": "broker", "consultant": "consultant",
            "initiator": "initiator", "fund": "fund", "volunteer": "volunteer"}


def declared_actions(dependant) -> list[str]:
    found = []
    for dep in dependant.dependencies:
        action = getattr(dep.call, "koppel_action", None)
        if action:
            found.append(action)
        found += declared_actions(dep)
    return found


def walk(routes, prefix="", kind="api"):
    """(kind, method, path, actions) for every route, through included routers and mounts."""
    for route in routes:
        if hasattr(route, "original_router") and hasattr(route, "include_context"):
            # FastAPI keeps included routers as branches; descend with their prefix.
            yield from walk(route.original_router.routes, prefix + route.include_context.prefix,
                            kind)
        elif isinstance(route, APIRoute):
            actions = declared_actions(route.dependant)
            for method in sorted(route.methods - {"HEAD"}):
                yield kind, method, prefix + route.path_format, actions
        elif isinstance(route, Mount):
            sub = getattr(route.app, "routes", None)
            if sub is None:
                yield "builtin", "GET", prefix + route.path, []
            else:
                yield from walk(sub, prefix + route.path, "web")
        elif isinstance(route, Route):
            yield "builtin", "GET", prefix + route.path, []


@pytest.fixture
def app():
    return create_app(embedded_worker=False)


def test_every_route_declares_exactly_one_known_action(app):
    routes = list(walk(app.routes))
    walked = {path for _kind, _method, path, _actions in routes}
    assert set(app.openapi()["paths"]) <= walked, "the walk missed API routes"
    assert {"/", "/login", "/logout", "/initiatieven/{initiative_id}"} <= walked
    assert len(routes) > 30
    for kind, method, path, actions in routes:
        if kind == "builtin":
            assert path in BUILTIN_PUBLIC_PATHS, f"{path} is not declared anywhere"
            continue
        assert len(actions) == 1, f"{method} {path} declares {actions}"
        assert actions[0] in PERMISSIONS, f"{method} {path}: {actions[0]} not in the table"


@pytest.fixture
def ids(session):
    buuv = session.exec(select(Initiative).where(Initiative.name == "BUUV")).one()
    found = {
        "initiative_id": buuv.id,
        "need_id": buuv.needs[0].id,
        "offer_id": buuv.offers[0].id,
        "volunteer_id": session.exec(select(Volunteer.id)).first(),
        "client_id": session.exec(select(ParticipationClient.id)).first(),
        "token_id": 999999,
        "fund_id": session.exec(select(Fund.id).where(Fund.name == "Stichting Zonnige Jeugd")
                                ).one(),
        "run_id": session.exec(select(MatchingRun.id)).first(),
        "match_id": session.exec(select(Match.id).join(Need).where(
            Need.initiative_id == buuv.id)).first(),
        "letter_id": 999999,
        "rest": "bestaat-niet",
        "mail_id": 999999,
        # Beheer: an unknown account, and a demo instrument.
        "user_id": 999999,
        "instrument_id": session.exec(select(Instrument.id)).first(),
    }
    found["token"] = notifications.invitation_token(found["match_id"])
    return found


@pytest.fixture
def callers(connection):
    """A client per role: API token and web session cookie; plus an anonymous one."""
    clients = {}
    app = create_app(embedded_worker=False)
    for who in [ANONYMOUS, *ACCOUNTS]:
        client = TestClient(app, raise_server_exceptions=False)
        client.get("/login")  # a CSRF cookie, as a browser would have
        if who != ANONYMOUS:
            email = f"{who}@demo.koppel.nl"
            client.headers["Authorization"] = f"Bearer {token_for(email)}"
            with unit_of_work() as s:
                user = s.exec(select(User).where(User.email == email)).one()
                client.cookies.set("koppel_session", auth.start_web_session(s, user))
        clients[who] = client
    return clients


def _request(client, kind, method, path):
    kwargs = {"follow_redirects": False}
    if kind == "web" and method == "POST":
        soup = BeautifulSoup(client.get("/login").text, "html.parser")
        token = soup.find("input", attrs={"name": "csrftoken"})["value"]
        kwargs["data"] = {"csrftoken": token, "username": "staff@demo.koppel.nl",
                          "password": "koppel-demo"}
    elif path.endswith("/auth/token"):
        kwargs["data"] = {"username": "staff@demo.koppel.nl", "password": "koppel-demo"}
    elif method in ("POST", "PATCH", "PUT"):
        kwargs["json"] = {}
    return client.request(method, path, **kwargs)


def _denied(kind, who, response) -> bool:
    if kind == "web" and response.status_code == 303:
        return response.headers["location"].startswith("/login")
    return response.status_code in (401, 403)


def test_every_route_answers_every_role_as_the_table_says(app, ids, callers, connection):
    mismatches = []
    for kind, method, path, actions in walk(app.routes):
        concrete = re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), path)
        if kind == "builtin" and concrete == "/static":
            concrete = "/static/koppel.css"
        action = actions[0] if actions else "system.public"
        for who, client in callers.items():
            role = None if who == ANONYMOUS else Role(ACCOUNTS[who])
            allowed = scope_for(role, action) is not None
            savepoint = connection.begin_nested()  # each call leaves the data as it was
            try:
                response = _request(client, kind, method, concrete)
            finally:
                savepoint.rollback()
            if allowed == _denied(kind, who, response):
                mismatches.append(f"{who:<10} {method:<6} {concrete}: {response.status_code} "
                                  f"(table says {'allow' if allowed else 'deny'} {action})")
            if not allowed and kind == "api":
                assert response.status_code == (401 if role is None else 403), \
                    f"{who} {method} {concrete}"
            assert response.status_code != 500, f"{who} {method} {concrete}: {response.text}"
    assert not mismatches, "\n".join(mismatches)


@pytest.mark.parametrize(("action", "allowed"), [
    ("client.read", {"consultant", "staff", "broker"}),
    ("client.create", {"consultant"}),
    ("client.update", {"consultant"}),
    ("audit.list", {"staff", "admin"}),
    ("me.delete", {"volunteer"}),
    ("volunteer.read", {"volunteer", "broker", "staff", "admin"}),
    ("initiative.contact", {"initiator", "broker", "staff", "admin"}),
    ("initiative.update", {"initiator", "broker", "staff", "admin"}),
    ("initiative.read", {ANONYMOUS, *ACCOUNTS}),
])
def test_sensitive_actions_are_granted_to_exactly_these_roles(action, allowed):
    granted = {who for who in [ANONYMOUS, *ACCOUNTS]
               if scope_for(None if who == ANONYMOUS else Role(who), action) is not None}
    assert granted == allowed
