"""Numbers for the admins' pages: freshness per organisation and its history, and the local
agreements (the coverage sweep is a core rule: directory.coverage).

Pure functions over the in-memory directory (and the version history), so they are easy to
test and cost no queries per cell.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from directory.freshness import freshness
from directory.model import Agreement
from directory.service import Directory
from directory.vocabulary import FreshnessState, Status


@dataclass
class OrgFreshness:
    org_id: str
    name: str
    counts: dict[FreshnessState, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def share_ok(self) -> int:
        """Per cent of roles whose verification is within the review interval."""
        ok = self.counts[FreshnessState.FRESH] + self.counts[FreshnessState.DUE]
        return round(100 * ok / self.total) if self.total else 0


def freshness_by_org(d: Directory, today: dt.date) -> list[OrgFreshness]:
    out = []
    for org in d.organisations.values():
        counts = dict.fromkeys(FreshnessState, 0)
        for role in d.roles.values():
            if role.org_id == org.id and role.status != Status.INACTIVE:
                counts[freshness(role, today).state] += 1
        out.append(OrgFreshness(org.id, org.name, counts))
    return out


def month_ends(today: dt.date, months: int = 12) -> list[dt.date]:
    """The last day of each of the previous months, and today, oldest first."""
    out = [today]
    day = today.replace(day=1) - dt.timedelta(days=1)
    for _ in range(months - 1):
        out.append(day)
        day = day.replace(day=1) - dt.timedelta(days=1)
    return list(reversed(out))


def share_verified_over_time(d: Directory, dates: dict[str, list[dt.date]],
                             days: list[dt.date]) -> list[tuple[dt.date, int, int, int]]:
    """(day, roles within their review interval that day, roles, per cent) for each day."""
    roles = [r for r in d.roles.values() if r.status != Status.INACTIVE]
    out = []
    for day in days:
        ok = 0
        for role in roles:
            known = [x for x in dates.get(role.id, ()) if x <= day]
            if known and (day - known[-1]).days <= role.review_interval_days:
                ok += 1
        out.append((day, ok, len(roles), round(100 * ok / len(roles)) if roles else 0))
    return out


# ---- agreements ----------------------------------------------------------------------


@dataclass
class AgreementRow:
    scope: str  # a municipality, or "Regionalt"
    agreement: Agreement | None
    state: str  # current | overdue | missing

    @property
    def label(self) -> str:
        return AGREEMENT_STATES[self.state]


AGREEMENT_STATES = {"current": "aktuell", "overdue": "granskningsdatumet har passerat",
                    "missing": "ingen lokal överenskommelse i katalogen"}


def agreements(d: Directory, today: dt.date) -> list[AgreementRow]:
    """The regional agreement, then each municipality's: current, past its review date, or
    missing (the Socialstyrelsen seed: only a minority of municipalities have a current one)."""
    out = []
    for scope in (None, *d.municipalities):
        a = d.agreements.get(scope)
        state = "missing" if a is None else "overdue" if a.overdue(today) else "current"
        out.append(AgreementRow(scope or "Regionalt", a, state))
    return out
