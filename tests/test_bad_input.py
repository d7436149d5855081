"""Bad input, careless or hostile, gets a clear Dutch 4xx and stores nothing."""

import json
from typing import Annotated

import pytest
from bs4 import BeautifulSoup
from fastapi.routing import APIRoute
from pydantic import BaseModel, TypeAdapter, ValidationError
from sqlmodel import func, select
from starlette.routing import Mount

from core.privacy import (
    BSN_MESSAGE,
    NUL_MESSAGE,
    FreeText,
    NoBsn,
    contains_bsn,
    passes_eleven_test,
)
from db.models import Initiative, Match, Need, ResidentContact, Volunteer
from services.api.app import create_app
from tests.factories import initiative_payload, need_payload
from tests.test_web_auth import csrf_token, web_login

VALID_BSN = "123456782"  # passes the eleven-test
# The same number written the ways people (and attackers) write numbers.
BSN_VARIANTS = [
    VALID_BSN, "123 456 782", "123.45.67.82", "123-456-782", "123/456/782", "123,456,782",
    "123_456_782", "123\t456\t782", "123\u00a0456\u00a0782", "123\u200b456\u200b782",
    "huisnummer 12 123456782", "bel 06 12 123456782", "BSN:123456782.",
]
MAX_ID = 2_147_483_647


def count(session, model) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(model)).one()


def assert_dutch_error(response, status: int = 422) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "detail", "fields"}
    assert not any(word in json.dumps(body) for word in ("Input should", "Field required",
                                                         "error parsing", "Not Found"))
    return body


@pytest.mark.parametrize("text", BSN_VARIANTS)
def test_a_bsn_is_refused_however_it_is_written(admin, session, text):
    before = count(session, Initiative)
    response = admin.post("/api/v1/initiatives", json=initiative_payload(
        description=f"Aanmelden: {text}"))
    assert "burgerservicenummer" in assert_dutch_error(response)["fields"]["description"]
    assert count(session, Initiative) == before


def test_the_eleven_test_is_put_to_every_nine_digit_window():
    assert passes_eleven_test(VALID_BSN) and passes_eleven_test("111222333")
    for digits in ("123456781", "12345678", "1234567820", "12345678a", "000000000", ""):
        assert not passes_eleven_test(digits), digits
    assert contains_bsn("kenmerk 1234567820")  # its first nine digits pass
    assert contains_bsn("nummer 91234567820 graag")  # and so do nine in the middle
    for text in (None, "", "Kenmerk 123456789", "12345 straat 6782", "000 000 000"):
        assert not contains_bsn(text), text


def test_free_text_refuses_a_bsn_and_a_nul_character_with_its_own_message():
    free, optional = TypeAdapter(FreeText), TypeAdapter(Annotated[str | None, NoBsn])
    assert free.validate_python("Opgericht in 1998") == "Opgericht in 1998"
    assert optional.validate_python(None) is None
    for text, message in (("a\x00b", NUL_MESSAGE), ("123 456 782", BSN_MESSAGE)):
        with pytest.raises(ValidationError) as refused:
            free.validate_python(text)
        assert refused.value.errors()[0]["ctx"]["error"].args == (message,)


def test_ordinary_numbers_are_fine(admin):
    for text in ("Kenmerk 123456789", "Opgericht in 1998 met 150 leden", "Postcode 2011 AB"):
        response = admin.post("/api/v1/initiatives", json=initiative_payload(description=text))
        assert response.status_code == 201, (text, response.text)


def test_every_free_text_field_of_the_api_refuses_a_bsn(admin, login_as, session):
    cases = [
        (admin, "/api/v1/initiatives", initiative_payload(name=f"Club {VALID_BSN}"), "name"),
        (admin, "/api/v1/initiatives", initiative_payload(contact_name=VALID_BSN),
         "contact_name"),
        (admin, "/api/v1/initiatives", initiative_payload(
            needs=[need_payload(title=f"Hulp {VALID_BSN}")]), "needs.0.title"),
        (login_as("staff"), "/api/v1/volunteers", {
            "name": "Jan", "pc4": "2011", "consent": True, "about": VALID_BSN}, "about"),
        (login_as("fund"), "/api/v1/funds", {"name": f"Fonds {VALID_BSN}"}, "name"),
    ]
    for client, path, body, field in cases:
        response = client.post(path, json=body)
        assert "burgerservicenummer" in assert_dutch_error(response)["fields"][field], path


