"""A last line of defence for logs: secrets and identity numbers never reach a handler.

Code never logs message text; this factory also scrubs the bot token (library errors can
quote request URLs, which contain it) and anything shaped like a personnummer - in the
message, and in the traceback and stack that a handler would print after it (aiohttp logs
a request it cannot parse with the raw request line in the exception).
"""

from __future__ import annotations

import logging
import re

from directory.service import DirectoryService

_secrets: set[str] = set()
_FORMATTER = logging.Formatter()
_installed = False


def protect(*secrets: str | None) -> None:
    """Scrub these strings from every log record from now on."""
    global _installed
    _secrets.update(s for s in secrets if s and len(s) >= 8)
    if _installed:
        return
    _installed = True
    previous = logging.getLogRecordFactory()

    def factory(*args, **kwargs) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return record
        clean = scrub(message)
        if clean != message:
            record.msg, record.args = clean, ()
        if record.exc_info and record.exc_info[0] is not None:
            # Formatted now and kept as text: formatters print exc_text as it is.
            record.exc_text = scrub(_unescaped(_FORMATTER.formatException(record.exc_info)))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = scrub(_unescaped(record.exc_text))
        if record.stack_info:
            record.stack_info = scrub(_unescaped(record.stack_info))
        return record

    logging.setLogRecordFactory(factory)


# A bytes repr (the raw request line in aiohttp's traceback) shows UTF-8 as \xNN escapes.
_ESCAPED_UTF8 = re.compile(r"(?:\\x[89a-fA-F][0-9a-fA-F])+")


def _unescaped(text: str) -> str:
    """The escaped UTF-8 in a traceback read as the characters it stands for, so that a
    number written with a non-ASCII dash is seen (invisible characters are dropped)."""
    def decode(m: re.Match[str]) -> str:
        try:
            chars = bytes.fromhex(m.group(0).replace("\\x", "")).decode("utf-8")
        except ValueError:
            return m.group(0)
        return "".join(c for c in chars if c.isprintable())

    return _ESCAPED_UTF8.sub(decode, text)


def scrub(text: str) -> str:
    for secret in _secrets:
        text = text.replace(secret, "***")
    return DirectoryService.clean(text)[0]
