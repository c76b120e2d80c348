"""The JSON API: /api/ask is the ask contract, entries, reports, tokens, the OpenAPI document."""

from __future__ import annotations

import re

from test_web_support import OTHER_ROLE, OWN_ROLE, post, web_env_fixture  # noqa: F401

from bot.web.core import ROUTE_LEVELS
from directory.ask import parse_moment

NIGHT = "2026-11-24T23:30:00+01:00"
DAY = "2026-11-24T10:00:00+01:00"
CONTRACT_KEYS = {"query", "understood", "clarify", "route", "checklist", "alternatives"}
STEP_KEYS = {"step", "kind", "role_id", "name", "organisation", "open_now", "opens", "contacts",
             "why", "verified", "stale"}


async def csrf_header(client) -> dict[str, str]:
    me = await (await client.get("/api/me")).json()
    return {"X-CSRF-Token": me["csrf_token"]}


async def test_ask_is_exactly_the_contract(web_env):
    client = await web_env.signed_in("staff")
    headers = await csrf_header(client)
    for question, at in (("orosanmälan Mora", NIGHT), ("orosanmälan Mora", DAY),
                         ("våldtäkt Falun", NIGHT), ("människohandel", DAY)):
        resp = await client.post("/api/ask", json={"q": question, "at": at}, headers=headers)
        assert resp.status == 200
        assert resp.headers["Content-Type"].startswith("application/json")
        got = await resp.json()
        expected = (await web_env.service.ask(question, parse_moment(at))).to_json()
        assert got == expected
        assert set(got) >= CONTRACT_KEYS
        assert {"topic", "municipality", "at", "confidence"} <= set(got["understood"])
        for step in got["route"]:
            assert set(step) >= STEP_KEYS
    night = await (await client.post("/api/ask", json={"q": "orosanmälan Mora", "at": NIGHT},
                                     headers=headers)).json()
    day = await (await client.post("/api/ask", json={"q": "orosanmälan Mora", "at": DAY},
                                   headers=headers)).json()
    assert night["understood"]["topic"] == "barn-far-illa"
    assert night["understood"]["municipality"] == "Mora"
    assert night["route"][0]["kind"] == "socialjour"
    assert day["route"][0]["kind"] == "socialtjanst-barn"


async def test_ask_for_an_asker(web_env):
    client = await web_env.signed_in("staff")
    headers = await csrf_header(client)
    got = await (await client.post("/api/ask", headers=headers, json={
        "q": "våldsutsatt kvinna Falun", "at": DAY, "asker": "socialtjanst"})).json()
    assert got["asker"] == "socialtjanst"
    assert got == (await web_env.service.ask("våldsutsatt kvinna Falun", parse_moment(DAY),
                                             asker="socialtjanst")).to_json()


async def test_ask_with_default_municipality_and_redaction(web_env):
    client = await web_env.signed_in("staff")
    headers = await csrf_header(client)
    got = await (await client.post("/api/ask", headers=headers, json={
        "q": "orosanmälan 19121212-1212", "at": DAY, "kommun": "falun"})).json()
    assert got["understood"]["municipality"] == "Falun"
    assert "19121212-1212" not in got["query"] and "[personnummer]" in got["query"]


async def test_ask_errors(web_env):
    client = await web_env.signed_in("staff")
    headers = await csrf_header(client)
    cases = [({"at": DAY}, "q"), ({"q": ""}, "q"), ({"q": "x" * 2001}, "2000"),
             ({"q": "orosanmälan", "at": "i morgon"}, "ISO 8601"),
             ({"q": "orosanmälan", "kommun": "Atlantis"}, "okänd kommun"),
             ({"q": "orosanmälan", "at": 5}, "ISO 8601"),
             ({"q": "orosanmälan", "asker": "polisen"}, "asker"),
             ({"q": "orosanmälan", "asker": 3}, "asker")]
    for body, word in cases:
        resp = await client.post("/api/ask", json=body, headers=headers)
        assert resp.status == 400, body
        assert word in (await resp.json())["error"]
    for raw in ("inte json", "[1, 2]"):
        resp = await client.post("/api/ask", data=raw, headers={
            **headers, "Content-Type": "application/json"})
        assert resp.status == 400


async def test_unanswered_questions_are_kept_redacted(web_env):
    client = await web_env.signed_in("staff")
    await client.post("/api/ask", json={"q": "var ligger matsalen 19121212-1212"},
                      headers=await csrf_header(client))
    kept = [r["query"] for r in await web_env.service.reports.unanswered()]
    assert kept == ["var ligger matsalen [personnummer]"]


