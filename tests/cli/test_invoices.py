"""The invoicecalc command line: output, options, and refusals (exit 2, one line)."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from invoicecalc._cli import main
from invoicecalc.document import preview

EXAMPLE = str(Path(__file__).parents[2] / "examples" / "invoice.json")
BASE = {"currency": "USD", "invoice_date": "2024-03-01", "due_date": "2024-03-31"}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_text_summary(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "preview", EXAMPLE)
    assert (status, err) == (0, "")
    assert "Invoice 2024-031 (USD)" in out
    # The hand-worked totals of the example (tests/test_document.py), formatted for en_US.
    assert "$1,307.58" in out
    assert "-$48.65" in out
    assert "sales_tax_2 (5%)" in out


def test_json_output_is_the_document(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "preview", EXAMPLE, "--output", "json")
    assert status == 0
    assert json.loads(out) == json.loads(preview(Path(EXAMPLE).read_bytes()))


def test_as_of_option_wins_over_the_document(capsys: pytest.CaptureFixture[str]) -> None:
    # On the due date no early discount is offered: sales_tax = 1066.36 x 8.25% = 87.97470
    # -> 87.97; sales_tax_2 = (1066.36 + 87.9747) x 5% = 57.716735 -> 57.72;
    # total = 1216.36 + 87.97 + 57.72 = 1362.05.
    _, out, _ = run(capsys, "preview", EXAMPLE, "--output", "json", "--as-of", "2024-03-31")
    result = json.loads(out)
    assert (result["as_of"], result["discount"], result["total"]) == (
        "2024-03-31",
        "0.00",
        "1362.05",
    )


def test_today_is_the_default_date(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "i.json"
    path.write_text(json.dumps(BASE))
    before = dt.date.today()
    _, out, _ = run(capsys, "preview", str(path), "--output", "json")
    assert before <= dt.date.fromisoformat(json.loads(out)["as_of"]) <= dt.date.today()


def test_locale(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "preview", EXAMPLE, "--locale", "de_DE")
    assert "1.307,58\xa0$" in out


def test_standard_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = json.dumps({**BASE, "lines": [{"unit_price": "2.50"}]})
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    _, out, _ = run(capsys, "preview", "-", "--output", "json", "--as-of", "2024-03-01")
    assert json.loads(out)["total"] == "2.50"


def test_several_files_give_an_array(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "preview", EXAMPLE, EXAMPLE, "--output", "json")
    assert [r["total"] for r in json.loads(out)] == ["1307.58", "1307.58"]


INVALID = {
    "lower-case currency": ({**BASE, "currency": "usd"}, "currency"),
    "unknown currency": ({**BASE, "currency": "XYZ"}, "currency"),
    "finer amount": ({**BASE, "lines": [{"flat_fee": "10.001"}]}, "lines[0].flat_fee"),
    "negative discount": ({**BASE, "discount_percentage": "-1"}, "discount_percentage"),
    "discount over 100": ({**BASE, "discount_percentage": "101"}, "discount_percentage"),
    "negative tax": ({**BASE, "sales_tax": "-1"}, "sales_tax"),
    "negative late rate": (
        {**BASE, "late_percentage": "-1", "late_period_in_days": 30},
        "late_percentage",
    ),
    "zero period": ({**BASE, "early_period_in_days": 0}, "early_period_in_days"),
    "untaxed line naming a tax": (
        {**BASE, "sales_tax": "5", "lines": [{"taxable": False, "taxes": ["sales_tax"]}]},
        "lines[0].taxes",
    ),
    "late rate without period": ({**BASE, "late_percentage": "1.5"}, "late_percentage"),
    "both tax forms": (
        {**BASE, "sales_tax": "5", "taxes": [{"name": "T", "rate": "5"}]},
        "sales_tax",
    ),
    "undefined tax": ({**BASE, "lines": [{"taxes": ["VAT"]}]}, "lines[0].taxes"),
    "unparsable number": ({**BASE, "lines": [{"quantity": "two"}]}, "lines[0].quantity"),
    "unparsable date": ({**BASE, "due_date": "next week"}, "due_date"),
    "unknown key": ({**BASE, "discount_pct": "5"}, "discount_pct"),
    "in an array": ([BASE, {**BASE, "lines": [{"unit_price": "NaN"}]}], "[1].lines[0].unit_price"),
}


@pytest.mark.parametrize("name", sorted(INVALID))
def test_refused_documents_exit_2_with_one_line(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document, field = INVALID[name]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    status, out, err = run(
        capsys, "preview", str(path), "--output", "json", "--as-of", "2024-03-01"
    )
    assert (status, out) == (2, "")
    assert err.count("\n") == 1
    assert err.startswith(f"invoicecalc: {path}: {field}: ")


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"{", "not valid JSON"),
        (b'{"a": NaN}', "NaN"),
        (b"\xff", "UTF-8"),
        (b'{"a":1,"a":2}', "twice"),
    ],
)
def test_unreadable_files_exit_2(
    content: bytes, problem: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    status, out, err = run(capsys, "preview", str(path))
    assert (status, out, err.count("\n")) == (2, "", 1)
    assert problem in err


def test_missing_file_and_bad_locale_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "preview", "no-such-file.json")
    assert (status, out) == (2, "")
    assert "no-such-file.json: cannot read" in err
    status, out, err = run(capsys, "preview", EXAMPLE, "--locale", "xx_YY")
    assert (status, out) == (2, "")
    assert "--locale" in err


def test_a_long_locale_is_refused_shown_cut(capsys: pytest.CaptureFixture[str]) -> None:
    """A --locale of 100,000 characters was written whole in its refusal."""
    status, out, err = run(capsys, "preview", EXAMPLE, "--locale", "x" * 100_000)
    assert (status, out) == (2, "")
    assert "--locale: is not a locale babel knows (got 'xxx" in err
    assert len(err) < 600


def test_one_bad_invoice_prints_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**BASE, "currency": "usd"}))
    status, out, _ = run(capsys, "preview", EXAMPLE, str(bad))
    assert (status, out) == (2, "")


def test_bad_as_of_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["preview", EXAMPLE, "--as-of", "2024-02-30"])
    assert caught.value.code == 2
    assert capsys.readouterr() == (
        "",
        "invoicecalc preview: argument --as-of: is not a real date (got '2024-02-30') "
        "(see invoicecalc preview --help)\n",
    )


def test_bad_exchange_rate_names_the_option_once(capsys: pytest.CaptureFixture[str]) -> None:
    # It said "argument --exchange-rate: --exchange-rate: is not ...".
    with pytest.raises(SystemExit) as caught:
        main(["preview", EXAMPLE, "--output", "kashoo-json", "--home-currency", "EUR",
              "--exchange-rate", "abc"])  # fmt: skip
    assert caught.value.code == 2
    assert capsys.readouterr() == (
        "",
        "invoicecalc preview: argument --exchange-rate: is not a decimal number (got 'abc') "
        "(see invoicecalc preview --help)\n",
    )


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["preview", EXAMPLE, "--jobs", "zero"], "invoicecalc preview: argument --jobs: "),
        (["preview", EXAMPLE, "--bogus"], "invoicecalc: unrecognized arguments: --bogus "),
        (["prevw"], "invoicecalc: argument COMMAND: invalid choice: 'prevw' "),
        ([], "invoicecalc: the following arguments are required: COMMAND "),
        (["preview", EXAMPLE, "--output", "a\nb"], "invoicecalc preview: argument --output: "),
    ],
)
def test_usage_errors_are_one_line_that_says_where_the_help_is(
    argv: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(said)
    assert len(err.splitlines()) == 1
    command = said.split(":")[0]
    assert err.endswith(f" (see {command} --help)\n")


def test_help_explains_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["preview", "--help"])
    assert caught.value.code == 0
    out = capsys.readouterr().out
    for option in ("--as-of", "--output", "--input", "--locale"):
        assert option in out


def test_check_on_a_document_that_states_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "check", EXAMPLE, "--input", "json")
    assert status == 0
    assert "states no totals" in out


def test_check_numbers_an_unnumbered_invoice_as_preview_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """check called the first unnumbered invoice "invoice 0", preview "Invoice 1"."""
    path = tmp_path / "two.json"
    path.write_text(json.dumps([BASE, BASE]))
    status, out, _ = run(capsys, "check", str(path), "--input", "json", "--as-of", "2024-03-01")
    assert status == 0
    assert out.splitlines()[0::2] == [
        f"{path} invoice 1 as of 2024-03-01:",
        f"{path} invoice 2 as of 2024-03-01:",
    ]
    _, out, _ = run(capsys, "preview", str(path), "--as-of", "2024-03-01")
    assert "Invoice 1 (USD)" in out
    assert "Invoice 2 (USD)" in out


def test_python_dash_m(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "invoicecalc", "preview", EXAMPLE, "--output", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["total"] == "1307.58"
    bad = tmp_path / "bad.json"
    bad.write_text('{"currency": "usd"}')
    done = subprocess.run(
        [sys.executable, "-m", "invoicecalc", "preview", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1


@pytest.mark.parametrize("command", ["preview", "check"])
def test_a_refusal_while_calculating_is_one_line_too(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Daily late fees up to 2400 are more periods than the engine computes: refused while
    # calculating, not while reading; it was a traceback before.
    late = {
        **BASE,
        "lines": [{"unit_price": "10"}],
        "late_percentage": "1",
        "late_period_in_days": 1,
    }
    path = tmp_path / "late.json"
    path.write_text(json.dumps([BASE, late]))
    argv = [command, str(path), "--as-of", "2400-01-01"] + (
        ["--input", "json"] * (command == "check")
    )
    status, out, err = run(capsys, *argv)
    assert (status, out) == (2, "")
    assert err.count("\n") == 1
    assert err.startswith(f"invoicecalc: {path}: [1].late_period_in_days: gives more than")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        # The batch path read the file without the check every other command makes.
        (["--currency", "EUR"], "--currency: --input json documents state their own currency"),
        (["--input", "jsonl", "--currency", "EUR"],
         "--currency: --input jsonl documents state their own currency"),
        # Home amounts were asked for and none was written.
        (["--home-currency", "EUR", "--exchange-rate", "0.9"],
         "--home-currency: --output text does not use it; it is for kashoo-json"),
        (["--output", "json", "--exchange-rate", "0.9"],
         "--exchange-rate: --output json does not use it; it is for kashoo-json"),
        (["--no-financial"], "--no-financial: --output text does not use it; it is for "
         "cashboard-xml, cashboard-json, cashboard-lines-xml, cashboard-payments-xml, "
         "cashboard-payment-resources-xml"),
        (["--output", "kashoo-json", "--base-url", "https://x.example"],
         "--base-url: --output kashoo-json does not use it; it is for cashboard-xml"),
    ],
)  # fmt: skip
def test_preview_refuses_options_it_would_ignore(
    capsys: pytest.CaptureFixture[str], options: list[str], message: str
) -> None:
    status, out, err = run(capsys, "preview", EXAMPLE, *options)
    assert (status, out) == (2, "")
    assert err.startswith(f"invoicecalc: {message}")
