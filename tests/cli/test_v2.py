"""Engine v2 through the neutral JSON and the command line: worked cases, text, refusals.

Every expected amount below is worked by hand in the comments, from the
rules in docs/calculation.md; none is copied from the engine's output.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from invoicecalc import Currency
from invoicecalc._cli import main
from invoicecalc.document import preview

ROOT = Path(__file__).parents[2]
BASE = {"currency": "USD", "invoice_date": "2024-03-01", "due_date": "2024-03-31"}
DAY = "2024-03-01"
V2_EXAMPLE = ROOT / "examples" / "v2-invoice.json"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def totals(document: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Any:
    """The CLI's JSON output for ``document``, checked to succeed quietly."""
    path = tmp_path / "invoice.json"
    path.write_text(json.dumps(document))
    status, out, err = run(capsys, "preview", str(path), "--output", "json", "--as-of", DAY)
    assert (status, err) == (0, ""), err
    return json.loads(out)


def text(document: object, tmp_path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    path = tmp_path / "invoice.json"
    path.write_text(json.dumps(document))
    status, out, err = run(capsys, "preview", str(path), "--as-of", DAY, *extra)
    assert (status, err) == (0, ""), err
    return out


def pick(result: dict[str, Any], *keys: str) -> tuple[Any, ...]:
    return tuple(result[key] for key in keys)


# -- worked by hand ------------------------------------------------------------

INCLUSIVE_NINJA = {
    **BASE,
    "tax_inclusive": True,
    "lines": [{"unit_price": "10.00"}, {"unit_price": "10.00"}],
    "taxes": [{"name": "VAT", "rate": "10"}],
}


@pytest.mark.parametrize("tax_rounding", ["per_document", "per_line"])
def test_invoice_ninja_inclusive_taxes(
    tax_rounding: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # F = 1.10. per_document: 20.00 x 0.10 / 1.10 = 1.8181.. -> 1.82.
    # per_line: 10.00 x 0.10 / 1.10 = 0.9090.. -> 0.91 on each line, 1.82 in all.
    # The gross stays 20.00; subtotal = 20.00 - 1.82 = 18.18; base 20.00 / 1.10 -> 18.18.
    result = totals({**INCLUSIVE_NINJA, "policy": {"tax_rounding": tax_rounding}}, tmp_path, capsys)
    assert pick(result, "item_actual", "subtotal", "sales_tax", "total") == (
        "20.00",
        "18.18",
        "1.82",
        "20.00",
    )
    assert result["taxes"][0]["base"] == "18.18"
    assert result["lines"][0] == {
        "cost": "10.00",
        "markup": "0.00",
        "actual": "10.00",
        "discount": "0.00",
        "net": "10.00",
    }


def test_erpnext_two_inclusive_taxes_keep_the_gross(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 24,900.00 including two simple 14% taxes: F = 1.28, each tax
    # 24900 x 0.14 / 1.28 = 2723.4375 -> 2723.44, together 5446.88.
    # subtotal = 24900.00 - 5446.88 = 19453.12; the total stays 24,900.00.
    result = totals(
        {
            **BASE,
            "currency": "INR",
            "tax_inclusive": True,
            "lines": [{"unit_price": "24900.00"}],
            "taxes": [{"name": "CGST", "rate": "14"}, {"name": "SGST", "rate": "14"}],
        },
        tmp_path,
        capsys,
    )
    assert [tax["amount"] for tax in result["taxes"]] == ["2723.44", "2723.44"]
    assert pick(result, "subtotal", "tax_total", "total") == ("19453.12", "5446.88", "24900.00")


ODOO = {
    **BASE,
    "lines": [{"unit_price": "999.99"}],
    "taxes": [{"name": "Tax 15%", "rate": "15"}],
    "cash_rounding": {"increment": "0.05", "rounding": "up"},
}


def test_odoo_cash_rounding_up(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # tax = 999.99 x 15% = 149.9985 -> 150.00; unrounded 1149.99, up to a multiple
    # of 0.05 -> 1150.00, so cash_rounding = 0.01. The tax is not changed.
    result = totals(ODOO, tmp_path, capsys)
    assert pick(result, "subtotal", "sales_tax", "cash_rounding", "total", "balance") == (
        "999.99",
        "150.00",
        "0.01",
        "1150.00",
        "1150.00",
    )
    out = text(ODOO, tmp_path, capsys)
    assert "Cash rounding (to $0.05)" in out
    assert "$0.01" in out
    assert "$1,150.00" in out


@pytest.mark.parametrize(
    ("price", "cash", "total"),
    [
        ("10.03", "0.02", "10.05"),  # 10.03 -> nearest 0.05 (half_up) is 10.05
        ("10.02", "-0.02", "10.00"),  # 10.02 -> 10.00; the rounding is negative
    ],
)
def test_currency_cash_rounding_chf(
    price: str, cash: str, total: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # CLDR gives CHF cash digits 2 and cash rounding 5: an increment of 0.05.
    result = totals(
        {**BASE, "currency": "CHF", "lines": [{"unit_price": price}], "cash_rounding": "currency"},
        tmp_path,
        capsys,
    )
    assert pick(result, "subtotal", "cash_rounding", "total") == (price, cash, total)


IRPF = {
    **BASE,
    "currency": "EUR",
    "lines": [{"title": "Consultoría", "unit_price": "1000.00"}],
    "taxes": [
        {"name": "IVA", "rate": "21"},
        {"name": "IRPF", "rate": "15", "withholding": True},
    ],
}


def test_spanish_irpf_withholding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # IVA 1000.00 x 21% = 210.00; IRPF -(1000.00 x 15%) = -150.00, both on the base 1000.00.
    # total = 1000.00 + 210.00 - 150.00 = 1060.00. sales_tax_2 is the second tax, withheld.
    result = totals(IRPF, tmp_path, capsys)
    assert result["taxes"] == [
        {
            "name": "IVA",
            "rate": "21",
            "compound": False,
            "withholding": False,
            "base": "1000.00",
            "amount": "210.00",
        },
        {
            "name": "IRPF",
            "rate": "15",
            "compound": False,
            "withholding": True,
            "base": "1000.00",
            "amount": "-150.00",
        },
    ]
    assert pick(result, "sales_tax", "sales_tax_2", "tax_total", "total") == (
        "210.00",
        "-150.00",
        "60.00",
        "1060.00",
    )
    out = text(IRPF, tmp_path, capsys, "--locale", "es_ES")
    assert "IRPF (15%, withheld) on 1.000,00\xa0€" in out
    assert "-150,00\xa0€" in out
    assert "1.060,00\xa0€" in out


HOME = {
    **BASE,
    "lines": [{"unit_price": "123.45"}],
    "taxes": [{"name": "Sales tax", "rate": "8.25"}],
    "home_currency": {"code": "JPY", "rate": "151.37"},
}


def test_home_currency_in_fewer_digits(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # tax = 123.45 x 8.25% = 10.184625 -> 10.18; total 133.63.
    # Into JPY (0 digits, so each amount in cents x 151.37 / 100), half up, each on its own:
    # subtotal 12345 x 1.5137 = 18686.6265 -> 18687; tax 1018 x 1.5137 = 1540.9466 -> 1541;
    # total 13363 x 1.5137 = 20227.5731 -> 20228 (the balance too: nothing paid).
    result = totals(HOME, tmp_path, capsys)
    assert result["home"] == {
        "currency": "JPY",
        "subtotal": "18687",
        "taxes": [{"name": "Sales tax", "amount": "1541"}],
        "tax_total": "1541",
        "total": "20228",
        "balance": "20228",
    }
    out = text(HOME, tmp_path, capsys)
    assert "Home currency" in out
    assert "JPY at 151.37 per USD" in out
    assert "¥20,228" in out


def test_home_currency_withholding_is_negative(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # IRPF invoice into USD at 1.0850 (same digits): subtotal 1000.00 x 1.085 = 1085.00,
    # IVA 210.00 x 1.085 = 227.85, IRPF -150.00 x 1.085 = -162.75,
    # tax_total 60.00 x 1.085 = 65.10, total 1060.00 x 1.085 = 1150.10.
    home = totals({**IRPF, "home_currency": {"code": "USD", "rate": "1.0850"}}, tmp_path, capsys)[
        "home"
    ]
    assert [tax["amount"] for tax in home["taxes"]] == ["227.85", "-162.75"]
    assert pick(home, "subtotal", "tax_total", "total") == ("1085.00", "65.10", "1150.10")


QUEBEC = {
    **BASE,
    "currency": "CAD",
    "lines": [
        {"title": "Design", "unit_price": "100.00", "discount_percentage": "10"},
        {"title": "Print", "unit_price": "50.00", "discount_amount": "5.00"},
    ],
    "discount_amount": "13.50",
    "taxes": [
        {"name": "GST", "rate": "5"},
        {"name": "ECO", "rate": "1"},
        {"name": "QST", "rate": "9.975", "compound": ["GST"]},
    ],
}


def test_line_discounts_amount_discount_and_selective_compounding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Line discounts: 100.00 x 10% = 10.00 (net 90.00); 5.00 off 50.00 (net 45.00): 15.00.
    # The 13.50 amount over the nets 90 : 45 is exactly 9.00 and 4.50: nets 81.00 and 40.50,
    # 121.50 in all = subtotal (150.00 - 15.00 - 13.50).
    # GST 121.50 x 5% = 6.075 -> 6.08; ECO 121.50 x 1% = 1.215 -> 1.22;
    # QST on the net plus GST only (not ECO): base 121.50 + 6.075 = 127.575 -> 127.58,
    # tax 127.575 x 9.975% = 12.7256... -> 12.73.
    # total = 121.50 + 6.08 + 1.22 + 12.73 = 141.53.
    result = totals(QUEBEC, tmp_path, capsys)
    assert pick(result, "line_discount", "discount", "subtotal", "total") == (
        "15.00",
        "13.50",
        "121.50",
        "141.53",
    )
    assert [(t["name"], t["base"], t["amount"], t["compound"]) for t in result["taxes"]] == [
        ("GST", "121.50", "6.08", False),
        ("ECO", "121.50", "1.22", False),
        ("QST", "127.58", "12.73", ["GST"]),
    ]
    assert [(line["discount"], line["net"]) for line in result["lines"]] == [
        ("10.00", "90.00"),
        ("5.00", "45.00"),
    ]
    out = text(QUEBEC, tmp_path, capsys)
    for row in (
        "Discount (10%)",
        "-CA$10.00",
        "Line discounts",
        "-CA$15.00",
        "Discount amount",
        "-CA$13.50",
        "Subtotal",
        "QST (9.975%) on CA$127.58",
    ):
        assert row in out
    assert "Discount (0%)" not in out


def test_a_credit_line_discount_is_negative(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A credit of -100.00 with 10.00 off: the discount is signed with the line, -10.00,
    # and the net is -90.00; total -90.00.
    result = totals(
        {**BASE, "lines": [{"unit_price": "-100.00", "discount_amount": "10.00"}]}, tmp_path, capsys
    )
    assert result["lines"][0]["discount"] == "-10.00"
    assert pick(result, "line_discount", "subtotal", "total") == ("-10.00", "-90.00", "-90.00")


def test_rounding_up(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Away from zero: 0.121 -> 0.13 (cost); tax 0.13 x 10% = 0.013 -> 0.02; total 0.15.
    result = totals(
        {
            **BASE,
            "lines": [{"unit_price": "0.121"}],
            "taxes": [{"name": "T", "rate": "10"}],
            "policy": {"rounding": "up"},
        },
        tmp_path,
        capsys,
    )
    assert pick(result, "item_actual", "sales_tax", "total") == ("0.13", "0.02", "0.15")


def test_bundled_v2_example(capsys: pytest.CaptureFixture[str]) -> None:
    # examples/v2-invoice.json: CHF, prices include 8.1% MWST, cash rounded as CHF is (0.05).
    # Workshop 2 x 540.00 = 1080.00, 10% off = 108.00, net 972.00.
    # Materials 3 x 19.90 = 59.70, 4.70 off, net 55.00. Line discounts 112.70.
    # The 27.03 amount over the nets 972.00 : 55.00 (P = 1027.00), in cents:
    # 2703 x 97200 / 102700 = 2558.243.. and 2703 x 5500 / 102700 = 144.756..; floors 2558
    # and 144 leave one cent, which goes to the larger remainder (0.756): 25.58 and 1.45.
    # Grosses 946.42 and 53.55, 999.97 in all. MWST out of it: 999.97 x 8.1 / 108.1 =
    # 74.928.. -> 74.93; base 999.97 / 1.081 = 925.041.. -> 925.04.
    # subtotal = 1139.70 - 112.70 - 27.03 - 74.93 = 925.04. 999.97 to the nearest 0.05 is
    # 999.95: cash_rounding -0.02, total 999.95; 500.00 paid, balance 499.95.
    # Into EUR at 1.0512: subtotal 925.04 -> 972.402.. -> 972.40; MWST 74.93 -> 78.766.. ->
    # 78.77; total 999.95 -> 1051.147.. -> 1051.15; balance 499.95 -> 525.547.. -> 525.55.
    status, out, err = run(capsys, "preview", str(V2_EXAMPLE), "--output", "json")
    assert (status, err) == (0, "")
    result = json.loads(out)
    assert pick(
        result,
        "item_actual",
        "line_discount",
        "discount",
        "subtotal",
        "cash_rounding",
        "total",
        "balance",
    ) == ("1139.70", "112.70", "27.03", "925.04", "-0.02", "999.95", "499.95")
    assert pick(result["taxes"][0], "base", "amount") == ("925.04", "74.93")
    assert [(line["discount"], line["net"]) for line in result["lines"]] == [
        ("108.00", "972.00"),
        ("4.70", "55.00"),
    ]
    assert result["home"] == {
        "currency": "EUR",
        "subtotal": "972.40",
        "taxes": [{"name": "MWST", "amount": "78.77"}],
        "tax_total": "78.77",
        "total": "1051.15",
        "balance": "525.55",
    }


# -- the text output hides what is zero and unused ------------------------------


def test_text_hides_zero_unused_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A bare invoice: no markup, no discount, no taxes, no late fee, no payments.
    out = text({**BASE, "lines": [{"title": "Work", "unit_price": "10.00"}]}, tmp_path, capsys)
    for hidden in (
        "Discount",
        "Markup",
        "Item cost",
        "Late fees",
        "Payments",
        "Cash rounding",
        "Home",
        "Subtotal",
        "Taxable",
        "include tax",
    ):
        assert hidden not in out
    assert "Items" in out
    assert "Total" in out


def test_text_shows_tax_inclusive_and_bases(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = text(INCLUSIVE_NINJA, tmp_path, capsys)
    assert "Prices" in out
    assert "include tax" in out
    assert "VAT (10%) on $18.18" in out
    assert "Subtotal" in out


def test_text_shows_a_zero_cash_rounding_that_was_asked_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = text(
        {**BASE, "lines": [{"unit_price": "1.00"}], "cash_rounding": "currency"}, tmp_path, capsys
    )
    assert "Cash rounding (to $0.01)" in out


# -- v1 documents: same totals as before ----------------------------------------

BASELINE = json.loads((Path(__file__).parent / "data" / "v1_totals.json").read_text())


def _same_where_given(before: Any, after: Any, where: str) -> None:
    """Every key of ``before`` is in ``after`` with the same value (added keys are fine)."""
    if isinstance(before, dict):
        assert isinstance(after, dict), where
        for key, value in before.items():
            assert key in after, f"{where}.{key} is gone"
            _same_where_given(value, after[key], f"{where}.{key}")
    elif isinstance(before, list):
        assert isinstance(after, list), where
        assert len(after) == len(before), where
        for index, (old, new) in enumerate(zip(before, after, strict=True)):
            _same_where_given(old, new, f"{where}[{index}]")
    else:
        assert before == after, f"{where}: {before!r} became {after!r}"


@pytest.mark.parametrize("case", sorted(BASELINE))
def test_v1_documents_give_the_totals_they_gave(case: str) -> None:
    # Recorded from the v1 output (before the v2 keys) for every neutral JSON input in
    # tests/golden and examples/, on two dates (early discount; late fees).
    import datetime as dt

    path, _, day = case.partition("@")
    after = json.loads(preview((ROOT / path).read_bytes(), as_of=dt.date.fromisoformat(day)))
    _same_where_given(BASELINE[case], after, case)
    zero = Currency(after["currency"]).format(0)  # "0.00", "0" (JPY), "0.000" (BHD)
    assert after["cash_rounding"] == after["line_discount"] == zero
    assert "home" not in after


# -- refused: exit 2, one line naming the field, nothing on stdout --------------

LINE = [{"unit_price": "10.00"}]
A_TAX = {"name": "A", "rate": "5"}

INVALID: dict[str, tuple[object, str]] = {
    # the spec's list, in its order
    "line with both discounts": (
        {
            **BASE,
            "lines": [{"unit_price": "10", "discount_percentage": "5", "discount_amount": "1"}],
        },
        "lines[0].discount_amount",
    ),
    "line discount above the line": (
        {**BASE, "lines": [*LINE, {"unit_price": "10.00", "discount_amount": "10.01"}]},
        "lines[1].discount_amount",
    ),
    "line discount above a credit line": (
        {**BASE, "lines": [{"unit_price": "-10.00", "discount_amount": "10.01"}]},
        "lines[0].discount_amount",
    ),
    "document discount above the positive nets": (
        # positive nets: 10.00 only (the credit does not count)
        {**BASE, "lines": [*LINE, {"unit_price": "-5.00"}], "discount_amount": "10.01"},
        "discount_amount",
    ),
    "document discount above the nets after line discounts": (
        {
            **BASE,
            "lines": [{"unit_price": "10.00", "discount_percentage": "50"}],
            "discount_amount": "5.01",
        },
        "discount_amount",
    ),
    "compound naming a later tax": (
        {**BASE, "taxes": [{**A_TAX, "compound": ["B"]}, {"name": "B", "rate": "5"}]},
        "taxes[0].compound",
    ),
    "compound naming itself": (
        {**BASE, "taxes": [{**A_TAX, "compound": ["A"]}]},
        "taxes[0].compound",
    ),
    "compound naming no tax": (
        {**BASE, "taxes": [A_TAX, {"name": "B", "rate": "5", "compound": ["C"]}]},
        "taxes[1].compound",
    ),
    "withholding and compound": (
        {
            **BASE,
            "taxes": [A_TAX, {"name": "W", "rate": "15", "withholding": True, "compound": True}],
        },
        "taxes[1].compound",
    ),
    "withholding and a compound list": (
        {
            **BASE,
            "taxes": [A_TAX, {"name": "W", "rate": "15", "withholding": True, "compound": ["A"]}],
        },
        "taxes[1].compound",
    ),
    "withholding on a tax-inclusive invoice": (
        {
            **BASE,
            "tax_inclusive": True,
            "taxes": [A_TAX, {"name": "W", "rate": "15", "withholding": True}],
        },
        "taxes[1].withholding",
    ),
    "compound naming a withholding tax": (
        {
            **BASE,
            "taxes": [
                {"name": "W", "rate": "15", "withholding": True},
                {**A_TAX, "compound": ["W"]},
            ],
        },
        "taxes[1].compound",
    ),
    "cash increment finer than the currency": (
        {**BASE, "cash_rounding": {"increment": "0.001"}},
        "cash_rounding.increment",
    ),
    "cash increment finer than JPY": (
        {**BASE, "currency": "JPY", "cash_rounding": {"increment": "0.5"}},
        "cash_rounding.increment",
    ),
    "cash increment zero": (
        {**BASE, "cash_rounding": {"increment": "0"}},
        "cash_rounding.increment",
    ),
    "cash increment negative": (
        {**BASE, "cash_rounding": {"increment": "-0.05"}},
        "cash_rounding.increment",
    ),
    "unknown home currency": (
        {**BASE, "home_currency": {"code": "XYZ", "rate": "1"}},
        "home_currency.code",
    ),
    "lower-case home currency": (
        {**BASE, "home_currency": {"code": "eur", "rate": "1"}},
        "home_currency.code",
    ),
    "home rate zero": (
        {**BASE, "home_currency": {"code": "EUR", "rate": "0"}},
        "home_currency.rate",
    ),
    "home rate negative": (
        {**BASE, "home_currency": {"code": "EUR", "rate": "-0.9"}},
        "home_currency.rate",
    ),
    "two taxes of one name": (
        {**BASE, "taxes": [A_TAX, {"name": "A", "rate": "6"}]},
        "taxes[1].name",
    ),
    # the shapes around them
    "cash rounding an unknown word": ({**BASE, "cash_rounding": "coin"}, "cash_rounding"),
    "cash rounding a bool": ({**BASE, "cash_rounding": True}, "cash_rounding"),
    "cash rounding an unknown key": (
        {**BASE, "cash_rounding": {"increment": "0.05", "step": "1"}},
        "cash_rounding.step",
    ),
    "cash rounding without increment": (
        {**BASE, "cash_rounding": {"rounding": "up"}},
        "cash_rounding.increment",
    ),
    "cash rounding an unknown mode": (
        {**BASE, "cash_rounding": {"increment": "0.05", "rounding": "ceiling"}},
        "cash_rounding.rounding",
    ),
    "home currency as text": ({**BASE, "home_currency": "EUR"}, "home_currency"),
    "home currency without rate": (
        {**BASE, "home_currency": {"code": "EUR"}},
        "home_currency.rate",
    ),
    "home currency unknown key": (
        {**BASE, "home_currency": {"code": "EUR", "rate": "1", "date": "2024-03-01"}},
        "home_currency.date",
    ),
    "home rate a float-like word": (
        {**BASE, "home_currency": {"code": "EUR", "rate": "0,9"}},
        "home_currency.rate",
    ),
    "compound as text": ({**BASE, "taxes": [{**A_TAX, "compound": "yes"}]}, "taxes[0].compound"),
    "compound naming a number": (
        {**BASE, "taxes": [{**A_TAX, "compound": [1]}]},
        "taxes[0].compound[0]",
    ),
    "compound naming a tax twice": (
        {**BASE, "taxes": [A_TAX, {"name": "B", "rate": "1", "compound": ["A", "A"]}]},
        "taxes[1].compound",
    ),
    "withholding as text": (
        {**BASE, "taxes": [{**A_TAX, "withholding": "yes"}]},
        "taxes[0].withholding",
    ),
    "negative withholding rate": (
        {**BASE, "taxes": [{"name": "W", "rate": "-15", "withholding": True}]},
        "taxes[0].rate",
    ),
    "tax_inclusive as text": ({**BASE, "tax_inclusive": "yes"}, "tax_inclusive"),
    "negative document discount": ({**BASE, "discount_amount": "-1.00"}, "discount_amount"),
    "finer document discount": ({**BASE, "discount_amount": "1.001"}, "discount_amount"),
    "line discount over 100%": (
        {**BASE, "lines": [{"discount_percentage": "101"}]},
        "lines[0].discount_percentage",
    ),
    "negative line discount": (
        {**BASE, "lines": [*LINE, {"discount_amount": "-1.00"}]},
        "lines[1].discount_amount",
    ),
    "unknown rounding mode": ({**BASE, "policy": {"rounding": "ceiling"}}, "policy.rounding"),
    "unknown line key": ({**BASE, "lines": [{"discount": "5"}]}, "lines[0].discount"),
    "withholding tax without a rate": (
        {**BASE, "taxes": [{"name": "IRPF", "withholding": True}]},
        "taxes[0].rate",
    ),
    # inside an array: the invoice's index first
    "home rate in an array": (
        [BASE, BASE, BASE, {**BASE, "home_currency": {"code": "EUR", "rate": "0"}}],
        "[3].home_currency.rate",
    ),
    "line discount in an array": (
        [BASE, {**BASE, "lines": [*LINE, {"unit_price": "1.00", "discount_amount": "2.00"}]}],
        "[1].lines[1].discount_amount",
    ),
    "compound in an array": (
        [
            {
                **BASE,
                "taxes": [
                    A_TAX,
                    {"name": "B", "rate": "1"},
                    {**A_TAX, "name": "C", "compound": ["D"]},
                ],
            }
        ],
        "[0].taxes[2].compound",
    ),
    "document discount in an array": (
        [BASE, {**BASE, "discount_amount": "1.00"}],
        "[1].discount_amount",
    ),
}


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_v2_documents_exit_2_with_one_line(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document, field = INVALID[name]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    for output in ("json", "text"):
        status, out, err = run(capsys, "preview", str(path), "--output", output, "--as-of", DAY)
        assert (status, out) == (2, "")
        assert err.count("\n") == 1, err
        assert err.startswith(f"invoicecalc: {path}: {field}: "), err


def test_a_refused_v2_document_has_no_traceback(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(INVALID["withholding on a tax-inclusive invoice"][0]))
    done = subprocess.run(
        [sys.executable, "-m", "invoicecalc", "preview", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"invoicecalc: {path}: taxes[1].withholding: "
        "a withholding tax cannot be tax-inclusive (got True)\n"
    )
