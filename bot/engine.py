"""The conversation engine: one dialogue for every channel (Telegram, the web chat).

It takes a user and a text, a command or a button press and returns replies (text and
buttons) plus notifications for other users. The channel adapters only translate.
Permission is checked again on every button press; message text is never logged.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

from bot import cards
from directory.accounts import User
from directory.ask import Answer, canonical_municipality
from directory.clarify import MUNICIPALITY_QUESTION, TOPIC
from directory.freshness import freshness
from directory.hours import STOCKHOLM
from directory.labels import FRESHNESS_SV, REPORT_REASON_SV, USER_ROLE_SV
from directory.service import DirectoryService, NameTaken
from directory.vocabulary import FreshnessState

HELP = ("Skriv situationen och kommunen, t.ex. <i>orosanmälan Mora</i> eller "
        "<i>skyddat boende ikväll Avesta</i>.\n"
        "Du får den roll som ska kontaktas nu, med nummer och öppettider; knapparna ger "
        "fler vägar, vad du ska göra och var du anmäler fel uppgifter (med en kommentar "
        "om du vill).\n"
        "/kommun NAMN sätter din förvalda kommun. Skicka aldrig personnummer eller "
        "patientuppgifter.")
HELP_WORDS = frozenset({"hjälp", "hjalp", "help", "?", "/hjälp", "/hjalp", "/help"})
NOTE_MINUTES = 15  # a report's comment must come this soon, else the text is a question
UNKNOWN_USER = ("Den här tjänsten är bara för personal med inbjudan. Be din samordnare "
                "eller administratör om en inbjudningslänk.")
RATE_LIMITED = "Många frågor på kort tid – vänta en minut och försök igen."
TOO_MANY_REPORTS = ("Du har skickat många rapporter den senaste timmen – rapporten skickades "
                    "inte. Försök igen senare.")
NOT_ALLOWED = "Du har inte behörighet för det här."
EXPIRED = "Den frågan är för gammal – skriv den igen."


@dataclass(frozen=True)
class Button:
    label: str
    data: str = ""
    url: str = ""


@dataclass
class Reply:
    text: str
    buttons: list[list[Button]] = field(default_factory=list)


@dataclass
class Outcome:
    reply: Reply
    notify: list[tuple[User, Reply]] = field(default_factory=list)


@dataclass
class Context:
    """One asked question, kept (redacted) so buttons can refine it."""

    query: str
    at: dt.datetime
    topic: str | None = None
    municipality: str | None = None


class RateLimit:
    """At most `limit` messages per user in `window` seconds."""

    def __init__(self, limit: int = 20, window: float = 60.0) -> None:
        self.limit, self.window = limit, window
        self.seen: dict[int, deque[float]] = {}

    def allow(self, key: int) -> bool:
        now = time.monotonic()
        q = self.seen.setdefault(key, deque())
        while q and now - q[0] > self.window:
            q.popleft()
        if len(q) >= self.limit:
            return False
        q.append(now)
        return True


class Engine:
    def __init__(self, service: DirectoryService, edit_url: str | None = None,
                 clock: Callable[[], dt.datetime] | None = None,
                 rate_limit: RateLimit | None = None,
                 report_limit: RateLimit | None = None) -> None:
        self.service = service
        self.edit_url = edit_url.rstrip("/") if edit_url else None
        self.clock = clock or (lambda: dt.datetime.now(STOCKHOLM))
        self.rate = rate_limit or RateLimit()
        # Each report messages the coordinators at once: as many per hour as the web allows.
        self.report_rate = report_limit or RateLimit(30, 3600.0)
        self.contexts: dict[int, OrderedDict[int, Context]] = {}
        # user -> (role id, reason, monotonic time): a report waiting for its comment
        self.pending_note: dict[int, tuple[str, str, float]] = {}
        self._next_ctx = 0

    # ---- entry points -------------------------------------------------------------------

    async def on_text(self, user: User | None, text: str) -> Outcome:
        """Any text is a question (or the note of a report the user is writing)."""
        if user is None or not user.active:
            return Outcome(Reply(UNKNOWN_USER))
        if not self.rate.allow(user.id):
            return Outcome(Reply(RATE_LIMITED))
        if text.strip().casefold().rstrip("!.") in HELP_WORDS:
            return Outcome(Reply(HELP))
        pending = self.pending_note.pop(user.id, None)
        if pending and time.monotonic() - pending[2] < NOTE_MINUTES * 60:
            return await self._file_report(user, pending[0], pending[1], text)
        ctx = Context(text, self.clock())
        return Outcome(await self._answer(user, ctx, record=True))

    async def on_start(self, telegram_id: int, display_name: str, code: str | None) -> Outcome:
        """/start [CODE]: link a Telegram account with a single-use invite."""
        user = await self.service.user_by_telegram(telegram_id)
        if user is not None:
            return Outcome(Reply(f"Välkommen tillbaka.\n\n{HELP}"))
        if not code:
            return Outcome(Reply(UNKNOWN_USER))
        # Telegram names are free text: redacted, cut short, and made unique by the id.
        shown = " ".join(self.service.clean(display_name[:200])[0].split())[:40].strip(" .@-")
        name = f"{shown or 'telegram'}-{telegram_id}"
        try:
            user = await self.service.redeem_invite(code, name, telegram_id=telegram_id)
        except NameTaken:
            user = await self.service.redeem_invite(code, f"telegram-{telegram_id}",
                                                    telegram_id=telegram_id)
        if user is None:
            return Outcome(Reply("Inbjudan är ogiltig, redan använd eller för gammal. "
                                 "Be om en ny."))
        return Outcome(Reply(f"Klart – du är kopplad som {USER_ROLE_SV[user.role]}.\n\n{HELP}"))

    async def on_command(self, user: User | None, command: str, args: str) -> Outcome:
        if user is None or not user.active:
            return Outcome(Reply(UNKNOWN_USER))
        if command in ("hjalp", "hjälp", "help"):
            return Outcome(Reply(HELP))
        if command == "kommun":
            return Outcome(await self._set_kommun(user, args))
        if command == "mina":
            return Outcome(await self.my_entries(user))
        return Outcome(Reply(f"Okänt kommando. {HELP}"))

    async def on_button(self, user: User | None, data: str) -> Outcome:
        """A button press; the user's permission is checked again here."""
        if user is None or not user.active:
            return Outcome(Reply(UNKNOWN_USER))
        action, _, rest = data.partition(":")
        handler = {
            "more": self._more, "all": self._all, "todo": self._todo, "mun": self._choose_mun,
            "setm": self._set_mun, "clar": self._clarified, "rep": self._report_which,
            "repr": self._report_reason, "repn": self._report_without_note,
            "repx": self._report_cancel, "ok": self._verify,
        }.get(action)
        if handler is None:
            return Outcome(Reply("Den knappen känner jag inte igen."))
        return await handler(user, rest)

    # ---- answering ----------------------------------------------------------------------

    def _remember(self, user: User, ctx: Context) -> int:
        self._next_ctx += 1
        store = self.contexts.setdefault(user.id, OrderedDict())
        store[self._next_ctx] = ctx
        while len(store) > 20:
            store.popitem(last=False)
        return self._next_ctx

    def _context(self, user: User, key: str) -> Context | None:
        try:
            return self.contexts.get(user.id, OrderedDict()).get(int(key))
        except ValueError:
            return None

    async def _ask(self, user: User, ctx: Context, record: bool = False) -> Answer:
        return await self.service.ask(ctx.query, ctx.at, user.default_municipality, ctx.topic,
                                      ctx.municipality, record=record)

    async def _answer(self, user: User, ctx: Context, record: bool = False) -> Reply:
        answer = await self._ask(user, ctx, record)
        ctx.query = answer.understanding.query  # keep only the redacted text
        d = await self.service.directory()
        key = self._remember(user, ctx)
        if answer.clarify is None and not answer.route:
            return Reply(cards.no_match_card(answer))
        if answer.clarify:
            c = answer.clarify
            field_ = "t" if c.field == TOPIC else "m"
            buttons = [Button(label, f"clar:{key}:{field_}:{i}")
                       for i, label in enumerate(c.shown)]
            return Reply(cards.clarify_card(d, answer), _rows(buttons, 3 if field_ == "m" else 1))
        reported = await self.service.reported_roles()
        first_row = [Button("Fler vägar", f"more:{key}")]
        if answer.understanding.topic:  # a unit asked for with no need told has no checklist
            first_row.append(Button("Vad ska jag göra?", f"todo:{key}"))
        second_row = [Button("Annan kommun", f"mun:{key}"), Button("Fel uppgift?", f"rep:{key}")]
        return Reply(cards.first_card(d, answer, reported), [first_row, second_row])

    async def _more(self, user: User, rest: str) -> Outcome:
        ctx = self._context(user, rest)
        if ctx is None:
            return Outcome(Reply(EXPIRED))
        answer = await self._ask(user, ctx)
        d = await self.service.directory()
        if not answer.route:
            return Outcome(Reply(EXPIRED))
        buttons = [[Button(f"{cards.SHOW_ALL} ({len(answer.hidden)})", f"all:{rest}")]] \
            if answer.hidden else []
        return Outcome(Reply(cards.rest_card(d, answer, await self.service.reported_roles()),
                             buttons))

    async def _all(self, user: User, rest: str) -> Outcome:
        """The roles the answer left out (at most three a step and ten steps are listed)."""
        ctx = self._context(user, rest)
        if ctx is None:
            return Outcome(Reply(EXPIRED))
        answer = await self._ask(user, ctx)
        if not answer.route:
            return Outcome(Reply(EXPIRED))
        d = await self.service.directory()
        if not answer.hidden:
            return Outcome(Reply(cards.rest_card(d, answer, await self.service.reported_roles())))
        return Outcome(Reply(cards.hidden_card(d, answer, await self.service.reported_roles())))

    async def _todo(self, user: User, rest: str) -> Outcome:
        ctx = self._context(user, rest)
        if ctx is None:
            return Outcome(Reply(EXPIRED))
        answer = await self._ask(user, ctx)
        if answer.understanding.topic is None:
            return Outcome(Reply(EXPIRED))
        return Outcome(Reply(cards.checklist_card(await self.service.directory(), answer)))

    async def _choose_mun(self, user: User, rest: str) -> Outcome:
        if self._context(user, rest) is None:
            return Outcome(Reply(EXPIRED))
        d = await self.service.directory()
        buttons = [Button(m, f"setm:{rest}:{i}") for i, m in enumerate(d.municipalities)]
        return Outcome(Reply(MUNICIPALITY_QUESTION, _rows(buttons, 3)))

    async def _set_mun(self, user: User, rest: str) -> Outcome:
        key, _, index = rest.partition(":")
        ctx = self._context(user, key)
        d = await self.service.directory()
        if ctx is None or not index.isdecimal() or int(index) >= len(d.municipalities):
            return Outcome(Reply(EXPIRED))
        ctx = Context(ctx.query, self.clock(), ctx.topic, d.municipalities[int(index)])
        return Outcome(await self._answer(user, ctx))

    async def _clarified(self, user: User, rest: str) -> Outcome:
        key, _, choice = rest.partition(":")
        field_, _, index = choice.partition(":")
        ctx = self._context(user, key)
        if ctx is None or not index.isdecimal():
            return Outcome(Reply(EXPIRED))
        answer = await self._ask(user, ctx)
        options = answer.clarify.options if answer.clarify else ()
        if int(index) >= len(options):
            return Outcome(Reply(EXPIRED))
        ctx = Context(ctx.query, self.clock(), ctx.topic, ctx.municipality)
        if field_ == "t":
            ctx.topic = options[int(index)]
        else:
            ctx.municipality = options[int(index)]
        return Outcome(await self._answer(user, ctx))

    async def _set_kommun(self, user: User, args: str) -> Reply:
        d = await self.service.directory()
        if not args.strip():
            current = user.default_municipality or "ingen"
            return Reply(f"Din förvalda kommun: {escape(current)}. Ändra med /kommun NAMN.")
        name = canonical_municipality(d, self.service.clean(args)[0])
        if name is None:
            return Reply("Den kommunen känner jag inte igen. Kommuner: "
                         + escape(", ".join(d.municipalities)))
        await self.service.set_default_municipality(user.id, name)
        return Reply(f"Förvald kommun: {escape(name)}. "
                     f"Frågor utan kommun gäller nu {escape(name)}.")

    # ---- reports of wrong entries ---------------------------------------------------

    async def _report_which(self, user: User, rest: str) -> Outcome:
        ctx = self._context(user, rest)
        if ctx is None:
            return Outcome(Reply(EXPIRED))
        answer = await self._ask(user, ctx)
        steps = answer.route[:6]
        if not steps:
            return Outcome(Reply(EXPIRED))
        buttons = [Button(s.role.name[:60], f"repr:{s.role.id}") for s in steps]
        text = "Vilken uppgift är fel?"
        deviations = cards.deviations_line(answer)
        if deviations:
            text += f"\n\n<i>{cards.linked(deviations)}</i>"
        return Outcome(Reply(text, _rows(buttons, 1)))

    async def _report_reason(self, user: User, rest: str) -> Outcome:
        role_id, _, reason = rest.partition(":")
        d = await self.service.directory()
        if role_id not in d.roles:
            return Outcome(Reply(EXPIRED))
        if not reason:
            buttons = [Button(label, f"repr:{role_id}:{code}")
                       for code, label in REPORT_REASON_SV.items()]
            return Outcome(Reply(f"Vad är fel med {cards.linked(d.roles[role_id].name)}?",
                                 _rows(buttons, 2)))
        if reason not in REPORT_REASON_SV:
            return Outcome(Reply(EXPIRED))
        self.pending_note[user.id] = (role_id, reason, time.monotonic())
        cancel = Button("Avbryt", "repx:")
        if reason == "annat":
            return Outcome(Reply("Beskriv kort vad som är fel (inga patientuppgifter). "
                                 "Nästa meddelande blir din rapport.", [[cancel]]))
        return Outcome(Reply(
            f"{escape(REPORT_REASON_SV[reason])}: vill du lägga till en kommentar, t.ex. "
            "vilket nummer som är rätt? Skriv den som nästa meddelande (inga "
            "patientuppgifter) – eller skicka utan kommentar.",
            [[Button("Skicka utan kommentar", f"repn:{role_id}:{reason}"), cancel]]))

    async def _report_without_note(self, user: User, rest: str) -> Outcome:
        role_id, _, reason = rest.partition(":")
        pending = self.pending_note.pop(user.id, None)
        if pending is None or pending[:2] != (role_id, reason) or reason == "annat":
            return Outcome(Reply(EXPIRED))
        return await self._file_report(user, role_id, reason, "")

    async def _report_cancel(self, user: User, rest: str) -> Outcome:
        self.pending_note.pop(user.id, None)
        return Outcome(Reply("Rapporten avbröts. Skriv en ny fråga när du vill."))

    async def _file_report(self, user: User, role_id: str, reason: str, note: str) -> Outcome:
        d = await self.service.directory()
        role = d.roles.get(role_id)
        if role is None:
            return Outcome(Reply(EXPIRED))
        if not self.report_rate.allow(user.id):
            return Outcome(Reply(TOO_MANY_REPORTS))
        report, had_number = await self.service.report_entry(role_id, reason, note, user.id)
        text = ("Tack! Rapporten är skickad till den som ansvarar för uppgiften. "
                "Den visas som rapporterad tills den är kontrollerad.")
        if had_number:
            text = cards.PRIVACY_LINE + "\n" + text
        notify = []
        message = (f"Ny rapport om <b>{cards.linked(role.name)}</b>: "
                   f"{escape(REPORT_REASON_SV[reason])}"
                   + (f" – {cards.linked(report.note)}" if report.note else "")
                   + "\nSe /mina.")
        for coordinator in await self.service.coordinators_of(role.org_id):
            notify.append((coordinator, Reply(message, self._entry_buttons(role_id))))
        return Outcome(Reply(text), notify)

    # ---- coordinators ---------------------------------------------------------------

    def _entry_buttons(self, role_id: str) -> list[list[Button]]:
        row = [Button("Stämmer", f"ok:{role_id}")]
        if self.edit_url:
            row.append(Button("Ändra", url=f"{self.edit_url}/admin/roles/{role_id}"))
        return [row]

    async def my_entries(self, user: User) -> Reply:
        if not user.may_review:
            return Reply(NOT_ALLOWED)
        d = await self.service.directory()
        today = self.clock().astimezone(STOCKHOLM).date()
        in_charge = user.orgs_in_charge()
        orgs = set(d.organisations if in_charge is None else in_charge)
        due = [r for r in d.roles.values() if r.org_id in orgs
               and freshness(r, today).state != FreshnessState.FRESH]
        reports = await self.service.open_reports(sorted(orgs))
        if not due and not reports:
            return Reply("Allt är bekräftat och inga rapporter väntar. Tack!")
        lines, buttons = [], []
        for report in reports:
            role = d.roles.get(report.role_id)
            name = role.name if role else report.role_id
            reason = escape(REPORT_REASON_SV[report.reason])
            lines.append(f"⚠ Rapport: {cards.linked(name)} – {reason}"
                         + (f" ({cards.linked(report.note)})" if report.note else ""))
        shown = sorted(due, key=lambda r: (r.next_review() or dt.date.min))[:20]
        for role in shown:
            f = freshness(role, today)
            when = (f.next_review.isoformat() if f.next_review
                    else FRESHNESS_SV[FreshnessState.UNVERIFIED].sentence)
            lines.append(f"• {cards.linked(role.name)} – {f.label_sv} (granskas {when})")
        seen = set()
        for role_id in [r.role_id for r in reports] + [r.id for r in shown]:
            if role_id in seen or role_id not in d.roles:
                continue
            seen.add(role_id)
            row = [Button(f"Stämmer: {d.roles[role_id].name[:40]}", f"ok:{role_id}")]
            if self.edit_url:
                row.append(Button("Ändra", url=f"{self.edit_url}/admin/roles/{role_id}"))
            buttons.append(row)
        return Reply("<b>Att granska</b>\n" + "\n".join(lines), buttons)

    async def _verify(self, user: User, role_id: str) -> Outcome:
        d = await self.service.directory()
        role = d.roles.get(role_id)
        if role is None:
            return Outcome(Reply(EXPIRED))
        fresh_user = await self.service.user(user.id)  # permission checked on every press
        if fresh_user is None or not fresh_user.active or not fresh_user.may_edit_role(role):
            return Outcome(Reply(NOT_ALLOWED))
        today = self.clock().astimezone(STOCKHOLM).date()
        await self.service.verify(role_id, fresh_user.name, today, via="Stämmer")
        return Outcome(Reply(f"✅ {cards.linked(role.name)} bekräftad {today.isoformat()} "
                             f"av {escape(fresh_user.name)}."))

    async def weekly_reminders(self) -> list[tuple[User, Reply]]:
        """What each coordinator with Telegram should be reminded of this week."""
        out = []
        for user in await self.service.users():
            if not user.is_coordinator or not user.active or user.telegram_id is None:
                continue
            reply = await self.my_entries(user)
            if reply.buttons:
                reply.text = "Veckans påminnelse – " + reply.text
                out.append((user, reply))
        return out


def _rows(buttons: list[Button], per_row: int) -> list[list[Button]]:
    return [buttons[i:i + per_row] for i in range(0, len(buttons), per_row)]

