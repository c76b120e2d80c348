"""The channel-agnostic conversation engine, without any channel."""

import datetime as dt

import pytest

from bot.engine import Engine, RateLimit
from directory.hours import STOCKHOLM

NIGHT = dt.datetime(2026, 11, 24, 23, 30, tzinfo=STOCKHOLM)


@pytest.fixture
async def engine(service):
    return Engine(service, edit_url="https://kontaktvag.example", clock=lambda: NIGHT,
                  rate_limit=RateLimit(limit=5, window=60))


@pytest.fixture
async def nurse(service):
    return await service.people.add_user("ssk", "staff")


@pytest.fixture
async def coordinator(service):
    return await service.people.add_user("samordnare", "coordinator", ["mora-kommun"])


async def test_unknown_or_inactive_users_get_nothing(engine, service, nurse):
    for user in (None,):
        out = await engine.on_text(user, "orosanmälan Mora")
        assert "inbjudan" in out.reply.text and not out.reply.buttons
    await service.people.set_active(nurse.id, False, "admin")
    inactive = await service.people.user(nurse.id)
    assert "inbjudan" in (await engine.on_button(inactive, "more:1")).reply.text


async def test_answer_card_at_night_puts_the_open_duty_first(engine, nurse):
    out = await engine.on_text(nurse, "orosanmälan Mora")
    text = out.reply.text
    assert text.index("Socialjouren") < text.index(" till: tryck")
    assert "🟢 Öppet nu" in text and "070-174 06 05" in text
    labels = [b.label for row in out.reply.buttons for b in row]
    assert labels == ["Fler vägar", "Vad ska jag göra?", "Annan kommun", "Fel uppgift?"]
    more = await engine.on_button(nurse, out.reply.buttons[0][0].data)
    assert "Socialtjänsten Mora" in more.reply.text
    assert "öppnar i morgon kl. 08:00" in more.reply.text


async def test_no_match_and_rate_limit(engine, nurse):
    out = await engine.on_text(nurse, "vad blir det för lunch idag")
    assert "hittar inget" in out.reply.text and "112" in out.reply.text
    for _ in range(4):
        await engine.on_text(nurse, "orosanmälan Mora")
    assert "Många frågor" in (await engine.on_text(nurse, "orosanmälan Mora")).reply.text


async def test_unanswered_questions_are_kept_redacted_and_counted(engine, service, nurse):
    await engine.on_text(nurse, "hur byter jag lösenord 811218-9876")
    await engine.on_text(nurse, "hur byter jag lösenord 811218-9876")
    rows = await service.reports.unanswered()
    assert rows[0]["count"] == 2 and "811218" not in rows[0]["query"]


async def test_buttons_of_unknown_or_stale_contexts_are_safe(engine, nurse):
    for data in ("more:999", "todo:x", "setm:1:99", "clar:1:t:7", "repr:finns-inte", "zzz"):
        out = await engine.on_button(nurse, data)
        assert out.reply.text and not out.notify


async def test_a_button_whose_number_is_not_a_plain_digit_is_stale_not_a_crash(engine, nurse):
    """"²" is a digit to str.isdigit but not a number to int(): a forged button."""
    out = await engine.on_text(nurse, "orosanmälan Mora")
    key = out.reply.buttons[1][0].data.removeprefix("mun:")
    for data in (f"setm:{key}:²", f"clar:{key}:t:¹"):
        stale = await engine.on_button(nurse, data)
        assert stale.reply.text and not stale.reply.buttons


async def test_coordinator_may_verify_only_own_organisation(engine, service, coordinator):
    own = await engine.on_button(coordinator, "ok:mora-socialtjanst-barn")
    assert "bekräftad" in own.reply.text
    other = await engine.on_button(coordinator, "ok:falun-socialtjanst-barn")
    assert "behörighet" in other.reply.text
    mine = await engine.my_entries(coordinator)
    assert all("falun" not in b.data for row in mine.buttons for b in row if b.data)
    assert any(b.url.startswith("https://kontaktvag.example/admin/roles/")
               for row in mine.buttons for b in row if b.url)


async def test_coordinator_notice_and_names_carry_no_identity_number(engine, service, nurse,
                                                                      coordinator):
    """However the number is typed, the coordinator's notice, the stored note and a
    Telegram name linked with an invite never carry it (issue 11)."""
    for written in ("811218\u20129876", "\uff18\uff11\uff11\uff12\uff11\uff18-9876",
                    "81.12.18-9876", "8112\u00ad189876"):
        await engine.on_button(nurse, "repr:mora-socialtjanst-barn:annat")
        out = await engine.on_text(nurse, f"fel nummer, gällde {written}")
        (who, notice), = out.notify
        assert who.id == coordinator.id
        assert "811218" not in notice.text and "[personnummer]" in notice.text
        assert "Skicka inte personnummer" in out.reply.text
    notes = [r.note for r in await service.reports.open_reports(["mora-kommun"])]
    assert len(notes) == 4 and not any("9876" in n for n in notes)
    code, _ = await service.people.create_invite("staff", [], "test")
    await engine.on_start(4242, "Anna 811218\u20119876 " + "x" * 300, code)
    linked = await service.people.user_by_telegram(4242)
    assert "811218" not in linked.name and len(linked.name) <= 60


