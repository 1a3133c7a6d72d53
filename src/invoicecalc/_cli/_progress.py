"""A progress bar on standard error for a long batch, only when it is a terminal.

tqdm draws it when it is installed (the ``progress`` extra); otherwise a
one-line counter does. Nothing is drawn for the first second, so a short
batch shows nothing, and nothing at all when standard error is not a
terminal (CI, a pipe, a file).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Generic, TextIO, TypeVar, cast

__all__ = ["DELAY", "Progress", "progress"]

T = TypeVar("T")

#: Seconds before anything is drawn.
DELAY = 1.0
_INTERVAL = 0.2


class Progress(Generic[T]):
    """Items as they are, counted on a terminal; :meth:`note` writes a whole line
    (a refusal) above the count, so that the two are never run together."""

    def __init__(self, items: Iterable[T], note: Callable[[str], object]) -> None:
        self._items = items
        self._note = note

    def __iter__(self) -> Iterator[T]:
        return iter(self._items)

    def note(self, line: str) -> None:
        """Write ``line`` (ending with its line break) on the stream."""
        self._note(line)


class _Counter(Generic[T]):
    """A one-line count and rate, redrawn at most five times a second."""

    def __init__(self, items: Iterable[T], total: int | None, stream: TextIO) -> None:
        self.items, self.total, self.stream = items, total, stream
        self.drawn = ""  # the count as last drawn

    def __iter__(self) -> Iterator[T]:
        start = time.monotonic()
        shown = start + DELAY
        count = 0
        try:
            for item in self.items:
                yield item
                count += 1
                now = time.monotonic()
                if now >= shown:
                    rate = count / (now - start)
                    of = f"/{self.total:,}" if self.total else ""
                    self.drawn = f"invoicecalc: {count:,}{of} invoices, {rate:,.0f}/s "
                    self.stream.write("\r" + self.drawn)
                    self.stream.flush()
                    shown = now + _INTERVAL
        finally:
            if self.drawn:
                self.stream.write("\n")
                self.stream.flush()
                self.drawn = ""

    def note(self, line: str) -> None:
        if self.drawn:  # wipe the count, write the line, draw the count again below it
            self.stream.write("\r" + " " * len(self.drawn) + "\r" + line + self.drawn)
        else:
            self.stream.write(line)
        self.stream.flush()


def progress(
    items: Iterable[T], *, total: int | None = None, stream: TextIO | None = None
) -> Progress[T]:
    """``items`` as they are, counted on ``stream`` (standard error) when it is a terminal."""
    stream = sys.stderr if stream is None else stream
    if not stream.isatty():
        return Progress(items, stream.write)
    try:
        from tqdm import tqdm
    except ImportError:
        counter = _Counter(items, total, stream)
        return Progress(counter, counter.note)
    bar = tqdm(
        items, total=total, unit=" invoices", file=stream, delay=DELAY, mininterval=_INTERVAL
    )
    return Progress(
        cast("Iterable[T]", bar), lambda line: bar.write(line.removesuffix("\n"), file=stream)
    )
