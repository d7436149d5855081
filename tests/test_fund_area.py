"""Funds: their API scoped by the permission table, grants and budgets, empty criteria, and the
fund filters on the profile search."""

from datetime import date, timedelta

from sqlmodel import select

from db.models import Fund, FundCall, Initiative, Match, Need
from db.session import unit_of_work
from services.matching import runner as matching
from tests.factories import initiative_payload, need_payload


def fund_id(session, name: str = "Stichting Zonnige Jeugd") -> int:
    return session.exec(select(Fund.id).where(Fund.name == name)).one()


def call_of(session, fid: int) -> FundCall:
    return session.exec(select(FundCall).where(FundCall.fund_id == fid)
                        .order_by(FundCall.id)).first()


def test_a_fund_sees_and_changes_only_its_own_fund(login_as, session):
    fund = login_as("fund")
    own, other = fund_id(session), fund_id(session, "Stichting De Verre Bergen")
    listed = fund.get("/api/v1/funds").json()
    assert [f["id"] for f in listed["items"]] == [own] and listed["next_cursor"] is None
    assert fund.get(f"/api/v1/funds/{own}").json()["name"] == "Stichting Zonnige Jeugd"
    assert fund.get(f"/api/v1/funds/{other}").status_code == 404
    assert fund.patch(f"/api/v1/funds/{other}", json={"themes": []}).status_code == 404
    changed = fund.patch(f"/api/v1/funds/{own}", json={"regions": ["PV27", "GM0392"],
                                                       "legal_forms": ["foundation"]})
    assert changed.status_code == 200, changed.text
    assert changed.json()["regions"] == ["PV27", "GM0392"]
    refused = fund.patch(f"/api/v1/funds/{own}", json={"regions": ["PV99"]})
    assert refused.status_code == 422
    assert refused.json()["fields"] == {"regions": "onbekende provincie PV99"}
    assert fund.patch(f"/api/v1/funds/{own}", json={"min_amount_eur": 5000,
                                                    "max_amount_eur": 100}).status_code == 422


def test_an_admin_pages_through_every_fund(admin, session):
    first = admin.get("/api/v1/funds", params={"limit": 3}).json()
    assert len(first["items"]) == 3 and first["next_cursor"]
    rest = admin.get("/api/v1/funds", params={"limit": 100,
                                              "cursor": first["next_cursor"]}).json()
    names = {f["name"] for f in first["items"] + rest["items"]}
    assert {"Stichting Zonnige Jeugd", "Stichting De Verre Bergen"} <= names
    assert admin.get("/api/v1/funds", params={"cursor": "kapot"}).status_code == 422
    other = fund_id(session, "Stichting De Verre Bergen")
    assert admin.get(f"/api/v1/funds/{other}").status_code == 200


def test_a_call_changes_and_grants_lower_its_remaining_budget(login_as, session):
    fund = login_as("fund")
    own = fund_id(session)
    call = call_of(session, own)
    path = f"/api/v1/funds/{own}/calls/{call.id}"
    changed = fund.patch(path, json={"budget_eur": 30000, "max_grant_eur": 20000})
    assert changed.status_code == 200, changed.text
    assert changed.json()["remaining_eur"] == 30000 - call.granted_eur
    buuv = session.exec(select(Initiative).where(Initiative.name == "BUUV")).one()
    grant = fund.post(f"{path}/grants", json={"initiative_id": buuv.id, "amount_eur": 12500,
                                               "awarded_on": date.today().isoformat()})
    assert grant.status_code == 201, grant.text
    assert fund.get(path).json()["remaining_eur"] == 30000 - call.granted_eur - 12500
    too_much = fund.post(f"{path}/grants", json={"initiative_id": buuv.id, "amount_eur": 20000,
                                                  "awarded_on": date.today().isoformat()})
    assert too_much.status_code == 422
    assert "resterende budget" in too_much.json()["fields"]["amount_eur"]
    other = fund_id(session, "Stichting De Verre Bergen")
    other_call = call_of(session, other)
    assert fund.get(f"/api/v1/funds/{other}/calls/{other_call.id}").status_code == 404
    assert fund.get(f"/api/v1/funds/{own}/calls/{other_call.id}").status_code == 404


