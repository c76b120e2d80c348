"""The staff chat page (through the engine), the directory browser and reports."""

from __future__ import annotations

import re

from test_web_support import OWN_ROLE, post, token, web_env_fixture  # noqa: F401


def buttons(html: str) -> dict[str, str]:
    """Button label -> engine data, from the chat page's button forms."""
    found = re.findall(r'name="data" value="([^"]+)">\s*<input type="hidden" name="label" '
                       r'value="([^"]+)"', html)
    return {label: data for data, label in found}


async def test_ask_without_javascript_redirects_to_the_answer(web_env):
    client = await web_env.signed_in("staff")
    resp = await post(client, "/chatt", {"fraga": "orosanmälan Mora"}, allow_redirects=False)
    assert resp.status == 303 and resp.headers["Location"].startswith("/#svar-")
    html = await (await client.get("/")).text()
    assert "orosanmälan Mora" in html
    assert "Oro för att ett barn far illa" in html
    assert "Demodata" in html
    assert {"Fler vägar", "Vad ska jag göra?", "Annan kommun", "Fel uppgift?"} <= set(
        buttons(html))


async def test_buttons_go_through_the_engine(web_env):
    client = await web_env.signed_in("staff")
    html = await (await post(client, "/chatt", {"fraga": "orosanmälan Mora"})).text()
    data = buttons(html)["Vad ska jag göra?"]
    resp = await post(client, "/chatt/knapp", {"data": data, "label": "Vad ska jag göra?"})
    html = await resp.text()
    assert "<b>Vad ska jag göra?</b>" in html
    # Choosing another municipality: the engine offers the 15 as buttons.
    html = await (await post(client, "/chatt/knapp", {"data": buttons(html)["Annan kommun"],
                                                      "label": "Annan kommun"})).text()
    choices = buttons(html)
    assert "Falun" in choices
    html = await (await post(client, "/chatt/knapp", {"data": choices["Falun"],
                                                      "label": "Falun"})).text()
    assert "· Falun" in html
    unknown = await post(client, "/chatt/knapp", {"data": "nonsens:1", "label": "x"})
    assert "känner jag inte igen" in await unknown.text()


async def test_fetch_gets_only_the_new_messages(web_env):
    client = await web_env.signed_in("staff")
    csrf = await token(client)
    resp = await client.post("/chatt", data={"fraga": "våldtäkt Falun", "csrf_token": csrf},
                             headers={"X-Requested-With": "fetch"})
    assert resp.status == 200
    html = await resp.text()
    assert html.strip().startswith("<li") and "<html" not in html
    assert html.count('class="msg ') == 2


async def test_commands_and_clarification(web_env):
    client = await web_env.signed_in("staff", name="kim")
    html = await (await post(client, "/chatt", {"fraga": "/kommun Mora"})).text()
    assert "Förvald kommun: Mora" in html
    assert (await web_env.service.people.user_by_name("kim")).default_municipality == "Mora"
    html = await (await post(client, "/chatt", {"fraga": "/hjälp"})).text()
    assert "Skicka aldrig personnummer" in html
    html = await (await post(client, "/chatt", {"fraga": "/mina"})).text()
    assert "Du har inte behörighet" in html  # staff have no entries of their own


async def test_personal_identity_numbers_never_shown_back(web_env):
    client = await web_env.signed_in("staff")
    html = await (await post(client, "/chatt", {"fraga": "orosanmälan Mora 19121212-1212"})
                  ).text()
    assert "19121212-1212" not in html
    assert "[personnummer]" in html


async def test_empty_question_and_clearing(web_env):
    client = await web_env.signed_in("staff")
    resp = await post(client, "/chatt", {"fraga": "   "})
    assert "Skriv en fråga först" in await resp.text()
    await post(client, "/chatt", {"fraga": "orosanmälan Mora"})
    resp = await post(client, "/chatt/rensa")
    assert "Inga frågor ännu" in await resp.text()


