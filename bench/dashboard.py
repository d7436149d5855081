"""The municipal dashboard on the bench data: `/gemeente` and the API, p50/p95 over 20+ requests.

Run by bench/run.py in a process of its own (`python -m bench.dashboard DSN`); prints one JSON
line. The requests go in-process through the whole ASGI app (middleware, session cookie, CSRF,
templates), as `koppel serve` would run them, without the network in between.
"""

import json
import os
import re
import statistics
import subprocess
import sys
import time

REQUESTS = 20


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return (round(statistics.median(ordered), 1),
            round(ordered[int(0.95 * (len(ordered) - 1))], 1))


def _timed(call, count: int = REQUESTS, before=None) -> list[float]:
    """count timed calls after one untimed warm-up (first-request imports and caches)."""
    call()
    out = []
    for _ in range(count):
        if before:
            before()
        started = time.perf_counter()
        answer = call()
        out.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, answer.status_code
    return out


def measure() -> dict:
    """Log in as staff of the biggest municipality and time the page and the API."""
    # Imported here: the settings (database, development mode) come from this process's env.
    from fastapi.testclient import TestClient  # noqa: PLC0415
    from sqlalchemy import delete, func  # noqa: PLC0415
    from sqlmodel import select  # noqa: PLC0415

    from db.models import DashboardSnapshot, Initiative, User  # noqa: PLC0415
    from db.session import unit_of_work  # noqa: PLC0415
    from services.api.app import create_app  # noqa: PLC0415
    from services.auth import service as auth  # noqa: PLC0415
    from services.monitoring import service as monitoring  # noqa: PLC0415

    with unit_of_work() as session:
        code = session.exec(select(Initiative.municipality_code, func.count())
                            .group_by(Initiative.municipality_code)
                            .order_by(func.count().desc())).first()[0]
        email = "bench-staff@koppel.invalid"
        if session.exec(select(User).where(User.email == email)).first() is None:
            auth.create_user(session, email=email, password="bench-only-password",
                             role="staff", municipality=code)
        admin = session.exec(select(User).where(User.role == "admin")).first() or \
            auth.create_user(session, email="bench-admin@koppel.invalid",
                             password="bench-only-password", role="admin")
        token, _row = auth.issue_token(session, admin, name="bench-dashboard")

    def drop_snapshots() -> None:
        with unit_of_work() as session:
            session.exec(delete(DashboardSnapshot))

    refresh = {}
    for key in (code, monitoring.ALL):
        started = time.perf_counter()
        with unit_of_work() as session:
            monitoring.refresh(session, key)
        refresh[key] = round(time.perf_counter() - started, 2)

    with TestClient(create_app(embedded_worker=False)) as web:
        form = web.get("/login").text
        csrf = re.search(r'name="csrftoken" value="([^"]+)"', form).group(1)
        web.post("/login", data={"username": email, "password": "bench-only-password",
                                 "csrftoken": csrf}, follow_redirects=False)
        page = _timed(lambda: web.get("/gemeente"))
        live = _timed(lambda: web.get("/gemeente"), before=drop_snapshots)
    headers = {"Authorization": f"Bearer {token}"}
    with unit_of_work() as session:
        for key in (code, monitoring.ALL):
            monitoring.refresh(session, key)
    with TestClient(create_app(embedded_worker=False), headers=headers) as api:
        one = _timed(lambda: api.get(f"/api/v1/municipalities/{code}/dashboard"))
        every = _timed(lambda: api.get("/api/v1/municipalities/NL/dashboard"))
    p50, p95 = _percentiles(page)
    return {"municipality": code, "requests": REQUESTS,
            "dashboard_p50_ms": p50, "dashboard_p95_ms": p95,
            "dashboard_live_p50_ms": _percentiles(live)[0],
            "dashboard_live_p95_ms": _percentiles(live)[1],
            "dashboard_api_p95_ms": _percentiles(one)[1],
            "dashboard_api_all_p95_ms": _percentiles(every)[1],
            "dashboard_refresh_s": refresh[code], "dashboard_refresh_all_s": refresh["NL"]}


if __name__ == "__main__":
    os.environ["KOPPEL_DATABASE_URL"] = sys.argv[1]
    os.environ.setdefault("KOPPEL_ENV", "development")
    print(json.dumps(measure()), flush=True)


def run(dsn: str, redis_url: str) -> dict:
    """Measure in a fresh process on the bench database (called by bench/run.py).

    A Redis URL makes the refresh a live page asks for a queued message, as in production,
    instead of a second computation inside the timed request; no worker consumes it here."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOPPEL_")}
    env |= {"KOPPEL_ENV": "development", "KOPPEL_REDIS_URL": redis_url}
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run([sys.executable, "-m", "bench.dashboard", dsn], cwd=root, env=env,
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])
