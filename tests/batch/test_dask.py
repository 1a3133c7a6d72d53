"""invoicecalc.dask on a real LocalCluster of two worker processes, against the command line.

Skipped only when the ``dask`` extra is not installed (the ``dev`` extra, and
so CI, installs it). The cluster listens on 127.0.0.1 only; the test is
bounded: a few hundred invoices in three partitions, and an alarm.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType

import pytest

pytest.importorskip("dask", reason="the dask extra is not installed")
distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")

from invoicecalc.dask import Partition, preview_partitions  # noqa: E402
from invoicecalc.errors import InvalidTypeError, InvalidValueError  # noqa: E402

AS_OF = "2024-03-10"
LIMIT = 120  # seconds for the whole test, cluster start and stop included
BASE = {
    "currency": "EUR",
    "invoice_date": "2024-03-01",
    "due_date": "2024-03-31",
    "sales_tax": "19",
}


@pytest.fixture
def alarm() -> Iterator[None]:
    def expired(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError(f"the Dask test took over {LIMIT} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(LIMIT)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def partitions(folder: Path) -> list[Path]:
    """Three partitions of JSON Lines, a few lines refused in each."""
    folder.mkdir()
    paths = []
    for number in range(3):
        lines = []
        for n in range(120):
            invoice = {
                **BASE,
                "id": f"{number}-{n}",
                "lines": [{"quantity": n % 9 + 1, "unit_price": f"{n}.{number}5"}],
            }
            if n % 37 == 5:
                invoice["lines"][0]["unit_price"] = "-"  # type: ignore[index]
            lines.append(json.dumps(invoice))
        lines[60] = "{not JSON"
        path = folder / f"in-{number}.jsonl"
        path.write_text("\n".join(lines) + "\n")
        paths.append(path)
    return paths


def command_line(path: Path) -> tuple[str, str]:
    """What ``invoicecalc preview`` prints for one partition: stdout, and --errors json."""
    argv = [sys.executable, "-m", "invoicecalc", "preview", str(path), "--input", "jsonl"]
    argv += ["--output", "jsonl", "--keep-going", "--errors", "json", "--as-of", AS_OF]
    done = subprocess.run(
        argv,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    return done.stdout, done.stderr


def test_a_local_cluster_writes_what_the_command_line_prints(tmp_path: Path, alarm: None) -> None:
    inputs = partitions(tmp_path / "in")
    out = tmp_path / "out"
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        assert len(client.scheduler_info()["workers"]) == 2
        parts = preview_partitions(
            str(tmp_path / "in" / "in-*.jsonl"), str(out), as_of=dt.date.fromisoformat(AS_OF)
        )
        # Both workers took part (three partitions, one worker busy with each at a time).
        assert client.run(lambda: 1).keys() == client.scheduler_info()["workers"].keys()
    assert [part.number for part in parts] == [0, 1, 2]
    for part, path in zip(parts, inputs, strict=True):
        assert isinstance(part, Partition)
        assert part.source == str(path)
        stdout, stderr = command_line(path)
        assert Path(part.results).read_text() == stdout
        assert Path(part.errors).read_text() == stderr
        assert part.invoices == 120
        assert part.refused == len(stderr.splitlines()) == 5
    assert sorted(p.name for p in out.iterdir()) == [
        f"{kind}-{n:05d}.jsonl" for kind in ("errors", "part") for n in range(3)
    ]


def test_without_a_date_an_invoice_is_refused_not_dated_by_the_clock(tmp_path: Path) -> None:
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps({**BASE, "id": "x"}) + "\n")
    (part,) = preview_partitions(str(path), str(tmp_path / "out"))  # Dask's local scheduler
    (line,) = Path(part.results).read_text().splitlines()
    assert json.loads(line)["error"]["field"] == "as_of"
    assert part.refused == 1


def _one(path: Path, invoice_id: str = "x") -> Path:
    path.write_text(json.dumps({**BASE, "id": invoice_id, "as_of": AS_OF}) + "\n")
    return path


def test_an_output_folder_holding_a_runs_files_is_refused(tmp_path: Path) -> None:
    """An input named part-00000.jsonl in the output folder was emptied (opened for
    writing while it was read), and an earlier run's part-00003.jsonl stayed beside a
    new run's three, to be counted with them."""
    folder = tmp_path / "same"
    folder.mkdir()
    source = _one(folder / "part-00000.jsonl")
    with pytest.raises(InvalidValueError, match=r"already holds part-00000\.jsonl"):
        preview_partitions(str(folder / "part-*.jsonl"), str(folder))
    assert source.read_text().startswith("{")  # untouched
    out = tmp_path / "out"
    preview_partitions(str(source), str(out))
    with pytest.raises(InvalidValueError, match=r"already holds errors-00000\.jsonl"):
        preview_partitions(str(source), str(out) + "/")


