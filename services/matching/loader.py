"""Load the engine's arrays from the database (Core queries: fast enough for national scale)."""

import json
from collections import defaultdict
from datetime import date
from functools import cache
from types import SimpleNamespace

import numpy as np
from sqlalchemy import (
    ARRAY,
    DateTime,
    Integer,
    String,
    and_,
    any_,
    case,
    cast,
    false,
    func,
    or_,
    true,
    type_coerce,
)
from sqlmodel import Session, select

from core import dutch, geo
from core.vocabulary import get_vocabulary
from db.models import (
    Fund,
    FundCall,
    Initiative,
    InitiativeLabel,
    Instrument,
    Match,
    Municipality,
    Need,
    Offer,
    ParticipationClient,
    Volunteer,
)
from db.types import local_today, utcnow
from services.brokerage.service import OPEN, MatchStatus
from services.initiatives import service as initiatives
from services.matching import nearby
from services.worker.matching.encode import Codebook
from services.worker.matching.engine import Inputs, pair_keys
from services.worker.matching.grid import Grid
from services.worker.matching.model import Calls, Clients, Instruments, Needs, Volunteers

IN_CHUNK = 5000


class Places:
    """Municipality and province indexes shared by every array of one run."""

    def __init__(self, session: Session) -> None:
        rows = session.exec(select(Municipality.code, Municipality.name,
                                   Municipality.province_code).order_by(Municipality.code)).all()
        self.codes = [r[0] for r in rows]
        self.names = [r[1] for r in rows]
        self.muni_index = {code: i for i, code in enumerate(self.codes)}
        self.provinces = sorted({r[2] for r in rows if r[2]})
        self.province_index = {code: i for i, code in enumerate(self.provinces)}
        self.muni_province = {r[0]: r[2] for r in rows}

    def muni(self, code: str | None) -> int:
        return self.muni_index.get(code, -1) if code else -1

    def province_of(self, code: str | None) -> int:
        province = self.muni_province.get(code) if code else None
        return self.province_index.get(province, -1) if province else -1


# The lenses the engine compares as bit masks.
ENGINE_LENSES = ("support_needs", "themes", "life_groups", "skills", "day_parts", "phases",
                 "legal_forms", "client_restrictions")
# Which vocabulary entry says what each kind of resource serves (a placement is people's work).
SERVES_FROM = {"volunteer": "volunteer", "fund": "fund", "instrument": "instrument",
               "placement": "volunteer"}


@cache
def codebook() -> Codebook:
    """The vocabulary as the engine reads it: bit positions, and what each resource serves."""
    vocab = get_vocabulary()
    needs = vocab.items("support_needs")
    return Codebook.build(
        {lens: vocab.codes(lens) for lens in ENGINE_LENSES},
        {kind: [i["code"] for i in needs if source in i.get("matches", [])]
         for kind, source in SERVES_FROM.items()})


@cache
def pc4_grid() -> Grid:
    """The located PC4 areas as the engine reads them."""
    return Grid(*geo.located())


def _rows(session: Session, stmt, *, plain: bool = False) -> list:
    """Plain tuples through Core: no ORM bookkeeping for hundreds of thousands of rows.
    plain=True on PostgreSQL goes one step further, to the driver's own tuples: only for
    statements whose columns need no conversion by SQLAlchemy's types."""
    connection = session.connection()
    if plain and connection.dialect.name == "postgresql":
        compiled = stmt.compile(dialect=connection.dialect)
        with connection.connection.driver_connection.cursor() as cursor:
            cursor.execute(str(compiled), compiled.params)
            return cursor.fetchall()
    return connection.execute(stmt).all()


def _ids_in(session: Session, column, ids: list[int]):
    """Conditions selecting column in ids: one array parameter on PostgreSQL (no giant IN
    list to build and parse), chunked IN lists elsewhere."""
    if not ids:
        return []
    if session.get_bind().dialect.name == "postgresql":
        return [column == any_(cast(ids, ARRAY(Integer)))]
    return [column.in_(chunk) for chunk in _chunks(ids)]


def _chunks(ids: list[int]):
    for start in range(0, len(ids), IN_CHUNK):
        yield ids[start:start + IN_CHUNK]


