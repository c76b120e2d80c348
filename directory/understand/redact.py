"""Personal identity numbers out, before anything else sees the text.

Swedish personnummer and samordningsnummer (day + 60), 10 or 12 digits, with '-', '+'
or no separator. With a separator in the personnummer position the shape alone is
enough to redact (a mistyped number still identifies someone); without one the Luhn
check digit must hold, so that phone numbers and other digit runs stay readable.
"""

from __future__ import annotations

import datetime as dt
import re

PLACEHOLDER = "[personnummer]"

_CANDIDATE = re.compile(
    r"(?<![\d])"
    r"(?P<century>\d{2})?(?P<yy>\d{2})(?P<mm>\d{2})(?P<dd>\d{2})"
    r"\s?(?P<sep>[-+–])?\s?"
    r"(?P<serial>\d{3})(?P<check>\d)"
    r"(?![\d])"
)


def luhn_ok(ten_digits: str) -> bool:
    total = 0
    for i, ch in enumerate(ten_digits):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _plausible_date(century: str | None, yy: str, mm: str, dd: str) -> bool:
    month, day = int(mm), int(dd)
    if day > 60:
        day -= 60  # samordningsnummer
    if century is not None and century not in ("18", "19", "20"):
        return False
    year = int((century or "20") + yy)
    try:
        dt.date(year if century else 2000 + int(yy) % 100, month, day)
    except ValueError:
        # Feb 29 in a year we guessed wrong: accept if valid in a leap year
        return month == 2 and day == 29
    return True


def is_identity_number(match: re.Match[str]) -> bool:
    g = match.groupdict()
    if not _plausible_date(g["century"], g["yy"], g["mm"], g["dd"]):
        return False
    ten = g["yy"] + g["mm"] + g["dd"] + g["serial"] + g["check"]
    if g["sep"]:
        return True
    return luhn_ok(ten)


def redact(text: str) -> tuple[str, bool]:
    """The text with every identity number replaced, and whether anything was replaced."""
    found = False

    def sub(m: re.Match[str]) -> str:
        nonlocal found
        if is_identity_number(m):
            found = True
            return PLACEHOLDER
        return m.group(0)

    return _CANDIDATE.sub(sub, text), found
