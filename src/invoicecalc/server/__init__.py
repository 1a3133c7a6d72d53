"""The HTTP preview service behind ``invoicecalc serve`` (``docs/server.md``).

Needs the ``server`` extra (``pip install 'invoicecalc[server]'``): Starlette
for the app, uvicorn to serve it. The core package never imports this.
:func:`create_app` is the ASGI app, to mount in a stack of your own;
:func:`preview` and :func:`check` are its work without HTTP.
"""

from __future__ import annotations

import os

import uvicorn
from starlette.applications import Starlette

from ..errors import InvalidValueError
from ._app import DEFAULT_BODY_TIMEOUT, DEFAULT_MAX_BODY, create_app, openapi_document
from ._work import Request, Sources, check, preview

__all__ = [
    "DEFAULT_BODY_TIMEOUT",
    "DEFAULT_MAX_BODY",
    "Request",
    "Sources",
    "app_from_environment",
    "check",
    "create_app",
    "openapi_document",
    "preview",
    "serve",
]

#: How ``serve`` hands its options to worker processes (uvicorn starts each
#: from an import string, so they cannot be passed as arguments).
MAX_BODY_VARIABLE = "INVOICECALC_MAX_BODY"


def app_from_environment() -> Starlette:
    """The app a uvicorn worker process builds (``--workers`` above 1), with the body
    limit :func:`serve` wrote in :data:`MAX_BODY_VARIABLE` (or the default)."""
    given = os.environ.get(MAX_BODY_VARIABLE)
    if given is None:
        return create_app()
    if not (given.isascii() and given.isdigit() and int(given) >= 1):
        raise InvalidValueError(
            MAX_BODY_VARIABLE, given, "must be a whole number of bytes, 1 or more"
        )
    return create_app(max_body=int(given))


def serve(host: str, port: int, *, workers: int = 1, max_body: int = DEFAULT_MAX_BODY) -> None:
    """Serve the app with uvicorn until interrupted."""
    if workers == 1:
        uvicorn.run(create_app(max_body=max_body), host=host, port=port, log_level="info")
        return
    os.environ[MAX_BODY_VARIABLE] = str(max_body)
    uvicorn.run(
        f"{__name__}:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
    )
