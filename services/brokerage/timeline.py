"""A need's history as one list: every step of every proposal, mails, hours, ladder, notes.

Each source is one query; the rows are merged and sorted newest first. Steps stamped at the
same moment keep their order in the life of a match (RANK), so the list never reads backwards.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from core import nl
from db.models import (
    CaseNote,
    EscalationStep,
    HoursLog,
    Initiative,
    MailMessage,
    Match,
    Need,
    Referral,
    ResidentContact,
    User,
    Volunteer,
)
from services.brokerage import views
from services.brokerage.lifecycle import MatchStatus
from services.brokerage.offers import OFFERED_BY_VOLUNTEER

S = MatchStatus
# Life order of a match: the tie-break when two steps carry the same timestamp.
KINDS = ("need_posted", "match_proposed", "help_offered", "match_approved", "match_rejected",
         "mail_sent", "mail_failed", "mail_bounced", "initiative_interested",
         "initiative_not_a_fit", "match_accepted", "match_declined", "match_withdrawn",
         "hours_logged", "follow_up_asked", "follow_up_answered", "escalation_step",
         "referral", "case_note")
RANK = {kind: i for i, kind in enumerate(KINDS)}
ROLE_NAMES = {"broker": "Makelaar", "staff": "Medewerker gemeente", "admin": "Beheerder",
              "consultant": "Consulent", "initiator": "Initiatiefnemer",
              "volunteer": "Vrijwilliger", "fund": "Fonds"}
MAIL_NAMES = {"invitation": "Uitnodiging", "reminder": "Herinnering",
              "initiator_notice": "Bericht over het voorstel",
              "follow_up": "Vraag ‘Is de hulp gelukt?’", "offer_of_help": "Bericht over het aanbod",
              "offer_accepted": "Bevestiging van het aanbod"}
OUTCOMES = {"succeeded": "de hulp is gelukt", "failed": "de hulp is niet gelukt"}
KOPPEL = "Koppel"
# A permanent refusal by the receiving server (a 5xx reply) reads as a bounce.
_BOUNCE = re.compile(r"\b5\d\d\b")


@dataclass(frozen=True)
class Item:
    """One step in a need's history."""

    at: datetime
    kind: str
    actor: str
    text: str
    match_id: int | None = None

    def as_json(self) -> dict[str, str]:
        """The API's shape: at (ISO), kind (stable code), actor and text (Dutch)."""
        return {"at": self.at.isoformat(), "kind": self.kind, "actor": self.actor,
                "text": self.text}


