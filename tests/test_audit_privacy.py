"""Audit of personal-data access, the right to export and delete, and retention."""

from datetime import timedelta

import pytest
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from db.models import AuditEvent, ParticipationClient, User, Volunteer
from db.session import unit_of_work
from db.types import utcnow
from services.people import retention
from services.people import tasks as people_tasks


def events(session, **where):
    session.expire_all()
    stmt = select(AuditEvent).order_by(AuditEvent.id)
    for key, value in where.items():
        stmt = stmt.where(getattr(AuditEvent, key) == value)
    return session.exec(stmt).all()


def volunteer_id(session) -> int:
    return session.exec(select(Volunteer.id).where(Volunteer.name == "Sanne de Vries")).one()


def test_each_staff_read_of_a_volunteer_leaves_exactly_one_event(login_as, session):
    vid = volunteer_id(session)
    staff = login_as("staff")
    before = len(events(session, subject_type="volunteer"))
    response = staff.get(f"/api/v1/volunteers/{vid}", headers={"X-Purpose": "intake"})
    assert response.status_code == 200
    new = events(session, subject_type="volunteer")[before:]
    assert len(new) == 1
    event = new[0]
    assert (event.actor_role, event.action, event.subject_id, event.purpose, event.outcome) == \
        ("staff", "read", str(vid), "intake", "success")
    assert event.request_id == response.headers["x-request-id"]
    assert event.municipality_code == "GM0392"
    # No data values in the trail.
    assert "Sanne" not in repr(event.model_dump())


def test_a_failed_read_is_audited_too(login_as, session):
    rotterdam = login_as("broker-rotterdam")
    before = len(events(session, subject_type="volunteer"))
    assert rotterdam.get(f"/api/v1/volunteers/{volunteer_id(session)}").status_code == 404
    assert rotterdam.get("/api/v1/volunteers/987654").status_code == 404
    new = events(session, subject_type="volunteer")[before:]
    assert [(e.actor_role, e.outcome) for e in new] == [("broker", "failed")] * 2


def test_client_reads_and_changes_are_audited(login_as, session):
    client_id = session.exec(select(ParticipationClient.id)).first()
    before = len(events(session, subject_type="client"))
    login_as("consultant").get(f"/api/v1/clients/{client_id}")
    login_as("broker").get(f"/api/v1/clients/{client_id}")
    login_as("consultant").patch(f"/api/v1/clients/{client_id}", json={"skills": ["cooking"]})
    new = events(session, subject_type="client")[before:]
    assert [(e.actor_role, e.action) for e in new] == [
        ("consultant", "read"), ("broker", "read"), ("consultant", "update")]


def test_volunteers_reading_themselves_are_not_audited(login_as, session):
    volunteer = login_as("volunteer")
    before = len(events(session, subject_type="volunteer"))
    volunteer.get(f"/api/v1/volunteers/{volunteer_id(session)}")
    assert len(events(session, subject_type="volunteer")) == before


def test_staff_list_their_own_municipality_events_only(login_as, session):
    login_as("broker-rotterdam").get("/api/v1/volunteers/987654")
    login_as("broker").get(f"/api/v1/volunteers/{volunteer_id(session)}")
    listed = login_as("staff").get("/api/v1/audit-events").json()
    assert listed and {e["municipality_code"] for e in listed} == {"GM0392"}
    everything = login_as("admin").get("/api/v1/audit-events?limit=500").json()
    assert "GM0599" in {e["municipality_code"] for e in everything}


def test_audit_events_cannot_be_changed_or_deleted(connection, session):
    with unit_of_work() as s:
        s.add(AuditEvent(actor_role="staff", action="read", subject_type="volunteer",
                         subject_id="1", purpose="test", outcome="success"))
    event = events(session)[-1]
    for statement in ("UPDATE audit_event SET purpose = 'x' WHERE id = :id",
                      "DELETE FROM audit_event WHERE id = :id"):
        nested = connection.begin_nested()
        with pytest.raises(DBAPIError, match="append-only"):
            connection.exec_driver_sql(statement.replace(":id", str(event.id)))
        nested.rollback()


