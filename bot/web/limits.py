"""Per-user limits on the JSON API's writes and asks: over the limit the answer is 429 with
Retry-After. Counted per user, so all of one user's API keys and sessions share a budget;
the sizes are settings (KONTAKTVAG_ASKS_PER_MINUTE, KONTAKTVAG_REPORTS_PER_HOUR)."""

from __future__ import annotations

import math
import time
from collections import deque

from aiohttp import web

from bot.web.core import SETTINGS, json_error, user_of


class Window:
    """At most `limit` events per key in a sliding window of `seconds`."""

    def __init__(self, limit: int, seconds: float) -> None:
        self.limit, self.seconds = limit, seconds
        self.events: dict[int, deque[float]] = {}
        self.clock = time.monotonic

    def take(self, key: int) -> int:
        """Count one event now and return 0, or the seconds to wait (nothing counted)."""
        now = self.clock()
        q = self.events.setdefault(key, deque())
        while q and now - q[0] >= self.seconds:
            q.popleft()
        if len(q) >= self.limit:
            return max(1, math.ceil(self.seconds - (now - q[0])))
        q.append(now)
        if len(self.events) > 10_000:  # forget idle keys rather than grow forever
            for idle in [k for k, v in self.events.items() if not v][:5000]:
                del self.events[idle]
        return 0


LIMITS = web.AppKey("web_limits", dict)  # kind -> Window
MESSAGES = {"ask": "För många frågor på kort tid.", "report": "För många rapporter."}


def setup(app: web.Application) -> None:
    settings = app[SETTINGS]
    app[LIMITS] = {"ask": Window(settings.asks_per_minute, 60),
                   "report": Window(settings.reports_per_hour, 3600)}


def wait_for(request: web.Request, kind: str) -> int:
    """Count this request against the user's budget; the seconds to wait, or 0."""
    return request.app[LIMITS][kind].take(user_of(request).id)


def refused(kind: str, wait: int) -> web.Response:
    """The API's 429 answer."""
    resp = json_error(429, f"{MESSAGES[kind]} Vänta {wait} sekunder och försök igen.")
    resp.headers["Retry-After"] = str(wait)
    return resp