async def test_bearer_token_lifecycle(web_env):
    client = await web_env.signed_in("staff", name="kim")
    resp = await post(client, "/konto/nycklar", {"token_name": "Övervakning"}, page="/konto")
    html = await resp.text()
    token = re.search(r'<code class="token">(kv_[^<]+)</code>', html).group(1)
    anonymous = await web_env.client()
    auth = {"Authorization": f"Bearer {token}"}
    me = await (await anonymous.get("/api/me", headers=auth)).json()
    assert me["name"] == "kim" and "csrf_token" not in me
    # No CSRF header needed: a bearer token is not an ambient credential.
    resp = await anonymous.post("/api/ask", json={"q": "orosanmälan Mora"}, headers=auth)
    assert resp.status == 200
    # A token never opens the HTML pages.
    page = await anonymous.get("/", headers=auth, allow_redirects=False)
    assert page.status == 303
    listed = await (await client.get("/konto")).text()
    assert "Övervakning" in listed and token not in listed  # shown once only
    token_id = re.search(r"/konto/nycklar/(\d+)/aterkalla", listed).group(1)
    await post(client, f"/konto/nycklar/{token_id}/aterkalla", page="/konto")
    revoked = await anonymous.get("/api/me", headers=auth)
    assert revoked.status == 401
    wrong = await anonymous.get("/api/me", headers={"Authorization": "Bearer kv_fel"})
    assert wrong.status == 401
    actions = [r.action for r in await web_env.service.people.audit_log("kim")]
    assert "token.create" in actions and "token.revoke" in actions


async def test_token_of_a_deactivated_user_stops_working(web_env):
    client = await web_env.signed_in("staff", name="kim")
    html = await (await post(client, "/konto/nycklar", {"token_name": "x"}, page="/konto")
                  ).text()
    token = re.search(r"(kv_[A-Za-z0-9_-]+)", html).group(1)
    kim = await web_env.service.people.user_by_name("kim")
    await web_env.service.people.set_active(kim.id, False, "test")
    anonymous = await web_env.client()
    assert (await anonymous.get("/api/me", headers={"Authorization": f"Bearer {token}"})
            ).status == 401


async def test_roles_list_and_detail_without_protected_fields(web_env):
    client = await web_env.signed_in("staff")
    listed = await (await client.get("/api/roles?kommun=Mora")).json()
    ids = {r["id"] for r in listed["roles"]}
    assert OTHER_ROLE in ids and OWN_ROLE not in ids
    assert all("Mora" in r["serves"] for r in listed["roles"])
    kinds = await (await client.get("/api/roles?kind=socialjour")).json()
    assert {r["kind"] for r in kinds["roles"]} == {"socialjour"}
    assert (await client.get("/api/roles?kommun=Atlantis")).status == 400
    detail = await (await client.get("/api/roles/kvinnojour-falun")).json()
    assert detail["id"] == "kvinnojour-falun" and detail["document"]["contacts"]
    assert "protected" not in detail["document"]
    role = await web_env.service.store.role("kvinnojour-falun", with_protected=True)
    body = await (await client.get("/api/roles/kvinnojour-falun")).text()
    assert dict(role.protected)["kodord"] not in body
    missing = await client.get("/api/roles/finns-inte")
    assert missing.status == 404 and "error" in await missing.json()


async def test_reports_through_the_api(web_env):
    staff = await web_env.signed_in("staff")
    headers = await csrf_header(staff)
    resp = await staff.post("/api/reports", headers=headers, json={
        "role_id": OWN_ROLE, "reason": "fel-nummer", "note": "Fel växel"})
    assert resp.status == 201
    report = await resp.json()
    assert report["role_id"] == OWN_ROLE and report["status"] == "open"
    for body in ({"role_id": "nej", "reason": "fel-nummer"},
                 {"role_id": OWN_ROLE, "reason": "tråkig"},
                 {"role_id": OWN_ROLE, "reason": "annat", "note": 5}):
        assert (await staff.post("/api/reports", json=body, headers=headers)).status == 400
    assert (await staff.get("/api/reports")).status == 403
    await web_env.service.reports.add_report(OTHER_ROLE, "annat", "Mora", None)
    coordinator = await web_env.signed_in("coordinator")
    reports = (await (await coordinator.get("/api/reports")).json())["reports"]
    assert [r["role_id"] for r in reports] == [OWN_ROLE]


