"""The ``invoicecalc`` command line (``docs/cli.md``).

The command line, unlike the library, may read the clock (today is the
default ``--as-of``) and print. Refused input exits 2 with one line on stderr
and nothing on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from .. import __version__
from ..errors import InvoiceCalcError
from ._args import EXIT_REFUSED, Parser, one_line
from ._explain import add_explain_command
from ._formats import Refused
from ._invoices import add_invoice_commands
from ._schedules import add_schedule_commands
from ._serve import add_server_commands

__all__ = ["EXIT_BROKEN_PIPE", "EXIT_INTERRUPTED", "build_parser", "main"]

#: The status when standard output was closed before everything was written.
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a command ended by it
#: The status when interrupted (Ctrl-C): 128 + SIGINT, with no traceback.
EXIT_INTERRUPTED = 130


def build_parser() -> argparse.ArgumentParser:
    """The parser of every command; each sets ``run``, the function that carries it out."""
    parser = Parser(
        prog="invoicecalc",
        description="Exact invoice totals: amounts in integer minor units, never a float.",
        epilog="Exit status: 0 success, 1 stated totals differ (check), 2 refused input.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_invoice_commands(commands)
    add_explain_command(commands)
    add_schedule_commands(commands)
    add_server_commands(commands)
    for command in commands.choices.values():
        command.add_argument(
            "--errors",
            choices=("text", "json"),
            default="text",
            help="how refusals are written on stderr: text, one line each (default); json, "
            "one JSON object a line (source, index, id, number, field, value, problem)",
        )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and give its exit status (refused input: one line, status 2)."""
    args = build_parser().parse_args(argv)
    try:
        status: int = args.run(args)
    except (Refused, InvoiceCalcError) as exc:
        refused = exc if isinstance(exc, Refused) else Refused(str(exc), error=exc)
        if args.errors == "json":
            sys.stderr.write(json.dumps(refused.report, ensure_ascii=False) + "\n")
        else:
            # every refusal, and only a refusal, is one line: a field or file name
            # holding a line break is shown escaped
            sys.stderr.write(f"invoicecalc: {one_line(str(refused))}\n")
        return EXIT_REFUSED
    except KeyboardInterrupt:  # Ctrl-C: stop quietly, as a shell expects
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader went away (| head): stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    return status
