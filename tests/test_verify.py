"""One verification for every channel (issue 13): confirming an entry as correct also
resolves its open reports, in one transaction, whether it comes from Telegram's
"Stämmer", the web's "Verifierad idag" (the list button and the form) or the JSON API."""

from __future__ import annotations

import datetime as dt

import pytest
from test_web_support import OWN_ROLE, post, submit, web_env_fixture  # noqa: F401

from bot.engine import Engine
from directory.hours import STOCKHOLM
from directory.store import reports

DAY = dt.date(2026, 11, 24)


async def _open_reports(service, role_id: str) -> list:
    return [r for r in await service.reports.open_reports() if r.role_id == role_id]


async def _reported(service, role_id: str, n: int = 2) -> None:
    for reason in ("fel-nummer", "svarar-inte")[:n]:
        await service.reports.add_report(role_id, reason, "", None)
    assert len(await _open_reports(service, role_id)) == n


async def test_the_core_verifies_and_resolves_in_one_go(service):
    await _reported(service, OWN_ROLE)
    other = "mora-socialtjanst-barn"
    await _reported(service, other, 1)
    assert await service.verify(OWN_ROLE, "sam", DAY, via="test") == 2
    assert await _open_reports(service, OWN_ROLE) == []
    assert len(await _open_reports(service, other)) == 1  # only the verified role's
    role = await service.store.role(OWN_ROLE)
    assert role.verified.at == DAY and role.verified.by == "sam"
    resolved = await service.reports.report(1)
    assert resolved.status == "resolved" and resolved.resolved_by == "sam"
    assert resolved.resolution == "Bekräftad som korrekt via test"
    with pytest.raises(KeyError):
        await service.verify("finns-inte", "sam", DAY, via="test")


async def test_a_failure_leaves_neither_half(service, monkeypatch):
    await _reported(service, OWN_ROLE)
    before = await service.store.role(OWN_ROLE)
    versions = len(await service.store.versions(None, OWN_ROLE))

    def broken(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(reports, "resolve_reports", broken)
    with pytest.raises(RuntimeError):
        await service.verify(OWN_ROLE, "sam", DAY, via="test")
    assert (await service.store.role(OWN_ROLE)).verified == before.verified
    assert len(await service.store.versions(None, OWN_ROLE)) == versions
    assert len(await _open_reports(service, OWN_ROLE)) == 2


async def test_telegram_stammer_resolves_open_reports(service):
    await _reported(service, OWN_ROLE)
    night = dt.datetime(2026, 11, 24, 23, 30, tzinfo=STOCKHOLM)
    engine = Engine(service, clock=lambda: night)
    coordinator = await service.people.add_user("sam", "coordinator", ["falun-kommun"])
    out = await engine.on_button(coordinator, f"ok:{OWN_ROLE}")
    assert "bekräftad" in out.reply.text
    assert await _open_reports(service, OWN_ROLE) == []
    assert (await service.reports.report(1)).resolution == \
        "Bekräftad som korrekt via Stämmer"


async def test_the_web_list_button_resolves_open_reports(web_env):
    await _reported(web_env.service, OWN_ROLE)
    client = await web_env.signed_in("coordinator", name="samordnare-falun")
    resp = await post(client, f"/admin/roles/{OWN_ROLE}/verifiera")
    assert resp.status == 200
    assert await _open_reports(web_env.service, OWN_ROLE) == []


async def test_the_web_form_verify_resolves_open_reports(web_env):
    await _reported(web_env.service, OWN_ROLE)
    client = await web_env.signed_in("coordinator", name="samordnare-falun")
    edit = f"/admin/roles/{OWN_ROLE}"
    bad = await submit(client, edit, edit, {"action": "verify", "c-0-value": "070-12"})
    assert bad.status == 400  # nothing saved, nothing verified, nothing resolved
    assert len(await _open_reports(web_env.service, OWN_ROLE)) == 2
    resp = await submit(client, edit, edit, {"action": "verify"})
    assert "Bekräftad som korrekt i dag" in await resp.text()
    assert await _open_reports(web_env.service, OWN_ROLE) == []
    # A plain save resolves nothing: saving is not verifying.
    await _reported(web_env.service, "falun-socialtjanst-barn", 1)
    await submit(client, edit, edit, {"action": "save"})
    assert len(await _open_reports(web_env.service, OWN_ROLE)) == 1


async def test_the_api_verify_resolves_open_reports(web_env):
    await _reported(web_env.service, OWN_ROLE)
    client = await web_env.signed_in("coordinator", name="sam")
    me = await (await client.get("/api/me")).json()
    resp = await client.post(f"/api/roles/{OWN_ROLE}/verify",
                             headers={"X-CSRF-Token": me["csrf_token"]})
    assert resp.status == 200
    assert await resp.json() == {"role_id": OWN_ROLE,
                                 "verified": dt.datetime.now(STOCKHOLM).date().isoformat(),
                                 "by": "sam"}
    assert await _open_reports(web_env.service, OWN_ROLE) == []