async def test_verify_through_the_api(web_env):
    coordinator = await web_env.signed_in("coordinator", name="sam")
    headers = await csrf_header(coordinator)
    resp = await coordinator.post(f"/api/roles/{OWN_ROLE}/verify", headers=headers)
    assert resp.status == 200 and (await resp.json())["by"] == "sam"
    other = await coordinator.post(f"/api/roles/{OTHER_ROLE}/verify", headers=headers)
    assert other.status == 403


async def test_openapi_document(web_env):
    client = await web_env.signed_in("staff")
    resp = await client.get("/api/openapi.json")
    assert resp.status == 200
    doc = await resp.json()
    assert doc["openapi"].startswith("3.")
    assert doc["info"]["title"] and "Bearer" in doc["info"]["description"]
    assert {"bearer", "session"} == set(doc["components"]["securitySchemes"])
    documented = {(path, method.upper()) for path, ops in doc["paths"].items()
                  for method in ops}
    for route in web_env.app[ROUTE_LEVELS]:
        path = route.resource.canonical
        if path.startswith("/api/"):
            assert (path, route.method) in documented, path
    for (path, method) in documented:
        op = doc["paths"][path][method.lower()]
        assert op["responses"] and op["summary"]
    refs = re.findall(r'"\$ref": "#/components/schemas/(\w+)"', await resp.text())
    assert set(refs) <= set(doc["components"]["schemas"])


async def test_openapi_document_is_valid_openapi(web_env):
    import schemathesis

    client = await web_env.signed_in("staff")
    doc = await (await client.get("/api/openapi.json")).json()
    schema = schemathesis.openapi.from_dict(doc)
    operations = [op.ok() for op in schema.get_all_operations()]
    assert len(operations) == sum(len(v) for v in doc["paths"].values())


async def test_patch_role_edits_after_commit_and_respects_ownership(aiohttp_client, demo_db):
    """PATCH /api/roles/{id}: a version per edit, own organisation only, bad fields refused."""
    from bot.keys import SERVICE
    from bot.server import create_app
    from bot.settings import Settings
    from tests.conftest import DATA

    client = await aiohttp_client(create_app(Settings(db_path=demo_db, demo_data=DATA)))
    service = client.app[SERVICE]
    user = await service.people.add_user("samordnare-api", "coordinator", ["mora-kommun"])
    headers = {"Authorization": f"Bearer {await service.create_token(user, 'test')}"}
    before = await service.store.role("mora-socialtjanst-barn")
    tag = (await client.get("/api/roles/mora-socialtjanst-barn", headers=headers)
           ).headers["ETag"]
    r = await client.patch("/api/roles/mora-socialtjanst-barn",
                           headers={**headers, "If-Match": tag},
                           json={"instructions": "Ring mottagningen först."})
    assert r.status == 200 and r.headers["ETag"] != tag
    headers["If-Match"] = r.headers["ETag"]
    body = await r.json()
    assert body["document"]["instructions"] == "Ring mottagningen först."
    saved = await service.store.role("mora-socialtjanst-barn")
    assert saved.instructions == "Ring mottagningen först." and saved.verified == before.verified
    assert (await service.store.versions("role", saved.id, limit=1))[0].id == body["version"]
    r = await client.patch("/api/roles/falun-socialtjanst-barn", headers=headers,
                           json={"instructions": "x"})
    assert r.status == 403
    for bad in ({"verified": {"at": "2030-01-01"}}, {"hours": {"mon": "25:00-26:00"}}):
        r = await client.patch("/api/roles/mora-socialtjanst-barn", headers=headers, json=bad)
        assert r.status == 400
    assert (await service.store.role(saved.id)).instructions == "Ring mottagningen först."


# -- hostile bodies and ids: 400/404/413, never 500 (issue 11) -----------------------------

async def test_hostile_json_bodies_are_refused_with_a_reason(web_env):
    client = await web_env.signed_in("staff")
    headers = {**await csrf_header(client), "Content-Type": "application/json"}
    bodies = {
        "nested": '{"q": ' + "[" * 30_000 + "]" * 30_000 + "}",
        "nested-shallow": '{"q": "x", "a": ' + "[" * 40 + "]" * 40 + "}",
        "lone surrogate": '{"q": "orosanmälan \\ud800 Mora"}',
        "lone surrogate key": '{"\\udfff": 1, "q": "orosanmälan"}',
        "huge int": '{"q": "orosanmälan", "at": ' + "9" * 5000 + "}",
        "long int": '{"q": "orosanmälan", "kommun": ' + "1" * 25 + "}",
        "huge float": '{"q": "orosanmälan", "at": 1e999}',
        "nan": '{"q": "orosanmälan", "at": NaN}',
        "nul": '{"q": "orosanmälan\\u0000 Mora"}',
        "not utf-8": b'{"q": "orosanm\xe4lan"}',
    }
    for name, raw in bodies.items():
        resp = await client.post("/api/ask", data=raw, headers=headers)
        assert resp.status == 400, name
        assert (await resp.json())["error"], name
    big = '{"q": "' + "x" * 70_000 + '"}'
    resp = await client.post("/api/ask", data=big, headers=headers)
    assert resp.status == 413 and "kB" in (await resp.json())["error"]