def load_needs(session: Session, places: Places, need_ids: list[int] | None) -> Needs:
    """Open needs (all, or the given ones) with their initiative's attributes."""
    codes = codebook()
    stmt = (select(Need.id, Need.kind, Need.title, Need.description, Need.skills,
                   Need.availability, Need.amount_eur, Need.hours_per_week, Initiative.id,
                   Initiative.pc4, Initiative.municipality_code, Initiative.phase,
                   Initiative.legal_form)
            .join(Initiative, Initiative.id == Need.initiative_id)
            .where(Need.status == "open").order_by(Need.id))
    rows = []
    if need_ids is None:
        rows = _rows(session, stmt)
    else:
        for condition in _ids_in(session, Need.id, sorted(set(need_ids))):
            rows += _rows(session, stmt.where(condition))
    initiative_ids = sorted({r[8] for r in rows})
    labels: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    places_offered: set[int] = set()
    # One array parameter per query on PostgreSQL: IN lists of thousands of ids cost more to
    # build and parse than to run.
    for condition in _ids_in(session, InitiativeLabel.initiative_id, initiative_ids):
        for ini, lens, code in _rows(session, select(
                InitiativeLabel.initiative_id, InitiativeLabel.lens, InitiativeLabel.code)
                .where(condition).order_by(InitiativeLabel.position)):
            labels[ini][lens].append(code)
    for condition in _ids_in(session, Offer.initiative_id, initiative_ids):
        places_offered |= {r[0] for r in _rows(session, select(Offer.initiative_id).where(
            condition, Offer.kind == "participation_place",
            Offer.no_paid_work_replaced.is_(True)))}
    vocab_text = {}
    texts = []
    for r in rows:
        key = (r[1], r[2], r[3], tuple(r[4] or ()))
        if key not in vocab_text:
            # need_text reads four attributes; a table object costs ~1 ms to build.
            need = SimpleNamespace(kind=r[1], title=r[2], description=r[3],
                                   skills=list(r[4] or ()))
            vocab_text[key] = dutch.normalise(" ".join(initiatives.need_text(need)))
        texts.append(vocab_text[key])
    return Needs(
        ids=np.array([r[0] for r in rows], dtype=np.int64),
        kind=np.array([codes.bit("support_needs", r[1]) for r in rows], dtype=np.int32),
        themes=np.array([codes.mask("themes", labels[r[8]]["themes"]) for r in rows],
                        dtype=np.uint32),
        life_groups=np.array([codes.mask("life_groups", labels[r[8]]["life_groups"])
                              for r in rows], dtype=np.uint32),
        skills=np.array([codes.mask("skills", r[4]) for r in rows], dtype=np.uint32),
        availability=np.array([codes.mask("day_parts", r[5]) for r in rows], dtype=np.uint32),
        pc4=pc4_grid().indexes([r[9] for r in rows]),
        municipality=np.array([places.muni(r[10]) for r in rows], dtype=np.int32),
        province=np.array([places.province_of(r[10]) for r in rows], dtype=np.int32),
        phase=np.array([codes.bit("phases", r[11]) for r in rows], dtype=np.int32),
        legal_form=np.array([codes.bit("legal_forms", r[12]) for r in rows], dtype=np.int32),
        amount=np.array([np.nan if r[6] is None else r[6] for r in rows], dtype=np.float64),
        hours=np.array([np.nan if r[7] is None else r[7] for r in rows], dtype=np.float32),
        has_place=np.array([r[8] in places_offered for r in rows], dtype=bool),
        text=texts,
        # The first theme of a profile is its primary one (the form lists it first).
        primary_theme=np.array([codes.bit("themes", next(iter(labels[r[8]]["themes"]), None))
                                for r in rows], dtype=np.int32),
    )


MAX_BOXES = 50  # beyond this many places a targeted run simply reads every volunteer


def _boxes(needs: Needs, radius_km: float) -> list[tuple[float, ...]] | None:
    """A latitude/longitude box around each distinct need location, widened by radius_km,
    with the location itself; None when there are too many places to be worth it."""
    located = np.unique(needs.pc4[needs.pc4 >= 0])
    if len(located) > MAX_BOXES:
        return None
    g = pc4_grid()
    boxes = []
    for lat, lon in zip(np.degrees(g.lat[located]), np.degrees(g.lon[located]), strict=True):
        dlat = radius_km / 111.0
        dlon = radius_km / (111.0 * np.cos(np.radians(lat)))
        boxes.append((lat - dlat, lat + dlat, lon - dlon, lon + dlon, lat, lon))
    return boxes


