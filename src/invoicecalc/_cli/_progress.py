"""A progress bar on standard error for a long batch, only when it is a terminal.

tqdm draws it when it is installed (the ``progress`` extra); otherwise a
one-line counter does. Nothing is drawn for the first second, so a short
batch shows nothing, and nothing at all when standard error is not a
terminal (CI, a pipe, a file).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar, cast

__all__ = ["DELAY", "progress"]

T = TypeVar("T")

#: Seconds before anything is drawn.
DELAY = 1.0
_INTERVAL = 0.2


def _counter(items: Iterable[T], total: int | None, stream: TextIO) -> Iterator[T]:
    """A one-line count and rate, redrawn at most five times a second."""
    start = time.monotonic()
    shown = start + DELAY
    count = 0
    drawn = False
    try:
        for item in items:
            yield item
            count += 1
            now = time.monotonic()
            if now >= shown:
                rate = count / (now - start)
                of = f"/{total:,}" if total else ""
                stream.write(f"\rinvoicecalc: {count:,}{of} invoices, {rate:,.0f}/s ")
                stream.flush()
                shown, drawn = now + _INTERVAL, True
    finally:
        if drawn:
            stream.write("\n")
            stream.flush()


def progress(
    items: Iterable[T], *, total: int | None = None, stream: TextIO | None = None
) -> Iterable[T]:
    """``items`` as they are, counted on ``stream`` (standard error) when it is a terminal."""
    stream = sys.stderr if stream is None else stream
    if not stream.isatty():
        return items
    try:
        from tqdm import tqdm
    except ImportError:
        return _counter(items, total, stream)
    bar = tqdm(
        items, total=total, unit=" invoices", file=stream, delay=DELAY, mininterval=_INTERVAL
    )
    return cast("Iterable[T]", bar)
