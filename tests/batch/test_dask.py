"""invoicecalc.dask on a real LocalCluster of two worker processes, against the command line.

Skipped only when the ``dask`` extra is not installed (the ``dev`` extra, and
so CI, installs it). The cluster listens on 127.0.0.1 only; the test is
bounded: a few hundred invoices in three partitions, and an alarm.
"""

from __future__ import annotations

import datetime as dt
import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import pytest

pytest.importorskip("dask", reason="the dask extra is not installed")
distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")

from invoicecalc.dask import Partition, preview_partitions  # noqa: E402

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
