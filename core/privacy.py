"""Keep citizen service numbers (BSN) out of Koppel, in every free-text field."""

import re
from typing import Annotated

from pydantic import AfterValidator

# Nine digits, optionally written in groups (123456782, 1234.56.782, 123 456 782).
_CANDIDATE = re.compile(r"(?<![\d])(\d[\d .-]{7,12}\d)(?![\d])")
BSN_MESSAGE = ("lijkt een burgerservicenummer (BSN) te bevatten; Koppel bewaart nooit een BSN. "
               "Laat het nummer weg.")


def passes_eleven_test(digits: str) -> bool:
    """The BSN variant of the eleven-test on a nine-digit string."""
    if len(digits) != 9 or not digits.isdigit() or digits == "000000000":
        return False
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 == 0


def contains_bsn(text: str | None) -> bool:
    """True when text holds a nine-digit number that passes the BSN eleven-test."""
    if not text:
        return False
    for match in _CANDIDATE.finditer(text):
        digits = re.sub(r"\D", "", match.group(1))
        if passes_eleven_test(digits):
            return True
    return False


def _refuse_bsn(value: str | None) -> str | None:
    if contains_bsn(value):
        raise ValueError(BSN_MESSAGE)
    return value


NoBsn = AfterValidator(_refuse_bsn)
FreeText = Annotated[str, NoBsn]
