"""Personal identity numbers out, before anything else sees the text.

Swedish personnummer and samordningsnummer, 10 or 12 digits, however people type them:
YYMMDD-NNNC, YYMMDD+NNNC, YYYYMMDD-NNNC, YYMMDDNNNC, with a space, with `/ . _ :` as the
separator (or two of them: "850312--2387"), or with the date spelt out ("85.03.12-2387",
"1985-03-12-2387").
Samordningsnummer have the day + 60; Skatteverket issues some with an unknown month (00)
or an unknown day (60).

The text is matched in a normalised view: NFKC (full-width and other scripts' digits to
ASCII), every dash and minus to "-", every kind of space to " ", and invisible characters
(soft hyphen, zero-width, direction marks, combining marks) removed. Only the matched
spans of the original text are replaced, so the rest of the question stays as written
(phone numbers such as 070-174 06 05 are untouched).

With a separator anywhere in the number the shape alone is enough to redact (a mistyped
number still identifies someone); without one the Luhn check digit must hold, so that
other runs of ten or twelve digits stay readable.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

PLACEHOLDER = "[personnummer]"

# Dashes and minus signs that are neither Unicode dash punctuation (Pd) nor mapped to
# "-" by NFKC.
_MINUSES = frozenset("\u2212\u2043\u02d7\u207b\u208b\u2796\u2e3a\u2e3b\ufe58")
_SLASHES = frozenset("\u2044\u2215\u29f8")
# Characters that render as nothing although they are letters or symbols.
_BLANK = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Categories that are invisible inside a number: format characters (soft hyphen,
# zero-width, direction marks), combining marks and control characters.
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Mn", "Me", "Cc", "Cs", "Co", "Cn"})

_BOUNDARY = "\x00"  # stands for a character that ends a digit run
# The views a text is matched in: invisible characters dropped (a number with a zero-width
# space inside is one number) or kept as a boundary (a digit hidden in front of a number by
# a zero-width space must not hide it), and digits that only NFKC makes ("²") folded or
# kept as a boundary (a "²" written after a number must not hide it either).
_VIEWS = (("", False), (_BOUNDARY, True), ("", True))
_CANDIDATE = re.compile(
    r"(?<!\d)"
    r"(?P<century>\d{2})?(?P<yy>\d{2})"
    r"(?P<d1>[-/._ ]?)(?P<mm>\d{2})(?P=d1)(?P<dd>\d{2})"
    r"(?P<s1> {0,3})(?P<sep>[-+/._:]{0,2})(?P<s2> {0,3})"
    r"(?P<serial>\d{3})(?P<check>\d)"
    r"(?!\d)"
)


def _fold(ch: str, gap: str, strict: bool) -> str:
    """One character of the original as the matcher sees it: invisible characters become
    `gap`; with `strict`, a character that is a digit only after NFKC ("²", "①") is a
    boundary."""
    if ch.isascii():
        if ch in "\t\n\r\f\v":
            return " "
        return gap if ch < " " or ch == "\x7f" else ch
    if ch.isspace():
        return " "
    category = unicodedata.category(ch)
    if category == "Pd" or ch in _MINUSES:
        return "-"
    if ch in _SLASHES:
        return "/"
    if category in _INVISIBLE_CATEGORIES or ch in _BLANK:
        return gap
    digit = unicodedata.decimal(ch, None)
    if digit is not None:
        return str(digit)
    folded = unicodedata.normalize("NFKC", ch)
    if strict and any(c.isdigit() for c in folded):
        return _BOUNDARY
    return folded


def normalise(text: str, gap: str = "", strict: bool = False) -> tuple[str, list[int]]:
    """The matcher's view of `text` and, for each of its characters, the index of the
    original character it came from."""
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        folded = _fold(ch, gap, strict)
        out.append(folded)
        origin.extend([i] * len(folded))
    return "".join(out), origin


def luhn_ok(ten_digits: str) -> bool:
    total = 0
    for i, ch in enumerate(ten_digits):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _plausible_date(century: str | None, yy: str, mm: str, dd: str) -> bool:
    """A birth date, or a samordningsnummer's (day + 60, month or day 00 when unknown)."""
    if century is not None and century not in ("18", "19", "20"):
        return False
    month, day = int(mm), int(dd)
    coordination = day >= 60
    if coordination:
        day -= 60
    if not coordination and (month == 0 or day == 0):
        return False
    if month > 12 or day > 31:
        return False
    if month == 0 or day == 0:  # Skatteverket's "unknown" month or day
        return True
    year = int((century or "20") + yy) if century else 2000 + int(yy)
    try:
        dt.date(year, month, day)
    except ValueError:
        # Feb 29 in a year we guessed wrong: accept if valid in a leap year
        return month == 2 and day == 29
    return True


def is_identity_number(match: re.Match[str]) -> bool:
    g = match.groupdict()
    if not _plausible_date(g["century"], g["yy"], g["mm"], g["dd"]):
        return False
    if g["d1"] or g["s1"] or g["sep"] or g["s2"]:
        return True
    return luhn_ok(g["yy"] + g["mm"] + g["dd"] + g["serial"] + g["check"])


def _spans(text: str) -> set[tuple[int, int]]:
    spans: set[tuple[int, int]] = set()
    seen: set[str] = set()
    for gap, strict in _VIEWS:
        view, origin = normalise(text, gap, strict)
        if view in seen:
            continue
        seen.add(view)
        spans.update((origin[m.start()], origin[m.end() - 1] + 1)
                     for m in _CANDIDATE.finditer(view) if is_identity_number(m))
    return spans


def _may_hold_number(text: str) -> bool:
    """Cheaply: are there ten characters that could be digits?"""
    count = 0
    for ch in text:
        if ch.isnumeric() or (ch > "\x7f" and not ch.isalpha() and any(
                c.isdigit() for c in unicodedata.normalize("NFKC", ch))):
            count += 1
            if count >= 10:
                return True
    return False


def redact(text: str) -> tuple[str, bool]:
    """The text with every identity number replaced, and whether anything was replaced."""
    if not _may_hold_number(text):
        return text, False
    spans = sorted(_spans(text))
    if not spans:
        return text, False
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, last = [], 0
    for start, end in merged:
        out += [text[last:start], PLACEHOLDER]
        last = end
    out.append(text[last:])
    return "".join(out), True
