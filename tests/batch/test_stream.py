"""Splitting a JSON array as it is read gives the elements, or the message of the whole."""

from __future__ import annotations

import io
import json

import pytest

from invoicecalc._parse import parse_json
from invoicecalc._stream import json_lines, open_json
from invoicecalc.errors import ParseError

GOOD = [
    "[]",
    " [ ] ",
    "[1,2, 3]",
    '[{"a": [1, 2]}, {"b": "x"}]\n',
    '[\n\n  {"a": "\\ud800"}, 1.5e3, -0.25E-2, true, null, "x"]',
    '["é", "日本", "\\u00e9"] ',
]
BAD = [
    "[1,]",
    "[1",
    "[",
    "[1 2]",
    "[1]x",
    "[1] \n x",
    '[\n{"a":\n 1,}\n]',
    '[{"a": 1}, {"a": tru}]',
    "[1,\n\n2,\n]",
    '[{"a": 1}\n{"b": 2}]',
    '[1, "abc',
    "[1] []",
    "[1.]",
    "[-]",
    "[1, " + "[" * 5000 + "]",  # too deep for the scanner, and never closed
]
SIZES = (1, 2, 3, 7, 1 << 20)


def split(text: str | bytes, size: int) -> list[str | ParseError]:
    data = text.encode() if isinstance(text, str) else text
    document = open_json(io.BytesIO(data), size)
    assert document.elements is not None, "not split"
    return list(document.elements)


def whole_problem(text: str | bytes) -> str:
    with pytest.raises(ParseError) as caught:
        parse_json(text.encode() if isinstance(text, str) else text)
    return caught.value.problem


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("text", GOOD)
def test_the_elements_are_those_of_the_array(text: str, size: int) -> None:
    found = split(text, size)
    assert all(isinstance(element, str) for element in found)
    assert [json.loads(str(element)) for element in found] == json.loads(text)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("text", BAD)
def test_text_that_is_not_json_is_refused_as_the_whole_document_is(text: str, size: int) -> None:
    found = split(text, size)
    assert isinstance(found[-1], ParseError)
    assert all(isinstance(element, str) for element in found[:-1])
    assert found[-1].problem == whole_problem(text)


@pytest.mark.parametrize("size", SIZES)
def test_bytes_that_are_not_utf8_end_the_array_as_parse_json_says(size: int) -> None:
    text = b'[1, "\xff"]'
    found = split(text, size)
    assert found[0] == "1"
    assert isinstance(found[-1], ParseError)
    assert found[-1].problem == whole_problem(text)


def test_a_byte_order_mark_is_tolerated() -> None:
    assert split("[1, 2]".encode("utf-8-sig"), 1 << 20) == ["1", "2"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "utf-16-le", "utf-32-be"])
def test_an_array_in_utf16_or_utf32_is_refused_as_the_whole_document_is(encoding: str) -> None:
    """JSON is read in UTF-8 only (RFC 8259): arrays in UTF-16 and UTF-32 used to be
    split and read, where the same text as one object was refused."""
    data = ("[" + ", ".join(['{"a": 1}'] * 1000) + "]").encode(encoding)
    document = open_json(io.BytesIO(data), 64)
    assert not document.array
    assert document.whole is not None
    with pytest.raises(ParseError) as whole:
        parse_json(data)
    with pytest.raises(ParseError) as first:
        parse_json(document.whole)
    assert first.value.problem == whole.value.problem


@pytest.mark.parametrize("text", [b'{"a": 1}', b"  5", b"nope", b"", b"\xff["])
def test_what_is_not_an_array_is_read_whole(text: bytes) -> None:
    document = open_json(io.BytesIO(text), 2)
    assert not document.array
    assert document.whole == text


def test_json_lines_are_numbered_from_one_and_blank_ones_skipped() -> None:
    stream = io.BytesIO(b'{"a": 1}\n\n  \n{"b": 2}\nx')
    assert list(json_lines(stream)) == [(1, b'{"a": 1}'), (4, b'{"b": 2}'), (5, b"x")]


