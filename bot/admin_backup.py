"""`kontaktvag backup PATH` and `kontaktvag restore PATH`."""

from __future__ import annotations

import argparse
import asyncio

from bot.cli_common import UsageError
from bot.settings import Settings


def add_backup_commands(sub: argparse._SubParsersAction,
                        parents: list[argparse.ArgumentParser] | None = None) -> None:
    """Register `backup` and `restore` on the main parser."""
    b = sub.add_parser(
        "backup", help="säkerhetskopiera databasen (säkert medan serve körs)",
        description="Kopierar databasen med SQLites backup-API till en fil som kontrolleras "
                    "med integrity_check. Är PATH en katalog får kopian ett namn med tidsstämpel.",
        parents=parents or [])
    b.add_argument("path", help="fil att skriva (får inte finnas) eller en katalog")
    r = sub.add_parser(
        "restore", help="återställ databasen från en säkerhetskopia (stoppa serve först)",
        description="Kontrollerar kopian (integrity_check, schemaversion) och byter sedan ut "
                    "databasen. Den gamla databasen sparas som <db>.replaced-<tid>.",
        parents=parents or [])
    r.add_argument("path", help="säkerhetskopian att återställa från")
    b.set_defaults(func=cmd_backup)
    r.set_defaults(func=cmd_restore)


async def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    from directory.backup import BackupError, backup

    try:
        result = await asyncio.to_thread(backup, settings.db_path, args.path)
    except BackupError as e:
        raise UsageError(f"backup: {e}") from None
    print(f"Säkerhetskopia skriven: {result.path} ({_size(result.size)}, schemaversion "
          f"{result.schema_version}, integritetskontroll ok).")
    print("Den innehåller skyddade uppgifter och konton: förvara den lika säkert som databasen.")
    return 0


async def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    from directory.backup import BackupError, restore

    try:
        result = await asyncio.to_thread(restore, args.path, settings.db_path)
    except BackupError as e:
        raise UsageError(f"restore: {e}") from None
    print(f"Databasen {result.db_path} är återställd från {result.source} "
          f"(schemaversion {result.schema_version}, integritetskontroll ok).")
    if result.replaced is not None:
        print(f"Den tidigare databasen finns kvar som {result.replaced}.")
    if result.schema_version < result.expected_version:
        print(f"Schemat uppgraderas från version {result.schema_version} till "
              f"{result.expected_version} när Kontaktväg startar nästa gång.")
    print("Starta tjänsten igen, t.ex. `systemctl start kontaktvag`.")
    return 0


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 100_000 else f"{n / 1000:.0f} kB"
