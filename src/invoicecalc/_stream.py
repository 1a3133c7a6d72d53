"""Reading JSON one invoice at a time: the elements of an array, or the lines of JSON Lines.

A batch of 100,000 invoices need not be held at once: :func:`open_json`
splits a JSON array into the text of each element as it is read, in chunks,
so that each can be read strictly (``invoicecalc._parse.parse_json``) and
calculated before the next is split off. The split uses the standard
library's JSON scanner, so that a document that is not JSON is refused with
the message ``parse_json`` gives for the whole document (the same line,
column and character), however the chunks fall.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Iterator
from typing import BinaryIO

import attrs

from ._parse import MAX_JSON_BYTES, too_large
from .errors import ParseError

__all__ = ["CHUNK_SIZE", "JsonDocument", "json_lines", "open_json"]

CHUNK_SIZE = 1 << 20
_WHITESPACE = " \t\n\r"
_BRACKETED = '{["'  # values whose end the scanner sees whole
_AFTER_VALUE = (" ", "\t", "\n", "\r", ",", "]")


def _trailing_comma() -> tuple[str, bool]:
    """What this Python says of ``[1,]``, and whether it names the comma (3.13 on)."""
    try:
        json.loads("[1,]")
    except json.JSONDecodeError as exc:
        return exc.msg, exc.pos == 2
    raise AssertionError("json accepted a trailing comma")  # pragma: no cover


_TRAILING_MESSAGE, _TRAILING_AT_COMMA = _trailing_comma()


@attrs.frozen
class JsonDocument:
    """A JSON document being read: whole (one object, or input that is not an array),
    or an array split into its elements as they are read.

    ``elements`` yields the text of each element in turn and, where the text
    stops being JSON, a :class:`ParseError` (the last thing it yields).
    """

    whole: bytes | None = None
    elements: Iterator[str | ParseError] | None = None

    @property
    def array(self) -> bool:
        return self.elements is not None


def _not_json(message: str) -> ParseError:
    return ParseError("", f"is not valid JSON: {message}")


class _Splitter:
    """The text of a JSON array read so far, with absolute positions for messages."""

    def __init__(self, read: Callable[[], str | None]) -> None:
        self.buffer = ""
        self.pos = 0
        self.read = read
        self.eof = False
        self.base = 0  # the absolute position of buffer[0]
        self.lines = 0  # newlines before buffer[0]
        self.last_newline = -1  # the absolute position of the last newline before buffer[0]

    def fill(self) -> None:
        """Drop what is consumed and read the next chunk (at the end, note the end)."""
        consumed = self.buffer[: self.pos]
        newlines = consumed.count("\n")
        if newlines:
            self.lines += newlines
            self.last_newline = self.base + consumed.rindex("\n")
        self.base += self.pos
        self.buffer = self.buffer[self.pos :]
        self.pos = 0
        chunk = self.read()
        if chunk is None:
            self.eof = True
        else:
            self.buffer += chunk

    def skip_whitespace(self) -> None:
        while True:
            buffer, pos = self.buffer, self.pos
            while pos < len(buffer) and buffer[pos] in _WHITESPACE:
                pos += 1
            self.pos = pos
            if pos < len(buffer) or self.eof:
                return
            self.fill()

    def error(self, message: str, pos: int) -> ParseError:
        """``message`` at ``pos`` of the buffer, placed as :class:`json.JSONDecodeError`
        places it in the whole document."""
        before = self.buffer[:pos]
        newlines = before.count("\n")
        line = self.lines + newlines + 1
        last = self.base + before.rindex("\n") if newlines else self.last_newline
        where = self.base + pos
        return _not_json(f"{message}: line {line} column {where - last} (char {where})")

    def held_too_long(self) -> bool:
        """Whether the value at ``pos`` runs past what any one invoice may be: it is then
        refused without holding the rest of the file to find where it ends."""
        return len(self.buffer) - self.pos > MAX_JSON_BYTES

    def element(self, decoder: json.JSONDecoder) -> str | ParseError:
        """The text of the value at ``pos``, read whole (more chunks if it runs past)."""
        # A value nested deeper than the scanner goes is found by its brackets instead
        # (and refused alone when it is read): where the count stands (from pos), and
        # the depth there.
        deep: tuple[int, int] | None = None
        while True:
            if deep is None:
                try:
                    _, end = decoder.raw_decode(self.buffer, self.pos)
                except json.JSONDecodeError as exc:
                    if not self.eof and not self.held_too_long():
                        self.fill()
                        continue
                    # Stopped well before the end of what is read: not JSON there,
                    # whatever follows; else a value too long to read.
                    if self.eof or exc.pos < len(self.buffer) - CHUNK_SIZE:
                        return self.error(exc.msg, exc.pos)
                    return too_large(MAX_JSON_BYTES)
                except RecursionError:
                    deep = (0, 0)
            if deep is not None:
                found, resume, depth = _bracketed_end(self.buffer, self.pos + deep[0], deep[1])
                if found is None:
                    if self.eof:
                        return ParseError("", "is nested too deeply")
                    if self.held_too_long():
                        return too_large(MAX_JSON_BYTES)
                    deep = (resume - self.pos, depth)
                    self.fill()
                    continue
                end = found
            # A number or a literal may go on past the text read so far ("1" of
            # "1.5"): it is whole only once a delimiter (or the end) follows.
            if (
                not self.eof
                and self.buffer[self.pos] not in _BRACKETED
                and self.buffer[end : end + 1] not in _AFTER_VALUE
            ):
                self.fill()
                continue
            text = self.buffer[self.pos : end]
            self.pos = end
            return text

    def elements(self) -> Iterator[str | ParseError]:
        """Each element's text, then a :class:`ParseError` if the array is not JSON."""
        # Numbers are found, not converted: an integer of 5,000 digits is int()'s error
        # (past its 4,300) here, and the element's reader refuses it by its length.
        decoder = json.JSONDecoder(parse_int=str, parse_float=str, parse_constant=str)
        self.skip_whitespace()
        assert self.buffer[self.pos] == "[", "open_json saw the array start"
        self.pos += 1
        self.skip_whitespace()
        if self.buffer[self.pos : self.pos + 1] == "]":
            self.pos += 1
        else:
            while True:
                found = self.element(decoder)
                yield found
                if isinstance(found, ParseError):
                    return
                self.skip_whitespace()
                if self.pos == len(self.buffer):
                    yield self.error("Expecting ',' delimiter", self.pos)
                    return
                delimiter = self.buffer[self.pos]
                if delimiter == "]":
                    self.pos += 1
                    break
                if delimiter != ",":
                    yield self.error("Expecting ',' delimiter", self.pos)
                    return
                comma = self.pos
                self.pos += 1
                self.skip_whitespace()
                if _TRAILING_AT_COMMA and self.buffer[self.pos : self.pos + 1] == "]":
                    yield self.error(_TRAILING_MESSAGE, comma)
                    return
        self.skip_whitespace()
        if self.pos < len(self.buffer):
            yield self.error("Extra data", self.pos)