def test_json_lines_are_given_without_their_line_ends() -> None:
    stream = io.BytesIO(b'{"a": 1}\r\n{"b": "\n{"c": 3} \r\n')
    assert list(json_lines(stream)) == [(1, b'{"a": 1}'), (2, b'{"b": "'), (3, b'{"c": 3} ')]
    # A line cut inside a string said "Invalid control character" (its own newline).
    with pytest.raises(ParseError) as caught:
        parse_json(b'{"b": "')
    assert caught.value.problem.startswith("is not valid JSON: Unterminated string")


class _Reads(io.BytesIO):
    """A stream that notes the most bytes one read asked for."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.largest = 0

    def read1(self, size: int | None = -1, /) -> bytes:
        self.largest = max(self.largest, size if size is not None else -1)
        return super().read1(size)


@pytest.mark.parametrize("size", [1, 7, 64, 1 << 20])
def test_a_json_line_longer_than_an_invoice_may_be_is_not_held_whole(
    monkeypatch: pytest.MonkeyPatch, size: int
) -> None:
    """Each line was read whole, however long (a 300 MB line took 650 MB): a line past
    the most one invoice may be is given cut, one byte over (to be refused by its
    length), a blank one is skipped however long, and the lines after them keep their
    numbers."""
    monkeypatch.setattr("invoicecalc._stream.MAX_JSON_BYTES", 1000)
    monkeypatch.setattr("invoicecalc._stream.CHUNK_SIZE", size)
    long = b'{"notes": "' + b"x" * 5000 + b'"}\n'
    late = b" " * 3000 + b"{}\n"  # text only past where it is cut
    stream = _Reads(b'{"a": 1}\n' + long + b" " * 3000 + b"\n" + late + b'{"b": 2}')
    found = list(json_lines(stream))
    assert found == [(1, b'{"a": 1}'), (2, long[:1001]), (4, b" " * 1001), (5, b'{"b": 2}')]
    assert stream.largest == size  # read a chunk at a time, never a line at a time


def test_a_json_line_is_cut_only_past_the_most_an_invoice_may_be(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("invoicecalc._stream.MAX_JSON_BYTES", 10)
    monkeypatch.setattr("invoicecalc._parse.MAX_JSON_BYTES", 10)
    monkeypatch.setattr("invoicecalc._stream.CHUNK_SIZE", 3)
    # 10 bytes of JSON, 11, and 10 with a carriage return cut off after them.
    stream = io.BytesIO(b'{"a": "1"}\n{"a": "12"}\n{"a": "1"}\r{}\n')
    found = list(json_lines(stream))
    assert found == [(1, b'{"a": "1"}'), (2, b'{"a": "12"}'), (3, b'{"a": "1"}\r')]
    # The most a whole document may be, as a line too: its newline made it one byte
    # over, and it was refused by its length. A cut line stays one byte over.
    assert parse_json(found[0][1]) == {"a": "1"}
    for _, cut in found[1:]:
        with pytest.raises(ParseError, match="larger than"):
            parse_json(cut)


@pytest.mark.parametrize("size", SIZES)
def test_an_element_nested_too_deeply_is_refused_alone(size: int) -> None:
    """It is JSON, only deeper than the scanner goes: the rest of the array used to be
    lost with it (and held whole to look for its end)."""
    deep = '[{"a": "]"}, ' * 3000 + "1" + "]" * 3000  # brackets in strings do not count
    text = f'[{{"a": 1}}, {deep}, {{"b": 2}}]'
    found = split(text, size)
    assert found[0] == '{"a": 1}'
    assert found[1] == deep
    assert found[2] == '{"b": 2}'
    assert len(found) == 3
    with pytest.raises(ParseError, match="is nested too deeply"):
        parse_json(found[1])


def test_an_element_longer_than_an_invoice_may_be_is_refused_without_the_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The splitter held the rest of the file looking for the element's end."""
    monkeypatch.setattr("invoicecalc._stream.MAX_JSON_BYTES", 1000)
    long = '{"notes": "' + "x" * 5000 + '"}'
    found = split(f'[{{"a": 1}}, {long}, {{"b": 2}}]', 64)
    assert found[0] == '{"a": 1}'
    assert isinstance(found[1], ParseError)
    assert found[1].problem == "is larger than 1000 bytes"
    assert len(found) == 2
