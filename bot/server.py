"""`kontaktvag serve`: placeholder until the web app lands."""

from __future__ import annotations

from bot.settings import Settings


async def serve(settings: Settings) -> None:
    raise SystemExit("serve: webbappen finns inte ännu")
