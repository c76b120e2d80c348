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