def test_every_web_form_refuses_a_bsn(client, session):
    web_login(client, email="broker@demo.koppel.nl")
    buuv = session.exec(select(Initiative).where(Initiative.name == "BUUV")).one()
    token = csrf_token(client, "/broker/needs/new")
    before = count(session, ResidentContact)
    need_form = client.post("/broker/needs/new", data={
        "csrftoken": token, "initiative_id": buuv.id, "kind": "volunteers", "title": "Hulp",
        "description": f"Zie dossier {VALID_BSN}", "resident_name": "Mevrouw J."})
    assert need_form.status_code == 422 and "burgerservicenummer" in need_form.text
    assert count(session, ResidentContact) == before
    match = session.exec(select(Match).join(Need).where(
        Need.initiative_id == buuv.id, Match.status == "proposed")).first()
    reject = client.post(f"/broker/matches/{match.id}/reject", data={
        "csrftoken": token, "reason": "other", "note": f"nummer {VALID_BSN}"},
        follow_redirects=False)
    assert reject.status_code == 303 and "error=note" in reject.headers["location"]
    session.expire_all()
    assert session.get(Match, match.id).status == "proposed"
    queue = client.get(reject.headers["location"])
    assert "burgerservicenummer" in queue.text


@pytest.mark.parametrize("path", [
    f"/api/v1/initiatives/{MAX_ID + 1}", f"/api/v1/initiatives/{2**70}",
    "/api/v1/initiatives/-3", f"/api/v1/audit-events?before_id={2**70}",
    "/api/v1/initiatives?limit=100000", "/api/v1/initiatives?radius_km=1e400&pc4=2011"])
def test_absurd_numbers_are_a_dutch_4xx(admin, path):
    response = admin.get(path)
    assert response.status_code in (404, 422), response.text
    assert_dutch_error(response, response.status_code)


@pytest.mark.parametrize("cursor", ["WyJhIiwgdHJ1ZV0", "WyJhIiwgOTk5OTk5OTk5OTk5OTk5OTk5OTk5XQ",
                                    "bm90IGpzb24", "W3RydWUsIDFd", "W251bGwsIDFd"])
def test_a_cursor_that_does_not_hold_a_page_position_is_refused(client, cursor):
    api = client.get(f"/api/v1/initiatives?cursor={cursor}")
    assert "cursor" in assert_dutch_error(api)["fields"]
    page = client.get(f"/?cursor={cursor}")
    assert page.status_code == 422 and "ongeldige" in page.text


def test_strict_types_no_bool_or_text_for_numbers(admin, session):
    before = count(session, Initiative)
    for bad in ({"amount_eur": True}, {"amount_eur": "12"}, {"hours_per_week": "2"}):
        need = need_payload(kind="start_grant" if "amount_eur" in bad else "volunteers", **bad)
        response = admin.post("/api/v1/initiatives", json=initiative_payload(needs=[need]))
        assert_dutch_error(response)
    assert_dutch_error(admin.post("/api/v1/initiatives", json=initiative_payload(
        published="yes")))
    assert count(session, Initiative) == before


@pytest.mark.parametrize("when", ["0001-01-01", "9999-12-31", "1850-06-01"])
def test_absurd_dates_are_refused(admin, when):
    response = admin.post("/api/v1/initiatives", json=initiative_payload(
        needs=[need_payload(needed_by=when)]))
    assert "needs.0.needed_by" in assert_dutch_error(response)["fields"]


def test_nul_bytes_are_refused_and_emoji_kept(admin, session):
    assert_dutch_error(admin.post("/api/v1/initiatives", json=initiative_payload(
        name="Buurt\x00kamer")))
    kept = admin.post("/api/v1/initiatives", json=initiative_payload(
        name="Buurtkamer 🌻", description="Koffie ☕ en taart 🎂"))
    assert kept.status_code == 201
    assert admin.get(f"/api/v1/initiatives/{kept.json()['id']}").json()["name"] == \
        "Buurtkamer 🌻"


def test_unknown_codes_and_fields_are_named(admin):
    body = assert_dutch_error(admin.post("/api/v1/initiatives", json=initiative_payload(
        themes=["wereldvrede"], phase="klaar", geheim=1)))
    assert {"themes.0", "phase", "geheim"} <= set(body["fields"])


@pytest.mark.parametrize("q", ["a & b | !c:*", "'\"", "(((", "zorg:* & !!", "\\", "%_%",
                               "mantel-zorg", "🌻", "a" * 200])