#: A whole string (its escapes skipped), a string not yet ended, or a bracket.
_BRACKETS = re.compile(r'"(?:[^"\\]+|\\.)*"|"|[][{}]', re.DOTALL)


def _bracketed_end(text: str, pos: int, depth: int) -> tuple[int | None, int, int]:
    """Where the array or object being counted from ``pos`` (at ``depth``) ends, by its
    brackets outside strings; else ``None``, where to go on counting once more text is
    read, and the depth there."""
    for match in _BRACKETS.finditer(text, pos):
        token = match.group()
        if token == '"':  # a string not ended in the text read so far
            return None, match.start(), depth
        if token in "[{":
            depth += 1
        elif token in "]}":
            depth -= 1
            if depth == 0:
                return match.end(), 0, 0
    return None, len(text), depth


def _guarded(elements: Iterator[str | ParseError]) -> Iterator[str | ParseError]:
    """Bytes that are not text in the encoding end the elements with the refusal
    ``parse_json`` gives."""
    try:
        yield from elements
    except UnicodeDecodeError as exc:
        yield ParseError("", f"is not UTF-8 text: {exc.reason}")


def _starts_array(data: bytes, encoding: str) -> bool:
    """Whether the first character of ``data`` past whitespace is ``[`` (bytes that are
    not text before it: no, and the document is read whole, to be refused whole)."""
    probe = codecs.getincrementaldecoder(encoding)("replace")
    for start in range(0, len(data), 1024):
        text = probe.decode(data[start : start + 1024]).lstrip(_WHITESPACE)
        if text:
            return text[0] == "["
    return False


