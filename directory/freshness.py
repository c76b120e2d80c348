"""How fresh an entry is: verified recently, due for review soon, or stale."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from directory.labels import FRESHNESS_SV
from directory.model import Role
from directory.vocabulary import FreshnessState

DUE_WINDOW_DAYS = 30  # "due" this long before the next review date


@dataclass(frozen=True)
class Freshness:
    state: FreshnessState
    verified: dt.date | None
    next_review: dt.date | None

    @property
    def stale(self) -> bool:
        return self.state in (FreshnessState.STALE, FreshnessState.UNVERIFIED)

    @property
    def label_sv(self) -> str:
        return FRESHNESS_SV[self.state].sentence


def freshness(role: Role, today: dt.date) -> Freshness:
    """Judged against the day asked about, so answers and audits are reproducible."""
    due = role.next_review()
    if role.verified is None or due is None:  # due is None exactly when never verified
        return Freshness(FreshnessState.UNVERIFIED, None, None)
    if due < today:
        state = FreshnessState.STALE
    elif (due - today).days <= DUE_WINDOW_DAYS:
        state = FreshnessState.DUE
    else:
        state = FreshnessState.FRESH
    return Freshness(state, role.verified.at, due)
