"""Field types every schema shares: vocabulary codes, postcodes, titles and free text.

Each carries its own Dutch error message, so the API and the web forms explain the same way.
"""

from typing import Annotated

from pydantic import AfterValidator, Field

from core import geo
from core.privacy import NoBsn
from core.vocabulary import UnknownCode, get_vocabulary

OFFER_PLACE = "participation_place"


def code_of(lens: str, what: str):
    """An Annotated str that must be a code of a vocabulary lens."""

    def _check(value: str) -> str:
        try:
            return get_vocabulary().check(lens, value)
        except UnknownCode:
            raise ValueError(f"onbekende code '{value}' voor {what}") from None

    return Annotated[str, AfterValidator(_check)]


def _check_offer_kind(value: str) -> str:
    if value == OFFER_PLACE or value in get_vocabulary().codes("informal_help_tasks"):
        return value
    raise ValueError(f"onbekende code '{value}' voor soort aanbod")


def _check_pc4(value: str) -> str:
    value = value.strip()
    if len(value) != 4 or not value.isdigit() or value[0] == "0":
        raise ValueError("een postcode bestaat uit vier cijfers, zoals 2011")
    if geo.lookup(value) is None:
        raise ValueError(f"postcode {value} bestaat niet")
    return value


PC4 = Annotated[str, AfterValidator(_check_pc4)]
Theme = code_of("themes", "thema")
LifeGroup = code_of("life_groups", "levensdomein")
FundingSource = code_of("funding_sources", "financieringsbron")
Skill = code_of("skills", "vaardigheid")
DayPart = code_of("day_parts", "dagdeel")
NeedKind = code_of("support_needs", "soort behoefte")
NeedStatus = code_of("need_statuses", "status")
OfferKind = Annotated[str, AfterValidator(_check_offer_kind)]
Scope = code_of("scopes", "werkgebied")
ActorType = code_of("actor_types", "type initiatiefnemer")
AddedValue = code_of("added_value", "toegevoegde waarde")
TransformationRole = code_of("transformation_role", "rol in de transformatie")
GovernmentRelation = code_of("government_relation", "relatie met de overheid")
Phase = code_of("phases", "fase")
Threshold = code_of("thresholds", "drempel")
InitiatorKind = code_of("initiator_kinds", "initiatiefnemer")
TargetFocus = code_of("target_focus", "doelgroep")
LegalForm = code_of("legal_forms", "rechtsvorm")
VolunteerBucket = code_of("bucket_volunteers", "aantal vrijwilligers")
ProfessionalBucket = code_of("bucket_professionals", "aantal professionals")
HelpedBucket = code_of("bucket_people_helped", "aantal geholpen mensen")
RevenueBucket = code_of("bucket_revenue", "omzet")
Title = Annotated[str, Field(min_length=1, max_length=200), NoBsn]
LongText = Annotated[str, Field(max_length=10_000), NoBsn]
Region = Annotated[str, Field(pattern=r"^(NL|PV\d{2}|GM\d{4})$")]
MunicipalityCode = Annotated[str, Field(pattern=r"^GM\d{4}$")]
Euro = Annotated[int, Field(ge=0, le=100_000_000)]
