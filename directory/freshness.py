"""How fresh an entry is: verified recently, due for review soon, or stale."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from directory.model import Role

DUE_WINDOW_DAYS = 30  # "due" this long before the next review date


@dataclass(frozen=True)
class Freshness:
    state: str  # fresh | due | stale | unverified
    verified: dt.date | None
    next_review: dt.date | None

    @property
    def stale(self) -> bool:
        return self.state in ("stale", "unverified")

    @property
    def label_sv(self) -> str:
        return {"fresh": "aktuell", "due": "ska granskas snart", "stale": "inaktuell",
                "unverified": "aldrig bekräftad"}[self.state]


def freshness(role: Role, today: dt.date) -> Freshness:
    """Judged against the day asked about, so answers and audits are reproducible."""
    if role.verified is None:
        return Freshness("unverified", None, None)
    due = role.next_review()
    if due < today:
        state = "stale"
    elif (due - today).days <= DUE_WINDOW_DAYS:
        state = "due"
    else:
        state = "fresh"
    return Freshness(state, role.verified.at, due)
