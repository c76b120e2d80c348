"""What people read for each value of directory/vocabulary.py, and the notices every front
end shows: defined here once, so changing a word touches one place.

A value may have more than one form (a form's option, a word in a sentence, a count), each
in its own table below; every table has an entry for every value of its vocabulary
(tests/test_vocabulary.py checks that).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from directory.hours import DAYS, STOCKHOLM, WeeklyHours
from directory.vocabulary import (
    Asker,
    Channel,
    Concern,
    FreshnessState,
    Gender,
    Group,
    HolidayMode,
    ReportReason,
    Status,
    UserRole,
    Visibility,
    When,
)

# ---- notices ---------------------------------------------------------------------------

DEMO_TEXT = "påhittade nummer och verksamheter, inte för verkliga ärenden."
DEMO_NOTICE = f"Demodata: {DEMO_TEXT}"  # in the JSON answer's notices (ask contract)
DEMO_LINE = f"Demodata – {DEMO_TEXT}"  # under an answer or a page in text and HTML
# what was understood, for a unit asked for by name with no need told ("soc i Orsa?")
UNIT_ASKED = "Verksamheten du frågade efter"

# ---- values -----------------------------------------------------------------------------

# A table keyed by a vocabulary's values. Typed by `str`, not by the enum: the model and the
# database carry plain strings (a StrEnum member is one), and those are what is looked up.
Labels = dict[str, str]


@dataclass(frozen=True)
class FreshnessWords:
    sentence: str  # "Mora BUP – ska granskas snart"
    badge: str  # on an entry: "Granskas snart"
    count: str  # a column of counts: "granskas snart"


FRESHNESS_SV = {
    FreshnessState.FRESH: FreshnessWords("aktuell", "Aktuell", "aktuella"),
    FreshnessState.DUE: FreshnessWords("ska granskas snart", "Granskas snart", "granskas snart"),
    FreshnessState.STALE: FreshnessWords("inaktuell", "Inaktuell", "inaktuella"),
    FreshnessState.UNVERIFIED: FreshnessWords("aldrig bekräftad", "Aldrig bekräftad",
                                              "aldrig bekräftade"),
}

CHANNEL_SV: Labels = {Channel.PHONE: "Telefon", Channel.EMAIL: "E-post",
                      Channel.SECURE_EMAIL: "Säker e-post", Channel.WEB: "Webb"}
VISIBILITY_SV: Labels = {Visibility.STAFF: "Personal", Visibility.PUBLIC: "Allmänheten"}

STATUS_SV: Labels = {Status.ACTIVE: "aktiv", Status.INACTIVE: "inaktiv",
                     Status.TEMPORARILY_CLOSED: "tillfälligt stängd"}
STATUS_CHOICE_SV: Labels = {Status.ACTIVE: "Aktiv", Status.INACTIVE: "Inaktiv (visas inte)",
                            Status.TEMPORARILY_CLOSED: "Tillfälligt stängd"}

WHEN_SV: Labels = {When.OFFICE: "kontorstid", When.AFTER: "utanför kontorstid",
                   When.ALWAYS: "alltid"}
WHEN_CHOICE_SV: Labels = {When.OFFICE: "På kontorstid",
                          When.AFTER: "Utanför kontorstid (när inget kontor är öppet)",
                          When.ALWAYS: "Alltid"}

HOLIDAYS_SHORT_SV: Labels = {HolidayMode.CLOSED: "stängt", HolidayMode.SUNDAY: "som söndag",
                             HolidayMode.NORMAL: "som vanligt"}
HOLIDAYS_SV: Labels = {
    HolidayMode.CLOSED: "stängt på helgdagar och jul-, midsommar- och nyårsafton",
    HolidayMode.SUNDAY: "helgdagar som söndag",
    HolidayMode.NORMAL: "helgdagar som vanligt"}
HOLIDAYS_CHOICE_SV: Labels = {
    HolidayMode.CLOSED: "Stängt på helgdagar och jul-, midsommar- och nyårsafton",
    HolidayMode.SUNDAY: "Helgdagar har söndagens tider",
    HolidayMode.NORMAL: "Helgdagar som vanliga dagar"}

GROUP_SV: Labels = {Group.CHILD: "barn", Group.ADULT: "vuxen", Group.OLDER: "äldre"}
GROUP_CHOICE_SV: Labels = {Group.CHILD: "Barn (under 18)", Group.ADULT: "Vuxna",
                           Group.OLDER: "Äldre (65+)"}
# (gender, is a child) -> the word for the person
PERSON_GENDER_SV: dict[tuple[str, bool], str] = {
    (Gender.WOMAN, True): "flicka", (Gender.MAN, True): "pojke",
    (Gender.WOMAN, False): "kvinna", (Gender.MAN, False): "man"}
GENDER_CHOICE_SV: Labels = {Gender.WOMAN: "Kvinnor och flickor", Gender.MAN: "Män och pojkar"}
CONCERN_CHOICE_SV: Labels = {Concern.VICTIMS: "Våldsutsatta", Concern.PERPETRATORS: "Våldsutövare",
                             Concern.WITNESSED: "Barn som bevittnat våld"}

USER_ROLE_SV: Labels = {UserRole.STAFF: "personal", UserRole.COORDINATOR: "samordnare",
                        UserRole.ADMIN: "administratör"}
REPORT_REASON_SV: Labels = {ReportReason.WRONG_NUMBER: "Fel nummer",
                            ReportReason.NO_ANSWER: "Svarar inte",
                            ReportReason.WRONG_UNIT: "Fel ansvarig", ReportReason.OTHER: "Annat"}
INVITE_STATE_SV = {"used": "använd", "expired": "utgången", "open": "öppen"}
ASKER_SV: Labels = {
            Asker.HEALTH_CARE: "Hälso- och sjukvården", Asker.SOCIAL_SERVICES: "Socialtjänsten",
            Asker.AUTHORITY: "Försäkringskassan, Arbetsförmedlingen och Migrationsverket"}

# A document's keys as a form's error names them: "Namnet saknas."
DOCUMENT_KEY_SV = {"name": "namnet", "value": "kontaktuppgiften", "text": "texten",
                   "kind": "funktionen", "id": "id", "why": "motiveringen",
                   "channel": "kanalen", "visibility": "synligheten", "status": "status",
                   "on_holidays": "helgdagar", "when": "när"}

# ---- times ------------------------------------------------------------------------------

WEEKDAYS_SV = ("Måndag", "Tisdag", "Onsdag", "Torsdag", "Fredag", "Lördag", "Söndag")
WEEKDAYS_SHORT_SV = ("mån", "tis", "ons", "tor", "fre", "lör", "sön")


def when_sv(moment: dt.datetime, now: dt.datetime) -> str:
    """When something opens or closes, as near as said: 'kl. 08:00', 'i morgon kl. 08:00',
    'mån 28/12 kl. 08:00' (Swedish time)."""
    local, today = moment.astimezone(STOCKHOLM), now.astimezone(STOCKHOLM).date()
    clock = f"kl. {local:%H:%M}"
    if local.date() == today:
        return clock
    if local.date() == today + dt.timedelta(days=1):
        return f"i morgon {clock}"
    return f"{WEEKDAYS_SHORT_SV[local.weekday()]} {local.day}/{local.month} {clock}"


def local_time(iso: str) -> str:
    """A stored ISO moment as Swedish wall-clock time, '2026-03-01 14:05' (naive is UTC)."""
    try:
        moment = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")


def describe_weekly(weekly: WeeklyHours) -> str:
    """'mån–fre 08:00-16:30' style text for people."""
    spec = weekly.to_spec()
    if isinstance(spec, str):  # hours.ROUND_THE_CLOCK, the only text to_spec gives
        return "dygnet runt"
    short = dict(zip(DAYS, WEEKDAYS_SHORT_SV, strict=True))
    parts = []
    for key, value in spec.items():
        days = "–".join(short[d] for d in key.split("-"))
        parts.append(f"{days} {value}")
    return "; ".join(parts) or "inga fasta öppettider"
