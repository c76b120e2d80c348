"""The pages in a real browser: Playwright driving Debian's chromium, axe-core on every page.

The server runs in-process on a free loopback port. Every page visited is checked with
axe-core (0 serious or critical violations) and saved as a screenshot in tests/artifacts/.
Skipped, with the reason, when /usr/bin/chromium or node_modules/axe-core is missing
(`.ci/install-browser` installs both).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp import web
from cryptography.fernet import Fernet

from bot.passwords import hash_password
from bot.server import SERVICE, create_app
from bot.settings import PROJECT_ROOT, Settings

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
PASSWORD = "webbläsar-testlösenord-1"
ROLE = "falun-socialtjanst-barn"

if not CHROMIUM.exists():
    pytest.skip("chromium saknas (/usr/bin/chromium): kör .ci/install-browser",
                allow_module_level=True)
if not AXE.exists():
    pytest.skip("axe-core saknas: kör npm ci --prefix tests/browser", allow_module_level=True)
playwright_api = pytest.importorskip("playwright.async_api")


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
    """axe-core on the page as it is now (0 serious/critical), and a screenshot."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.evaluate(AXE.read_text(encoding="utf-8"))
    result = await page.evaluate(
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))")
    bad = [v for v in result if v["impact"] in ("serious", "critical")]
    assert not bad, f"{name}: axe: {bad}"


def no_csp_errors(site: Site) -> None:
    blocked = [m for m in site.console if "Content Security Policy" in m]
    assert not blocked, blocked


async def test_sign_in_and_chat_on_a_phone(browser, site):
    page = await new_page(browser, site, PHONE)
    await page.goto(site.base + "/")
    assert "/login" in page.url
    await check(page, "login-telefon")
    # The skip link is the first thing the keyboard reaches.
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.textContent") == "Hoppa till innehållet"
    await sign_in(page, site, "per.personal")
    await check(page, "chatt-tom-telefon")
    await page.get_by_label("Din fråga").fill("orosanmälan Mora")
    await page.get_by_role("button", name="Fråga", exact=True).click()
    reply = page.locator("li.msg.theirs").last
    await reply.wait_for()
    assert "Oro för att ett barn far illa" in await reply.inner_text()
    assert page.url == site.base + "/"  # answered in place, by the script
    await check(page, "chatt-svar-telefon")
    await page.get_by_role("button", name="Vad ska jag göra?").last.click()
    await page.locator("li.msg.theirs").nth(1).wait_for()
    assert "Vad ska jag göra?" in await page.locator("li.msg.theirs").last.inner_text()
    await page.get_by_role("button", name="Fler vägar").first.click()
    await page.locator("li.msg.theirs").nth(2).wait_for()
    await check(page, "chatt-knappar-telefon")
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


async def test_directory_browser(browser, site):
    page = await new_page(browser, site, DESKTOP)
    await sign_in(page, site, "per.personal")
    await page.goto(site.base + "/katalog")
    await check(page, "katalog")
    await page.get_by_role("link", name="Malung-Sälen").click()
    await page.get_by_role("heading", name="Kontaktvägar i Malung-Sälen").wait_for()
    await check(page, "katalog-kommun")
    await page.goto(site.base + "/katalog/amne/akut-skydd?kommun=Avesta")
    await check(page, "katalog-amne")
    await page.get_by_role("link", name=re.compile("Rapportera fel uppgift")).first.click()
    await check(page, "rapport")
    await page.get_by_label("Svarar inte").check()
    await page.get_by_role("button", name="Skicka rapporten").click()
    await page.get_by_text("Tack! Rapporten är skickad").wait_for()
    no_csp_errors(site)


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


async def test_edit_restore_and_verify(browser, site):
    page = await new_page(browser, site, DESKTOP)
    await sign_in(page, site, "sam.samordnare")
    await page.goto(site.base + "/admin")
    await check(page, "mina-uppgifter")
    await page.goto(f"{site.base}/admin/roles/{ROLE}")
    name = page.locator("#f-name")
    original = await name.input_value()
    # A wrong phone number: the form comes back with the reason next to the field.
    phone = page.locator("#f-c-0-value")
    await phone.fill("070-12")
    await name.fill("Ändrat namn i webbläsaren")
    await page.get_by_role("button", name="Spara ändringarna").click()
    await page.locator("#f-c-0-value-error").wait_for()
    assert await name.input_value() == "Ändrat namn i webbläsaren"
    assert await phone.get_attribute("aria-invalid") == "true"
    await check(page, "andra-roll-fel")
    await phone.fill("08-465 004 08")
    await page.get_by_role("button", name="Spara ändringarna").click()
    await page.get_by_text("Ändringarna är sparade som en ny version").wait_for()
    await check(page, "andra-roll")
    await page.get_by_role("link", name="Historik och återställning").click()
    await page.get_by_role("heading", name=re.compile("^Historik")).wait_for()
    assert "Ändrat namn i webbläsaren" in await page.locator("table.diff").first.inner_text()
    await check(page, "historik")
    await page.get_by_role("button", name=re.compile("Återställ till den här versionen")
                           ).first.click()
    await page.get_by_text("Den äldre versionen är återställd").wait_for()
    await page.goto(f"{site.base}/admin/roles/{ROLE}")
    assert await page.locator("#f-name").input_value() == original
    await page.get_by_role("button", name=re.compile("^Verifierad idag")).click()
    await page.get_by_text("Bekräftad som korrekt i dag").wait_for()
    assert "senast bekräftad" in await page.locator(".verify-box").inner_text()
    await page.goto(site.base + "/admin/vagar/Falun/sip")
    await check(page, "lokal-vag")
    await page.goto(site.base + "/admin/rapporter")
    await check(page, "rapporter")
    no_csp_errors(site)


async def test_admin_pages_and_coverage_matrix(browser, site):
    await site.app[SERVICE].people.record_unanswered("någon knuffades i trappan")
    for label, viewport in (("dator", DESKTOP), ("telefon", PHONE)):
        page = await new_page(browser, site, viewport)
        await sign_in(page, site, "anna.admin")
        await page.goto(site.base + "/admin/tackning")
        matrix = page.get_by_role("table", name=re.compile("Täckning per ämne"))
        await matrix.wait_for()
        cells = await matrix.locator("td").count()
        assert cells == 15 * await matrix.locator("tbody tr").count()
        text = await matrix.inner_text()
        assert "täckt" in text and "✓" in text
        await check(page, f"tackning-{label}")
        for path, name in (("/admin/aktualitet", "aktualitet"), ("/admin/logg", "logg"),
                           ("/admin/obesvarade", "obesvarade"),
                           ("/admin/anvandare", "anvandare"), ("/konto", "konto"),
                           (f"/admin/roles/{ROLE}", "andra-roll-admin"),
                           ("/admin/org/kvinnojouren-falun", "organisation-admin")):
            await page.goto(site.base + path)
            await check(page, f"{name}-{label}")
        await page.context.close()
    no_csp_errors(site)