async def test_unknown_municipality_list_is_escaped(engine, service, nurse):
    from directory.store.writes import bump_generation

    def add(conn):
        conn.execute("INSERT INTO municipalities(name, position) VALUES ('Å<b>rby', 99)")
        bump_generation(conn)

    await service.db.run_write(add)
    out = await engine.on_command(nurse, "kommun", "Atlantis")
    assert "Kommuner: " in out.reply.text and "Falun" in out.reply.text
    assert "Å&lt;b&gt;rby" in out.reply.text and "<b>rby" not in out.reply.text


async def test_the_card_shows_the_agreement_and_the_checklist_its_sources(engine, nurse):
    out = await engine.on_text(nurse, "våldsutsatt kvinna Mora")
    assert ("📄 Enligt Moras lokala överenskommelse, 2025-03, granskas 2026-03 "
            "(granskningsdatumet har passerat)") in out.reply.text
    todo = await engine.on_button(nurse, out.reply.buttons[0][1].data)
    text = todo.reply.text
    assert "[10 kap. 18 c § OSL]" in text and "Lagrum (kontrollerade 2026-11-29):" in text
    sip = await engine.on_text(nurse, "SIP Mora")
    assert "I Mora kallar den verksamhet som först ser behovet" in sip.reply.text


async def test_wrong_entry_says_where_cooperation_problems_are_reported(engine, nurse):
    out = await engine.on_text(nurse, "orosanmälan Mora")
    report = await engine.on_button(nurse, out.reply.buttons[1][1].data)
    assert report.reply.text.startswith("Vilken uppgift är fel?")
    assert "Problem i samverkan, inte en fel uppgift?" in report.reply.text
    assert "avvikelsesystem" in report.reply.text
NIGHT_3 = dt.datetime(2026, 11, 24, 3, 0, tzinfo=STOCKHOLM)


def tel_numbers(html: str) -> list[str]:
    import re

    return re.findall(r'<a href="tel:([+\d]+)">', html)


async def test_every_number_in_a_card_is_a_tel_link(engine, nurse):
    import re

    out = await engine.on_text(nurse, "orosanmälan Mora")
    assert "tel:+46701740605" in out.reply.text
    todo = await engine.on_button(nurse, out.reply.buttons[0][1].data)
    assert tel_numbers(todo.reply.text) == ["112"]  # "Är barnet i akut fara – ring 112."
    danger = await engine.on_text(nurse, "pappan slår barnet just nu, Mora")
    assert '<a href="tel:112">112</a>' in danger.reply.text
    no_match = await engine.on_text(nurse, "vad blir det för lunch")
    assert tel_numbers(no_match.reply.text) == ["112"]
    for reply in (out, todo, danger, no_match):  # no digits of a number left unlinked
        text = re.sub(r"<a href=\"tel:[^\"]+\">[^<]+</a>", "", reply.reply.text)
        assert not re.search(r"\d{3}[- ]\d{2}", text.replace("2026-", "")), text


async def test_a_closed_unit_asked_for_by_name_comes_with_what_is_open_now(engine, nurse):
    engine.clock = lambda: NIGHT_3
    out = await engine.on_text(nurse, "kvinnojouren falun")
    text = out.reply.text
    first, _, rest = text.partition("Öppet nu i stället:")
    assert "Kvinnojouren i Falun" in first and "🔴 Stängt nu" in first
    assert rest, text  # the open alternative is in the same card ...
    assert "🟢 Öppet nu" in rest and "tel:+4670174060" in rest
    more = await engine.on_button(nurse, out.reply.buttons[0][0].data)
    assert "Öppet nu i stället" not in more.reply.text  # ... and not repeated behind the button
    shown = {line.split(".")[0] for line in text.splitlines() if line.startswith("<b>")
             and line[3:4].isdigit()}
    assert not any(f"<b>{n}." in more.reply.text for n in (s[3:] for s in shown))


async def test_danger_card_shows_the_next_step_number_too(engine, nurse):
    out = await engine.on_text(nurse, "han hotar henne med kniv nu, Falun")
    text = out.reply.text
    assert text.index("<b>1. ") < text.index("Sedan:") < text.index("<b>2. ")
    after = text[text.index("Sedan:"):]
    assert tel_numbers(after), after


async def test_hjalp_without_slash(engine, nurse):
    for text in ("hjälp", "HJÄLP", "hjalp"):
        assert "/kommun" in (await engine.on_text(nurse, text)).reply.text



async def test_the_card_says_whom_the_answer_is_for(engine, nurse):
    out = await engine.on_text(nurse, "15-åring ska giftas bort av familjen, Mora")
    assert "15 år · barn" in out.reply.text.split("\n")[0]
    man = await engine.on_text(nurse, "man 40 år slagen av sin fru, Falun")
    assert "man" in man.reply.text.split("\n")[0] and "Kvinnojour" not in man.reply.text


