"""``invoicecalc preview`` as a batch: invoices read, calculated and written one at a time.

The neutral formats are streamed: a JSON array is split into its invoices as
it is read and JSON Lines is read a line at a time, so a batch of any length
is held one chunk at a time. ``--output json``, ``jsonl`` and ``text`` are
written a piece at a time; the vendor outputs are written whole, as before.
Without ``--keep-going`` the first refusal ends the command (exit 2, nothing
on standard output but for ``jsonl``, whose lines before it are written);
with it, a refused invoice's error object takes its place and the exit
status is 2 when any was refused.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from typing import BinaryIO

import attrs

from .. import _batch as batch
from .._documents import Document
from .._stream import json_lines, open_json
from ..errors import InvalidValueError, InvoiceCalcError, ParseError
from ..vendors import READ_TOGETHER
from ._args import EXIT_OK, EXIT_REFUSED, one_line, read_sources
from ._formats import WRITERS, Output, Refused, TextBlocks
from ._progress import Progress, progress

__all__ = ["JSON_LINES", "STREAMED", "Batch", "run"]

#: The ``--input`` format of JSON Lines (the others are ``_formats.READERS``).
JSON_LINES = "jsonl"
#: How much of an all-or-nothing output (``--output json`` or ``text`` without
#: ``--keep-going``) is held in memory before the rest is held in a temporary file.
HELD_IN_MEMORY = 1 << 20
#: ``--output`` formats written a piece at a time (the only ones ``--keep-going``
#: and ``--jobs`` apply to); ``jsonl`` is the batch's own.
STREAMED = ("json", JSON_LINES, "text")


@attrs.frozen
class Batch:
    """What ``preview`` was asked, from its options."""

    paths: Sequence[str]
    input: str = "json"
    output: str = "text"
    currency: str | None = None
    as_of: dt.date | None = None
    keep_going: bool = False
    jobs: int = 1
    errors: str = "text"
    show_progress: bool = True
    output_options: Output = attrs.Factory(Output)


def _name(path: str) -> str:
    return "<stdin>" if path == "-" else path


@contextlib.contextmanager
def _opened(path: str) -> Iterator[BinaryIO]:
    """The file (``-``: standard input, left open); one that cannot be read is refused."""
    if path == "-":
        yield sys.stdin.buffer
        return
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below, after the batch read it
    except OSError as exc:
        raise Refused(
            f"{path}: cannot read: {exc.strerror or exc}",
            error=ParseError("", f"cannot read: {exc.strerror or exc}"),
            source=path,
        ) from None
    with handle:
        yield handle


def _unreadable(refused: Refused, index: int, source: str) -> batch.Item:
    assert refused.error is not None
    return batch.Item(index, refused.source or source, error=refused.error, within=refused.index)


def _jsonl_items(path: str, counter: Iterator[int]) -> Iterator[batch.Item]:
    name = _name(path)
    try:
        with _opened(path) as handle:
            for line, text in json_lines(handle):
                yield batch.Item(next(counter), name, text=text, line=line)
    except Refused as refused:
        yield _unreadable(refused, next(counter), name)


def _json_file(path: str, counter: Iterator[int]) -> Iterator[batch.Item]:
    try:
        with _opened(path) as handle:
            yield from batch.json_items(_name(path), open_json(handle), counter)
    except Refused as refused:
        yield _unreadable(refused, next(counter), _name(path))


def _vendor_items(job: Batch, counter: Iterator[int]) -> tuple[bool, Iterator[batch.Item]]:
    """Vendor documents are read whole (a file at a time, or together when the format
    spreads an invoice over several); with ``--keep-going`` each refused invoice is a
    refused item, and so is a refused file (files, when the read of a format read
    together is refused whole)."""
    groups = [job.paths] if job.input in READ_TOGETHER else [[path] for path in job.paths]

    def reads() -> Iterator[list[tuple[str, Document]] | batch.Item]:
        for group in groups:
            try:
                yield read_sources(
                    group,
                    job.input,
                    job.currency,
                    as_of=job.as_of,
                    command="preview",
                    # Each refused invoice as an item even without --keep-going, so
                    # that its refusal carries its index, id and number; the batch
                    # then stops at the first.
                    keep_going=True,
                )
            except Refused as refused:
                if not job.keep_going or refused.error is None:
                    raise
                yield _unreadable(refused, next(counter), ", ".join(map(_name, group)))

    array, items = batch.vendor_items(reads(), counter)
    return array, iter(items)


def _items(job: Batch, stack: contextlib.ExitStack) -> tuple[bool, Iterator[batch.Item]]:
    """Whether the output is an array, and each invoice of the batch as it is read."""
    counter = itertools.count()
    if job.input == JSON_LINES:
        return True, itertools.chain.from_iterable(
            _jsonl_items(path, counter) for path in job.paths
        )
    if job.input != "json":
        return _vendor_items(job, counter)
    if len(job.paths) > 1:
        return True, itertools.chain.from_iterable(_json_file(path, counter) for path in job.paths)
    # One file: whether it holds an array says whether an array is written.
    (path,) = job.paths
    try:
        handle = stack.enter_context(_opened(path))
    except Refused as refused:
        if not job.keep_going:
            raise
        return False, iter([_unreadable(refused, next(counter), _name(path))])
    document = open_json(handle)
    return document.array, batch.json_items(_name(path), document, counter)


def _lines(paths: Sequence[str]) -> int | None:
    """How many lines the files hold that are not blank (a progress bar's total: one
    invoice each), if they are all files."""
    total = 0
    for path in paths:
        try:
            if path == "-" or not stat.S_ISREG(os.stat(path).st_mode):
                return None
            with open(path, "rb") as handle:
                total += sum(1 for _ in json_lines(handle))
        except OSError:
            return None
    return total or None


def _refused(refusal: batch.Refusal) -> Refused:
    return Refused(
        refusal.message(),
        error=refusal.error,
        source=refusal.source,
        index=refusal.index,
        report=refusal.report(),
    )


def _told(refusal: batch.Refusal, errors: str) -> str:
    """A refusal of a ``--keep-going`` batch as standard error is told it, one line."""
    if errors == "json":
        return json.dumps(refusal.report(), ensure_ascii=False) + "\n"
    return f"invoicecalc: {one_line(refusal.message())}\n"


def _whole(job: Batch, array: bool, items: Iterator[batch.Item]) -> int:
    """A vendor output: every invoice calculated, then written whole."""
    today = dt.date.today()
    results = []
    for item in items:
        found = batch.outcome(item, today=today, as_of=job.as_of)
        if isinstance(found, batch.Refusal):
            raise _refused(found)
        results.append(found)
    output = attrs.evolve(job.output_options, array=array)
    try:
        text = WRITERS[job.output](results, output)
    except InvoiceCalcError as exc:
        raise Refused(f"--output {job.output}: {exc}", error=exc, source=None) from None
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return EXIT_OK


def run(job: Batch) -> int:
    """Carry out the batch; the exit status (2 when an invoice was refused)."""
    streamed = job.output in STREAMED
    if not streamed and job.keep_going:
        raise Refused(
            f"--keep-going: --output {job.output} is written whole and has no place for "
            "an error object; use json, jsonl or text"
        )
    if not streamed and job.jobs > 1:
        raise Refused(f"--jobs: --output {job.output} is written whole; use json, jsonl or text")
    try:
        return _run(job, streamed)
    except BrokenProcessPool:
        raise Refused(
            f"--jobs: a worker process died (killed, or out of memory); the batch was "
            f"stopped. Run it again, with fewer --jobs than {job.jobs} if memory is short"
        ) from None


def _run(job: Batch, streamed: bool) -> int:
    with contextlib.ExitStack() as stack:
        array, items = _items(job, stack)
        if not streamed:
            return _whole(job, array, items)
        renderer: batch.Renderer
        if job.output == "text":
            renderer = TextBlocks(job.output_options.locale)
        elif job.output == "json":
            renderer = batch.JsonArray(array)
        else:
            renderer = batch.JSON_LINES
        settings = batch.Settings(renderer, dt.date.today(), job.as_of)
        pieces = stack.enter_context(
            contextlib.closing(batch.pieces(items, settings, jobs=job.jobs))
        )
        shown = Progress(pieces, sys.stderr.write)
        if job.show_progress and sys.stderr.isatty():
            total = _lines(job.paths) if job.input == JSON_LINES else None
            shown = progress(pieces, total=total)
        refused = written = 0

        def texts() -> Iterator[str]:
            nonlocal refused, written
            for piece in shown:
                if piece.index == 1 and job.output == "json" and not array:
                    # A document that is not an array holds one invoice (as dumps says).
                    error = InvalidValueError(
                        "totals", "several", "one object needs exactly one invoice"
                    )
                    raise Refused(f"--output json: {error}", error=error)
                if piece.refusal is not None:
                    if not job.keep_going:
                        raise _refused(piece.refusal)
                    refused += 1
                    shown.note(_told(piece.refusal, job.errors))
                written += 1
                yield piece.text

        if job.keep_going or job.output == JSON_LINES:
            try:
                batch.write(texts(), renderer.layout, sys.stdout)
            except (Refused, BrokenProcessPool):
                if job.output == JSON_LINES and written:
                    sys.stdout.write("\n")  # the lines written before it are whole lines
                raise
        else:  # all or nothing: held (on disk past a megabyte) until every invoice is done
            with tempfile.SpooledTemporaryFile(
                HELD_IN_MEMORY, "w+", encoding="utf-8", newline=""
            ) as held:
                batch.write(texts(), renderer.layout, held)
                held.seek(0)
                shutil.copyfileobj(held, sys.stdout)
        sys.stdout.flush()
    return EXIT_REFUSED if refused else EXIT_OK
