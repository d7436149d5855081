"""A seeded synthetic national dataset, loaded into PostgreSQL with COPY."""

import json
from datetime import UTC, datetime, timedelta

import numpy as np
import psycopg

from core.vocabulary import get_vocabulary
from services.matching.loader import pc4_grid

SIZES = {"municipalities": 342, "initiatives": 50_000, "volunteers": 500_000, "funds": 5_000,
         "clients": 20_000}
PROVINCES = [f"PV{20 + i}" for i in range(12)]
TITLES = {
    "volunteers": ["Vrijwilligers gezocht voor de inloop", "Handen nodig bij activiteiten",
                   "Maatjes gezocht", "Chauffeurs voor ritjes", "Hulp bij de moestuin"],
    "expertise": ["Advies over financiën", "Hulp met de website", "Juridisch advies gezocht"],
    "network": ["Contacten met zorgpartners", "Netwerk in de wijk uitbreiden"],
    "training": ["Scholing voor vrijwilligers", "Training omgaan met dementie"],
    "publicity": ["Meer bekendheid in de buurt", "Hulp met sociale media"],
    "start_grant": ["Startbudget voor het eerste jaar", "Kleine bijdrage voor materiaal"],
    "structural_funding": ["Meerjarige financiering", "Vaste dekking coördinator"],
    "space": ["Ruimte voor bijeenkomsten", "Opslag en werkplaats"],
    "permit": ["Vergunning voor een straatactiviteit"],
    "policy_change": ["Regels voor gebruik van het buurthuis"],
    "backing": ["Steun van de wethouder"],
    "say": ["Zeggenschap over het wijkbudget"],
    "other": ["Overige hulp"],
}
ABOUT = ["Ik help graag met klussen.", "Ik kook graag voor anderen.",
         "Handig met computers en sociale media.", "Ik rijd mensen naar afspraken.",
         "Oud-docent, geef graag taalles.", "Ervaring als mantelzorger.",
         "Boekhouder, help met financiën.", "Organiseer graag activiteiten."]


def _codes(lens: str) -> list[str]:
    return get_vocabulary().codes(lens)


def _pick(rng, codes, n, low=1, high=3) -> list[list[str]]:
    counts = rng.integers(low, high + 1, n)
    return [list(rng.choice(codes, c, replace=False)) for c in counts]


def _copy(conn, table: str, columns: list[str], rows) -> None:
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as cp:
        for row in rows:
            cp.write_row(row)


