"""preview --keep-going, --errors json, JSON Lines and --jobs through the command line."""

from __future__ import annotations

import io
import json
import os
import pickle
import sys
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pytest

from invoicecalc import _batch as batch
from invoicecalc import document
from invoicecalc._cli import _batches, _invoices, main
from invoicecalc.errors import InvalidValueError, ParseError, VendorError

ROOT = Path(__file__).parents[2]
BASE: dict[str, Any] = {
    "currency": "USD",
    "invoice_date": "2024-03-01",
    "due_date": "2024-03-31",
    "lines": [{"title": "Work", "quantity": 2, "unit_price": "19.99"}],
    "sales_tax": "8.25",
}
AS_OF = ("--as-of", "2024-03-10")
KEYS = ["index", "id", "number", "field", "value", "problem"]


@pytest.fixture(autouse=True)
def four_cpus(monkeypatch: pytest.MonkeyPatch) -> None:
    """--jobs 2 is given here whatever the machine: as if it had four CPUs."""
    monkeypatch.setattr(_invoices, "usable_cpus", lambda: 4)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def invoices() -> list[dict[str, Any]]:
    """Five invoices, the second and fourth refused (a fraction of a cent; no currency)."""
    bad_fee = {**BASE, "id": "b", "number": "N-2", "lines": [{"flat_fee": "1.001"}]}
    no_currency = {key: value for key, value in BASE.items() if key != "currency"}
    return [
        {**BASE, "id": "a", "number": "N-1"},
        bad_fee,
        {**BASE, "id": "c"},
        {**no_currency, "id": "d", "number": "N-4"},
        {**BASE, "number": "N-5", "lines": [{"quantity": 3, "unit_price": "7.00"}]},
    ]


@pytest.fixture
def jsonl(tmp_path: Path) -> Path:
    path = tmp_path / "batch.jsonl"
    lines = [json.dumps(invoice) for invoice in invoices()]
    lines.insert(2, "this is not JSON")  # line 3
    lines.insert(3, "")  # a blank line is skipped
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def array(tmp_path: Path) -> Path:
    path = tmp_path / "batch.json"
    path.write_text(json.dumps(invoices(), indent=1))
    return path


def good_totals(invoice: dict[str, Any]) -> dict[str, Any]:
    text = document.preview(json.dumps({**invoice, "as_of": AS_OF[1]}))
    result: dict[str, Any] = json.loads(text)
    result["as_of"] = AS_OF[1]
    return result


