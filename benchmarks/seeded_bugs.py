"""The seeded bugs of issue 12, each put into a scratch copy of the package, and the
tests of tests/test_mutation.py that fail against it (docs/mutation.md).

    python benchmarks/seeded_bugs.py

Each bug is one textual change to one engine module; the copy is made afresh for each
and removed at the end, so the working tree is never touched. A bug that no test
catches makes the exit status 1.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: (the bug, the module, the text, the text with the bug)
BUGS = [
    ("per-document scale = den", "_prepare", "scale *= terms.rate_den", "scale = terms.rate_den"),
    (
        "early search steps by 2",
        "_calculate",
        "range(first_settlable, k_offer, -1)",
        "range(first_settlable, k_offer, -2)",
    ),
    (
        "early deadline due + k*P",
        "_calculate",
        "deadline = due - k * period",
        "deadline = due + k * period",
    ),
    ("price without EXACT", "_money", ".scaleb(self.exponent, EXACT)", ".scaleb(self.exponent)"),
    ("no fee on 1 unit", "_calculate", "if outstanding > 0 else 0", "if outstanding > 1 else 0"),
    ("-1e18 accepted", "_money", "not -_TOO_LARGE < number", "not -_TOO_LARGE <= number"),
    ("1e-18 refused", "_money", "adjusted() < MIN_EXPONENT", "adjusted() <= MIN_EXPONENT"),
    (
        "61 characters accepted",
        "_money",
        "len(text) <= MAX_NUMBER_TEXT",
        "len(text) <= MAX_NUMBER_TEXT + 1",
    ),
    (
        "60 characters refused",
        "_money",
        "len(text) <= MAX_NUMBER_TEXT",
        "len(text) < MAX_NUMBER_TEXT",
    ),
    ("60 digits refused", "_money", "digits) > MAX_NUMBER_TEXT", "digits) >= MAX_NUMBER_TEXT"),
    ("taxable='no' accepted", "_model", "if type(self.taxable) is not bool:", "if False:"),
    (
        "title=5 accepted",
        "_model",
        "if type(self.title) is not str or type(self.description) is not str:",
        "if False:",
    ),
    (
        "paid the day after a deadline counts",
        "_calculate",
        "if day <= deadline)",
        "if day <= deadline + 1)",
    ),
]


def main() -> None:
    missed = []
    with tempfile.TemporaryDirectory() as scratch:
        for bug, module, text, buggy in BUGS:
            copy = Path(scratch) / "invoicecalc"
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(ROOT / "src" / "invoicecalc", copy)
            path = copy / f"{module}.py"
            source = path.read_text()
            assert source.count(text) == 1, f"{bug}: {text!r} is not in {module}.py once"
            path.write_text(source.replace(text, buggy))
            done = subprocess.run(
                [sys.executable, "-m", "pytest", "-q", "tests/test_mutation.py"],
                cwd=ROOT,
                env=dict(os.environ, PYTHONPATH=scratch),
                capture_output=True,
                text=True,
                check=False,
            )
            failed = sorted(
                {
                    line.split("::")[1].split("[")[0].split(" ")[0]
                    for line in done.stdout.splitlines()
                    if line.startswith("FAILED")
                }
            )
            print(f"{bug}: {', '.join(failed) or 'NOT CAUGHT'}")
            if not failed:
                missed.append(bug)
    sys.exit(bool(missed))


if __name__ == "__main__":
    main()
