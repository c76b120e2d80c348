"""Time the one-shot `kontaktvag ask "orosanmälan Mora"` on the demo database: the installed
script as `uv run kontaktvag` starts it (uv's own start-up not included), 20 runs, median
and fastest by the wall clock and CPU time (user + system) of the process; with the
snapshot cache (bot/snapshot_cache.py) as after any earlier question; after an edit by
another process (applied to the cached snapshot; a new name a unit is asked for by makes
the matcher be built again); and without any cache (the whole directory read).
Prints figures.

    uv run python scripts/bench_cli.py            # 20 runs each
    uv run python scripts/bench_cli.py --runs 50
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from national import ROOT, demo_template  # noqa: E402

SCRIPT = Path(sys.executable).parent / "kontaktvag"


def timed(argv: list[str], runs: int, before=None) -> tuple[list[float], list[float]]:
    wall, cpu = [], []
    for _ in range(runs):
        if before:
            before()
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        wall.append((time.perf_counter() - t0) * 1000)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append((r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime) * 1000)
    return wall, cpu


EDIT = """
import asyncio, sys
from directory.service import DirectoryService
async def edit():
    s = await DirectoryService.open(sys.argv[1])
    role = await s.role("mora-socialtjanst-barn")
    if sys.argv[2] == "name":  # the part after " – " is no name staff ask for
        change = {"name": role.name[:-1] if role.name.endswith("*") else role.name + "*"}
    else:
        change = {"aliases": [] if role.aliases else ["barnmottagningen i mora"]}
    await s.patch_role(role.id, change, None, "bench")
    await s.close()
asyncio.run(edit())
"""


def edit(db: Path, what: str) -> None:
    """An edit by another process, as a coordinator's save in `serve` (not timed)."""
    subprocess.run([sys.executable, "-c", EDIT, str(db), what], check=True, cwd=ROOT)


def line(label: str, wall: list[float], cpu: list[float]) -> str:
    return (f"{label:34} vägg median {statistics.median(wall):4.0f} ms (snabbast "
            f"{min(wall):4.0f}), CPU median {statistics.median(cpu):4.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = demo_template(Path(tmp))
        cache = db.with_name(db.name + ".snapshot-cache")
        argv = [str(SCRIPT), "--db", str(db), "ask", "orosanmälan Mora"]
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)  # the cache, the .pyc
        print(f"kontaktvag ask \"orosanmälan Mora\", demodatabasen med förståelsemodellen, "
              f"{args.runs} körningar (PYTHONDONTWRITEBYTECODE="
              f"{os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r})")
        print(line("med cachen", *timed(argv, args.runs)))
        print(line("efter en ändring av en roll",
                   *timed(argv, args.runs, lambda: edit(db, "name"))))
        print(line("efter ett nytt namn på en enhet",
                   *timed(argv, args.runs, lambda: edit(db, "alias"))))
        print(line("utan cache", *timed(argv, args.runs, lambda: cache.unlink(missing_ok=True))))
        print(line("python -c pass (golvet)",
                   *timed([sys.executable, "-c", "pass"], args.runs)))


if __name__ == "__main__":
    main()
