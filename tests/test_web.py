"""The Dutch web pages: the initiative list with filters and search, and the profile page."""

import re
from urllib.parse import urlparse

from bs4 import BeautifulSoup
from sqlmodel import select

from core.vocabulary import get_vocabulary
from db.models import Match
from services.notifications import service as notifications
from tests.factories import initiative_payload
from tests.test_web_auth import web_login

# Codes with an underscore never read as Dutch; a page showing one shows a code, not a label.
CODES = sorted({item["code"] for lens, value in get_vocabulary().raw.items()
                if isinstance(value, dict) and "items" in value for item in value["items"]
                if "_" in item["code"]}, key=len, reverse=True)
UNDUTCH = re.compile(r"\[\]|\['|'\]|(?<![\d.])\d+\.0(?![\d.])|\bNone\b|\bTrue\b|\bFalse\b|\b(" +
                     "|".join(map(re.escape, CODES)) + r")\b")


def assert_reads_as_dutch(html: str) -> None:
    """No code, Python list, None or '4.0' in what a reader sees."""
    text = re.sub(r"https?://\S+", "", BeautifulSoup(html, "html.parser").get_text(" "))
    found = UNDUTCH.search(text)
    context = text[max(0, found.start() - 80):found.end() + 80] if found else ""
    assert found is None, f"'{found.group()}' in: …{context}…"


def page(client, path: str, status: int = 200) -> BeautifulSoup:
    response = client.get(path)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")
    return BeautifulSoup(response.text, "html.parser")


def assert_accessible_basics(soup: BeautifulSoup) -> None:
    assert soup.html["lang"] == "nl"
    assert soup.find("main") and soup.find("header") and soup.find("footer")
    assert soup.find("nav")
    assert len(soup.find_all("h1")) == 1
    for control in soup.find_all(["input", "select"]):
        assert control.get("id"), control
        assert soup.find("label", attrs={"for": control["id"]}), f"no label for {control['id']}"
    # No request leaves the site: scripts, styles and images are all local.
    for tag, attr in (("script", "src"), ("link", "href"), ("img", "src")):
        for el in soup.find_all(tag):
            assert not urlparse(el.get(attr, "")).netloc, el


def card_names(soup: BeautifulSoup) -> list[str]:
    return [h.get_text(strip=True) for h in soup.select("li.card h3")]


def test_list_page_shows_initiatives_and_filters(client):
    soup = page(client, "/")
    assert_accessible_basics(soup)
    assert soup.h1.get_text(strip=True) == "Initiatieven"
    names = card_names(soup)
    assert names[:2] == ["AlzheimerMuziekGeluk", "Austerlitz Zorgt"]
    theme_options = [o.get_text(strip=True) for o in soup.select("select#f-theme option")]
    assert "Ondersteuning mantelzorg" in theme_options
    municipalities = soup.select("select#f-municipality option")
    assert "Haarlem" in [o.get_text(strip=True) for o in municipalities]
    assert soup.find("a", rel="next")


def test_search_and_filters_on_the_list_page(client):
    names = card_names(page(client, "/?q=mantelzorg"))
    assert {"IKZALZIJN", "AlzheimerMuziekGeluk"} <= set(names)
    soup = page(client, "/?municipality=GM0392")
    assert card_names(soup) == ["BUUV"]
    assert soup.select_one("select#f-municipality option[selected]")["value"] == "GM0392"
    soup = page(client, "/?pc4=2011&radius_km=5&theme=")
    assert "BUUV" in card_names(soup)
    assert "0,0 km" in soup.select_one("li.card .meta").get_text()


def test_next_page_link_keeps_the_filters(client):
    soup = page(client, "/?q=vrijwilligers&limit=5")
    link = soup.find("a", rel="next")
    assert "q=vrijwilligers" in link["href"] and "cursor=" in link["href"]
    second = page(client, link["href"])
    assert card_names(second)
    assert not set(card_names(second)) & set(card_names(soup))


def test_bad_filter_shows_a_dutch_message(client):
    soup = page(client, "/?pc4=12ab", status=422)
    alert = soup.find(attrs={"role": "alert"})
    assert "vier cijfers" in alert.get_text()
    assert soup.select_one("#f-pc4")["aria-invalid"] == "true"


def test_profile_page_shows_every_lens_in_dutch(client):
    buuv = client.get("/api/v1/initiatives?municipality=GM0392").json()["items"][0]
    soup = page(client, f"/initiatieven/{buuv['id']}")
    assert_accessible_basics(soup)
    assert soup.h1.get_text(strip=True) == "BUUV"
    profile = {dt.get_text(strip=True): dd.get_text(" ", strip=True)
               for dt, dd in zip(soup.select("dl.profile dt"), soup.select("dl.profile dd"),
                                 strict=True)}
    assert profile["Wie zit erachter"] == \
        "Burger met initiatief – Ondersteuning van burgerinitiatieven"
    assert profile["Toegevoegde waarde"] == "Gids – Ontmoeten en matchmaking"
    assert profile["Fase"] == "Continuïteit"
    assert "Ruilnetwerken, uitwisseling, makelen vraag en aanbod" in profile["Thema's"]
    needs = [h.get_text(strip=True) for h in soup.select("ul.needs-list h3")]
    assert len(needs) == 2
    assert "Structurele financiële steun" in soup.select_one("ul.needs-list").get_text()
    assert "Boodschappen" in soup.get_text()
    assert "Lokaal · Haarlem (2011)" in " ".join(soup.select_one("p.meta").get_text().split())


def test_unknown_or_unpublished_profile_is_a_dutch_404(client, admin):
    soup = page(client, "/initiatieven/999999", status=404)
    assert soup.h1.get_text(strip=True) == "Niet gevonden"
    hidden = admin.post("/api/v1/initiatives", json=initiative_payload(published=False)).json()
    page(client, f"/initiatieven/{hidden['id']}", status=404)
    page(client, "/bestaat-niet", status=404)


def test_every_page_reads_as_dutch(client, session):
    match = session.exec(select(Match).where(Match.status == "proposed")
                         .order_by(Match.id)).first()
    token = notifications.invitation_token(match.id)
    anonymous = ["/", "/?q=mantelzorg", "/initiatieven/1", "/login", "/?pc4=12ab",
                 "/initiatieven/999999", f"/i/{token}/accept", f"/i/{token}/decline",
                 f"/i/{token}/gelukt", f"/i/{token}/uren", "/dev/mail"]
    for path in anonymous:
        assert_reads_as_dutch(client.get(path).text)
    web_login(client, email="broker@demo.koppel.nl")
    for path in ["/", "/initiatieven/1", "/broker/queue", f"/broker/matches/{match.id}",
                 "/broker/follow-up", "/broker/needs/new", "/broker/intakes/new",
                 "/broker/referrals"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_reads_as_dutch(response.text)
