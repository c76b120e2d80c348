"""Crash test: kill -9 the server at random moments during concurrent edits through the
API, restart, and check that every acknowledged edit is there, nothing is half-applied and
`integrity_check` is ok. Prints figures; exits 1 on any loss.

    uv run python scripts/crash_test.py            # 20 rounds
    uv run python scripts/crash_test.py --rounds 3
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from harness import Server, free_port, prepare_database

ROLES = ["mora-socialtjanst-barn", "falun-socialtjanst-vuxen", "orsa-socialtjanst-barn",
         "avesta-socialtjanst-vuxen", "leksand-socialtjanst-barn", "ludvika-socialtjanst-vuxen"]
WORKERS = 6


async def edit_loop(session: aiohttp.ClientSession, url: str, token: str, worker: int,
                    round_: int, acked: list[tuple[str, str]], sent: set[str]) -> None:
    n = 0
    headers = {"Authorization": f"Bearer {token}"}
    while True:
        role = random.choice(ROLES)
        value = f"krasch {round_}-{worker}-{n}"
        n += 1
        sent.add(value)
        try:
            while True:  # GET for the ETag, PATCH with If-Match; 412: someone was first
                async with session.get(f"{url}/api/roles/{role}", headers=headers) as r:
                    tag = r.headers.get("ETag", "")
                async with session.patch(f"{url}/api/roles/{role}",
                                         json={"instructions": value},
                                         headers={**headers, "If-Match": tag}) as r:
                    if r.status == 200:
                        acked.append((role, value))  # acknowledged: must survive anything
                        break
                    if r.status != 412:
                        print(f"  oväntat svar {r.status}: {(await r.text())[:200]}",
                              file=sys.stderr)
                        break
        except (TimeoutError, aiohttp.ClientError):
            return  # the server is gone


def check(db: Path, acked: list[tuple[str, str]], sent: set[str]) -> list[str]:
    """Every acknowledged edit in the history; every role equal to its latest version."""
    problems = []
    conn = sqlite3.connect(db)
    try:
        if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            problems.append("integrity_check inte ok")
        versions: dict[str, list[str]] = {}
        for entity_id, after in conn.execute(
                "SELECT entity_id, after FROM versions WHERE entity = 'role' ORDER BY id"):
            versions.setdefault(entity_id, []).append(json.loads(after).get("instructions", ""))
        for role, value in acked:
            if value not in versions.get(role, []):
                problems.append(f"förlorad bekräftad ändring: {role} = {value!r}")
        for role in ROLES:
            (current,) = conn.execute("SELECT instructions FROM roles WHERE id = ?",
                                      (role,)).fetchone()
            latest = versions[role][-1]
            if current != latest:
                problems.append(f"halvt tillämpad: {role} har {current!r}, senaste version "
                                f"{latest!r}")
            if current.startswith("krasch") and current not in sent:
                problems.append(f"okänt värde i {role}: {current!r}")
    finally:
        conn.close()
    return problems


async def main(rounds: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "crash.db"
        token = await prepare_database(db)
        total_acked, failures, started = 0, [], time.monotonic()
        for round_ in range(rounds):
            server = Server(db, free_port())
            server.start()
            await server.wait_ready()
            acked: list[tuple[str, str]] = []
            sent: set[str] = set()
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as s:
                tasks = [asyncio.create_task(edit_loop(s, server.url, token, w, round_, acked,
                                                       sent)) for w in range(WORKERS)]
                await asyncio.sleep(random.uniform(0.3, 2.0))
                server.kill()
                await asyncio.gather(*tasks, return_exceptions=True)
            problems = check(db, acked, sent)
            total_acked += len(acked)
            print(f"runda {round_ + 1:2d}: {len(acked):4d} bekräftade ändringar före kill -9, "
                  f"{len(problems)} fel", flush=True)
            failures += problems
        print(f"\n{rounds} rundor, {total_acked} bekräftade ändringar, "
              f"{len(failures)} förlorade eller halvt tillämpade, "
              f"{time.monotonic() - started:.0f} s")
        for p in failures[:20]:
            print("  " + p)
        return 1 if failures else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    sys.exit(asyncio.run(main(parser.parse_args().rounds)))
