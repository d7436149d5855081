"""Candidates and scores for people: volunteers, and clients for participation places."""

import numpy as np

from services.worker.matching.encode import Codebook, overlap, popcount
from services.worker.matching.grid import Grid
from services.worker.matching.model import Clients, Config, Needs, Volunteers

RADIUS_STEPS = 2048  # radius in 0.1 km units fits below this
WEIGHTS = {"skills": 0.35, "themes": 0.2, "distance": 0.2, "availability": 0.15, "fresh": 0.1}


# The primary theme carries this share of the theme fit, the other themes share the rest.
PRIMARY_SHARE = 0.6
OPEN_THEMES = 0.3


def theme_fit(want: np.ndarray, have: np.ndarray, primary: np.ndarray | None) -> np.ndarray:
    """How well the resource's themes cover the need's, the primary theme weighted above the
    others: 1 = all shared, 0.6 = only the primary one, 0.5 = the need names no theme. A
    resource naming none is open to every theme but chosen for none: 0.3, well below one
    sharing the primary theme and above one sharing nothing."""
    if primary is None:
        return np.where((have == 0) & (want != 0), np.float32(OPEN_THEMES), overlap(want, have)
                        ).astype(np.float32)
    known = primary >= 0
    pbit = np.where(known, np.uint32(1) << np.maximum(primary, 0).astype(np.uint32),
                    np.uint32(0)).astype(np.uint32)
    hit = ((have & pbit) != 0).astype(np.float32)
    rest = want & ~pbit
    n_rest = popcount(rest)
    rest_fit = np.where(n_rest > 0, popcount(rest & have) / np.maximum(n_rest, 1), hit)
    fit = PRIMARY_SHARE * hit + (1 - PRIMARY_SHARE) * rest_fit
    fit = np.where(known & ((want & pbit) != 0), fit, overlap(want, have))
    return np.where((have == 0) & (want != 0), np.float32(OPEN_THEMES), fit).astype(np.float32)


def open_overlap(want: np.ndarray, have: np.ndarray) -> np.ndarray:
    """overlap(), but neutral where the resource lists nothing (open to everything)."""
    return np.where(have == 0, np.float32(0.5), overlap(want, have)).astype(np.float32)