def test_inputs_that_name_no_file_are_refused(tmp_path: Path) -> None:
    """A typo in a nightly job's glob was a clean run of no invoices."""
    with pytest.raises(InvalidValueError, match="names no file"):
        preview_partitions(str(tmp_path / "nothing-*.jsonl"), str(tmp_path / "out"))


def test_a_partition_that_cannot_be_read_is_one_error_object_as_on_the_command_line(
    tmp_path: Path,
) -> None:
    """It raised FileNotFoundError and stopped every partition."""
    good, missing = _one(tmp_path / "a.jsonl"), tmp_path / "missing.jsonl"
    parts = preview_partitions([str(good), str(missing)], str(tmp_path / "out"))
    assert [(part.invoices, part.refused) for part in parts] == [(1, 0), (1, 1)]
    (line,) = Path(parts[1].results).read_text().splitlines()
    assert json.loads(line)["error"]["problem"] == "cannot read: No such file or directory"
    assert json.loads(Path(parts[1].errors).read_text())["source"] == str(missing)


def test_compressed_partitions_are_read_by_their_suffix(tmp_path: Path) -> None:
    import gzip

    plain = _one(tmp_path / "a.jsonl")
    packed = tmp_path / "b.jsonl.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    one, two = preview_partitions([str(plain), str(packed)], str(tmp_path / "out"))
    assert (two.invoices, two.refused) == (1, 0)
    assert Path(two.results).read_text() == Path(one.results).read_text()


@pytest.mark.parametrize("name", ["as_of", "today"])
def test_dates_that_are_not_dates_are_refused_before_any_work(tmp_path: Path, name: str) -> None:
    """A text as_of refused every invoice, one by one, as a successful run."""
    path = _one(tmp_path / "a.jsonl")
    with pytest.raises(InvalidTypeError, match=r"must be a datetime\.date"):
        preview_partitions(str(path), str(tmp_path / "out"), **{name: AS_OF})  # type: ignore[arg-type]
    assert not (tmp_path / "out").exists()


def test_a_relative_path_is_shown_as_given_as_on_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It was shown as fsspec's absolute path, where the command line shows the path
    the user gave."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jsonl").write_text(json.dumps({**BASE, "currency": "usd"}) + "\n")
    (part,) = preview_partitions("in/*.jsonl", "out", as_of=dt.date.fromisoformat(AS_OF))
    assert part.source == "in/a.jsonl"
    assert json.loads(Path(part.errors).read_text())["source"] == "in/a.jsonl"


