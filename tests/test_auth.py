"""API login with personal access tokens, the throttle, and who-am-I."""

import logging
from datetime import timedelta

import time_machine
from sqlmodel import select

from db.models import ApiToken, AuditEvent, LoginThrottle, User
from db.types import utcnow
from services.auth import throttle
from tests.conftest import token_for

PASSWORD = "koppel-demo"


def login(client, username, password, address=None):
    return client.post("/api/v1/auth/token", data={"username": username, "password": password})


def test_token_login_and_me_for_each_role(client):
    expected = {
        "broker": {"role": "broker", "municipality": "GM0392"},
        "broker-rotterdam": {"role": "broker", "municipality": "GM0599"},
        "consultant": {"role": "consultant", "municipality": "GM0392"},
        "staff": {"role": "staff", "municipality": "GM0392"},
        "admin": {"role": "admin", "municipality": None},
        "fund": {"role": "fund", "municipality": None},
    }
    for local, fields in expected.items():
        response = login(client, f"{local}@demo.koppel.nl", PASSWORD)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["token_type"] == "bearer"
        me = client.get("/api/v1/me",
                        headers={"Authorization": f"Bearer {body['access_token']}"}).json()
        assert {k: me[k] for k in fields} == fields, local
    initiator = login(client, "initiator@demo.koppel.nl", PASSWORD).json()["access_token"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {initiator}"}).json()
    assert me["organisation"] is not None and me["initiative_id"] is not None
    buuv = client.get(f"/api/v1/initiatives/{me['initiative_id']}").json()
    assert buuv["name"] == "BUUV"
    volunteer = login(client, "Volunteer@Demo.Koppel.nl", PASSWORD).json()["access_token"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {volunteer}"}).json()
    assert me["role"] == "volunteer" and me["volunteer_id"] is not None


def test_tokens_are_stored_hashed(client, session):
    token = login(client, "staff@demo.koppel.nl", PASSWORD).json()["access_token"]
    rows = session.exec(select(ApiToken.token_hash)).all()
    assert token not in rows and all(len(h) == 64 for h in rows)


def test_wrong_password_is_401_and_logged_without_the_password(client, session, caplog):
    caplog.set_level(logging.INFO)
    response = login(client, "staff@demo.koppel.nl", "not-the-password-1")
    assert response.status_code == 401
    assert response.json()["error"] == "login_failed"
    assert "not-the-password-1" not in caplog.text
    assert "login failed for staff@demo.koppel.nl" in caplog.text
    session.expire_all()
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "login")).all()
    assert events[-1].outcome == "failed"
    login(client, "staff@demo.koppel.nl", PASSWORD)
    session.expire_all()
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "login")).all()
    assert events[-1].outcome == "success" and events[-1].actor_role == "staff"


def test_sixth_rapid_wrong_password_is_refused_even_with_the_right_one(client):
    for _ in range(5):
        assert login(client, "broker@demo.koppel.nl", "wrong-password-x").status_code == 401
    sixth = login(client, "broker@demo.koppel.nl", "wrong-password-x")
    assert sixth.status_code == 429
    assert sixth.json()["error"] == "too_many_attempts"
    assert 0 < int(sixth.headers["retry-after"]) <= 30
    refused = login(client, "broker@demo.koppel.nl", PASSWORD)
    assert refused.status_code == 429
    assert "Probeer het over" in refused.json()["detail"]
    # Another account from the same address is not blocked by this one.
    assert login(client, "staff@demo.koppel.nl", PASSWORD).status_code == 200


def test_unknown_account_answers_like_a_wrong_password(client):
    response = login(client, "nobody@demo.koppel.nl", PASSWORD)
    assert response.status_code == 401
    assert response.json()["detail"] == "Onbekend e-mailadres of onjuist wachtwoord."


def test_revoked_and_expired_tokens_stop_working(client, session):
    token = token_for("staff@demo.koppel.nl")
    headers = {"Authorization": f"Bearer {token}"}
    tokens = client.get("/api/v1/auth/tokens", headers=headers).json()
    assert tokens and "token_hash" not in tokens[0]
    assert client.delete(f"/api/v1/auth/tokens/{tokens[-1]['id']}",
                         headers=headers).status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    other = token_for("staff@demo.koppel.nl")
    row = session.exec(select(ApiToken).order_by(ApiToken.id.desc())).first()
    row.expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {other}"}
                      ).status_code == 401


