"""The PC4 grid: index of located postcodes and their neighbours within a radius."""

from dataclasses import dataclass
from functools import cache

import numpy as np
from sklearn.neighbors import BallTree

from db import geo

EARTH_KM = geo.EARTH_RADIUS_KM


@dataclass(frozen=True)
class Grid:
    """Located PC4 codes with coordinates in radians."""

    codes: np.ndarray
    index: dict[str, int]
    lat: np.ndarray
    lon: np.ndarray


@cache
def grid() -> Grid:
    """All PC4 codes that have a location."""
    table = geo._table()
    codes = table.located_codes
    return Grid(codes, {str(c): i for i, c in enumerate(codes)}, table.lat_rad, table.lon_rad)


def indexes(pc4s) -> np.ndarray:
    """Grid index per PC4 code, -1 when missing or unlocated."""
    index = grid().index
    return np.fromiter((index.get(p, -1) if p else -1 for p in pc4s), dtype=np.int32,
                       count=len(pc4s))


@cache
def neighbours(radius_km: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSR neighbour lists: ptr, neighbour index, distance in km (self included)."""
    g = grid()
    points = np.column_stack([g.lat, g.lon])
    tree = BallTree(points, metric="haversine")
    idx, dist = tree.query_radius(points, r=radius_km / EARTH_KM, return_distance=True)
    lengths = np.fromiter((len(i) for i in idx), dtype=np.int64, count=len(idx))
    ptr = np.concatenate([[0], np.cumsum(lengths)])
    return ptr, np.concatenate(idx).astype(np.int32), \
        (np.concatenate(dist) * EARTH_KM).astype(np.float32)


def distance_km(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Great-circle distance between grid points a[k] and b[k]."""
    g = grid()
    la, lb = g.lat[a], g.lat[b]
    dlon = g.lon[b] - g.lon[a]
    d = np.sin((lb - la) / 2) ** 2 + np.cos(la) * np.cos(lb) * np.sin(dlon / 2) ** 2
    return (2 * EARTH_KM * np.arcsin(np.sqrt(d))).astype(np.float32)