def test_jsonl_keeps_going_with_each_result_in_its_place(
    jsonl: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(
        capsys,
        "preview",
        str(jsonl),
        "--input",
        "jsonl",
        "--output",
        "jsonl",
        "--keep-going",
        *AS_OF,
    )
    assert status == 2
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 6
    good = invoices()
    assert rows[0] == good_totals(good[0])
    assert rows[3] == good_totals(good[2])
    assert rows[5] == good_totals(good[4])
    assert [row["error"] for row in (rows[1], rows[2], rows[4])] == [
        {
            "index": 1,
            "id": "b",
            "number": "N-2",
            "field": "lines[0].flat_fee",
            "value": "'1.001'",
            "problem": "is finer than USD allows",
            "line": 2,
        },
        {
            "index": 2,
            "id": None,
            "number": None,
            "field": "",
            "value": None,
            "problem": "is not valid JSON: Expecting value: line 1 column 1 (char 0)",
            "line": 3,
        },
        {
            "index": 4,
            "id": "d",
            "number": "N-4",
            "field": "currency",
            "value": None,
            "problem": "is required",
            "line": 6,
        },
    ]
    assert err.splitlines() == [
        f"invoicecalc: {jsonl}:2: lines[0].flat_fee: is finer than USD allows (got '1.001')",
        f"invoicecalc: {jsonl}:3: is not valid JSON: Expecting value: line 1 column 1 (char 0)",
        f"invoicecalc: {jsonl}:6: currency: is required (got None)",
    ]
    # Each output line is compact JSON, and echoes id and number first.
    assert out.splitlines()[0].startswith('{"id":"a","number":"N-1","currency":"USD",')


def test_errors_json_writes_each_refusal_as_a_json_line(
    jsonl: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["preview", str(jsonl), "--input", "jsonl", "--output", "jsonl", "--keep-going"]
    status, out, err = run(capsys, *argv, "--errors", "json", *AS_OF)
    assert status == 2
    reports = [json.loads(line) for line in err.splitlines()]
    in_place = [json.loads(line)["error"] for line in out.splitlines() if '"error"' in line]
    assert [report.pop("source") for report in reports] == [str(jsonl)] * 3
    assert reports == in_place


def test_keep_going_with_nothing_refused_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "good.jsonl"
    path.write_text(json.dumps(BASE) + "\n" + json.dumps({**BASE, "id": "x"}) + "\n")
    status, out, err = run(
        capsys,
        "preview",
        str(path),
        "--input",
        "jsonl",
        "--output",
        "jsonl",
        "--keep-going",
        *AS_OF,
    )
    assert (status, err, len(out.splitlines())) == (0, "", 2)


def test_without_keep_going_the_first_refusal_stops_the_batch(
    jsonl: Path, array: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(
        capsys, "preview", str(jsonl), "--input", "jsonl", "--output", "jsonl", *AS_OF
    )
    # JSON Lines are written as they are calculated: the line before the refusal stays.
    assert (status, len(out.splitlines())) == (2, 1)
    assert (
        err
        == f"invoicecalc: {jsonl}:2: lines[0].flat_fee: is finer than USD allows (got '1.001')\n"
    )
    status, out, err = run(capsys, "preview", str(array), "--output", "json", *AS_OF)
    assert (status, out) == (2, "")  # the array is all or nothing
    assert (
        err
        == f"invoicecalc: {array}: [1].lines[0].flat_fee: is finer than USD allows (got '1.001')\n"
    )


def test_json_array_keeps_going_in_the_bytes_of_the_whole_document(
    array: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "preview", str(array), "--output", "json", "--keep-going", *AS_OF)
    assert status == 2
    results = json.loads(out)
    assert [sorted(result) == ["error"] for result in results] == [False, True, False, True, False]
    assert results[3]["error"] == {
        "index": 3,
        "id": "d",
        "number": "N-4",
        "field": "currency",
        "value": None,
        "problem": "is required",
    }
    good = [invoice for n, invoice in enumerate(invoices()) if n in (0, 2, 4)]
    expected = document.preview(json.dumps([{**i, "as_of": AS_OF[1]} for i in good]))
    kept = [result for result in results if "error" not in result]
    assert (
        json.dumps(kept, indent=2, ensure_ascii=False) + "\n"
        == json.dumps(json.loads(expected), indent=2, ensure_ascii=False) + "\n"
    )
    # The text is the indent=2 document, element by element.
    assert out == json.dumps(results, indent=2, ensure_ascii=False) + "\n"


def test_an_array_that_stops_being_json_ends_there(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.json"
    good = json.dumps({**BASE, "id": "a"})
    path.write_text(f'[{good},\n {good},\n {{"currency": ]')
    status, out, _ = run(capsys, "preview", str(path), "--output", "jsonl", "--keep-going", *AS_OF)
    rows = [json.loads(line) for line in out.splitlines()]
    assert status == 2
    assert [row.get("id") for row in rows[:2]] == ["a", "a"]
    assert rows[2]["error"]["index"] == 2
    # The message is the one the whole document gets without --keep-going.
    status, _, whole = run(capsys, "preview", str(path), "--output", "json", *AS_OF)
    assert status == 2
    assert whole == f"invoicecalc: {path}: [2]: {rows[2]['error']['problem']}\n"
    assert "line 3 column 15" in whole


def test_text_keeps_going_with_a_block_saying_why(
    array: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "preview", str(array), "--keep-going", *AS_OF)
    blocks = out.rstrip("\n").split("\n\n")
    assert status == 2
    assert len(blocks) == 5
    assert blocks[1] == (
        f"Invoice N-2  refused: {array}: [1].lines[0].flat_fee: is finer than USD allows "
        "(got '1.001')"
    )
    assert blocks[2].startswith("Invoice 3 (USD)")  # no number: its position


def test_vendor_outputs_refuse_keep_going_and_jobs(
    array: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for option in (["--keep-going"], ["--jobs", "2"]):
        status, out, err = run(capsys, "preview", str(array), "--output", "kashoo-json", *option)
        assert (status, out) == (2, "")
        assert "use json, jsonl or text" in err
    status, _, err = run(capsys, "preview", str(array), "--jobs", "0")
    assert status == 2
    assert "--jobs" in err


def test_errors_json_serves_every_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({**BASE, "lines": [{"quantity": "1,5"}]}))
    expected = {
        "source": str(path),
        "id": None,
        "number": None,
        "field": "lines[0].quantity",
        "value": "'1,5'",
    }
    for command in (["preview"], ["schedule"]):
        status, out, err = run(capsys, *command, str(path), "--errors", "json")
        assert (status, out) == (2, "")
        (report,) = [json.loads(line) for line in err.splitlines()]
        assert {key: report[key] for key in expected} == expected
        assert set(report) == {"source", *KEYS}
        # preview numbers each invoice of its batch; schedule reads one document.
        assert report["index"] == (0 if command == ["preview"] else None)
    status, _, err = run(capsys, "preview", str(tmp_path / "missing.json"), "--errors", "json")
    assert status == 2
    assert json.loads(err)["problem"] == "cannot read: No such file or directory"
    # An option refused is a report too, its message the problem.
    status, _, err = run(capsys, "preview", str(path), "--locale", "xx_XX", "--errors", "json")
    assert status == 2
    assert json.loads(err)["problem"].startswith("--locale:")


def test_jsonl_in_json_out_is_an_array(jsonl: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys,
        "preview",
        str(jsonl),
        "--input",
        "jsonl",
        "--output",
        "json",
        "--keep-going",
        *AS_OF,
    )
    assert status == 2
    assert len(json.loads(out)) == 6


def test_several_files_are_one_batch_indexed_across_them(
    jsonl: Path, array: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(
        capsys, "preview", str(array), str(array), "--output", "jsonl", "--keep-going", *AS_OF
    )
    rows = [json.loads(line) for line in out.splitlines()]
    assert status == 2
    assert [row["error"]["index"] for row in rows if "error" in row] == [1, 3, 6, 8]


@pytest.mark.parametrize("output", ["jsonl", "json", "text"])
def test_jobs_write_the_same_bytes_as_one_process(
    tmp_path: Path, output: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "many.jsonl"
    with path.open("w") as handle:
        for n in range(1100):  # several chunks of 200
            invoice = {**BASE, "id": str(n), "lines": [{"quantity": n % 7, "unit_price": "1.05"}]}
            if n % 97 == 3:
                invoice["currency"] = "usd"
            handle.write(json.dumps(invoice) + "\n")
    argv = ["preview", str(path), "--input", "jsonl", "--output", output, "--keep-going", *AS_OF]
    one = run(capsys, *argv)
    two = run(capsys, *argv, "--jobs", "2")
    assert one == two
    assert one[0] == 2
    assert one[2].count("\n") == 12  # 12 refused, each told once


def test_the_default_json_output_is_unchanged_for_one_invoice(
    capsys: pytest.CaptureFixture[str],
) -> None:
    example = ROOT / "examples" / "invoice.json"
    status, out, _ = run(capsys, "preview", str(example), "--output", "json")
    assert status == 0
    assert json.loads(out) == json.loads(document.preview(example.read_bytes()))
    assert out == json.dumps(json.loads(out), indent=2, ensure_ascii=False) + "\n"


def test_stdin_is_read_as_jsonl(
    jsonl: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    class Stdin:
        buffer = io.BytesIO(jsonl.read_bytes())

    monkeypatch.setattr(sys, "stdin", Stdin)
    status, out, err = run(
        capsys, "preview", "-", "--input", "jsonl", "--output", "jsonl", "--keep-going", *AS_OF
    )
    assert status == 2
    assert len(out.splitlines()) == 6
    assert err.startswith("invoicecalc: <stdin>:2: ")


@pytest.mark.parametrize(
    "error",
    [
        ParseError("", "is not valid JSON: Expecting value"),
        ParseError("lines", "appears twice in one object"),
        InvalidValueError("lines[0].flat_fee", "1.001", "is finer than USD allows"),
        VendorError("Kashoo", "no such invoice", "404"),
    ],
)
def test_an_error_reads_the_same_once_pickled_to_or_from_a_worker(error: Exception) -> None:
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), str(copy), copy.args) == (type(error), str(error), error.args)


def test_jobs_keep_refusals_of_json_that_is_not_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.json"
    path.write_text("[" + json.dumps(BASE) + ", {]")
    argv = ["preview", str(path), "--output", "jsonl", "--keep-going", *AS_OF]
    one, two = run(capsys, *argv), run(capsys, *argv, "--jobs", "2")
    assert one == two
    assert "(got" not in one[2]


def test_more_jobs_than_cpus_are_refused(
    array: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """--jobs 99999999999999999999 used to start processes until memory ran out."""
    monkeypatch.setattr(_invoices, "usable_cpus", lambda: 2)
    example = str(ROOT / "examples" / "invoice.json")
    assert run(capsys, "preview", example, "--jobs", "2")[0] == 0
    status, out, err = run(capsys, "preview", example, "--jobs", "3")
    assert (status, out) == (2, "")
    assert (
        err == "invoicecalc: --jobs: 3 processes on 2 CPUs would only be slower (give at most 2)\n"
    )


class DiesOn:
    """A renderer whose worker process dies (as one killed, or out of memory) when it
    writes invoice ``index``."""

    layout = batch.Layout()

    def __init__(self, index: int) -> None:
        self.index = index

    def result(self, index: int, entry: Any, totals: Any) -> str:
        if index == self.index:
            os._exit(9)
        return str(index)

    def refusal(self, refusal: batch.Refusal) -> str:
        return "refused"


def test_a_worker_that_dies_stops_the_batch_instead_of_hanging() -> None:
    """multiprocessing.Pool waited for ever for a killed worker's chunk."""
    items = [batch.Item(n, "many.jsonl", text=json.dumps({**BASE, "as_of": "2024-03-10"}))
             for n in range(3 * batch.CHUNK)]  # fmt: skip
    settings = batch.Settings(DiesOn(batch.CHUNK + 5), None)
    found: list[str] = []

    def consume() -> None:
        for piece in batch.pieces(items, settings, jobs=2):
            found.append(piece.text)

    with pytest.raises(BrokenProcessPool):
        consume()
    assert found == [str(n) for n in range(len(found))]  # in order, up to where it stopped
    assert len(found) < batch.CHUNK + 5


def test_the_command_says_a_worker_died(
    array: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> Any:
        raise BrokenProcessPool("A process in the process pool was terminated abruptly")

    monkeypatch.setattr(_batches.batch, "pieces", broken)
    status, out, err = run(capsys, "preview", str(array), "--jobs", "2", *AS_OF)
    assert (status, out) == (2, "")
    assert err.startswith("invoicecalc: --jobs: a worker process died (killed, or out of memory)")
    assert err.count("\n") == 1


def test_a_batch_of_one_chunk_or_less_starts_no_process(
    array: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """--jobs 64 on four invoices took 9 s starting 64 processes for one chunk of work."""

    def no_processes(*args: object, **kwargs: object) -> Any:
        raise AssertionError("a process pool was started")

    monkeypatch.setattr(batch, "ProcessPoolExecutor", no_processes)
    one = run(capsys, "preview", str(array), "--output", "jsonl", "--keep-going", *AS_OF)
    two = run(capsys, "preview", str(array), "--output", "jsonl", "--keep-going", "--jobs", "2",
              *AS_OF)  # fmt: skip
    assert one == two


def test_a_batch_of_exactly_one_chunk_starts_no_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/cli.md: "a batch of 200 invoices or fewer is worked in the command's own
    process"; exactly one chunk started a process pool for it."""

    def no_processes(*args: object, **kwargs: object) -> Any:
        raise AssertionError("a process pool was started")

    monkeypatch.setattr(batch, "ProcessPoolExecutor", no_processes)
    text = json.dumps({**BASE, "as_of": "2024-03-10"})
    items = [batch.Item(n, "one.jsonl", text=text) for n in range(batch.CHUNK)]
    settings = batch.Settings(DiesOn(-1), None)
    found = [piece.text for piece in batch.pieces(items, settings, jobs=2)]
    assert found == [str(n) for n in range(batch.CHUNK)]


def test_ctrl_c_stops_quietly_with_130(
    array: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args: object, **kwargs: object) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(_invoices, "run", interrupted)
    assert run(capsys, "preview", str(array), *AS_OF) == (130, "", "")


def test_jsonl_written_before_a_refusal_ends_with_its_line_break(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --keep-going the lines before the refused invoice are written; the last
    of them lacked its line break (wc -l counted none)."""
    path = tmp_path / "two.jsonl"
    path.write_text(json.dumps(BASE) + "\n" + json.dumps({**BASE, "currency": "usd"}) + "\n")
    status, out, err = run(capsys, "preview", str(path), "--input", "jsonl", "--output", "jsonl",
                           *AS_OF)  # fmt: skip
    assert status == 2
    assert out.endswith("}\n")
    assert [json.loads(line)["currency"] for line in out.splitlines()] == ["USD"]
    assert err.startswith(f"invoicecalc: {path}:2: currency: ")


def test_a_keep_going_refusal_on_stderr_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "odd.jsonl"
    path.write_text(json.dumps({**BASE, "bad\nkey": 1}) + "\n")
    argv = ["preview", str(path), "--input", "jsonl", "--output", "jsonl", *AS_OF]
    for option in ([], ["--keep-going"]):
        status, _, err = run(capsys, *argv, *option)
        assert status == 2
        assert err.count("\n") == 1, err
        assert "bad\\nkey" in err


def test_a_bad_currency_option_ends_the_command_even_with_keep_going(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """It stood in the first invoice's place as that invoice's refusal."""
    files = [str(ROOT / "tests" / "fixtures" / "cashboard" / name)
             for name in ("invoices.xml", "invoice_line_items.xml")]  # fmt: skip
    argv = ["preview", *files, "--input", "cashboard", "--currency", "usd", "--output", "jsonl"]
    status, out, err = run(capsys, *argv, "--keep-going", "--errors", "json")
    assert (status, out) == (2, "")
    report = json.loads(err)
    assert {key: report[key] for key in ("source", "index", "field")} == {
        "source": None, "index": None, "field": ""
    }  # fmt: skip
    assert report["problem"] == "--currency: currency: is not an ISO 4217 code (got 'usd')"


@pytest.mark.parametrize("command", ["preview", "explain", "schedule", "estimate", "check"])
def test_errors_json_places_an_arrays_invoice_for_every_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    """The other commands read an array whole: their report said index null and
    field "[1].lines[0].flat_fee", where preview's says index 1."""
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([BASE, {**BASE, "lines": [{"flat_fee": "10.001"}]}]))
    extra = ["--input", "json"] if command == "check" else []
    status, out, err = run(capsys, command, str(path), *extra, "--errors", "json", *AS_OF)
    assert (status, out) == (2, "")
    report = json.loads(err)
    assert (report["source"], report["index"], report["field"]) == (
        str(path), 1, "lines[0].flat_fee"
    )  # fmt: skip


@pytest.mark.parametrize("command", ["preview", "explain", "check"])
def test_errors_json_names_a_file_that_cannot_be_read_for_every_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    missing = str(tmp_path / "missing.json")
    extra = ["--input", "json"] if command == "check" else []
    status, _, err = run(capsys, command, missing, *extra, "--errors", "json")
    assert status == 2
    report = json.loads(err)
    assert (report["source"], report["field"], report["problem"]) == (
        missing, "", "cannot read: No such file or directory"
    )  # fmt: skip


@pytest.mark.parametrize("key", ["id", "number"])
def test_an_id_or_number_that_is_not_text_is_refused_not_echoed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], key: str
) -> None:
    """A lone surrogate (JSON may escape one: "\\ud800") was echoed in the error object
    and writing it failed: a traceback, and on Dask the whole job."""
    path = tmp_path / "odd.jsonl"
    path.write_text(json.dumps(BASE) + "\n" + json.dumps({**BASE, key: "\ud800"}) + "\n")
    argv = ["preview", str(path), "--input", "jsonl", "--output", "jsonl", *AS_OF]
    status, out, err = run(capsys, *argv, "--keep-going", "--errors", "json")
    assert status == 2
    refused = json.loads(out.splitlines()[1])["error"]
    assert (refused["field"], refused["id"], refused["number"]) == (key, None, None)
    assert refused["problem"] == "holds a lone surrogate, which is not text"
    assert json.loads(err)["field"] == key


def test_a_megabyte_key_is_shown_cut_in_every_structured_refusal(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A refusal's field is cut at 200 characters (then "...") in --errors json and in
    --keep-going's error objects, as in the text message: refusing a megabyte of input
    never writes a megabyte (found by a hostile-input review: the JSON forms copied the
    field whole)."""
    key = "k" * 1_000_000
    path = tmp_path / "long.json"
    path.write_text(json.dumps({**BASE, key: 1}))
    status, out, err = run(
        capsys, "preview", str(path), "--keep-going", "--output", "jsonl", "--errors", "json",
        *AS_OF,
    )  # fmt: skip
    assert status == 2
    assert len(out) + len(err) < 3_000
    refusal = json.loads(err.splitlines()[0])
    assert refusal["field"] == "k" * 200 + "..."
    assert json.loads(out)["error"]["field"] == "k" * 200 + "..."


def test_a_value_too_long_for_python_to_write_is_shown_by_its_length() -> None:
    """Python will not write a whole number of more than 4,300 digits; a refusal of one
    says how long it is instead of failing (10**5000 has 5,001 digits)."""
    error = InvalidValueError("amount", 10**5000, "is out of the supported range")
    assert batch.report(error, source=None, index=0)["value"] == (
        "<a whole number of about 5001 digits>"
    )
    assert str(error) == (
        "amount: is out of the supported range (got <a whole number of about 5001 digits>)"
    )


@pytest.mark.parametrize(
    ("option", "given", "shown"),
    [
        ("--jobs", "\u0663", "'\u0663'"),  # ARABIC-INDIC DIGIT THREE, which int() takes for 3
        ("--jobs", "9" * 5000, "'" + "9" * 57 + "..."),
        ("--count", "9" * 5000, "'" + "9" * 57 + "..."),
    ],
)
def test_a_whole_number_option_is_ascii_digits_and_is_shown_cut(
    capsys: pytest.CaptureFixture[str], array: Path, option: str, given: str, shown: str
) -> None:
    """--jobs and --count take ASCII digits only, as documents do, and a refused value is
    shown cut, as every message cuts it (a review found "٣" taken for 3, and a 5,000-digit
    --count refused in argparse's words, naming an internal function, written whole)."""
    command = "recur" if option == "--count" else "preview"
    with pytest.raises(SystemExit) as stopped:
        main([command, str(array), option, given])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {option}: must be a whole number" in err
    assert f"(got {shown}" in err
    assert len(err) < 600