def test_a_fund_with_empty_regions_and_need_kinds_gets_proposals(admin, session):
    created = admin.post("/api/v1/funds", json={
        "name": "Fonds Zonder Grenzen", "regions": [], "need_kinds": [],
        "min_amount_eur": 0, "max_amount_eur": 100})
    assert created.status_code == 201, created.text
    fid = created.json()["id"]
    today = date.today()
    assert admin.post(f"/api/v1/funds/{fid}/calls", json={
        "title": "Kleine bedragen", "budget_eur": 1000,
        "opens_on": (today - timedelta(days=1)).isoformat(),
        "closes_on": (today + timedelta(days=60)).isoformat()}).status_code == 201
    initiative = admin.post("/api/v1/initiatives", json=initiative_payload(
        name="Zaadjesbieb", needs=[need_payload(kind="space", title="Een plank in de bieb",
                                                amount_eur=50)]))
    assert initiative.status_code == 201, initiative.text
    need_id = initiative.json()["needs"][0]["id"] if "needs" in initiative.json() else \
        admin.get(f"/api/v1/initiatives/{initiative.json()['id']}/needs").json()[0]["id"]
    with unit_of_work() as s:
        matching.rematch(s, [need_id])
    session.expire_all()
    funds = session.exec(select(Match.resource_id).where(
        Match.need_id == need_id, Match.resource_kind == "fund")).all()
    assert fid in funds


def _searchable(admin, name, **extra):
    created = admin.post("/api/v1/initiatives", json=initiative_payload(name=name, **extra))
    assert created.status_code == 201, created.text
    return created.json()["id"]


def test_fund_filters_on_the_profile_search(admin, client):
    _searchable(admin, "Zwaluwnest Haarlem", legal_form="foundation", phase="startup",
                needs=[need_payload(kind="start_grant", title="Startgeld", amount_eur=4000)])
    _searchable(admin, "Zwaluwnest Rotterdam", municipality="GM0599", pc4=None,
                legal_form="association",
                needs=[need_payload(kind="structural_funding", title="Huur", amount_eur=20000)])
    _searchable(admin, "Zwaluwnest Zonder Geld", legal_form="foundation")

    def names(**params):
        answer = client.get("/api/v1/initiatives", params={"q": "zwaluwnest", **params})
        assert answer.status_code == 200, answer.text
        return sorted(i["name"] for i in answer.json()["items"])

    assert names() == ["Zwaluwnest Haarlem", "Zwaluwnest Rotterdam", "Zwaluwnest Zonder Geld"]
    assert names(amount_min=1000, amount_max=5000) == ["Zwaluwnest Haarlem"]
    assert names(amount_min=10000) == ["Zwaluwnest Rotterdam"]
    assert names(legal_form="foundation") == ["Zwaluwnest Haarlem", "Zwaluwnest Zonder Geld"]
    assert names(region="GM0599") == ["Zwaluwnest Rotterdam"]
    assert names(region="PV27") == ["Zwaluwnest Haarlem", "Zwaluwnest Zonder Geld"]
    assert names(need_kind="start_grant") == ["Zwaluwnest Haarlem"]
    assert names(phase="startup", legal_form="foundation") == ["Zwaluwnest Haarlem"]
    bad = client.get("/api/v1/initiatives", params={"region": "PV99"})
    assert bad.status_code == 422 and "provincie" in bad.json()["fields"]["region"]
    assert client.get("/api/v1/initiatives", params={"amount_min": "veel"}).status_code == 422
    assert client.get("/api/v1/initiatives", params={"legal_form": "bv"}).status_code == 422
    page = client.get("/", params={"q": "zwaluwnest", "region": "GM0599"})
    assert "Zwaluwnest Rotterdam" in page.text and "Zwaluwnest Haarlem" not in page.text
    page = client.get("/", params={"q": "zwaluwnest", "amount_min": "10.000"})
    assert "Zwaluwnest Rotterdam" in page.text and "Zwaluwnest Haarlem" not in page.text
    assert "Voor fondsen" in page.text and "Provincie Noord-Holland" in page.text


