"""`make bench`: national-scale matching figures beside a naive baseline, in one run.

The last line is `BENCH {json}` with the keys the matching issue names.
"""

import argparse
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import psycopg
import redis

ROOT = Path(__file__).resolve().parents[1]
ADMIN_DSN = os.environ.get("KOPPEL_BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("KOPPEL_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


def log(message: str) -> None:
    print(message, flush=True)


def fresh_database() -> tuple[str, str]:
    name = f"koppel_bench_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = ADMIN_DSN.rsplit("/", 1)[0]
    return name, f"{base}/{name}"


def drop_database(name: str) -> None:
    with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _worker_env(dsn: str, shards: int = 1) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOPPEL_")}
    env |= {"KOPPEL_ENV": "production", "KOPPEL_SECRET_KEY": secrets.token_urlsafe(32)}
    return env | {"KOPPEL_DATABASE_URL": dsn, "KOPPEL_REDIS_URL": REDIS_URL,
                  "KOPPEL_MATCHING_SHARDS": str(shards)}


def celery_full_rematch(dsn: str, workers: int, timeout: float = 1800) -> float:
    """Wall seconds of one full rematch run by `workers` worker processes on Redis (in as
    many shards), from queueing the task to the run recorded as done."""
    redis.Redis.from_url(REDIS_URL).flushdb()
    koppel = [sys.executable, "-m", "services.cli"]
    logs = ROOT / "var"
    logs.mkdir(exist_ok=True)
    log_file = logs / f"bench-worker-{workers}.log"
    worker = subprocess.Popen(koppel + ["worker", "--concurrency", str(workers)], cwd=ROOT,
                              env=_worker_env(dsn, workers), stdout=log_file.open("w"),
                              stderr=subprocess.STDOUT)
    try:
        from celery import Celery

        # Time the rematch, not the worker starting: wait until it says it is ready.
        deadline = time.monotonic() + 300
        while " ready." not in log_file.read_text(errors="replace"):
            if time.monotonic() > deadline or worker.poll() is not None:
                raise RuntimeError(f"worker with {workers} processes did not start")
            time.sleep(0.2)
        time.sleep(1)
        with psycopg.connect(dsn, autocommit=True) as conn:
            run_id = conn.execute(
                "INSERT INTO matching_run (kind, status, needs_total, needs_done, pairs_scored,"
                " proposals_written, created_at) VALUES ('bench', 'queued', 0, 0, 0, 0, now())"
                " RETURNING id").fetchone()[0]
            started = time.perf_counter()
            Celery(broker=REDIS_URL).send_task(
                "matching.full_rematch", kwargs={"run_id": run_id, "shard_count": workers},
                queue="koppel.matching")
            while True:
                status, error = conn.execute("SELECT status, error FROM matching_run WHERE id = "
                                             "%s", (run_id,)).fetchone()
                if status == "done":
                    return time.perf_counter() - started
                if status == "failed" or time.perf_counter() - started > timeout:
                    raise RuntimeError(f"full rematch on {workers} workers: {status} {error}")
                time.sleep(0.1)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()


def proposals_of(dsn: str, need_ids: list[int]) -> set[tuple]:
    with psycopg.connect(dsn) as conn:
        return set(conn.execute("SELECT need_id, resource_kind, resource_id FROM match WHERE "
                                "status = 'proposed' AND need_id = ANY(%s)",
                                (need_ids,)).fetchall())


def single_need_latency(dsn: str, count: int, initiatives: int, first: int = 0) -> dict:
    """POST a need through the API and time until its matches can be read (real worker)."""
    redis.Redis.from_url(REDIS_URL).flushdb()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOPPEL_")}
    # Measured as it runs for real: production mode, with a secret of its own.
    env |= {"KOPPEL_ENV": "production", "KOPPEL_SECRET_KEY": secrets.token_urlsafe(32)}
    env |= {"KOPPEL_DATABASE_URL": dsn, "KOPPEL_REDIS_URL": REDIS_URL}
    port = _free_port()
    koppel = [sys.executable, "-m", "services.cli"]
    logs = ROOT / "var"
    logs.mkdir(exist_ok=True)
    worker = subprocess.Popen(koppel + ["worker", "--concurrency", "2"], cwd=ROOT, env=env,
                              stdout=(logs / "bench-worker.log").open("w"),
                              stderr=subprocess.STDOUT)
    api = subprocess.Popen(koppel + ["serve", "--port", str(port)], cwd=ROOT, env=env,
                           stdout=(logs / "bench-api.log").open("w"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        token = subprocess.run(
            [sys.executable, "-c", "from bench.token import main; main()"], cwd=ROOT, env=env,
            capture_output=True, text=True, check=True).stdout.strip()
        headers = {"Authorization": f"Bearer {token}"}
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("API did not start")
            time.sleep(0.2)
        time.sleep(3)  # let the worker connect
        latencies, need_ids = [], []
        with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
            def post_and_wait(i: int, limit: float) -> float:
                initiative = 1 + (i * 487) % initiatives
                started = time.perf_counter()
                response = client.post(f"/api/v1/initiatives/{initiative}/needs", json={
                    "kind": "volunteers", "title": f"Vrijwilliger gezocht {i}",
                    "skills": ["cooking", "transport"], "hours_per_week": 3})
                response.raise_for_status()
                need_id = response.json()["id"]
                need_ids.append(need_id)
                while not client.get(f"/api/v1/needs/{need_id}/matches").json():
                    if time.perf_counter() - started > limit:
                        raise RuntimeError(f"need {need_id} got no matches in {limit:.0f} s")
                    time.sleep(0.01)
                return (time.perf_counter() - started) * 1000

            # One need first, not counted: the worker process starting up and importing the
            # engine is no part of a need's latency.
            post_and_wait(first + count, 300)
            for i in range(first, first + count):
                latencies.append(post_and_wait(i, 60))
        latencies.sort()
        return {"p50_ms": round(statistics.median(latencies), 1),
                "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
                "count": len(latencies), "need_ids": need_ids}
    finally:
        for proc in (api, worker):
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of national size")
    parser.add_argument("--latency-needs", type=int, default=100)
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument("--workers", type=int, default=1,
                        help="worker processes (and shards) for the scale-out figure")
    args = parser.parse_args()
    cores = os.cpu_count()
    name, dsn = fresh_database()
    try:
        from db import migrate

        migrate.upgrade(dsn.replace("postgresql://", "postgresql+psycopg://", 1))
        from bench import synthetic

        started = time.perf_counter()
        sizes = synthetic.generate(dsn, scale=args.scale)
        log(f"generated and loaded with COPY in {time.perf_counter() - started:.1f} s: {sizes}")
        fresh = single_need_latency(dsn, max(args.latency_needs // 4, 5), sizes["initiatives"],
                                    first=10_000)
        log(f"single new need on the freshly loaded database: p50 {fresh['p50_ms']} ms, p95 "
            f"{fresh['p95_ms']} ms over {fresh['count']} needs")
        full = json.loads(subprocess.run(
            [sys.executable, "-m", "bench.full_run",
             dsn.replace("postgresql://", "postgresql+psycopg://", 1)],
            cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1])
        log(f"full rematch: {full['full_rematch_s']} s wall (load {full['load_s']} s, engine "
            f"{full['engine_s']} s, store {full['store_s']} s), peak RSS "
            f"{full['peak_rss_mib']} MiB, {full['pairs_scored']:,} pairs scored, "
            f"{full['pairs_per_s']:,.0f} pairs/s, {full['proposals_written']:,} proposals")
        log(f"  per kind: {full['per_kind']}")
        base = full["baseline"]
        ratio = full["pairs_per_s"] / max(base["pairs_per_s"], 1e-9)
        log(f"naive baseline (1% sample, per-pair Python + greedy top-k): examined "
            f"{base['examined']:,} pairs, scored {base['pairs']:,} eligible ones for "
            f"{base['needs']} needs in {base['seconds']} s = {base['pairs_per_s']:,.0f} "
            f"pairs/s; the engine scores {ratio:,.0f}x as many pairs per second")
        for method in ("flow", "greedy"):
            s = full[method]
            log(f"{method:>6}: coverage {s['coverage']:.1%}, most open proposals for one "
                f"volunteer {s['max_open']}, Gini {s['gini']:.3f}, {s['proposals']:,} proposals")
        from bench import quality

        dev = quality.evaluate()
        log(f"dev set: precision@5 {dev['precision5']:.3f}, nDCG@5 {dev['ndcg5']:.3f} "
            f"over {dev['needs']} needs")
        latency = single_need_latency(dsn, args.latency_needs, sizes["initiatives"])
        log(f"single new need, POST to matches readable via Celery on Redis: p50 "
            f"{latency['p50_ms']} ms, p95 {latency['p95_ms']} ms over {latency['count']} needs")
        # The next full runs: one worker process, then `--workers` processes in as many
        # shards. Proposals the targeted rematches above made visible should survive them.
        visible = proposals_of(dsn, latency["need_ids"])
        one = celery_full_rematch(dsn, 1)
        kept = proposals_of(dsn, latency["need_ids"])
        stability = round(len(visible & kept) / max(len(visible), 1), 4)
        log(f"full rematch on 1 worker process: {one:.1f} s; stability {stability:.1%} of "
            f"{len(visible)} proposals visible after targeted rematches survive it")
        speedup = 1.0
        if args.workers > 1:
            many = celery_full_rematch(dsn, args.workers)
            speedup = round(one / many, 2)
            log(f"full rematch on {args.workers} worker processes ({args.workers} shards): "
                f"{many:.1f} s, {speedup}x the speed of one")
        log(f"cores: {cores}, load average {os.getloadavg()}")
        bench = {
            "full_rematch_s": full["full_rematch_s"], "peak_rss_mib": full["peak_rss_mib"],
            "pairs_per_s": full["pairs_per_s"], "baseline_pairs_per_s": base["pairs_per_s"],
            "single_need_p50_ms": latency["p50_ms"], "single_need_p95_ms": latency["p95_ms"],
            "coverage_flow": full["flow"]["coverage"],
            "coverage_greedy": full["greedy"]["coverage"],
            "max_open_per_volunteer_flow": full["flow"]["max_open"],
            "max_open_per_volunteer_greedy": full["greedy"]["max_open"],
            "gini_flow": full["flow"]["gini"], "gini_greedy": full["greedy"]["gini"],
            "precision5_dev": dev["precision5"], "ndcg5_dev": dev["ndcg5"], "cores": cores,
            "stability": stability, "workers": args.workers, "speedup_vs_1_worker": speedup,
            "single_need_fresh_p50_ms": fresh["p50_ms"],
            "single_need_fresh_p95_ms": fresh["p95_ms"],
            "load_s": full["load_s"], "engine_s": full["engine_s"], "store_s": full["store_s"],
        }
        kinds = quality.bench_keys()  # nDCG@5, precision@5, coverage per kind (issue 15)
        log(f"labelled set, dev split: {kinds}")
        bench.update(kinds)
        # Municipal dashboard (14): /gemeente and its API on the same national data.
        from bench import dashboard

        dash = dashboard.run(dsn, REDIS_URL)
        redis.Redis.from_url(REDIS_URL).flushdb()
        log(f"dashboard of {dash['municipality']} (staff, snapshot): p50 "
            f"{dash['dashboard_p50_ms']} ms, p95 {dash['dashboard_p95_ms']} ms; computed live "
            f"p95 {dash['dashboard_live_p95_ms']} ms; API p95 {dash['dashboard_api_p95_ms']} ms,"
            f" all municipalities {dash['dashboard_api_all_p95_ms']} ms over "
            f"{dash['requests']} requests each; refresh {dash['dashboard_refresh_s']} s, all "
            f"{dash['dashboard_refresh_all_s']} s")
        bench |= {k: v for k, v in dash.items() if k.startswith("dashboard_")}
        print("BENCH " + json.dumps(bench), flush=True)
    finally:
        if not args.keep:
            drop_database(name)


if __name__ == "__main__":
    main()
