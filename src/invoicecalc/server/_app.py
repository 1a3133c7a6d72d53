"""The ASGI app of ``invoicecalc serve`` (``docs/server.md``), on Starlette.

Every answer that is not a result is ``application/problem+json`` (RFC 9457).
The app keeps no state between requests; the one clock read is today's date,
the default ``as_of`` (read at most once a request, and only when the query
gives none).
"""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import email.message
import json
import math
from collections.abc import AsyncGenerator, Callable
from typing import Any
from urllib.parse import parse_qsl

import anyio
import anyio.to_thread
import attrs
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.applications import Starlette
from starlette.datastructures import QueryParams
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .. import __version__, _checks
from .._jsonschema import neutral_schema
from .._parse import parse_date
from ..errors import InvalidTypeError, InvalidValueError, InvoiceCalcError, ParseError
from ..vendors._xml import encoding_of
from . import _work

__all__ = ["DEFAULT_BODY_TIMEOUT", "DEFAULT_MAX_BODY", "create_app"]

DEFAULT_MAX_BODY = 10 * 1024 * 1024
#: Bodies larger than this are worked on one at a time (in each process).
SMALL_BODY = 256 * 1024
DEFAULT_BODY_TIMEOUT = 60.0

PROBLEM = "application/problem+json"
REFUSED = "tag:invoicecalc,2025:problem:refused"
_QUERY = ("input", "as_of", "currency")
#: /v1/preview's own: a refused invoice's error object in its place (as --keep-going).
_KEEP_GOING = "keep_going"
_FLAGS = {"true": True, "false": False}


class _Problem(Exception):
    """An answer other than 422: its status, title, detail and headers."""

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(status, detail)
        self.status = status
        self.detail = detail
        self.headers = headers or {}


_TITLES = {
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    500: "Internal Server Error",
}


def _problem(status: int, detail: str, headers: dict[str, str] | None = None) -> Response:
    body = {"type": "about:blank", "title": _TITLES[status], "status": status, "detail": detail}
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM)


def _refused(refusal: _work.Refusal) -> Response:
    problem = _work.problem_of(refusal)
    body = {
        "type": REFUSED,
        "title": "The document was refused",
        "status": 422,
        "detail": str(refusal.error),
        "problems": [problem],
    }
    return JSONResponse(body, status_code=422, media_type=PROBLEM)


def _declared_length(request: Request) -> int | None:
    """The body's ``Content-Length`` as a number, ``None`` when it gives none (or one
    that is not ASCII digits: :func:`_bounded` refuses that)."""
    declared = request.headers.get("content-length", "")
    return int(declared) if declared.isascii() and declared.isdigit() else None


