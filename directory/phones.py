"""Swedish phone numbers, validated and written one way, through `phonenumbers`."""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import shortnumberinfo


class PhoneError(ValueError):
    """A number that is not a Swedish phone number; the message is Swedish."""


def normalise_phone(value: str) -> str:
    """Validate and format in Swedish national style ('070-174 06 05', '114 14')."""
    text = str(value).strip()
    if not re.fullmatch(r"[+\d][\d\s\-()]*", text):
        raise PhoneError(f"'{text}' är inget telefonnummer (bara siffror, mellanslag, -)")
    try:
        number = phonenumbers.parse(text, "SE")
    except phonenumbers.NumberParseException:
        raise PhoneError(f"'{text}' är inget telefonnummer") from None
    digits = re.sub(r"\D", "", text)
    # 112, 114 14, 1177 and the harmonised European 116 numbers (Bris 116 111)
    if len(digits) <= 6 and shortnumberinfo.is_valid_short_number(number):
        return digits if len(digits) < 5 else f"{digits[:3]} {digits[3:]}"
    if not phonenumbers.is_valid_number(number):
        raise PhoneError(f"'{text}' är inget giltigt svenskt telefonnummer")
    if number.country_code != 46:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def dial_string(value: str) -> str:
    """What a phone dials (for tel: links)."""
    digits = re.sub(r"[^\d+]", "", value)
    if digits.startswith("0") and len(digits) > 5:
        return "+46" + digits[1:]
    return digits


# A short number as written in running text: 112, 114 14, 1177, 116 111.
_SHORT = re.compile(r"(?<![\w+\-–/.,:])(1\d{2}(?: \d{2,3})?|1\d{3,5})(?![\w\-–/:%]|[.,]\d)")


def find_numbers(text: str) -> list[tuple[int, int, str]]:
    """The phone numbers written in a text as (start, end, what to dial), in order: Swedish
    numbers however they are written, and valid short numbers (112, 114 14, 1177), so that
    every number a person reads can be tapped."""
    if not any(c.isdigit() for c in text):
        return []  # most texts: no need for the (slower) matcher
    found = [(m.start, m.end, dial_string(m.raw_string))
             for m in phonenumbers.PhoneNumberMatcher(text, "SE")]
    for m in _SHORT.finditer(text):
        if any(a <= m.start() < b for a, b, _ in found):
            continue
        digits = re.sub(r"\D", "", m.group(1))
        if shortnumberinfo.is_valid_short_number(phonenumbers.parse(digits, "SE")):
            found.append((m.start(1), m.end(1), digits))
    return sorted(found)