def _reaches(lat: float, lon: float):
    """The volunteer's own radius (plus a kilometre of slack) covers this point, by a flat-earth
    distance both databases can compute; the engine checks the exact distance."""
    ky, kx = 111.2, 111.2 * float(np.cos(np.radians(lat)))
    dy = (Volunteer.latitude - lat) * ky
    dx = (Volunteer.longitude - lon) * kx
    return dy * dy + dx * dx <= (Volunteer.radius_km + 1) * (Volunteer.radius_km + 1)


def _in_boxes(stmt, boxes):
    if boxes is None:
        return stmt
    return stmt.where(or_(false(), *[and_(Volunteer.latitude.between(a, b),
                                          Volunteer.longitude.between(c, d), _reaches(y, x))
                                     for a, b, c, d, y, x in boxes]))


def _masker(lens: str):
    """JSON text of a code list → its bit mask, decoded once per distinct text (a national run
    reads 1.5 million lists, a quarter of them distinct)."""
    bits = {code: 1 << bit for code, bit in codebook().code_bits(lens).items()}
    seen: dict[str | None, int] = {None: 0, "": 0, "[]": 0}

    def mask(raw: str | None) -> int:
        found = seen.get(raw)
        if found is None:
            # A list of plain codes ('["a", "b"]', as the database writes it) is split without
            # a parser (json.loads took half the load time); anything else gets one.
            listed = None
            if raw.startswith('["') and raw.endswith('"]') and "\\" not in raw:
                listed = raw[2:-2].split('", "')
                if any('"' in code for code in listed):  # written with other spacing
                    listed = None
            if listed is None:
                parsed = json.loads(raw)
                listed = parsed if isinstance(parsed, list) else []
            found = 0
            for code in listed:
                found |= bits.get(code, 0)
            seen[raw] = found
        return found
    return mask


class _Columns:
    """Rows turned into columns once (zip runs in C; 500k rows make every step count)."""

    def __init__(self, rows: list) -> None:
        self.n = len(rows)
        self.columns = list(zip(*rows, strict=True)) if rows else []

    def __getitem__(self, i: int) -> tuple:
        return self.columns[i] if self.columns else ()


def _column(rows, i: int, dtype, convert=None) -> np.ndarray:
    if not isinstance(rows, _Columns):
        rows = _Columns(rows)
    values = rows[i] if convert is None else map(convert, rows[i])
    return np.fromiter(values, dtype=dtype, count=rows.n)


def load_volunteers(session: Session, boxes: list | None, *,
                    band: tuple[float, float, float] | None = None) -> Volunteers:
    """Volunteers who can be asked (in a targeted run: only those near the needs; in a
    shard: only those who can reach its latitude band: low, high, widest radius in km)."""
    # Read the timestamp without the UTC decorator and the code lists as JSON text: 500k rows
    # make every per-row conversion visible.
    active = type_coerce(Volunteer.last_active_at, DateTime(timezone=True))
    stmt = select(Volunteer.id, Volunteer.pc4, Volunteer.radius_km,
                  cast(Volunteer.availability, String), cast(Volunteer.skills, String),
                  cast(Volunteer.themes, String), Volunteer.hours_per_week,
                  active, Volunteer.about).where(
        Volunteer.erased_at.is_(None), Volunteer.pc4.is_not(None),
        # A volunteer who paused gets no new suggestions up to and including the chosen date.
        or_(Volunteer.paused_until.is_(None), Volunteer.paused_until < local_today()))
    if band is not None:
        # Only volunteers whose own radius reaches the band: a degree of latitude is at least
        # 111 km of great-circle distance, so this keeps every one who can reach a need and
        # leaves out most of the strip a fixed widest radius would read twice.
        reach = (case((Volunteer.radius_km < band[2], Volunteer.radius_km), else_=band[2])
                 + 1) / 111.0
        stmt = stmt.where(Volunteer.latitude >= band[0] - reach,
                          Volunteer.latitude <= band[1] + reach)
    rows = _Columns(_rows(session, _in_boxes(stmt, boxes).order_by(Volunteer.id),
                          plain=True))
    now = utcnow()
    naive_now = now.replace(tzinfo=None)
    texts: dict[str, str] = {}
    return Volunteers(
        ids=_column(rows, 0, np.int64),
        pc4=pc4_grid().indexes(rows[1]),
        radius_km=_column(rows, 2, np.float32),
        availability=_column(rows, 3, np.uint32, _masker("day_parts")),
        skills=_column(rows, 4, np.uint32, _masker("skills")),
        themes=_column(rows, 5, np.uint32, _masker("themes")),
        hours=_column(rows, 6, np.float32),
        idle_days=_column(rows, 7, np.float32,
                          lambda t: ((now if t.tzinfo else naive_now) - t).days),
        text=[texts.setdefault(t, dutch.normalise(t)) if t else "" for t in rows[8]],
    )


