"""Keep citizen service numbers (BSN) out of Koppel, in every free-text field.

One detector: the digits of a stretch of text that holds no letters are read as one number,
whatever separates them (spaces, dots, slashes, commas, underscores, tabs, no-break or
zero-width spaces), and every nine-digit window of that number is put to the BSN eleven-test.
So "123 456 782", "123/456/782" and "huisnummer 12 123456782" are all caught.
"""

import re
from typing import Annotated

from pydantic import AfterValidator

# Letters end a stretch; everything else between digits is a separator.
_LETTERS = re.compile(r"[^\W\d_]+")
_NOT_DIGITS = re.compile(r"\D")
BSN_MESSAGE = ("lijkt een burgerservicenummer (BSN) te bevatten; Koppel bewaart nooit een BSN. "
               "Laat het nummer weg.")
NUL_MESSAGE = "bevat een teken dat niet in tekst hoort"
WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)


def passes_eleven_test(digits: str) -> bool:
    """The BSN variant of the eleven-test on a nine-digit string."""
    if len(digits) != 9 or not digits.isdigit() or digits == "000000000":
        return False
    return sum(int(d) * w for d, w in zip(digits, WEIGHTS, strict=True)) % 11 == 0


def contains_bsn(text: str | None) -> bool:
    """True when any nine-digit window of the digits in a letter-free stretch passes."""
    if not text:
        return False
    for stretch in _LETTERS.split(text):
        digits = _NOT_DIGITS.sub("", stretch)
        if any(passes_eleven_test(digits[i:i + 9]) for i in range(len(digits) - 8)):
            return True
    return False


def _refuse(value: str | None) -> str | None:
    if value is not None and "\x00" in value:
        raise ValueError(NUL_MESSAGE)
    if contains_bsn(value):
        raise ValueError(BSN_MESSAGE)
    return value


# Every field where people type free text carries this: no BSN, and no NUL character.
NoBsn = AfterValidator(_refuse)
FreeText = Annotated[str, NoBsn]


# Small numbers: a count of people or needs below this is never shown or exported as such.
SMALL_COUNT = 5
SMALL_LABEL = "<5"


def suppressed(count: int) -> int | str:
    """A count as it may be shown: below 5 (zero included) it reads "<5", so nobody stands out."""
    return SMALL_LABEL if count < SMALL_COUNT else count