def test_search_operators_are_words_not_syntax(client, q):
    assert client.get("/api/v1/initiatives", params={"q": q}).status_code == 200
    assert client.get("/", params={"q": q}).status_code == 200


def test_broken_bodies_get_a_dutch_answer(admin):
    headers = {"content-type": "application/json"}
    invalid_utf8 = admin.post("/api/v1/initiatives", content=b'{"name": "\xff\xfe"}',
                              headers=headers)
    assert_dutch_error(invalid_utf8, invalid_utf8.status_code)
    assert invalid_utf8.status_code in (400, 422)
    deep = "[" * 100_000 + "]" * 100_000
    nested = admin.post("/api/v1/initiatives", content=deep.encode(), headers=headers)
    assert nested.status_code in (400, 413, 422)
    assert_dutch_error(nested, nested.status_code)
    huge = admin.post("/api/v1/initiatives", content=b"{" + b" " * 3_000_000 + b"}",
                      headers=headers)
    assert_dutch_error(huge, 413)


def test_errors_speak_one_language_in_api_and_web(client):
    unknown_method = client.put("/api/v1/initiatives")
    assert unknown_method.status_code == 405
    assert unknown_method.json()["error"] == "method_not_allowed"
    assert "POST" in unknown_method.headers["allow"]
    missing = client.get("/api/v1/bestaat-niet")
    assert assert_dutch_error(missing, 404)["detail"] == "Niet gevonden."
    page = client.get("/initiatieven/abc")
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]
    assert "Niet gevonden" in BeautifulSoup(page.text, "html.parser").h1.get_text()
    empty_login = client.post("/login", data={"csrftoken": csrf_token(client)})
    assert empty_login.status_code == 422 and "text/html" in empty_login.headers["content-type"]
    assert "Vul uw e-mailadres en wachtwoord in" in empty_login.text
    forged = client.post("/login", data={"csrftoken": "nep", "username": "a", "password": "b"})
    assert forged.status_code == 403 and "formulier" in forged.text.lower()


def test_volunteer_phone_numbers_are_checked_as_phone_numbers(login_as, session):
    staff = login_as("staff")
    before = count(session, Volunteer)
    for phone in ("06 12345678", "+31 6 12345678", "023-5550101"):
        created = staff.post("/api/v1/volunteers", json={
            "name": "Jan", "pc4": "2011", "consent": True, "phone": phone})
        assert created.status_code == 201, (phone, created.text)
    wrong = staff.post("/api/v1/volunteers", json={
        "name": "Jan", "pc4": "2011", "consent": True, "phone": VALID_BSN})
    assert "phone" in assert_dutch_error(wrong)["fields"]
    assert count(session, Volunteer) == before + 3


def _request_models(app) -> set[type[BaseModel]]:
    """Every pydantic model a request body, a query or a web form is read into."""
    found: set[type[BaseModel]] = set()

    def visit(dependant) -> None:
        for param in dependant.body_params + dependant.query_params:
            annotation = param.field_info.annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                found.add(annotation)
        for sub in dependant.dependencies:
            form = getattr(sub.call, "koppel_form_model", None)
            if form is not None:
                found.add(form)
            visit(sub)

    for route in _all_routes(app.routes):
        visit(route.dependant)
    return found


def _all_routes(routes):
    """Every APIRoute, through included routers and the site's mount."""
    for route in routes:
        if hasattr(route, "original_router"):
            yield from _all_routes(route.original_router.routes)
        elif isinstance(route, APIRoute):
            yield route
        elif isinstance(route, Mount) and hasattr(route.app, "routes"):
            yield from _all_routes(route.app.routes)


def _is_free_text(info) -> bool:
    """Not a code list (an enum) and not a fixed shape (a pattern, such as a CBS code)."""
    if info.json_schema_extra and ({"enum", "pattern"} & set(info.json_schema_extra)):
        return False
    return not any(getattr(m, "pattern", None) for m in info.metadata)


def test_every_free_text_field_carries_the_bsn_check():
    app = create_app(embedded_worker=False)
    unchecked = []
    for model in _request_models(app):
        for name, info in model.model_fields.items():
            text = info.annotation in (str, str | None)
            if not text or name in ("cursor", "password", "username", "csrftoken") or \
                    not _is_free_text(info):
                continue
            if not any(m is NoBsn or getattr(m, "func", None) is NoBsn.func
                       for m in info.metadata):
                unchecked.append(f"{model.__name__}.{name}")
    assert sorted(unchecked) == []
