"""The published JSON Schema of the neutral document holds every key the reader accepts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from invoicecalc import document
from invoicecalc._jsonschema import NEUTRAL_SCHEMA, neutral_schema, schema_text

jsonschema = pytest.importorskip("jsonschema")

ROOT = Path(__file__).parents[1]
DEFS: dict[str, Any] = NEUTRAL_SCHEMA["$defs"]
#: The reader's key tables (document.py) and the schema object each describes.
TABLES = {
    "_INVOICE_KEYS": "invoice",
    "_ALL_INVOICE_KEYS": "invoice",
    "_STRUCTURED": "invoice",
    "_SALES_TAX_KEYS": "invoice",
    "_LINE_KEYS": "line",
    "_TAX_KEYS": "tax",
    "_POLICY_KEYS": "policy",
}
#: Keys the reader builds its tables for inside invoice_from_dict (they need the
#: invoice's currency), so they are not in a module-level table.
CURRENCY_KEYS = {"line": {"unit_price", "flat_fee"}, "payment": {"date", "amount", "note"}}
BASE = {"currency": "USD", "invoice_date": "2024-03-01", "due_date": "2024-03-31"}


def properties(name: str) -> set[str]:
    return set(DEFS[name]["properties"])


def key_tables() -> Iterator[tuple[str, set[str]]]:
    """Every module-level ``_..._KEYS`` table of document.py, and ``_STRUCTURED``."""
    for name, value in vars(document).items():
        if name.startswith("_") and (name.endswith("KEYS") or name == "_STRUCTURED"):
            assert isinstance(value, dict | tuple | list | frozenset | set), name
            yield name, set(value)


@pytest.mark.parametrize(("table", "keys"), list(key_tables()))
def test_every_key_the_reader_accepts_is_in_the_schema(table: str, keys: set[str]) -> None:
    if table in TABLES:
        assert keys - properties(TABLES[table]) == set()
    else:  # a table added since (v2): its keys must be described somewhere
        described = set().union(*(properties(n) for n, d in DEFS.items() if "properties" in d))
        assert keys - described == set(), f"{table}: add its keys to src/invoicecalc/_jsonschema.py"


def test_the_known_tables_are_there() -> None:
    assert {name for name, _ in key_tables()} >= set(TABLES)


@pytest.mark.parametrize(("name", "keys"), CURRENCY_KEYS.items())
def test_keys_read_in_the_invoices_currency_are_in_the_schema(name: str, keys: set[str]) -> None:
    assert keys <= properties(name)


def test_the_reader_accepts_the_currency_keys() -> None:
    invoice = {
        **BASE,
        "lines": [{"unit_price": "1.00", "quantity": "1"}, {"flat_fee": "2.00"}],
        "payments": [{"date": "2024-03-02", "amount": "1.00", "note": "n"}],
    }
    document.read(json.dumps(invoice))


def _objects(schema: object) -> Iterator[dict[str, Any]]:
    if isinstance(schema, dict):
        if schema.get("type") == "object":
            yield schema
        for value in schema.values():
            yield from _objects(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from _objects(value)


def test_every_object_is_closed() -> None:
    objects = list(_objects(NEUTRAL_SCHEMA))
    assert len(objects) >= 7
    assert all(obj["additionalProperties"] is False for obj in objects)


def test_the_v2_keys_are_described() -> None:
    assert {"tax_inclusive", "discount_amount", "cash_rounding", "home_currency"} <= properties(
        "invoice"
    )
    assert {"discount_percentage", "discount_amount"} <= properties("line")
    assert {"withholding", "compound"} <= properties("tax")


def test_it_is_a_draft_2020_12_schema() -> None:
    assert NEUTRAL_SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(NEUTRAL_SCHEMA)


def validator() -> Any:
    return jsonschema.Draft202012Validator(NEUTRAL_SCHEMA)


@pytest.mark.parametrize(
    "path",
    [
        ROOT / "examples" / "invoice.json",
        *sorted((ROOT / "tests" / "golden").rglob("*.neutral.json")),
        *sorted((ROOT / "tests" / "golden" / "kashoo").glob("*.input.json")),
    ],
    ids=lambda path: path.name,
)
def test_the_bundled_documents_validate(path: Path) -> None:
    validator().validate(json.loads(path.read_text()))


V2 = {
    **BASE,
    "tax_inclusive": True,
    "discount_amount": "25.00",
    "cash_rounding": {"increment": "0.05", "rounding": "half_up"},
    "home_currency": {"code": "EUR", "rate": "0.9134"},
    "taxes": [
        {"name": "IVA", "rate": "21"},
        {"name": "IRPF", "rate": "15", "withholding": True},
        {"name": "QST", "rate": "9.975", "compound": ["IVA"]},
    ],
    "lines": [{"quantity": 1, "unit_price": "100", "discount_percentage": "10"}],
}


@pytest.mark.parametrize(
    "value",
    [V2, [V2, BASE], {**V2, "cash_rounding": "currency"}, {**BASE, "notes": None}],
    ids=["v2", "array", "cash-currency", "null-is-absent"],
)
def test_valid_documents(value: object) -> None:
    validator().validate(value)


@pytest.mark.parametrize(
    "value",
    [
        {**BASE, "surprise": 1},
        {"currency": "USD"},
        {**BASE, "currency": None},
        {**BASE, "lines": [{"kind": "service"}]},
        {**BASE, "lines": [{"quantity": "1", "colour": "red"}]},
        {**BASE, "invoice_date": "1 March 2024"},
        {**BASE, "sales_tax": True},
        {**BASE, "sales_tax": " 5"},  # the reader refuses blanks around a number too
        {**BASE, "payments": [{"date": "2024-03-02"}]},
        {**BASE, "cash_rounding": "nearest"},
        {**BASE, "home_currency": {"code": "EUR"}},
        {**BASE, "policy": {"rounding": "bankers"}},
    ],
)
def test_invalid_documents(value: object) -> None:
    assert not validator().is_valid(value)


def test_the_text_is_the_schema() -> None:
    assert json.loads(schema_text()) == NEUTRAL_SCHEMA
    copy = neutral_schema()
    copy["$defs"].clear()
    assert NEUTRAL_SCHEMA["$defs"]
