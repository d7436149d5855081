"""Open data: HSDS 3 and 360Giving files of the demo validate against the standards' schemas,
hold published data only and nothing personal; the /open-data page describes them."""

import json
from datetime import date
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from sqlmodel import select

from db.models import Fund, FundCall, Grant, Initiative
from tests.monitoring_helpers import initiative

SCHEMAS = Path(__file__).parent / "data" / "schemas"
HSDS_BASE = "https://koppel.invalid/hsds-3/"
GIVING_GRANT = ("https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/"
                "360-giving-schema.json")


def _resource(path: Path) -> Resource:
    return Resource.from_contents(json.loads(path.read_text(encoding="utf-8")),
                                  default_specification=DRAFT202012)


def hsds_validator(name: str) -> Draft202012Validator:
    """A validator for one HSDS 3 schema whose relative $refs resolve to the local files."""
    registry = Registry().with_resources(
        (HSDS_BASE + path.name, _resource(path)) for path in (SCHEMAS / "hsds-3").glob("*.json"))
    return Draft202012Validator({"$ref": HSDS_BASE + name}, registry=registry,
                                format_checker=FormatChecker())


def page_validator() -> Draft202012Validator:
    """The Page wrapper of HSDS's OpenAPI (GET /services) with its contents as services."""
    api = json.loads((SCHEMAS / "hsds-3" / "openapi.json").read_text(encoding="utf-8"))
    return Draft202012Validator(api["components"]["schemas"]["Page"] | {
        "required": ["total_items", "contents"]})


def giving_validator() -> Draft202012Validator:
    """The 360Giving package schema; its grant $ref (1.4.2) is the local grant schema."""
    grant = _resource(SCHEMAS / "360giving" / "360-giving-schema.json")
    package = json.loads((SCHEMAS / "360giving" / "360-giving-package-schema.json")
                         .read_text(encoding="utf-8"))
    registry = Registry().with_resources([(GIVING_GRANT, grant),
                                          (grant.contents["$id"], grant)])
    return Draft202012Validator(package, registry=registry, format_checker=FormatChecker())


def _errors(validator, document) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


def test_hsds_of_the_demo_validates_and_holds_only_published_data(client, session):
    hidden = initiative(session, name="Verborgen concept", published=False)
    session.commit()
    answer = client.get("/api/v1/open-data/hsds.json")  # anonymous: open data is public
    assert answer.status_code == 200
    page = answer.json()
    assert _errors(page_validator(), page) == []
    services = hsds_validator("service.json")
    assert page["total_items"] == len(page["contents"]) > 20
    for service in page["contents"]:
        assert _errors(services, service) == [], service["name"]
    names = {s["organization"]["name"] for s in page["contents"]}
    published = set(session.exec(select(Initiative.name).where(Initiative.published.is_(True))))
    assert names == published
    assert hidden.name not in answer.text
    # Nothing personal: no contact names or addresses of people, no e-mail address at all.
    contacts = session.exec(select(Initiative.contact_name, Initiative.contact_email)).all()
    for name, email in contacts:
        assert (not name or name not in answer.text) and (not email or email not in answer.text)
    assert "@" not in answer.text
    buuv = next(s for s in page["contents"] if s["name"] == "BUUV")
    assert buuv["attributes"] and buuv["attributes"][0]["taxonomy_term"]["language"] == "nl"
    assert buuv["service_areas"][0]["extent"] == "GM0392"


def test_hsds_for_one_municipality_and_bad_codes(client):
    page = client.get("/api/v1/open-data/hsds.json", params={"municipality": "GM0392"}).json()
    assert page["contents"]
    assert {s["service_areas"][0]["extent"] for s in page["contents"]} == {"GM0392"}
    unknown = client.get("/api/v1/open-data/hsds.json", params={"municipality": "GM9999"})
    assert unknown.status_code == 404 and unknown.json()["error"] == "not_found"
    wrong = client.get("/api/v1/open-data/360giving.json", params={"municipality": "Haarlem"})
    assert wrong.status_code == 422 and "municipality" in wrong.json()["fields"]


def test_360giving_of_recorded_grants_validates_and_skips_unpublished(client, session):
    fund = session.exec(select(Fund).where(Fund.name == "Stichting Zonnige Jeugd")).one()
    call = session.exec(select(FundCall).where(FundCall.fund_id == fund.id)).first()
    buuv = session.exec(select(Initiative).where(Initiative.name == "BUUV")).one()
    hidden = initiative(session, name="Verborgen ontvanger", published=False)
    for receiver, amount in ((buuv, 12500), (hidden, 4000)):
        session.add(Grant(call_id=call.id, fund_id=fund.id, initiative_id=receiver.id,
                          amount_eur=amount, awarded_on=date(2026, 9, 1)))
    session.commit()
    answer = client.get("/api/v1/open-data/360giving.json")
    assert answer.status_code == 200
    package = answer.json()
    assert _errors(giving_validator(), package) == []
    mine = [g for g in package["grants"] if g["recipientOrganization"][0]["name"] == "BUUV"
            and g["amountAwarded"] == 12500]
    assert len(mine) == 1
    assert mine[0]["fundingOrganization"][0]["name"] == "Stichting Zonnige Jeugd"
    assert mine[0]["beneficiaryLocation"][0]["geoCode"] == "GM0392"
    assert "Verborgen ontvanger" not in answer.text
    assert "@" not in answer.text
    rotterdam = client.get("/api/v1/open-data/360giving.json",
                           params={"municipality": "GM0599"}).json()
    assert all(g["beneficiaryLocation"][0]["geoCode"] == "GM0599" for g in rotterdam["grants"])


def test_the_open_data_page_describes_both_files_and_the_licence(client):
    page = client.get("/open-data")
    assert page.status_code == 200
    text = page.text
    assert 'href="/api/v1/open-data/hsds.json"' in text
    assert 'href="/api/v1/open-data/360giving.json"' in text
    for field in ("service_at_locations", "organization", "attributes", "amountAwarded",
                  "recipientOrganization", "fundingOrganization", "beneficiaryLocation"):
        assert field in text
    assert "CC BY 4.0" in text and "Bron: CBS, Kadaster" in text and "MIT" in text
    assert 'href="/open-data"' in client.get("/").text  # the footer link
