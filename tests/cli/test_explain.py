# ruff: noqa: RUF001
# The explanation quotes docs/calculation.md, multiplication and minus signs included.
"""``invoicecalc explain`` and ``invoicecalc check --explain`` on the real samples."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from invoicecalc import Currency, Invoice, LineItem, explain
from invoicecalc._cli import main
from invoicecalc._explain import first_difference
from invoicecalc.document import Entry, read

ROOT = Path(__file__).parents[2]
EXAMPLE = str(ROOT / "examples" / "invoice.json")
#: The invoice with its account's tax list (which says its second tax does not compound).
FRESHBOOKS = [
    str(ROOT / "tests" / "fixtures" / "freshbooks" / name)
    for name in ("invoice.get.response.xml", "tax.list.response.xml")
]
CASHBOARD = [
    str(ROOT / "tests" / "fixtures" / "cashboard" / name)
    for name in (
        "invoices.xml", "invoice_line_items.xml", "invoice_payments.xml", "payments.xml",
        "account.xml",
    )
]  # fmt: skip


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_text_is_a_derivation_in_the_locale(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "explain", EXAMPLE)
    assert (status, err) == (0, "")
    assert out.startswith("Invoice 2024-031 (USD) as of 2024-03-10\n\nLines\n")
    assert "lines[0].quantity_price" not in out  # no flat fee on the first line
    assert "10.5 × 85.00 = 892.50  [cost = f + round(q × p)]" in out
    assert "$1,307.58" in out
    status, out, _ = run(capsys, "explain", EXAMPLE, "--locale", "de_DE")
    assert "1.307,58\xa0$" in out


def test_json_is_the_explanation_with_its_totals(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "explain", EXAMPLE, "--output", "json", "--as-of", "2024-03-10")
    assert status == 0
    data = json.loads(out)
    entry = read(Path(EXAMPLE).read_bytes()).entries[0]
    assert data == explain(entry.invoice, as_of=dt.date(2024, 3, 10)).to_dict(entry)
    assert data["totals"]["total"] == "1307.58"
    # The totals are preview's, id and number first (a review found them left out).
    _, previewed, _ = run(capsys, "preview", EXAMPLE, "--output", "json", "--as-of", "2024-03-10")
    assert list(data["totals"]) == list(json.loads(previewed))
    assert data["totals"] == json.loads(previewed)
    assert (data["totals"]["id"], data["totals"]["number"]) == (None, "2024-031")
    assert {step["id"] for step in data["steps"]} >= {"early.k_offer", "early.rate", "total"}


def test_vendor_input_as_preview_takes_it(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "explain", *FRESHBOOKS, "--input", "freshbooks", "--as-of",
                         "2024-01-01", "--locale", "en_CA")  # fmt: skip
    assert status == 0
    assert "Invoice FB00004 (CAD) as of 2024-01-01" in out
    assert "GST: Σ of the lines' exact amounts = 2.00" in out
    status, out, _ = run(capsys, "explain", *CASHBOARD, "--input", "cashboard", "--output",
                         "json", "--as-of", "2010-08-01")  # fmt: skip
    assert json.loads(out)[0]["totals"]["total"] == "75.00"


def test_cashboard_is_read_as_preview_reads_it_as_of_the_date_given(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Without payments.xml the invoice payment of invoice 102 has no date; as of a date
    # given, whether it counts depends on that date, so preview and check refuse it.
    # explain read it dated on the invoice date and explained a total they refuse.
    undated = [path for path in CASHBOARD if not path.endswith("/payments.xml")]
    argv = [*undated, "--input", "cashboard", "--as-of", "2024-01-01"]
    _, _, refused = run(capsys, "preview", *argv)
    status, out, err = run(capsys, "explain", *argv)
    assert (status, out) == (2, "")
    assert err == refused
    assert "payment_id: has no dated payment" in err


def test_invoices_without_numbers_are_titled_by_their_place_in_the_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two files of one invoice each, neither numbered, were both titled "Invoice 1"
    (the place in each file): now 1 and 2, as preview titles them."""
    invoice = {"currency": "USD", "invoice_date": "2024-03-01", "due_date": "2024-03-31",
               "lines": [{"unit_price": "1.00"}]}  # fmt: skip
    paths = []
    for name in ("a.json", "b.json"):
        path = tmp_path / name
        path.write_text(json.dumps(invoice))
        paths.append(str(path))
    for command in ("explain", "preview"):
        status, out, _ = run(capsys, command, *paths, "--as-of", "2024-03-05")
        assert status == 0
        titles = [line.split(" (USD)")[0] for line in out.splitlines() if " (USD)" in line]
        assert titles == ["Invoice 1", "Invoice 2"], command


