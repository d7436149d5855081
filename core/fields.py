"""Field types every schema shares: vocabulary codes, postcodes, ids, dates and free text.

Each carries its own Dutch error message, so the API and the web forms explain the same way,
and each says in OpenAPI what it accepts (code lists as enums, id and date ranges).
"""

from datetime import date
from typing import Annotated

from fastapi import Path, Query
from pydantic import AfterValidator, ConfigDict, Field

from core import geo
from core.privacy import NoBsn
from core.vocabulary import get_vocabulary

OFFER_PLACE = "participation_place"
# Ids are 32-bit integers in the database; anything larger cannot exist.
MAX_ID = 2_147_483_647
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2100, 12, 31)

# Request bodies take JSON types as they are: no true for 1, no "12" for 12. Web forms, whose
# values are all text, are read leniently by web.forms (strict=False).
STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True, strict=True)


def code_of(lens: str, what: str, extra: tuple[str, ...] = ()):
    """An Annotated str that must be a code of a vocabulary lens (an enum in OpenAPI)."""
    codes = [*get_vocabulary().codes(lens), *extra]

    def _check(value: str) -> str:
        if value in codes:
            return value
        raise ValueError(f"onbekende code '{value}' voor {what}")

    return Annotated[str, Field(json_schema_extra={"enum": codes}), AfterValidator(_check)]


def _check_phone(value: str) -> str:
    digits = "".join(ch for ch in value if ch.isdigit())
    shaped = all(ch.isdigit() or ch in " ()-" for ch in value.removeprefix("+"))
    dutch = not value.startswith("+") and digits.startswith("0") and len(digits) == 10
    foreign = value.startswith("+") and 10 <= len(digits) <= 15
    if not (shaped and (dutch or foreign)):
        raise ValueError("een telefoonnummer heeft tien cijfers, zoals 06 12345678, of begint "
                         "met + en de landcode")
    return value


def _in_range(value: date) -> date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValueError(f"kies een datum tussen {FIRST_DAY.year} en {LAST_DAY.year}")
    return value


def _check_pc4(value: str) -> str:
    value = value.strip()
    if len(value) != 4 or not value.isdigit() or value[0] == "0":
        raise ValueError("een postcode bestaat uit vier cijfers, zoals 2011")
    if geo.lookup(value) is None:
        raise ValueError(f"postcode {value} bestaat niet")
    return value


# The pattern is documented in the schema (so generated clients and fuzzers know it) but checked
# by _check_pc4, which says in Dutch what is wrong.
PC4 = Annotated[str, Field(json_schema_extra={"pattern": r"^\s*[1-9][0-9]{3}\s*$"}),
                AfterValidator(_check_pc4)]
Theme = code_of("themes", "thema")
LifeGroup = code_of("life_groups", "levensdomein")
FundingSource = code_of("funding_sources", "financieringsbron")
Skill = code_of("skills", "vaardigheid")
DayPart = code_of("day_parts", "dagdeel")
NeedKind = code_of("support_needs", "soort behoefte")
NeedStatus = code_of("need_statuses", "status")
NeedVisibility = code_of("need_visibility", "zichtbaarheid")


def subtypes_of(lens: str, what: str):
    """A code of any subtype of a lens (which parent it must belong to is the service's check)."""
    codes = sorted({sub["code"] for item in get_vocabulary().items(lens)
                    for sub in item.get("subtypes", [])})

    def _check(value: str) -> str:
        if value in codes:
            return value
        raise ValueError(f"onbekende code '{value}' voor {what}")

    return Annotated[str, Field(json_schema_extra={"enum": codes}), AfterValidator(_check)]


ActorSubtype = subtypes_of("actor_types", "soort initiatiefnemer")
AddedValueSubtype = subtypes_of("added_value", "soort toegevoegde waarde")
OfferKind = code_of("informal_help_tasks", "soort aanbod", extra=(OFFER_PLACE,))
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
# A date people mean (ISO text in JSON); 0001-01-01 and 9999-12-31 are typing accidents.
Day = Annotated[date, Field(strict=False), AfterValidator(_in_range)]
BodyId = Annotated[int, Field(ge=1, le=MAX_ID)]
# Ten digits, or + and a country code: never nine, so never mistaken for a BSN.
Phone = Annotated[str, Field(max_length=25), AfterValidator(_check_phone)]
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
QueryId = Annotated[int, Query(ge=1, le=MAX_ID)]
