"""The published JSON Schema (draft 2020-12) of the neutral input document.

It states what ``invoicecalc.document.read`` accepts: one invoice object or an
array of them, every key the reader knows (v1 and v2) and no other
(``additionalProperties: false``). ``null`` stands for an absent optional key,
as the reader treats it. The reader stays the authority: the schema describes
shapes (a decimal is text or a JSON number, a date is ``YYYY-MM-DD``), while
ranges, currency digits and the rules between keys are the reader's to refuse.

``invoicecalc schema`` prints it and ``GET /openapi.json`` of ``invoicecalc
serve`` uses it as its request schema.

>>> sorted(NEUTRAL_SCHEMA["$defs"]["invoice"]["required"])
['currency', 'due_date', 'invoice_date']
"""

from __future__ import annotations

import copy
import json
from typing import Any

__all__ = ["NEUTRAL_SCHEMA", "SCHEMA_ID", "neutral_schema", "schema_text"]

SCHEMA_ID = "https://invoicecalc.invalid/schema/neutral-invoice.json"

Schema = dict[str, Any]


def _ref(name: str) -> Schema:
    return {"$ref": f"#/$defs/{name}"}


def _object(
    description: str, properties: dict[str, Schema], required: tuple[str, ...] = ()
) -> Schema:
    """A closed object; an optional key may also be ``null`` (read as absent)."""
    return {
        "type": "object",
        "description": description,
        "properties": {
            key: value if key in required else {"anyOf": [value, {"type": "null"}]}
            for key, value in properties.items()
        },
        "required": list(required),
        "additionalProperties": False,
    }


def _enum(description: str, *values: str) -> Schema:
    return {"type": "string", "enum": list(values), "description": description}


def _text(description: str) -> Schema:
    return {"type": "string", "description": description}


def _flag(description: str) -> Schema:
    return {"type": "boolean", "description": description}


def _decimal(description: str) -> Schema:
    return {"allOf": [_ref("decimal")], "description": description}


def _amount(description: str) -> Schema:
    return {"allOf": [_ref("amount")], "description": description}


def _days(description: str) -> Schema:
    return {"allOf": [_ref("days")], "description": description}


def _date(description: str) -> Schema:
    return {"allOf": [_ref("date")], "description": description}


_ROUNDING = ("half_up", "half_even", "down", "up")

