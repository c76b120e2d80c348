"""Administration subcommands: users, invites and the unanswered questions."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.cli_common import UsageError, open_service
from bot.settings import Settings
from directory.hours import STOCKHOLM
from directory.store.people import ROLE_SV, ROLES

if TYPE_CHECKING:
    from directory.service import DirectoryService

PASSWORD_TRIES = 3


def add_admin_commands(sub: argparse._SubParsersAction,
                       parents: list[argparse.ArgumentParser] | None = None) -> None:
    """Register the administration subcommands on the main parser; `parents` carry the
    options every command that opens the database takes (--db)."""
    db = parents or []
    users = sub.add_parser("users", help="konton: lägg till, lista", parents=db)
    usub = users.add_subparsers(dest="users_command", required=True)
    add = usub.add_parser("add", help="lägg till ett konto", parents=db)
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--org", action="append", default=[], help="organisation (samordnare)")
    add.add_argument("--password-stdin", action="store_true",
                     help="läs lösenordet från standard in, en rad (annars frågas det två "
                          "gånger)")
    usub.add_parser("list", help="lista konton", parents=db)
    users.set_defaults(func=cmd_users)

    invite = sub.add_parser("invite", help="skapa en inbjudan (engångskod, 7 dagar)",
                            parents=db)
    invite.add_argument("--role", required=True, choices=ROLES)
    invite.add_argument("--org", action="append", default=[])
    invite.add_argument("--bot", help="botens användarnamn för t.me-länken (annars "
                                      "KONTAKTVAG_BOT_USERNAME)")
    invite.set_defaults(func=cmd_invite)

    unanswered = sub.add_parser("unanswered", help="frågor som inget i katalogen passade "
                                "(rensade)", parents=db)
    unanswered.set_defaults(func=cmd_unanswered)


async def _check_orgs(service: DirectoryService, role: str, orgs: list[str]) -> None:
    known = {o.id for o in await service.store.organisations()}
    unknown = [o for o in orgs if o not in known]
    if unknown:
        raise UsageError(f"okänd organisation: {', '.join(unknown)}")
    if role == "coordinator" and not orgs:
        raise UsageError("en samordnare behöver minst en --org")


async def cmd_users(args: argparse.Namespace, settings: Settings) -> int:
    from bot.passwords import hash_password, name_problem, password_problem

    service = await open_service(settings, announce_new=False)
    try:
        if args.users_command == "list":
            for u in await service.people.users():
                orgs = ",".join(u.orgs)
                print(f"{u.name}\t{u.role}\t{orgs}\t{'aktiv' if u.active else 'inaktiv'}"
                      f"\t{'telegram' if u.telegram_id else ''}")
            return 0
        await _check_orgs(service, args.role, args.org)
        problem = name_problem(args.name)
        if problem:
            raise UsageError(problem[0].lower() + problem[1:].rstrip("."))
        if await service.people.user_by_name(args.name):
            raise UsageError(f"kontot '{args.name}' finns redan")
        other = await service.people.lookalike(args.name)
        if other:
            raise UsageError(f"kontonamnet '{args.name}' liknar '{other}' för mycket; "
                             "välj ett annat")
        password = _read_password(args.password_stdin, password_problem)
        user = await service.people.add_user(args.name, args.role, args.org,
                                             hash_password(password), actor="kommandoraden")
        print(f"Kontot {user.name} ({ROLE_SV[user.role]}) är skapat. Logga in på "
              f"{settings.base_url}/login.")
        return 0
    finally:
        await service.close()


def _read_password(from_stdin: bool, problem_of: Callable[[str], str | None]) -> str:
    """One line from stdin (--password-stdin), or asked twice at the terminal; a password
    that is too short or mistyped is asked for again, a few times."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        problem = problem_of(password)
        if problem:
            raise UsageError(problem)
        return password
    import getpass

    for _ in range(PASSWORD_TRIES):
        password = getpass.getpass("Lösenord (minst 12 tecken): ")
        problem = problem_of(password)
        if problem:
            print(f"{problem} Försök igen.", file=sys.stderr)
            continue
        if getpass.getpass("Upprepa lösenordet: ") != password:
            print("Lösenorden är inte likadana. Försök igen.", file=sys.stderr)
            continue
        return password
    raise UsageError(f"inget godtagbart lösenord efter {PASSWORD_TRIES} försök – "
                     "inget konto skapades")


async def cmd_invite(args: argparse.Namespace, settings: Settings) -> int:
    service = await open_service(settings, announce_new=False)
    try:
        await _check_orgs(service, args.role, args.org)
        code, expires = await service.people.create_invite(args.role, args.org, "kommandoraden")
    finally:
        await service.close()
    local = expires.astimezone(STOCKHOLM)
    print(f"Inbjudningskod ({ROLE_SV[args.role]}), giltig en gång till "
          f"{local:%Y-%m-%d %H:%M} (svensk tid):")
    print(f"  {code}")
    print(f"Webben:   {settings.base_url}/signup?code={code}")
    if not settings.public_url:
        print("          (adressen från KONTAKTVAG_HOST/KONTAKTVAG_PORT; sätt "
              "KONTAKTVAG_PUBLIC_URL till den adress andra når servern på)")
    bot = (args.bot or settings.bot_username or "").lstrip("@")
    if bot:
        print(f"Telegram: https://t.me/{bot}?start={code}")
    else:
        print(f"Telegram: skicka /start {code} till boten (för en t.me-länk: --bot "
              "BOTNAMN eller KONTAKTVAG_BOT_USERNAME)")
    return 0


async def cmd_unanswered(args: argparse.Namespace, settings: Settings) -> int:
    service = await open_service(settings, announce_new=False)
    try:
        rows = await service.reports.unanswered()
    finally:
        await service.close()
    if not rows:
        print("Inga obesvarade frågor.")
    for r in rows:
        last = dt.datetime.fromisoformat(r["last_at"]).astimezone(STOCKHOLM)
        print(f"{r['count']:>4}  {last:%Y-%m-%d %H:%M}  {r['query']}")
    return 0
