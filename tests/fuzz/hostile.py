"""Hostile values and mutations for tests/test_fuzz.py (issue 7 §4).

Everything here builds inputs; nothing checks results. JSON mutations work on
parsed trees; XML mutations work on the bytes with regular expressions, so
everything a mutation does not touch stays exactly as the real sample wrote it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

TESTS = Path(__file__).resolve().parent.parent
ROOT = TESTS.parent

#: A JSON value that is written as the literal text after the marker (``0e-999999999``
#: unquoted, which ``json.dumps`` cannot produce).
RAW = "@@raw@@"

#: Numbers (as text) every reader must refuse or read without trouble.
NUMBER_TEXT = [
    "0e-999999999",
    "-0e999999999",
    "0E+999999999",
    "1e999999999",
    "1e-999999999",
    "9" * 5000,
    "1." + "0" * 5000,
    "99999999999999999",
    "999999999999999999",
    "1e17",
    "1e18",
    "-1e17",
    "1e-18",
    "1e-19",
    "0.000000000000000001",
    "0.1",
    "-1",
    "0",
    "100",
    "100000",
    "-0",
]
#: Text that is not a number: where a number goes, each must be refused.
NOT_A_NUMBER = ["ten", "NaN", "Infinity", "-Infinity", "sNaN", "1_000", "١٢", "1,5", "0x10", "5e"]
#: Text of every awkward kind.
ODD_TEXT = [
    "",
    " 5 ",
    "a\nb",
    "a\rb",
    "tab\there",
    "\u2028",
    "\x85",
    "\x00",
    "\x1b[31m",
    "\ud800",
    "\U0001f4b8",
    "ü" * 300,
    "x" * 10_000,
    "Net 30",
    "Net " + "9" * 5000,
    "2024-02-30",
    "9999-12-31",
    "0001-01-01",
]

json_scalars = st.one_of(
    st.sampled_from(NUMBER_TEXT + NOT_A_NUMBER + ODD_TEXT),
    st.sampled_from(NUMBER_TEXT + NOT_A_NUMBER).map(lambda text: RAW + text),
    st.integers(min_value=-(10**70), max_value=10**70),
    st.decimals(allow_nan=False, allow_infinity=False, places=4).map(str),
    st.booleans(),
    st.none(),
    st.text(max_size=12),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def dumps(value: Any) -> str:
    """``value`` as JSON text, each ``RAW`` string written as its bare literal."""
    text = json.dumps(value, ensure_ascii=False)
    return re.sub('"' + re.escape(RAW) + r'([^"]*)"', lambda match: match.group(1), text)


def nested(depth: int) -> str:
    """``depth`` arrays one inside the other, as a ``RAW`` value (no Python recursion)."""
    return RAW + "[" * depth + "1" + "]" * depth


# -- JSON tree mutations ---------------------------------------------------------


def _slots(value: Any) -> list[tuple[Any, Any]]:
    """Every (container, key or index) in ``value``, containers included."""
    found: list[tuple[Any, Any]] = []
    stack = [value]
    while stack:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, item in items:
            found.append((node, key))
            if isinstance(item, (dict, list)):
                stack.append(item)
    return found


@st.composite
def mutated_json(draw: st.DrawFn, seed: Any) -> tuple[Any, list[tuple[str, Any]]]:
    """``seed`` (a parsed JSON value, copied) with one to three mutations; each is
    reported as (operation, value put in)."""
    value = json.loads(json.dumps(seed))
    done: list[tuple[str, Any]] = []
    for _ in range(draw(st.integers(1, 3))):
        slots = _slots(value)
        if not slots:
            break
        node, key = draw(st.sampled_from(slots))
        operation = draw(st.sampled_from(["replace", "replace", "delete", "add", "nest", "type"]))
        if operation == "replace":
            new = draw(json_values)
            node[key] = new
        elif operation == "delete":
            new = None
            node.pop(key)
        elif operation == "add":
            new = draw(st.text(max_size=10))
            if isinstance(node, dict):
                node[new] = draw(json_scalars)
            else:
                node.append(draw(json_values))
        elif operation == "nest":
            new = draw(st.sampled_from([10, 900, 5000, 100_000]))
            node[key] = nested(new)
        else:  # the same value as another type
            new = node[key]
            node[key] = (
                ([new] if not isinstance(new, list) else {"x": new})
                if draw(st.booleans())
                else str(new)
            )
        done.append((operation, new))
    return value, done


# -- byte mutations ---------------------------------------------------------------


@st.composite
def flipped(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` with a few bytes changed, dropped or the end cut off."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        if not out:
            break
        at = draw(st.integers(0, len(out) - 1))
        operation = draw(st.sampled_from(["xor", "set", "drop", "cut"]))
        if operation == "xor":
            out[at] ^= 1 << draw(st.integers(0, 7))
        elif operation == "set":
            out[at] = draw(st.sampled_from(b"<>&\"'/\x00\xff\xc3 9-.eE[]{}"))
        elif operation == "drop":
            del out[at]
        else:
            del out[at:]
    return bytes(out)


# -- XML mutations ----------------------------------------------------------------

_LEAF = re.compile(rb"<([A-Za-z_][\w.-]*)(\s[^<>]*)?>([^<]*)</\1>")
_ATTRIBUTE = re.compile(rb"\s([A-Za-z_][\w:.-]*)=\"([^\"]*)\"")
_DECLARATION = re.compile(rb"\A(?:\xef\xbb\xbf)?<\?xml[^>]*\?>")

#: (name declared, how the whole document is encoded).
ENCODINGS: list[tuple[str | None, Callable[[str], bytes]]] = [
    ("Shift_JIS", lambda text: text.encode("shift_jis", "replace")),
    ("SJIS", lambda text: text.encode("ascii", "replace")),
    ("UTF-7", lambda text: text.encode("utf-7")),
    ("EUC-JP", lambda text: text.encode("euc_jp", "replace")),
    ("x-unknown-encoding", lambda text: text.encode("utf-8")),
    ("windows-1252", lambda text: text.encode("cp1252", "replace")),
    ("UTF-16", lambda text: text.encode("utf-16")),
    ("UTF-16", lambda text: text.encode("utf-16-le")),
    (None, lambda text: text.encode("utf-16-be")),
    ("UTF-32", lambda text: text.encode("utf-32")),
    ("ISO-8859-1", lambda text: text.encode("latin-1", "replace")),
    ("US-ASCII", lambda text: text.encode("ascii", "replace")),
    ("UTF-8", lambda text: b"\xef\xbb\xbf" + text.encode("utf-8")),
    ("cp037", lambda text: text.encode("cp037", "replace")),
]


def reencoded(data: bytes, declared: str | None, encode: Callable[[str], bytes]) -> bytes:
    """The document declared as ``declared`` (no declaration: ``None``), encoded by ``encode``."""
    body = _DECLARATION.sub(b"", data, count=1).decode("utf-8")
    head = "" if declared is None else f'<?xml version="1.0" encoding="{declared}"?>'
    return encode(head + body)


@st.composite
def mutated_xml(draw: st.DrawFn, data: bytes) -> tuple[bytes, list[tuple[str, bytes, bytes]]]:
    """``data`` with one to three element, attribute or encoding mutations; each is
    reported as (operation, tag or attribute, text put in)."""
    done: list[tuple[str, bytes, bytes]] = []
    for _ in range(draw(st.integers(1, 3))):
        operation = draw(
            st.sampled_from(["text", "text", "text", "delete", "twice", "attribute", "nest"])
        )
        leaves = list(_LEAF.finditer(data))
        attributes = list(_ATTRIBUTE.finditer(data))
        if operation == "attribute" and attributes:
            match = draw(st.sampled_from(attributes))
            value = draw(st.sampled_from([b"", b"financial", b"true", b"\xff", b"x" * 1000]))
            new = b"" if draw(st.booleans()) else b' %s="%s"' % (match.group(1), value)
            data = data[: match.start()] + new + data[match.end() :]
            done.append(("attribute", match.group(1), new))
            continue
        if not leaves:
            break
        match = draw(st.sampled_from(leaves))
        tag = match.group(1)
        if operation == "text":
            text = draw(
                st.one_of(
                    st.sampled_from(NUMBER_TEXT + NOT_A_NUMBER + ODD_TEXT),
                    st.text(max_size=12),
                )
            )
            escaped = (
                text.replace("&", "&amp;").replace("<", "&lt;").encode("utf-8", "surrogatepass")
            )
            new = b"<%s%s>%s</%s>" % (tag, match.group(2) or b"", escaped, tag)
            done.append(("text", tag, escaped))
        elif operation == "delete":
            new = b""
            done.append(("delete", tag, b""))
        elif operation == "twice":
            new = match.group(0) * 2
            done.append(("twice", tag, b""))
        else:
            depth = draw(st.sampled_from([10, 1000, 100_000]))
            new = b"<%s>%s%s</%s>" % (tag, b"<a>" * depth, b"</a>" * depth, tag)
            done.append(("nest", tag, b""))
        data = data[: match.start()] + new + data[match.end() :]
    if draw(st.integers(0, 9)) == 0:
        declared, encode = draw(st.sampled_from(ENCODINGS))
        try:
            data = reencoded(data, declared, encode)
        except UnicodeError:
            pass
        else:
            done.append(("encoding", (declared or "").encode(), b""))
    return data, done
