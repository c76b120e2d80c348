"""Admins' pages: freshness, coverage, audit log and CSV, unanswered questions, users."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import replace

from test_web_support import OWN_ROLE, PASSWORD, login, post, web_env_fixture  # noqa: F401

from bot.web import stats
from directory.hours import STOCKHOLM
from directory.model import Verification


def today() -> dt.date:
    return dt.datetime.now(STOCKHOLM).date()


async def test_freshness_dashboard(web_env):
    client = await web_env.signed_in("admin")
    html = await (await client.get("/admin/aktualitet")).text()
    assert "Aktualitet per organisation" in html
    assert "Falu kommun" in html or "Falun" in html
    assert '<svg viewBox="0 0 600 240" role="img"' in html
    assert "<title id=\"chart-title\">" in html and "<desc id=\"chart-desc\">" in html
    assert html.count("<rect ") == 12  # one bar per month
    assert "Andel bekräftade roller per månad" in html  # the same numbers as a table


async def test_share_verified_over_time_follows_history(web_env):
    d = await web_env.service.directory()
    dates = await web_env.service.verification_dates()
    days = stats.month_ends(today())
    series = stats.share_verified_over_time(d, dates, days)
    assert [s[0] for s in series] == days and days[-1] == today()
    assert all(0 <= pct <= 100 for *_, pct in series)
    now = stats.freshness_by_org(d, today())
    ok_now = sum(r.counts["fresh"] + r.counts["due"] for r in now)
    assert series[-1][1] == ok_now


async def test_coverage_matrix(web_env):
    client = await web_env.signed_in("admin")
    html = await (await client.get("/admin/tackning")).text()
    d = await web_env.service.directory()
    assert len(d.municipalities) == 15
    cells = html.count('<td class="cov-')
    assert cells == 15 * len(d.topics)
    # Symbols and words, not colour alone.
    assert "✓</span> täckt" in html
    assert "Teckenförklaring" in html


async def test_coverage_states(web_env):
    service = web_env.service
    d = await service.directory()
    cov = await service.coverage(today())
    assert {cov.state(t, m) for t, m in cov.cells} <= {"ok", "stale", "missing"}
    # Make every social-services-for-children role in Mora stale: the cell turns yellow.
    long_ago = Verification(today() - dt.timedelta(days=900), "test")
    for role in d.by_kind_area[("socialtjanst-barn", "Mora")]:
        def stale(conn, role_id=role.id) -> None:
            conn.execute("UPDATE roles SET verified_at = ? WHERE id = ?",
                         (long_ago.at.isoformat(), role_id))
            conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'generation'")

        await service.db.run_write(stale)
    d = await service.directory()
    assert (await service.coverage(today())).state("barn-far-illa", "Mora") == "stale"
    # Take away the social emergency service: no route at night, the cell turns red.
    for role in d.by_kind_area[("socialjour", "Mora")]:
        await service.store.save_role(replace(role, status="inaktiv"), "test")
    cov = await service.coverage(today())
    assert cov.state("barn-far-illa", "Mora") == "missing"
    sentences = [g.sentence for g in cov.gaps("barn-far-illa", "Mora")]
    assert ("Fredag 16:30–24:00: ingen öppen väg för oro för att ett barn far illa "
            "(orosanmälan) i Mora") in sentences, sentences
    client = await web_env.signed_in("admin")
    html = await (await client.get("/admin/tackning")).text()
    assert "Måndag–fredag 00:00–08:00: ingen öppen väg för oro för att ett barn far" in html


async def test_audit_log_filter_and_csv(web_env):
    kim = await web_env.user("kim", "staff")
    anon = await web_env.client()
    await login(anon, "kim", "fel-fel-fel-fel-fel")
    await login(anon, "kim", PASSWORD)
    await web_env.service.reports.add_report(OWN_ROLE, "fel-nummer", "", kim.id)
    client = await web_env.signed_in("admin", name="admin")
    await post(client, f"/admin/roles/{OWN_ROLE}/verifiera")
    await post(client, f"/admin/anvandare/{kim.id}/aktiv", {"active": "0"},
               page="/admin/anvandare")
    html = await (await client.get("/admin/logg?typ=inloggning&vem=kim")).text()
    assert "Misslyckad inloggning" in html and "Loggade in" in html and "kim" in html
    assert "login.fail" not in html and "Bekräftade" not in html
    jour = "kvinnojouren-falun"
    await post(client, f"/admin/org/{jour}/omfang",
               {"municipalities": "Falun", "kinds": "kvinnojour"}, page=f"/admin/org/{jour}")
    html = await (await client.get("/admin/logg?typ=katalog")).text()
    assert "verification.verify" not in html and "scope." not in html
    assert "Bekräftade uppgifter som korrekta" in html
    assert "organisationens område och funktioner" in html  # issue 11's scope, in words
    assert f'<a href="/admin/org/{jour}">Kvinnojouren i Falun</a>' in html
    role = (await web_env.service.directory()).roles[OWN_ROLE]
    version = (await web_env.service.store.versions("verification", OWN_ROLE))[0]
    assert f'<a href="/admin/roles/{OWN_ROLE}">{role.name}</a>' in html
    assert f'href="/admin/roles/{OWN_ROLE}/historik#version-{version.id}"' in html
    history = await (await client.get(f"/admin/roles/{OWN_ROLE}/historik")).text()
    assert f'id="version-{version.id}"' in history
    # Names, never account ids: the reporter and the account switched off.
    html = await (await client.get("/admin/logg?vem=kim&typ=rapporter")).text()
    assert "Rapporterade fel uppgift" in html and f"{role.name}: Fel nummer" in html
    html = await (await client.get("/admin/logg?typ=konton")).text()
    assert "Stängde av konto" in html and f">{kim.id}<" not in html
    resp = await client.get("/admin/logg.csv?vem=kim")
    assert resp.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in resp.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO((await resp.read()).decode("utf-8-sig"))))
    assert rows[0] == ["tid (svensk tid)", "vem", "handling", "detalj", "kod"]
    assert {r[4] for r in rows[1:]} >= {"login", "login.fail", "report.add"}
    assert {r[2] for r in rows[1:]} >= {"Loggade in", "Misslyckad inloggning"}
    assert all(r[1] == "kim" for r in rows[1:])
    assert all(r[0].endswith(("+01:00", "+02:00")) for r in rows[1:])  # Stockholm time


async def test_csv_cells_cannot_be_formulas(web_env):
    await web_env.service.people.audit("=HYPERLINK(\"x\")", "login.fail", "webben")
    client = await web_env.signed_in("admin")
    body = (await (await client.get("/admin/logg.csv")).read()).decode("utf-8-sig")
    assert "'=HYPERLINK" in body


async def test_unanswered_add_synonym(web_env):
    service = web_env.service
    question = "kollegan blev knuffad av sin sambo i Falun"
    await service.reports.record_unanswered(question)
    item = (await service.reports.unanswered())[0]
    client = await web_env.signed_in("admin")
    html = await (await client.get("/admin/obesvarade")).text()
    assert question in html
    bad = await post(client, f"/admin/obesvarade/{item['id']}/synonym",
                     {"concept": "finns-inte", "lang": "sv", "term": "knuffad"},
                     page="/admin/obesvarade")
    assert bad.status == 400 and "Välj en verksamhet eller ett ord" in await bad.text()
    assert 'value="knuffad"' in await bad.text()
    concept = sorted((await service.directory()).lexicon.concepts)[0]
    resp = await post(client, f"/admin/obesvarade/{item['id']}/synonym",
                      {"concept": concept, "lang": "sv", "term": "knuffad"},
                      page="/admin/obesvarade")
    assert "Synonymen är tillagd" in await resp.text()
    lex = (await service.directory()).lexicon
    assert "knuffad" in lex.concepts[concept]["sv"]
    assert await service.reports.unanswered() == []
    versions = await service.store.versions("synonym", concept)
    assert versions[0].after["terms"] == ["knuffad"]


async def test_unanswered_shows_swedish_labels_and_takes_a_unit_alias(web_env):
    service = web_env.service
    for _ in range(4):
        await service.reports.record_unanswered("bupmott")
    client = await web_env.signed_in("admin")
    html = await (await client.get("/admin/obesvarade")).text()
    assert "4 gånger" in html
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', html)
    shown = [label for _, label in options]
    # No code words in what people read: "kind-socialjour", "foralder".
    assert not [x for x in shown if re.search(r"\bkind-|foralder", x)], shown
    assert ("kind-bup", "Barn- och ungdomspsykiatri") in options
    assert ("foralder", "Mamma, pappa, fadern, förälder, vårdnadshavare") in options
    assert 'value="bupmott"' in html  # a short question is offered as the word to add
    # ("BUP" and "barnpsyk" are in the demo lexicon now; "bupmott" is not, yet.)
    assert not (await service.understander()).understand("bupmott i Falun").named
    item = (await service.reports.unanswered())[0]
    resp = await post(client, f"/admin/obesvarade/{item['id']}/synonym",
                      {"concept": "kind-bup", "lang": "sv", "term": "bupmott"},
                      page="/admin/obesvarade")
    assert "Namnet är tillagt för verksamheten" in await resp.text()
    lex = (await service.directory()).lexicon
    assert "bupmott" in lex.concepts["kind-bup"]["sv"]
    understood = (await service.understander()).understand("bupmott i Falun")
    assert "bup" in [unit.kind for unit in understood.named]


async def test_users_and_invites(web_env):
    client = await web_env.signed_in("admin", name="admin")
    kim = await web_env.user("kim", "staff")
    html = await (await client.get("/admin/anvandare")).text()
    assert "kim" in html
    bad = await post(client, "/admin/inbjudan", {"role": "coordinator"},
                     page="/admin/anvandare")
    assert bad.status == 400 and "minst en organisation" in await bad.text()
    resp = await post(client, "/admin/inbjudan", {"role": "coordinator",
                                                  "orgs": "falun-kommun"},
                      page="/admin/anvandare")
    html = await resp.text()
    assert "https://kontaktvag.example/signup?code=" in html
    code = html.split("/signup?code=")[1].split("<")[0]
    invite = await web_env.service.people.invite(code)
    assert (invite.role, invite.orgs, invite.used_at) == ("coordinator", ("falun-kommun",), None)
    resp = await post(client, f"/admin/anvandare/{kim.id}/aktiv", {"active": "0"},
                      page="/admin/anvandare")
    assert resp.status == 200
    assert not (await web_env.service.people.user(kim.id)).active
    me = await web_env.service.people.user_by_name("admin")
    self_off = await post(client, f"/admin/anvandare/{me.id}/aktiv", {"active": "0"},
                          page="/admin/anvandare")
    assert self_off.status == 400
    assert (await web_env.service.people.user(me.id)).active


async def test_coverage_page_flags_agreements_past_their_review_date(web_env):
    client = await web_env.signed_in("admin")
    html = await (await client.get("/admin/tackning")).text()
    assert "Överenskommelser" in html
    assert "2 överenskommelser har passerat sitt granskningsdatum:</strong> Leksand, Mora" in html
    assert html.count('class="agreement-overdue"') == 2
    assert html.count('class="agreement-missing"') == 10  # 15 minus Avesta, Borlänge,
    assert html.count('class="agreement-current"') == 4  # Falun, Leksand, Mora; + regional


async def test_an_unanswered_question_labelled_with_its_topic_becomes_an_example(web_env):
    """The admin says what it was about; it is kept as an example, redacted, the next build
    learns from it, and a rebuild is asked for."""
    service = web_env.service
    await service.reports.record_unanswered("grannen sa att pappan låste in 9-åringen "
                                           "i förrådet, 850312-2387")
    item = (await service.reports.unanswered())[0]
    assert "[personnummer]" in item["query"]
    client = await web_env.signed_in("admin")
    html = await (await client.get("/admin/obesvarade")).text()
    assert "Frågan gällde" in html and "Barn utsatt för våld" in html
    bad = await post(client, f"/admin/obesvarade/{item['id']}/amne",
                     {"topic": "okänt", "danger": "1"}, page="/admin/obesvarade")
    bad_html = await bad.text()
    assert bad.status == 400 and "Välj en situation" in bad_html
    assert f'id="f-t{item["id"]}-danger" name="danger" value="1" checked' in bad_html  # kept
    resp = await post(client, f"/admin/obesvarade/{item['id']}/amne",
                      {"topic": "barn-utsatt-for-vald", "danger": "1"}, page="/admin/obesvarade")
    assert "sparad som exempel" in await resp.text()
    learned = [e for e in await service.store.examples() if e.source == "personalens-fragor"]
    assert [(e.question, e.topic, e.danger) for e in learned] == [
        (item["query"], "barn-utsatt-for-vald", True)]  # "Akut fara – 112 först" ticked
    assert await service.reports.unanswered() == []
    assert not await service.model_is_current()  # the next build learns it
    off = "var ställer jag cykeln vid personalingången"
    await service.reports.record_unanswered(off)
    other = (await service.reports.unanswered())[0]
    await post(client, f"/admin/obesvarade/{other['id']}/amne", {"topic": "inget"},
               page="/admin/obesvarade")
    learned = [e for e in await service.store.examples() if e.source == "personalens-fragor"]
    assert (off, None, False) in [(e.question, e.topic, e.danger) for e in learned]
