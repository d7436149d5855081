"""`make loadtest`: simulated people against `koppel serve` on PostgreSQL with the bench's data.

Builds the synthetic dataset (SCALE as in `make bench`), matches one municipality's needs so a
broker there has suggestions to read, starts `koppel serve --workers N` on loopback and runs
Locust headless for DURATION seconds with USERS people (bench/locustfile.py). With WAIT=0
nobody pauses and the run ramps up, to find the most requests per second served before the
first error. The last line is `LOAD {json}`.
"""

import argparse
import csv
import json
import os
import secrets
import subprocess
import sys
import time

import httpx
from sqlalchemy import func, select

from bench import synthetic
from bench.run import ROOT, _free_port, drop_database, fresh_database, log
from core.vocabulary import get_vocabulary
from db import migrate
from db.engine import make_engine
from db.models import Initiative, Need
from db.session import SessionFactory, unit_of_work
from services.auth import service as auth
from services.matching import runner as matching

OUT = ROOT / "var" / "loadtest"
SAMPLE = 2000


def prepare(url: str) -> dict:
    """A broker with suggestions to read, and what people will ask for."""
    SessionFactory.configure(bind=make_engine(url))
    with unit_of_work() as session:
        busiest = session.execute(
            select(Initiative.municipality_code, func.count(Need.id))
            .join(Need, Need.initiative_id == Initiative.id)
            .where(Initiative.municipality_code.is_not(None))
            .group_by(Initiative.municipality_code).order_by(func.count(Need.id).desc())
            .limit(1)).one()[0]
        broker = auth.create_user(session, email="load-broker@koppel.invalid",
                                  password="load-only-password", role="broker",
                                  municipality=busiest)
        token, _row = auth.issue_token(session, broker, name="loadtest")
        needs = list(session.scalars(select(Need.id).join(Initiative).where(
            Initiative.municipality_code == busiest, Need.status == "open")))
        initiatives = list(session.scalars(select(Initiative.id).where(
            Initiative.published.is_(True)).order_by(func.random()).limit(SAMPLE)))
        municipalities = list(session.scalars(select(Initiative.municipality_code).where(
            Initiative.municipality_code.is_not(None)).distinct().limit(60)))
    with unit_of_work() as session:
        matching.rematch(session, needs)
    return {"broker_token": token, "needs": needs, "initiatives": initiatives,
            "municipalities": municipalities, "themes": get_vocabulary().codes("themes")}