def expand_segments(starts: np.ndarray,
                    counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For segments [start, start+count): the owning segment and the position of each item."""
    owner = np.repeat(np.arange(len(counts)), counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    return owner, np.repeat(starts, counts) + offsets


def same_group(row_groups: np.ndarray, resource_groups: np.ndarray):
    """Every (row position, resource index) pair that shares a group, such as a municipality."""
    order = np.argsort(resource_groups, kind="stable")
    groups = resource_groups[order]
    start = np.searchsorted(groups, row_groups, side="left")
    stop = np.searchsorted(groups, row_groups, side="right")
    owner, pos = expand_segments(start, stop - start)
    return owner, order[pos]


class VolunteerIndex:
    """Volunteers sorted by PC4 and, within one, by radius (largest first)."""

    def __init__(self, volunteers: Volunteers, grid: Grid) -> None:
        self.grid = grid
        located = np.flatnonzero((volunteers.pc4 >= 0) & (volunteers.hours > 0))
        # The small epsilon keeps 2.7 km from becoming 26 tenths through float rounding.
        r10 = np.clip(np.floor(volunteers.radius_km[located] * 10 + 1e-3), 0, RADIUS_STEPS - 1)
        order = np.lexsort((-r10, volunteers.pc4[located]))
        self.rows = located[order]
        pc4 = volunteers.pc4[self.rows].astype(np.int64)
        self.key = pc4 * RADIUS_STEPS + (RADIUS_STEPS - 1 - r10[order].astype(np.int64))
        self.ptr = np.searchsorted(pc4, np.arange(len(grid.codes) + 1))
        # The freshness part, weighted, per volunteer (it does not depend on the need).
        self.fresh = (WEIGHTS["fresh"] * np.exp(-volunteers.idle_days / 180.0)
                      ).astype(np.float32)

    def within_reach(self, need_pc4: np.ndarray, cfg: Config):
        """(need position, volunteer row, distance) for volunteers whose radius reaches."""
        ptr, nb, nd = self.grid.neighbours(cfg.max_radius_km)
        owner, pos = expand_segments(ptr[need_pc4], ptr[need_pc4 + 1] - ptr[need_pc4])
        q, d = nb[pos].astype(np.int64), nd[pos]
        need_r10 = np.ceil(d * 10).astype(np.int64)
        start = self.ptr[q]
        stop = np.searchsorted(self.key, q * RADIUS_STEPS + (RADIUS_STEPS - 1 - need_r10),
                               side="right")
        counts = np.maximum(stop - start, 0)
        pair, vpos = expand_segments(start, counts)
        return owner[pair], self.rows[vpos], d[pair]


def volunteer_pairs(needs: Needs, rows: np.ndarray, volunteers: Volunteers,
                    index: VolunteerIndex, cfg: Config):
    """Eligible (need, volunteer) pairs for the given need rows, their scores, and the one
    score part the reasons show (distance_km).

    The score is sum(WEIGHTS[part] * part) over skills, themes, distance, availability and
    freshness, with the parts as overlap() and theme_fit() define them; each part is written
    as coefficient × popcount + constant with the need's side worked out once per need, since
    a national run scores ~100 million pairs.
    """
    located = rows[needs.pc4[rows] >= 0]
    owner, vol, dist = index.within_reach(needs.pc4[located], cfg)
    # Pairs come grouped by need, in order: a need's value reaches its pairs by np.repeat,
    # several times faster than indexing with `owner`.
    counts = np.bincount(owner, minlength=len(located))
    n_av = np.repeat(needs.availability[located], counts)
    shared_av = n_av & volunteers.availability[vol]
    keep = (n_av == 0) | (shared_av != 0)
    if not keep.all():
        owner, vol, dist, shared_av = owner[keep], vol[keep], dist[keep], shared_av[keep]
        counts = np.bincount(owner, minlength=len(located))
    n = _NeedTerms(needs, located)

    def per_pair(values: np.ndarray) -> np.ndarray:
        return np.repeat(values, counts)

    have = volunteers.themes[vol]
    hit = (have & per_pair(n.primary)) != 0
    themes = (per_pair(n.theme_hit) * hit
              + per_pair(n.theme_each) * np.bitwise_count(per_pair(n.theme_mask) & have)
              + per_pair(n.theme_base))
    themes = np.where((have == 0) & per_pair(n.names_themes),
                      np.float32(WEIGHTS["themes"] * OPEN_THEMES), themes)
    score = (themes
             + per_pair(n.skill_each) * np.bitwise_count(per_pair(n.skills)
                                                         & volunteers.skills[vol])
             + per_pair(n.skill_base)
             + per_pair(n.avail_each) * np.bitwise_count(shared_av) + per_pair(n.avail_base)
             + np.float32(WEIGHTS["distance"]) * np.exp(-dist / np.float32(5.0))
             + index.fresh[vol])
    return per_pair(located), vol, score.astype(np.float32), {"distance_km": dist}


class _NeedTerms:
    """The need's side of each score part, per need row: a part is each × popcount + base."""

    def __init__(self, needs: Needs, rows: np.ndarray) -> None:
        w = WEIGHTS
        self.skills = needs.skills[rows]
        self.skill_each, self.skill_base = _overlap_terms(self.skills, w["skills"])
        self.avail_each, self.avail_base = _overlap_terms(needs.availability[rows],
                                                          w["availability"])
        want = needs.themes[rows]
        self.names_themes = want != 0
        each, base = _overlap_terms(want, w["themes"])
        hit = np.zeros(len(rows), dtype=np.float32)
        mask, primary = want.copy(), np.zeros(len(rows), dtype=np.uint32)
        if needs.primary_theme is not None:
            p = needs.primary_theme[rows]
            pbit = np.where(p >= 0, np.uint32(1) << np.maximum(p, 0).astype(np.uint32),
                            np.uint32(0)).astype(np.uint32)
            # theme_fit: the primary theme carries PRIMARY_SHARE, the other named themes the
            # rest (all of it to the primary one when there are no others).
            ranked = (p >= 0) & ((want & pbit) != 0)
            rest = want & ~pbit
            n_rest = np.bitwise_count(rest).astype(np.float32)
            has_rest = n_rest > 0
            hit = np.where(ranked, np.where(has_rest, PRIMARY_SHARE, 1.0) * w["themes"], 0)
            each = np.where(ranked, np.where(has_rest, (1 - PRIMARY_SHARE) * w["themes"]
                                             / np.maximum(n_rest, 1), 0), each)
            base = np.where(ranked, 0, base)
            mask = np.where(ranked, rest, want).astype(np.uint32)
            primary = np.where(ranked, pbit, 0).astype(np.uint32)
        self.theme_hit, self.theme_each = hit.astype(np.float32), each.astype(np.float32)
        self.theme_base, self.theme_mask, self.primary = base.astype(np.float32), mask, primary


def _overlap_terms(want: np.ndarray, weight: float) -> tuple[np.ndarray, np.ndarray]:
    """weight × overlap(want, have) as each × popcount(want & have) + base."""
    wanted = np.bitwise_count(want).astype(np.float32)
    each = np.where(wanted > 0, weight / np.maximum(wanted, 1), 0).astype(np.float32)
    base = np.where(wanted > 0, 0, weight * 0.5).astype(np.float32)
    return each, base


def _restriction_masks(codes: Codebook) -> dict[str, int]:
    day_parts = codes.code_bits("day_parts")
    evenings = codes.mask("day_parts", [c for c in day_parts if c.endswith("_evening")])
    weekends = codes.mask("day_parts", [c for c in day_parts if c[:3] in ("sat", "sun")])
    # Skills that mean lifting, driving or dealing with people (unknown codes are ignored).
    return {"evenings": evenings, "weekends": weekends,
            "heavy": codes.mask("skills", ["handyman", "gardening", "household"]),
            "driving": codes.mask("skills", ["transport"]),
            "contact": codes.mask("skills", ["care", "events", "company_visits", "escort",
                                             "homework_help", "buddy", "caregiver_respite",
                                             "sport_exercise"])}


def client_pairs(needs: Needs, rows: np.ndarray, clients: Clients, cfg: Config,
                 codes: Codebook, grid: Grid):
    """Eligible (need, client) pairs: the initiative offers a participation place that does not
    replace paid work, same municipality, within reach, and no restriction is broken."""
    rows = rows[needs.has_place[rows] & (needs.municipality[rows] >= 0)]
    if len(rows) == 0 or len(clients) == 0:
        return (np.zeros(0, dtype=np.int64),) * 2 + (np.zeros(0, dtype=np.float32), {})
    owner, client = same_group(needs.municipality[rows], clients.municipality)
    need = rows[owner]
    r = _restriction_masks(codes)
    bits = codes.code_bits("client_restrictions")
    restr = clients.restrictions[client]

    def has(code: str) -> np.ndarray:
        return (restr >> bits[code] & 1).astype(bool)

    n_av, c_av = needs.availability[need], clients.availability[client]
    n_sk = needs.skills[need]
    hours = needs.hours[need]
    both_located = (needs.pc4[need] >= 0) & (clients.pc4[client] >= 0)
    dist = np.full(len(need), np.nan, dtype=np.float32)
    dist[both_located] = grid.distance_km(needs.pc4[need][both_located],
                                          clients.pc4[client][both_located])
    limit = np.where(has("near_home"), cfg.client_near_home_km, cfg.client_radius_km)
    ok = np.isnan(dist) | (dist <= limit)
    ok &= (n_av == 0) | (c_av == 0) | ((n_av & c_av) != 0)
    ok &= ~(has("no_evenings") & (n_av != 0) & ((n_av & ~np.uint32(r["evenings"])) == 0))
    ok &= ~(has("no_weekends") & (n_av != 0) & ((n_av & ~np.uint32(r["weekends"])) == 0))
    ok &= ~(has("short_shifts") & (hours > 6))
    ok &= ~(has("no_heavy_lifting") & ((n_sk & r["heavy"]) != 0))
    ok &= ~(has("no_driving") & ((n_sk & r["driving"]) != 0))
    ok &= ~(has("no_customer_contact") & ((n_sk & r["contact"]) != 0))
    ok &= np.isnan(hours) | (clients.capacity_hours[client] >= hours)
    need, client, dist = need[ok], client[ok], dist[ok]
    parts = {
        "skills": overlap(needs.skills[need], clients.skills[client]),
        "distance": np.where(np.isnan(dist), 0.5, np.exp(-np.nan_to_num(dist) / 3.0)
                             ).astype(np.float32),
        "availability": overlap(needs.availability[need], clients.availability[client]),
        "distance_km": dist,
    }
    score = 0.5 * parts["skills"] + 0.3 * parts["distance"] + 0.2 * parts["availability"]
    return need, client, score.astype(np.float32), parts
