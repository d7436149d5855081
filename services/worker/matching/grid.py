"""The PC4 grid: located postcodes and their neighbours within a radius."""

import numpy as np
from sklearn.neighbors import BallTree

EARTH_KM = 6371.0088


class Grid:
    """Located PC4 codes with coordinates in radians, given by the caller."""

    def __init__(self, codes: np.ndarray, lat: np.ndarray, lon: np.ndarray) -> None:
        self.codes = codes
        self.lat = lat
        self.lon = lon
        self.index = {str(c): i for i, c in enumerate(codes)}
        self._neighbours: dict[float, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def indexes(self, pc4s) -> np.ndarray:
        """Grid index per PC4 code, -1 when missing or unlocated."""
        index = self.index
        return np.fromiter((index.get(p, -1) if p else -1 for p in pc4s), dtype=np.int32,
                           count=len(pc4s))

    def neighbours(self, radius_km: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """CSR neighbour lists: ptr, neighbour index, distance in km (self included)."""
        if radius_km not in self._neighbours:
            points = np.column_stack([self.lat, self.lon])
            tree = BallTree(points, metric="haversine")
            idx, dist = tree.query_radius(points, r=radius_km / EARTH_KM, return_distance=True)
            lengths = np.fromiter((len(i) for i in idx), dtype=np.int64, count=len(idx))
            ptr = np.concatenate([[0], np.cumsum(lengths)])
            self._neighbours[radius_km] = (ptr, np.concatenate(idx).astype(np.int32),
                                           (np.concatenate(dist) * EARTH_KM).astype(np.float32))
        return self._neighbours[radius_km]

    def distance_km(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Great-circle distance between grid points a[k] and b[k]."""
        la, lb = self.lat[a], self.lat[b]
        dlon = self.lon[b] - self.lon[a]
        d = np.sin((lb - la) / 2) ** 2 + np.cos(la) * np.cos(lb) * np.sin(dlon / 2) ** 2
        return (2 * EARTH_KM * np.arcsin(np.sqrt(d))).astype(np.float32)
