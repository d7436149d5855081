"""The queue that scales (16): pages with a count, sorting, filters kept, bulk approval of one
page, one name per volunteer, a municipality picker for admins, and the broker's start page."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup
from sqlmodel import func, select

from core.config import get_settings
from db.models import AuditEvent, Initiative, Match, Need, Volunteer
from db.session import unit_of_work
from db.types import utcnow
from tests.test_web_auth import csrf_token, web_login

EXTRA = 45


def haarlem_proposed(session) -> int:
    return session.exec(select(func.count()).select_from(Match).join(Need).join(Initiative)
                        .where(Initiative.municipality_code == "GM0392",
                               Match.status == "proposed")).one()


def add_proposals(count: int = EXTRA) -> list[int]:
    """Proposals of (unknown) instruments for BUUV's first need, scores 0.01 … apart, and
    created one day apart so age and score sort differently."""
    with unit_of_work() as s:
        need = s.exec(select(Need).join(Initiative).where(Initiative.name == "BUUV")
                      .order_by(Need.id)).first()
        rows = [Match(need_id=need.id, resource_kind="instrument", resource_id=900000 + n,
                      score=round(0.01 * (n + 1), 2), reasons=[], explanation="proef",
                      status="proposed", created_at=utcnow() - timedelta(days=n))
                for n in range(count)]
        s.add_all(rows)
        s.flush()
        return [m.id for m in rows]


def page(client, query: str = "") -> BeautifulSoup:
    response = client.get(f"/broker/queue{query}")
    assert response.status_code == 200
    return BeautifulSoup(response.text, "html.parser")


def row_ids(soup) -> list[int]:
    return [int(box["value"]) for box in soup.select("table.queue input.pick")]


def test_the_queue_pages_with_a_dutch_count_and_keeps_filters(client, session):
    add_proposals()
    web_login(client, email="broker@demo.koppel.nl")
    total = haarlem_proposed(session)
    assert total > 40
    first = page(client)
    assert first.select_one("#telling").get_text(strip=True) == f"1–20 van {total}"
    third = page(client, "?page=3")
    last = min(60, total)
    assert third.select_one("#telling").get_text(strip=True) == f"41–{last} van {total}"
    assert not set(row_ids(first)) & set(row_ids(third))
    beyond = page(client, "?page=999")  # past the end: the last page, not an empty one
    assert row_ids(beyond) and "van" in beyond.select_one("#telling").get_text()

    only = page(client, "?kind=instrument&sort=age")
    instruments = session.exec(select(func.count()).select_from(Match).join(Need)
                               .join(Initiative).where(Initiative.municipality_code == "GM0392",
                                                       Match.status == "proposed",
                                                       Match.resource_kind == "instrument")
                               ).one()
    assert only.select_one("#telling").get_text(strip=True) == f"1–20 van {instruments}"
    next_link = only.find("a", rel="next")["href"]
    assert parse_qs(urlsplit(next_link).query) == {
        "kind": ["instrument"], "sort": ["age"], "page": ["2"]}
    for link in only.select("nav.sorting a"):
        assert parse_qs(urlsplit(link["href"]).query)["kind"] == ["instrument"]
    assert only.select_one("#f-kind option[selected]")["value"] == "instrument"


def test_sorting_by_score_age_and_kind(client, session):
    ids = add_proposals()
    web_login(client, email="broker@demo.koppel.nl")
    scores = {m.id: m.score for m in session.exec(select(Match))}
    best = row_ids(page(client, "?kind=instrument"))
    assert [scores[i] for i in best] == sorted([scores[i] for i in best], reverse=True)
    assert best[0] == ids[-1]  # the highest score of the added ones
    worst = row_ids(page(client, "?kind=instrument&sort=score&order=asc"))
    assert worst[0] == ids[0]
    oldest = row_ids(page(client, "?kind=instrument&sort=age"))
    assert oldest[0] == ids[-1]  # created 44 days ago
    newest = row_ids(page(client, "?kind=instrument&sort=age&order=asc"))
    assert newest[0] == ids[0]
    kinds = [session.get(Match, i).resource_kind for i in row_ids(page(client, "?sort=kind"))]
    assert kinds == sorted(kinds)
    soup = page(client, "?sort=kind")
    assert soup.select_one("nav.sorting strong").get_text() == "Soort hulp"


def test_approve_all_on_one_page_and_come_back_to_the_same_page(client, session):
    add_proposals()
    web_login(client, email="broker@demo.koppel.nl")
    soup = page(client, "?kind=instrument&page=2")
    on_page = row_ids(soup)
    assert len(on_page) == 20
    form = next(f for f in soup.select("form") if f.find("button", string=re.compile(
        r"Alle 20 op deze pagina goedkeuren")))
    hidden = [int(i["value"]) for i in form.select("input[name=match_id]")]
    assert hidden == on_page
    response = client.post(form["action"], data={
        "csrftoken": csrf_token(client, "/broker/queue"), "match_id": [str(i) for i in hidden]},
        follow_redirects=False)
    location = response.headers["location"]
    assert parse_qs(urlsplit(location).query) == {
        "kind": ["instrument"], "page": ["2"], "done": ["approved-20"]}
    session.expire_all()
    assert {session.get(Match, i).status for i in on_page} == {"approved"}
    back = BeautifulSoup(client.get(location).text, "html.parser")
    assert "20 voorstel(len) goedgekeurd." in back.get_text()


def test_a_volunteer_has_one_name_in_the_queue_and_on_the_match_page(client, session):
    web_login(client, email="broker@demo.koppel.nl")
    match = session.exec(select(Match).join(Need).join(Initiative).where(
        Initiative.municipality_code == "GM0392", Match.resource_kind == "volunteer",
        Match.status == "proposed").order_by(Match.score.desc())).first()
    volunteer = session.get(Volunteer, match.resource_id)
    before = session.exec(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.purpose == "wachtrij")).one()
    soup = page(client, "?kind=volunteer")
    row = soup.find("input", attrs={"value": str(match.id)}).find_parent("tr")
    in_queue = row.select_one("td[data-label=Voorstel]").get_text(strip=True)
    assert in_queue == f"Vrijwilliger: {volunteer.name}"
    assert f"Vrijwilliger {volunteer.id}" not in soup.get_text()
    detail = BeautifulSoup(client.get(f"/broker/matches/{match.id}").text, "html.parser")
    assert volunteer.name in detail.get_text()
    session.expire_all()
    after = session.exec(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.purpose == "wachtrij")).one()
    assert after > before  # every name shown in the queue is an audited read


def test_admins_pick_a_municipality_and_the_heading_says_which(client, session):
    web_login(client, email="admin@demo.koppel.nl")
    everywhere = page(client)
    assert "in alle gemeenten" in everywhere.select_one("p.lead").get_text()
    assert "uw gemeente" not in everywhere.select_one("p.lead").get_text()
    assert everywhere.select_one("#f-gemeente option[value=GM0599]")
    rotterdam = page(client, "?gemeente=GM0599")
    assert "in Rotterdam" in rotterdam.select_one("p.lead").get_text()
    rotterdam_total = session.exec(select(func.count()).select_from(Match).join(Need)
                                   .join(Initiative).where(
        Initiative.municipality_code == "GM0599", Match.status == "proposed")).one()
    count = rotterdam.select_one("#telling")
    if rotterdam_total:
        assert count.get_text(strip=True).endswith(f"van {rotterdam_total}")
    else:
        assert count is None and "Er wachten geen voorstellen." in rotterdam.get_text()
    web_login(client, email="broker@demo.koppel.nl")
    own = page(client, "?gemeente=GM0599")  # a broker cannot pick: the own municipality
    assert own.select_one("#f-gemeente") is None
    assert "in uw gemeente" in own.select_one("p.lead").get_text()
    assert own.select_one("#telling").get_text(strip=True).endswith(
        f"van {haarlem_proposed(session)}")


def test_the_start_page_counts_open_cases_overdue_and_due_soon(client, session):
    web_login(client, email="broker@demo.koppel.nl")
    landing = client.get("/mijn", follow_redirects=False)
    assert landing.headers["location"] == "/broker"
    empty = BeautifulSoup(client.get("/broker").text, "html.parser")
    assert empty.h1.get_text(strip=True) == "Overzicht"
    counts = {h.get("id"): h.get_text(strip=True) for h in empty.select("section h2")}
    assert counts == {"mijn": "Mijn open zaken (0)", "te-laat": "Te laat (0)",
                      "binnenkort": "Binnenkort (0)"}
    matches = session.exec(select(Match).join(Need).join(Initiative).where(
        Initiative.municipality_code == "GM0392", Match.status == "proposed")
        .order_by(Match.id).limit(3)).all()
    ids = [m.id for m in matches]
    client.post("/broker/queue/approve", data={
        "csrftoken": csrf_token(client, "/broker/queue"), "match_id": [str(i) for i in ids]})
    with unit_of_work() as s:  # one waits ten days (late), one three (soon), one stays new
        for match_id, days in zip(ids, (10, 3, 0), strict=True):
            s.get(Match, match_id).decided_at = utcnow() - timedelta(days=days)
    soup = BeautifulSoup(client.get("/broker").text, "html.parser")
    counts = {h.get("id"): h.get_text(strip=True) for h in soup.select("section h2")}
    needs = len({m.need_id for m in matches})
    assert counts == {"mijn": f"Mijn open zaken ({needs})", "te-laat": "Te laat (1)",
                      "binnenkort": "Binnenkort (2)"}
    late = soup.select_one("section[aria-labelledby=te-laat] li").get_text(" ", strip=True)
    assert "uitnodiging onbeantwoord" in late and "10 dagen" in late
    follow_up = BeautifulSoup(client.get("/broker/follow-up").text, "html.parser")
    assert follow_up.select_one("#binnenkort").get_text(strip=True) == "Binnenkort (2)"
    assert len(follow_up.select("table.soon tbody tr")) == 2
    web_login(client, email="broker-rotterdam@demo.koppel.nl")
    other = BeautifulSoup(client.get("/broker").text, "html.parser")
    assert other.select_one("#mijn").get_text(strip=True) == "Mijn open zaken (0)"
    assert other.select_one("#te-laat").get_text(strip=True) == "Te laat (0)"


def test_due_soon_follows_the_setting(client, session, monkeypatch):
    web_login(client, email="broker@demo.koppel.nl")
    match = session.exec(select(Match).join(Need).join(Initiative).where(
        Initiative.municipality_code == "GM0392", Match.status == "proposed",
        Match.resource_kind == "fund").order_by(Match.id)).first()
    client.post(f"/broker/matches/{match.id}/approve",
                data={"csrftoken": csrf_token(client, "/broker/queue")})
    monkeypatch.setenv("KOPPEL_DUE_SOON_DAYS", "2")
    get_settings.cache_clear()
    try:
        soup = BeautifulSoup(client.get("/broker/follow-up").text, "html.parser")
        assert soup.select_one("#binnenkort").get_text(strip=True) == "Binnenkort (0)"
        assert "Daarna volgen er nog 1." in soup.get_text(" ", strip=True)
    finally:
        monkeypatch.delenv("KOPPEL_DUE_SOON_DAYS")
        get_settings.cache_clear()
