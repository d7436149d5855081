"""SVG paths for the map, computed once per process: municipalities, and approximate PC4 areas.

There are no PC4 boundaries in Koppel, only centroids (pc4_nl, MIT). A municipality's PC4 areas
are therefore Voronoi cells of its centroids clipped to its generalised boundary (CBS, Kadaster,
CC BY 4.0). Coordinates are projected to a plane (longitude scaled by the cosine of 52.2°, which
is close enough at the scale of the Netherlands) before the cells are made.
"""

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import shapely
from shapely.geometry import MultiPoint, Point, shape
from shapely.geometry.base import BaseGeometry

from core import geo
from core.geo import municipalities as cbs

BOUNDARIES = Path(cbs.__file__).with_name("municipalities_nl.geojson")
WIDTH = 600.0
_LON_SCALE = math.cos(math.radians(52.2))


@dataclass(frozen=True)
class Shape:
    """One area on a map: its code, name and SVG path in the map's viewBox."""

    code: str
    name: str
    path: str


@dataclass(frozen=True)
class Drawing:
    """A map: its viewBox, the outline behind the areas, and the areas."""

    view_box: str
    outline: str
    shapes: tuple[Shape, ...]


def _project(lon: float, lat: float) -> tuple[float, float]:
    return lon * _LON_SCALE, -lat


@cache
def _boundaries() -> dict[str, tuple[str, BaseGeometry]]:
    raw = json.loads(BOUNDARIES.read_text(encoding="utf-8"))
    out = {}
    for feature in raw["features"]:
        geom = shapely.transform(shape(feature["geometry"]),
                                 lambda xy: [(x * _LON_SCALE, -y) for x, y in xy])
        out[feature["properties"]["code"]] = (feature["properties"]["name"], geom)
    return out


def _path(geom: BaseGeometry, fit) -> str:
    parts = []
    for polygon in getattr(geom, "geoms", [geom]):
        if polygon.geom_type != "Polygon" or polygon.is_empty:
            continue
        for ring in (polygon.exterior, *polygon.interiors):
            points = [fit(x, y) for x, y in ring.coords[:-1]]
            parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z")
    return "".join(parts)


def _fitter(bounds: tuple[float, float, float, float]):
    minx, miny, maxx, maxy = bounds
    scale = WIDTH / max(maxx - minx, 1e-9)
    height = (maxy - miny) * scale
    return (lambda x, y: ((x - minx) * scale, (y - miny) * scale)), \
        f"0 0 {WIDTH:.0f} {height:.0f}"


@cache
def national() -> Drawing:
    """Every municipality of the boundary file."""
    shapes = _boundaries()
    bounds = shapely.GeometryCollection([g for _, g in shapes.values()]).bounds
    fit, view_box = _fitter(bounds)
    return Drawing(view_box, "", tuple(Shape(code, name, _path(geom, fit))
                                       for code, (name, geom) in sorted(shapes.items())))


def _centroids(code: str) -> list[tuple[str, str, float, float]]:
    out = []
    seen: set[tuple[float, float]] = set()
    for pc4, owner in sorted(cbs.pc4_table().items()):
        if owner != code:
            continue
        found = geo.lookup(pc4)
        if found is not None and found.latitude is not None:
            x, y = _project(found.longitude, found.latitude)
            # Some postcodes share a centroid (PO boxes); nudge by ~10 m so each gets a cell.
            while (round(x, 6), round(y, 6)) in seen:
                x += 1e-4
            seen.add((round(x, 6), round(y, 6)))
            out.append((pc4, found.place, x, y))
    return out


@cache
def municipality(code: str) -> Drawing | None:
    """The approximate PC4 areas of one municipality (None for an unknown code)."""
    entry = _boundaries().get(code)
    if entry is None:
        return None
    boundary = entry[1]
    fit, view_box = _fitter(boundary.bounds)
    points = _centroids(code)
    cells: list[BaseGeometry]
    if len(points) == 1:
        cells = [boundary]
    elif points:
        diagram = shapely.voronoi_polygons(MultiPoint([(x, y) for _, _, x, y in points]),
                                           extend_to=boundary.envelope.buffer(1.0),
                                           ordered=True)
        cells = list(diagram.geoms)
    else:
        cells = []
    shapes = []
    for (pc4, place, x, y), cell in zip(points, cells, strict=True):
        # ordered=True keeps cells in the order of the points; check it, it is cheap.
        assert cell.covers(Point(x, y)) or len(points) == 1
        clipped = cell.intersection(boundary)
        if not clipped.is_empty:
            shapes.append(Shape(pc4, place, _path(clipped, fit)))
    return Drawing(view_box, _path(boundary, fit), tuple(shapes))