_CALLS_CACHE: dict[tuple, Calls] = {}


def load_calls(session: Session, places: Places, today: date) -> Calls:
    """Calls of active funds whose window contains today (cached while nothing changed)."""
    call_state = _rows(session, select(
        func.count(FundCall.id), func.max(FundCall.id), func.max(FundCall.created_at),
        func.sum(FundCall.granted_eur), func.sum(FundCall.budget_eur)))[0]
    fund_state = _rows(session, select(func.count(Fund.id), func.max(Fund.updated_at))
                       .where(Fund.active.is_(True)))[0]
    version = (today, tuple(places.codes[:1]), len(places.codes), *call_state, *fund_state)
    if version not in _CALLS_CACHE:
        _CALLS_CACHE.clear()
        _CALLS_CACHE[version] = _fetch_calls(session, places, today)
    return _CALLS_CACHE[version]


def _fetch_calls(session: Session, places: Places, today: date) -> Calls:
    codes = codebook()
    rows = session.exec(select(FundCall, Fund).join(Fund, Fund.id == FundCall.fund_id).where(
        Fund.active.is_(True), FundCall.opens_on <= today, FundCall.closes_on >= today
    ).order_by(FundCall.id)).all()
    every_kind = codes.mask("support_needs", list(codes.bits["support_needs"]))
    provinces, munis, national = [], [], []
    for _call, fund in rows:
        regions = fund.regions or []
        # An empty list means "no restriction": the whole country.
        national.append(not regions or "NL" in regions)
        provinces.append(sum(1 << places.province_index[r] for r in regions
                             if r in places.province_index))
        munis.append(np.array([places.muni_index[r] for r in regions
                               if r in places.muni_index], dtype=np.int64))
    return Calls(
        fund_ids=np.array([f.id for _c, f in rows], dtype=np.int64),
        call_ids=np.array([c.id for c, _f in rows], dtype=np.int64),
        themes=np.array([codes.mask("themes", f.themes) for _c, f in rows], dtype=np.uint32),
        life_groups=np.array([codes.mask("life_groups", f.life_groups) for _c, f in rows],
                             dtype=np.uint32),
        national=np.array(national, dtype=bool),
        provinces=np.array(provinces, dtype=np.uint32),
        municipalities=munis,
        # No need kinds listed: every kind (the engine still keeps to kinds funds serve).
        need_kinds=np.array([codes.mask("support_needs", f.need_kinds) or every_kind
                             for _c, f in rows], dtype=np.uint32),
        legal_forms=np.array([codes.mask("legal_forms", f.legal_forms) for _c, f in rows],
                             dtype=np.uint32),
        phases=np.array([codes.mask("phases", f.phases) for _c, f in rows], dtype=np.uint32),
        min_amount=np.array([f.min_amount_eur for _c, f in rows], dtype=np.float64),
        max_amount=np.array([min(f.max_amount_eur, c.max_grant_eur or f.max_amount_eur)
                             for c, f in rows], dtype=np.float64),
        remaining=np.array([c.budget_eur - c.granted_eur for c, _f in rows], dtype=np.float64),
        open=np.ones(len(rows), dtype=bool),
        closes_in_days=np.array([(c.closes_on - today).days for c, _f in rows],
                                dtype=np.float32),
        text=[f.search_text for _c, f in rows],
        closes_on=[c.closes_on.isoformat() for c, _f in rows],
    )


