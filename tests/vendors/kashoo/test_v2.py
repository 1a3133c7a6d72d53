"""Kashoo and the engine's v2 concepts; payment records; the pre-tax discount as lines.

Every expected amount is worked by hand in the comment beside it, in minor units.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from invoicecalc import (
    CashRounding,
    Currency,
    DiscountBase,
    HomeCurrency,
    Invoice,
    LineItem,
    Payment,
    Policy,
    Rounding,
    Tax,
    TaxRounding,
    Totals,
    calculate,
)
from invoicecalc._money import allocate
from invoicecalc.document import Entry
from invoicecalc.errors import InvalidValueError, UnsupportedError
from invoicecalc.testing import decimals
from invoicecalc.vendors import kashoo

D = Decimal
USD, JPY, BHD = Currency("USD"), Currency("JPY"), Currency("BHD")
MARCH_1, MARCH_31, MARCH_20 = dt.date(2024, 3, 1), dt.date(2024, 3, 31), dt.date(2024, 3, 20)


def results(invoice: Invoice, as_of: dt.date = MARCH_20) -> list[tuple[Entry, Totals]]:
    return [(Entry(invoice), calculate(invoice, as_of=as_of))]


def record_of(invoice: Invoice, as_of: dt.date = MARCH_20, **kwargs: Any) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(
        kashoo.write(results(invoice, as_of), **kwargs), parse_float=Decimal
    )
    return parsed


def dumps(value: object) -> str:
    text = json.dumps(value, default=lambda number: f"@@{number}@@")
    return re.sub(r'"@@(.*?)@@"', r"\1", text)


def bill(*lines: LineItem, currency: Currency = USD, **fields: Any) -> Invoice:
    return Invoice(currency, MARCH_1, MARCH_31, lines=lines, **fields)


def extra_lines(record: dict[str, Any], first: int) -> list[tuple[str, int, str]]:
    return [(line["name"], line["amount"], line["taxCode"]) for line in record["lineItems"][first:]]


def same_totals(invoice: Invoice, as_of: dt.date = MARCH_20) -> None:
    """The written record reads back to an invoice with the engine's totals."""
    totals = calculate(invoice, as_of=as_of)
    read = kashoo.read(kashoo.write(results(invoice, as_of))).entries[0]
    again = calculate(read.invoice, as_of=as_of)
    assert [t.amount for t in again.taxes] == [t.amount for t in totals.taxes]
    assert (again.total, again.balance) == (totals.total, totals.balance)
    for name, value, computed in read.compared(again):
        assert computed == value, name


# -- the pre-tax discount as lines per set of carried taxes ------------------------------------


def test_the_issue_example_splits_by_largest_remainder() -> None:
    # 10% off a taxed and an untaxed 10.05: D = round(2010 x 0.1) = 201; allocate(201,
    # [1005, 1005]) = [101, 100] (the earlier set on the tie). Tax 10% of 1005 - 101 = 904
    # is 90.4 -> 90, the engine's 10% of 904.5 = 90.45 -> 90; total 2010 - 201 + 90 = 1899.
    invoice = bill(LineItem(unit_price=USD.price("10.05")),
                   LineItem(unit_price=USD.price("10.05"), taxable=False),
                   taxes=[Tax("T", D(10))], discount_percentage=D(10))  # fmt: skip
    assert allocate(201, [1005, 1005]) == [101, 100]
    record = record_of(invoice)
    assert extra_lines(record, 2) == [("Discount (10%)", -101, "T"), ("Discount (10%)", -100, "")]
    assert (record["taxAmounts"][0]["amount"], record["totalDue"]) == (90, 1899)
    same_totals(invoice)


