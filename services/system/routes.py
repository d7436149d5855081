"""Health and reference data."""

import logging
from functools import lru_cache

import redis
from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text

from core.config import get_settings
from core.permissions import permission
from core.vocabulary import get_vocabulary
from db.session import unit_of_work

log = logging.getLogger(__name__)
health_router = APIRouter(tags=["system"])
router = APIRouter(tags=["system"])


class Alive(BaseModel):
    """The process answers."""

    status: str


class Ready(BaseModel):
    """Reachability of the database and the task broker."""

    status: str
    database: str
    broker: str


@health_router.get("/healthz", response_model=Alive, name="healthz",
                   dependencies=[permission("system.public")])
async def healthz() -> Alive:
    """Liveness: the server process answers. Touches neither the database nor the broker, and
    runs on the event loop, so it answers even when every request thread is busy."""
    return Alive(status="ok")


@lru_cache
def _broker(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


@health_router.get("/readyz", response_model=Ready, name="readyz",
                   responses={503: {"model": Ready}},
                   dependencies=[permission("system.public")])
def readyz():
    """Readiness: the database and the broker answer; 503 when one does not."""
    settings = get_settings()
    database = broker = "ok"
    try:
        with unit_of_work() as session:
            session.exec(text("SELECT 1"))
    except Exception as exc:
        log.warning("readiness: database unreachable: %s", exc)
        database = "unreachable"
    if settings.redis_url:
        try:
            _broker(settings.redis_url).ping()
        except Exception as exc:
            log.warning("readiness: broker unreachable: %s", exc)
            broker = "unreachable"
    else:
        broker = "in-process"
    ready = database == "ok" and broker != "unreachable"
    body = Ready(status="ok" if ready else "degraded", database=database, broker=broker)
    headers = None if ready else {"Retry-After": "30"}
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503, headers=headers)


@router.get("/vocabulary", name="api_vocabulary", dependencies=[permission("system.public")])
def vocabulary() -> dict:
    """Every lens of the vocabulary as codes with Dutch labels."""
    return get_vocabulary().public()
