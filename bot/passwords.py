"""Password hashing with Argon2id (argon2-cffi's defaults follow RFC 9106), and what an
account name and a new password must be (the sign-up form and `users add` alike)."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from directory.service import DirectoryService

_HASHER = PasswordHasher()
MIN_LENGTH = 12
# 2-60 characters ("Bo" is a name); no space at either end, since sign-in strips them.
_NAME = re.compile(r"[\w.@-][\w .@-]{0,58}[\w.@-]")


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def check_password(stored: str | None, password: str) -> bool:
    if not stored:
        return False
    try:
        return _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str) -> str | None:
    """A Swedish reason why a new password is not good enough, or None."""
    if len(password) < MIN_LENGTH:
        return f"Lösenordet måste ha minst {MIN_LENGTH} tecken."
    if password.strip() != password:
        return "Lösenordet får inte börja eller sluta med mellanslag."
    return None


def name_problem(name: str) -> str | None:
    """A Swedish reason why `name` cannot be an account's name, or None. Names are shown
    to admins and kept in the audit log: never a personnummer."""
    if not _NAME.fullmatch(name):
        return ("Kontonamnet ska vara 2–60 tecken: bokstäver, siffror, mellanslag, punkt, @ "
                "eller bindestreck.")
    if DirectoryService.clean(name)[1]:
        return "Ett personnummer kan inte vara ett kontonamn. Välj ett annat."
    return None
