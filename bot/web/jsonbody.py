"""The one reader of JSON request bodies: limits first, so bad input is a 400, never a 500.

Refused with a Swedish reason: bodies over MAX_BYTES (413), bodies that are not UTF-8 or
not JSON, nesting deeper than MAX_DEPTH, integers longer than MAX_INT_DIGITS, NaN and
Infinity, strings with a lone surrogate or a NUL byte, and anything but an object at the
top.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

MAX_BYTES = 64 * 1024
MAX_DEPTH = 16
MAX_INT_DIGITS = 15


class BadBody(Exception):
    """The body cannot be used; `status` is 400 or 413."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise BadBody(f"Heltal får ha högst {MAX_INT_DIGITS} siffror.")
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if len(text) > 40 or value in (float("inf"), float("-inf")):
        raise BadBody("Talet är för stort eller för långt.")
    return value


def _constant(name: str) -> Any:
    raise BadBody(f"{name} är inget tal i JSON.")


def _check(value: Any) -> None:
    """Depth, strings and keys, without recursion (a deep body cannot exhaust the stack)."""
    todo = [(value, 1)]
    while todo:
        item, depth = todo.pop()
        if isinstance(item, dict | list):
            if depth > MAX_DEPTH:
                raise BadBody(f"JSON får vara nästlad högst {MAX_DEPTH} nivåer.")
            children = list(item.items()) if isinstance(item, dict) else [(None, v)
                                                                          for v in item]
            for key, child in children:
                if key is not None:
                    _check_text(key)
                todo.append((child, depth + 1))
        elif isinstance(item, str):
            _check_text(item)


def _check_text(text: str) -> None:
    if "\x00" in text:
        raise BadBody("Text får inte innehålla NUL-tecken.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise BadBody("Texten innehåller ett ensamt surrogattecken (ogiltig Unicode).") \
            from None


def parse(raw: bytes) -> dict[str, Any]:
    """The JSON object in `raw`, or BadBody."""
    if len(raw) > MAX_BYTES:
        raise BadBody(f"Kroppen får vara högst {MAX_BYTES // 1024} kB.", 413)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadBody("Kroppen ska vara JSON i UTF-8.") from None
    try:
        body = json.loads(text, parse_int=_int, parse_float=_float,
                          parse_constant=_constant)
    except BadBody:
        raise
    except (ValueError, RecursionError):
        raise BadBody("Kroppen ska vara JSON.") from None
    if not isinstance(body, dict):
        raise BadBody("Kroppen ska vara ett JSON-objekt.")
    _check(body)
    return body


async def read(request: web.Request) -> dict[str, Any]:
    """The request's JSON object, or BadBody (a too large body is not read at all)."""
    if request.content_length is not None and request.content_length > MAX_BYTES:
        raise BadBody(f"Kroppen får vara högst {MAX_BYTES // 1024} kB.", 413)
    return parse(await request.read())
