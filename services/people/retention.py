"""Retention: erase personal data past its period per category; a dry run only lists."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session, select

from core.config import get_settings
from db.models import CaseNote, ParticipationClient, Volunteer, WebSession
from db.types import utcnow
from services.audit import service as audit
from services.brokerage import service as brokerage
from services.people import service as people

DAYS_PER_MONTH = 30.44


@dataclass
class RetentionReport:
    """What was (or would be) erased, per category."""

    dry_run: bool
    volunteers: list[int] = field(default_factory=list)
    clients: list[int] = field(default_factory=list)
    sessions: int = 0
    # Issue 16: brokers' case notes past their period.
    notes: list[int] = field(default_factory=list)
    referral_contacts: list[int] = field(default_factory=list)

    def lines(self) -> list[str]:
        """Human-readable summary for the CLI and the log."""
        verb = "would erase" if self.dry_run else "erased"
        return [f"{verb} {len(self.volunteers)} inactive volunteers: {self.volunteers}",
                f"{verb} {len(self.clients)} closed clients: {self.clients}",
                f"{verb} {self.sessions} expired web sessions",
                f"{verb} {len(self.notes)} case notes: {self.notes}",
                f"{verb} the contact person of {len(self.referral_contacts)} closed referrals: "
                f"{self.referral_contacts}"]


def _months_ago(now: datetime, months: int) -> datetime:
    return now - timedelta(days=months * DAYS_PER_MONTH)


def apply(session: Session, *, dry_run: bool, now: datetime | None = None) -> RetentionReport:
    """Find (and unless dry_run, erase) records past their retention period."""
    settings = get_settings()
    now = now or utcnow()
    report = RetentionReport(dry_run=dry_run)
    volunteers = session.exec(select(Volunteer).where(
        Volunteer.erased_at.is_(None),
        Volunteer.last_active_at < _months_ago(now, settings.retention_volunteer_inactive_months),
    ).order_by(Volunteer.id)).all()
    clients = session.exec(select(ParticipationClient).where(
        ParticipationClient.erased_at.is_(None),
        ParticipationClient.closed_at.is_not(None),
        ParticipationClient.closed_at < _months_ago(now, settings.retention_closed_client_months),
    ).order_by(ParticipationClient.id)).all()
    sessions = session.exec(select(WebSession).where(WebSession.expires_at < now)).all()
    report.volunteers = [v.id for v in volunteers]
    report.clients = [c.id for c in clients]
    report.sessions = len(sessions)
    notes = session.exec(select(CaseNote).where(
        CaseNote.created_at < _months_ago(now, settings.retention_case_note_months),
    ).order_by(CaseNote.id)).all()
    report.notes = [n.id for n in notes]
    report.referral_contacts = brokerage.erase_referral_contacts(
        session, _months_ago(now, settings.retention_closed_referral_months), dry_run=dry_run)
    if dry_run:
        return report
    for note in notes:
        session.delete(note)
        audit.record_change(session, action="erase", subject_type="case_note",
                            subject_id=note.id, purpose="bewaartermijn verstreken",
                            municipality_code=note.municipality_code)
    for volunteer in volunteers:
        people.erase_volunteer(volunteer)
        audit.record_change(session, action="erase", subject_type="volunteer",
                            subject_id=volunteer.id, purpose="bewaartermijn verstreken",
                            municipality_code=volunteer.municipality_code)
    for client in clients:
        people.erase_client(client)
        audit.record_change(session, action="erase", subject_type="client",
                            subject_id=client.id, purpose="bewaartermijn verstreken",
                            municipality_code=client.municipality_code)
    for web_session in sessions:
        session.delete(web_session)
    session.flush()
    return report