async def _more_of_a_kind(service, n: int) -> list[str]:
    """`n` more child-welfare offices serving Mora, saved as a coordinator would."""
    import dataclasses

    template = await service.store.role("mora-socialtjanst-barn")
    ids = []
    for i in range(n):
        role = dataclasses.replace(template, id=f"mora-barn-extra-{i}",
                                   name=f"Barnenheten Mora {i}")
        await service.store.save_role(role, "samordnare")
        ids.append(role.id)
    return ids


async def test_many_units_of_a_kind_are_listed_three_and_the_rest_behind_a_button(
        engine, service, nurse):
    extra = await _more_of_a_kind(service, 6)  # seven child-welfare offices in Mora
    out = await engine.on_text(nurse, "orosanmälan Mora")
    more = await engine.on_button(nurse, out.reply.buttons[0][0].data)
    assert more.reply.text.count("Barnenheten Mora") + more.reply.text.count(
        "Socialtjänsten Mora") == 3
    assert "… och 4 till av samma slag" in more.reply.text
    [[show]] = more.reply.buttons
    assert show.label == "Visa alla (4)"
    everything = await engine.on_button(nurse, show.data)
    listed = [i for i in extra if (await service.store.role(i)).name in everything.reply.text]
    assert len(listed) == 4 and "Alla 4 som inte visades" in everything.reply.text
    answer = (await service.ask("orosanmälan Mora", NIGHT)).to_json()
    assert answer["left_out"] == 4 and len(answer["route"]) == 4
    assert [s["left_out"] for s in answer["route"]] == [0, 0, 0, 4]


async def test_my_entries_buttons_are_the_roles_shown_in_the_order_shown(engine, service):
    """The lines are sorted by review date; the Stämmer buttons must be the same roles in
    the same order (they once came from the unsorted list and verified roles not shown)."""
    from directory.store.writes import bump_generation

    org = "region-dalarna"
    d = await service.directory()
    roles = [r for r in d.roles.values() if r.org_id == org]
    assert len(roles) >= 3

    def make_due(conn):
        # oldest verification last in the directory's order: sorting reverses it
        for i, role in enumerate(roles):
            day = dt.date(2020, 1, 1) + dt.timedelta(days=len(roles) - i)
            conn.execute("UPDATE roles SET verified_at = ? WHERE id = ?",
                         (day.isoformat(), role.id))
        bump_generation(conn)

    await service.db.run_write(make_due)
    coordinator = await service.people.add_user("regionen", "coordinator", [org])
    reply = await engine.my_entries(coordinator)
    d = await service.directory()
    expected = sorted((d.roles[r.id] for r in roles), key=lambda r: r.next_review())[:20]
    assert [r.id for r in expected] != [r.id for r in roles][:20]  # the orders do differ
    lines = [line for line in reply.text.splitlines() if line.startswith("• ")]
    shown = [next(r.id for r in expected if line.startswith(f"• {r.name} – "))
             for line in lines]
    assert shown == [r.id for r in expected]
    pressed = [b.data.removeprefix("ok:") for row in reply.buttons for b in row if b.data]
    assert pressed == shown


async def test_html_in_names_and_questions_is_escaped_in_the_card(engine, service, nurse):
    from dataclasses import replace

    first = (await service.ask("orosanmälan Mora", NIGHT)).route[0].role
    await service.store.save_role(replace(first, name="Jouren <b>&</b> Dalarna"), "test")
    out = await engine.on_text(nurse, "orosanmälan Mora <i>&amp; <b>")
    text = out.reply.text
    assert "Jouren &lt;b&gt;&amp;&lt;/b&gt; Dalarna" in text
    assert "<b>&" not in text and "<i>&amp;" not in text


async def test_a_question_with_nothing_of_the_need_is_asked_about_with_buttons(engine, nurse):
    """"vem ska jag ringa? Mora": the understanding asks which need; the card asks it too,
    with a button for each situation (not "nothing fits"), and a press answers for it."""
    out = await engine.on_text(nurse, "vem ska jag ringa? Mora")
    assert "hittar inget" not in out.reply.text and "Vilken situation" in out.reply.text
    buttons = [b for row in out.reply.buttons for b in row]
    assert len(buttons) > 3 and all(":t:" in b.data for b in buttons)
    chosen = await engine.on_button(nurse, buttons[0].data)
    assert "Socialjouren" in chosen.reply.text


async def test_soc_named_alone_shows_its_units_and_no_checklist_button(engine, nurse):
    out = await engine.on_text(nurse, "soc i Säter?")
    text = out.reply.text
    assert "Verksamheten du frågade efter" in text and "Socialtjänsten Säter" in text
    labels = [b.label for row in out.reply.buttons for b in row]
    assert "Vad ska jag göra?" not in labels and "Fler vägar" in labels
    nowhere = await engine.on_text(nurse, "soc")
    assert "Vilken kommun" in nowhere.reply.text
