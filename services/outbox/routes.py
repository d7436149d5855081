"""JSON API for failed tasks (admins)."""

from fastapi import APIRouter, status

from core.errors import ERROR_RESPONSES
from core.fields import Id
from core.permissions import Allowed
from db.session import SessionDep
from services.outbox import service
from services.outbox.schemas import DeadLetterPage, DeadLetterRead

router = APIRouter(tags=["system"], responses=ERROR_RESPONSES)


@router.get("/tasks/failed", response_model=DeadLetterPage, name="api_tasks_failed")
def failed_tasks(session: SessionDep, actor: Allowed("tasks.manage")):
    """Tasks that failed for good, newest first, with the number not yet retried."""
    return DeadLetterPage(
        waiting=service.dead_letter_count(session),
        items=[DeadLetterRead.model_validate(d, from_attributes=True)
               for d in service.dead_letters(session)])


@router.post("/tasks/failed/{letter_id}/retry", status_code=status.HTTP_202_ACCEPTED,
             name="api_tasks_retry")
def retry_task(session: SessionDep, actor: Allowed("tasks.manage"), letter_id: Id) -> dict:
    """Run a failed task again."""
    message = service.retry(session, letter_id)
    return {"outbox_message_id": message.id}
