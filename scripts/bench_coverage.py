"""Benchmark the coverage sweep (directory/coverage.py) on the demo directory. Prints figures.

    uv run python scripts/bench_coverage.py

- the sweep days (a week, the holidays and the days before them, exception dates: a year);
- a whole sweep, the first time in a process (holiday calendars loaded) and warm;
- how many route() calls the sweep makes, against the slots it judges;
- the check a coordinator's save runs ("does this edit open a gap?"), for a municipal role
  and for the social emergency service that serves every municipality.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from directory import coverage  # noqa: E402
from directory.hours import STOCKHOLM, WeeklyHours  # noqa: E402
from directory.service import DirectoryService  # noqa: E402


def timed(fn, repeat: int = 5) -> tuple[float, object]:
    """(median milliseconds, last result)."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        service = await DirectoryService.open(Path(tmp) / "bench.db", ROOT / "data")
        try:
            d = await service.directory()
            today = dt.datetime.now(STOCKHOLM).date()
            start = time.perf_counter()
            cov = coverage.sweep(d, today)
            cold = (time.perf_counter() - start) * 1000
            calls = 0
            real_route = coverage.route

            def counting(*args, **kwargs):
                nonlocal calls
                calls += 1
                return real_route(*args, **kwargs)

            coverage.route = counting
            coverage.sweep(d, today)
            coverage.route = real_route
            warm, cov = timed(lambda: coverage.sweep(d, today))
            cells = len(d.topics) * len(d.municipalities)
            slots = len(cov.days) * coverage.SLOTS * cells
            print(f"directory: {len(d.roles)} roles, {len(d.municipalities)} municipalities, "
                  f"{len(d.topics)} topics = {cells} cells")
            print(f"sweep days: {len(cov.days)} (7 weekdays + holidays, the days before them "
                  f"and exception dates, {coverage.HORIZON_DAYS} days ahead)")
            print(f"judged: {slots:,} cell-slots of {coverage.SLOT_MINUTES} min; route() "
                  f"calls: {calls:,} ({calls / len(d.topics):,.0f} distinct states)")
            print(f"whole sweep: {cold:.0f} ms first in the process, {warm:.0f} ms warm "
                  f"(median of 5); cached per directory generation and day")
            print(f"gaps: {len(cov.all_gaps())}, cells missing "
                  f"{sum(cov.state(t, m) == 'missing' for t, m in cov.cells)}, stale "
                  f"{sum(cov.state(t, m) == 'stale' for t, m in cov.cells)}")
            local = d.roles["mora-socialtjanst-barn"]
            shorter = replace(local, schedule=replace(local.schedule, weekly=WeeklyHours.parse(
                {"mon-thu": "08:00-16:30", "fri": "08:00-15:00"})))
            ms, gaps = timed(lambda: coverage.gaps_opened_by_role(d, shorter, today))
            print(f"save check, a municipal role (1 municipality): {ms:.0f} ms, "
                  f"{len(gaps)} new gaps")
            duty = d.roles["socialjour-dalarna"]
            night = replace(duty, schedule=replace(duty.schedule, on_holidays="closed"))
            ms, gaps = timed(lambda: coverage.gaps_opened_by_role(d, night, today), 3)
            print(f"save check, the regional duty (every municipality): {ms:.0f} ms, "
                  f"{len(gaps)} new gaps")
            ms, _ = timed(lambda: coverage.gaps_opened_by_role(d, replace(duty, name="x"),
                                                                today))
            print(f"save check, an edit that changes no hours or area: {ms:.3f} ms")
        finally:
            await service.close()


if __name__ == "__main__":
    asyncio.run(main())