async def test_odd_ids_are_404_not_500(web_env):
    admin = await web_env.signed_in("admin")
    csrf = await (await admin.get("/api/me")).json()
    for odd in ("²", "²²", "٣", "1" * 25, "9" * 19, "-1", "1e3", "0x1"):
        for path in (f"/admin/obesvarade/{odd}/hanterad", f"/admin/obesvarade/{odd}/synonym",
                     f"/admin/anvandare/{odd}/aktiv", f"/admin/rapporter/{odd}",
                     f"/admin/versioner/{odd}/aterstall", f"/konto/nycklar/{odd}/aterkalla"):
            resp = await admin.post(path, data={"csrf_token": csrf["csrf_token"]},
                                    allow_redirects=False)
            assert resp.status == 404, (path, resp.status)
    for odd in ("1" * 25, "²", "x" * 3000):
        assert (await admin.get(f"/api/roles/{odd}")).status == 404
    # the largest id that fits is simply not found
    resp = await admin.post("/admin/rapporter/" + "9" * 18,
                            data={"csrf_token": csrf["csrf_token"]}, allow_redirects=False)
    assert resp.status == 404


# -- optimistic concurrency and the shared validator through the API (issue 11) ------------

async def _api_coordinator(web_env, name: str, orgs: tuple[str, ...]) -> dict[str, str]:

    user = await web_env.user(name, "coordinator", orgs)
    return {"Authorization": f"Bearer {await web_env.service.create_token(user, name)}"}


async def test_patch_needs_if_match_and_a_stale_one_is_412(web_env):
    client = await web_env.client()
    auth = await _api_coordinator(web_env, "api-falun", ("falun-kommun",))
    url = f"/api/roles/{OWN_ROLE}"
    got = await client.get(url, headers=auth)
    tag = got.headers["ETag"]
    assert tag == f'"v{(await got.json())["version"]}"'
    for headers, status in (({}, 428), ({"If-Match": "*"}, 428),
                            ({"If-Match": '"v0"'}, 412), ({"If-Match": "skräp"}, 412)):
        resp = await client.patch(url, json={"instructions": "x"}, headers={**auth, **headers})
        assert resp.status == status, headers
        assert (await resp.json())["error"]
    first = await client.patch(url, json={"instructions": "Först."},
                               headers={**auth, "If-Match": tag})
    assert first.status == 200
    stale = await client.patch(url, json={"name": "Senare"}, headers={**auth, "If-Match": tag})
    assert stale.status == 412 and stale.headers["ETag"] == first.headers["ETag"]
    body = await stale.json()
    assert body["document"]["instructions"] == "Först." and "ändrats" in body["error"]
    assert (await web_env.service.store.role(OWN_ROLE)).name != "Senare"
    doc = await (await client.get("/api/openapi.json", headers=auth)).json()
    patch = doc["paths"]["/api/roles/{role_id}"]["patch"]
    assert {"412", "428"} <= set(patch["responses"]) and "If-Match" in patch["description"]


async def test_concurrent_patches_on_different_fields_both_survive(web_env):
    import asyncio

    client = await web_env.client()
    auth = await _api_coordinator(web_env, "api-falun", ("falun-kommun",))
    url = f"/api/roles/{OWN_ROLE}"

    async def edit(field: str, value: str) -> int:
        refused = 0
        while True:
            tag = (await client.get(url, headers=auth)).headers["ETag"]
            resp = await client.patch(url, json={field: value},
                                      headers={**auth, "If-Match": tag})
            if resp.status == 200:
                return refused
            assert resp.status == 412
            refused += 1

    for i in range(10):
        await asyncio.gather(edit("name", f"Barn och unga {i}"),
                             edit("instructions", f"Instruktion {i}"))
        role = await web_env.service.store.role(OWN_ROLE)
        assert (role.name, role.instructions) == (f"Barn och unga {i}", f"Instruktion {i}")


