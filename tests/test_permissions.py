"""Walk every route of the app (API and web) for every role against the permission table."""

import re
from types import SimpleNamespace
from typing import get_args

import pytest
from bs4 import BeautifulSoup
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlmodel import select
from starlette.routing import Mount, Route

from core.errors import Forbidden, Unauthorized
from core.permissions import (
    ANONYMOUS,
    BUILTIN_PUBLIC_PATHS,
    PERMISSIONS,
    Actor,
    Allowed,
    Role,
    Scope,
    covers,
    permission,
    scope_for,
    scoped,
)
from db.models import (
    Fund,
    FundCall,
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
        "search_id": 999999,  # saved searches
        "call_id": session.exec(select(FundCall.id)).first(),  # Funds (13)
        # Beheer: an unknown account, and a demo instrument.
        "user_id": 999999,
        "instrument_id": session.exec(select(Instrument.id)).first(),
        # Referrals and intakes that live (16): unknown ones, so every role meets a 404 or a no.
        "referral_id": 999999,
        "intake_id": 999999,
        # Municipal dashboard: the demo staff's municipality and one of its tables.
        "code": "GM0392",
        "table": "overview",
    }
    found["token"] = notifications.invitation_token(found["match_id"])
    return found


@pytest.fixture
def callers(connection):
    """A client per role: API token and web session cookie; plus an anonymous one."""
    clients = {}
    app = create_app(embedded_worker=False)
    for who in [ANONYMOUS, *ACCOUNTS]:
        # Entered: one event loop for all its requests, not a new thread and loop for each.
        client = TestClient(app, raise_server_exceptions=False).__enter__()
        client.get("/login")  # a CSRF cookie, as a browser would have
        if who != ANONYMOUS:
            email = f"{who}@demo.koppel.nl"
            client.headers["Authorization"] = f"Bearer {token_for(email)}"
            with unit_of_work() as s:
                user = s.exec(select(User).where(User.email == email)).one()
                client.cookies.set("koppel_session", auth.start_web_session(s, user))
        clients[who] = client
    yield clients
    for client in clients.values():
        client.__exit__(None, None, None)


# The login form's CSRF token by the CSRF cookie it goes with (a page and a parse per POST cost
# a fifth of the walk).
_FORM_TOKENS: dict[str, str] = {}


def _form_token(client) -> str:
    """The CSRF token of the login form; asked for again only when the client's cookie changed."""
    cookie = client.cookies.get("csrftoken")
    if cookie is None or cookie not in _FORM_TOKENS:
        soup = BeautifulSoup(client.get("/login").text, "html.parser")
        token = soup.find("input", attrs={"name": "csrftoken"})["value"]
        if client.cookies.get("csrftoken") is None:
            return token
        _FORM_TOKENS[client.cookies.get("csrftoken")] = token
    return _FORM_TOKENS[client.cookies.get("csrftoken")]


def _request(client, kind, method, path):
    kwargs = {"follow_redirects": False}
    if kind == "web" and method == "POST":
        token = _form_token(client)
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


def test_a_route_asks_anonymous_callers_to_log_in_and_refuses_other_roles():
    check = permission("matching.run").dependency
    assert check.koppel_action == "matching.run"
    admin = Actor(user_id=1, email="admin@demo.koppel.nl", role=Role.ADMIN)
    broker = Actor(user_id=2, email="broker@demo.koppel.nl", role=Role.BROKER)

    def request(**state):
        return SimpleNamespace(state=SimpleNamespace(**state))

    assert check(request(actor=admin)) is admin
    for anonymous in (request(), request(actor=None)):
        with pytest.raises(Unauthorized) as refused:
            check(anonymous)
        assert refused.value.detail == "Log in om dit te doen."
    with pytest.raises(Forbidden) as refused:
        check(request(actor=broker))
    assert refused.value.detail == "Uw rol mag dit niet."
    assert permission("auth.login").dependency(request()) is None
    actor_type, depends = get_args(Allowed("volunteer.read"))
    assert actor_type == Actor | None
    assert depends.dependency.koppel_action == "volunteer.read"


def _where(stmt) -> str:
    """The WHERE clause of a statement, with its values written in."""
    sql = str(stmt.compile(compile_kwargs={"literal_binds": True}))
    return " ".join(sql.partition("WHERE")[2].split())


def test_one_object_and_a_list_are_narrowed_by_the_same_scope_rules():
    haarlem = {"municipality_code": "GM0392"}
    broker = Actor(user_id=2, email="b@demo.koppel.nl", role=Role.BROKER, **haarlem)
    stray = Actor(user_id=3, email="s@demo.koppel.nl", role=Role.BROKER)
    consultant = Actor(user_id=4, email="c@demo.koppel.nl", role=Role.CONSULTANT, **haarlem)
    admin = Actor(user_id=1, email="a@demo.koppel.nl", role=Role.ADMIN)
    client = SimpleNamespace(consultant_user_id=4, **haarlem)
    public = SimpleNamespace(published=True, municipality_code="GM0363")
    draft = SimpleNamespace(published=False, municipality_code="GM0363")
    own = ParticipationClient.__scope__
    assert (broker.scope("client.read"), stray.scope("client.create")) == (Scope.MUNICIPALITY, None)
    assert covers(consultant, "client.read", client, rules=own)
    assert not covers(consultant, "client.read", SimpleNamespace(consultant_user_id=5, **haarlem),
                      rules=own)
    assert covers(broker, "client.read", client, rules=own)
    assert not covers(stray, "client.read", SimpleNamespace(consultant_user_id=4,
                                                            municipality_code=None), rules=own)
    assert not covers(broker, "client.create", client, rules=own)  # not in the table
    assert not covers(admin, "client.read", client, rules=own)
    assert covers(admin, "matching.run", client) and covers(None, "auth.login", client)
    assert covers(None, "initiative.read", public, rules=Initiative.__scope__)
    assert not covers(None, "initiative.read", draft, rules=Initiative.__scope__)
    assert not covers(broker, "initiative.read", public, rules={})
    assert not covers(None, "initiative.update", public, rules=Initiative.__scope__)

    stmt = select(ParticipationClient.id)
    assert _where(scoped(stmt, consultant, "client.read", ParticipationClient)) == (
        "participation_client.consultant_user_id = 4 "
        "AND participation_client.municipality_code = 'GM0392'")
    assert _where(scoped(stmt, broker, "client.read", ParticipationClient)) == \
        "participation_client.municipality_code = 'GM0392'"
    assert _where(scoped(stmt, stray, "client.read", ParticipationClient)) == "false"
    assert _where(scoped(stmt, None, "client.read", ParticipationClient)) == "false"
    assert _where(scoped(stmt, admin, "matching.run", ParticipationClient)) == ""
    assert _where(scoped(stmt, broker, "client.read", ParticipationClient, rules={})) == "false"
    assert _where(scoped(select(Initiative.id), None, "initiative.list", Initiative)) == \
        "initiative.published IS true"
