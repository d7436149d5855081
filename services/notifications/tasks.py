"""Mail tasks: take the message id, send once, retry with backoff on SMTP trouble."""

import smtplib

from db.session import unit_of_work
from services.notifications import service
from services.worker.app import celery_app
from services.worker.queues import TaskName


@celery_app.task(name=TaskName.SEND_MAIL, autoretry_for=(smtplib.SMTPException, OSError),
                 retry_backoff=True, max_retries=5, ignore_result=True)
def send_mail(mail_id: int) -> bool:
    """Send one queued message; a message already sent is left alone."""
    with unit_of_work() as session:
        return service.send(session, mail_id)
