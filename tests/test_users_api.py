"""Users API: admins list, invite, re-role and (de)activate accounts; every change audited."""

from sqlmodel import select

from db.models import AuditEvent, MailMessage, User


def audit_of(session, user_id: int) -> list[tuple[str, str]]:
    session.expire_all()
    return [(e.action, e.purpose) for e in session.exec(
        select(AuditEvent).where(AuditEvent.subject_type == "user",
                                 AuditEvent.subject_id == str(user_id))
        .order_by(AuditEvent.id))]


def test_admin_lists_every_account_in_pages(admin, session):
    first = admin.get("/api/v1/users", params={"limit": 2}).json()
    assert set(first) == {"items", "next_cursor"} and len(first["items"]) == 2
    assert "password_hash" not in first["items"][0]
    seen = [u["id"] for u in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        page = admin.get("/api/v1/users", params={"cursor": cursor, "limit": 2}).json()
        seen += [u["id"] for u in page["items"]]
        cursor = page["next_cursor"]
    assert seen == sorted(session.exec(select(User.id)))


def test_admin_invites_by_api_and_the_mail_is_queued(admin, session):
    made = admin.post("/api/v1/users", json={
        "email": "api.makelaar@example.nl", "display_name": "Api Makelaar", "role": "broker",
        "municipality_code": "GM0392", "organisation_id": None})
    assert made.status_code == 201, made.text
    body = made.json()
    assert (body["email"], body["role"], body["municipality_code"], body["is_active"]) == \
        ("api.makelaar@example.nl", "broker", "GM0392", True)
    session.expire_all()
    mail = session.exec(select(MailMessage).where(
        MailMessage.to_address == "api.makelaar@example.nl")).one()
    assert mail.kind == "account_invite"
    assert audit_of(session, body["id"])[0][0] == "user.invite"

    taken = admin.post("/api/v1/users", json={
        "email": "api.makelaar@example.nl", "display_name": "Nog eens", "role": "broker",
        "municipality_code": "GM0392"})
    assert taken.status_code == 409 and taken.json()["fields"]["email"]
    scopeless = admin.post("/api/v1/users", json={
        "email": "zonder@example.nl", "display_name": "Zonder gemeente", "role": "broker"})
    assert scopeless.status_code == 422
    assert scopeless.json()["fields"]["municipality_code"] == "deze rol hoort bij een gemeente"
    bad_role = admin.post("/api/v1/users", json={
        "email": "rol@example.nl", "display_name": "Rol", "role": "keizer"})
    assert bad_role.status_code == 422 and "role" in bad_role.json()["fields"]


def test_admin_changes_role_and_state_audited_like_the_web(admin, login_as, session):
    broker = session.exec(select(User).where(User.email == "broker@demo.koppel.nl")).one()
    path = f"/api/v1/users/{broker.id}"
    assert login_as("broker").get("/api/v1/me").status_code == 200
    changed = admin.patch(path, json={"role": "staff"})
    assert changed.status_code == 200 and changed.json()["role"] == "staff"
    off = admin.patch(path, json={"is_active": False})
    assert off.status_code == 200 and off.json()["is_active"] is False
    assert login_as("broker").get("/api/v1/me").status_code == 401
    both = admin.patch(path, json={"role": "broker", "is_active": True})
    assert both.json()["role"] == "broker" and both.json()["is_active"] is True
    assert [a for a, _ in audit_of(session, broker.id)] == \
        ["user.role", "user.deactivate", "user.role", "user.activate"]
    assert audit_of(session, broker.id)[0][1] == "rol Makelaar → Medewerker gemeente"

    assert admin.patch(path, json={"role": None}).status_code == 422
    assert admin.patch(path, json={"password": "x"}).status_code == 422
    assert admin.patch("/api/v1/users/999999", json={"is_active": False}).status_code == 404
    me = session.exec(select(User).where(User.email == "admin@demo.koppel.nl")).one()
    own = admin.patch(f"/api/v1/users/{me.id}", json={"is_active": False})
    assert own.status_code == 422 and own.json()["fields"]["user"]


def test_only_admins_manage_users(login_as):
    staff = login_as("staff")
    assert staff.get("/api/v1/users").status_code == 403
    assert staff.post("/api/v1/users", json={
        "email": "x@example.nl", "display_name": "X", "role": "staff",
        "municipality_code": "GM0392"}).status_code == 403
    assert staff.patch("/api/v1/users/1", json={"is_active": False}).status_code == 403
