"""Vendor XML, read as hostile input and written so it is always well formed.

Reading goes through defusedxml: a DTD, an entity declaration or an external
reference is refused with :class:`~invoicecalc.errors.ParseError` before
anything is expanded (billion laughs, quadratic blow-up, XXE). Writing
refuses text XML 1.0 cannot carry (control characters) rather than emit a
malformed document.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Collection
from xml.sax.saxutils import escape, quoteattr

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from ..errors import InvalidValueError, ParseError

__all__ = [
    "ENCODINGS",
    "ET",
    "attribute",
    "check_encoding",
    "element",
    "encoding_of",
    "local_names",
    "parse_xml",
    "printable",
    "string_of",
]

#: Characters XML 1.0 cannot carry at all (C0 controls but tab, LF, CR; surrogates; U+FFFE/F).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: Refuse documents larger than this before parsing (64 MiB).
MAX_BYTES = 64 * 1024 * 1024
#: A carriage return written as itself comes back as a line feed (XML end-of-line
#: handling); as a character reference it survives.
_TEXT_ENTITIES = {"\r": "&#13;"}


#: The encodings vendor XML may be in (the vendors' own documents are UTF-8); all
#: are decoded by expat itself, never by a Python codec looked up by name.
ENCODINGS = ("UTF-8", "UTF-16", "US-ASCII", "ISO-8859-1")
_ASCII_FAMILY = frozenset({"utf-8", "us-ascii", "iso-8859-1"})
_UTF16_NAMES = frozenset({"utf-16", "utf-16le", "utf-16be"})
#: The XML declaration: at the very start, closed within the first 256 characters
#: (real ones are under 100); its encoding, if it names one, is looked for inside it.
_OPENED = re.compile(rb"<\?xml\s")
_DECLARATION = re.compile(rb"<\?xml\s[^>]*?\?>")
_ENCODING = re.compile(rb"\sencoding\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_WHICH = f"vendor XML is read in {', '.join(ENCODINGS[:-1])} or {ENCODINGS[-1]}"


def _declared(head: bytes, source: str) -> str | None:
    """The encoding the XML declaration at the start of ``head`` names, if any; a
    declaration not closed within ``head`` is refused, so that no encoding it names
    can reach the parser unseen."""
    if _OPENED.match(head) is None:
        return None
    declaration = _DECLARATION.match(head)
    if declaration is None:
        raise ParseError(source, "has an XML declaration not closed within 256 characters")
    match = _ENCODING.search(declaration.group())
    if match is None:
        return None
    return (match.group(1) or match.group(2) or b"").decode("ascii", "backslashreplace")


def check_encoding(data: bytes | str, source: str = "") -> None:
    """Refuse XML in an encoding other than :data:`ENCODINGS`, naming the encoding.

    UTF-8 (with or without a byte-order mark, declared or not); UTF-16 only
    with its byte-order mark (XML 1.0 section 4.3.3); US-ASCII and ISO-8859-1
    when declared. Shift_JIS, UTF-7, UTF-32, EBCDIC and names no one knows are
    refused before the parser sees them.
    """
    if isinstance(data, str):
        head = data[:256].encode("utf-8", "replace")
        family = _ASCII_FAMILY | _UTF16_NAMES  # already text: any of the names is harmless
    elif data[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"):
        raise ParseError(source, f"is in UTF-32; {_WHICH}")
    elif data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        codec = "utf-16-le" if data[:2] == b"\xff\xfe" else "utf-16-be"
        head = data[2:514].decode(codec, "replace").encode("utf-8", "replace")
        family = _UTF16_NAMES
    elif data[:1] == b"\x00" or data[1:2] == b"\x00":
        raise ParseError(source, f"is UTF-16 or UTF-32 without a byte-order mark; {_WHICH}")
    else:
        head = data[3:259] if data[:3] == b"\xef\xbb\xbf" else data[:256]
        family = frozenset({"utf-8"}) if data[:3] == b"\xef\xbb\xbf" else _ASCII_FAMILY
    name = _declared(head, source)
    if name is None or name.lower() in family:
        return
    if name.lower() in _ASCII_FAMILY | _UTF16_NAMES:
        problem = "declares an encoding its bytes are not in (UTF-16 needs its byte-order mark)"
    else:
        problem = f"declares an encoding not read here; {_WHICH}"
    raise ParseError(source, problem, name)


def encoding_of(data: bytes, source: str = "") -> str:
    """The one of :data:`ENCODINGS` ``data`` is read in: its byte-order mark's, else its
    XML declaration's, else UTF-8; what :func:`check_encoding` refuses is refused.

    >>> encoding_of(b'<?xml version="1.0" encoding="iso-8859-1"?><a/>')
    'ISO-8859-1'
    """
    check_encoding(data, source)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-32's marks were refused
        return "UTF-16"
    if data[:3] == b"\xef\xbb\xbf":
        return "UTF-8"
    # Without a mark check_encoding let only the ASCII family's names by.
    return (_declared(data[:256], source) or "UTF-8").upper()


def parse_xml(data: bytes | str, source: str = "") -> ET.Element:
    """The root element of ``data``; DTDs, entities and external references are refused,
    and so are encodings other than :data:`ENCODINGS` and documents over :data:`MAX_BYTES`."""
    if len(data) > MAX_BYTES:
        raise ParseError(source, f"is larger than {MAX_BYTES} bytes")
    check_encoding(data, source)
    try:
        root: ET.Element = fromstring(
            data, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except DefusedXmlException as exc:
        raise ParseError(source, f"is refused as unsafe XML: {type(exc).__name__}") from None
    except ET.ParseError as exc:
        raise ParseError(source, f"is not well-formed XML: {exc}") from None
    except (ValueError, LookupError) as exc:  # a codec expat asked Python for
        raise ParseError(source, f"is in an encoding not read here: {exc}") from None
    return root


def string_of(parent: ET.Element, tag: str, path: str) -> str | None:
    """The text of ``parent``'s only child ``tag`` exactly as written (``""`` when empty).

    ``None`` when there is no such child. Nothing is stripped; a child that
    appears twice (which one would count?) or holds elements is refused.
    """
    children = parent.findall(tag)
    if not children:
        return None
    if len(children) > 1:
        raise InvalidValueError(f"{path}{tag}", len(children), "appears more than once")
    if len(children[0]):
        raise InvalidValueError(f"{path}{tag}", tag, "must hold text, not elements")
    return children[0].text or ""


def local_names(root: ET.Element, namespaces: Collection[str], source: str) -> ET.Element:
    """``root`` with the ``namespaces`` taken off every tag (in place); any other is refused.

    ``{http://www.freshbooks.com/api/}invoice`` becomes ``invoice``, so the
    same code reads a document with or without its default namespace.
    """
    for node in root.iter():
        tag = node.tag
        if isinstance(tag, str) and tag.startswith("{"):
            uri, _, local = tag[1:].partition("}")
            if uri not in namespaces:
                raise ParseError(source, "uses an XML namespace this reader does not know", uri)
            node.tag = local
    return root


def printable(text: str) -> str:
    r"""``text`` with each character XML cannot carry shown as an escape (for messages).

    >>> printable("bad\x01byte")
    'bad\\x01byte'
    """
    return _NOT_XML.sub(lambda match: repr(match.group())[1:-1], text)


def _checked(text: str, field: str) -> str:
    match = _NOT_XML.search(text)
    if match:
        raise InvalidValueError(field, text, f"holds {match.group()!r}, which XML cannot carry")
    return text


def attribute(name: str, value: str) -> str:
    """`` name="value"`` escaped for an XML start tag."""
    return f" {name}={quoteattr(_checked(value, name))}"


def element(tag: str, text: str | None = None, attributes: str = "", indent: str = "") -> str:
    """One element on its own line: empty (``<tag></tag>``) when ``text`` is ``None``."""
    body = "" if text is None else escape(_checked(text, tag), _TEXT_ENTITIES)
    return f"{indent}<{tag}{attributes}>{body}</{tag}>"
