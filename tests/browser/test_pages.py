"""The pages in a real browser: Playwright driving Debian's chromium, axe-core on every page.

Each of the three users - staff, coordinator, admin - is walked through their work on a
phone (360 px) and a desktop (1280 px): each asks in the chat for a unit that is closed
and gets what is open now in the same card; the coordinator and the admin press
"Verifierad idag" with unsaved changes. Every page visited is checked: axe-core finds no
serious or critical violation, the page does not scroll sideways, every phone number in
its text is a tel: link; and a screenshot is saved in tests/artifacts/.

The server runs in-process on a free loopback port; the chat's clock is a Tuesday at
03:00, when the offices are closed. Skipped, saying what is missing, without
/usr/bin/chromium (`.ci/install-browser`) or axe-core (`npm ci --prefix tests/browser`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp import web
from cryptography.fernet import Fernet

from bot.keys import ENGINE, SERVICE
from bot.passwords import hash_password
from bot.server import create_app
from bot.settings import PROJECT_ROOT, Settings
from directory.hours import STOCKHOLM

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 900}
VIEWPORTS = [pytest.param(PHONE, id="360px"), pytest.param(DESKTOP, id="1280px")]
PASSWORD = "webbläsar-testlösenord-1"
ROLE = "falun-socialtjanst-barn"
NIGHT = dt.datetime(2026, 11, 24, 3, 0, tzinfo=STOCKHOLM)  # a Tuesday

_missing = [what for what, there in (
    ("chromium (/usr/bin/chromium; kör .ci/install-browser)", CHROMIUM.exists()),
    ("axe-core (tests/browser/node_modules; kör npm ci --prefix tests/browser)", AXE.exists()),
) if not there]
if _missing:
    pytest.skip("webbläsartesterna hoppas över – saknas: " + " och ".join(_missing),
                allow_module_level=True)
playwright_api = pytest.importorskip("playwright.async_api")

# Phone numbers as people write them: 070-174 06 05, 08-465 004 08, +46 70 174 06 05,
# 020-50 50 50, and the short numbers 112, 114 14, 1177, 116 111.
PHONE_PATTERN = (r"(?<![\d\-–:/.,])(?:\+46[\s-]?\d{1,3}|0\d{1,3})[\s-]?\d{2,3}(?:[\s-]?\d{2}){1,3}"
                 r"(?![\d:])|(?<![\w\-–:/.,+])(?:112|114 ?14|1177|116 ?111)(?![\w\-–:/])")
PAGE_CHECKS = """(pattern) => {
  const re = new RegExp(pattern, 'g');
  // Choices in forms (options, and the labels of checkboxes such as the function
  // "Larmnummer 112" on an organisation's page) are names, not numbers to call: a link
  // there would dial when the box is ticked.
  const skip = new Set(['A', 'BUTTON', 'SCRIPT', 'STYLE', 'TEXTAREA', 'INPUT', 'SELECT',
                        'OPTION', 'LABEL', 'CODE', 'TITLE', 'svg', 'NOSCRIPT']);
  const unlinked = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    let el = node.parentElement, skipped = false;
    while (el) { if (skip.has(el.tagName)) { skipped = true; break; } el = el.parentElement; }
    if (skipped) continue;
    for (const m of node.textContent.matchAll(re)) {
      unlinked.push(node.textContent.slice(Math.max(0, m.index - 40), m.index + m[0].length + 10));
    }
  }
  const badLinks = [...document.querySelectorAll('a[href^="tel:"]')]
    .filter(a => !/^tel:\\+?\\d{3,15}$/.test(a.getAttribute('href')) || !/\\d/.test(a.textContent))
    .map(a => a.outerHTML);
  const de = document.documentElement;
  return {unlinked, badLinks, scrollWidth: de.scrollWidth, clientWidth: de.clientWidth};
}"""


@dataclass
class Site:
    base: str
    app: web.Application
    console: list[str] = field(default_factory=list)


@pytest.fixture
async def site(demo_db: Path) -> AsyncIterator[Site]:
    app = create_app(Settings(db_path=demo_db, session_key=Fernet.generate_key().decode()))
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    tcp = web.TCPSite(runner, "127.0.0.1", 0)
    await tcp.start()
    port = tcp._server.sockets[0].getsockname()[1]
    app[ENGINE].clock = lambda: NIGHT
    people = app[SERVICE].people
    hashed = hash_password(PASSWORD)
    await people.add_user("anna.admin", "admin", [], hashed)
    await people.add_user("sam.samordnare", "coordinator", ["falun-kommun"], hashed)
    await people.add_user("per.personal", "staff", [], hashed)
    try:
        yield Site(f"http://127.0.0.1:{port}", app)
    finally:
        await runner.cleanup()


@pytest.fixture
async def browser():
    async with playwright_api.async_playwright() as p:
        b = await p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield b
        finally:
            await b.close()


async def new_page(browser, site: Site, viewport: dict, javascript: bool = True):
    context = await browser.new_context(viewport=viewport, java_script_enabled=javascript,
                                        locale="sv-SE")
    page = await context.new_page()
    page.on("console", lambda m: site.console.append(m.text) if m.type == "error" else None)
    return page


async def sign_in(page, site: Site, name: str) -> None:
    await page.goto(site.base + "/login")
    await page.get_by_label("Kontonamn").fill(name)
    await page.get_by_label("Lösenord").fill(PASSWORD)
    await page.get_by_role("button", name="Logga in").click()
    await page.wait_for_url(site.base + "/")


async def check(page, name: str) -> None:
    """The page as it is now: no sideways scrolling, every phone number a tel: link,
    axe-core finds nothing serious or critical; and a screenshot."""
    width = page.viewport_size["width"]
    name = f"{name}-{width}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    found = await page.evaluate(PAGE_CHECKS, PHONE_PATTERN)
    assert found["scrollWidth"] <= found["clientWidth"], (
        f"{name}: the page scrolls sideways ({found['scrollWidth']} px in {width} px)")
    assert not found["unlinked"], f"{name}: numbers that are not tel: links {found['unlinked']}"
    assert not found["badLinks"], f"{name}: {found['badLinks']}"
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.evaluate(AXE.read_text(encoding="utf-8"))
    result = await page.evaluate(
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))")
    bad = [v for v in result if v["impact"] in ("serious", "critical")]
    assert not bad, f"{name}: axe: {bad}"


async def visit(page, site: Site, path: str, name: str) -> None:
    await page.goto(site.base + path)
    await check(page, name)


def no_csp_errors(site: Site) -> None:
    blocked = [m for m in site.console if "Content Security Policy" in m]
    assert not blocked, blocked


async def ask(page, question: str):
    """Ask in the chat; the newest reply."""
    before = await page.locator("li.msg.theirs").count()
    await page.get_by_label("Din fråga").fill(question)
    await page.get_by_role("button", name="Fråga", exact=True).click()
    await page.locator("li.msg.theirs").nth(before).wait_for()
    return page.locator("li.msg.theirs").last


async def press(page, label: str):
    """Press a button in the newest reply that has it; the reply that comes back."""
    before = await page.locator("li.msg.theirs").count()
    await page.get_by_role("button", name=label, exact=True).last.click()
    await page.locator("li.msg.theirs").nth(before).wait_for()
    return page.locator("li.msg.theirs").last


async def closed_unit_comes_with_what_is_open(page, site: Site, name: str) -> None:
    """A unit asked for by name is closed at 03:00: the same card says what is open now,
    with numbers to tap. Every user has the chat at /, where signing in lands."""
    await page.goto(site.base + "/")
    reply = await ask(page, "kvinnojouren falun")
    text = await reply.inner_text()
    assert page.url == site.base + "/"  # answered in place, by the script
    assert "Kvinnojouren i Falun" in text and "Stängt nu" in text
    instead = text[text.index("Öppet nu i stället"):]
    assert "Öppet nu" in instead and re.search(r"\d{3}-\d{3} \d{2} \d{2}", instead)
    alternative = reply.locator("a[href^='tel:']")
    assert await alternative.count() >= 2  # the closed unit's number and the open one's
    await check(page, name)


# ---- staff -------------------------------------------------------------------------------


@pytest.mark.parametrize("viewport", VIEWPORTS)
async def test_staff_asks_at_night_reports_and_browses(browser, site, viewport):
    page = await new_page(browser, site, viewport)
    await page.goto(site.base + "/")
    assert "/login" in page.url
    await check(page, "login")
    await page.keyboard.press("Tab")  # the skip link is the first thing the keyboard reaches
    assert await page.evaluate("document.activeElement.textContent") == "Hoppa till innehållet"
    await sign_in(page, site, "per.personal")
    await check(page, "chatt-tom")

    await closed_unit_comes_with_what_is_open(page, site, "chatt-stangd-enhet")

    # Acute danger: 112 first, and the next step's number in the same card.
    reply = await ask(page, "han hotar henne med kniv nu, Falun")
    text = await reply.inner_text()
    assert text.index("112") < text.index("Sedan:")
    after = reply.locator("a[href^='tel:+46']")
    assert await after.count() >= 1
    assert await reply.locator("a[href='tel:112']").count() >= 1

    reply = await ask(page, "hjälp")  # without the slash
    assert "/kommun" in await reply.inner_text()

    reply = await ask(page, "orosanmälan Mora")
    assert "Oro för att ett barn far illa" in await reply.inner_text()
    assert "Vad ska jag göra?" in await (await press(page, "Vad ska jag göra?")).inner_text()
    await press(page, "Fler vägar")
    await check(page, "chatt-knappar")

    # A wrong entry, reported from the chat with a comment.
    await press(page, "Fel uppgift?")
    which = page.locator("li.msg.theirs").last
    await which.get_by_role("button").first.click()
    await page.get_by_role("button", name="Fel nummer").last.wait_for()
    reply = await press(page, "Fel nummer")
    assert "kommentar" in await reply.inner_text()
    reply = await ask(page, "numret går till fel enhet, rätt är 070-174 06 99")
    assert "Tack" in await reply.inner_text()
    reports = await site.app[SERVICE].reports.open_reports()
    assert reports and reports[-1].note == "numret går till fel enhet, rätt är 070-174 06 99"
    await check(page, "chatt-rapport")

    await visit(page, site, "/katalog", "katalog")
    await page.get_by_role("link", name="Malung-Sälen").click()
    await page.get_by_role("heading", name="Kontaktvägar i Malung-Sälen").wait_for()
    await check(page, "katalog-kommun")
    await visit(page, site, "/katalog/amne/akut-skydd?kommun=Avesta", "katalog-amne")
    await page.get_by_role("link", name=re.compile("Rapportera fel uppgift")).first.click()
    await check(page, "rapport")
    await page.get_by_label("Svarar inte").check()
    await page.get_by_label(re.compile("Beskriv kort")).fill("Ingen svarar på natten")
    await page.get_by_role("button", name="Skicka rapporten").click()
    await page.get_by_text("Tack! Rapporten är skickad").wait_for()
    await visit(page, site, "/konto", "konto-personal")
    no_csp_errors(site)


async def test_chat_works_without_javascript(browser, site):
    page = await new_page(browser, site, PHONE, javascript=False)
    await sign_in(page, site, "per.personal")
    await page.get_by_label("Din fråga").fill("våldtäkt Falun")
    await page.get_by_role("button", name="Fråga", exact=True).click()
    await page.wait_for_url(re.compile(r".*/#svar-\d+$"))
    assert "Sexuellt våld" in await page.locator("li.msg.theirs").last.inner_text()
    await page.get_by_role("button", name="Vad ska jag göra?").last.click()
    await page.wait_for_url(re.compile(r".*/#svar-\d+$"))
    assert "Vad ska jag göra?" in await page.locator("li.msg.theirs").last.inner_text()
    # (No axe-core here: with scripts off the page cannot run it.)
    assert await page.locator("li.msg.theirs a[href^='tel:+46']").count() >= 1


# ---- coordinator -------------------------------------------------------------------------


async def _make_stale(site: Site, role_id: str) -> None:
    service = site.app[SERVICE]

    def stale(conn) -> None:
        conn.execute("UPDATE roles SET verified_at = '2024-01-10' WHERE id = ?", (role_id,))
        conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'generation'")

    await service.db.run_write(stale)


async def test_someone_else_saved_meanwhile(browser, site):
    """The form shows what changed meanwhile and keeps what was typed (issue 11)."""
    page = await new_page(browser, site, DESKTOP)
    await sign_in(page, site, "sam.samordnare")
    await page.goto(f"{site.base}/admin/roles/{ROLE}")
    await page.locator("#f-instructions").fill("Det jag skrev i webbläsaren.")
    service = site.app[SERVICE]
    await service.patch_role(ROLE, {"name": "Namn som någon annan sparade"}, None, "kollega")
    await page.get_by_role("button", name="Spara ändringarna").click()
    await page.get_by_role("heading", name="Någon annan har sparat rollen medan du skrev"
                           ).wait_for()
    assert "Namn som någon annan sparade" in await page.locator(".conflict").inner_text()
    assert await page.locator("#f-instructions").input_value() == "Det jag skrev i webbläsaren."
    await check(page, "andra-roll-krock")
    no_csp_errors(site)


async def unsaved_edits_are_never_verified_stale(page, site: Site, who: str, name: str
                                                 ) -> None:
    """"Verifierad idag" with unsaved changes never confirms the stored, stale data: with
    an error in the form nothing is saved or confirmed; without one, what is on the
    screen is saved and confirmed."""
    store = site.app[SERVICE].store
    await _make_stale(site, ROLE)
    before = await store.role(ROLE)
    await page.goto(f"{site.base}/admin/roles/{ROLE}")
    phone = page.locator("#f-c-0-value")
    await phone.fill("070-12")  # unsaved and wrong
    await page.locator(".verify-box").get_by_role("button", name="Verifierad idag").click()
    await page.locator("#felsammanfattning").wait_for()
    assert "Inget är sparat eller bekräftat" in await page.locator(
        "#felsammanfattning").inner_text()
    assert await phone.input_value() == "070-12"  # what was typed is kept
    assert await store.role(ROLE) == before  # nothing saved, nothing verified
    await check(page, f"{name}-fel")
    await phone.fill("08-465 004 99")  # unsaved and right
    await page.locator(".verify-box").get_by_role("button", name="Verifierad idag").click()
    await page.get_by_text("Ändringarna är sparade och uppgifterna bekräftade").wait_for()
    after = await store.role(ROLE)
    assert after.contacts[0].value == "08-465 004 99"  # the number on screen is what ...
    assert after.verified.at == dt.datetime.now(STOCKHOLM).date()  # ... was confirmed
    assert after.verified.by == who
    assert "senast bekräftad" in await page.locator(".verify-box").inner_text()
    await check(page, f"{name}-bekraftad")


@pytest.mark.parametrize("viewport", VIEWPORTS)
async def test_coordinator_verifies_edits_and_sees_gaps(browser, site, viewport):
    store = site.app[SERVICE].store
    page = await new_page(browser, site, viewport)
    await sign_in(page, site, "sam.samordnare")
    await closed_unit_comes_with_what_is_open(page, site, "chatt-samordnare")
    await visit(page, site, "/admin", "mina-uppgifter")
    # Every row's actions are on the screen, not off to the side.
    for label in ("Verifierad idag", "Historik"):
        box = await page.get_by_role("button" if label.startswith("Verifierad") else "link",
                                     name=re.compile(f"^{label}")).first.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], label
    # Verifying from the list says which entry was confirmed.
    await page.get_by_role("button", name=re.compile("^Verifierad idag")).first.click()
    flash = page.locator("p.flash")
    await flash.wait_for()
    assert "är bekräftad som korrekt i dag" in await flash.inner_text()
    await check(page, "mina-uppgifter-bekraftad")

    await unsaved_edits_are_never_verified_stale(page, site, "sam.samordnare", "andra-roll")

    # A shorter Friday leaves reports of concern without an open way: warned first.
    await page.locator("#f-hours-fri").fill("07:45-15:00")
    await page.get_by_role("button", name="Spara ändringarna").click()
    warning = page.locator("#luckor")
    await warning.wait_for()
    assert ("Fredag 15:00–16:00: ingen öppen väg för oro för att ett barn far illa "
            "(orosanmälan) i Falun") in await warning.inner_text()
    assert (await store.role(ROLE)).schedule.weekly.days[4] == ((465, 990),)  # not saved
    await check(page, "andra-roll-lucka")
    await warning.get_by_role("button", name="Spara ändå").click()
    await page.get_by_text("Ändringarna är sparade som en ny version").wait_for()

    await page.get_by_role("link", name="Historik och återställning").click()
    await page.get_by_role("heading", name=re.compile("^Historik")).wait_for()
    latest = await page.locator("table.diff").first.inner_text()
    assert "Öppettider fredag" in latest and "07:45–16:30" in latest and "07:45–15:00" in latest
    await check(page, "historik")
    await page.get_by_role("button", name=re.compile("Återställ till den här versionen")
                           ).first.click()
    await page.get_by_text("Den äldre versionen är återställd").wait_for()

    await visit(page, site, "/admin/vagar/Falun/sip", "lokal-vag")
    await visit(page, site, "/admin/rapporter", "rapporter")
    await visit(page, site, f"/admin/org/{'falun-kommun'}", "organisation")
    no_csp_errors(site)


# ---- admin -------------------------------------------------------------------------------


@pytest.mark.parametrize("viewport", VIEWPORTS)
async def test_admin_audits_coverage_log_and_questions(browser, site, viewport):
    reports = site.app[SERVICE].reports
    for _ in range(4):
        await reports.record_unanswered("barnpsyk")
    await site.app[SERVICE].store.verify_role(ROLE, "sam.samordnare")
    page = await new_page(browser, site, viewport)
    await sign_in(page, site, "anna.admin")
    await closed_unit_comes_with_what_is_open(page, site, "chatt-admin")
    await visit(page, site, "/admin/tackning", "tackning")
    matrix = page.get_by_role("table", name=re.compile("Täckning per ämne"))
    cells = await matrix.locator("td").count()
    assert cells == 15 * await matrix.locator("tbody tr").count()
    text = await matrix.inner_text()
    assert "täckt" in text and "✓" in text
    await visit(page, site, "/admin/aktualitet", "aktualitet")

    await visit(page, site, "/admin/logg", "logg")
    log = await page.locator("table.log").inner_text()
    assert "Loggade in" in log and "Bekräftade uppgifter som korrekta" in log
    assert not re.search(r"\b(login|verification\.verify|role\.restore)\b", log)
    entry = page.locator("table.log a[href='/admin/roles/falun-socialtjanst-barn']").first
    assert await entry.count() == 1
    assert await page.locator("table.log a[href*='/historik#version-']").count() >= 1

    await visit(page, site, "/admin/obesvarade", "obesvarade")
    question = page.locator("section.card", has_text="”barnpsyk”")
    labels = await question.locator("select[name=concept] option").all_inner_texts()
    assert not [x for x in labels if re.search(r"kind-|foralder|socialtjanst", x)], labels
    await question.get_by_label("Betyder samma som").select_option(
        label="Barn- och ungdomspsykiatri")
    await question.get_by_role("button", name="Lägg till synonym").click()
    await page.get_by_text("Namnet är tillagt för verksamheten").wait_for()
    await check(page, "obesvarade-klar")

    await visit(page, site, "/admin/anvandare", "anvandare")
    await visit(page, site, "/konto", "konto")
    await visit(page, site, "/admin", "admin-start")
    await visit(page, site, f"/admin/roles/{ROLE}", "andra-roll-admin")
    await unsaved_edits_are_never_verified_stale(page, site, "anna.admin", "andra-roll-admin")
    await visit(page, site, f"/admin/roles/{ROLE}/historik", "historik-admin")
    await visit(page, site, "/admin/org/kvinnojouren-falun", "organisation-admin")
    no_csp_errors(site)
