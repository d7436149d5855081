"""Volunteers and Participatiewet clients: tenancy, minimal data, no BSN."""

from sqlmodel import select

from db.models import Initiative, ParticipationClient, Volunteer
from tests.factories import initiative_payload

VALID_BSN = "111222333"  # passes the eleven-test


def volunteer_payload(**extra):
    payload = {"name": "Jan Jansen", "email": "jan@example.org", "pc4": "2011",
               "skills": ["handyman"], "availability": ["mon_morning"], "consent": True}
    payload.update(extra)
    return payload


def client_payload(**extra):
    payload = {"pseudonym": "Kandidaat Zuid-7", "route": "guide_to_volunteering",
               "skills": ["gardening"], "availability": ["tue_morning"],
               "restrictions": ["no_evenings"], "capacity_hours_per_week": 6}
    payload.update(extra)
    return payload


def demo_volunteer_id(session) -> int:
    """The demo volunteer account's profile (lives in Haarlem)."""
    return session.exec(select(Volunteer.id).where(Volunteer.name == "Sanne de Vries")).one()


def test_staff_registers_a_resident_and_reads_it_back(login_as):
    staff = login_as("staff")
    created = staff.post("/api/v1/volunteers", json=volunteer_payload())
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["municipality"] == "GM0392" and body["place"] == "Haarlem"
    assert body["consent_given_at"] is not None
    assert staff.get(f"/api/v1/volunteers/{body['id']}").json()["name"] == "Jan Jansen"


def test_volunteer_sees_only_themselves(login_as, session):
    volunteer = login_as("volunteer")
    me = volunteer.get("/api/v1/me").json()
    own = volunteer.get(f"/api/v1/volunteers/{me['volunteer_id']}").json()
    assert (own["id"], own["name"]) == (me["volunteer_id"], "Sanne de Vries")
    other = login_as("staff").post("/api/v1/volunteers", json=volunteer_payload()).json()
    assert volunteer.get(f"/api/v1/volunteers/{other['id']}").status_code == 404


def test_cross_tenant_reads_answer_404(login_as, session):
    haarlem_volunteer = demo_volunteer_id(session)
    rotterdam = login_as("broker-rotterdam")
    response = rotterdam.get(f"/api/v1/volunteers/{haarlem_volunteer}")
    assert response.status_code == 404
    assert "Sanne" not in response.text
    assert login_as("broker").get(f"/api/v1/volunteers/{haarlem_volunteer}"
                                  ).json()["name"] == "Sanne de Vries"
    client_id = session.exec(select(ParticipationClient.id)).first()
    assert rotterdam.get(f"/api/v1/clients/{client_id}").status_code == 404


def test_consent_is_required(login_as):
    response = login_as("staff").post("/api/v1/volunteers", json=volunteer_payload(consent=False))
    assert response.status_code == 422 and "consent" in response.json()["fields"]


def test_bsn_like_numbers_are_refused_in_free_text(login_as, admin):
    staff = login_as("staff")
    response = staff.post("/api/v1/volunteers",
                          json=volunteer_payload(about=f"BSN {VALID_BSN}, graag bellen"))
    assert response.status_code == 422
    assert "burgerservicenummer" in response.json()["fields"]["about"]
    grouped = staff.post("/api/v1/volunteers", json=volunteer_payload(name="Jan 1112.22.333"))
    assert "burgerservicenummer" in grouped.json()["fields"]["name"]
    initiative = admin.post("/api/v1/initiatives", json=initiative_payload(
        description=f"Aanmelden met nummer {VALID_BSN}"))
    assert initiative.status_code == 422 and "description" in initiative.json()["fields"]
    # Nine digits that fail the eleven-test, and phone numbers, are fine.
    ok = staff.post("/api/v1/volunteers", json=volunteer_payload(about="Kenmerk 123456789",
                                                                 phone="06 12345678"))
    assert ok.status_code == 201, ok.text
    consultant = login_as("consultant")
    client = consultant.post("/api/v1/clients", json=client_payload(pseudonym=VALID_BSN))
    assert client.status_code == 422


