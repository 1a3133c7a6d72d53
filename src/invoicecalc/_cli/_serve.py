"""The ``serve`` and ``schema`` commands (``docs/server.md``).

``serve`` needs the ``server`` extra; without it the command says so in one
line and exits 2, and the rest of the command line works as before.
"""

from __future__ import annotations

import argparse
import sys

from .._jsonschema import schema_text
from ._args import EXIT_OK, Commands, whole_argument
from ._formats import Refused

__all__ = ["add_server_commands"]

#: The default of ``--max-body``: ``invoicecalc.server.DEFAULT_MAX_BODY``, written
#: here too so that ``--help`` works without the extra (a test checks they agree).
MAX_BODY = 10 * 1024 * 1024


def _positive(text: str) -> int:
    return whole_argument(text, least=1)


def _port(text: str) -> int:
    return whole_argument(text, least=0, most=65535)


def _serve(args: argparse.Namespace) -> int:
    try:
        from .. import server
    except ImportError as exc:
        missing = exc.name or "a dependency"
        raise Refused(
            f"serve: needs the server extra ({missing} is not installed): "
            "pip install 'invoicecalc[server]'"
        ) from None
    server.serve(args.host, args.port, workers=args.workers, max_body=args.max_body)
    return EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    sys.stdout.write(schema_text())
    return EXIT_OK


def add_server_commands(commands: Commands) -> None:
    """The ``serve`` and ``schema`` commands."""
    parser = commands.add_parser(
        "serve",
        help="serve totals over HTTP (needs the server extra)",
        description=(
            "Serve POST /v1/preview, POST /v1/check, GET /healthz and GET /openapi.json "
            "with uvicorn (docs/server.md). Needs: pip install 'invoicecalc[server]'."
        ),
    )
    parser.add_argument("--host", default="127.0.0.1", help="the address (default: 127.0.0.1)")
    parser.add_argument("--port", type=_port, default=8000, help="the port (default: 8000)")
    parser.add_argument(
        "--workers", type=_positive, default=1, help="worker processes (default: 1)"
    )
    parser.add_argument(
        "--max-body",
        type=_positive,
        default=MAX_BODY,
        metavar="BYTES",
        help=f"the largest request body read; larger is refused with 413 (default: {MAX_BODY})",
    )
    parser.set_defaults(run=_serve)
    parser = commands.add_parser(
        "schema",
        help="print the JSON Schema of the neutral input document",
        description="Print the JSON Schema (draft 2020-12) of the neutral input document.",
    )
    parser.set_defaults(run=_schema)
