"""Array containers the engine works on, and its configuration."""

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Needs:
    """Open needs with their initiative's attributes (one row per need)."""

    ids: np.ndarray  # int64
    kind: np.ndarray  # int32, bit position in support_needs
    themes: np.ndarray  # uint32 masks (the initiative's themes)
    life_groups: np.ndarray  # uint32
    skills: np.ndarray  # uint32
    availability: np.ndarray  # uint32 day parts; 0 = any time
    pc4: np.ndarray  # int32 index into the PC4 grid, -1 = none
    municipality: np.ndarray  # int32 index, -1 = none (national)
    province: np.ndarray  # int32 index, -1 = none
    phase: np.ndarray  # int32 bit position, -1 = unknown
    legal_form: np.ndarray  # int32 bit position, -1 = unknown
    amount: np.ndarray  # float64, nan = not stated
    hours: np.ndarray  # float32, nan = not stated
    has_place: np.ndarray  # bool: the initiative offers a participation place (no paid work)
    text: list[str]
    # int32 bit position of the initiative's primary (first-listed) theme, -1 = none; None when
    # the caller does not know it, so every theme counts the same.
    primary_theme: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class Volunteers:
    """Volunteers who can be asked."""

    ids: np.ndarray
    pc4: np.ndarray  # int32
    radius_km: np.ndarray  # float32
    availability: np.ndarray  # uint32
    skills: np.ndarray  # uint32
    themes: np.ndarray  # uint32
    hours: np.ndarray  # float32 per week
    idle_days: np.ndarray  # float32 since last activity
    text: list[str]

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class Calls:
    """Open fund calls with their fund's criteria (one row per call)."""

    fund_ids: np.ndarray
    call_ids: np.ndarray
    themes: np.ndarray
    life_groups: np.ndarray
    national: np.ndarray  # bool
    provinces: np.ndarray  # uint32 mask over province indexes
    municipalities: list[np.ndarray]  # per call: municipality indexes it covers
    need_kinds: np.ndarray  # uint32
    legal_forms: np.ndarray  # uint32, 0 = any
    phases: np.ndarray  # uint32, 0 = any
    min_amount: np.ndarray  # float64
    max_amount: np.ndarray  # float64
    remaining: np.ndarray  # float64 budget left
    open: np.ndarray  # bool: today inside the window
    closes_in_days: np.ndarray  # float32
    text: list[str]
    closes_on: list[str] = field(default_factory=list)  # ISO dates, for the reasons

    def __len__(self) -> int:
        return len(self.call_ids)


@dataclass
class Instruments:
    """Municipal instruments."""

    ids: np.ndarray
    municipality: np.ndarray  # int32
    need_kinds: np.ndarray
    phases: np.ndarray
    legal_forms: np.ndarray
    max_amount: np.ndarray  # float64, nan = no maximum
    text: list[str]

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class Clients:
    """Participatiewet clients available for a placement."""

    ids: np.ndarray
    municipality: np.ndarray
    pc4: np.ndarray
    restrictions: np.ndarray  # uint32
    skills: np.ndarray
    availability: np.ndarray
    capacity_hours: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class Config:
    """Tunable knobs of the engine."""

    k: dict[str, int] = field(default_factory=lambda: {
        "volunteer": 5, "fund": 5, "instrument": 3, "placement": 3})
    shortlist: int = 25  # candidates per need kept for text scoring and assignment
    max_open: dict[str, int] = field(default_factory=lambda: {
        "volunteer": 3, "fund": 40, "placement": 2})
    exposure_penalty: float = 0.08  # cost per proposal a resource already holds
    max_radius_km: float = 25.0
    client_radius_km: float = 10.0
    client_near_home_km: float = 3.0
    method: str = "flow"  # or "greedy", the baseline
    chunk: int = 2000  # needs per vectorised block


@dataclass
class Proposals:
    """Chosen pairs of one resource kind, with the score components for the reasons."""

    kind: str
    need: np.ndarray  # row index into Needs
    resource: np.ndarray  # row index into the resource container
    score: np.ndarray
    parts: dict[str, np.ndarray]
    pairs_scored: int = 0

    @classmethod
    def empty(cls, kind: str) -> "Proposals":
        z = np.zeros(0, dtype=np.int64)
        return cls(kind, z, z, np.zeros(0, dtype=np.float32), {})