def test_another_rounding_is_used_when_the_allocation_moves_a_tax() -> None:
    # Two 0.15 lines, one carrying tax A, one tax B, 10% off: D = round(30 x 0.1) = 3, the
    # exact shares 1.5 and 1.5, allocate(3, [15, 15]) = [2, 1] (the earlier set on the tie),
    # the only other rounding [1, 2]. The engine's taxes are on 13.5 each.
    taxes = [Tax("A", D("3.6")), Tax("B", D(10))]
    invoice = bill(LineItem(unit_price=USD.price("0.15"), taxes=["A"]),
                   LineItem(unit_price=USD.price("0.15"), taxes=["B"]),
                   taxes=taxes, discount_percentage=D(10))  # fmt: skip
    # A 3.6%, B 10%: engine A round(0.486) = 0, B round(1.35) = 1, total 30 - 3 + 1 = 28.
    # [2, 1]: A on 13 is 0.468 -> 0, B on 14 is 1.4 -> 1: kept, so written.
    record = record_of(invoice)
    assert [line[1] for line in extra_lines(record, 2)] == [-2, -1]
    assert record["totalDue"] == 28
    # A 3.6%, B 33%: engine B round(4.455) = 4. [2, 1]: B on 14 is 4.62 -> 5, moved;
    # [1, 2]: A on 14 is 0.504 -> 1 (engine 0), moved too: refused.
    moved = attrs.evolve(invoice, taxes=[Tax("A", D("3.6")), Tax("B", D(33))])
    with pytest.raises(UnsupportedError) as caught:
        record_of(moved)
    assert caught.value.field == "discount_percentage"
    # A 2%, B 33%: [2, 1] moves B as above; [1, 2] gives A on 14 0.28 -> 0 (engine 0.27 -> 0)
    # and B on 13 4.29 -> 4 (engine 4): written so.
    other = attrs.evolve(invoice, taxes=[Tax("A", D(2)), Tax("B", D(33))])
    assert [line[1] for line in extra_lines(record_of(other), 2)] == [-1, -2]
    same_totals(other)


def test_per_line_discounts_are_the_sum_of_the_rounded_line_discounts() -> None:
    # Per line: each 10.05 line's discount is round(100.5) = 101, so D = 202; the taxed
    # line's net 904, tax 90.4 -> 90 per line and per document alike: written.
    invoice = bill(LineItem(unit_price=USD.price("10.05")),
                   LineItem(unit_price=USD.price("10.05"), taxable=False),
                   taxes=[Tax("T", D(10))], discount_percentage=D(10),
                   policy=Policy(tax_rounding=TaxRounding.PER_LINE))  # fmt: skip
    record = record_of(invoice)
    assert [line[1] for line in extra_lines(record, 2)] == [-101, -101]
    assert record["totalDue"] == 2010 - 202 + 90
    # Two taxed lines per line: taxes 90 + 90 = 180; Kashoo rounds once: 1808 x 0.1 = 180.8
    # -> 181. No split gives 180 and a total of 1808 + 180: the policy is refused.
    both = attrs.evolve(invoice, lines=[LineItem(unit_price=USD.price("10.05"))] * 2)
    with pytest.raises(UnsupportedError) as caught:
        record_of(both)
    assert caught.value.field == "policy.tax_rounding"


def test_a_discount_amount_is_split_as_the_engine_splits_it() -> None:
    # 10.00 off 10.00, 20.00 (untaxed) and 40.00 with 19% VAT: the engine's shares are
    # 1.43, 2.86 and 5.71 (docs/calculation.md). Per set: VAT 143 + 571 = 714, untaxed 286.
    invoice = bill(LineItem(unit_price=USD.price("10.00")),
                   LineItem(unit_price=USD.price("20.00"), taxable=False),
                   LineItem(unit_price=USD.price("40.00")),
                   taxes=[Tax("VAT", D(19))], discount_amount=USD.amount("10.00"))  # fmt: skip
    record = record_of(invoice)
    assert extra_lines(record, 3) == [("Discount (10.00)", -714, "VAT"),
                                      ("Discount (10.00)", -286, "")]  # fmt: skip
    # VAT 19% of 5000 - 714 = 4286 -> 814.34 -> 814; total 7000 - 1000 + 814 = 6814.
    assert (record["taxAmounts"][0]["amount"], record["totalDue"]) == (814, 6814)
    # With 5% as well: the percentage works on what the amount leaves (4286 and 1714).
    both = attrs.evolve(invoice, discount_percentage=D(5))
    lines = extra_lines(record_of(both), 3)
    assert lines[:2] == [("Discount (10.00)", -714, "VAT"), ("Discount (10.00)", -286, "")]
    # 5% of 6000 = 300: exact shares 214.3 and 85.7; allocate(300, [4286, 1714]) = [214, 86].
    assert lines[2:] == [("Discount (5%)", -214, "VAT"), ("Discount (5%)", -86, "")]
    same_totals(both)