@pytest.mark.parametrize(
    ("name", "damaged", "problem"),
    [
        # A .gz whose upload stopped before its last 8 bytes (the CRC and length).
        (
            "cut.jsonl.gz",
            lambda data: gzip.compress(data)[:-8],
            "cannot read: Compressed file ended before the end-of-stream marker was reached",
        ),
        # Deflate data that is not deflate data past its gzip header.
        (
            "garbled.jsonl.gz",
            lambda data: gzip.compress(data)[:10] + b"\xff" * 40,
            "cannot read: Error -3 while decompressing data: invalid block type",
        ),
        (
            "garbled.jsonl.xz",
            lambda data: b"\xfd7zXZ\x00" + b"\xff" * 40,
            "cannot read: Corrupt input data",
        ),
    ],
)
def test_a_damaged_compressed_partition_is_an_error_object_and_the_others_go_on(
    tmp_path: Path, name: str, damaged: Callable[[bytes], bytes], problem: str
) -> None:
    """A cut or garbled .gz or .xz raised EOFError, zlib.error or LZMAError (not
    OSError) out of its task, which stopped every partition with it."""
    good = _one(tmp_path / "a.jsonl")
    bad = tmp_path / name
    bad.write_bytes(damaged(good.read_bytes()))
    one, two = preview_partitions([str(good), str(bad)], str(tmp_path / "out"))
    assert (one.invoices, one.refused) == (1, 0)
    *_, last = Path(two.results).read_text().splitlines()
    assert json.loads(last)["error"]["problem"].startswith(problem)
    assert two.refused == 1
    assert json.loads(Path(two.errors).read_text())["source"] == str(bad)


def test_an_empty_output_is_refused_not_written_to_the_root_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``output=""`` (a job's unset setting) was checked as the working folder, then
    each partition was written to ``"" + "/part-00000.jsonl"``: the root folder."""
    import invoicecalc.dask

    given: list[str] = []
    monkeypatch.setattr(invoicecalc.dask, "_preview_partition", lambda *args: given.append(args[3]))
    monkeypatch.chdir(tmp_path)
    good = _one(tmp_path / "a.jsonl")
    with pytest.raises(InvalidValueError, match=r"^output: names no folder") as refused:
        preview_partitions(str(good), "")
    assert refused.value.field == "output"
    assert refused.value.value == ""
    assert given == []  # refused before any partition was given a folder


@pytest.mark.parametrize("inputs", [[], ""])
def test_empty_inputs_name_no_file_and_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, inputs: str | list[str]
) -> None:
    """An empty list raised fsspec's ValueError("empty urlpath sequence"), and "" was
    read as the working folder: one partition, refused as a folder."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InvalidValueError, match=r"^inputs: names no file") as refused:
        preview_partitions(inputs, str(tmp_path / "out"))
    assert refused.value.value == inputs
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("inputs", "output", "field", "value"),
    [
        (Path("a.jsonl"), "out", "inputs", Path("a.jsonl")),
        (["a.jsonl", Path("a.jsonl")], "out", "inputs[1]", Path("a.jsonl")),
        ("a.jsonl", Path("out"), "output", Path("out")),
        (5, "out", "inputs", 5),
    ],
)
def test_inputs_and_output_that_are_not_text_are_refused_naming_them(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    inputs: object,
    output: object,
    field: str,
    value: object,
) -> None:
    """A pathlib.Path raised TypeError ('PosixPath' object is not iterable) or
    AttributeError (no attribute 'rstrip'), naming neither the argument nor the value."""
    monkeypatch.chdir(tmp_path)
    _one(tmp_path / "a.jsonl")
    with pytest.raises(InvalidTypeError, match=r"must be text: a path or URL") as refused:
        preview_partitions(inputs, output)  # type: ignore[arg-type]
    assert (refused.value.field, refused.value.value) == (field, value)
    assert not (tmp_path / "out").exists()


def test_an_output_that_is_a_file_is_refused(tmp_path: Path) -> None:
    """It raised FileExistsError ('File exists') from makedirs, naming no argument."""
    source = _one(tmp_path / "a.jsonl")
    taken = tmp_path / "totals"
    taken.write_text("kept\n")
    with pytest.raises(InvalidValueError, match=r"^output: is a file, not a folder") as refused:
        preview_partitions(str(source), str(taken))
    assert refused.value.value == str(taken)
    assert taken.read_text() == "kept\n"
