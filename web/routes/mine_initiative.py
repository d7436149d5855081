"""Mijn initiatief: the initiator keeps the profile complete and decides when it is public."""

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi import Form as Posted
from fastapi.responses import HTMLResponse, RedirectResponse

from core.errors import NotFound, ValidationFailed
from core.permissions import Actor, Allowed
from core.vocabulary import get_vocabulary
from db.models import Initiative
from db.session import SessionDep
from services.initiatives import documents
from services.initiatives import service as initiatives
from services.initiatives.schemas import InitiativeUpdate
from services.municipalities import service as municipalities
from web.deps import choices, render
from web.forms import Form, form_of

router = APIRouter(prefix="/mijn/initiatief")

# (name, label, help, widget, lens): the intake list in sections, each field with plain help.
SECTIONS: list[tuple[str, list[tuple[str, str, str, str, str | None]]]] = [
    ("Over het initiatief", [
        ("name", "Naam", "Zoals mensen u kennen.", "text", None),
        ("description", "Omschrijving",
         "Wat doet u, voor wie en waarom? Een paar zinnen zijn genoeg.", "textarea", None),
        ("scope", "Werkgebied", "Werkt u in één gemeente, in de regio of in heel Nederland?",
         "select", "scopes"),
        ("municipality", "Gemeente", "De gemeente waar u vooral actief bent.", "select",
         None),
        ("pc4", "Postcode (4 cijfers)", "Alleen de cijfers, bijvoorbeeld 2011. Zo vinden "
         "vrijwilligers in de buurt u.", "pc4", None),
        ("website", "Website", "Het volledige adres, met https://.", "url", None),
        ("founding_year", "Opgericht in", "Het jaar waarin u begon.", "year", None),
    ]),
    ("Waar werkt u aan", [
        ("themes", "Thema's", "Kies alle thema's waar u aan werkt.", "multi", "themes"),
        ("life_groups", "Levensdomeinen", "Voor welke groepen mensen is uw hulp?", "multi",
         "life_groups"),
        ("target_focus", "Doelgroep", "Helpt u één groep of iedereen in de buurt?", "select",
         "target_focus"),
        ("added_value", "Toegevoegde waarde", "Wat voegt u toe aan de zorg en ondersteuning "
         "die er al is?", "select", "added_value"),
        ("added_value_subtype", "Toegevoegde waarde, nader bepaald",
         "Kies binnen de toegevoegde waarde die u hierboven koos.", "subselect", "added_value"),
        ("transformation_role", "Rol in de verandering van zorg en welzijn",
         "Hoe draagt u bij aan de nieuwe manier van werken in de wijk?", "select",
         "transformation_role"),
    ]),
    ("Wie zit erachter", [
        ("actor_type", "Soort initiatief", "Wie heeft het opgezet?", "select", "actor_types"),
        ("actor_subtype", "Soort initiatief, nader bepaald",
         "Kies binnen de soort die u hierboven koos.", "subselect", "actor_types"),
        ("initiator_kind", "Initiatiefnemer", "Wie nam het initiatief?", "select",
         "initiator_kinds"),
        ("legal_form", "Rechtsvorm", "Bijvoorbeeld stichting of vereniging; ook zonder "
         "rechtsvorm kan.", "select", "legal_forms"),
        ("government_relation", "Relatie met de gemeente",
         "Hoe nauw werkt u samen met de gemeente?", "select", "government_relation"),
    ]),
    ("Hoe staat het ervoor", [
        ("phase", "Fase", "Hoe ver is het initiatief?", "select", "phases"),
        ("threshold", "Waar loopt u nu tegenaan", "De drempel die u nu het meest hindert.",
         "select", "thresholds"),
        ("size_volunteers", "Aantal vrijwilligers", "Ongeveer, nu.", "select",
         "bucket_volunteers"),
        ("size_professionals", "Aantal betaalde krachten", "Ongeveer, nu.", "select",
         "bucket_professionals"),
        ("size_people_helped", "Mensen geholpen (afgelopen jaar)", "Een schatting is goed.",
         "select", "bucket_people_helped"),
        ("funding_sources", "Geldbronnen", "Waar komt uw geld vandaan?", "multi",
         "funding_sources"),
        ("revenue_now", "Inkomsten per jaar nu (euro)", "Een schatting is goed.", "select",
         "bucket_revenue"),
        ("revenue_in_two_years", "Inkomsten over twee jaar (euro)", "Wat verwacht u?",
         "select", "bucket_revenue"),
    ]),
    ("Contact", [
        ("contact_name", "Contactpersoon", "Alleen de makelaar en wie met u gekoppeld is zien "
         "dit, ook als het profiel openbaar is.", "text", None),
        ("contact_email", "E-mail voor contact", "Hier komen berichten over voorstellen en "
         "aanbiedingen van hulp binnen.", "email", None),
    ]),
]
FIELDS = {name: (label, widget) for _title, rows in SECTIONS
          for name, label, _help, widget, _lens in rows}
