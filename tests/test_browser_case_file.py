"""A broker follows one need from posting to a successful follow-up in real Chromium, and finds
every step on the case file's timeline, in order; contacts appear only after acceptance.

Works on its own initiative, need and volunteers (made straight in the served database), so the
demo records other browser modules use stay as they were."""

import re
import sqlite3
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from playwright.sync_api import Page

from tests.browser_kit import check, run_cli, site_db
from tests.helpers import plain_text

pytestmark = pytest.mark.browser
WIDE = {"width": 1280, "height": 900}
FIRST = ("Kees Schoffel", "kees.schoffel@example.org", "0611112222")
SECOND = ("Lotte Gieter", "lotte.gieter@example.org", "0633334444")
CONTACT = "moestuin.deschep@example.org"


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def make_case(served) -> dict[str, int]:
    """An initiative in Haarlem with a need and two proposed volunteers, posted a minute ago."""
    db = sqlite3.connect(site_db(served))
    posted = datetime.now(UTC) - timedelta(minutes=1)
    cur = db.execute(
        "INSERT INTO initiative (name, sort_name, description, scope, municipality_code, pc4, "
        "contact_name, contact_email, published, search_text, created_at, updated_at) VALUES "
        "('Moestuin De Schep', 'moestuin de schep', 'Een buurtmoestuin.', 'local', 'GM0392', "
        "'2011', 'Joke Schep', ?, 0, '', ?, ?)", (CONTACT, _stamp(posted), _stamp(posted)))
    initiative_id = cur.lastrowid
    need_id = db.execute(
        "INSERT INTO need (initiative_id, kind, title, description, skills, availability, "
        "status, visibility, created_at, updated_at) VALUES (?, 'volunteers', "
        "'Wieden in de moestuin', 'Twee uur op zaterdag.', '[]', '[]', 'open', 'brokers', ?, ?)",
        (initiative_id, _stamp(posted), _stamp(posted))).lastrowid
    ids = {"initiative": initiative_id, "need": need_id}
    for key, (name, email, phone), score in (("first", FIRST, 0.81), ("second", SECOND, 0.74)):
        volunteer_id = db.execute(
            "INSERT INTO volunteer (municipality_code, name, email, phone, pc4, skills, themes, "
            "availability, hours_per_week, radius_km, about, created_at, updated_at, "
            "last_active_at) VALUES ('GM0392', ?, ?, ?, '2011', '[]', '[]', '[]', 2, 5, '', "
            "?, ?, ?)", (name, email, phone, *[_stamp(posted)] * 3)).lastrowid
        ids[key] = db.execute(
            "INSERT INTO match (need_id, resource_kind, resource_id, score, reasons, explanation,"
            " status, created_at, updated_at) VALUES (?, 'volunteer', ?, ?, '[]', "
            "'kan tuinieren · 0,8 km', 'proposed', ?, ?)",
            (need_id, volunteer_id, score, *[_stamp(posted + timedelta(seconds=1))] * 2)
        ).lastrowid
    db.commit()
    db.close()
    return ids


def two_weeks_pass(served, ids: dict[str, int]) -> None:
    """Move every timestamp of this case back 15 days, so the follow-up is due for this match
    only and the steps keep their order."""
    db = sqlite3.connect(site_db(served))
    matches = (ids["first"], ids["second"])
    columns = {
        "need": ("id = ?", (ids["need"],), ("created_at", "updated_at")),
        "match": ("id IN (?, ?)", matches, ("created_at", "updated_at", "decided_at",
                                             "answered_at")),
        "mail_message": ("match_id IN (?, ?)", matches, ("created_at", "claimed_at",
                                                         "sent_at")),
        "hours_log": ("match_id IN (?, ?)", matches, ("created_at",)),
    }
    for table, (where, args, names) in columns.items():
        for name in names:
            rows = db.execute(f"SELECT rowid, {name} FROM {table} WHERE {where} "  # noqa: S608
                              f"AND {name} IS NOT NULL", args).fetchall()
            for rowid, value in rows:
                moved = datetime.fromisoformat(value) - timedelta(days=15)
                db.execute(f"UPDATE {table} SET {name} = ? WHERE rowid = ?",  # noqa: S608
                           (moved.strftime("%Y-%m-%d %H:%M:%S.%f"), rowid))
    db.commit()
    db.close()


