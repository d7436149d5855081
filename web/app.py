"""The server-rendered web sub-app (Dutch), mounted at / by the application factory."""

from pathlib import Path

from asgi_csrf import asgi_csrf
from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from core.config import get_settings
from web import errors
from web.deps import resolve_actor
from web.routes import (
    account,
    admin,
    auth,
    beheer,
    beheer_instruments,
    beheer_users,
    board,
    broker,
    broker_cases,
    broker_work,
    consultant,
    dev,
    fund,
    gemeente,
    gemeente_prices,
    invitations,
    mine,
    mine_initiative,
    mine_needs,
    mine_volunteer,
    open_data,
    public,
    searches,
)
from web.security import (
    Everywhere,
    IgnoreAuthorization,
    SecurityHeadersMiddleware,
    csrf_failed,
)

HERE = Path(__file__).parent


def create_web_app() -> FastAPI:
    """Build the web sub-app with its own CSRF protection, security headers and error pages."""
    settings = get_settings()
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None,
                  dependencies=[Depends(resolve_actor)])
    # Double-submit CSRF token on every state-changing request, with or without cookies, and
    # whatever other headers say (the site ignores Authorization; see IgnoreAuthorization).
    app.add_middleware(asgi_csrf, signing_secret=settings.secret_key.get_secret_value(),
                       always_protect=Everywhere(), send_csrf_failed=csrf_failed,
                       cookie_secure=settings.env == "production")
    app.add_middleware(IgnoreAuthorization)
    app.add_middleware(SecurityHeadersMiddleware)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for area in (public, board, auth, account, mine, mine_initiative, mine_needs, mine_volunteer,
                 broker, broker_work, invitations, consultant, fund, searches, beheer,
                 beheer_users, admin, dev, beheer_instruments, gemeente):
        app.include_router(area.router)
    app.include_router(broker_cases.router)  # issue 16
    for area in (gemeente_prices, open_data):  # issue 14
        app.include_router(area.router)
    errors.install(app)
    return app
