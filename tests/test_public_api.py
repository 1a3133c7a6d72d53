"""The public surface: exactly what __all__ says, sorted, and nothing private leaking."""

from __future__ import annotations

import importlib

import pytest

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
    for symbol in errors.__all__:
        error = getattr(errors, symbol)
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
