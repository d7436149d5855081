"""Recorded grants to published initiatives as a 360Giving package (standard 1.4)."""

from datetime import date

from sqlmodel import Session, select

from db.models import Fund, FundCall, Grant, Initiative, Municipality, Need

PREFIX = "360G-koppel"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"


def _grant(grant: Grant, call: FundCall, fund: Fund, initiative: Initiative,
           municipality: Municipality | None, need: Need | None) -> dict:
    recipient = {"id": f"{PREFIX}-initiative-{initiative.id}", "name": initiative.name,
                 "addressCountry": "NL"}
    if municipality is not None:
        recipient["addressLocality"] = municipality.name
    if initiative.pc4:
        recipient["postalCode"] = initiative.pc4
    out = {"id": f"{PREFIX}-grant-{grant.id}",
           "title": f"{call.title}: {initiative.name}",
           "description": (f"Toekenning voor de hulpvraag ‘{need.title}’." if need
                           else f"Toekenning uit de ronde ‘{call.title}’."),
           "currency": "EUR", "amountAwarded": grant.amount_eur,
           "awardDate": grant.awarded_on.isoformat(),
           "recipientOrganization": [recipient],
           "fundingOrganization": [{"id": f"{PREFIX}-fund-{fund.id}", "name": fund.name}],
           "grantProgramme": [{"code": f"call-{call.id}", "title": call.title}],
           "fromOpenCall": "Yes", "dateModified": grant.created_at.isoformat()}
    if municipality is not None:
        out["beneficiaryLocation"] = [{"name": municipality.name, "countryCode": "NL",
                                       "geoCode": municipality.code,
                                       "geoCodeType": "CBS-gemeentecode"}]
    return out


def package(session: Session, code: str | None, *, today: date) -> dict:
    """Every recorded grant to a published initiative (of one municipality), oldest first."""
    stmt = (select(Grant, FundCall, Fund, Initiative, Municipality, Need)
            .join(FundCall, FundCall.id == Grant.call_id).join(Fund, Fund.id == Grant.fund_id)
            .join(Initiative, Initiative.id == Grant.initiative_id)
            .join(Municipality, Municipality.code == Initiative.municipality_code, isouter=True)
            .join(Need, Need.id == Grant.need_id, isouter=True)
            .where(Initiative.published.is_(True)).order_by(Grant.awarded_on, Grant.id))
    if code:
        stmt = stmt.where(Initiative.municipality_code == code)
    grants = [_grant(*row) for row in session.exec(stmt)]
    return {"version": "1.4", "title": "Koppel: toekenningen aan initiatieven",
            "description": ("Toekenningen van fondsen aan gepubliceerde initiatieven, zoals "
                            "vastgelegd in Koppel" + (f" (gemeente {code})." if code else ".")),
            "issued": today.isoformat(), "publisher": {"name": "Koppel"},
            "license": LICENSE, "grants": grants}
