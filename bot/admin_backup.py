"""Backup and restore subcommands (filled in by the durability work)."""

from __future__ import annotations

import argparse


def add_backup_commands(sub: argparse._SubParsersAction, commands: dict) -> None:
    """Register `backup` and `restore` on the main parser and in `commands`."""
