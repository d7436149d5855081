"""Four-digit postcodes (PC4) with their place and WGS84 coordinates.

Data: pc4_nl.json beside this file, MIT licence in pc4_nl.LICENSE (keep the attribution).
"""

import json
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import numpy as np

PC4_FILE = Path(__file__).with_name("pc4_nl.json")
EARTH_RADIUS_KM = 6371.0088
# A few PO-box codes carry coordinates outside the country; they get no location.
NL_BOUNDS = (50.7, 53.7, 3.2, 7.3)  # lat min, lat max, lon min, lon max


@dataclass(frozen=True)
class Postcode:
    """One PC4 area."""

    code: str
    place: str
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True)
class _Table:
    by_code: dict[str, Postcode]
    located_codes: np.ndarray
    lat_rad: np.ndarray
    lon_rad: np.ndarray


@cache
def _table() -> _Table:
    raw = json.loads(PC4_FILE.read_text(encoding="utf-8"))
    by_code: dict[str, Postcode] = {}
    for code, entry in raw.items():
        lat, lon = entry["c"]
        inside = NL_BOUNDS[0] <= lat <= NL_BOUNDS[1] and NL_BOUNDS[2] <= lon <= NL_BOUNDS[3]
        by_code[code] = Postcode(code, entry["city"], lat if inside else None,
                                 lon if inside else None)
    located = [p for p in by_code.values() if p.latitude is not None]
    return _Table(
        by_code=by_code,
        located_codes=np.array([p.code for p in located]),
        lat_rad=np.radians([p.latitude for p in located]),
        lon_rad=np.radians([p.longitude for p in located]),
    )


def located() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The PC4 codes that have a location, with latitudes and longitudes in radians."""
    table = _table()
    return table.located_codes, table.lat_rad, table.lon_rad


def lookup(code: str) -> Postcode | None:
    """The PC4 area for a code, or None when the code does not exist."""
    return _table().by_code.get(code)


def haversine_km(lat1: float, lon1: float, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Great-circle distances in km from one point (degrees) to arrays of points (radians)."""
    phi1, lam1 = np.radians(lat1), np.radians(lon1)
    a = (np.sin((lat2 - phi1) / 2) ** 2
         + np.cos(phi1) * np.cos(lat2) * np.sin((lon2 - lam1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a))


@lru_cache(maxsize=1024)
def within_radius(code: str, radius_km: float) -> dict[str, float]:
    """PC4 codes whose centre lies within radius_km of code's centre, with distances in km."""
    centre = lookup(code)
    if centre is None or centre.latitude is None:
        return {}
    table = _table()
    distances = haversine_km(centre.latitude, centre.longitude, table.lat_rad, table.lon_rad)
    hits = distances <= radius_km
    return {str(c): round(float(d), 2) for c, d in zip(table.located_codes[hits],
                                                         distances[hits], strict=True)}

