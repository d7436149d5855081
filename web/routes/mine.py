"""`/mijn`: every signed-in person lands on their own area."""

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from core.permissions import Allowed, Role

router = APIRouter()

# The area each role works in; roles without an area of their own start at the public list.
AREAS = {
    Role.INITIATOR: "my_initiative",
    Role.VOLUNTEER: "my_volunteer",
    Role.BROKER: "broker_start",
    Role.ADMIN: "admin_home",
    Role.CONSULTANT: "consultant_home",
    Role.FUND: "fund_home",  # Fonds (13)
    Role.STAFF: "municipal_dashboard_home",  # municipal dashboard (14)
}


@router.get("/mijn", name="my_area")
def my_area(request: Request, actor: Allowed("me.read")):
    """Send the person to the area of their role."""
    name = AREAS.get(Role(actor.role), "initiative_list")
    return RedirectResponse(request.url_for(name).path, status_code=303)