LABELS = {name: label for name, (label, _widget) in FIELDS.items()}
MULTI = [name for name, (_label, widget) in FIELDS.items() if widget == "multi"]
# What the completeness meter counts beyond the form: at least one need.
MISSING_NEED = "Minstens één vraag"


def _fill_blanks(data: dict[str, Any]) -> dict[str, Any]:
    """An emptied field clears it (the form always shows every field)."""
    return {name: ([] if name in MULTI else None) for name in FIELDS} | data


ProfileForm = form_of(InitiativeUpdate, labels=LABELS, prepare=_fill_blanks)


def own_initiative(session, actor: Actor) -> Initiative:
    """The initiator's own initiative (with needs and offers), else NotFound."""
    if actor.initiative_id is None:
        raise NotFound("U heeft nog geen initiatief.")
    return initiatives.get_editable(session, actor, actor.initiative_id)


def _values(initiative: Initiative) -> dict[str, Any]:
    values = {name: getattr(initiative, name, None) for name in FIELDS}
    values["municipality"] = initiative.municipality_code
    for name in MULTI:
        values[name] = initiative.codes(name)
    return {k: ("" if v is None else v) for k, v in values.items()}


def _options(session) -> dict[str, list]:
    vocab = get_vocabulary()
    options: dict[str, list] = {}
    for name, _label, _help, widget, lens in (row for _t, rows in SECTIONS for row in rows):
        if widget in ("select", "multi") and lens:
            options[name] = choices(lens)
        elif widget == "subselect":
            options[name] = [(item["nl"], [(sub["code"], sub["nl"]) for sub in
                                           item.get("subtypes", [])])
                             for item in vocab.items(lens) if item.get("subtypes")]
    options["municipality"] = [(m.code, m.name) for m in municipalities.list_all(session)]
    return options


def missing(initiative: Initiative) -> list[str]:
    """The fields the completeness meter still counts as empty, by their Dutch label."""
    out = [LABELS.get(name, name) for name in documents.COMPLETENESS_FIELDS
           if getattr(initiative, name) in (None, "")]
    out += [LABELS[name] for name in documents.LIST_LENS_FIELDS if not initiative.codes(name)]
    return out + ([] if initiative.needs else [MISSING_NEED])


def _page(request: Request, session, initiative: Initiative, form: Form,
          status_code: int = 200) -> HTMLResponse:
    return render(request, "mine/initiative.html", {
        "initiative": initiative, "form": form, "sections": SECTIONS,
        "options": _options(session), "missing": missing(initiative),
        "completeness": documents.completeness(initiative),
        "done": request.query_params.get("gedaan"),
        "publish_error": request.query_params.get("fout") == "bevestig",
    }, status_code)


@router.get("", response_class=HTMLResponse, name="my_initiative")
def my_initiative(request: Request, session: SessionDep, actor: Allowed("mine.initiative")):
    """The profile with its completeness, publication, needs and offers."""
    initiative = own_initiative(session, actor)
    return _page(request, session, initiative, Form(None, _values(initiative), {}, LABELS))


@router.post("", response_class=HTMLResponse, name="my_initiative_save")
def my_initiative_save(request: Request, session: SessionDep,
                       actor: Allowed("mine.initiative"), form: ProfileForm):
    """Store the profile; refused fields come back with a Dutch reason next to them."""
    initiative = own_initiative(session, actor)
    if form.ok:
        try:
            initiatives.update(session, initiative.id, form.data, actor)
        except ValidationFailed as exc:
            form.refuse(exc)
            # The service names the parent field by its code; say it in words instead.
            for sub, parent in (("actor_subtype", "actor_type"),
                                ("added_value_subtype", "added_value")):
                if sub in form.errors:
                    form.errors[sub] = (f"kies een nadere bepaling die past bij "
                                        f"'{LABELS[parent]}' hierboven")
    if not form.ok:
        return _page(request, session, initiative, form, 422)
    return RedirectResponse(f"{request.url_for('my_initiative').path}?gedaan=opgeslagen",
                            status_code=303)


@router.post("/publiceren", name="my_initiative_publish")
def my_initiative_publish(request: Request, session: SessionDep,
                          actor: Allowed("mine.initiative"),
                          publish: Annotated[str, Posted()] = "",
                          confirm: Annotated[str, Posted()] = ""):
    """Make the profile public (only with the box ticked) or take it offline again."""
    initiative = own_initiative(session, actor)
    target = request.url_for("my_initiative").path
    if publish == "ja" and confirm != "ja":
        return RedirectResponse(f"{target}?fout=bevestig#publiceren", status_code=303)
    published = publish == "ja"
    initiatives.update(session, initiative.id, InitiativeUpdate(published=published), actor)
    done = "gepubliceerd" if published else "verborgen"
    return RedirectResponse(f"{target}?gedaan={done}#publiceren", status_code=303)
