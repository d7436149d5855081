"""Beheer: the admin start page and municipalities onboarded from the CBS list."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field

from core import nl
from core.errors import KoppelError
from core.fields import STRICT, MunicipalityCode
from core.geo import municipalities as cbs
from core.permissions import Allowed
from core.vocabulary import get_vocabulary
from db.session import SessionDep
from services.matching import service as matching
from services.municipalities import service as municipalities
from web.deps import render
from web.forms import Form, form_of

router = APIRouter(prefix="/beheer")


class AddMunicipality(BaseModel):
    """The one-municipality form."""

    model_config = STRICT

    code: MunicipalityCode
    provincie: str | None = Field(None, pattern=r"^PV\d{2}$")  # the filter to return to


AddForm = form_of(AddMunicipality, labels={"code": "Gemeente"})


@router.get("", response_class=HTMLResponse, name="admin_home")
def home(request: Request, session: SessionDep, actor: Allowed("admin.home")):
    """The admin start page: what there is to manage."""
    return render(request, "admin/home.html", {
        "onboarded": len(municipalities.list_all(session)),
        "total": len(cbs.all_municipalities()),
        "vocabulary_version": get_vocabulary().version})


def _municipalities_page(request: Request, session, form: Form | None = None,
                         status_code: int = 200) -> HTMLResponse:
    onboarded = {m.code for m in municipalities.list_all(session)}
    province = request.query_params.get("provincie") or \
        (form.values.get("provincie") if form else "") or ""
    provinces = cbs.provinces()
    if province not in provinces:
        province = ""
    rows = [m for m in cbs.all_municipalities() if not province or m.province_code == province]
    rows.sort(key=lambda m: m.name.casefold())
    return render(request, "admin/municipalities.html", {
        "rows": rows, "onboarded": onboarded, "province": province, "provinces": provinces,
        "pc4": cbs.pc4_counts(), "total": len(cbs.all_municipalities()),
        "missing": [(m.code, m.name) for m in sorted(cbs.all_municipalities(),
                                                     key=lambda m: m.name.casefold())
                    if m.code not in onboarded],
        "form": form, "values": form.values if form else {},
        "errors": form.errors if form else {}, "done": _done(request.query_params.get("gedaan")),
        "attribution": cbs.ATTRIBUTION, "pc4_attribution": cbs.PC4_ATTRIBUTION,
        "year": cbs.year()}, status_code=status_code)


def _done(done: str | None) -> str:
    """The Dutch confirmation after a redirect (?gedaan=GM0363 or ?gedaan=alle-12)."""
    if not done:
        return ""
    if done.startswith("alle-") and done[5:].isdigit():
        count = int(done[5:])
        if count == 0:
            return "Alle gemeenten waren al aangesloten; er is niets toegevoegd."
        return f"{nl.number(count)} {'gemeente' if count == 1 else 'gemeenten'} aangesloten."
    entry = cbs.find(done)
    return f"{entry.name} is aangesloten." if entry else ""


@router.get("/gemeenten", response_class=HTMLResponse, name="admin_municipalities")
def municipality_list(request: Request, session: SessionDep,
                      actor: Allowed("municipality.manage")):
    """All 342 municipalities of the CBS list, which are onboarded, a filter by province."""
    return _municipalities_page(request, session)


@router.post("/gemeenten", response_class=HTMLResponse, name="admin_municipality_add")
def municipality_add(request: Request, session: SessionDep,
                     actor: Allowed("municipality.manage"), form: AddForm):
    """Onboard one municipality; the form again with the reason when it cannot."""
    if form.ok:
        try:
            added = municipalities.onboard(session, form.data.code)
        except KoppelError as exc:
            form.refuse(exc)
        else:
            url = request.url_for("admin_municipalities").path
            back = f"&provincie={form.data.provincie}" if form.data.provincie else ""
            return RedirectResponse(f"{url}?gedaan={added.code}{back}", status_code=303)
    return _municipalities_page(request, session, form, status_code=422)


@router.post("/gemeenten/alle", name="admin_municipality_add_all")
def municipality_add_all(request: Request, session: SessionDep,
                         actor: Allowed("municipality.manage")):
    """Onboard every municipality of the CBS list that is missing."""
    done = municipalities.onboard_all(session)
    url = request.url_for("admin_municipalities").path
    return RedirectResponse(f"{url}?gedaan=alle-{len(done.added)}", status_code=303)


RUN_STATUS = {"queued": "In de wachtrij", "running": "Bezig", "done": "Klaar",
              "failed": "Mislukt"}
REFRESH_SECONDS = 3


@router.get("/matching", response_class=HTMLResponse, name="admin_matching")
def matching_runs(request: Request, session: SessionDep, actor: Allowed("matching.run")):
    """Start a full matching run; its progress while it works and the history of runs."""
    runs = matching.recent_runs(session)
    busy = [r for r in runs if r.status in ("queued", "running")]
    response = render(request, "admin/matching.html", {
        "runs": runs, "current": busy[0] if busy else None, "status": RUN_STATUS,
        "started": request.query_params.get("gestart") == "1", "refresh": REFRESH_SECONDS})
    if busy:
        # The page reloads itself while a run works: no script needed (CSP allows none inline).
        response.headers["Refresh"] = str(REFRESH_SECONDS)
    return response


@router.post("/matching", name="admin_matching_start")
def matching_start(request: Request, session: SessionDep, actor: Allowed("matching.run")):
    """Queue a full matching run."""
    matching.start_run(session, actor)
    return RedirectResponse(f"{request.url_for('admin_matching').path}?gestart=1",
                            status_code=303)