def test_a_post_tax_discount_amount_and_percentage_is_one_untaxed_line() -> None:
    # VAT 20% of 100.00 = 20.00; 10% of 120.00 = 12.00, plus 5.00: one line of -17.00.
    invoice = bill(LineItem(unit_price=USD.price("100.00")), taxes=[Tax("VAT", D(20))],
                   discount_percentage=D(10), discount_amount=USD.amount("5.00"),
                   policy=Policy(discount_base=DiscountBase.POST_TAX))  # fmt: skip
    record = record_of(invoice)
    assert extra_lines(record, 1) == [("Discount (5.00 and 10%)", -1700, "")]
    assert record["totalDue"] == 10300


# An independent statement of when the discount can be written: the engine's total and taxes
# against every floor/ceiling split, worked here with Fractions (per document, simple taxes).


def splittable(taxed: int, untaxed: int, rate: Decimal, discount: Decimal) -> bool:
    d = Fraction(discount) / 100
    r = Fraction(rate) / 100
    total_discount = round_half_up(Fraction(taxed + untaxed) * d)
    engine_tax = round_half_up(Fraction(taxed) * (1 - d) * r)
    shares = [Fraction(taxed) * d, Fraction(untaxed) * d]
    options = [{share.numerator // share.denominator, -(-share.numerator // share.denominator)}
               for share in shares]  # fmt: skip
    return any(
        g_t + g_u == total_discount and round_half_up((taxed - g_t) * r) == engine_tax
        for g_t, g_u in itertools.product(*options)
    )


def round_half_up(value: Fraction) -> int:
    magnitude = (abs(value) * 2 + 1) // 2
    return int(magnitude if value >= 0 else -magnitude)


@given(
    st.integers(1, 5000), st.integers(0, 5000), decimals(0, 30, 3), decimals(1, 100, 2),
    st.sampled_from([USD, JPY, BHD, Currency("CLF")]),
)  # fmt: skip
def test_a_discount_is_refused_exactly_when_no_split_keeps_the_tax(
    taxed: int, untaxed: int, rate: Decimal, discount: Decimal, currency: Currency
) -> None:
    lines = [LineItem(unit_price=currency.price(currency.to_decimal(taxed)))]
    if untaxed:
        lines.append(
            LineItem(unit_price=currency.price(currency.to_decimal(untaxed)), taxable=False)
        )
    invoice = bill(*lines, currency=currency, taxes=[Tax("T", rate)], discount_percentage=discount)
    if splittable(taxed, untaxed, rate, discount):
        same_totals(invoice)
    else:
        with pytest.raises(UnsupportedError) as caught:
            kashoo.write(results(invoice))
        assert caught.value.field == "discount_percentage"


# -- other v2 concepts ---------------------------------------------------------------------------


def test_line_discounts_are_negative_lines_with_the_lines_taxes() -> None:
    # Widgets 3 x 19.99 = 5997, 10% = 599.7 -> 600; Service 120.00 less 15.00 (untaxed).
    # VAT 20% of 5997 - 600 = 5397 -> 1079.4 -> 1079; total 5397 + 10500 + 1079 = 16976.
    invoice = bill(
        LineItem(title="Widgets", quantity=D(3), unit_price=USD.price("19.99"),
                 discount_percentage=D(10)),
        LineItem(title="Service", unit_price=USD.price("120.00"), taxable=False,
                 discount_amount=USD.amount("15.00")),
        taxes=[Tax("VAT", D(20))],
    )  # fmt: skip
    record = record_of(invoice)
    assert extra_lines(record, 0) == [
        ("Widgets", 5997, "VAT"), ("Widgets (discount 10%)", -600, "VAT"),
        ("Service", 12000, ""), ("Service (discount 15.00)", -1500, ""),
    ]  # fmt: skip
    assert (record["totalBeforeTaxes"], record["totalDue"]) == (15897, 16976)
    same_totals(invoice)


def test_withholding_is_a_negative_rate_and_reads_back_as_withholding() -> None:
    # IVA 21% of 1234.56 = 259.2576 -> 259.26; IRPF 15% = 185.184 -> -185.18 withheld.
    taxes = [Tax("IVA", D(21)), Tax("IRPF", D(15), withholding=True)]
    invoice = bill(LineItem(unit_price=USD.price("1234.56")), taxes=taxes)
    record = record_of(invoice)
    assert [(t["name"], t["rate"]) for t in record["taxes"]] == [("IVA", 21), ("IRPF", -15)]
    assert [t["amount"] for t in record["taxAmounts"]] == [25926, -18518]
    assert record["totalDue"] == 123456 + 25926 - 18518
    read = kashoo.read(dumps(record)).entries[0].invoice
    assert read.taxes == tuple(taxes)


def test_selective_compounding_is_a_list_of_names() -> None:
    taxes = [Tax("GST", D(5)), Tax("PST", D(7)), Tax("ECO", D(2), compound=["GST"])]
    invoice = bill(LineItem(unit_price=USD.price("123.45")), taxes=taxes)
    record = record_of(invoice)
    assert [t["compound"] for t in record["taxes"]] == [False, False, ["GST"]]
    assert kashoo.read(dumps(record)).entries[0].invoice.taxes == tuple(taxes)


def test_cash_rounding_is_an_untaxed_line() -> None:
    # CHF 10.02 with 10% tax: 1002 + 100.2 -> 100 = 1102, rounded to 0.05: 1100, so -2.
    chf = Currency("CHF")
    invoice = bill(
        LineItem(unit_price=chf.price("10.02")), currency=chf, taxes=[Tax("VAT", D(10))],
        cash_rounding=CashRounding.of_currency(chf),
    )  # fmt: skip
    record = record_of(invoice)
    assert extra_lines(record, 1) == [("Cash rounding (0.05)", -2, "")]
    assert record["totalDue"] == calculate(invoice, as_of=MARCH_20).total == 1100


def test_home_currency_is_written_and_read_back() -> None:
    # 108.25 USD at 1.3512 CAD = 146.2674 -> 14627.
    home = HomeCurrency(Currency("CAD"), D("1.3512"))
    invoice = bill(LineItem(unit_price=USD.price("108.25")), home_currency=home)
    record = record_of(invoice)
    assert (record["homeCurrency"], record["exchangeRate"], record["totalLocalDue"]) == (
        "CAD", D("1.3512"), 14627,
    )  # fmt: skip
    assert kashoo.read(dumps(record)).entries[0].invoice.home_currency == home
    # The writer's exchange may repeat the invoice's own, never differ from it.
    assert record_of(invoice, exchange=kashoo.Exchange.parse("CAD", "1.3512")) == record
    with pytest.raises(InvalidValueError) as caught:
        record_of(invoice, exchange=kashoo.Exchange.parse("CAD", "1.35"))
    assert caught.value.field == "exchange_rate"


def test_tax_inclusive_prices_are_refused_when_a_line_carries_a_tax() -> None:
    invoice = bill(LineItem(unit_price=USD.price("10.00")), taxes=[Tax("T", D(10))],
                   tax_inclusive=True)  # fmt: skip
    with pytest.raises(UnsupportedError) as caught:
        record_of(invoice)
    assert (caught.value.field, caught.value.value) == ("tax_inclusive", True)
    # No tax carried: inclusive and exclusive are one invoice, and it is written.
    untaxed = attrs.evolve(invoice, lines=[LineItem(unit_price=USD.price("10.00"), taxable=False)])
    assert record_of(untaxed)["totalDue"] == 1000


def test_the_up_mode_is_written_when_it_changes_nothing_and_refused_when_it_does() -> None:
    up = Policy(rounding=Rounding.UP)
    exact = bill(LineItem(unit_price=USD.price("10.00")), taxes=[Tax("T", D(10))], policy=up)
    assert record_of(exact)["totalDue"] == 1100
    # 10.01 x 10% = 100.1: up gives 101, half up 100.
    moved = attrs.evolve(exact, lines=[LineItem(unit_price=USD.price("10.01"))])
    with pytest.raises(UnsupportedError) as caught:
        record_of(moved)
    assert caught.value.field == "policy.rounding"


def test_a_tax_name_holding_the_separator_is_refused_only_when_ambiguous() -> None:
    taxes = [Tax("G+P", D(5)), Tax("X", D(1))]
    alone = bill(LineItem(unit_price=USD.price("1.00"), taxes=["G+P"]), taxes=taxes)
    assert record_of(alone)["lineItems"][0]["taxCode"] == "G+P"
    same_totals(alone)
    with pytest.raises(UnsupportedError) as caught:
        record_of(bill(LineItem(unit_price=USD.price("1.00")), taxes=[*taxes, Tax("G", D(2)),
                                                                      Tax("P", D(3))]))  # fmt: skip
    assert caught.value.field == "taxes[0].name"


def test_the_largest_supported_amount_is_written_exactly() -> None:
    # 10**18 - 1 minor units, the engine's bound, in every exponent: far inside int64, so
    # the writer has no range check left to make.
    for currency in (JPY, USD, BHD, Currency("CLF")):
        price = currency.price(currency.to_decimal(10**18 - 1))
        record = record_of(bill(LineItem(unit_price=price), currency=currency))
        assert record["totalDue"] == record["lineItems"][0]["amount"] == 10**18 - 1


# -- payment records linked by allocations ----------------------------------------------------


def invoice_record(**changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": 11, "type": "invoice", "currency": "USD", "date": "2024-03-01",
        "dueDate": "2024-03-31", "lineItems": [{"quantity": 1, "rate": 100, "taxCode": ""}],
    }  # fmt: skip
    record.update(changes)
    return record


def payment_record(*allocations: tuple[int, int], **changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "type": "INVOICE_PAYMENT", "currency": "USD", "date": "2024-03-05",
        "amount": sum(amount for amount, _ in allocations), "unallocatedAmount": 0,
        "allocations": [{"amount": amount, "record": record} for amount, record in allocations],
    }  # fmt: skip
    record.update(changes)
    return record


def test_payment_records_pay_the_invoices_their_allocations_name() -> None:
    # One payment of 150.00: 100.00 to invoice 11 and 50.00 to invoice 12, plus 25.00
    # unallocated (a credit that pays no invoice).
    pay = payment_record((10000, 11), (5000, 12), amount=17500, unallocatedAmount=2500)
    document = kashoo.read(dumps([invoice_record(), pay, invoice_record(id=12)]))
    assert [entry.invoice.payments for entry in document.entries] == [
        (Payment(dt.date(2024, 3, 5), USD.amount("100.00")),),
        (Payment(dt.date(2024, 3, 5), USD.amount("50.00")),),
    ]
    totals = calculate(document.entries[0].invoice, as_of=MARCH_20)
    assert (totals.balance, totals.has_been_paid) == (0, True)


@pytest.mark.parametrize(
    ("records", "error", "field"),
    [
        ([invoice_record(), payment_record((100, 12))], InvalidValueError,
         "[1].allocations[0].record"),
        ([invoice_record(), payment_record((100, 11), amount=99)], InvalidValueError,
         "[1].amount"),
        ([invoice_record(), payment_record()], UnsupportedError, "[1].allocations"),
        ([invoice_record(), payment_record((100, 11), currency="EUR")], InvalidValueError,
         "[1].currency"),
        ([invoice_record(), invoice_record()], InvalidValueError, "[1].id"),
        ([invoice_record(), payment_record((100, 11), removed=True)], UnsupportedError,
         "[1].removed"),
        ([invoice_record(), payment_record((100, 11), type="BILL_PAYMENT")], UnsupportedError,
         "[1].type"),
    ],
)  # fmt: skip
def test_payment_records_that_cannot_be_read_are_refused_by_field(
    records: list[dict[str, Any]], error: type[Exception], field: str
) -> None:
    with pytest.raises(error) as caught:
        kashoo.read(dumps(records))
    assert caught.value.field == field  # type: ignore[attr-defined]


def test_a_payment_record_alone_is_refused() -> None:
    with pytest.raises(InvalidValueError, match="in one array with the invoices") as caught:
        kashoo.read(dumps(payment_record((100, 11))))
    assert caught.value.field == "type"


def test_a_nested_payment_may_allocate_to_its_own_invoice() -> None:
    nested = payment_record((4000, 11), amount=5000, unallocatedAmount=1000)
    invoice = kashoo.read(dumps(invoice_record(invoicePayments=[nested]))).entries[0].invoice
    assert invoice.payments == (Payment(dt.date(2024, 3, 5), USD.amount("40.00")),)
    with pytest.raises(InvalidValueError) as caught:
        kashoo.read(dumps(invoice_record(id=None, invoicePayments=[nested])))
    assert caught.value.field == "invoicePayments[0].allocations[0].record"