def generate(dsn: str, seed: int = 42, scale: float = 1.0) -> dict[str, int]:
    """Fill an empty, migrated database; returns the row counts."""
    rng = np.random.default_rng(seed)
    sizes = {k: max(int(v * scale), 12) for k, v in SIZES.items()}
    sizes["municipalities"] = SIZES["municipalities"]
    codes = [str(c) for c in pc4_grid().codes]
    n_mun = sizes["municipalities"]
    # Each municipality gets a contiguous run of postcodes, each province a run of those.
    pc4_muni = np.minimum(np.arange(len(codes)) * n_mun // len(codes), n_mun - 1)
    muni_codes = [f"GM{9000 - n_mun + i:04d}" for i in range(n_mun)]
    muni_prov = [PROVINCES[i * len(PROVINCES) // n_mun] for i in range(n_mun)]
    now = datetime.now(UTC)
    today = now.date()
    themes, groups, skills = _codes("themes"), _codes("life_groups"), _codes("skills")
    parts, kinds = _codes("day_parts"), _codes("support_needs")
    phases, legal = _codes("phases"), _codes("legal_forms")
    kind_p = np.array([3 if k in ("volunteers",) else 2 if k in ("start_grant",
                      "structural_funding", "expertise") else 1 for k in kinds], dtype=float)
    with psycopg.connect(dsn) as conn:
        _copy(conn, "municipality", ["code", "name", "province_code"],
              ((muni_codes[i], f"Gemeente {i:03d}", muni_prov[i]) for i in range(n_mun)))
        n = sizes["initiatives"]
        ini_pc4 = rng.integers(0, len(codes), n)
        ini_themes = _pick(rng, themes, n, 1, 3)
        ini_groups = _pick(rng, groups, n, 0, 2)
        ini_phase = rng.choice(phases, n)
        ini_legal = rng.choice(legal, n)
        _copy(conn, "initiative", ["id", "name", "sort_name", "description", "scope",
                                   "municipality_code", "pc4", "published", "search_text",
                                   "created_at", "updated_at", "phase", "legal_form"],
              ((i + 1, f"Initiatief {i}", f"initiatief {i}", "", "local",
                muni_codes[pc4_muni[ini_pc4[i]]], codes[ini_pc4[i]], True, "", now, now,
                ini_phase[i], ini_legal[i]) for i in range(n)))
        _copy(conn, "initiative_label", ["initiative_id", "lens", "code", "position"],
              ((i + 1, lens, code, p) for i in range(n)
               for lens, values in (("themes", ini_themes[i]), ("life_groups", ini_groups[i]))
               for p, code in enumerate(values)))
        needs_per = rng.choice([1, 1, 2, 2, 2], n)  # about 1.5 needs each
        need_ini = np.repeat(np.arange(n), needs_per)
        m = len(need_ini)
        need_kind = rng.choice(kinds, m, p=kind_p / kind_p.sum())
        need_skills = _pick(rng, skills, m, 0, 3)
        need_avail = [[] if rng.random() < 0.6 else list(rng.choice(parts, 3, replace=False))
                      for _ in range(m)]
        amounts = rng.choice([1000, 2500, 5000, 10000, 25000, 50000, 100000], m)
        money = {"start_grant", "structural_funding", "space"}
        people = {"volunteers", "expertise", "network", "training", "publicity"}
        _copy(conn, "need", ["id", "initiative_id", "kind", "title", "description",
                             "amount_eur", "hours_per_week", "skills", "availability",
                             "status", "created_at", "updated_at"],
              ((j + 1, int(need_ini[j]) + 1, need_kind[j],
                TITLES[need_kind[j]][j % len(TITLES[need_kind[j]])], "",
                int(amounts[j]) if need_kind[j] in money else None,
                float(rng.integers(1, 9)) if need_kind[j] in people else None,
                json.dumps(need_skills[j] if need_kind[j] in people else []),
                json.dumps(need_avail[j]), "open", now, now) for j in range(m)))
        with_place = rng.choice(n, n // 10, replace=False)
        _copy(conn, "offer", ["initiative_id", "kind", "description", "capacity",
                              "no_paid_work_replaced", "created_at", "updated_at"],
              ((int(i) + 1, "participation_place", "", 2, True, now, now) for i in with_place))
        v = sizes["volunteers"]
        vol_pc4 = rng.integers(0, len(codes), v)
        vol_skills = _pick(rng, skills, v, 1, 4)
        vol_themes = _pick(rng, themes, v, 1, 3)
        vol_avail = _pick(rng, parts, v, 2, 6)
        radius = rng.choice([2, 3, 5, 5, 8, 10, 15], v)
        active = rng.integers(0, 365, v)
        lat = np.degrees(pc4_grid().lat)
        lon = np.degrees(pc4_grid().lon)
        _copy(conn, "volunteer", ["municipality_code", "name", "pc4", "latitude", "longitude",
                                  "skills", "themes",
                                  "availability", "hours_per_week", "radius_km", "about",
                                  "consent_given_at", "created_at", "updated_at",
                                  "last_active_at"],
              ((muni_codes[pc4_muni[vol_pc4[i]]], f"Vrijwilliger {i}", codes[vol_pc4[i]],
                float(lat[vol_pc4[i]]), float(lon[vol_pc4[i]]), json.dumps(vol_skills[i]),
                json.dumps(vol_themes[i]), json.dumps(vol_avail[i]),
                float(rng.choice([2, 4, 6])), float(radius[i]),
                ABOUT[i % len(ABOUT)] if i % 10 == 0 else "", now, now, now,
                now - timedelta(days=int(active[i]))) for i in range(v)))
        f = sizes["funds"]
        region_kind = rng.random(f)
        fund_rows, call_rows = [], []
        for i in range(f):
            if region_kind[i] < 0.3:
                regions = ["NL"]
            elif region_kind[i] < 0.7:
                regions = [str(rng.choice(PROVINCES))]
            else:
                regions = list(rng.choice(muni_codes, int(rng.integers(1, 4)), replace=False))
            low = int(rng.choice([0, 500, 1000, 5000, 10000]))
            fund_rows.append((i + 1, f"Fonds {i}", "", json.dumps(_pick(rng, themes, 1, 0, 4)[0]),
                              json.dumps(_pick(rng, groups, 1, 0, 2)[0]), json.dumps(regions),
                              json.dumps(list(rng.choice(sorted(money), int(rng.integers(1, 3)),
                                                         replace=False))),
                              json.dumps([] if rng.random() < 0.7 else
                                         list(rng.choice(legal, 2, replace=False))),
                              json.dumps([] if rng.random() < 0.7 else
                                         list(rng.choice(phases, 3, replace=False))),
                              low, low + int(rng.choice([2500, 25000, 100000, 250000])),
                              True, f"fonds {i}", now, now))
            for c in range(int(rng.integers(1, 3))):
                opens = today - timedelta(days=int(rng.integers(0, 60)))
                call_rows.append((i + 1, f"Ronde {c}", int(rng.choice([25000, 100000, 500000])),
                                  0, opens, opens + timedelta(days=int(rng.choice([7, 90, 365]))),
                                  now))
        _copy(conn, "fund", ["id", "name", "description", "themes", "life_groups", "regions",
                             "need_kinds", "legal_forms", "phases", "min_amount_eur",
                             "max_amount_eur", "active", "search_text", "created_at",
                             "updated_at"], fund_rows)
        _copy(conn, "fund_call", ["fund_id", "title", "budget_eur", "granted_eur", "opens_on",
                                  "closes_on", "created_at"], call_rows)
        families = {"communication": ["expertise", "network", "publicity", "backing"],
                    "money": ["start_grant", "space"], "regulation": ["permit", "policy_change"]}
        _copy(conn, "instrument", ["municipality_code", "family", "title", "description",
                                   "need_kinds", "phases", "legal_forms", "desk_name", "active",
                                   "search_text", "created_at", "updated_at"],
              ((code, fam, f"Loket {fam}", "", json.dumps(k), "[]", "[]", "Loket", True,
                f"loket {fam}", now, now) for code in muni_codes for fam, k in families.items()))
        c = sizes["clients"]
        cl_pc4 = rng.integers(0, len(codes), c)
        restr = _codes("client_restrictions")
        _copy(conn, "participation_client", ["pseudonym", "municipality_code",
                                             "capacity_hours_per_week", "restrictions", "route",
                                             "skills", "availability", "pc4", "created_at",
                                             "updated_at"],
              ((f"K-{i}", muni_codes[pc4_muni[cl_pc4[i]]], float(rng.choice([4, 8, 12])),
                json.dumps(list(rng.choice(restr, int(rng.integers(0, 3)), replace=False))),
                "guide_to_volunteering", json.dumps(_pick(rng, skills, 1, 1, 3)[0]),
                json.dumps(_pick(rng, parts, 1, 2, 6)[0]), codes[cl_pc4[i]], now, now)
               for i in range(c)))
        for table in ("initiative", "need", "fund"):
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                         f"(SELECT max(id) FROM {table}))")
        conn.execute("ANALYZE")
    sizes["needs"] = m
    return sizes


