"""A batch of ten-line invoices through ``invoicecalc preview --keep-going``: time and peak memory.

    .venv/bin/python benchmarks/bench_batch.py                    # 100,000 and 10,000 invoices
    .venv/bin/python benchmarks/bench_batch.py --counts 1000000 100000 --jobs 2

For each count it writes that many ten-line neutral invoices as JSON Lines
to a temporary file (one in 1,000 refused: a fraction of a cent, an unknown
currency, a line that is not JSON), runs

    invoicecalc preview FILE --input jsonl --output jsonl --keep-going

as a subprocess (standard output to a file), checks the output (one line per
invoice, the refused ones error objects in their place, exit status 2) and
reports the time, invoices per second (of the wall clock, and of the CPU
time the run used, which a busy machine does not distort) and the peak
resident memory of the run (``resource.getrusage(RUSAGE_CHILDREN)``, read in
a fresh process that runs only that command, so no earlier run counts).
With ``--jobs`` the worker processes are the children of multiprocessing's
fork server, not of the command, so the CPU time and the peak shown are the
command's own (reading, writing, ordering), not its workers'. Memory that
does not grow with the count is the point: the largest count should peak
within a few megabytes of the smallest. ``--input json`` (the same invoices
as one JSON array) is measured the same way. Nothing here is a test; the
bounded check is ``tests/batch/test_memory.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_core import ten_line_invoice

AS_OF = "2024-03-10"
EVERY = 1000  # one invoice in EVERY is refused

#: Runs ``argv`` (stdout to the file named first); prints its status, peak RSS in KiB
#: and CPU seconds (with --jobs, the workers' too).
_MEASURE = """
import resource, subprocess, sys
with open(sys.argv[1], "wb") as out:
    status = subprocess.run(sys.argv[2:], stdout=out, stderr=subprocess.DEVNULL).returncode
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(status, usage.ru_maxrss, usage.ru_utime + usage.ru_stime)
"""


def numbered_invoice(n: int) -> dict[str, Any]:
    """Invoice ``n`` of a batch: the benchmarks' ten-line invoice with an id and a number."""
    return {"id": f"inv-{n}", "number": f"B-{n}", **ten_line_invoice(n)}


def invoice_text(n: int) -> str:
    """The invoice ``n`` as one JSON line; one in :data:`EVERY` refused, three ways."""
    if n % EVERY == EVERY - 1:
        kind = (n // EVERY) % 3
        if kind == 2:
            return "{this line is not JSON"
        invoice = numbered_invoice(n)
        if kind == 0:
            invoice["lines"][0]["flat_fee"] = "1.001"  # type: ignore[index]
        else:
            invoice["currency"] = "XXX1"
        return json.dumps(invoice)
    return json.dumps(numbered_invoice(n))


def write_batch(path: Path, count: int, *, array: bool) -> int:
    """``count`` invoices as JSON Lines (or a JSON array); how many are refused."""
    refused = 0
    with path.open("w") as out:
        if array:
            out.write("[\n")
        for n in range(count):
            text = invoice_text(n)
            if array and text.startswith("{this"):
                text = json.dumps({**numbered_invoice(n), "currency": "usd"})
            refused += n % EVERY == EVERY - 1
            if array:
                out.write(("" if n == 0 else ",\n") + text)
            else:
                out.write(text + "\n")
        if array:
            out.write("\n]\n")
    return refused


def command() -> list[str]:
    script = shutil.which("invoicecalc", path=os.path.dirname(sys.executable))
    return [script] if script else [sys.executable, "-m", "invoicecalc"]


def measure(path: Path, out: Path, fmt: str, jobs: int) -> tuple[int, float, int, float]:
    """Exit status, seconds, peak RSS (KiB) and CPU seconds of one run of the batch."""
    argv = [*command(), "preview", str(path), "--input", fmt, "--output", "jsonl"]
    argv += ["--keep-going", "--as-of", AS_OF, "--jobs", str(jobs)]
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(out), *argv],
        check=True,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    status, rss, cpu = done.stdout.split()
    return int(status), seconds, int(rss), float(cpu)


def check(out: Path, count: int, refused: int) -> None:
    with out.open() as handle:
        errors = lines = 0
        for line in handle:
            lines += 1
            errors += line.startswith('{"error":')
    if (lines, errors) != (count, refused):
        raise SystemExit(f"expected {count} lines, {refused} refused; got {lines}, {errors}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[100_000, 10_000])
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--formats", nargs="+", default=["jsonl", "json"])
    args = parser.parse_args()
    print(f"invoicecalc preview --input FORMAT --output jsonl --keep-going --jobs {args.jobs}")
    print(
        f"{'input':<6} {'invoices':>9} {'refused':>8} {'MB in':>7} {'seconds':>8} "
        f"{'invoices/s':>11} {'CPU s':>7} {'per CPU s':>10} {'peak RSS MB':>12}"
    )
    peaks: dict[str, list[int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in args.formats:
            for count in args.counts:
                path, out = Path(tmp) / f"batch.{fmt}", Path(tmp) / "out.jsonl"
                refused = write_batch(path, count, array=fmt == "json")
                status, seconds, rss, cpu = measure(path, out, fmt, args.jobs)
                if status != (2 if refused else 0):
                    raise SystemExit(f"exit status {status}")
                check(out, count, refused)
                peaks.setdefault(fmt, []).append(rss)
                size = path.stat().st_size / 1e6
                print(
                    f"{fmt:<6} {count:>9,} {refused:>8,} {size:>7.1f} {seconds:>8.2f} "
                    f"{count / seconds:>11,.0f} {cpu:>7.1f} "
                    f"{format(count / cpu, ',.0f') if args.jobs == 1 else 'n/a':>10} "
                    f"{rss / 1024:>12.1f}"
                )
                path.unlink()
    for fmt, rss in peaks.items():
        spread = (max(rss) - min(rss)) / 1024
        print(f"{fmt}: peak RSS spread across counts {spread:.1f} MB (flat: a few MB at most)")


if __name__ == "__main__":
    main()
