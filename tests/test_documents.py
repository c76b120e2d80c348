"""documents.py names the field of each problem by key; files and forms word it their way."""

from __future__ import annotations

from bot.web.forms import _Draft, _sentence
from directory.documents import FieldError, Problems, parse_role
from directory.labels import DOCUMENT_KEY_SV
from directory.model import Organisation

ORG = Organisation("prov", "Prov", "kommun", ("Mora",))


def _errors(doc: dict) -> tuple[list[FieldError], list[str]]:
    p = Problems("prov.yaml", root=doc)
    parse_role(doc, ORG, p)
    return p.errors, [str(x) for x in p.items]


def test_errors_name_their_field_by_key():
    doc = {"id": "prov", "kind": "bup", "hours": {"mon": "08:00-16:00"},
           "contacts": [{"channel": "phone", "value": "0250-123 45"},
                        {"channel": "fax", "value": "x"}]}
    errors, lines = _errors(doc)
    by_key = {e.key: e for e in errors}
    assert by_key[("name",)].reason == "saknas" and by_key[("name",)].subject == "name"
    assert ("contacts", 1, "channel") in by_key
    # Files say it as before: file, line and the key in quotes.
    assert "prov.yaml:0: 'name' saknas" in lines
    assert any("'channel' ska vara en av: phone, email, secure-email, web (inte 'fax')" in x
               for x in lines)


def test_forms_name_the_field_in_words():
    error = FieldError(("name",), "saknas", "name")
    assert _sentence(error.named(DOCUMENT_KEY_SV)) == "Namnet saknas."
    assert error.text == "'name' saknas"
    other = FieldError(("serves",), "'x' är inte tillåtet i 'serves'")
    assert other.named(DOCUMENT_KEY_SV) == other.text


def test_form_fields_found_from_keys():
    draft = _Draft(contact_rows=[2, 0], exception_rows=[3])
    draft.put("name", "", "name")
    draft.put("hours", {}, "hours-mon")
    assert draft.field_of(("name",)) == "name"
    assert draft.field_of(("contacts", 0, "value")) == "c-2-value"
    assert draft.field_of(("contacts", 1, "channel")) == "c-0-channel"
    assert draft.field_of(("contacts", 1, "verified")) == "c-0-value"
    assert draft.field_of(("exceptions", 0)) == "ex-3-date"
    assert draft.field_of(("notice", "to")) == "notice-to"
    assert draft.field_of(("hours",)) == "hours-mon"
    assert draft.field_of(()) == "name"