async def test_the_api_refuses_what_the_form_refuses(web_env):
    client = await web_env.client()
    auth = await _api_coordinator(web_env, "api-jour", ("kvinnojouren-falun",))
    url = "/api/roles/kvinnojour-falun"
    cases = [({"serves": ["Falun", "Mora"]}, "får inte ge vägar i Mora"),
             ({"serves": ["Atlantis"]}, "Okänd kommun"),
             ({"contacts": []}, "minst en kontaktväg"),
             ({"name": "x" * 5000}, "Högst 120 tecken"),
             ({"instructions": "Fråga efter 811218-9876"}, "personnumret"),
             ({"name": "Jour\u0007en"}, "styrtecken"),
             ({"name": "Jour\x00en"}, "NUL")]
    for body, reason in cases:
        tag = (await client.get(url, headers=auth)).headers["ETag"]
        resp = await client.patch(url, json=body, headers={**auth, "If-Match": tag})
        assert resp.status == 400, body
        assert reason in (await resp.json())["error"], (body, await resp.json())
    role = await web_env.service.store.role("kvinnojour-falun")
    assert role.serves in (None, ("Falun",)) and role.contacts


async def test_asks_and_reports_are_limited_per_user_with_retry_after(
        demo_db, aiohttp_server, aiohttp_client):
    from test_web_support import Web, settings_for

    from bot.server import create_app

    app = create_app(settings_for(demo_db, asks_per_minute=5, reports_per_hour=3))
    env = Web(app, await aiohttp_server(app), aiohttp_client)
    client = await env.client()
    auth = await _api_coordinator(env, "api-falun", ("falun-kommun",))
    second_key = await _api_coordinator(env, "api-falun", ("falun-kommun",))
    statuses = []
    for i in range(7):  # two keys of one user share one budget
        resp = await client.post("/api/ask", json={"q": f"var ligger matsalen {i}"},
                                 headers=auth if i % 2 else second_key)
        statuses.append(resp.status)
    assert statuses == [200] * 5 + [429, 429]
    assert 1 <= int(resp.headers["Retry-After"]) <= 60 and "Vänta" in (await resp.json())["error"]
    assert len(await env.service.reports.unanswered()) == 5  # nothing kept past the limit
    other = await _api_coordinator(env, "api-mora", ("mora-kommun",))
    assert (await client.post("/api/ask", json={"q": "x"}, headers=other)).status == 200
    report = {"role_id": OWN_ROLE, "reason": "fel-nummer"}
    got = [(await client.post("/api/reports", json=report, headers=auth)).status
           for _ in range(4)]
    assert got == [201, 201, 201, 429]


async def test_the_unanswered_page_is_paginated(web_env):
    for i in range(120):
        await web_env.service.reports.record_unanswered(f"obesvarad fråga nummer {i:03d}")
    admin = await web_env.signed_in("admin")
    first = await (await admin.get("/admin/obesvarade")).text()
    assert first.count('class="card"') == 50 and "Sida 1 av 3 (120 frågor)" in first
    assert 'href="/admin/obesvarade?sida=2"' in first
    last = await (await admin.get("/admin/obesvarade?sida=3")).text()
    assert last.count('class="card"') == 20 and "Föregående sida" in last
    for odd in ("0", "-1", "²", "9" * 30, "x"):
        assert (await admin.get(f"/admin/obesvarade?sida={odd}")).status == 200


async def test_an_error_never_echoes_an_identity_number(web_env):
    """What the caller sent in a field that is wrong is named in the error, redacted: a
    personnummer typed into the wrong field does not come back (issue 11)."""
    client = await web_env.signed_in("staff")
    csrf = {"X-CSRF-Token": (await (await client.get("/api/me")).json())["csrf_token"]}
    for written in ("811218\u20119876", "81.12.18-9876", "\uff18\uff11\uff11\uff12\uff11\uff18"
                    "-9876"):
        for body in ({"q": "orosanmälan", "kommun": written},
                     {"q": "orosanmälan", "at": written},
                     {"q": "orosanmälan", "asker": written}):
            resp = await client.post("/api/ask", json=body, headers=csrf)
            text = await resp.text()
            assert resp.status == 400 and "[personnummer]" in text, (body, text)
            assert "9876" not in text, (body, text)
        resp = await client.get("/api/roles", params={"kommun": written})
        assert resp.status == 400 and "9876" not in await resp.text()
