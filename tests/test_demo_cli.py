"""The demo data and the `koppel` command line, as `make demo` uses them."""

import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlmodel import func, select

from db.models import Initiative, Need, Offer
from services import demo
from tests.helpers import free_port, koppel_env, wait_for_http

ROOT = Path(__file__).resolve().parents[1]
KOPPEL = [sys.executable, "-m", "services.cli"]


def test_demo_has_the_28_initiatives_and_loading_again_changes_nothing(session):
    def snapshot():
        session.expire_all()
        rows = session.exec(select(Initiative.name, Initiative.updated_at)).all()
        needs = session.exec(select(func.count()).select_from(Need)).one()
        offers = session.exec(select(func.count()).select_from(Offer)).one()
        return sorted(rows), needs, offers

    before = snapshot()
    assert len(before[0]) == 28
    result = demo.load(session)
    session.flush()
    assert (result.initiatives_added, result.initiatives_present) == (0, 28)
    assert snapshot() == before


def test_demo_accounts_are_never_made_in_production(tmp_path):
    env = koppel_env()
    env |= {"KOPPEL_DATABASE_URL": f"sqlite:///{tmp_path / 'prod.db'}",
            "KOPPEL_ENV": "production", "KOPPEL_SECRET_KEY": "p" * 40}
    _run(["db", "upgrade"], env)
    out = _run(["demo", "load"], env)
    assert "28 initiatives added" in out and "demo.koppel.nl" not in out
    assert "refused" not in _run(["user", "first-admin", "--email", "beheer@gemeente.nl",
                                  "--password", "een-lang-wachtwoord"], env)
    second = subprocess.run(KOPPEL + ["user", "first-admin", "--email", "twee@gemeente.nl",
                                      "--password", "een-lang-wachtwoord"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert second.returncode == 1 and "already exists" in second.stderr


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """A demo SQLite file migrated and loaded by the command line, with what each step said."""
    env = koppel_env()
    env["KOPPEL_DATABASE_URL"] = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'demo.db'}"
    upgraded = _run(["db", "upgrade"], env)
    return env, upgraded, _run(["demo", "load"], env)


def test_cli_user_create_checks_role_and_scope(loaded):
    cli_env = loaded[0]
    ok = _run(["user", "create", "--email", "makelaar@haarlem.nl", "--password",
               "lang-genoeg-wachtwoord", "--role", "broker", "--municipality", "GM0392"],
              cli_env)
    assert "created: makelaar@haarlem.nl (broker)" in ok
    bad = subprocess.run(KOPPEL + ["user", "create", "--email", "x@y.nl", "--password",
                                   "lang-genoeg-wachtwoord", "--role", "broker"], cwd=ROOT,
                         env=cli_env, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1 and "municipality" in bad.stderr


def _run(args, env):
    return subprocess.run(KOPPEL + args, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120, check=True).stdout


def test_cli_migrates_loads_and_serves_the_demo(loaded):
    cli_env, upgraded, first = loaded
    assert "database at head" in upgraded
    assert "28 initiatives added" in first
    for login in ("broker@demo.koppel.nl", "broker-rotterdam@demo.koppel.nl",
                  "consultant@demo.koppel.nl", "staff@demo.koppel.nl", "admin@demo.koppel.nl",
                  "initiator@demo.koppel.nl", "fund@demo.koppel.nl",
                  "volunteer@demo.koppel.nl", "password: koppel-demo"):
        assert login in first
    assert "0 initiatives added, 28 already present" in _run(["demo", "load"], cli_env)
    assert "schema matches the models" in _run(["db", "check"], cli_env)

    port = free_port()
    server = subprocess.Popen(KOPPEL + ["serve", "--port", str(port)], cwd=ROOT, env=cli_env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{base}/readyz", alive=lambda: server.poll() is None)
        found = httpx.get(f"{base}/api/v1/initiatives", params={"q": "mantelzorg"}).json()
        assert {"IKZALZIJN", "AlzheimerMuziekGeluk"} <= {i["name"] for i in found["items"]}
        haarlem = httpx.get(f"{base}/api/v1/initiatives", params={"municipality": "GM0392",
                                                                   "limit": 100})
        # BUUV, and the dashboard's fictional initiatives, each marked as demo data.
        names = [i["name"] for i in haarlem.json()["items"]]
        assert "BUUV" in names and all(n == "BUUV" or n.endswith("(demo)") for n in names)
        buuv_id = next(i["id"] for i in haarlem.json()["items"] if i["name"] == "BUUV")
        near = httpx.get(f"{base}/api/v1/initiatives", params={"pc4": "2011", "radius_km": 5})
        assert "BUUV" in [i["name"] for i in near.json()["items"]]
        home = httpx.get(f"{base}/")
        assert home.status_code == 200 and "BUUV" in home.text
        docs = httpx.get(f"{base}/docs")
        assert docs.status_code == 200 and "<title>Koppel" in docs.text
        assert '<main id="swagger-ui">' in docs.text
        assert "/openapi.json" in httpx.get(f"{base}/docs/start.js").text
        # The in-process worker has refreshed the demo profiles.
        buuv = httpx.get(f"{base}/api/v1/initiatives/{buuv_id}").json()
        assert buuv["completeness"] > 0.5
    finally:
        server.terminate()
        server.wait(timeout=20)