class _Body:
    """A request's body as it arrives, read from the ASGI channel, knowing whether it
    has all arrived (a server may deliver the last bytes with the ones that pass the
    limit, and then there is nothing left to drop)."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.ended = False

    async def chunks(self) -> AsyncGenerator[bytes, None]:
        while not self.ended:
            message = await self.request.receive()
            if message["type"] == "http.disconnect":
                raise ClientDisconnect()
            if message["type"] == "http.request":
                self.ended = not message.get("more_body", False)
                if message.get("body"):
                    yield message["body"]


async def _bounded(body: _Body, limit: int) -> AsyncGenerator[bytes, None]:
    """The body as it arrives, refused (413) once it passes ``limit`` bytes."""
    length = _declared_length(body.request)
    declared = body.request.headers.get("content-length")
    if declared is not None and length is None:
        raise _Problem(400, f"Content-Length {declared!r} is not a number of bytes")
    if length is not None and length > limit:
        raise _Problem(413, f"the body is {length} bytes; at most {limit} are read")
    seen = 0
    async for chunk in body.chunks():
        seen += len(chunk)
        if seen > limit:
            raise _Problem(413, f"the body passed {limit} bytes, the most that are read")
        yield chunk


#: At most this many bytes of a body past the limit are read and dropped before the 413 is
#: sent, for at most a second, so that a client still sending a modestly oversize body
#: reads the answer instead of a reset connection; a larger declared body is not waited for.
LINGER_BYTES = 1 << 20


async def _linger(body: _Body, limit: int) -> None:
    length = _declared_length(body.request)
    if (
        body.ended
        or (length is not None and length > limit + LINGER_BYTES)
        # A client waiting for "100 Continue" sends nothing more: reading would invite it.
        or body.request.headers.get("expect", "").lower() == "100-continue"
    ):
        return
    dropped = 0
    with anyio.move_on_after(1), contextlib.suppress(ClientDisconnect):
        async for chunk in body.chunks():
            dropped += len(chunk)
            if dropped > LINGER_BYTES:
                break


#: At most this many parts are read from one multipart body.
MAX_PARTS = 1000


class _Parts:
    """The parts of a ``multipart/form-data`` body as they arrive: each its name (the
    filename, else the field's name) and its bytes exactly as sent (a part's own
    Content-Type and charset are not read: ``?input`` says what every part is)."""

    def __init__(self, boundary: bytes) -> None:
        self.parts: list[tuple[str, bytes]] = []
        self.ended = False
        self._header = bytearray()
        self._value = bytearray()
        self._headers: dict[bytes, bytes] = {}
        self._data = bytearray()
        self.parser = MultipartParser(
            boundary,
            {
                "on_part_begin": self._begin,
                "on_header_field": self._header_field,
                "on_header_value": self._header_value,
                "on_header_end": self._header_end,
                "on_part_data": self._part_data,
                "on_part_end": self._part_end,
                "on_end": self._end,
            },
        )

    def _begin(self) -> None:
        if len(self.parts) >= MAX_PARTS:
            raise _Problem(400, f"the multipart body has more than {MAX_PARTS} parts")
        self._headers = {}
        self._data = bytearray()

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._header += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def _header_end(self) -> None:
        self._headers[bytes(self._header).lower()] = bytes(self._value)
        self._header, self._value = bytearray(), bytearray()

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        self._data += data[start:end]

    def _part_end(self) -> None:
        self.parts.append(
            (_part_name(self._headers.get(b"content-disposition")), bytes(self._data))
        )

    def _end(self) -> None:
        self.ended = True


def _part_name(disposition: bytes | None) -> str:
    """A part's name: the filename of its ``Content-Disposition`` as sent (``filename*``
    decoded), else the field's name; read by the standard library's header parser."""
    try:
        text = (disposition or b"").decode("utf-8")
    except UnicodeDecodeError:
        raise _Problem(400, f"a part's Content-Disposition {disposition!r} is not UTF-8") from None
    header = email.message.Message()
    header["content-disposition"] = text
    name = _filename(header) or header.get_param("name", header="content-disposition")
    if header.get_content_disposition() != "form-data" or not isinstance(name, str):
        raise _Problem(400, "a part of the multipart body has no form-data name")
    return name


def _filename(header: email.message.Message) -> str | None:
    """The filename, a ``filename*`` decoded strictly in the charset it names (the
    standard library's ``get_filename`` puts U+FFFD for what it cannot decode)."""
    value = header.get_param("filename", header="content-disposition")
    if not isinstance(value, tuple):
        return value if isinstance(value, str) else None
    charset, _, unquoted = value  # the %-escapes undone into code points 0-255
    codec = _codec(charset or "us-ascii")
    if codec is None:
        error = InvalidValueError("filename*", charset, "names a charset not known here")
        raise _Problem(400, f"a part's {error}")
    try:
        return unquoted.encode("latin-1").decode(codec)
    except UnicodeError:
        error = InvalidValueError("filename*", unquoted, f"is not {codec} text")
        raise _Problem(400, f"a part's {error}") from None


class _Closing:
    """Watches a multipart body for its closing delimiter: its first appearance ends the
    body (no part's data can hold it), and anything after it but blank lines, which the
    parser would drop unread, is refused."""

    BLANK = b" \t\r\n"

    def __init__(self, boundary: bytes) -> None:
        self.delimiter = b"\r\n--" + boundary + b"--"
        self.seen = b""  # the end of the body so far, where the delimiter may have begun
        self.closed = False

    def feed(self, chunk: bytes) -> None:
        if self.closed:
            after = chunk
        else:
            window = self.seen + chunk
            at = window.find(self.delimiter)
            self.seen = window[-len(self.delimiter) :]
            if at < 0:
                return
            self.closed = True
            after = window[at + len(self.delimiter) :]
        if after.strip(self.BLANK):
            raise _Problem(400, "the multipart body goes on after its closing boundary")


async def _multipart(body: _Body, limit: int, options: dict[bytes, bytes]) -> _work.Sources:
    """Every part of a ``multipart/form-data`` body (``options``: its Content-Type's),
    which must end with its closing boundary (a body cut off part way is refused, not
    read without its last part)."""
    boundary = options.get(b"boundary")
    if not boundary:
        raise _Problem(400, "the multipart body cannot be read: its boundary is missing")
    closing = _Closing(boundary)
    try:
        parts = _Parts(boundary)
        async for chunk in _bounded(body, limit):
            closing.feed(chunk)
            parts.parser.write(chunk)
        parts.parser.finalize()
    except FormParserError as exc:
        raise _Problem(400, f"the multipart body cannot be read: {exc}") from None
    if not parts.ended:
        raise _Problem(400, "the multipart body ends before its closing boundary")
    if not parts.parts:
        raise _Problem(400, "the multipart body holds no document")
    return parts.parts


def _codec(charset: str) -> str | None:
    """The codec a charset names (``utf8`` and ``UTF-8`` are ``utf-8``), if any."""
    try:
        return codecs.lookup(charset).name
    except (LookupError, ValueError):  # not a name codecs knows, or one holding a NUL
        return None


def _accept(types: tuple[str, ...], *, utf8: bool = False) -> str:
    """The ``Accept`` of a 415: the media types read, JSON as ``charset=utf-8`` when
    ``utf8`` (its charset was the reason), and ``multipart/form-data``."""
    json_type = "application/json; charset=utf-8" if utf8 else "application/json"
    named = (json_type if media == "application/json" else media for media in types)
    return ", ".join((*named, "multipart/form-data"))


async def _sources(body: _Body, limit: int, types: tuple[str, ...]) -> _work.Sources:
    """The documents sent: the body, or each part of a ``multipart/form-data`` body."""
    kind, options = parse_options_header(body.request.headers.get("content-type", ""))
    media = kind.decode("latin-1").lower()
    given = ",".join(body.request.headers.getlist("content-encoding")) or "identity"
    encoding = ", ".join(part.strip().lower() for part in given.split(","))
    if encoding != "identity":
        detail = f"Content-Encoding {encoding!r} is not read here; send the body as it is"
        raise _Problem(415, detail, {"Accept-Encoding": "identity"})
    if media == "multipart/form-data":
        return await _multipart(body, limit, options)
    if media not in types:
        accepted = _accept(types)
        shown = media or "no Content-Type"
        raise _Problem(415, f"{shown} is not read here; send {accepted}", {"Accept": accepted})
    charset = options.get(b"charset", b"utf-8").decode("latin-1")
    if media == "application/json" and _codec(charset) != "utf-8":
        # JSON exchanged between systems is UTF-8 (RFC 8259): another would be misread.
        detail = f"application/json in {charset!r} is not read here; send UTF-8"
        raise _Problem(415, detail, {"Accept": _accept(types, utf8=True)})
    data = b"".join([chunk async for chunk in _bounded(body, limit)])
    if media in ("application/xml", "text/xml") and b"charset" in options:
        _xml_charset(media, options[b"charset"].decode("latin-1"), data, types)
    return [("body", data)]


def _xml_charset(media: str, charset: str, data: bytes, types: tuple[str, ...]) -> None:
    """Refuse (415) an XML body whose ``charset``, which RFC 7303 section 3 makes
    authoritative, is not the encoding the document is read in (its byte-order mark,
    else its declaration, else UTF-8): a client following the RFC reads another text."""
    accept = {"Accept": _accept(types)}
    codec = _codec(charset)
    if codec is None:
        raise _Problem(415, f"{media} in {charset!r} is not read here: no such charset", accept)
    try:
        encoding = encoding_of(data)
    except ParseError:
        return  # the reader refuses it, as the command line does
    if codec != _codec(encoding):
        detail = (
            f"{media} in {charset!r} but the document is {encoding} (by its byte-order mark, "
            "else its XML declaration, else XML's default); send the charset it is in, or none"
        )
        raise _Problem(415, detail, accept)


def _query(request: Request, known: tuple[str, ...]) -> _work.Request:
    """The query's options; an unknown parameter is refused, not ignored (a typo)."""
    raw: bytes = request.scope.get("query_string", b"")
    try:  # Starlette's own reading puts U+FFFD for an escape that is not UTF-8
        pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        error = InvalidValueError("query", raw, "is not UTF-8 once its %-escapes are undone")
        raise _Problem(400, f"the {error}") from None
    query = QueryParams(pairs)
    for key in query:
        if key not in known:
            error = InvalidValueError(f"?{key}", key, "is not a query parameter this knows")
            raise _work.Refusal(error, None)
        given = query.getlist(key)
        if len(given) > 1:  # which one was meant cannot be told
            error = InvalidValueError(f"?{key}", given, "is given more than once")
            raise _work.Refusal(error, None)
    keep_going = _FLAGS.get(query.get(_KEEP_GOING, "false"))
    if keep_going is None:
        error = InvalidValueError(f"?{_KEEP_GOING}", query[_KEEP_GOING], "must be true or false")
        raise _work.Refusal(error, None)
    fmt = query.get("input", "json")
    if fmt not in _work.INPUTS:
        choices = ", ".join(sorted(_work.INPUTS))
        raise _work.Refusal(InvalidValueError("?input", fmt, f"must be one of {choices}"), None)
    as_of = None
    if "as_of" in query:
        try:
            as_of = parse_date(query["as_of"], "?as_of")
        except InvoiceCalcError as exc:
            raise _work.Refusal(exc, None) from None
    return _work.Request((), fmt, as_of, query.get("currency"), keep_going)


#: The most dates the ``Invoicecalc-As-Of`` header lists (1,200 bytes): one for each
#: invoice of a large request would pass what clients and proxies read of a header.
MAX_DATES_SHOWN = 100


def _dated(dates: list[dt.date]) -> dict[str, str]:
    """The ``Invoicecalc-As-Of`` header: the dates used, the first 100 and ``...`` when
    there are more (each invoice's totals carry their own ``as_of``)."""
    if not dates:
        return {}
    shown = [day.isoformat() for day in dates[:MAX_DATES_SHOWN]]
    return {"Invoicecalc-As-Of": ", ".join(shown + ["..."] * (len(dates) > MAX_DATES_SHOWN))}


def create_app(
    *,
    max_body: int = DEFAULT_MAX_BODY,
    body_timeout: float = DEFAULT_BODY_TIMEOUT,
    today: Callable[[], dt.date] = dt.date.today,
) -> Starlette:
    """The service: ``POST /v1/preview``, ``POST /v1/check``, ``GET /healthz`` and
    ``GET /openapi.json``.

    ``max_body`` is the most bytes of a request body read (413 past it);
    ``body_timeout`` the seconds a body may take to arrive (408 past it);
    ``today`` gives the default ``as_of``.
    """
    if _checks.whole(max_body, "max_body") < 1:
        raise InvalidValueError("max_body", max_body, "must be at least 1 byte")
    if isinstance(body_timeout, bool) or not isinstance(body_timeout, int | float):
        raise InvalidTypeError("body_timeout", body_timeout, "must be a number of seconds")
    if not 0 < body_timeout < math.inf:
        raise InvalidValueError("body_timeout", body_timeout, "must be more than 0 s and finite")
    # A body takes some 27 times its size in memory while it is worked on: large ones
    # are worked on one at a time, so that forty threads never hold forty of them;
    # small ones side by side (that overlaps their reading and writing with the work).
    large = anyio.CapacityLimiter(1)

    async def work(
        request: Request, run: Callable[[_work.Request], Response], known: tuple[str, ...]
    ) -> Response:
        body = _Body(request)
        try:
            options = _query(request, known)
            types = _work.INPUTS[options.input][1]
            with anyio.fail_after(body_timeout):
                sources = await _sources(body, max_body, types)
            call = attrs.evolve(options, sources=sources)
            size = sum(len(data) for _, data in sources)
            limiter = large if size > SMALL_BODY else None  # None: the thread pool's
            return await anyio.to_thread.run_sync(run, call, limiter=limiter)
        except ClientDisconnect:
            return Response(status_code=400)  # no one is left to read it
        except _work.Refusal as refusal:
            return _refused(refusal)
        except _Problem as problem:
            headers = {**problem.headers}
            if problem.status == 413:
                await _linger(body, max_body)
            if problem.status in (400, 408, 413):
                headers["Connection"] = "close"  # the rest of the body is not read
            return _problem(problem.status, problem.detail, headers)
        except TimeoutError:
            detail = f"the body took longer than {body_timeout:g} s to arrive"
            return _problem(408, detail, {"Connection": "close"})

    def run_preview(call: _work.Request) -> Response:
        text, dates, refused = _work.preview(call, today)
        headers = _dated(dates)
        if call.keep_going:
            headers["Invoicecalc-Refused"] = str(refused)
        return Response(text, media_type="application/json", headers=headers)

    def run_check(call: _work.Request) -> Response:
        answer, dates = _work.check(call, today)
        text = json.dumps(answer, indent=2, ensure_ascii=False) + "\n"
        return Response(text, media_type="application/json", headers=_dated(dates))

    async def preview(request: Request) -> Response:
        return await work(request, run_preview, (*_QUERY, _KEEP_GOING))

    async def check(request: Request) -> Response:
        return await work(request, run_check, _QUERY)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok", "version": __version__})

    async def openapi(request: Request) -> Response:
        return JSONResponse(openapi_document(max_body))

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        status = exc.status_code if exc.status_code in _TITLES else 400
        detail = f"{request.method} {request.url.path}: {_TITLES[status].lower()}"
        return _problem(status, detail, dict(exc.headers or {}))

    async def server_error(request: Request, exc: Exception) -> Response:
        return _problem(500, "the service failed on this request; it is a bug to report")

    routes = [
        Route("/v1/preview", preview, methods=["POST"]),
        Route("/v1/check", check, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={HTTPException: http_error, Exception: server_error},
    )
    # /v1/preview/ is not /v1/preview: a 404, not a redirect built from the Host header.
    app.router.redirect_slashes = False
    return app


def openapi_document(max_body: int = DEFAULT_MAX_BODY) -> dict[str, Any]:
    """The OpenAPI 3.1 description; its request schema is the neutral document's JSON Schema."""
    schema = neutral_schema()
    schema.pop("$schema")
    schema.pop("$id")
    defs = schema.pop("$defs")
    text = json.dumps(schema).replace("#/$defs/", "#/components/schemas/")
    defs_text = json.dumps(defs).replace("#/$defs/", "#/components/schemas/")
    components: dict[str, Any] = json.loads(defs_text)
    components["document"] = json.loads(text)
    problem = {"$ref": "#/components/schemas/problem"}
    components["problem"] = {
        "type": "object",
        "description": "RFC 9457 problem details; problems is given with status 422.",
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "problems": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "source": {"type": ["string", "null"]},
                        "invoice": {"type": ["integer", "null"]},
                        "field": {"type": "string"},
                        "value": {"type": ["string", "null"]},
                        "problem": {"type": "string"},
                    },
                },
            },
        },
        "required": ["type", "title", "status"],
    }
    parameters = [
        {
            "name": "input",
            "in": "query",
            "schema": {"enum": sorted(_work.INPUTS), "default": "json"},
            "description": "The format of the documents (as --input).",
        },
        {
            "name": "as_of",
            "in": "query",
            "schema": {"type": "string", "format": "date"},
            "description": "The date the totals stand on; wins over the documents' "
            "(default: their own, else today).",
        },
        {
            "name": "currency",
            "in": "query",
            "schema": {"type": "string", "pattern": "^[A-Z]{3}$"},
            "description": (
                "Cashboard input: the account's currency, needed unless the account "
                "document is given; FreshBooks input: the account's base currency."
            ),
        },
    ]
    refusals = {
        status: {"description": title, "content": {PROBLEM: {"schema": problem}}}
        for status, title in {
            "400": "A body that cannot be read as a request",
            "408": "The body took too long to arrive",
            "413": f"A body over {max_body} bytes",
            "415": "A media type the input format is not read from, a Content-Encoding,"
            " or a charset other than the one the body is in (JSON: UTF-8)",
            "422": "A refused document (problems name the invoice, field and value)",
        }.items()
    }
    as_of_header = {
        "Invoicecalc-As-Of": {
            "description": (
                "The as-of dates the totals stand on, in order of first use "
                "(at most 100, then ...)."
            ),
            "schema": {"type": "string"},
        }
    }

    keep_going = {
        "name": _KEEP_GOING,
        "in": "query",
        "schema": {"enum": list(_FLAGS), "default": "false"},
        "description": (
            "true: a refused invoice gets an error object in its place and the rest are "
            "answered (as --keep-going); the Invoicecalc-Refused header counts them."
        ),
    }
    refused_header = {
        "Invoicecalc-Refused": {
            "description": "With keep_going=true: how many invoices were refused.",
            "schema": {"type": "string"},
        }
    }

    def operation(summary: str, answer: dict[str, Any], *, each: bool = False) -> dict[str, Any]:
        return {
            "summary": summary,
            "parameters": [*parameters, keep_going] if each else parameters,
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/document"}},
                    "application/xml": {"schema": {"type": "string"}},
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "additionalProperties": {"type": "string", "format": "binary"},
                        }
                    },
                },
            },
            "responses": {
                "200": {
                    "description": "The answer",
                    "headers": {**as_of_header, **refused_header} if each else as_of_header,
                    "content": {"application/json": {"schema": answer}},
                },
                **refusals,
            },
        }

    return {
        "openapi": "3.1.0",
        "info": {"title": "invoicecalc", "version": __version__},
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "paths": {
            "/v1/preview": {
                "post": operation(
                    "Totals of invoices, as invoicecalc preview --output json prints them",
                    {"type": ["object", "array"], "description": "The totals (docs/json.md)."},
                    each=True,
                )
            },
            "/v1/check": {
                "post": operation(
                    "The totals a document states beside the engine's (invoicecalc check)",
                    {"type": "object"},
                )
            },
            "/healthz": {
                "get": {"summary": "Liveness", "responses": {"200": {"description": "ok"}}}
            },
            "/openapi.json": {
                "get": {"summary": "This document", "responses": {"200": {"description": "ok"}}}
            },
        },
        "components": {"schemas": components},
    }
