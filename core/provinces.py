"""The twelve Dutch provinces by CBS code (PV20–PV31), for region pickers and validation."""

PROVINCES: dict[str, str] = {
    "PV20": "Groningen", "PV21": "Fryslân", "PV22": "Drenthe", "PV23": "Overijssel",
    "PV24": "Flevoland", "PV25": "Gelderland", "PV26": "Utrecht", "PV27": "Noord-Holland",
    "PV28": "Zuid-Holland", "PV29": "Zeeland", "PV30": "Noord-Brabant", "PV31": "Limburg",
}


def is_province(code: str) -> bool:
    """Whether code is a known province code."""
    return code in PROVINCES
