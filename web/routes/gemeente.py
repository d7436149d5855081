"""`/gemeente`: the municipal dashboard (staff: their municipality; admins: one or all)."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.convertors import Convertor, register_url_convertor

from core.permissions import Allowed, Scope
from db.session import SessionDep
from services.monitoring import service as monitoring
from web.deps import render

router = APIRouter(prefix="/gemeente")
KINDS = {"csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


class MunicipalityCode(Convertor):
    """Only a CBS code (or NL for all) reaches the dashboard, so /gemeente/<word> stays free
    for other pages of the area (the price list)."""

    regex = "GM[0-9]{4}|NL"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


class TableName(Convertor):
    """Export names are lower-case words with underscores."""

    regex = "[a-z0-9_]{1,60}"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("gemeente_code", MunicipalityCode())
register_url_convertor("dashboard_table", TableName())


@router.get("", name="municipal_dashboard_home")
def dashboard_home(request: Request, session: SessionDep, actor: Allowed("dashboard.read"),
                   gemeente: Annotated[str, Query(pattern=r"^(GM\d{4}|NL)?$")] = ""):
    """Staff see their own municipality; admins choose one, or all together."""
    if gemeente:
        return RedirectResponse(request.url_for("municipal_dashboard", code=gemeente).path,
                                status_code=303)
    if actor.scope("dashboard.read") is Scope.ANY:
        return render(request, "gemeente/choose.html", {
            "municipalities": monitoring.municipalities_for(session, actor), "all": monitoring.ALL})
    return _page(request, session, actor, actor.municipality_code or "")


@router.get("/{code:gemeente_code}", name="municipal_dashboard")
def dashboard_page(request: Request, session: SessionDep, actor: Allowed("dashboard.read"),
                   code: str):
    """One municipality's dashboard (or NL: every municipality, for admins)."""
    return _page(request, session, actor, code)


def _page(request: Request, session, actor, code: str):
    shown = monitoring.dashboard(session, actor, code)
    return render(request, "gemeente/dashboard.html", {
        "dash": shown, "data": shown.data, "tables": monitoring.tables(shown.data),
        "value": shown.data["value"], "map": shown.data["map"],
        "every": actor.scope("dashboard.read") is Scope.ANY})


def _file(session, actor, code: str, table: str, fmt: str) -> Response:
    name, content = monitoring.export(session, actor, code, table, fmt)
    return Response(content, media_type=KINDS[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/{code:gemeente_code}/export/{table:dashboard_table}.csv",
            name="municipal_dashboard_csv")
def dashboard_csv(session: SessionDep, actor: Allowed("dashboard.read"), code: str,
                  table: str):
    """One table of the dashboard as CSV, the same file as the API gives."""
    return _file(session, actor, code, table, "csv")


@router.get("/{code:gemeente_code}/export/{table:dashboard_table}.xlsx",
            name="municipal_dashboard_xlsx")
def dashboard_xlsx(session: SessionDep, actor: Allowed("dashboard.read"), code: str,
                   table: str):
    """One table of the dashboard as an Excel workbook, the same file as the API gives."""
    return _file(session, actor, code, table, "xlsx")