def load_instruments(session: Session, places: Places, munis: set[str] | None) -> Instruments:
    """Active instruments (optionally of some municipalities)."""
    codes = codebook()
    stmt = select(Instrument).where(Instrument.active.is_(True)).order_by(Instrument.id)
    if munis is not None:
        stmt = stmt.where(Instrument.municipality_code.in_(sorted(munis) or ["-"]))
    rows = session.exec(stmt).all()
    return Instruments(
        ids=np.array([i.id for i in rows], dtype=np.int64),
        municipality=np.array([places.muni(i.municipality_code) for i in rows], dtype=np.int32),
        need_kinds=np.array([codes.mask("support_needs", i.need_kinds) for i in rows],
                            dtype=np.uint32),
        phases=np.array([codes.mask("phases", i.phases) for i in rows], dtype=np.uint32),
        legal_forms=np.array([codes.mask("legal_forms", i.legal_forms) for i in rows],
                             dtype=np.uint32),
        max_amount=np.array([np.nan if i.max_amount_eur is None else i.max_amount_eur
                             for i in rows], dtype=np.float64),
        text=[i.search_text for i in rows],
    )


def load_clients(session: Session, places: Places, munis: set[str] | None) -> Clients:
    """Open, unerased client records (optionally of some municipalities)."""
    codes = codebook()
    c = ParticipationClient
    stmt = select(c.id, c.municipality_code, c.pc4, c.restrictions, c.skills, c.availability,
                  c.capacity_hours_per_week).where(c.erased_at.is_(None), c.closed_at.is_(None))
    if munis is not None:
        stmt = stmt.where(c.municipality_code.in_(sorted(munis) or ["-"]))
    rows = _rows(session, stmt.order_by(c.id))
    return Clients(
        ids=_column(rows, 0, np.int64),
        municipality=_column(rows, 1, np.int32, places.muni),
        pc4=pc4_grid().indexes([r[2] for r in rows]),
        restrictions=_column(rows, 3, np.uint32,
                             lambda v: codes.mask("client_restrictions", v)),
        skills=_column(rows, 4, np.uint32, lambda v: codes.mask("skills", v)),
        availability=_column(rows, 5, np.uint32, lambda v: codes.mask("day_parts", v)),
        capacity_hours=_column(rows, 6, np.float32),
    )


def load_inputs(session: Session, need_ids: list[int] | None, *,
                max_radius_km: float = 25.0, today: date | None = None,
                shard: bool = False) -> tuple[Inputs, Places]:
    """Everything one run needs: all open needs, or a targeted set and what is near them.

    A shard of a full run (shard=True) reads its needs, every volunteer in their latitude
    band widened by the widest radius, and counts exposure as a full run does.
    """
    places = Places(session)
    needs = load_needs(session, places, need_ids)
    targeted = need_ids is not None and not shard
    boxes = None
    munis = None
    if need_ids is not None:
        munis = {places.codes[m] for m in set(needs.municipality.tolist()) if m >= 0}
    if targeted:
        # The engine's widest radius, not the data's: asking for the data's costs a scan of
        # every volunteer, and _reaches already keeps only those whose own radius reaches.
        boxes = _boxes(needs, max_radius_km)
    if boxes is not None:
        volunteers = nearby.near(session, boxes, _near_codes(needs, max_radius_km),
                                 local_today(), _in_boxes, _masker, pc4_grid())
    else:
        volunteers = (load_volunteers(session, None) if not shard else
                      load_volunteers(session, None, band=_band(needs, max_radius_km)))
    inputs = Inputs(
        needs=needs,
        volunteers=volunteers,
        calls=load_calls(session, places, today or utcnow().date()),
        instruments=load_instruments(session, places, munis),
        clients=load_clients(session, places, munis),
        n_municipalities=len(places.codes),
        codebook=codebook(),
        grid=pc4_grid(),
    )
    _load_history(session, inputs, targeted, need_ids if shard else None)
    return inputs, places


def warm_volunteers(session: Session) -> int:
    """Keep every volunteer in this process for the targeted rematches to come."""
    return nearby.warm(session, _masker, pc4_grid())