def test_client_records_have_no_bsn_or_exemption_fields(login_as):
    consultant = login_as("consultant")
    for extra in ({"bsn": VALID_BSN}, {"exemption_reason": "medisch"}, {"benefit": "bijstand"}):
        response = consultant.post("/api/v1/clients", json=client_payload(**extra))
        assert response.status_code == 422
        assert list(response.json()["fields"].values()) == ["onbekend veld"]


def test_client_views_per_role(login_as):
    consultant = login_as("consultant")
    created = consultant.post("/api/v1/clients", json=client_payload())
    assert created.status_code == 201, created.text
    client_id = created.json()["id"]
    full = consultant.get(f"/api/v1/clients/{client_id}").json()
    assert full["pseudonym"] == "Kandidaat Zuid-7"
    assert full["restriction_labels"] == ["Niet 's avonds"]
    assert login_as("staff").get(f"/api/v1/clients/{client_id}").json()["pseudonym"] == \
        "Kandidaat Zuid-7"
    candidate = login_as("broker").get(f"/api/v1/clients/{client_id}").json()
    assert candidate == {"id": client_id, "kind": "candidate",
                         "label": "kandidaat via consulent", "skills": ["gardening"],
                         "availability": ["tue_morning"]}
    for role in ("initiator", "fund", "volunteer", "admin"):
        assert login_as(role).get(f"/api/v1/clients/{client_id}").status_code == 403, role
    other = consultant.post("/api/v1/clients", json=client_payload(pseudonym="Kandidaat Zuid-7"))
    assert other.status_code == 422 and "pseudonym" in other.json()["fields"]


def test_initiator_edits_only_their_own_initiative(login_as, session):
    initiator = login_as("initiator")
    own = initiator.get("/api/v1/me").json()["initiative_id"]
    changed = initiator.patch(f"/api/v1/initiatives/{own}", json={"phase": "established"})
    assert changed.json()["phase"] == "established"
    session.expire_all()
    assert session.get(Initiative, own).phase == "established"
    other = login_as("admin").post("/api/v1/initiatives", json=initiative_payload()).json()
    response = initiator.patch(f"/api/v1/initiatives/{other['id']}", json={"phase": "idea"})
    assert response.status_code == 404
    assert initiator.post("/api/v1/initiatives", json=initiative_payload()).status_code == 409


def test_broker_writes_only_in_their_municipality(login_as):
    broker = login_as("broker")
    created = broker.post("/api/v1/initiatives", json=initiative_payload(name="Buurtmaaltijd"))
    assert created.status_code == 201
    elsewhere = broker.post("/api/v1/initiatives", json=initiative_payload(
        municipality="GM0599", pc4="3011"))
    assert elsewhere.status_code == 422 and "municipality" in elsewhere.json()["fields"]
    rotterdam = login_as("broker-rotterdam")
    assert rotterdam.patch(f"/api/v1/initiatives/{created.json()['id']}",
                           json={"phase": "idea"}).status_code == 404


def test_contact_data_is_hidden_from_funds_and_the_public(login_as, client, admin):
    created = admin.post("/api/v1/initiatives", json=initiative_payload(
        contact_name="Fatima El Amrani", contact_email="fatima@example.org")).json()
    url = f"/api/v1/initiatives/{created['id']}"
    for reader in (client, login_as("fund"), login_as("volunteer")):
        body = reader.get(url).json()
        assert body["contact_name"] is None and body["contact_email"] is None
    assert login_as("broker").get(url).json()["contact_email"] == "fatima@example.org"


def test_unpublished_initiative_of_another_municipality_is_404(login_as, admin):
    hidden = admin.post("/api/v1/initiatives", json=initiative_payload(
        municipality="GM0599", pc4="3011", published=False)).json()
    assert login_as("staff").get(f"/api/v1/initiatives/{hidden['id']}").status_code == 404
    seen = login_as("broker-rotterdam").get(f"/api/v1/initiatives/{hidden['id']}").json()
    assert (seen["id"], seen["name"], seen["published"]) == (hidden["id"], hidden["name"], False)
