"""Administration subcommands (users, invites, backup); filled in by later capabilities."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Coroutine
from typing import Any

ADMIN_COMMANDS: dict[str, Callable[..., Coroutine[Any, Any, int]]] = {}


def add_admin_commands(sub: argparse._SubParsersAction) -> None:
    """Register the administration subcommands on the main parser."""
