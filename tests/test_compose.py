"""docker-compose.yml is for production users; no Docker engine runs here, so we parse it."""

from pathlib import Path

import yaml

from services.cli import app as cli_app
from services.worker.queues import LIMITS, Queue, TaskName

ROOT = Path(__file__).resolve().parents[1]


def load() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_production_services():
    services = load()["services"]
    assert {"api", "worker", "beat", "postgres", "redis"} <= set(services)


def test_koppel_services_run_cli_commands_that_exist():
    services = load()["services"]
    commands = {name: services[name]["command"] for name in ("api", "worker", "beat", "migrate")}
    assert commands["api"][:2] == ["koppel", "serve"]
    assert commands["worker"][:2] == ["koppel", "worker"]
    assert commands["beat"] == ["koppel", "beat"]
    assert commands["migrate"] == ["koppel", "db", "upgrade"]
    registered = {c.name or c.callback.__name__ for c in cli_app.registered_commands}
    assert {"serve", "worker", "beat"} <= registered


def test_koppel_services_get_database_broker_and_secret():
    services = load()["services"]
    for name in ("api", "worker", "beat", "migrate"):
        env = services[name]["environment"]
        assert env["KOPPEL_ENV"] == "production"
        assert env["KOPPEL_DATABASE_URL"].startswith("postgresql://")
        assert "@postgres:5432/" in env["KOPPEL_DATABASE_URL"]
        assert env["KOPPEL_REDIS_URL"] == "redis://redis:6379/0"
        # The secret must come from the operator, never from the file.
        assert env["KOPPEL_SECRET_KEY"].startswith("${KOPPEL_SECRET_KEY:?")


def test_dependencies_wait_for_healthy_services_and_migrations():
    services = load()["services"]
    for name in ("postgres", "redis"):
        assert "healthcheck" in services[name]
    for name in ("api", "worker"):
        deps = services[name]["depends_on"]
        assert deps["postgres"]["condition"] == "service_healthy"
        assert deps["redis"]["condition"] == "service_healthy"
        assert deps["migrate"]["condition"] == "service_completed_successfully"
    assert services["beat"]["depends_on"]["redis"]["condition"] == "service_healthy"
    assert services["api"]["ports"] == ["8000:8000"]


def test_each_queue_has_its_own_worker_with_a_healthcheck_and_grace():
    services = load()["services"]
    workers = {name: s for name, s in services.items() if s.get("command", [])[:2] == [
        "koppel", "worker"]}
    queues = [s["command"][s["command"].index("--queues") + 1] for s in workers.values()]
    assert sorted(queues) == sorted(q.value for q in Queue)
    for name, worker in workers.items():
        assert "inspect ping" in worker["healthcheck"]["test"][1], name
        assert "stop_grace_period" in worker, name
    matching = next(s for s in workers.values() if "koppel.matching" in s["command"])
    minutes = int(matching["stop_grace_period"].removesuffix("m"))
    assert minutes * 60 > LIMITS[TaskName.FULL_REMATCH][1]  # a full run can finish or hand back
    assert services["beat"]["healthcheck"]["test"] == ["CMD", "koppel", "beat-alive"]
    assert "--workers" in services["api"]["command"]