def open_json(stream: BinaryIO, chunk_size: int = CHUNK_SIZE) -> JsonDocument:
    """A JSON document from ``stream``: split as it is read when it is an array,
    else read whole (to be read as one document, as before).

    JSON is read in UTF-8 (RFC 8259; a byte-order mark is tolerated): text in
    UTF-16 or UTF-32 (found as :func:`json.loads` finds them) is the document
    its first chunk is, which ``parse_json`` refuses as it refuses the whole
    (the bytes it stops at are among the first), without reading the rest.
    """
    first = stream.read(chunk_size)
    while len(first) < 4 and (more := stream.read(chunk_size)):  # enough to see a BOM
        first += more
    encoding = json.detect_encoding(first)
    if encoding not in ("utf-8", "utf-8-sig"):
        return JsonDocument(whole=first)
    if not _starts_array(first, encoding):
        return JsonDocument(whole=first + stream.read())
    decoder = codecs.getincrementaldecoder(encoding)("surrogatepass")
    pending: bytes | None = first
    failed: UnicodeDecodeError | None = None

    def read() -> str | None:
        nonlocal pending, failed
        if failed is not None:
            raise failed
        if pending is None:
            return None
        data, pending = pending, None
        if not data:
            return decoder.decode(b"", final=True) or None
        pending = stream.read(chunk_size)
        try:
            return decoder.decode(data)
        except UnicodeDecodeError as exc:
            if encoding != "utf-8":
                raise
            # The text before the bytes that are not UTF-8 is read first, so
            # that the invoices before them are not lost with them.
            failed = exc
            buffered, _ = decoder.getstate()
            return (buffered + data)[: exc.start].decode("utf-8", "surrogatepass")

    return JsonDocument(elements=_guarded(_Splitter(read).elements()))


def json_lines(stream: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """Each line of JSON Lines that is not blank, with its line number (from 1), without
    its ``\n`` or ``\r\n`` (so a line holds as much JSON as a whole document may, and a
    line cut inside a string is "unterminated", not an "invalid control character").

    The stream is read a chunk at a time (as it arrives, where it can say what has),
    so that a line longer than any one invoice may be is not held whole: it is given
    as its first ``MAX_JSON_BYTES + 1`` bytes, which ``parse_json`` refuses by their
    length, and the rest of it is read past.
    """
    read = getattr(stream, "read1", stream.read)
    keep = MAX_JSON_BYTES + 1
    number, line, dropped = 0, bytearray(), False  # dropped: text past what is kept
    while chunk := read(CHUNK_SIZE):
        start = 0
        while start < len(chunk):
            end = chunk.find(b"\n", start)
            stop = len(chunk) if end < 0 else end + 1
            piece, start = chunk[start:stop], stop
            room = max(keep - len(line), 0)
            line += piece[:room]
            dropped = dropped or bool(piece[room:].strip())
            if end >= 0:
                number += 1
                if dropped:  # cut: kept one byte over the most, to be refused by length
                    yield number, bytes(line)
                elif line.strip():
                    yield number, bytes(line.removesuffix(b"\n").removesuffix(b"\r"))
                line, dropped = bytearray(), False
    if dropped or line.strip():
        yield number + 1, bytes(line)
