"""A streamed batch holds one chunk at a time: its peak memory does not grow with its length.

Each run is a fresh ``invoicecalc preview --keep-going`` process, measured by
a fresh parent (``getrusage(RUSAGE_CHILDREN)``), on 500 and on 8,000
one-line invoices (a few refused). Before batches were streamed, 10,000 such
invoices peaked 123 MB above 1,000 (about 14 KB each held at once); holding
only each result's text would still add about 1 KB each. The longer run must
peak within :data:`MARGIN_KB` of the shorter. ``benchmarks/bench_batch.py``
measures the same on 100,000 ten-line invoices.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

MARGIN_KB = 6 * 1024
SMALL, LARGE = 500, 8_000

_MEASURE = """
import resource, subprocess, sys
with open(sys.argv[1], "wb") as out:
    status = subprocess.run(sys.argv[2:], stdout=out, stderr=subprocess.DEVNULL).returncode
print(status, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def write(path: Path, count: int, *, array: bool, refused: bool = True) -> None:
    invoice = {
        "currency": "USD",
        "invoice_date": "2024-03-01",
        "due_date": "2024-03-31",
        "lines": [{"quantity": 2, "unit_price": "19.99"}],
        "sales_tax": "8.25",
    }
    texts = []
    for n in range(count):
        fee = "1.001" if refused and n % 500 == 7 else "1.00"  # a fraction of a cent: refused
        texts.append(json.dumps({**invoice, "id": str(n), "discount_amount": fee}))
    path.write_text("[\n" + ",\n".join(texts) + "\n]\n" if array else "\n".join(texts) + "\n")


def peak_kb(
    path: Path,
    out: Path,
    fmt: str,
    options: tuple[str, ...] = ("--output", "jsonl", "--keep-going"),
) -> int:
    argv = [sys.executable, "-m", "invoicecalc", "preview", str(path), "--input", fmt]
    argv += [*options, "--as-of", "2024-03-10"]
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(out), *argv],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    status, rss = map(int, done.stdout.split())
    assert status == (2 if "--keep-going" in options else 0)  # some were refused, or none
    return rss


@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_peak_memory_does_not_grow_with_the_count(tmp_path: Path, fmt: str) -> None:
    peaks = []
    for count in (SMALL, LARGE):
        path, out = tmp_path / f"{count}.{fmt}", tmp_path / "out.jsonl"
        write(path, count, array=fmt == "json")
        peaks.append(peak_kb(path, out, fmt))
        lines = out.read_text().splitlines()
        assert len(lines) == count
        assert sum(line.startswith('{"error":') for line in lines) == len(range(7, count, 500))
    small, large = peaks
    assert large - small < MARGIN_KB, f"peak RSS {small} KB for {SMALL}, {large} KB for {LARGE}"


@pytest.mark.parametrize("output", ["json", "text"])
def test_all_or_nothing_output_does_not_grow_with_the_count_either(
    tmp_path: Path, output: str
) -> None:
    """Without --keep-going, --output json and text are written once every invoice is
    done; they were held in a list (8,000 such invoices: about 10 MB of text more than
    500), and are now held in a temporary file past a megabyte."""
    peaks = []
    for count in (SMALL, LARGE):
        path, out = tmp_path / f"{count}.jsonl", tmp_path / f"out.{output}"
        write(path, count, array=False, refused=False)
        peaks.append(peak_kb(path, out, "jsonl", ("--output", output)))
        if output == "json":
            assert [t["id"] for t in json.loads(out.read_text())] == [str(n) for n in range(count)]
    small, large = peaks
    assert large - small < MARGIN_KB, f"peak RSS {small} KB for {SMALL}, {large} KB for {LARGE}"