def _near_codes(needs: Needs, radius_km: float) -> list[str]:
    """The PC4 areas within radius_km of these needs' places."""
    grid = pc4_grid()
    ptr, neighbours, _ = grid.neighbours(radius_km)
    located = np.unique(needs.pc4[needs.pc4 >= 0])
    near = np.unique(np.concatenate([neighbours[ptr[i]:ptr[i + 1]] for i in located]
                                    or [np.zeros(0, dtype=np.int64)]))
    return [grid.codes[i] for i in near.tolist()]


def _band(needs: Needs, radius_km: float) -> tuple[float, float, float]:
    """The latitudes of these needs and the engine's widest radius: a volunteer reaches the
    band when it lives within their own radius (at most the widest) of it."""
    located = needs.pc4[needs.pc4 >= 0]
    if len(located) == 0:
        return (0.0, -1.0, 0.0)
    lat = np.degrees(pc4_grid().lat[located])
    return float(lat.min()), float(lat.max()), radius_km


def _load_history(session: Session, inputs: Inputs, targeted: bool,
                  shard_ids: list[int] | None = None) -> None:
    """Decided pairs (never proposed again), proposals already shown (kept unless clearly
    beaten) and the exposure each resource already holds elsewhere.

    Both kinds of run count the same thing: every proposal and open commitment a resource
    holds for needs outside this run. A full run recomputes every proposal, so only the open
    commitments remain outside it; a targeted run keeps other needs' proposals, so they count.
    Funds are counted per call, the unit whose budget caps them.
    """
    ids = inputs.needs.ids.tolist()
    pairs: dict[str, list[tuple[int, int]]] = defaultdict(list)
    shown: dict[str, list[tuple[int, int]]] = defaultdict(list)
    scoped = targeted or shard_ids is not None
    for condition in _ids_in(session, Match.need_id, ids) if scoped else [true()]:
        for need_id, kind, res_id, status in _rows(session, select(
                Match.need_id, Match.resource_kind, Match.resource_id, Match.status).where(
                condition)):
            (shown if status == MatchStatus.PROPOSED.value else pairs)[kind].append(
                (need_id, res_id))
    inputs.decided = {kind: pair_keys(*np.array(found, dtype=np.int64).T)
                      for kind, found in pairs.items()}
    inputs.incumbent = {kind: pair_keys(*np.array(found, dtype=np.int64).T)
                        for kind, found in shown.items()}
    counts: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    if not targeted:
        for kind, res_id, call_id, count in _rows(session, select(
                Match.resource_kind, Match.resource_id, Match.call_id, func.count()).where(
                Match.status.in_(OPEN),
                Match.resource_kind.in_(("volunteer", "placement", "fund")))
                .group_by(Match.resource_kind, Match.resource_id, Match.call_id)):
            counts[kind][call_id if kind == "fund" else res_id] += count
    # A targeted run counts exposure once it knows its candidates: load_exposure.
    inputs.open_counts = {k: dict(v) for k, v in counts.items()}


def load_exposure(session: Session, inputs: Inputs, keys: dict[str, np.ndarray]) -> None:
    """A targeted run's exposure: the proposals and open commitments each candidate (keys
    per kind: resource ids, call ids for funds) holds for needs outside the run. Asked only
    for the shortlisted candidates, through the partial index ix_match_exposure."""
    in_scope = set(inputs.needs.ids.tolist())
    exposed = (*OPEN, MatchStatus.PROPOSED.value)
    counts: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for kind, ids in keys.items():
        if kind == "instrument" or len(ids) == 0:
            continue
        wanted = set(ids.tolist())
        if kind == "fund":  # the index is by fund; the count is per call
            ids = np.unique(inputs.calls.fund_ids[np.isin(inputs.calls.call_ids, ids)])
        for condition in _ids_in(session, Match.resource_id, ids.tolist()):
            for res_id, call_id, need_id in _rows(session, select(
                    Match.resource_id, Match.call_id, Match.need_id).where(
                    Match.resource_kind == kind, condition, Match.status.in_(exposed))):
                key = call_id if kind == "fund" else res_id
                if need_id not in in_scope and key in wanted:
                    counts[kind][key] += 1
    inputs.open_counts = {k: dict(v) for k, v in counts.items()}