async def test_conversations_are_per_user(web_env):
    anna = await web_env.signed_in("staff", name="anna")
    bo = await web_env.signed_in("staff", name="bo")
    await post(anna, "/chatt", {"fraga": "orosanmälan Leksand"})
    assert "orosanmälan Leksand" in await (await anna.get("/")).text()
    assert "orosanmälan Leksand" not in await (await bo.get("/")).text()


async def test_browser_by_municipality_and_topic(web_env):
    client = await web_env.signed_in("staff")
    index = await (await client.get("/katalog")).text()
    assert "/katalog/kommun/Malung-S%C3%A4len" in index
    assert "/katalog/amne/barn-far-illa" in index
    page = await client.get("/katalog/kommun/Malung-S%C3%A4len")
    html = await page.text()
    assert page.status == 200 and "Kontaktvägar i Malung-Sälen" in html
    assert 'href="tel:+46' in html and "Rapportera fel uppgift" in html
    topic = await (await client.get("/katalog/amne/barn-far-illa?kommun=Mora")).text()
    assert "Kontaktväg just nu i Mora" in topic and "Vad ska jag göra?" in topic
    choose = await (await client.get("/katalog/amne/barn-far-illa")).text()
    assert "Välj kommun ovan" in choose
    assert (await client.get("/katalog/kommun/Atlantis")).status == 404
    assert (await client.get("/katalog/amne/nej")).status == 404


async def test_a_topic_page_lists_three_of_a_kind_and_links_to_all(web_env):
    import dataclasses

    template = await web_env.service.store.role("mora-socialtjanst-barn")
    for i in range(6):
        await web_env.service.store.save_role(dataclasses.replace(
            template, id=f"mora-barn-extra-{i}", name=f"Barnenheten Mora {i}"), "samordnare")
    client = await web_env.signed_in("staff")
    page = await (await client.get("/katalog/amne/barn-far-illa?kommun=Mora")).text()
    names = ["Socialtjänsten Mora"] + [f"Barnenheten Mora {i}" for i in range(6)]
    assert sum(n in page for n in names) == 3 and "… och 4 till av samma slag." in page
    assert 'href="/katalog/amne/barn-far-illa?kommun=Mora&amp;alla=1"' in page
    every = await (await client.get("/katalog/amne/barn-far-illa?kommun=Mora&alla=1")).text()
    assert all(n in every for n in names) and "till av samma slag" not in every


async def test_staff_pages_never_show_protected_fields(web_env):
    role = await web_env.service.store.role("kvinnojour-falun", with_protected=True)
    secret = dict(role.protected)["kodord"]
    client = await web_env.signed_in("staff")
    await post(client, "/chatt", {"fraga": "skyddat boende Falun"})
    for path in ("/", "/katalog/kommun/Falun", "/katalog/amne/akut-skydd?kommun=Falun",
                 "/rapport/kvinnojour-falun", "/api/roles/kvinnojour-falun",
                 "/api/roles?kommun=Falun"):
        assert secret not in await (await client.get(path)).text(), path


async def test_report_a_wrong_entry(web_env):
    client = await web_env.signed_in("staff", name="kim")
    page = f"/rapport/{OWN_ROLE}"
    bad = await post(client, page, {"reason": "annat", "note": ""}, page=page)
    assert bad.status == 400 and "Beskriv kort vad som är fel" in await bad.text()
    resp = await post(client, page, {"reason": "fel-nummer",
                                     "note": "Numret går till fel växel, 19121212-1212"},
                      page=page)
    assert "Tack! Rapporten är skickad" in await resp.text()
    reports = await web_env.service.reports.open_reports()
    assert reports[-1].role_id == OWN_ROLE and "[personnummer]" in reports[-1].note
    assert (await client.get("/rapport/finns-inte")).status == 404


# -- identity numbers however typed never come back (issue 11) ---------------------------

SLIPPERY = ["8112\u00ad18\u20119876", "\uff18\uff11\uff11\uff12\uff11\uff18\uff0d9876",
            "81.12.18-9876", "1981-12-18-9876", "811218\u200b\u22129876", "811218/9876"]


