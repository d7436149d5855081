"""Development only: the local mail outbox, so the invitation flow can be tried without SMTP."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from core.config import get_settings
from core.errors import NotFound
from core.permissions import Allowed
from db.session import SessionDep
from services.notifications import service as notifications
from web.deps import render

router = APIRouter()


@router.get("/dev/mail", response_class=HTMLResponse, name="dev_mail")
def dev_mail(request: Request, session: SessionDep, actor: Allowed("dev.mail")):
    """The messages Koppel would have sent (development only)."""
    if get_settings().env != "development":
        raise NotFound("Deze pagina bestaat niet.")
    return render(request, "dev/mail.html", {"mails": notifications.recent(session)})
