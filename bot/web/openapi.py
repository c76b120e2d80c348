"""The OpenAPI 3.1 document of the JSON API, served at /api/openapi.json."""

from __future__ import annotations

from typing import Any

from directory.vocabulary import (
    Asker,
    FreshnessState,
    HolidayMode,
    ReportReason,
    Status,
    UserRole,
    values,
)

AUTH_TEXT = (
    "Två sätt att autentisera sig:\n\n"
    "1. **API-nyckel** (för skript och integrationer): skapa en på sidan /konto och skicka "
    "den som `Authorization: Bearer kv_…`. Nyckeln gäller som ditt konto, med samma "
    "behörighet, tills du återkallar den. Ingen CSRF-token behövs.\n"
    "2. **Inloggad session** (webbläsaren): kakan från /login. Skicka då också "
    "`X-CSRF-Token` på POST; token finns i `GET /api/me`.\n\n"
    "Skyddade uppgifter (t.ex. adressen till ett skyddat boende) finns aldrig i API:t.\n\n"
    "Gränser per konto (alla dess nycklar och inloggningar tillsammans): frågor och "
    "rapporter har en högsta takt; över den svarar API:t **429** med `Retry-After` "
    "(sekunder). En kropp får vara högst 64 kB JSON."
)

ERROR = {"type": "object", "required": ["error"],
         "properties": {"error": {"type": "string", "description": "Orsaken, på svenska"}}}


def _err(text: str) -> dict[str, Any]:
    return {"description": text, "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Error"}}}}


