"""The core figures of bench_core.py as instruction counts (valgrind callgrind), as ratios.

    .venv/bin/python benchmarks/bench_instructions.py     # about four minutes

Wall-clock figures on a shared virtual machine move by a third from one run to
the next; the number of instructions a piece of work executes does not (with
the hash seed fixed, the same count twice). Each case runs in a fresh
interpreter under ``valgrind --tool=callgrind``, once with ``n`` calls and once
with none, and the difference over ``n`` is its cost per call, so start-up and
imports do not count. The ratios are printed against the targets bench_core.py
prints. Instructions are not time (a C loop retires more of them per cycle than
the interpreter does), so these complement bench_core.py's figures, not replace
them. Nothing here is a test.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench_core import DISTINCT_COUNT, report, shared_rows

HERE = Path(__file__).resolve().parent

#: Each case: what one call does, and how many calls to count.
CASES = {
    "bare_int_10_lines": ("bare_int()", 2000),
    "calculate_10_lines": ("calculate(TEN, as_of=AS_OF)", 500),
    "build_and_calculate_10_lines": ("build_and_calculate(10)", 200),
    "json_end_to_end_100": ("preview(DOCUMENTS)", 5),
    # Invoices no two alike, more than the reader's caches hold: once is enough, as
    # each count is the same twice, and each call takes a minute under callgrind.
    "json_distinct": ("preview(DISTINCT)", 1),
    "json_only_100": ("json_only(DOCUMENTS)", 5),
    "unchecked_lines_10": ("unchecked_lines()", 500),
    "json_loads_100": ("json.loads(DOCUMENTS)", 5),
    "calculate_and_write_100": ("calculate_and_write(READ)", 5),
}

#: The program a case runs: bench_core's own invoices and baselines.
PROGRAM = """
import sys
sys.path.insert(0, {here!r})
from bench_core import *
TEN = make_invoice(10)
DOCUMENTS = json_documents(100)
READ = read(DOCUMENTS)
DISTINCT = distinct_json_documents(DISTINCT_COUNT)
call = lambda: {call}
call()
for _ in range({n}):
    call()
"""


def count(call: str, n: int) -> int:
    """Instructions executed by a fresh interpreter making ``call`` ``n`` more times."""
    program = PROGRAM.format(here=str(HERE), call=call, n=n)
    done = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            "-c",
            program,
        ],
        env=dict(os.environ, PYTHONHASHSEED="0"),
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        sys.exit(f"callgrind printed no count:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def per_call(name: str) -> float:
    call, n = CASES[name]
    return (count(call, n) - count(call, 0)) / n


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed here (Debian: apt-get install valgrind)")
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        cost = dict(zip(CASES, pool.map(per_call, CASES), strict=True))
    for name, instructions in cost.items():
        print(f"{name:<22} {instructions:>14,.0f} instructions per call")
    per_invoice = cost["json_end_to_end_100"] / 100
    rows = [
        *shared_rows(cost),
        (
            "floor: json.loads + calculate + write / JSON end to end",
            (cost["json_loads_100"] + cost["calculate_and_write_100"])
            / cost["json_end_to_end_100"],
            "-",
        ),
        ("JSON end to end, instructions per ten-line invoice", per_invoice, "-"),
        (
            "JSON end to end, instructions per invoice, no two alike",
            cost["json_distinct"] / DISTINCT_COUNT,
            "-",
        ),
    ]
    report(rows, "figure (instructions)")


if __name__ == "__main__":
    main()