def mail_to(inbox, address: str, subject: str):
    """The newest mail to this address with this subject (waiting for the worker)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        found = [m for m in inbox.messages
                 if m["To"] == address and m["Subject"].startswith(subject)]
        if found:
            return found[-1]
        time.sleep(0.2)
    raise AssertionError(f"no mail '{subject}' to {address}")


def timeline_kinds(page: Page) -> list[str]:
    return page.locator("ol.timeline li").evaluate_all("els => els.map(e => e.dataset.kind)")


def test_broker_follows_a_need_from_posting_to_a_successful_follow_up(site, browser):
    base, inbox, _env = site
    ids = make_case(site)
    broker = browser.new_context(base_url=base, bypass_csp=True, viewport=WIDE,
                                 locale="nl-NL").new_page()
    broker.set_default_timeout(90_000)  # six helpers share two cores; mail goes out in-process
    broker.goto("/login")
    broker.fill("#f-username", "broker@demo.koppel.nl")
    broker.fill("#f-password", "koppel-demo")
    broker.keyboard.press("Enter")
    broker.wait_for_url(re.compile(r"^(?!.*/login)"))

    # Reject the first proposal, with a reason and a note.
    broker.goto(f"/broker/matches/{ids['first']}")
    broker.get_by_label("Reden om af te wijzen").select_option(label="Te ver weg")
    broker.get_by_label("Toelichting (optioneel)").fill("Woont te ver van de tuin")
    broker.get_by_role("button", name="Afwijzen").click()
    broker.wait_for_url(re.compile(r"done=rejected"))

    # Approve the second from its match page; the match page leads to the case file.
    broker.goto(f"/broker/matches/{ids['second']}")
    broker.get_by_role("button", name="Goedkeuren").click()
    broker.wait_for_url(re.compile(r"done=approved"))
    broker.goto(f"/broker/matches/{ids['second']}")
    assert SECOND[1] not in broker.inner_text("main")
    broker.get_by_role("link", name="Dossier van deze vraag, met tijdlijn").click()
    broker.wait_for_url(f"{base}/broker/zaken/{ids['need']}")
    main = broker.inner_text("main")
    assert "zodra beide kanten ja hebben gezegd" in main
    for secret in (SECOND[1], SECOND[2], CONTACT, FIRST[1]):
        assert secret not in main
    check(broker, "case-file-before-acceptance")

    # The volunteer accepts by the link in the invitation and logs hours.
    invitation = mail_to(inbox, SECOND[1], "Wilt u meedoen?")
    accept = re.search(r"(http://127\.0\.0\.1:\d+/i/\S+/accept)", plain_text(invitation))
    volunteer = browser.new_context(bypass_csp=True, locale="nl-NL").new_page()
    volunteer.set_default_timeout(90_000)
    volunteer.goto(accept.group(1))
    volunteer.get_by_role("button", name="Ja, ik doe mee").click()
    assert "Fijn dat u meedoet" in volunteer.inner_text("main")
    volunteer.get_by_role("link", name="Uren doorgeven").click()
    volunteer.get_by_label("Aantal uren").fill("3")
    volunteer.get_by_label("Datum").fill(date.today().isoformat())
    volunteer.get_by_role("button", name="Opslaan").click()
    assert "De uren zijn genoteerd" in volunteer.inner_text("main")

    # Two weeks later Koppel asks "Is de hulp gelukt?" and the volunteer says yes.
    two_weeks_pass(site, ids)
    run_cli(site, ["follow-ups"])
    asked = mail_to(inbox, SECOND[1], "Is de hulp gelukt?")
    volunteer.goto(re.search(r"(http://127\.0\.0\.1:\d+/i/\S+/gelukt)",
                             plain_text(asked)).group(1))
    volunteer.get_by_label("Ja, het is gelukt").check()
    volunteer.get_by_role("button", name="Versturen").click()
    assert "Dank u wel voor uw antwoord" in volunteer.inner_text("main")

    # The broker adds a note and finds every step on the timeline, newest first.
    broker.goto(f"/broker/zaken/{ids['need']}")
    broker.get_by_label("Notitie", exact=True).fill("Joke wil in het voorjaar weer hulp")
    broker.get_by_role("button", name="Notitie opslaan").click()
    broker.wait_for_url(re.compile(r"notitie=opgeslagen"))
    assert "De notitie is opgeslagen" in broker.inner_text("main")
    steps = [k for k in timeline_kinds(broker) if not k.startswith("mail_")]
    assert steps == ["case_note", "follow_up_answered", "follow_up_asked", "hours_logged",
                     "match_accepted", "match_approved", "match_rejected", "match_proposed",
                     "match_proposed", "need_posted"]
    assert "mail_sent" in timeline_kinds(broker)  # the invitation went out
    timeline = broker.locator("ol.timeline").inner_text()
    for text in ("Voorstel afgewezen: Kees Schoffel", "Te ver weg", "Woont te ver van de tuin",
                 "Voorstel goedgekeurd: Lotte Gieter", "Uitnodiging verstuurd aan Lotte Gieter",
                 "Uitnodiging aangenomen: Lotte Gieter", "3 uur", "de hulp is gelukt",
                 "Notitie: Joke wil in het voorjaar weer hulp", "Demo broker"):
        assert text in timeline, text

    # Both sides' contact details, now that both said yes (never the rejected volunteer's).
    contact = broker.locator("#contact").inner_text()
    for shown in (SECOND[0], SECOND[1], SECOND[2], CONTACT, "Joke Schep"):
        assert shown in contact
    assert FIRST[1] not in broker.inner_text("main")
    check(broker, "case-file")
    broker.goto(f"/broker/matches/{ids['second']}")
    assert SECOND[2] in broker.inner_text("main") and CONTACT in broker.inner_text("main")
    check(broker, "case-file-match-contacts")
