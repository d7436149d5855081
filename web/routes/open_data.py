"""Open data: the public page that describes both files, every field, and the licences."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from core.permissions import Allowed
from db.session import SessionDep
from services.municipalities import service as municipalities
from services.opendata import service as opendata
from web.deps import render

router = APIRouter()


@router.get("/open-data", response_class=HTMLResponse, name="open_data")
def open_data(request: Request, session: SessionDep, actor: Allowed("opendata.read")):
    """What Koppel publishes as open data, in Dutch, with links to both files."""
    return render(request, "public/open_data.html", {
        "municipalities": municipalities.list_all(session),
        "licence": opendata.LICENCE, "licence_url": opendata.LICENCE_URL})
