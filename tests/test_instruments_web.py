"""Beheer › Instrumenten: staff keep their own municipality's catalogue, admins every one."""

from bs4 import BeautifulSoup
from sqlmodel import select

from db.models import Instrument
from tests.test_web_auth import csrf_token, web_login


def form_values(client, path: str) -> dict:
    """What the edit form posts as it stands (checked boxes, selected options, text)."""
    soup = BeautifulSoup(client.get(path).text, "html.parser")
    form = soup.select_one("main form[method=post]")
    data: dict = {}
    for field in form.select("input, textarea, select"):
        name = field.get("name")
        if field.name == "select":
            chosen = field.select_one("option[selected]")
            data[name] = chosen["value"] if chosen else ""
        elif field.get("type") == "checkbox":
            if field.has_attr("checked"):
                data.setdefault(name, []).append(field["value"])
        else:
            data[name] = field.get("value", field.text)
    return data


def test_staff_edit_their_own_instrument_with_a_dutch_error_then_success(client, session):
    web_login(client, email="staff@demo.koppel.nl")
    listing = client.get("/beheer/instrumenten")
    assert listing.status_code == 200
    own = session.exec(select(Instrument).where(Instrument.municipality_code == "GM0392")
                       .order_by(Instrument.id)).first()
    assert own.title in listing.text
    elsewhere = session.exec(select(Instrument).where(Instrument.municipality_code != "GM0392")
                             ).first()
    assert elsewhere.title not in listing.text
    assert 'href="/beheer/instrumenten"' in client.get("/").text  # the menu link

    path = f"/beheer/instrumenten/{own.id}"
    data = form_values(client, path) | {"max_amount_eur": "veel", "need_kinds": []}
    refused = client.post(path, data=data)
    assert refused.status_code == 422
    soup = BeautifulSoup(refused.text, "html.parser")
    assert soup.select_one("#e-max_amount_eur").get_text(strip=True)
    assert "Soorten vragen" in soup.select_one(".alert").get_text()
    assert "max_amount_eur" not in soup.select_one(".alert").get_text()

    data = form_values(client, path) | {"title": "Buurtbudget 2026", "max_amount_eur": "2.500"}
    saved = client.post(path, data=data, follow_redirects=True)
    assert saved.status_code == 200 and "Het instrument is opgeslagen." in saved.text
    assert 'value="2.500"' in saved.text
    session.expire_all()
    changed = session.get(Instrument, own.id)
    assert (changed.title, changed.max_amount_eur) == ("Buurtbudget 2026", 2500)


def test_another_municipalitys_instrument_answers_404(client, session):
    web_login(client, email="staff@demo.koppel.nl")
    elsewhere = session.exec(select(Instrument).where(Instrument.municipality_code != "GM0392")
                             ).first()
    assert client.get(f"/beheer/instrumenten/{elsewhere.id}").status_code == 404
    token = csrf_token(client, "/beheer/instrumenten")
    posted = client.post(f"/beheer/instrumenten/{elsewhere.id}",
                         data={"csrftoken": token, "title": "Niet van mij"})
    assert posted.status_code == 404
    session.expire_all()
    assert session.get(Instrument, elsewhere.id).title != "Niet van mij"


def test_staff_create_in_their_own_catalogue(client, session):
    web_login(client, email="staff@demo.koppel.nl")
    token = csrf_token(client, "/beheer/instrumenten/nieuw")
    made = client.post("/beheer/instrumenten/nieuw", data={
        "csrftoken": token, "family": "regulation", "title": "Ruimte om te proberen",
        "need_kinds": ["space"]}, follow_redirects=True)
    assert made.status_code == 200 and "Het instrument is aangemaakt." in made.text
    session.expire_all()
    row = session.exec(select(Instrument).where(Instrument.title == "Ruimte om te proberen")
                       ).one()
    assert row.municipality_code == "GM0392"


def test_admin_sees_every_catalogue_and_filters_by_municipality(client, session):
    web_login(client, email="admin@demo.koppel.nl")
    rows = list(session.exec(select(Instrument)))
    codes = {i.municipality_code for i in rows}
    assert len(codes) > 1
    everything = client.get("/beheer/instrumenten").text
    assert all(i.title in everything for i in rows)
    one = sorted(codes)[0]
    narrowed = client.get("/beheer/instrumenten", params={"gemeente": one}).text
    assert all((i.title in narrowed) == (i.municipality_code == one)
               for i in rows if not any(i.title == o.title for o in rows
                                        if o.municipality_code != i.municipality_code))
    other = next(i for i in rows if i.municipality_code != "GM0392")
    assert client.get(f"/beheer/instrumenten/{other.id}").status_code == 200
    assert client.get("/beheer/instrumenten", params={"gemeente": "x"}).status_code == 422


def test_volunteers_do_not_reach_the_catalogue(client):
    web_login(client, email="volunteer@demo.koppel.nl")
    assert client.get("/beheer/instrumenten").status_code in (403, 404)