def serve(url: str, workers: int) -> tuple[subprocess.Popen, str]:
    """`koppel serve` on loopback, waiting until it is ready."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOPPEL_")}
    # Measured as it runs for real: production mode, with a secret of its own.
    env |= {"KOPPEL_ENV": "production", "KOPPEL_SECRET_KEY": secrets.token_urlsafe(32)}
    # A broker URL keeps the in-process worker out of the server: only requests are measured.
    env |= {"KOPPEL_DATABASE_URL": url, "KOPPEL_REDIS_URL": "redis://127.0.0.1:6379/14",
            "KOPPEL_LOG_LEVEL": "WARNING"}
    OUT.mkdir(parents=True, exist_ok=True)
    server = subprocess.Popen(
        [sys.executable, "-m", "services.cli", "serve", "--port", str(port), "--workers",
         str(workers)], cwd=ROOT, env=env, stdout=(OUT / "server.log").open("w"),
        stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return server, base
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            server.kill()
            raise RuntimeError(f"the server did not start; see {OUT / 'server.log'}")
        time.sleep(0.3)


def swarm(base: str, plan: dict, users: int, duration: int, wait: bool) -> None:
    """Run Locust headless; its CSV files land in var/loadtest/."""
    env = os.environ | {"KOPPEL_LOAD_PLAN": json.dumps(plan),
                        "KOPPEL_LOAD_WAIT": "1" if wait else "0"}
    # People arrive within ten seconds; without waits the ramp takes half the run.
    spawn_rate = max(users / 10, 1) if wait else max(users / (duration / 2), 1)
    subprocess.run(
        [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"),
         "--headless", "--users", str(users), "--spawn-rate", f"{spawn_rate:.2f}",
         "--run-time", f"{duration}s", "--host", base, "--csv", str(OUT / "run"),
         "--csv-full-history", "--only-summary", "--stop-timeout", "10",
         "--loglevel", "WARNING"],
        cwd=ROOT, env=env, check=False, timeout=duration + 120)


def _number(value: str) -> float:
    return float(value) if value not in ("", "N/A") else 0.0


def figures(users: int, workers: int) -> dict:
    """The LOAD figures from Locust's CSV output."""
    with (OUT / "run_stats.csv").open() as f:
        rows = {row["Name"]: row for row in csv.DictReader(f)}
    total = rows["Aggregated"]
    count = _number(total["Request Count"])
    result = {
        "users": users,
        "rps": round(_number(total["Requests/s"]), 1),
        "p50_ms": _number(total["50%"]), "p95_ms": _number(total["95%"]),
        "p99_ms": _number(total["99%"]),
        "error_rate": round(_number(total["Failure Count"]) / count, 5) if count else 1.0,
        "healthz_rps": round(_number(rows.get("healthz", {}).get("Requests/s", "0")), 1),
        "list_rps": round(_number(rows.get("list", {}).get("Requests/s", "0")), 1),
        "workers": workers, "cores": os.cpu_count(), "requests": int(count),
    }
    for name in ("list", "detail", "matches", "healthz"):
        if name in rows:
            result[f"{name}_p95_ms"] = _number(rows[name]["95%"])
    return result


def most_before_errors() -> float:
    """The highest requests per second seen before the first error (WAIT=0 runs)."""
    best = 0.0
    with (OUT / "run_stats_history.csv").open() as f:
        for row in csv.DictReader(f):
            if row["Name"] != "Aggregated":
                continue
            if _number(row["Total Failure Count"]) > 0:
                break
            best = max(best, _number(row["Requests/s"]))
    return round(best, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60, help="seconds")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of national size")
    parser.add_argument("--wait", type=int, default=1, help="0: no pause between requests")
    parser.add_argument("--workers", type=int, default=2, help="server processes")
    args = parser.parse_args()
    name, dsn = fresh_database()
    url = dsn.replace("postgresql://", "postgresql+psycopg://", 1)
    server = None
    try:
        migrate.upgrade(url)
        started = time.perf_counter()
        sizes = synthetic.generate(dsn, scale=args.scale)
        plan = prepare(url)
        log(f"data: {sizes} in {time.perf_counter() - started:.0f} s; broker reads "
            f"{len(plan['needs'])} needs")
        server, base = serve(url, args.workers)
        swarm(base, plan, args.users, args.duration, wait=bool(args.wait))
        load = figures(args.users, args.workers)
        log(f"{load['requests']:,} requests in {args.duration} s by {args.users} "
            f"{'people pausing 1-2 s' if args.wait else 'clients without pause'} against "
            f"{args.workers} server processes on {load['cores']} cores")
        log(f"  {load['rps']} requests/s; p50 {load['p50_ms']:.0f} ms, p95 "
            f"{load['p95_ms']:.0f} ms, p99 {load['p99_ms']:.0f} ms; errors (5xx, timeouts) "
            f"{load['error_rate']:.3%}")
        log("  p95 per kind: " + ", ".join(f"{k.removesuffix('_p95_ms')} {v:.0f} ms"
                                          for k, v in load.items() if k.endswith("_p95_ms")))
        if not args.wait:
            load["max_rps_before_errors"] = most_before_errors()
            log(f"  most requests/s before the first error: {load['max_rps_before_errors']}")
        print("LOAD " + json.dumps(load), flush=True)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        SessionFactory.configure(bind=None)
        drop_database(name)


if __name__ == "__main__":
    main()
