"""Health and reference data."""

import logging

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


class Health(BaseModel):
    """Reachability of the database and the task broker."""

    status: str
    database: str
    broker: str


@health_router.get("/healthz", response_model=Health, name="healthz",
                   responses={503: {"model": Health}},
                   dependencies=[permission("system.public")])
def healthz():
    """Report whether the database and the broker answer; 503 when one does not."""
    settings = get_settings()
    database = broker = "ok"
    try:
        with unit_of_work() as session:
            session.exec(text("SELECT 1"))
    except Exception as exc:
        log.warning("health: database unreachable: %s", exc)
        database = "unreachable"
    if settings.redis_url:
        try:
            redis.Redis.from_url(settings.redis_url, socket_timeout=2).ping()
        except Exception as exc:
            log.warning("health: broker unreachable: %s", exc)
            broker = "unreachable"
    else:
        broker = "in-process"
    healthy = database == "ok" and broker != "unreachable"
    body = Health(status="ok" if healthy else "degraded", database=database, broker=broker)
    return JSONResponse(body.model_dump(), status_code=200 if healthy else 503)


@router.get("/vocabulary", name="api_vocabulary", dependencies=[permission("system.public")])
def vocabulary() -> dict:
    """Every lens of the vocabulary as codes with Dutch labels."""
    return get_vocabulary().public()
