"""Administration: tasks that failed for good."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from core.fields import Id
from core.permissions import Allowed
from db.session import SessionDep
from services.outbox import service as outbox
from web.deps import render

router = APIRouter(prefix="/beheer")


@router.get("/taken", response_class=HTMLResponse, name="admin_tasks")
def failed_tasks(request: Request, session: SessionDep, actor: Allowed("tasks.manage")):
    """Failed tasks with what went wrong, and a way to run one again."""
    return render(request, "admin/tasks.html", {
        "letters": outbox.dead_letters(session), "waiting": outbox.dead_letter_count(session),
        "done": request.query_params.get("done")})


@router.post("/taken/{letter_id}/opnieuw", name="admin_task_retry")
def retry_task(request: Request, session: SessionDep, actor: Allowed("tasks.manage"),
               letter_id: Id):
    """Run a failed task again."""
    outbox.retry(session, letter_id)
    return RedirectResponse(f"{request.url_for('admin_tasks').path}?done=retried",
                            status_code=303)
