"""The public surface: exactly what __all__ says, sorted, and nothing private leaking."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from typing import Any

import pytest

import invoicecalc as ic
from invoicecalc import document
from invoicecalc.errors import InvalidTypeError

PUBLIC_MODULES = [
    "invoicecalc",
    "invoicecalc.dask",
    "invoicecalc.document",
    "invoicecalc.errors",
    "invoicecalc.testing",
]


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_all_is_sorted_and_complete(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__all__ == sorted(module.__all__)
    for symbol in module.__all__:
        assert hasattr(module, symbol), symbol
    defined_here = {
        attribute
        for attribute, value in vars(module).items()
        if not attribute.startswith("_")
        and getattr(value, "__module__", None) == name
        and callable(value)
    }
    assert defined_here <= set(module.__all__)


def test_errors_subclass_the_root_and_a_builtin() -> None:
    errors = importlib.import_module("invoicecalc.errors")
    classes = [getattr(errors, name) for name in errors.__all__ if name[0].isupper()]
    assert [name for name in errors.__all__ if not name[0].isupper()] == ["value_repr"]
    for error in classes:
        assert issubclass(error, errors.InvoiceCalcError)
        if error is not errors.InvoiceCalcError:
            assert set(error.__mro__) & {ValueError, TypeError, RuntimeError}


def test_top_level_surface() -> None:
    import invoicecalc

    assert set(invoicecalc.__all__) == {
        # the engine
        "Currency", "DiscountBase", "Invoice", "LineItem", "LineKind", "LineTotals", "Payment",
        "Policy", "Rounding", "Tax", "TaxRounding", "TaxTotal", "Totals", "calculate",
        "sales_taxes", "CashRounding", "HomeCurrency", "HomeTotals", "Amount", "Price",
        # explanations
        "Explanation", "Step", "explain",
        # terms, schedules, recurring invoices, estimates, uninvoiced items
        "Bound", "EarlyDeadline", "EstimateTotals", "Expense", "Frequency", "ImportedItems",
        "LateFee", "Reminder", "ReminderKind", "Schedule", "Task", "Terms", "TimeEntry",
        "accept_estimate", "apply_terms", "due_date", "estimate", "import_uninvoiced_items",
        "occurrence_dates", "recur", "schedule",
    }  # fmt: skip


def _wrong_types() -> list[tuple[str, Callable[[], object], str]]:
    """(call, the call, the field its refusal names): each public function given
    something of the wrong type (a review found these raising AttributeError or
    TypeError from deep inside instead of one of the package's errors)."""
    usd, day = ic.Currency("USD"), dt.date(2024, 3, 10)
    invoice = ic.Invoice(usd, day, day)
    none: Any = None
    wrong: Any = memoryview(b"{}")
    mapping: Any = {"currency": "USD"}
    return [
        ("calculate", lambda: ic.calculate(none, as_of=day), "invoice"),
        ("calculate", lambda: ic.calculate(mapping, as_of=day), "invoice"),
        ("explain", lambda: ic.explain(none, as_of=day), "invoice"),
        ("apply_terms", lambda: ic.apply_terms(none), "invoice"),
        ("due_date", lambda: ic.due_date(none, "Net 30"), "invoice_date"),
        ("import_uninvoiced_items", lambda: ic.import_uninvoiced_items(none), "invoice"),
        (
            "import_uninvoiced_items",
            lambda: ic.import_uninvoiced_items(invoice, tasks=none),
            "tasks",
        ),
        ("read", lambda: document.read(none), "data"),
        ("read", lambda: document.read(wrong), "data"),
        ("preview", lambda: document.preview(none), "data"),
        ("dumps", lambda: document.dumps(none), "totals"),
        ("dumps", lambda: document.dumps([none]), "totals[0]"),
        ("totals_to_dict", lambda: document.totals_to_dict(none), "totals"),
        ("calculate_document", lambda: document.calculate_document(none), "document"),
        ("Invoice", lambda: ic.Invoice(usd, day, day, lines=none), "lines"),
        ("Invoice", lambda: ic.Invoice(usd, day, day, payments=none), "payments"),
        ("LineItem", lambda: ic.LineItem(taxes="GST"), "taxes"),
        ("Currency.format", lambda: usd.format(none), "minor"),
    ]


@pytest.mark.parametrize(("name", "call", "field"), _wrong_types())
def test_a_wrong_type_is_one_of_the_package_errors_naming_its_field(
    name: str, call: Callable[[], object], field: str
) -> None:
    with pytest.raises(InvalidTypeError) as refused:
        call()
    assert refused.value.field == field, name
