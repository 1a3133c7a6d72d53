"""The neutral document's ``id``: read as text, echoed with ``number`` in each totals object."""

from __future__ import annotations

import json

import pytest

from invoicecalc import document
from invoicecalc.errors import InvalidTypeError

BASE = {
    "currency": "USD",
    "invoice_date": "2024-03-01",
    "due_date": "2024-03-31",
    "as_of": "2024-03-10",
}


def test_id_and_number_are_echoed_first() -> None:
    text = json.dumps([{**BASE, "id": "inv-7", "number": "2024-7"}, BASE])
    first, second = json.loads(document.preview(text))
    assert list(first)[:3] == ["id", "number", "currency"]
    assert (first["id"], first["number"]) == ("inv-7", "2024-7")
    assert (second["id"], second["number"]) == (None, None)


def test_id_is_on_the_entry_not_the_invoice() -> None:
    assert document.invoice_from_dict({**BASE, "id": "A-1"}).id == "A-1"
    assert document.invoice_from_dict(BASE).id is None


def test_id_must_be_text() -> None:
    with pytest.raises(InvalidTypeError, match=r"^id: must be text"):
        document.invoice_from_dict({**BASE, "id": 7})


def test_totals_without_their_entry_echo_nothing() -> None:
    (totals,) = document.calculate_document(document.read(json.dumps(BASE)))
    assert "id" not in document.totals_to_dict(totals)
    assert "number" not in document.totals_to_dict(totals)
