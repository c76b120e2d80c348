"""Rebuilding the topic model beside a running server, in a process of its own.

Training imports scikit-learn and takes seconds; a server must neither wait for it nor
carry the library. `ModelBuilder.schedule()` runs `python -m directory.training --db PATH`
after a short pause (so that a coordinator labelling ten questions causes one build), one
build at a time; the running server sees the new model on its next snapshot reload.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from pathlib import Path

log = logging.getLogger(__name__)


class ModelBuilder:
    def __init__(self, db_path: str | Path, pause: float = 5.0) -> None:
        self.db_path = str(db_path)
        self.pause = pause
        self._task: asyncio.Task[None] | None = None
        self._again = False
        self.builds = 0  # finished builds, for tests and the admin page
        self.running = False
        self._proc: asyncio.subprocess.Process | None = None

    def schedule(self, pause: float | None = None) -> None:
        """Ask for a build; several asks close together make one build."""
        if self._task is not None and not self._task.done():
            self._again = True
            return
        self._task = asyncio.get_running_loop().create_task(
            self._run(self.pause if pause is None else pause))

    async def _run(self, pause: float) -> None:
        await asyncio.sleep(pause)
        while True:
            self._again = False
            self.running = True
            try:
                proc = self._proc = await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "directory.training", "--db", self.db_path,
                    stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
                _, err = await proc.communicate()
                if proc.returncode == 0:
                    self.builds += 1
                    log.info("förståelsemodellen byggd")
                else:  # the reason only: no example text reaches the log
                    log.warning("förståelsemodellen kunde inte byggas (kod %s, %d byte fel)",
                                proc.returncode, len(err))
            finally:
                self.running = False
                self._proc = None
            if not self._again:
                return

    async def wait(self) -> None:
        if self._task is not None:
            await self._task

    async def stop(self) -> None:
        """At shutdown: a build under way is ended (the stored model stays as it was)."""
        if self._proc is not None and self._proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self._proc.kill()
            await self._proc.wait()
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
