"""A last line of defence for logs: secrets and identity numbers never reach a handler.

Code never logs message text; this factory also scrubs the bot token (library errors can
quote request URLs, which contain it) and anything shaped like a personnummer.
"""

from __future__ import annotations

import logging

from directory.service import DirectoryService

_secrets: set[str] = set()
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
        return record

    logging.setLogRecordFactory(factory)


def scrub(text: str) -> str:
    for secret in _secrets:
        text = text.replace(secret, "***")
    return DirectoryService.clean(text)[0]
