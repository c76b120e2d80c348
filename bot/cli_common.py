"""What every `kontaktvag` command shares: the `--db` option, the one way a command opens
the directory, and the error that ends a command with one line and exit status 2."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where used: `--help` and the parser need none of it
    from bot.settings import Settings
    from directory.service import DirectoryService

DB_HELP = "SQLite-filen (annars KONTAKTVAG_DB eller var/kontaktvag.db)"


class UsageError(Exception):
    """Bad arguments or a refused command: one line on stderr, exit status 2."""


def db_option() -> argparse.ArgumentParser:
    """`--db PATH` for a subcommand, so that it may follow the subcommand as the README
    writes it (`kontaktvag serve --db PATH`); before it (`kontaktvag --db PATH serve`) works
    too. Its own dest: a subparser's default would otherwise overwrite the main one."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--db", dest="db_sub", metavar="PATH", help=DB_HELP,
                        default=argparse.SUPPRESS)
    return parent


async def open_service(settings: Settings, announce_new: bool = True) -> DirectoryService:
    """Open (and migrate) the database; a missing one is created with the demo directory.
    With `announce_new`, say on stderr that creating it takes a few seconds."""
    from directory.service import DirectoryService

    if announce_new and not Path(settings.db_path).exists():
        print("Skapar databasen med demokatalogen och bygger förståelsen av frågor "
              "(några sekunder, bara första gången) …", file=sys.stderr, flush=True)
    return await DirectoryService.open(settings.db_path, settings.demo_data)