def user_names(session: Session, ids: set[int | None]) -> dict[int, str]:
    """How people who work in Koppel are named on a timeline: name (role)."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    users = session.exec(select(User).where(User.id.in_(wanted))).all()
    return {u.id: (f"{u.display_name} ({ROLE_NAMES.get(u.role, u.role).lower()})"
                   if u.display_name else ROLE_NAMES.get(u.role, "Medewerker"))
            for u in users}


def resource_names(session: Session, matches: list[Match],
                   municipality_code: str | None) -> dict[int, str]:
    """The help side of each match by name; a volunteer of another municipality stays unnamed
    (that municipality's broker introduces them)."""
    volunteer_ids = {m.resource_id for m in matches if m.resource_kind == "volunteer"}
    volunteers = {v.id: v for v in session.exec(
        select(Volunteer).where(Volunteer.id.in_(volunteer_ids))).all()} if volunteer_ids else {}
    out = {}
    for match in matches:
        if match.resource_kind != "volunteer":
            out[match.id] = views.resource_name(session, match)
            continue
        volunteer = volunteers.get(match.resource_id)
        if volunteer is None or not volunteer.name:
            out[match.id] = "Vrijwilliger (gegevens gewist)"
        elif volunteer.municipality_code != municipality_code:
            out[match.id] = "Vrijwilliger uit een buurgemeente"
        else:
            out[match.id] = volunteer.name
    return out


def timeline(session: Session, need_id: int) -> list[Item]:
    """Everything that happened to a need, newest first (the caller checks scope and audits)."""
    need = session.get(Need, need_id)
    if need is None:
        return []
    initiative = session.get(Initiative, need.initiative_id)
    matches = list(session.exec(select(Match).where(Match.need_id == need_id)
                                .order_by(Match.id)))
    match_ids = [m.id for m in matches]
    mails = list(session.exec(select(MailMessage).where(MailMessage.match_id.in_(match_ids))
                              .order_by(MailMessage.id))) if match_ids else []
    hours = list(session.exec(select(HoursLog).where(HoursLog.match_id.in_(match_ids))
                              .order_by(HoursLog.id))) if match_ids else []
    steps = list(session.exec(select(EscalationStep).where(EscalationStep.need_id == need_id)))
    referrals = list(session.exec(select(Referral).where(Referral.need_id == need_id)))
    notes = list(session.exec(select(CaseNote).where(CaseNote.need_id == need_id)))
    resident = session.exec(select(ResidentContact).where(
        ResidentContact.need_id == need_id)).first()
    users = user_names(session, {m.decided_by for m in matches}
                       | {row.by_user_id for row in [*steps, *referrals, *notes]}
                       | {resident.by_user_id if resident else None})
    names = resource_names(session, matches, initiative.municipality_code)
    side = f"Initiatief {initiative.name}"

    items = [_posted(need, side, resident, users)]
    for match in matches:
        items += _match_steps(match, names[match.id], side, users)
    for mail in mails:
        if item := _mail(mail, names.get(mail.match_id, ""), initiative):
            items.append(item)
    for entry in hours:
        who = side if entry.logged_by == "initiator" else names[entry.match_id]
        text = f"{nl.hours(entry.hours)} op {nl.day(entry.on_date, long=True)}" + (
            f": {entry.note}" if entry.note else "")
        items.append(Item(entry.created_at, "hours_logged", who,
                          f"Uren doorgegeven voor {names[entry.match_id]}: {text}",
                          entry.match_id))
    for step in steps:
        items.append(Item(step.created_at, "escalation_step",
                          users.get(step.by_user_id, "Makelaar"),
                          "Escalatiestap: " + nl.label("escalation_ladder", step.step)
                          + (f" — {step.note}" if step.note else "")))
    for referral in referrals:
        items.append(Item(referral.created_at, "referral",
                          users.get(referral.by_user_id, "Makelaar"), _referral_text(referral)))
    for note in notes:
        items.append(Item(note.created_at, "case_note", users.get(note.by_user_id, "Makelaar"),
                          f"Notitie: {note.text}"))
    return sorted(items, key=lambda i: (i.at, RANK[i.kind], i.match_id or 0), reverse=True)


def _posted(need: Need, side: str, resident: ResidentContact | None,
            users: dict[int, str]) -> Item:
    if resident is not None:
        return Item(need.created_at, "need_posted", users.get(resident.by_user_id, "Makelaar"),
                    f"Hulpvraag geplaatst namens een bewoner: {need.title}")
    return Item(need.created_at, "need_posted", side, f"Hulpvraag geplaatst: {need.title}")


def _match_steps(match: Match, name: str, side: str, users: dict[int, str]) -> list[Item]:
    """The steps one match went through, from its own timestamps."""
    status, mid = S(match.status), match.id
    offered = match.explanation.startswith(OFFERED_BY_VOLUNTEER)
    kind = nl.label("resource_kinds", match.resource_kind).lower()
    items = [Item(match.created_at, "help_offered", name,
                  f"Biedt hulp aan ({kind}): {name}", mid) if offered else
             Item(match.created_at, "match_proposed", KOPPEL,
                  f"Voorstel ({kind}): {name} · score {nl.number(match.score, 2)}", mid)]
    if match.decided_at and not offered:
        who = users.get(match.decided_by, "Makelaar") if match.decided_by else KOPPEL
        if status is S.REJECTED:
            text = f"Voorstel afgewezen: {name} — reden: " + (
                nl.label("rejection_reasons", match.decision_reason) or "geen reden opgegeven")
            if match.decision_note:
                text += f"; toelichting: {match.decision_note}"
            items.append(Item(match.decided_at, "match_rejected", who, text, mid))
        elif status is not S.PROPOSED and status is not S.OFFERED:
            items.append(Item(match.decided_at, "match_approved", who,
                              f"Voorstel goedgekeurd: {name}", mid))
    if match.initiative_response_at and match.initiative_response in ("interested", "not_a_fit"):
        if match.initiative_response == "interested":
            items.append(Item(match.initiative_response_at, "initiative_interested", side,
                              f"Heeft interesse in het voorstel: {name}", mid))
        else:
            reason = match.initiative_response_reason
            items.append(Item(match.initiative_response_at, "initiative_not_a_fit", side,
                              f"Vindt dat het voorstel niet past: {name}"
                              + (f" — {reason}" if reason else ""), mid))
    answerer = side if offered else name
    if status in (S.ACTIVE, S.DONE):
        at = match.answered_at or match.updated_at
        items.append(Item(at, "match_accepted", answerer,
                          f"Aanbod aangenomen: {name}" if offered else
                          f"Uitnodiging aangenomen: {name}", mid))
    elif status is S.DECLINED:
        if match.answered_at:
            items.append(Item(match.answered_at, "match_declined", answerer,
                              f"Afgeslagen: {name}", mid))
        else:  # the broker stopped waiting, or the volunteer withdrew an offer
            items.append(Item(match.updated_at, "match_withdrawn",
                              users.get(match.decided_by, "Makelaar") if not offered else name,
                              f"Gestopt: {name}" + (f" — {match.decision_note}"
                                                    if match.decision_note else ""), mid))
    if match.follow_up_sent_at:
        items.append(Item(match.follow_up_sent_at, "follow_up_asked", KOPPEL,
                          f"Gevraagd: is de hulp gelukt? ({name})", mid))
    if match.outcome and match.outcome_at:
        items.append(Item(match.outcome_at, "follow_up_answered", "Deelnemers",
                          f"Antwoord op ‘Is de hulp gelukt?’: {OUTCOMES.get(match.outcome, '')}"
                          f" ({name})", mid))
    return items


def _mail(mail: MailMessage, name: str, initiative: Initiative) -> Item | None:
    """A mail that was sent or that did not get through; queued mails are not history yet."""
    what = MAIL_NAMES.get(mail.kind, "E-mail")
    to = "het initiatief" if mail.to_address == initiative.contact_email else name
    if mail.sent_at:
        return Item(mail.sent_at, "mail_sent", KOPPEL, f"{what} verstuurd aan {to}",
                    mail.match_id)
    if mail.failed_at:
        if _BOUNCE.search(mail.last_error or ""):
            return Item(mail.failed_at, "mail_bounced", KOPPEL,
                        f"{what} aan {to} geweigerd door de ontvanger (bounce)", mail.match_id)
        return Item(mail.failed_at, "mail_failed", KOPPEL,
                    f"{what} aan {to} kon niet worden bezorgd", mail.match_id)
    return None


def _referral_text(referral: Referral) -> str:
    """A referral read generically: whatever status and outcome fields it carries."""
    text = f"Doorverwezen naar {referral.partner}: {referral.reason}"
    status = getattr(referral, "status", None)
    if status:
        text += f" · status: {nl.label('referral_statuses', status).lower()}"
    outcome = getattr(referral, "outcome", None)
    if outcome:
        text += f" · uitkomst: {outcome}"
    return text