_DEFS: dict[str, Schema] = {
    "decimal": {
        "description": 'An exact decimal: text such as "19.99" or a JSON number, read '
        "exactly (never through float); NaN and infinities are refused.",
        "anyOf": [
            {"type": "string", "pattern": r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"},
            {"type": "number"},
        ],
    },
    "amount": {
        "description": 'Money in major units of the invoice\'s currency ("19.99" USD, '
        '"1200" JPY), no finer than the currency\'s minor unit.',
        "allOf": [{"$ref": "#/$defs/decimal"}],
    },
    "date": {
        "description": "A date as YYYY-MM-DD.",
        "type": "string",
        "pattern": r"^\d{4}-\d{2}-\d{2}$",
        "format": "date",
    },
    "days": {
        "description": "A whole number of days, as an integer or as digits.",
        "anyOf": [{"type": "integer", "minimum": 0}, {"type": "string", "pattern": r"^\d+$"}],
    },
    "currency": {
        "description": "An ISO 4217 currency code.",
        "type": "string",
        "pattern": "^[A-Z]{3}$",
    },
    "names": {
        "description": "Names of taxes.",
        "type": "array",
        "items": {"type": "string"},
    },
    "line": _object(
        "One line of the invoice.",
        {
            "title": _text("The line's title."),
            "description": _text("The line's description."),
            "kind": _enum("Cashboard type codes 1, 2, 0.", "task", "product", "custom"),
            "quantity": _decimal("How many units."),
            "unit_price": _decimal(
                "The price of one unit in major units; may be finer than the minor unit."
            ),
            "flat_fee": _amount("A fixed amount for the line, instead of quantity x price."),
            "markup_percentage": _decimal("Markup on the cost, in percent."),
            "taxable": _flag("Whether the invoice's taxes apply to the line."),
            "taxes": {
                "allOf": [_ref("names")],
                "description": "The names of the taxes this line carries.",
            },
            "quantity_low": _decimal("An estimate's low quantity."),
            "quantity_high": _decimal("An estimate's high quantity."),
            "discount_percentage": _decimal("v2: the line's own discount, in percent."),
            "discount_amount": _amount("v2: the line's own discount, as an amount."),
        },
    ),
    "tax": _object(
        "One tax of the invoice (instead of the sales_tax* keys).",
        {
            "name": _text("The tax's name."),
            "rate": _decimal("The rate in percent."),
            "compound": {
                "description": "true: on every earlier tax too; v2: a list names the earlier "
                "taxes it is charged on.",
                "anyOf": [{"type": "boolean"}, _ref("names")],
            },
            "withholding": _flag("v2: withheld by the buyer (IRPF): subtracted from the total."),
        },
    ),
    "payment": _object(
        "A payment received.",
        {
            "date": _date("The day it was received."),
            "amount": _amount("How much was received."),
            "note": _text("A note."),
        },
        required=("date", "amount"),
    ),
    "policy": _object(
        "How amounts are rounded and where the discount applies.",
        {
            "rounding": _enum("The rounding mode.", *_ROUNDING),
            "tax_rounding": _enum(
                "Round taxes per document or per line.", "per_document", "per_line"
            ),
            "discount_base": _enum("Discount before or after taxes.", "pre_tax", "post_tax"),
        },
    ),
    "cash_rounding": {
        "description": 'v2: round the total to a coin: "currency" (CLDR\'s cash rounding '
        "of the currency) or an increment and an optional mode.",
        "anyOf": [
            {"const": "currency"},
            _object(
                "A cash rounding rule.",
                {
                    "increment": _amount("The coin, at least one minor unit."),
                    "rounding": _enum("The mode (default: the invoice's).", *_ROUNDING),
                },
                required=("increment",),
            ),
        ],
    },
    "home_currency": _object(
        "v2: the seller's home currency: totals are also given converted.",
        {
            "code": {"allOf": [_ref("currency")], "description": "The home currency."},
            "rate": _decimal("Home-currency units per one invoice-currency unit (positive)."),
        },
        required=("code", "rate"),
    ),
    "invoice": _object(
        "One invoice (docs/json.md).",
        {
            "currency": {"allOf": [_ref("currency")], "description": "The invoice's currency."},
            "invoice_date": _date("The invoice's date."),
            "due_date": _date("The day it is due."),
            "as_of": _date("The day the totals stand on (a query or option wins over it)."),
            "id": _text(
                "The caller's own identifier of the invoice, echoed in its totals (as is "
                "number) so results can be matched without relying on position."
            ),
            "number": _text("The invoice's number."),
            "po_number": _text("The buyer's purchase order number."),
            "notes": _text("Notes."),
            "terms": _text("Terms."),
            "lines": {"type": "array", "items": _ref("line"), "description": "The lines."},
            "sales_tax": _decimal("The first sales tax rate, in percent."),
            "sales_tax_2": _decimal("The second sales tax rate, in percent."),
            "sales_tax_2_cumulative": _flag("The second tax is charged on the first too."),
            "taxes": {
                "type": "array",
                "items": _ref("tax"),
                "description": "The taxes, instead of the sales_tax* keys.",
            },
            "discount_percentage": _decimal(
                "A discount in percent; with early_period_in_days, per early period."
            ),
            "early_period_in_days": _days("The early-payment period."),
            "late_percentage": _decimal("The late fee per late period, in percent."),
            "late_period_in_days": _days("The late period."),
            "pre_reminder_in_days": _days("Days before the due date to remind."),
            "post_reminder_in_days": _days("Days after the due date to remind."),
            "payments": {
                "type": "array",
                "items": _ref("payment"),
                "description": "Payments received.",
            },
            "policy": _ref("policy"),
            "tax_inclusive": _flag("v2: prices and discount amounts include their taxes."),
            "discount_amount": _amount("v2: a fixed document discount."),
            "cash_rounding": _ref("cash_rounding"),
            "home_currency": _ref("home_currency"),
        },
        required=("currency", "invoice_date", "due_date"),
    ),
}

#: The schema itself; treat it as read-only (:func:`neutral_schema` gives a copy).
NEUTRAL_SCHEMA: Schema = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": SCHEMA_ID,
    "title": "invoicecalc neutral invoice document",
    "description": "One invoice, or an array of invoices (the totals are then an array in "
    "the same order).",
    "anyOf": [_ref("invoice"), {"type": "array", "items": _ref("invoice")}],
    "$defs": _DEFS,
}


def neutral_schema() -> Schema:
    """A copy of :data:`NEUTRAL_SCHEMA` the caller may change."""
    return copy.deepcopy(NEUTRAL_SCHEMA)


def schema_text() -> str:
    """The schema as the JSON text ``invoicecalc schema`` prints."""
    return json.dumps(NEUTRAL_SCHEMA, indent=2, ensure_ascii=False) + "\n"
