"""The map: approximate PC4 areas of a municipality, all municipalities, suppressed counts,
and the page that draws it with a legend and a table of the same numbers."""

import json

from bs4 import BeautifulSoup
from sqlmodel import func, select

from core.privacy import suppressed
from db.models import Initiative, Match, Need
from services.monitoring import geo_shapes
from services.monitoring.geo_map import breaks, map_section
from tests.monitoring_helpers import hours, initiative
from tests.test_web_auth import web_login


def _area(section: dict, code: str) -> dict:
    return next(a for a in section["areas"] if a["code"] == code)


def test_haarlem_has_pc4_areas_and_small_counts_read_less_than_five(session):
    before = map_section(session, code="GM0392")
    assert before["level"] == "pc4" and len(before["areas"]) > 10
    assert all(a["code"].startswith("20") or a["code"].startswith("21")
               for a in before["areas"])
    assert all(a["path"].startswith("M") and a["path"].endswith("Z") for a in before["areas"])
    assert "Voronoi" in before["note"] and "Bron: CBS, Kadaster" in before["attribution"]
    # Every count is a number of 5 or more, or "<5" (zero included) in the lightest class.
    for area in before["areas"]:
        for key, count in area["counts"].items():
            assert count == "<5" and area["classes"][key] == 0 or \
                isinstance(count, int) and count >= 5 and area["classes"][key] >= 1

    def raw(model_filter) -> int:
        return session.exec(select(func.count()).select_from(Initiative)
                            .where(Initiative.municipality_code == "GM0392", model_filter)).one()

    there = raw(Initiative.pc4 == "2036")
    made = [initiative(session, name=f"Kaarttest {i}", pc4="2036") for i in range(6)]
    hours(session, made[0], [(9200, 1.0)], status="done")
    after = map_section(session, code="GM0392")
    area = _area(after, "2036")
    assert area["counts"]["initiatives"] == there + 6  # at 5 and above the number shows
    assert area["classes"]["initiatives"] >= 1
    made_matches = session.exec(
        select(func.count(Match.id)).join(Need, Need.id == Match.need_id)
        .join(Initiative, Initiative.id == Need.initiative_id)
        .where(Initiative.pc4 == "2036", Match.status.in_(("active", "done")))).one()
    assert area["counts"]["matches"] == suppressed(made_matches)
    assert _area(before, "2036")["counts"]["matches"] == suppressed(made_matches - 1)
    legend = after["legend"]["initiatives"]
    assert legend[0]["label"] == "<5" and len(legend) >= 2
    assert json.loads(json.dumps(after)) == after


def test_all_municipalities_for_admins(session):
    section = map_section(session, code=None)
    assert section["level"] == "municipality" and len(section["areas"]) == 342
    haarlem = _area(section, "GM0392")
    assert haarlem["name"] == "Haarlem"
    everywhere = session.exec(select(func.count(Initiative.id))
                              .where(Initiative.municipality_code == "GM0392")).one()
    assert haarlem["counts"]["initiatives"] == suppressed(everywhere)
    assert geo_shapes.national() is geo_shapes.national()  # computed once per process


def test_classes_grow_from_five_to_the_largest_count():
    assert breaks(4) == []
    assert breaks(12) == [5, 10]
    assert breaks(5000)[0] == 5 and breaks(5000)[-1] <= 5000 and len(breaks(5000)) == 4


def test_the_map_page_shows_one_metric_with_legend_table_and_attribution(client):
    web_login(client)
    page = client.get("/gemeente/kaart")
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    assert soup.select_one("h1").get_text(strip=True) == "Kaart van Haarlem"
    svg = soup.select_one("figure.map svg")
    assert svg["role"] == "img" and len(svg.select("path")) > 10
    assert "Initiatieven per postcodegebied" in svg.select_one("title").get_text()
    table = soup.select_one("section.map-section table")
    assert "2011" in table.get_text() and "Buiten de kaart" in table.get_text()
    assert "Bron: CBS, Kadaster" in soup.select_one("figure.map").get_text()
    assert "Voronoi" in page.text
    assert "<script" not in str(soup.select_one("section.map-section"))
    needs = BeautifulSoup(client.get("/gemeente/kaart?kaart=needs").text, "html.parser")
    assert "open hulpvragen" in needs.select_one("#kaart-kop").get_text()


def test_admins_see_every_municipality(admin, client):
    web_login(client, email="admin@demo.koppel.nl")
    page = BeautifulSoup(client.get("/gemeente/kaart").text, "html.parser")
    assert page.select_one("h1").get_text(strip=True) == "Kaart van alle gemeenten"
    assert len(page.select("figure.map svg path")) == 342
    one = BeautifulSoup(client.get("/gemeente/kaart?gemeente=GM0599").text, "html.parser")
    assert one.select_one("h1").get_text(strip=True) == "Kaart van Rotterdam"