def test_cannot_revoke_someone_elses_token(login_as, session):
    staff = login_as("staff")
    token_for("broker@demo.koppel.nl")
    broker_token = session.exec(select(ApiToken).join(User, User.id == ApiToken.user_id)
                                .where(User.email == "broker@demo.koppel.nl")).first()
    assert staff.delete(f"/api/v1/auth/tokens/{broker_token.id}").status_code == 404
    session.expire_all()
    assert session.get(ApiToken, broker_token.id).revoked_at is None


def test_garbage_credentials_are_422_or_401_never_500(client):
    assert client.post("/api/v1/auth/token", data={}).status_code == 422
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer nonsense"}
                      ).status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": "Basic abc"}).status_code == 401


def test_twenty_failures_from_one_address_block_every_account_from_it(client):
    # Twenty different accounts, one wrong password each: no account reaches its own limit.
    for i in range(20):
        assert login(client, f"gok{i}@demo.koppel.nl", "wrong-password-x").status_code == 401
    refused = login(client, "staff@demo.koppel.nl", PASSWORD)
    assert refused.status_code == 429
    assert 0 < int(refused.headers["retry-after"]) <= 30


def test_an_account_waits_thirty_seconds_after_five_failures_doubling_up_to_an_hour(session):
    key = "account:broker@demo.koppel.nl"
    for _ in range(4):
        throttle.record_failure(session, " Broker@Demo.Koppel.NL ", None)
    assert throttle.blocked(session, "broker@demo.koppel.nl", None) is None
    assert {row.key for row in session.exec(select(LoginThrottle))} == {key}
    waits = []
    for _ in range(9):
        throttle.record_failure(session, "broker@demo.koppel.nl", None)
        row = session.get(LoginThrottle, key)
        waits.append((row.blocked_until - row.last_failure_at).total_seconds())
    assert row.failures == 13
    assert waits == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
    now = row.last_failure_at
    assert throttle.blocked(session, "BROKER@demo.koppel.nl", None, now=now) == \
        throttle.Block(key, 3600)
    assert throttle.blocked(session, "broker@demo.koppel.nl", "10.0.0.9",
                            now=row.blocked_until - timedelta(seconds=0.5)).retry_after_seconds == 1
    assert throttle.blocked(session, "broker@demo.koppel.nl", None, now=row.blocked_until) is None
    throttle.record_success(session, "broker@demo.koppel.nl", None)
    assert session.get(LoginThrottle, key) is None


def test_an_address_waits_after_twenty_failures_within_fifteen_minutes(session):
    key = "address:10.0.0.9"
    for i in range(19):
        throttle.record_failure(session, f"gok{i}@demo.koppel.nl", "10.0.0.9")
    assert throttle.blocked(session, "staff@demo.koppel.nl", "10.0.0.9") is None
    waits = []
    for i in range(26):
        throttle.record_failure(session, f"raad{i}@demo.koppel.nl", "10.0.0.9")
        row = session.get(LoginThrottle, key)
        waits.append((row.blocked_until - row.last_failure_at).total_seconds())
    assert waits[:7] == [30, 60, 120, 240, 480, 900, 900] and waits[-1] == 900
    assert row.failures == len(row.recent) == 41  # the window keeps twice the allowance, + 1
    block = throttle.blocked(session, "staff@demo.koppel.nl", "10.0.0.9", now=row.last_failure_at)
    assert block == throttle.Block(key, 900)
    with time_machine.travel(utcnow() + timedelta(minutes=16)):
        throttle.record_failure(session, "gok0@demo.koppel.nl", "10.0.0.9")
    assert session.get(LoginThrottle, key).failures == 1
    throttle.record_success(session, "staff@demo.koppel.nl", "10.0.0.9")
    assert session.get(LoginThrottle, key) is None
    assert session.get(LoginThrottle, "account:gok0@demo.koppel.nl") is not None
