"""Published initiatives and their offers as Open Referral HSDS 3 services (fully nested).

Nothing personal leaves: no contact names or e-mail addresses, and places are PC4 centroids,
never an initiative's own coordinates (which may be someone's front door).
"""

import uuid

from sqlalchemy.orm import selectinload
from sqlmodel import Session, select

from core import geo, nl
from db.models import Initiative, Municipality

# Fixed, so the same initiative keeps the same HSDS id in every export.
NAMESPACE = uuid.UUID("6f1c1f0e-3c1a-5b7e-9a51-6b6f70656c31")
TAXONOMY = "Koppel-thema's (Handreiking 2015)"


def uid(kind: str, key: object) -> str:
    """A stable UUID for one of our records in the export."""
    return str(uuid.uuid5(NAMESPACE, f"koppel:{kind}:{key}"))


def _organization(initiative: Initiative) -> dict:
    org = {"id": uid("initiative", initiative.id), "name": initiative.name,
           "description": initiative.description or initiative.name}
    if initiative.website and initiative.website.startswith(("http://", "https://")):
        org["website"] = initiative.website
    if initiative.legal_form:
        org["legal_status"] = nl.label("legal_forms", initiative.legal_form)
    if initiative.founding_year:
        org["year_incorporated"] = initiative.founding_year
    return org


def _location(initiative: Initiative, service_id: str) -> list[dict]:
    place = geo.lookup(initiative.pc4) if initiative.pc4 else None
    if place is None or place.latitude is None:
        return []
    location_id = uid("pc4", initiative.pc4)
    return [{"id": uid("service_at_location", service_id), "service_id": service_id,
             "location_id": location_id,
             "location": {"id": location_id, "location_type": "physical",
                          "name": f"Postcodegebied {initiative.pc4} {place.place}",
                          "latitude": place.latitude, "longitude": place.longitude,
                          "external_identifier": initiative.pc4,
                          "external_identifier_type": "PC4 (Nederlandse postcode, 4 cijfers)"}}]


def _themes(initiative: Initiative, service_id: str) -> list[dict]:
    out = []
    for code in initiative.codes("themes"):
        term_id = uid("theme", code)
        out.append({"id": uid("attribute", f"{service_id}:{code}"), "link_id": service_id,
                    "link_type": "theme", "link_entity": "service", "taxonomy_term_id": term_id,
                    "value": code,
                    "taxonomy_term": {"id": term_id, "code": code,
                                      "name": nl.label("themes", code),
                                      "description": nl.label("themes", code),
                                      "taxonomy": TAXONOMY, "language": "nl"}})
    return out


def _area(municipality: Municipality | None, service_id: str) -> list[dict]:
    if municipality is None:
        return []
    return [{"id": uid("service_area", service_id), "service_id": service_id,
             "name": municipality.name, "extent": municipality.code,
             "extent_type": "CBS-gemeentecode"}]


def _offer_name(kind: str) -> str:
    if kind == "participation_place":
        return nl.label("offer_kinds_extra", kind)
    return nl.label("informal_help_tasks", kind)


def services_of(initiative: Initiative) -> list[dict]:
    """The initiative's own work and each of its offers, as HSDS services."""
    organization = _organization(initiative)
    main_id = uid("service", initiative.id)
    main = {"id": main_id, "organization_id": organization["id"], "name": initiative.name,
            "description": initiative.description or initiative.name, "status": "active",
            "last_modified": initiative.updated_at.isoformat(),
            "organization": organization,
            "service_areas": _area(initiative.municipality, main_id),
            "service_at_locations": _location(initiative, main_id),
            "attributes": _themes(initiative, main_id)}
    if "website" in organization:
        main["url"] = organization["website"]
    out = [main]
    for offer in initiative.offers:
        offer_id = uid("offer", offer.id)
        out.append({"id": offer_id, "organization_id": organization["id"],
                    "name": f"{_offer_name(offer.kind)} ({initiative.name})",
                    "description": offer.description or _offer_name(offer.kind),
                    "status": "active", "last_modified": offer.updated_at.isoformat(),
                    "organization": organization,
                    "service_areas": _area(initiative.municipality, offer_id),
                    "service_at_locations": _location(initiative, offer_id),
                    "attributes": _themes(initiative, offer_id)})
    return out


def published(session: Session, code: str | None) -> list[Initiative]:
    """Published initiatives (of one municipality), with what the export reads, by id."""
    stmt = (select(Initiative).where(Initiative.published.is_(True))
            .options(selectinload(Initiative.labels), selectinload(Initiative.offers),
                     selectinload(Initiative.municipality)).order_by(Initiative.id))
    if code:
        stmt = stmt.where(Initiative.municipality_code == code)
    return list(session.exec(stmt))


def page(session: Session, code: str | None) -> dict:
    """One HSDS 3 page (the shape of GET /services) holding every published service."""
    contents = [s for initiative in published(session, code) for s in services_of(initiative)]
    return {"total_items": len(contents), "total_pages": 1, "page_number": 1,
            "size": len(contents), "first_page": True, "last_page": True,
            "empty": not contents, "contents": contents}