def test_volunteer_exports_and_deletes_their_account(login_as, session, client):
    volunteer = login_as("volunteer")
    export = volunteer.get("/api/v1/me/export")
    assert export.status_code == 200
    body = export.json()
    assert body["account"]["email"] == "volunteer@demo.koppel.nl"
    assert body["volunteer"]["name"] == "Sanne de Vries"
    assert body["volunteer"]["skills"] == ["cooking", "transport", "language"]
    vid = body["volunteer"]["id"]
    assert volunteer.delete("/api/v1/me").status_code == 204
    session.expire_all()
    row = session.get(Volunteer, vid)
    assert row.name is None and row.email is None and row.phone is None and row.pc4 is None
    assert row.erased_at is not None and row.user_id is None
    user = session.exec(select(User).where(User.role == "volunteer")).first()
    assert user.email.endswith("@koppel.invalid") and not user.is_active
    assert volunteer.get("/api/v1/me").status_code == 401
    login = client.post("/api/v1/auth/token", data={"username": "volunteer@demo.koppel.nl",
                                                   "password": "koppel-demo"})
    assert login.status_code == 401
    erased = events(session, subject_type="user", action="erase")
    assert [(e.subject_id, e.actor_role) for e in erased] == [(str(user.id), "volunteer")]


def test_only_volunteers_delete_themselves(login_as):
    assert login_as("staff").delete("/api/v1/me").status_code == 403


def _age(session, vid: int, months: int) -> None:
    row = session.get(Volunteer, vid)
    row.last_active_at = utcnow() - timedelta(days=30.5 * months)
    session.commit()


def test_retention_dry_run_lists_without_erasing(connection, session):
    vid = volunteer_id(session)
    _age(session, vid, 25)
    before_events = len(events(session))
    with unit_of_work() as s:
        report = retention.apply(s, dry_run=True)
    assert report.volunteers == [vid]
    assert "would erase 1 inactive volunteers" in report.lines()[0]
    session.expire_all()
    assert session.get(Volunteer, vid).name == "Sanne de Vries"
    assert len(events(session)) == before_events


def test_retention_erases_and_logs_each_erasure(connection, session):
    vid = volunteer_id(session)
    _age(session, vid, 25)
    client = session.exec(select(ParticipationClient)).first()
    client.closed_at = utcnow() - timedelta(days=800)
    session.commit()
    result = people_tasks.apply_retention.apply(kwargs={"dry_run": False}).get()
    assert result["volunteers"] == [vid] and result["clients"] == [client.id]
    session.expire_all()
    assert session.get(Volunteer, vid).name is None
    assert session.get(ParticipationClient, client.id).pseudonym == f"gewist-{client.id}"
    erasures = [(e.subject_type, e.subject_id) for e in events(session, action="erase")]
    assert ("volunteer", str(vid)) in erasures and ("client", str(client.id)) in erasures
    again = people_tasks.apply_retention.apply(kwargs={"dry_run": False}).get()
    assert again["volunteers"] == [] and again["clients"] == []


def test_recently_active_volunteers_are_kept(connection, session):
    vid = volunteer_id(session)
    _age(session, vid, 23)
    with unit_of_work() as s:
        assert retention.apply(s, dry_run=True).volunteers == []
        retention.apply(s, dry_run=False)
    session.expire_all()
    kept = session.get(Volunteer, vid)
    assert kept.erased_at is None and kept.name == "Sanne de Vries"


def test_cors_is_closed_and_hsts_is_sent_over_https(client, connection):
    preflight = client.options("/api/v1/initiatives", headers={
        "Origin": "https://elders.example", "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in preflight.headers
    from fastapi.testclient import TestClient

    from services.api.app import create_app

    with TestClient(create_app(embedded_worker=False), base_url="https://koppel.test") as tls:
        assert "max-age" in tls.get("/").headers["strict-transport-security"]
    assert "strict-transport-security" not in client.get("/").headers