def test_a_refusal_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "explain", EXAMPLE, "--locale", "xx_XX")
    assert (status, out) == (2, "")
    assert err.startswith("invoicecalc: --locale")


def test_check_explain_points_at_the_freshbooks_total(capsys: pytest.CaptureFixture[str]) -> None:
    # Yard work 4 x 10 = 40 with GST 5% (2.00) and PST 8% (3.20): 45.20, not the stated 45.6.
    status, out, _ = run(capsys, "check", *FRESHBOOKS, "--input", "freshbooks", "--explain")
    assert status == 1
    assert (
        "  first difference: FreshBooks states total 45.60; invoicecalc gives 45.20 at step total"
        in out
    )
    assert (
        "      taxes[1].amount              3.20  PST: Σ of the lines' exact amounts = 3.20" in out
    )
    assert "total_before_fees           45.20  40.00 + 5.20 + 0.00 = 45.20" in out
    # Without --explain, check prints what it always did.
    _, plain, _ = run(capsys, "check", *FRESHBOOKS, "--input", "freshbooks")
    assert "first difference" not in plain
    assert out.startswith(plain.rstrip("\n"))


def test_check_explain_points_at_the_cashboard_lines(capsys: pytest.CaptureFixture[str]) -> None:
    # Invoice 102: one line of 1 x 75.00, but its line states 18.75 (the price of a
    # quarter hour), and so do its item_actual and total: the line is where it parts.
    status, out, _ = run(capsys, "check", *CASHBOARD, "--input", "cashboard", "--as-of",
                         "2010-08-01", "--explain")  # fmt: skip
    assert status == 1
    block = out.split("invoice 102 ")[1].split("invoice 000205")[0]
    assert "  lines[0].actual stated          18.75  computed          75.00  DIFFERS\n" in block
    assert (
        "first difference: Cashboard states lines[0].actual 18.75; the lines give 75.00 at "
        "step lines[0].actual" in block
    )
    assert "    lines[0].actual: 75.00 + 0.00 = 75.00\n" in block
    # Invoice 000001: its item_cost agrees (118.76) and item_actual is 118.75; its third
    # line, 0.3334 hours at 75.00 = 25.005 -> 25.01 half up, states 25.00.
    block = out.split("invoice 000001 ")[1]
    assert (
        "Cashboard states lines[2].actual 25.00; the lines give 25.01 at step lines[2].actual"
        in block
    )
    assert "  item_actual     stated         118.75  computed         118.76  DIFFERS\n" in block
    assert "    lines[2].actual: 25.01 + 0.00 = 25.01\n" in block
    # An invoice whose stated totals agree shows no difference.
    assert "first difference" not in out.split("invoice 000111 ")[1].split("invoice 000200")[0]


def test_a_stated_line_amount_is_pointed_at_before_any_total() -> None:
    usd = Currency("USD")
    invoice = Invoice(
        usd, dt.date(2024, 3, 1), dt.date(2024, 3, 1),
        lines=[LineItem(unit_price=usd.price("1.00")), LineItem(unit_price=usd.price("2.00")),
               LineItem(quantity="0.3334", unit_price=usd.price("75.00"))],
    )  # fmt: skip
    entry = Entry(invoice, None, (("total", 2900), ("lines[2].cost", 2500), ("item_actual", 2900)))
    explanation = explain(invoice, as_of=dt.date(2024, 3, 1))
    difference = first_difference(explanation, entry.stated)
    assert difference is not None
    assert difference.step.id == "lines[2].cost"
    assert difference.message("The vendor", str) == (
        "The vendor states lines[2].cost 2500; the lines give 2501 at step lines[2].cost"
    )
    assert difference.step.detail == "0.3334 × 75.00 = 25.005, rounded half_up to 25.01"
