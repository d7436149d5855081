"""The ASGI application: JSON API under /api/v1, health, and the web sub-app at /."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

import anyio
from fastapi import Depends, FastAPI
from starlette.concurrency import run_in_threadpool

from core.config import get_settings
from services.api import docs, errors
from services.api.deps import resolve_actor
from services.api.limits import BodyLimitMiddleware
from services.api.unknown import router as unknown_router
from services.audit.context import RequestIdMiddleware
from services.audit.routes import router as audit_router
from services.auth.routes import router as auth_router
from services.auth.user_routes import router as users_router
from services.brokerage.case_routes import router as case_router
from services.brokerage.routes import router as brokerage_router
from services.initiatives.routes import needs_router as initiative_needs_router
from services.initiatives.routes import router as initiatives_router
from services.matching.routes import router as matching_router
from services.monitoring.routes import router as dashboard_router
from services.municipalities.routes import router as municipalities_router
from services.opendata.routes import router as open_data_router  # issue 14
from services.outbox import relay
from services.outbox.routes import router as outbox_router
from services.people.routes import router as people_router
from services.resources.instrument_routes import router as instruments_router
from services.resources.routes import router as resources_router
from services.searches.routes import router as searches_router
from services.system.routes import health_router
from services.system.routes import router as system_router
from web.app import create_web_app
from web.security import SecurityHeadersMiddleware

log = logging.getLogger(__name__)
API_PREFIX = "/api/v1"


async def _embedded_beat(interval: float) -> None:
    """In embedded mode (no broker) run the periodic jobs in-process."""
    while True:
        await asyncio.sleep(interval)
        try:
            await run_in_threadpool(relay.publish_pending)
        except Exception:
            log.exception("embedded outbox relay failed")


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # As many request threads as pooled connections: under load a request waits for a thread
    # (cheap) instead of holding a thread while it waits for a connection.
    settings = get_settings()
    anyio.to_thread.current_default_thread_limiter().total_tokens = \
        settings.db_pool_size + settings.db_max_overflow
    task = None
    if app.state.embedded_worker:
        task = asyncio.create_task(_embedded_beat(60.0))
    yield
    if task:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def create_app(*, embedded_worker: bool | None = None) -> FastAPI:
    """Build the application; embedded_worker defaults to 'no broker configured'."""
    settings = get_settings()
    logging.basicConfig(level=settings.log_level)
    app = FastAPI(
        title="Koppel",
        summary="Matchmaking for civic initiatives in the Dutch social domain",
        version="0.1.0",
        lifespan=_lifespan,
        dependencies=[Depends(resolve_actor)],
        docs_url=None,
        redoc_url=None,
    )
    app.state.embedded_worker = settings.eager_tasks if embedded_worker is None else \
        embedded_worker
    errors.install(app)
    app.add_middleware(SecurityHeadersMiddleware, docs_paths=("/docs",))
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestIdMiddleware)
    docs.install(app)
    app.include_router(health_router)
    app.include_router(system_router, prefix=API_PREFIX)
    app.include_router(initiatives_router, prefix=API_PREFIX)
    app.include_router(auth_router, prefix=API_PREFIX)
    app.include_router(matching_router, prefix=API_PREFIX)
    app.include_router(brokerage_router, prefix=API_PREFIX)
    app.include_router(people_router, prefix=API_PREFIX)
    app.include_router(resources_router, prefix=API_PREFIX)
    app.include_router(audit_router, prefix=API_PREFIX)
    app.include_router(outbox_router, prefix=API_PREFIX)
    app.include_router(initiative_needs_router, prefix=API_PREFIX)  # board (D)
    app.include_router(searches_router, prefix=API_PREFIX)  # saved searches
    app.include_router(municipalities_router, prefix=API_PREFIX)  # beheer
    app.include_router(instruments_router, prefix=API_PREFIX)  # beheer
    app.include_router(users_router, prefix=API_PREFIX)  # beheer: users
    app.include_router(case_router, prefix=API_PREFIX)  # issue 16: case file
    app.include_router(open_data_router, prefix=API_PREFIX)  # issue 14: open data
    app.include_router(dashboard_router, prefix=API_PREFIX)  # municipal dashboard
    app.include_router(unknown_router, prefix=API_PREFIX)  # last: answers what nothing else did
    app.mount("/", create_web_app())
    return app
