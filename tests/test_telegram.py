"""The bot end to end: the real python-telegram-bot library against a fake Bot API."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.keys import ENGINE, SERVICE
from bot.server import create_app
from bot.settings import Settings
from bot.telegram.app import (
    BACKPRESSURE,
    MAX_WAITING,
    SECRET_HEADER,
    WEBHOOK_PATH,
    WEBHOOK_SECRET,
)
from directory.hours import STOCKHOLM
from tests.conftest import DATA
from tests.fake_telegram import FakeBotApi

TOKEN = "123456789:AAFakeTokenForTestsOnly-abcdefghij"
OFFICE = dt.datetime(2026, 11, 24, 10, 15, tzinfo=STOCKHOLM)
NURSE, COORDINATOR, STRANGER = 1001, 2002, 3003


@pytest.fixture
async def fake(aiohttp_server):
    api = FakeBotApi(TOKEN)
    server = await aiohttp_server(api.app())
    api.base = f"http://127.0.0.1:{server.port}/bot"
    yield api
    assert api.refused == [], api.refused[0][2]  # Telegram would have dropped these


@pytest.fixture
async def bot(fake, aiohttp_client, demo_db):  # fake first: torn down last
    settings = Settings(db_path=demo_db, demo_data=DATA, telegram_token=TOKEN,
                        telegram_api_url=fake.base)
    client = await aiohttp_client(create_app(settings))
    client.app[ENGINE].clock = lambda: OFFICE
    return client


def keyboard(message: dict) -> dict[str, str]:
    markup = message.get("reply_markup") or {}
    return {b["text"]: b.get("callback_data") or b.get("url")
            for row in markup.get("inline_keyboard", []) for b in row}


async def say(fake: FakeBotApi, user: int, text: str) -> dict:
    before = len(fake.sent(chat_id=user))
    fake.push(fake.text_message(user, text))
    return (await fake.wait_for("sendMessage", user, before + 1))[-1]


async def press(fake: FakeBotApi, user: int, data: str, method: str = "sendMessage") -> dict:
    before = len(fake.sent(method, user))
    fake.push(fake.button_press(user, data))
    return (await fake.wait_for(method, user, before + 1))[-1]


async def link(bot, fake: FakeBotApi, user: int, role: str, orgs: list[str]) -> None:
    code, _ = await bot.app[SERVICE].people.create_invite(role, orgs, "test")
    reply = await say(fake, user, f"/start {code}")
    assert "Klart" in reply["text"]


async def test_unknown_user_gets_one_line_and_nothing_from_the_directory(bot, fake):
    reply = await say(fake, STRANGER, "orosanmälan Mora")
    assert "inbjudan" in reply["text"]
    assert "070-" not in reply["text"] and "0980" not in reply["text"]
    reply = await say(fake, STRANGER, "/start fel-kod")
    assert "ogiltig" in reply["text"]


async def test_invite_link_question_answer_and_every_button(bot, fake):
    await link(bot, fake, NURSE, "staff", [])
    answer = await say(fake, NURSE, "orosanmälan Mora")
    assert answer["parse_mode"] == "HTML"
    assert "Mora" in answer["text"] and "Socialtjänsten Mora" in answer["text"]
    # Numbers in international form, which every Telegram client makes tap-to-call (Telegram
    # refuses tel: links in messages).
    assert "+46980319203" in answer["text"] and "Öppet nu" in answer["text"]
    assert "tel:" not in answer["text"]
    assert "Demodata" in answer["text"] and "Senast bekräftad" in answer["text"]
    buttons = keyboard(answer)
    assert set(buttons) == {"Fler vägar", "Vad ska jag göra?", "Annan kommun", "Fel uppgift?"}

    more = await press(fake, NURSE, buttons["Fler vägar"])
    assert "2." in more["text"] or "Inga fler vägar" in more["text"]
    todo = await press(fake, NURSE, buttons["Vad ska jag göra?"])
    assert "Vad ska jag göra?" in todo["text"] and "•" in todo["text"]

    choose = await press(fake, NURSE, buttons["Annan kommun"])
    falun = keyboard(choose)["Falun"]
    edited = await press(fake, NURSE, falun, method="editMessageText")
    assert "Falun" in edited["text"] and "Socialtjänsten Falun" in edited["text"]

    answered = [c for c in fake.calls if c[0] == "answerCallbackQuery"]
    assert len(answered) == 4  # every press is acknowledged


async def test_clarifying_question_comes_as_buttons(bot, fake):
    await link(bot, fake, NURSE, "staff", [])
    ask = await say(fake, NURSE, "orosanmälan")
    assert "Vilken kommun" in ask["text"]
    edited = await press(fake, NURSE, keyboard(ask)["Orsa"], method="editMessageText")
    assert "Orsa" in edited["text"] and "Socialtjänsten Orsa" in edited["text"]


async def test_report_reaches_the_coordinator_who_confirms_with_stammer(bot, fake):
    await link(bot, fake, NURSE, "staff", [])
    await link(bot, fake, COORDINATOR, "coordinator", ["mora-kommun"])
    answer = await say(fake, NURSE, "orosanmälan Mora")
    which = await press(fake, NURSE, keyboard(answer)["Fel uppgift?"])
    role_button = next(d for label, d in keyboard(which).items() if "Mora" in label)
    reasons = await press(fake, NURSE, role_button)
    before = len(fake.sent(chat_id=COORDINATOR))
    comment = await press(fake, NURSE, keyboard(reasons)["Svarar inte"])
    assert "kommentar" in comment["text"]
    thanks = await say(fake, NURSE, "ingen svarar på 0980-numret sedan i morse")
    assert "Tack" in thanks["text"]
    note = (await fake.wait_for("sendMessage", COORDINATOR, before + 1))[-1]
    assert "Ny rapport" in note["text"] and "Svarar inte" in note["text"]
    assert "ingen svarar på 0980-numret" in note["text"]
    assert any(d.startswith("ok:mora-") for d in keyboard(note).values())

    again = await say(fake, NURSE, "orosanmälan Mora")
    assert "Rapporterad som felaktig" in again["text"]

    mine = await say(fake, COORDINATOR, "/mina")
    assert "Rapport" in mine["text"]
    ok = next(d for d in keyboard(mine).values() if d.startswith("ok:mora-socialtjanst-barn"))
    done = await press(fake, COORDINATOR, ok)
    assert "bekräftad 2026-11-24" in done["text"]
    role = await bot.app[SERVICE].store.role("mora-socialtjanst-barn")
    assert role.verified.at == dt.date(2026, 11, 24)
    assert await bot.app[SERVICE].reports.open_reports(["mora-kommun"]) == []


async def test_staff_cannot_press_stammer(bot, fake):
    await link(bot, fake, NURSE, "staff", [])
    role = await bot.app[SERVICE].store.role("mora-socialtjanst-barn")
    reply = await press(fake, NURSE, "ok:mora-socialtjanst-barn")
    assert "behörighet" in reply["text"]
    assert (await bot.app[SERVICE].store.role(role.id)).verified == role.verified


async def test_a_report_can_carry_a_comment(bot, fake):
    await link(bot, fake, NURSE, "staff", [])
    ask = await press(fake, NURSE, "repr:mora-socialtjanst-barn:fel-nummer")
    assert "kommentar" in ask["text"]
    assert set(keyboard(ask)) == {"Skicka utan kommentar", "Avbryt"}
    thanks = await say(fake, NURSE, "rätt nummer är 0980-31 92 99")
    assert "Tack" in thanks["text"]
    reports = await bot.app[SERVICE].reports.open_reports(["mora-kommun"])
    assert reports[0].reason == "fel-nummer" and reports[0].note == "rätt nummer är 0980-31 92 99"
    ask = await press(fake, NURSE, "repr:mora-socialtjanst-vuxen:svarar-inte")
    thanks = await press(fake, NURSE, keyboard(ask)["Skicka utan kommentar"])
    assert "Tack" in thanks["text"]
    ask = await press(fake, NURSE, "repr:mora-socialtjanst-vuxen:fel-ansvarig")
    await press(fake, NURSE, keyboard(ask)["Avbryt"])
    answer = await say(fake, NURSE, "orosanmälan Mora")  # a question again, not a comment
    assert "Socialtjänsten Mora" in answer["text"]
    reasons = [r.reason for r in await bot.app[SERVICE].reports.open_reports(["mora-kommun"])]
    assert reasons == ["fel-nummer", "svarar-inte"]


async def test_danger_card_shows_112_and_the_next_step(bot, fake):
    await link(bot, fake, NURSE, "staff", [])
    answer = await say(fake, NURSE, "han hotar henne med kniv nu, Falun")
    text = answer["text"]
    assert "112" in text and "Sedan:" in text
    assert "<b>2. " in text and "+46" in text  # the next step with its number, in the card


async def test_help_with_or_without_slash(bot, fake):
    await link(bot, fake, NURSE, "staff", [])
    for text in ("hjälp", "Hjälp", "/hjälp", "/hjalp"):
        assert "/kommun" in (await say(fake, NURSE, text))["text"], text


async def test_other_reason_takes_a_redacted_note(bot, fake):
    await link(bot, fake, NURSE, "staff", [])
    await press(fake, NURSE, "repr:mora-socialtjanst-barn:annat")
    await say(fake, NURSE, "numret går till fel enhet, gällde 811218-9876")
    reports = await bot.app[SERVICE].reports.open_reports(["mora-kommun"])
    assert reports[0].reason == "annat"
    assert "811218" not in reports[0].note and "[personnummer]" in reports[0].note


async def test_kommun_and_hjalp(bot, fake):
    await link(bot, fake, NURSE, "staff", [])
    reply = await say(fake, NURSE, "/kommun leksand")
    assert "Förvald kommun: Leksand" in reply["text"]
    answer = await say(fake, NURSE, "orosanmälan")
    assert "Leksand" in answer["text"]
    assert "/kommun" in (await say(fake, NURSE, "/hjalp"))["text"]


async def test_identity_number_gets_a_reminder(bot, fake):
    await link(bot, fake, NURSE, "staff", [])
    reply = await say(fake, NURSE, "811218-9876 slagen av sambon Falun")
    assert "personnummer" in reply["text"] and "811218" not in reply["text"]


async def test_group_join_is_answered_by_leaving(bot, fake):
    fake.push(fake.text_message(NURSE, "hej alla", chat_type="group", chat_id=-500))
    await fake.wait_for("leaveChat")
    assert int(fake.sent("leaveChat")[0]["chat_id"]) == -500
    assert fake.sent(chat_id=-500) == []


async def test_weekly_reminder_lists_due_entries(bot, fake):
    await link(bot, fake, COORDINATOR, "coordinator", ["mora-kommun", "region-dalarna"])
    reminders = await bot.app[ENGINE].weekly_reminders()
    assert reminders and reminders[0][0].telegram_id == COORDINATOR
    assert "påminnelse" in reminders[0][1].text


async def test_webhook_checks_the_secret(fake, aiohttp_client, demo_db):
    settings = Settings(db_path=demo_db, demo_data=DATA, telegram_token=TOKEN,
                        telegram_api_url=fake.base, public_url="https://kontaktvag.example")
    client = await aiohttp_client(create_app(settings))
    registered = fake.sent("setWebhook")[0]
    assert registered["url"] == "https://kontaktvag.example" + WEBHOOK_PATH
    secret = client.app[WEBHOOK_SECRET]
    assert registered["secret_token"] == secret
    update = fake.update(fake.text_message(STRANGER, "hej"))
    for headers in ({}, {SECRET_HEADER: "fel"}, {SECRET_HEADER: secret + "x"}):
        response = await client.post(WEBHOOK_PATH, json=update, headers=headers)
        assert response.status == 403
    assert fake.sent(chat_id=STRANGER) == []  # nothing processed
    response = await client.post(WEBHOOK_PATH, json=update, headers={SECRET_HEADER: secret})
    assert response.status == 200
    await fake.wait_for("sendMessage", STRANGER)


async def test_a_full_queue_says_too_many_questions_rather_than_nothing(
        fake, aiohttp_client, demo_db):
    settings = Settings(db_path=demo_db, demo_data=DATA, telegram_token=TOKEN,
                        telegram_api_url=fake.base, public_url="https://kontaktvag.example")
    client = await aiohttp_client(create_app(settings))
    client.app[BACKPRESSURE].limit = 0  # full: nothing more may wait for the bot
    headers = {SECRET_HEADER: client.app[WEBHOOK_SECRET]}
    for text in ("orosanmälan Mora", "orosanmälan Falun", "våldtäkt Falun"):
        update = fake.update(fake.text_message(NURSE, text))
        response = await client.post(WEBHOOK_PATH, json=update, headers=headers)
        assert response.status == 200  # taken, so that Telegram does not send it again
    [busy] = await fake.wait_for("sendMessage", NURSE)
    assert "För många frågor just nu" in busy["text"] and "112" in busy["text"]
    await asyncio.sleep(0.2)
    assert len(fake.sent("sendMessage", NURSE)) == 1  # once a minute per chat, not per update
    client.app[BACKPRESSURE].limit = MAX_WAITING
    update = fake.update(fake.text_message(NURSE, "orosanmälan Mora"))
    await client.post(WEBHOOK_PATH, json=update, headers=headers)
    replies = await fake.wait_for("sendMessage", NURSE, 2)
    assert "inbjudan" in replies[-1]["text"]  # queued and answered again (not linked)


async def test_logs_hold_neither_token_nor_message_text(bot, fake, caplog):
    caplog.set_level(logging.DEBUG)
    await link(bot, fake, NURSE, "staff", [])
    await say(fake, NURSE, "kvinna slagen av sambon 811218-9876 Falun")
    text = caplog.text
    assert TOKEN not in text and "AAFakeToken" not in text
    assert "slagen av sambon" not in text and "811218" not in text


# -- long replies (issue 11) --------------------------------------------------------------

async def test_a_reply_over_4000_characters_arrives_whole_in_balanced_parts(bot, fake):
    """/mina with long report notes: Telegram refuses over 4,096 characters and unbalanced
    HTML, so the reply is split at element boundaries and every part arrives."""
    await link(bot, fake, COORDINATOR, "coordinator", ["mora-kommun"])
    reports = bot.app[SERVICE].reports
    notes = [f"Rapport {i}: " + " ".join(["svarar <inte> & fel växel"] * 30) for i in range(8)]
    for note in notes:
        await reports.add_report("mora-socialtjanst-barn", "annat", note, None)
    before = len(fake.sent(chat_id=COORDINATOR))
    fake.push(fake.text_message(COORDINATOR, "/mina"))
    await fake.wait_for("sendMessage", COORDINATOR, before + 2)
    await asyncio.sleep(0.3)  # any further parts
    parts = fake.sent(chat_id=COORDINATOR)[before:]
    assert len(parts) >= 2 and all(len(p["text"]) <= 4096 for p in parts)
    assert all(keyboard(p) == {} for p in parts[:-1]) and keyboard(parts[-1])
    import html

    whole = html.unescape(re.sub(r"<[^>]+>", "", "\n".join(p["text"] for p in parts)))
    assert all(note in whole for note in notes)


@settings(max_examples=200, deadline=None, database=None)
@given(lines=st.lists(st.tuples(st.sampled_from(["", "<b>", "<i>", "<b><i>"]),
                                st.text(min_size=0, max_size=900)), min_size=1, max_size=30),
       limit=st.integers(300, 4000))
def test_split_html_parts_are_short_balanced_and_lose_nothing(lines, limit):
    import html

    from bot.telegram.keyboards import split_html
    from tests.fake_telegram import refusal

    def close(opening: str) -> str:
        return "".join(f"</{t}>" for t in reversed(re.findall(r"<(\w+)>", opening)))

    text = "\n".join(f"{o}{html.escape(t)}{close(o)}" for o, t in lines)
    if not text.strip():
        return
    parts = split_html(text, limit)
    for part in parts:
        assert len(part) <= limit
        assert refusal("sendMessage", {"text": part, "parse_mode": "HTML"}) is None, part

    def visible(t: str) -> str:
        return "".join(html.unescape(re.sub(r"<[^>]+>", "", t)).split())

    assert "".join(visible(p) for p in parts) == visible(text)


async def test_html_in_a_role_name_and_a_question_reaches_telegram_escaped(bot, fake):
    """Telegram gets HTML: a name or a question holding "<b>&" is sent escaped (the fake
    Bot API refuses unbalanced or unknown tags, so the fixture would fail too)."""
    from dataclasses import replace

    service = bot.app[SERVICE]
    for step in (await service.ask("orosanmälan Mora", OFFICE)).route:
        await service.store.save_role(replace(step.role, name=step.role.name + " <b>&"), "t")
    await link(bot, fake, NURSE, "staff", [])
    answer = await say(fake, NURSE, "orosanmälan Mora <i>&amp;")
    assert answer["parse_mode"] == "HTML"
    assert " &lt;b&gt;&amp;" in answer["text"] and "<b>&" not in answer["text"]
    assert "<i>&amp;" not in answer["text"]


async def test_a_rejected_token_stops_serve_at_once_without_printing_it(fake, demo_db):
    """A wrong or revoked token: python-telegram-bot puts it in its exception, which a
    crash would print to the journal. `serve` says what is wrong and exits instead."""
    import os
    import socket
    import sys
    from pathlib import Path

    from bot import logsafe

    refused = "987654321:AARevokedTokenNeverPrinted-abcdefgh"  # the fake answers 401
    logsafe.protect(refused)  # the fake's own access log, in this process, shows it
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("KONTAKTVAG_")}
    env.update(KONTAKTVAG_TELEGRAM_TOKEN=refused, KONTAKTVAG_TELEGRAM_API_URL=fake.base)
    proc = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).parent / "kontaktvag"), "serve", "--db", str(demo_db),
        "--port", str(port), env=env, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT)
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), 90)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    text = out.decode("utf-8", "replace")
    assert proc.returncode not in (0, None), text
    assert "AARevokedToken" not in text, text
    assert "KONTAKTVAG_TELEGRAM_TOKEN" in text and "Traceback" not in text, text
