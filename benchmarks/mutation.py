"""Mutation testing of the engine (issue 12; docs/mutation.md): the score of each module.

    pip install -e '.[mutation]'
    python benchmarks/mutation.py            # a whole run, then the table
    python benchmarks/mutation.py --report   # the table of the last run only
    python benchmarks/mutation.py 'invoicecalc._money.*'   # some mutants again

mutmut (configured in pyproject.toml's ``[tool.mutmut]``) mutates ``_calculate``,
``_prepare``, ``_money``, ``_model`` and ``_checks`` and runs, for each mutant, the tests
of the engine that reach the mutated function (the fast subset listed there) with the
small ``mutation`` hypothesis profile (tests/conftest.py). A whole run starts afresh
(the ``mutants/`` folder is removed first) and takes about 7 minutes on two cores.

The score of a module is killed / (killed + survived + no tests): a mutant no test
reaches counts against it. Timeouts count as killed (the mutant loops). The functions
that only record explain steps (``_trace_*``, ``prepare_traced``) are left out: they are
not engine arithmetic, and tests/test_explain.py checks them. ``--survivors`` lists each
survivor's diff (``mutmut show``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ("_calculate", "_prepare", "_money", "_model", "_checks")
KILLED = {1, 3, 36, 24, -24, 152, 255, 37}
SURVIVED = {0}
NO_TESTS = {5, 33}
#: Functions that only record explain steps (see the module docstring).
TRACE_ONLY = re.compile(r"\.x__trace_|\.x_prepare_traced__")


def _mutmut() -> str:
    found = shutil.which("mutmut", path=str(Path(sys.executable).parent))
    if found is None:
        sys.exit("mutmut is not installed here: pip install -e '.[mutation]'")
    return found


def results() -> dict[str, dict[str, int | None]]:
    """Each module's mutants and their exit codes, from the last run's ``.meta`` files."""
    found = {}
    for module in MODULES:
        meta = ROOT / "mutants" / "src" / "invoicecalc" / f"{module}.py.meta"
        if meta.exists():
            codes = json.loads(meta.read_text())["exit_code_by_key"]
            found[module] = {k: v for k, v in codes.items() if not TRACE_ONLY.search(k)}
    return found


def table(found: dict[str, dict[str, int | None]]) -> tuple[str, list[str]]:
    rows = [
        "| module | mutants | killed | survived | no tests | score |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    survivors = []
    total: Counter[str] = Counter()
    for module, codes in found.items():
        count: Counter[str] = Counter()
        for key, code in codes.items():
            if code in KILLED:
                count["killed"] += 1
            elif code in SURVIVED:
                count["survived"] += 1
                survivors.append(key)
            elif code in NO_TESTS:
                count["no tests"] += 1
                survivors.append(key)
            else:
                count["not checked"] += 1
        total += count
        rows.append(_row(f"`{module}`", count))
    rows.append(_row("**all**", total))
    return "\n".join(rows), survivors


def _row(name: str, count: Counter[str]) -> str:
    judged = count["killed"] + count["survived"] + count["no tests"]
    score = f"{100 * count['killed'] / judged:.1f}%" if judged else "-"
    unchecked = f" ({count['not checked']} not checked)" if count["not checked"] else ""
    return (
        f"| {name} | {judged}{unchecked} | {count['killed']} | {count['survived']} "
        f"| {count['no tests']} | {score} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="mutant names or globs to run (again)")
    parser.add_argument("--report", action="store_true", help="only the last run's table")
    parser.add_argument("--survivors", action="store_true", help="show each survivor's diff")
    parser.add_argument("--children", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    os.chdir(ROOT)
    mutmut = _mutmut()
    if not args.report:
        if not args.names:
            shutil.rmtree(ROOT / "mutants", ignore_errors=True)
        env = dict(os.environ, HYPOTHESIS_PROFILE="mutation")
        start = time.monotonic()
        log = ROOT / "mutants.log"
        with log.open("w") as out:
            done = subprocess.run(
                [mutmut, "run", "--max-children", str(args.children), *args.names],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                check=False,
            )
        minutes = (time.monotonic() - start) / 60
        print(f"mutmut run: exit {done.returncode} in {minutes:.1f} min (its output: {log.name})")
        if done.returncode:
            print(log.read_text()[-3000:])
            sys.exit(done.returncode)
    text, survivors = table(results())
    print(text)
    print(f"\n{len(survivors)} survivors (no tests included):")
    for name in survivors:
        print(" ", name)
        if args.survivors:
            shown = subprocess.run([mutmut, "show", name], capture_output=True, text=True)
            print(shown.stdout)


if __name__ == "__main__":
    main()