def test_the_fund_page_saves_criteria_with_dutch_errors(client, session):
    from tests.test_web_auth import csrf_token, web_login

    web_login(client, email="fund@demo.koppel.nl")
    home = client.get("/mijn")
    assert home.status_code == 200 and "Stichting Zonnige Jeugd" in home.text
    assert "gepubliceerde vragen passen nu" in home.text or "vraag past nu" in home.text
    token = csrf_token(client)
    bad = client.post("/fonds", data={"csrftoken": token, "name": "Stichting Zonnige Jeugd",
                                      "min_amount_eur": "5.000", "max_amount_eur": "100"})
    assert bad.status_code == 422 and "het maximum is lager dan het minimum" in bad.text
    saved = client.post("/fonds", data={"csrftoken": token, "name": "Stichting Zonnige Jeugd",
                                        "provinces": ["PV27"], "legal_forms": ["foundation"],
                                        "min_amount_eur": "1.000", "max_amount_eur": "12.500"},
                        follow_redirects=False)
    assert saved.status_code == 303, saved.text
    fund = session.exec(select(Fund).where(Fund.name == "Stichting Zonnige Jeugd")).one()
    session.refresh(fund)
    assert (fund.regions, fund.max_amount_eur) == (["PV27"], 12500)
    call = client.post("/fonds/oproepen", data={
        "csrftoken": token, "title": "Buurtbudget", "budget_eur": "10.000",
        "max_grant_eur": "2.500", "opens_on": date.today().isoformat(),
        "closes_on": (date.today() + timedelta(days=30)).isoformat()}, follow_redirects=True)
    assert "De oproep is aangemaakt." in call.text and "€ 10.000" in call.text


def _fits_by_hand(session, in_region, kinds, high):
    count = 0
    for initiative in session.exec(select(Initiative)).all():
        for need in initiative.needs:
            count += (initiative.published and in_region(initiative) and need.status == "open"
                      and need.visibility == "public" and need.kind in kinds
                      and (need.amount_eur is None or need.amount_eur <= high))
    return count


def test_the_preview_counts_the_published_open_money_needs_that_fit(session):
    from services.resources import service as resources

    money = ("start_grant", "structural_funding", "space")
    fund = session.exec(select(Fund).where(Fund.name == "Stichting Zonnige Jeugd")).one()
    fund.regions, fund.need_kinds, fund.legal_forms, fund.phases = ["PV27"], [], [], []
    fund.min_amount_eur, fund.max_amount_eur = 0, 50_000
    session.flush()
    in_pv27 = _fits_by_hand(session, lambda i: i.municipality is not None
                            and i.municipality.province_code == "PV27", money, 50_000)
    assert in_pv27 > 0
    assert resources.fitting_needs(session, fund) == in_pv27
    fund.regions = []  # an empty list: the whole country
    assert resources.fitting_needs(session, fund) == _fits_by_hand(
        session, lambda i: True, money, 50_000)
    fund.regions, fund.need_kinds = ["GM0599"], ["structural_funding"]
    assert resources.fitting_needs(session, fund) == _fits_by_hand(
        session, lambda i: i.municipality_code == "GM0599", ("structural_funding",), 50_000)


def test_past_niet_rejects_the_suggestion_and_a_grant_above_the_maximum_is_refused(
        client, session):
    from tests.test_web_auth import csrf_token, web_login

    own = fund_id(session)
    call = session.exec(select(FundCall).where(FundCall.fund_id == own,
                                               FundCall.title == "Jaarronde")).one()
    match = session.exec(select(Match).where(
        Match.resource_kind == "fund", Match.resource_id == own, Match.status == "proposed",
        Match.call_id == call.id)).first()
    web_login(client, email="fund@demo.koppel.nl")
    token = csrf_token(client)
    page = client.get(f"/fonds/oproepen/{call.id}")
    assert "Nog te verdelen" in page.text and "Past niet" in page.text
    answered = client.post(f"/fonds/oproepen/{call.id}/voorstellen/{match.id}",
                           data={"csrftoken": token, "response": "not_a_fit"})
    assert "Vastgelegd dat dit initiatief niet past." in answered.text
    session.refresh(match)
    assert (match.status, match.resource_response) == ("rejected", "not_a_fit")
    call.max_grant_eur = 2000
    session.commit()
    refused = client.post(f"/fonds/oproepen/{call.id}/toekenningen", data={
        "csrftoken": token, "initiative_id": str(session.get(Need, match.need_id).initiative_id),
        "amount_eur": "2.500", "awarded_on": date.today().isoformat()})
    assert refused.status_code == 422
    assert "hoger dan de maximale toekenning van de oproep (€ 2.000)" in refused.text
    other = call_of(session, fund_id(session, "Stichting De Verre Bergen"))
    assert client.get(f"/fonds/oproepen/{other.id}").status_code == 404
