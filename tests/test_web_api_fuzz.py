"""Property-based API checks: schemathesis generates requests from /api/openapi.json and the
live server must never fail with a 5xx and must answer as the document says."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web
from hypothesis import HealthCheck, given, settings
from test_web_support import settings_for

from bot.keys import SERVICE
from bot.passwords import hash_password
from bot.server import create_app

schemathesis = pytest.importorskip("schemathesis")


class LiveServer:
    """The app on a free loopback port, in its own thread and event loop."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.base = ""
        self.token = ""

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self._start())
        self.ready.set()
        self.loop.run_forever()
        self.loop.run_until_complete(self.runner.cleanup())
        self.loop.close()

    async def _start(self) -> None:
        app = create_app(settings_for(self.db))
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.base = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"
        service = app[SERVICE]
        user = await service.people.add_user("fuzz", "coordinator", ["falun-kommun"],
                                             hash_password("fuzz-lösenord-12345"))
        self.token = await service.create_token(user, "schemathesis")

    def __enter__(self) -> LiveServer:
        self.thread.start()
        assert self.ready.wait(30)
        return self

    def __exit__(self, *exc) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(30)


@pytest.fixture
def live(demo_db: Path) -> Iterator[LiveServer]:
    with LiveServer(demo_db) as server:
        yield server


def test_api_conforms_to_its_openapi_document(live):
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    auth = {"Authorization": f"Bearer {live.token}"}
    schema = schemathesis.openapi.from_url(f"{live.base}/api/openapi.json", headers=auth)
    checks = [not_a_server_error, status_code_conformance, content_type_conformance,
              response_schema_conformance]
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(max_examples=15, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def exercise(case) -> None:
            response = case.call(base_url=live.base, headers=auth)
            case.validate_response(response, checks=checks)

        exercise()
