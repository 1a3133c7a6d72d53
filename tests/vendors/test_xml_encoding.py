"""``vendors._xml.encoding_of``: the encoding a vendor XML document is read in."""

from __future__ import annotations

import pytest

from invoicecalc.errors import ParseError
from invoicecalc.vendors._xml import encoding_of

BODY = "<a>é</a>"


def declared(name: str) -> str:
    return f'<?xml version="1.0" encoding="{name}"?>{BODY}'


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (BODY.encode(), "UTF-8"),  # no mark, no declaration: XML's default
        (b'<?xml version="1.0"?>' + BODY.encode(), "UTF-8"),
        (declared("utf-8").encode(), "UTF-8"),
        (b"\xef\xbb\xbf" + declared("UTF-8").encode(), "UTF-8"),
        (declared("iso-8859-1").encode("latin-1"), "ISO-8859-1"),
        (declared("US-ASCII").replace("é", "e").encode(), "US-ASCII"),
        (BODY.encode("utf-16"), "UTF-16"),  # its byte-order mark
        (declared("utf-16").encode("utf-16"), "UTF-16"),
    ],
)
def test_encoding_of_names_the_encoding_read(data: bytes, encoding: str) -> None:
    assert encoding_of(data) == encoding


@pytest.mark.parametrize(
    "data",
    [
        BODY.encode("utf-32"),
        BODY.encode("utf-16-le"),  # no byte-order mark
        declared("Shift_JIS").encode(),
        declared("utf-16").encode(),  # a declaration its bytes are not in
        b"\xef\xbb\xbf" + declared("iso-8859-1").encode(),
    ],
)
def test_encoding_of_refuses_what_check_encoding_refuses(data: bytes) -> None:
    with pytest.raises(ParseError) as refused:
        encoding_of(data, "in.xml")
    assert str(refused.value).startswith("in.xml")
