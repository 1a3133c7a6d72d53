"""The schedule, recur and estimate commands: hand-worked output, refusals (exit 2,
one line on stderr, nothing on stdout) and help."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from invoicecalc._cli import main

# 1,000.00 dated 31 Jan 2024 on Net 29: due 29 Feb (a leap day); 2% per 30 days late,
# reminders every 7 days before the due date and every 10 days after it, and
# 500.00 paid on 29 Apr, exactly on a late-fee boundary.
LATE = {
    "currency": "USD",
    "number": "INV-7",
    "invoice_date": "2024-01-31",
    "due_date": "2024-02-29",
    "terms": "Net 29",
    "lines": [{"title": "Work", "unit_price": "1000.00"}],
    "late_percentage": "2",
    "late_period_in_days": 30,
    "pre_reminder_in_days": 7,
    "post_reminder_in_days": 10,
    "payments": [{"date": "2024-04-29", "amount": "500.00"}],
}
# 2/10 Net 30 from 31 Jan 2024: due 1 Mar, 2% when paid by 10 Feb.
CASH = {
    "currency": "USD",
    "invoice_date": "2024-01-31",
    "due_date": "2024-03-01",
    "terms": "2/10 Net 30",
    "lines": [{"unit_price": "1000.00"}],
}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def write(tmp_path: Path, document: Any, name: str = "in.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return str(path)


def assert_refused(status: int, out: str, err: str, *pieces: str) -> None:
    assert (status, out) == (2, "")
    assert err.count("\n") == 1
    assert err.startswith("invoicecalc: ")
    for piece in pieces:
        assert piece in err


# -- schedule -----------------------------------------------------------------------


def test_schedule_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, LATE)
    status, out, err = run(capsys, "schedule", path, "--as-of", "2024-05-31", "--output", "json")
    assert (status, err) == (0, "")
    result = json.loads(out)
    assert (result["as_of"], result["due_date"], result["terms"]) == (
        "2024-05-31",
        "2024-02-29",
        "Net 29",
    )
    # Boundaries 30 Mar, 29 Apr, 29 May: 1000.00 x 2% = 20.00; (1020.00 - 500.00) x 2%
    # = 10.40 (the payment on the boundary counts); 530.40 x 2% = 10.608 -> 10.61.
    assert result["late_fees"] == [
        {"date": "2024-03-30", "fee": "20.00", "late_fee": "20.00", "balance": "1020.00"},
        {"date": "2024-04-29", "fee": "10.40", "late_fee": "30.40", "balance": "530.40"},
        {"date": "2024-05-29", "fee": "10.61", "late_fee": "41.01", "balance": "541.01"},
    ]
    assert (result["total"], result["balance"]) == ("1041.01", "541.01")
    assert result["early_deadlines"] == []
    # 1, 8, 15, 22 Feb before; 10, 20, 30 Mar, 9, 19, 29 Apr, 9, 19, 29 May after.
    reminders = [(r["date"], r["kind"], r["balance"]) for r in result["reminders"]]
    assert reminders[:4] == [(f"2024-02-{d:02}", "before_due", "1000.00") for d in (1, 8, 15, 22)]
    assert reminders[4:] == [
        ("2024-03-10", "after_due", "1000.00"),
        ("2024-03-20", "after_due", "1000.00"),
        ("2024-03-30", "after_due", "1020.00"),
        ("2024-04-09", "after_due", "1020.00"),
        ("2024-04-19", "after_due", "1020.00"),
        ("2024-04-29", "after_due", "530.40"),
        ("2024-05-09", "after_due", "530.40"),
        ("2024-05-19", "after_due", "530.40"),
        ("2024-05-29", "after_due", "541.01"),
    ]


def test_schedule_of_a_cash_discount(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The terms fill in 2% per 20 days: one deadline, 1 Mar - 20 days = 10 Feb,
    # 1000.00 - 20.00 = 980.00.
    path = write(tmp_path, CASH)
    _, out, _ = run(capsys, "schedule", path, "--as-of", "2024-01-31", "--output", "json")
    assert json.loads(out)["early_deadlines"] == [
        {
            "date": "2024-02-10",
            "periods": 1,
            "discount_percentage": "2",
            "discount": "20.00",
            "total": "980.00",
            "balance": "980.00",
        }
    ]


def test_schedule_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "schedule", write(tmp_path, LATE), "--as-of", "2024-05-31")
    assert status == 0
    assert out.startswith("Invoice INV-7 (USD): dated 2024-01-31, due 2024-02-29, terms Net 29\n")
    assert "balance $541.01" in out
    assert "Early-payment deadlines (pay by): none" in out
    assert "2024-04-29  $10.40     $30.40    $530.40" in out
    assert "2024-03-30   after due  $1,020.00" in out


def test_the_documents_as_of_is_used(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, {**LATE, "as_of": "2024-04-01"})
    _, out, _ = run(capsys, "schedule", path, "--output", "json")
    assert [fee["date"] for fee in json.loads(out)["late_fees"]] == ["2024-03-30"]


def test_an_array_gives_an_array(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, [LATE, CASH])
    _, out, _ = run(capsys, "schedule", path, "--as-of", "2024-02-01", "--output", "json")
    assert [r["due_date"] for r in json.loads(out)] == ["2024-02-29", "2024-03-01"]


@pytest.mark.parametrize("command", ["schedule", "estimate"])
def test_each_result_names_its_invoice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    """Results could be matched only by position: now each object starts with the
    invoice's id and number, as preview's totals do (null when it has none)."""
    path = write(tmp_path, [{**LATE, "id": "A-1"}, CASH])
    status, out, _ = run(capsys, command, path, "--as-of", "2024-02-01", "--output", "json")
    assert status == 0
    results = json.loads(out)
    assert [(r["id"], r["number"]) for r in results] == [("A-1", "INV-7"), (None, None)]
    assert all(list(result)[:2] == ["id", "number"] for result in results)


@pytest.mark.parametrize("command", ["schedule", "recur", "estimate"])
def test_unknown_terms_exit_2_with_one_line(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, {**CASH, "terms": "Net thirty"})
    status, out, err = run(capsys, command, path, *(["--count", "2"] if command == "recur" else []))
    assert_refused(status, out, err, f"{path}: terms: ", "'Net thirty'")


@pytest.mark.parametrize(
    ("document", "pieces"),
    [
        # Net 30 from 31 Jan is 1 Mar, not 2 Mar.
        ({**CASH, "terms": "Net 30", "due_date": "2024-03-02"}, ["due_date", "2024-03-01"]),
        ({**CASH, "discount_percentage": "5"}, ["discount_percentage", "2/10 Net 30"]),
        ({**CASH, "terms": "2/15 Net 30"}, ["terms", "N below M/2"]),
        ([CASH, {**CASH, "terms": "EOM"}], ["[1].due_date"]),
    ],
)
def test_terms_that_disagree_exit_2(
    document: Any, pieces: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "schedule", write(tmp_path, document), "--as-of", "2024-02-01")
    assert_refused(status, out, err, *pieces)


def test_standard_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(json.dumps(CASH).encode())))
    _, out, _ = run(capsys, "schedule", "-", "--as-of", "2024-02-11", "--output", "json")
    assert json.loads(out)["balance"] == "1000.00"


# -- recur --------------------------------------------------------------------------


def test_recur_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Net 15 EOM from the end of each month; every occurrence 3 x 25.00 = 75.00.
    template = {
        "currency": "USD",
        "number": "R-1",
        "invoice_date": "2024-01-31",
        "due_date": "2024-02-15",
        "terms": "Net 15 EOM",
        "lines": [{"quantity": 3, "unit_price": "25.00"}],
        "payments": [{"date": "2024-02-01", "amount": "75.00"}],
    }
    status, out, err = run(
        capsys, "recur", write(tmp_path, template), "--count", "4", "--output", "json"
    )
    assert (status, err) == (0, "")
    series = json.loads(out)
    assert [(o["occurrence"], o["invoice_date"], o["due_date"]) for o in series] == [
        (1, "2024-01-31", "2024-02-15"),
        (2, "2024-02-29", "2024-03-15"),
        (3, "2024-03-31", "2024-04-15"),
        (4, "2024-04-30", "2024-05-15"),
    ]
    # No payments carry over; each occurrence's totals stand on its own date.
    assert {(o["total"], o["balance"]) for o in series} == {("75.00", "75.00")}
    assert [o["as_of"] for o in series] == [o["invoice_date"] for o in series]


def test_recur_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, CASH)
    argv = [
        "recur",
        path,
        "--frequency",
        "2 weeks",
        "--start",
        "2024-02-26",
        "--until",
        "2024-03-25",
    ]
    _, out, _ = run(capsys, *argv, "--output", "json")
    # 26 Feb, 11 Mar, 25 Mar (inclusive); due 30 days later each.
    assert [(o["invoice_date"], o["due_date"]) for o in json.loads(out)] == [
        ("2024-02-26", "2024-03-27"),
        ("2024-03-11", "2024-04-10"),
        ("2024-03-25", "2024-04-24"),
    ]
    status, out, _ = run(capsys, *argv)
    assert status == 0
    assert out.splitlines()[0].endswith("; 2 weeks, 3 occurrences")
    assert "  3    2024-03-25  2024-04-24  $980.00" in out
    # One is one occurrence.
    _, out, _ = run(capsys, "recur", path, "--count", "1")
    assert out.splitlines()[0].endswith(", 1 occurrence")


def test_recur_needs_an_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "recur", write(tmp_path, CASH))
    assert_refused(status, out, err, "--count or --until")


@pytest.mark.parametrize("argv", [["--count", "0"], ["--count", "x"], ["--frequency", "daily"]])
def test_recur_usage_errors(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["recur", write(tmp_path, CASH), *argv])
    assert caught.value.code == 2
    assert argv[0] in capsys.readouterr().err


def test_a_series_leaving_the_calendar(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, {**CASH, "invoice_date": "9999-06-30", "due_date": "9999-07-30",
                            "terms": "Net 30"})  # fmt: skip
    status, out, err = run(capsys, "recur", path, "--count", "12")
    assert_refused(status, out, err, "start", "outside years 1 to 9999")


# -- estimate -----------------------------------------------------------------------

ESTIMATE = {
    "currency": "USD",
    "invoice_date": "2024-03-01",
    "due_date": "2024-03-31",
    "lines": [
        {"title": "Design", "kind": "task", "unit_price": "85.00", "quantity_low": "10",
         "quantity_high": "12.5", "markup_percentage": "10"},
        {"flat_fee": "150.00", "taxable": False},
    ],
    "sales_tax": "8",
    "discount_percentage": "5",
}  # fmt: skip


def test_estimate_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "estimate", write(tmp_path, ESTIMATE), "--output", "json")
    assert (status, err) == (0, "")
    result = json.loads(out)
    # Worked in tests/test_estimate.py: low 1085.00 - 54.25 + 71.06 = 1101.81;
    # high 1318.75 - 65.94 + 88.83 = 1341.64.
    low, high = result["low"], result["high"]
    assert (low["item_actual"], low["discount"], low["sales_tax"], low["total"]) == (
        "1085.00", "54.25", "71.06", "1101.81"
    )  # fmt: skip
    assert (high["item_actual"], high["discount"], high["sales_tax"], high["total"]) == (
        "1318.75", "65.94", "88.83", "1341.64"
    )  # fmt: skip
    assert low["as_of"] == "2024-03-01"  # the invoice date by default


def test_estimate_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "estimate", write(tmp_path, ESTIMATE), "--as-of", "2024-03-02")
    assert "as of 2024-03-02" in out
    assert "  total            $1,101.81  $1,341.64\n" in out
    assert "  sales_tax (8%)      $71.06     $88.83\n" in out


def test_an_inverted_range_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = {**ESTIMATE, "lines": [{"quantity_low": "10", "quantity_high": "5"}]}
    status, out, err = run(capsys, "estimate", write(tmp_path, document))
    assert_refused(status, out, err, "lines[0].quantity_high", "below the low quantity")


# -- help and python -m ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ("schedule", ["--as-of", "--output", "--input", "--locale"]),
        ("recur", ["--count", "--until", "--frequency", "--start", "--output", "--input"]),
        ("estimate", ["--as-of", "--output", "--input", "--locale"]),
    ],
)
def test_help_explains_every_option(
    command: str, options: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main([command, "--help"])
    assert caught.value.code == 0
    out = capsys.readouterr().out
    for option in options:
        assert option in out


def test_the_commands_are_listed(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert all(command in out for command in ("schedule", "recur", "estimate"))


def test_python_dash_m_refuses_unknown_terms(tmp_path: Path) -> None:
    path = write(tmp_path, {**CASH, "terms": "Net thirty"})
    done = subprocess.run(
        [sys.executable, "-m", "invoicecalc", "schedule", path, "--as-of", "2024-02-01"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr
    assert "'Net thirty'" in done.stderr
