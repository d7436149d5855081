"""Bad input gets a 422 naming the field, never a 500, and never a half-written record."""

import pytest
from sqlmodel import func, select

from db.models import Initiative, Need
from tests.factories import initiative_payload, need_payload


def _count(session, model):
    session.expire_all()
    return session.exec(select(func.count()).select_from(model)).one()


@pytest.mark.parametrize(
    ("override", "field", "reason_part"),
    [
        ({"themes": ["social_cohesion", "knitting"]}, "themes.1", "onbekende code 'knitting'"),
        ({"pc4": "0123"}, "pc4", "vier cijfers"),
        ({"pc4": "1234"}, "pc4", "bestaat niet"),
        ({"pc4": "20111"}, "pc4", "vier cijfers"),
        ({"name": ""}, "name", "leeg"),
        ({"phase": "teenager"}, "phase", "onbekende code"),
        ({"municipality": "GM9999"}, "municipality", "onbekende gemeente"),
        ({"municipality": "Haarlem"}, "municipality", "vorm"),
        ({"municipality": None}, "municipality", "hoort bij een gemeente"),
        ({"actor_type": "collective", "actor_subtype": "freelancer"}, "actor_subtype",
         "onbekend subtype"),
        ({"actor_subtype": "freelancer"}, "actor_subtype", "kies eerst"),
        ({"contact_email": "niet-een-adres"}, "contact_email", "e-mailadres"),
        ({"website": "geen url"}, "website", "webadres"),
        ({"founding_year": 1492}, "founding_year", ""),
        ({"size_volunteers": "veel"}, "size_volunteers", "onbekende code"),
        ({"colour": "blue"}, "colour", "onbekend veld"),
        ({"needs": [need_payload(kind="start_grant", amount_eur=-5)]}, "needs.0.amount_eur",
         "negatief"),
        ({"needs": [need_payload(amount_eur=100)]}, "needs.0.amount_eur", "past niet"),
        ({"needs": [need_payload(kind="permit", skills=["ict"])]}, "needs.0.skills", "passen niet"),
        ({"needs": [need_payload(skills=["juggling"])]}, "needs.0.skills.0", "onbekende code"),
        ({"needs": [{"kind": "volunteers"}]}, "needs.0.title", "verplicht"),
        ({"offers": [{"kind": "karaoke"}]}, "offers.0.kind", "onbekende code"),
        ({"offers": [{"kind": "company", "capacity": 0}]}, "offers.0.capacity", ""),
    ],
)
def test_invalid_initiative_is_refused_with_the_field_named(admin, session, override, field,
                                                            reason_part):
    before = (_count(session, Initiative), _count(session, Need))
    payload = initiative_payload(needs=[need_payload()])
    payload.update(override)
    response = admin.post("/api/v1/initiatives", json=payload)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] == "validation_failed"
    assert field in body["fields"], body
    assert reason_part in body["fields"][field]
    assert (_count(session, Initiative), _count(session, Need)) == before


def test_missing_required_fields_are_all_named(admin):
    response = admin.post("/api/v1/initiatives", json={})
    assert response.status_code == 422
    assert response.json()["fields"] == {"name": "dit veld is verplicht",
                                         "scope": "dit veld is verplicht"}


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[]", b'{"name": 5, "scope": ["local"]}', b'{"needs": "many"}',
     b'{"name": "x", "scope": "local", "founding_year": 1e309}', b"\xff\xfe",
     b'{"name": "' + b"x" * 300 + b'", "scope": "national"}'],
)
def test_garbage_bodies_get_422_never_500(admin, body):
    response = admin.post("/api/v1/initiatives", content=body,
                           headers={"content-type": "application/json"})
    assert response.status_code == 422, response.text
    assert set(response.json()) == {"error", "detail", "fields"}


def test_failed_need_write_keeps_the_initiative_unchanged(admin, session):
    ini = admin.post("/api/v1/initiatives", json=initiative_payload()).json()
    response = admin.post(f"/api/v1/initiatives/{ini['id']}/needs",
                           json=need_payload(kind="permit", hours_per_week=4))
    assert response.status_code == 422
    assert response.json()["fields"] == {"hours_per_week": "uren passen niet bij een behoefte "
                                                           "'Vergunning'"}
    assert admin.get(f"/api/v1/initiatives/{ini['id']}/needs").json() == []


def test_patch_cannot_clear_required_fields_or_break_subtypes(admin):
    ini = admin.post("/api/v1/initiatives", json=initiative_payload(
        actor_type="collective", actor_subtype="care_collective")).json()
    url = f"/api/v1/initiatives/{ini['id']}"
    assert admin.patch(url, json={"name": None}).json()["fields"] == {
        "name": "dit veld is verplicht"}
    response = admin.patch(url, json={"actor_type": "social_entrepreneur"})
    assert response.status_code == 422
    assert "actor_subtype" in response.json()["fields"]
    assert admin.get(url).json()["actor_type"] == "collective"


def test_list_filters_are_validated(admin):
    for query, field in [("theme=knitting", "theme"), ("pc4=12", "pc4"),
                         ("radius_km=5", "pc4"), ("pc4=2011&radius_km=-1", "radius_km"),
                         ("limit=0", "limit"), ("cursor=%%%", "cursor"),
                         ("cursor=WyJhIl0", "cursor"), ("need_kind=x", "need_kind")]:
        response = admin.get(f"/api/v1/initiatives?{query}")
        assert response.status_code == 422, (query, response.text)
        assert field in response.json()["fields"], (query, response.json())
