"""Mail tasks: take the message id, send at most once, retry what SMTP says to retry."""

from sqlalchemy.exc import OperationalError

from services.notifications import sending
from services.worker.app import celery_app
from services.worker.queues import TaskName

MAX_RETRIES = 5


@celery_app.task(bind=True, name=TaskName.SEND_MAIL, max_retries=MAX_RETRIES,
                 autoretry_for=(OperationalError,), retry_backoff=True, ignore_result=True)
def send_mail(self, mail_id: int) -> bool:
    """Send one queued message; a message already claimed or sent is left alone."""
    try:
        return sending.send(mail_id) == "sent"
    except sending.TemporaryFailure as exc:
        if self.request.retries >= MAX_RETRIES:
            sending.give_up(mail_id, f"na {MAX_RETRIES + 1} pogingen: {exc}")
            return False
        raise self.retry(exc=exc, countdown=min(30 * 2 ** self.request.retries, 900)) from exc