def shows_number(html: str) -> bool:
    """The number's date digits anywhere, read as a person reads them (NFKC, invisible
    characters ignored)."""
    import unicodedata

    visible = "".join(c for c in unicodedata.normalize("NFKC", html)
                      if unicodedata.category(c) not in ("Cf", "Mn"))
    return bool(re.search(r"81\W?12\W?18", visible))


async def test_slippery_numbers_are_not_echoed_stored_or_shown(web_env):
    client = await web_env.signed_in("staff")
    admin = await web_env.signed_in("admin")
    for written in SLIPPERY:
        html = await (await post(client, "/chatt", {"fraga": f"orosanmälan Mora {written}"})
                      ).text()
        assert not shows_number(html), written
        assert "[personnummer]" in html and "Skicka inte personnummer" in html
        # Unanswered: kept for the admins, redacted.
        await post(client, "/chatt", {"fraga": f"var ligger matsalen {written}"})
    kept = [r["query"] for r in await web_env.service.reports.unanswered()]
    assert kept and all(not shows_number(q) for q in kept)
    assert not shows_number(await (await admin.get("/admin/obesvarade")).text())


async def test_a_button_label_sent_back_is_redacted(web_env):
    client = await web_env.signed_in("staff")
    html = await (await post(client, "/chatt", {"fraga": "orosanmälan Mora"})).text()
    data = buttons(html)["Vad ska jag göra?"]
    for written in SLIPPERY:
        html = await (await post(client, "/chatt/knapp", {"data": data, "label": written})
                      ).text()
        assert not shows_number(html), written


async def test_the_report_form_never_puts_the_number_back(web_env):
    client = await web_env.signed_in("staff")
    page = f"/rapport/{OWN_ROLE}"
    for written in SLIPPERY:
        bad = await post(client, page, {"reason": "", "note": f"gäller {written}"}, page=page)
        html = await bad.text()
        assert bad.status == 400 and "Välj vad som är fel" in html
        assert not shows_number(html), written
        assert "gäller [personnummer]" in html and "Personnumret är borttaget" in html
        await post(client, page, {"reason": "annat", "note": f"gäller {written}"}, page=page)
    notes = [r.note for r in await web_env.service.reports.open_reports()]
    assert len(notes) == len(SLIPPERY) and all(not shows_number(n) for n in notes)


async def test_html_in_a_role_name_and_a_question_reaches_the_chat_escaped(web_env):
    import datetime as dt
    from dataclasses import replace

    from directory.hours import STOCKHOLM

    service = web_env.service
    now = dt.datetime.now(STOCKHOLM)
    for role in (await service.ask("orosanmälan Mora", now)).route:  # whatever time it is
        await service.store.save_role(replace(role.role, name=role.role.name + " <b>&"), "t")
    client = await web_env.signed_in("staff")
    html = await (await post(client, "/chatt", {"fraga": "orosanmälan Mora <i>&amp;"})).text()
    assert " &lt;b&gt;&amp;" in html and "<b>&" not in html
    assert "&lt;i&gt;&amp;amp;" in html and "<i>&amp;" not in html


async def test_reports_from_the_chat_are_limited_per_user_too(demo_db, aiohttp_server,
                                                               aiohttp_client):
    """The chat's "Fel uppgift?" files a report (and messages the coordinators at once)
    in two presses: it is limited per user (KONTAKTVAG_REPORTS_PER_HOUR) like the report
    form and the API, or a script could flood the coordinators."""
    from test_web_support import Web, settings_for

    from bot.server import create_app

    app = create_app(settings_for(demo_db, reports_per_hour=3))
    env = Web(app, await aiohttp_server(app), aiohttp_client)
    client = await env.signed_in("staff")
    csrf, fetch = await token(client), {"X-Requested-With": "fetch"}  # the new entries only
    replies = []
    for _ in range(5):
        for press in ("repr", "repn"):
            resp = await client.post("/chatt/knapp", headers=fetch, data={
                "data": f"{press}:{OWN_ROLE}:fel-nummer", "csrf_token": csrf})
        replies.append(await resp.text())
    assert ["Tack! Rapporten är skickad" in r for r in replies] == [True] * 3 + [False] * 2
    assert len(await env.service.reports.open_reports()) == 3
    assert "många rapporter" in replies[-1]
