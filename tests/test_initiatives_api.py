"""Creating, reading, changing and deleting initiatives with needs and offers over the API."""

from sqlmodel import func, select

from db.models import Initiative, Need, Offer
from tests.factories import initiative_payload, need_payload


def count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def test_create_initiative_with_needs_and_offers_returns_dutch_labels(admin):
    payload = initiative_payload(
        themes=["caregiver_support", "elderly_care"],
        actor_type="collective", actor_subtype="care_collective", phase="startup",
        needs=[need_payload(hours_per_week=3, skills=["care", "cooking"]),
               need_payload(kind="start_grant", title="Startbudget", amount_eur=2500)],
        offers=[{"kind": "company", "description": "Koffie en een praatje", "capacity": 4}],
    )
    response = admin.post("/api/v1/initiatives", json=payload)
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["location"] == f"/api/v1/initiatives/{body['id']}"
    assert body["municipality"] == "GM0392" and body["municipality_name"] == "Haarlem"
    assert body["place"] == "Haarlem" and body["latitude"] is not None
    assert body["themes"] == ["caregiver_support", "elderly_care"]
    assert body["labels"]["themes"] == ["Ondersteuning mantelzorg", "Zorg bieden aan ouderen"]
    assert body["labels"]["actor_subtype"] == "Sociaal en zorgcollectief"
    assert body["labels"]["phase"] == "Opstartfase"
    assert [n["kind_label"] for n in body["needs"]] == ["Vrijwilligers, handen", "Startsubsidie"]
    assert body["needs"][1]["amount_eur"] == 2500
    assert body["offers"][0]["kind_label"] == "Gezelschap"

    fetched = admin.get(f"/api/v1/initiatives/{body['id']}").json()
    assert fetched["needs"] == body["needs"]
    assert admin.get(f"/api/v1/initiatives/{body['id']}/needs").json() == body["needs"]
    assert admin.get(f"/api/v1/initiatives/{body['id']}/offers").json() == body["offers"]


def test_patch_changes_only_sent_fields_and_null_clears(admin):
    created = admin.post("/api/v1/initiatives", json=initiative_payload(
        phase="idea", website="https://example.org/linde")).json()
    response = admin.patch(f"/api/v1/initiatives/{created['id']}",
                            json={"phase": "maturing", "website": None,
                                  "themes": ["youth_networks"]})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["phase"] == "maturing" and body["labels"]["phase"] == "Rijping"
    assert body["website"] is None
    assert body["themes"] == ["youth_networks"]
    assert body["name"] == created["name"] and body["pc4"] == "2011"
    assert body["updated_at"] >= created["updated_at"]


def test_delete_removes_initiative_with_its_needs_and_offers(admin, session):
    before = (count(session, Initiative), count(session, Need), count(session, Offer))
    created = admin.post("/api/v1/initiatives", json=initiative_payload(
        needs=[need_payload()], offers=[{"kind": "groceries"}])).json()
    assert admin.delete(f"/api/v1/initiatives/{created['id']}").status_code == 204
    assert admin.get(f"/api/v1/initiatives/{created['id']}").status_code == 404
    session.expire_all()
    assert (count(session, Initiative), count(session, Need), count(session, Offer)) == before


def test_need_and_offer_lifecycle(admin):
    ini = admin.post("/api/v1/initiatives", json=initiative_payload()).json()
    base = f"/api/v1/initiatives/{ini['id']}"
    need = admin.post(f"{base}/needs", json=need_payload(hours_per_week=2)).json()
    assert need["status"] == "open" and need["status_label"] == "Open"
    changed = admin.patch(f"{base}/needs/{need['id']}", json={"status": "fulfilled"})
    assert changed.status_code == 200 and changed.json()["status_label"] == "Vervuld"
    offer = admin.post(f"{base}/offers", json={"kind": "participation_place", "capacity": 2})
    assert offer.status_code == 201 and offer.json()["kind_label"] == "Participatieplek"
    offer_id = offer.json()["id"]
    assert admin.patch(f"{base}/offers/{offer_id}", json={"capacity": 3}).json()["capacity"] == 3
    assert admin.delete(f"{base}/needs/{need['id']}").status_code == 204
    assert admin.delete(f"{base}/offers/{offer_id}").status_code == 204
    assert admin.get(f"{base}/needs").json() == []
    assert admin.get(f"{base}/needs/{need['id']}").status_code == 404


def test_need_of_another_initiative_is_not_found(admin):
    a = admin.post("/api/v1/initiatives", json=initiative_payload(
        name="A", needs=[need_payload()])).json()
    b = admin.post("/api/v1/initiatives", json=initiative_payload(name="B")).json()
    need_id = a["needs"][0]["id"]
    response = admin.get(f"/api/v1/initiatives/{b['id']}/needs/{need_id}")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert admin.delete(f"/api/v1/initiatives/{b['id']}/needs/{need_id}").status_code == 404
    assert len(admin.get(f"/api/v1/initiatives/{a['id']}/needs").json()) == 1


def test_unknown_ids_answer_404_in_the_error_shape(admin):
    for method, path in [("get", "/api/v1/initiatives/999999"),
                         ("patch", "/api/v1/initiatives/999999"),
                         ("delete", "/api/v1/initiatives/999999"),
                         ("get", "/api/v1/initiatives/999999/needs"),
                         ("post", "/api/v1/initiatives/999999/offers")]:
        kwargs = {"json": {"kind": "groceries"} if method == "post" else {"phase": "idea"}} \
            if method in ("patch", "post") else {}
        response = getattr(admin, method)(path, **kwargs)
        assert response.status_code == 404, (method, path, response.text)
        assert set(response.json()) == {"error", "detail", "fields"}