def _ok(text: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": text, "content": {"application/json": {"schema": schema}}}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


NULLABLE_STR = {"type": ["string", "null"]}

SCHEMAS: dict[str, Any] = {
    "Error": ERROR,
    "AskRequest": {
        "type": "object", "required": ["q"], "additionalProperties": False,
        "properties": {
            "q": {"type": "string", "minLength": 1, "maxLength": 2000,
                  "description": "Frågan, t.ex. \"orosanmälan Mora\""},
            "at": {"type": "string", "format": "date-time",
                   "description": "Tidpunkten (ISO 8601); utan tidszon: svensk tid. "
                                  "Standard: nu."},
            "kommun": {"type": "string", "description": "Förvald kommun när frågan inte "
                                                        "nämner någon"},
            "asker": {"type": "string", "enum": list(values(Asker)),
                      "description": "Vem som frågar: väljer checklistans rader. Utan: alla "
                                     "rader, märkta med vem de gäller."},
        },
    },
    "AskAnswer": {
        "type": "object",
        "description": "Svaret enligt kontraktet ask-json.md (fält läggs bara till).",
        "required": ["query", "understood", "clarify", "route", "checklist", "alternatives"],
        "properties": {
            "query": {"type": "string"},
            "understood": {"type": "object", "required": ["topic", "municipality", "at",
                                                          "confidence"],
                           "properties": {"topic": NULLABLE_STR, "municipality": NULLABLE_STR,
                                          "at": {"type": "string"},
                                          "confidence": {"type": "number"},
                                          "municipality_from": {"type": "string"},
                                          "danger": {"type": "boolean"}}},
            "clarify": {"type": ["object", "null"]},
            "route": {"type": "array", "items": _ref("RouteStep")},
            "left_out": {"type": "integer", "minimum": 0,
                         "description": "Roller som vägen inte listar (högst tre per steg "
                                        "och tio steg visas)"},
            "checklist": {"type": "array", "items": {"type": "string"}},
            "alternatives": {"type": "array", "items": {
                "type": "object", "properties": {"topic": {"type": "string"},
                                                 "score": {"type": "number"}}}},
            "demo": {"type": "boolean"}, "redacted": {"type": "boolean"},
            "local_path": {"type": "boolean"},
            "notices": {"type": "array", "items": {"type": "string"}},
            "asker": NULLABLE_STR,
            "checklist_items": {"type": "array", "items": {
                "type": "object", "properties": {
                    "text": {"type": "string"},
                    "sources": {"type": "array", "items": {"type": "string"}},
                    "askers": {"type": "array", "items": {"type": "string"}}}}},
            "sources": {"type": "array", "items": _ref("LegalSource")},
            "agreement": {"oneOf": [{"type": "null"}, _ref("Agreement")]},
            "agreement_note": NULLABLE_STR,
            "deviations": NULLABLE_STR,
        },
    },
    "LegalSource": {
        "type": "object", "description": "Ett lagrum som svaret bygger på.",
        "properties": {"id": {"type": "string"}, "citation": {"type": "string"},
                       "act": {"type": "string"}, "section": NULLABLE_STR,
                       "checked": {"type": "string", "format": "date"},
                       "url": NULLABLE_STR},
    },
    "Agreement": {
        "type": "object", "description": "Den lokala överenskommelse vars väg svaret följer.",
        "properties": {"scope": NULLABLE_STR, "title": {"type": "string"},
                       "url": NULLABLE_STR, "signed": NULLABLE_STR, "review": NULLABLE_STR,
                       "overdue": {"type": "boolean"}, "text": {"type": "string"}},
    },
    "RouteStep": {
        "type": "object",
        "required": ["step", "kind", "role_id", "name", "organisation", "open_now", "opens",
                     "contacts", "why", "verified", "stale"],
        "properties": {
            "step": {"type": "integer"}, "kind": {"type": "string"},
            "role_id": {"type": "string"}, "name": {"type": "string"},
            "organisation": {"type": "string"}, "open_now": {"type": "boolean"},
            "opens": NULLABLE_STR, "closes": NULLABLE_STR,
            "contacts": {"type": "array", "items": {"type": "object", "properties": {
                "channel": {"type": "string"}, "value": {"type": "string"},
                "label": {"type": "string"}, "open_now": {"type": "boolean"}}}},
            "why": {"type": "string"}, "instructions": {"type": "string"},
            "notice": NULLABLE_STR, "verified": NULLABLE_STR, "stale": {"type": "boolean"},
            "freshness": {"type": "string"}, "demo": {"type": "boolean"},
            "left_out": {"type": "integer", "minimum": 0,
                         "description": "Fler roller av samma steg som inte listas"},
            "sources": {"type": "array", "items": {"type": "string"},
                        "description": "Lagrum (id) som motiveringen och instruktionerna "
                                       "bygger på; se svarets sources"},
        },
    },
    "RoleSummary": {
        "type": "object",
        "required": ["id", "name", "kind", "organisation", "status", "serves", "open_now",
                     "freshness"],
        "properties": {
            "id": {"type": "string"}, "name": {"type": "string"}, "kind": {"type": "string"},
            "organisation": {"type": "object", "properties": {"id": {"type": "string"},
                                                              "name": {"type": "string"}}},
            "status": {"type": "string", "enum": list(values(Status))},
            "serves": {"type": "array", "items": {"type": "string"}},
            "open_now": {"type": "boolean"}, "opens": NULLABLE_STR, "closes": NULLABLE_STR,
            "freshness": {"type": "string", "enum": list(values(FreshnessState))},
            "verified": NULLABLE_STR, "reported": {"type": "boolean"},
            "demo": {"type": "boolean"},
        },
    },
    "Role": {"allOf": [_ref("RoleSummary"), {"type": "object", "properties": {
        "document": {"type": "object", "description": "Rollen i filformatet "
                                                      "(docs/data-format.md), utan skyddade "
                                                      "fält"}}}]},
    "ReportRequest": {
        "type": "object", "required": ["role_id", "reason"], "additionalProperties": False,
        "properties": {"role_id": {"type": "string"},
                       "reason": {"type": "string", "enum": list(values(ReportReason))},
                       "note": {"type": "string", "maxLength": 1000,
                                "description": "Kort beskrivning, inga patientuppgifter"}},
    },
    "Report": {
        "type": "object", "required": ["id", "role_id", "reason", "status"],
        "properties": {"id": {"type": "integer"}, "role_id": {"type": "string"},
                       "reason": {"type": "string"}, "note": {"type": "string"},
                       "created_at": {"type": "string"}, "status": {"type": "string"}},
    },
    "Me": {"type": "object", "required": ["name", "role", "orgs"], "properties": {
        "name": {"type": "string"}, "role": {"type": "string",
                                             "enum": list(values(UserRole))},
        "orgs": {"type": "array", "items": {"type": "string"}},
        "default_municipality": NULLABLE_STR,
        "csrf_token": {"type": "string", "description": "Bara för inloggad session"}}},
}

UNAUTH = _err("Inte inloggad eller ogiltig API-nyckel")
TOO_LARGE = _err("Kroppen är större än 64 kB")
TOO_MANY = {**_err("För många anrop: vänta så många sekunder som Retry-After säger"),
            "headers": {"Retry-After": {"description": "Sekunder att vänta",
                                        "schema": {"type": "integer"}}}}
ETAG_HEADER = {"description": "Rollens version, t.ex. \"v123\"", "schema": {"type": "string"}}
IF_MATCH = {"name": "If-Match", "in": "header", "required": True,
            "schema": {"type": "string"},
            "description": "ETag från GET /api/roles/{role_id}"}
PATCH_TEXT = (
    "Ingen ändring försvinner i tysthet (optimistisk samtidighet): hämta rollen med "
    "`GET /api/roles/{role_id}`, som svarar med rubriken `ETag`, och skicka den som "
    "`If-Match`. Ändringen läggs på rollen som den är sparad nu, i samma transaktion som "
    "den skrivs. Har någon annan sparat rollen sedan din ETag svarar API:t **412** med den "
    "aktuella versionen (`ETag`) och dokumentet: gör om ändringen på det och skicka igen. "
    "Utan `If-Match` (eller med `*`) svarar det **428**. Samma regler som formuläret: "
    "rollen får bara tjäna kommuner och ha funktioner som administratören tillåter för "
    "organisationen, behöver minst en kontaktväg och text har längdgränser.")
ROLE_ID = {"name": "role_id", "in": "path", "required": True, "schema": {"type": "string"}}


def document() -> dict[str, Any]:
    security: list[dict[str, list[str]]] = [{"bearer": []}, {"session": []}]
    return {
        "openapi": "3.1.0",
        "info": {"title": "Kontaktväg API", "version": "1",
                 "description": "Vem ringer jag? Samma frågor, uppgifter och rapporter som "
                                "webbsidorna.\n\n" + AUTH_TEXT},
        "servers": [{"url": "/"}],
        "security": security,
        "paths": {
            "/api/ask": {"post": {
                "summary": "Ställ en fråga (kontraktet ask-json)", "operationId": "ask",
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": _ref("AskRequest")}}},
                "responses": {"200": _ok("Svaret", _ref("AskAnswer")),
                              "400": _err("Felaktig fråga, tidpunkt eller kommun"),
                              "401": UNAUTH, "403": _err("CSRF-token saknas (session)"),
                              "413": TOO_LARGE, "429": TOO_MANY}}},
            "/api/roles": {"get": {
                "summary": "Lista roller", "operationId": "listRoles",
                "parameters": [
                    {"name": "kommun", "in": "query", "schema": {"type": "string"},
                     "description": "Bara roller som tjänar kommunen"},
                    {"name": "kind", "in": "query", "schema": {"type": "string"}},
                    {"name": "org", "in": "query", "schema": {"type": "string"}}],
                "responses": {"200": _ok("Rollerna", {
                    "type": "object", "required": ["roles"],
                    "properties": {"roles": {"type": "array", "items": _ref("RoleSummary")}}}),
                    "400": _err("Okänd kommun"), "401": UNAUTH}}},
            "/api/roles/{role_id}": {"get": {
                "summary": "En roll med kontaktvägar och öppettider", "operationId": "getRole",
                "parameters": [ROLE_ID],
                "description": "Svaret har rubriken `ETag` (rollens version); skicka den "
                               "som `If-Match` när du ändrar rollen med PATCH.",
                "responses": {"200": {**_ok("Rollen", _ref("Role")), "headers": {
                    "ETag": ETAG_HEADER}}, "401": UNAUTH,
                              "404": _err("Rollen finns inte")}},
                "patch": {
                    "summary": "Ändra fält i en roll (samordnare, egen organisation); svaret "
                               "kommer först när ändringen är sparad",
                    "description": PATCH_TEXT,
                    "operationId": "editRole", "parameters": [ROLE_ID, IF_MATCH],
                    "requestBody": {"required": True, "content": {"application/json": {
                        "schema": {"type": "object", "additionalProperties": False,
                                   "properties": {
                                       "name": {"type": "string"},
                                       "instructions": {"type": "string"},
                                       "status": {"type": "string",
                                                  "enum": list(values(Status))},
                                       "notice": {"type": ["object", "null"]},
                                       "hours": {},
                                       "on_holidays": {"type": "string",
                                                       "enum": list(values(HolidayMode))},
                                       "exceptions": {"type": "array"},
                                       "contacts": {"type": "array"},
                                       "serves": {"type": "array", "items": {"type": "string"}},
                                       "groups": {"type": "array", "items": {"type": "string"}},
                                       "concerns": {"type": "array",
                                                    "items": {"type": "string"}},
                                       "review_interval_days": {"type": "integer"}}}}}},
                    "responses": {"200": {**_ok("Sparad", {"type": "object", "properties": {
                        "role_id": {"type": "string"}, "version": {"type": ["integer", "null"]},
                        "document": {"type": "object"}}}), "headers": {"ETag": ETAG_HEADER}},
                        "400": _err("Ogiltig ändring (med orsak per fält)"), "401": UNAUTH,
                        "403": _err("Inte din organisation"),
                        "404": _err("Rollen finns inte"),
                        "412": {**_ok("Rollen har ändrats sedan din ETag: svaret har den "
                                      "aktuella versionen och dokumentet", {
                                          "type": "object", "required": ["error"],
                                          "properties": {"error": {"type": "string"},
                                                         "version": {"type": "integer"},
                                                         "document": {"type": "object"}}}),
                                "headers": {"ETag": ETAG_HEADER}},
                        "413": TOO_LARGE,
                        "428": _err("If-Match saknas (eller är *)"),
                        "429": TOO_MANY}}},
            "/api/roles/{role_id}/verify": {"post": {
                "summary": "Bekräfta att uppgifterna stämmer i dag (samordnare)",
                "operationId": "verifyRole", "parameters": [ROLE_ID],
                "responses": {"200": _ok("Bekräftad", {"type": "object", "properties": {
                    "role_id": {"type": "string"}, "verified": {"type": "string"},
                    "by": {"type": "string"}}}), "401": UNAUTH,
                    "403": _err("Inte din organisation"), "404": _err("Rollen finns inte")}}},
            "/api/reports": {
                "get": {"summary": "Öppna rapporter om dina organisationers uppgifter "
                                   "(samordnare)", "operationId": "listReports",
                        "responses": {"200": _ok("Rapporterna", {
                            "type": "object", "properties": {"reports": {
                                "type": "array", "items": _ref("Report")}}}),
                            "401": UNAUTH, "403": _err("Bara samordnare och administratörer")}},
                "post": {"summary": "Rapportera en felaktig uppgift", "operationId": "addReport",
                         "requestBody": {"required": True, "content": {"application/json": {
                             "schema": _ref("ReportRequest")}}},
                         "responses": {"201": _ok("Rapporten", _ref("Report")),
                                       "400": _err("Felaktig rapport"), "401": UNAUTH,
                                       "413": TOO_LARGE, "429": TOO_MANY}}},
            "/api/me": {"get": {"summary": "Vem du är inloggad som", "operationId": "me",
                                "responses": {"200": _ok("Kontot", _ref("Me")),
                                              "401": UNAUTH}}},
            "/api/openapi.json": {"get": {"summary": "Det här dokumentet",
                                          "operationId": "openapi",
                                          "responses": {"200": {"description": "OpenAPI 3.1"},
                                                        "401": UNAUTH}}},
        },
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer",
                           "description": "Personlig API-nyckel från /konto (kv_…)"},
                "session": {"type": "apiKey", "in": "cookie", "name": "kontaktvag",
                            "description": "Inloggad session; POST kräver X-CSRF-Token"},
            },
        },
    }
