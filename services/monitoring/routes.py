"""JSON API of the municipal dashboard and its tables as CSV and XLSX."""

from typing import Annotated

from fastapi import APIRouter, Path, Response

from core.errors import ERROR_RESPONSES
from core.permissions import Allowed
from db.session import SessionDep
from services.monitoring import service
from services.monitoring.schemas import CODE_PATTERN, TABLE_PATTERN, DashboardRead

router = APIRouter(prefix="/municipalities", tags=["dashboard"], responses=ERROR_RESPONSES)
Code = Annotated[str, Path(pattern=CODE_PATTERN, description="CBS-code, of NL voor alle")]
TableName = Annotated[str, Path(pattern=TABLE_PATTERN)]
KINDS = {"csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@router.get("/{code}/dashboard", response_model=DashboardRead, name="api_dashboard")
def read_dashboard(session: SessionDep, actor: Allowed("dashboard.read"), code: Code,
                   response: Response):
    """The municipality's dashboard (staff: their own; admins: any, or NL for all)."""
    shown = service.dashboard(session, actor, code)
    response.headers["Last-Modified"] = shown.computed_at.strftime("%a, %d %b %Y %H:%M:%S GMT")
    return shown.data


def _file(name: str, content: bytes, fmt: str) -> Response:
    return Response(content, media_type=KINDS[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


FILE_RESPONSES = {200: {"content": {KINDS["csv"]: {}, KINDS["xlsx"]: {}},
                        "description": "De tabel als bestand"}}


@router.get("/{code}/export/{table}.csv", name="api_dashboard_csv",
            response_class=Response, responses=FILE_RESPONSES)
def export_csv(session: SessionDep, actor: Allowed("dashboard.read"), code: Code,
               table: TableName):
    """One table of the dashboard as CSV ("<5" stays "<5")."""
    return _file(*service.export(session, actor, code, table, "csv"), "csv")


@router.get("/{code}/export/{table}.xlsx", name="api_dashboard_xlsx",
            response_class=Response, responses=FILE_RESPONSES)
def export_xlsx(session: SessionDep, actor: Allowed("dashboard.read"), code: Code,
                table: TableName):
    """One table of the dashboard as an Excel workbook ("<5" stays "<5")."""
    return _file(*service.export(session, actor, code, table, "xlsx"), "xlsx")
