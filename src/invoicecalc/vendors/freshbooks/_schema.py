"""FreshBooks 2.1 XML: requests and responses to and from :class:`FbInvoice`.

Element order follows FreshBooks' own documents (the API reference samples
and a response captured from a live account).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs

from ..._model import Tax
from ..._money import exact_decimal
from ...errors import InvalidValueError, ParseError, UnsupportedError, VendorError
from .._xml import ET, attribute, element, local_names, parse_xml, string_of
from ._model import FbInvoice, FbLine

__all__ = [
    "NAMESPACE",
    "Found",
    "kind_of",
    "listing",
    "parse",
    "parse_recurring",
    "parse_taxes",
    "record",
    "request",
    "response",
    "write_invoice",
]

NAMESPACE = "http://www.freshbooks.com/api/"
#: FreshBooks' newer pages write the namespace with https; both are read.
_NAMESPACES = (NAMESPACE, "https://www.freshbooks.com/api/")
_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>'

#: ``<invoice>`` children in an ``invoice.get`` response, then in a request.
GET_FIELDS = (
    "invoice_id",
    "number",
    "amount",
    "amount_outstanding",
    "paid",
    "status",
    "date",
    "po_number",
    "discount",
    "notes",
    "terms",
    "currency_code",
)
REQUEST_FIELDS = (
    "invoice_id",
    "client_id",
    "number",
    "date",
    "po_number",
    "discount",
    "notes",
    "currency_code",
    "terms",
)
GET_LINE_FIELDS = tuple(field.name for field in attrs.fields(FbLine))
REQUEST_LINE_FIELDS = tuple(name for name in GET_LINE_FIELDS if name != "amount")
_INVOICE_FIELDS = tuple(field.name for field in attrs.fields(FbInvoice) if field.name != "lines")

#: What a response or request holds when it is not an invoice, for the refusal.
_TAXES = "taxes (freshbooks.read_taxes reads them)"
_NOT_INVOICES = {
    "invoice_id": "only the id of a created invoice",
    "invoice.lines.add": "lines to add to an existing invoice",
    "invoice.update": "only the fields an update changes (read the invoice.get response)",
    "payment": "a payment",
    "payments": "payments",
    "payment.create": "a payment",
    "payment.update": "only the fields of a payment an update changes",
    "tax.update": "only the fields of a tax an update changes",
    "estimate.update": "only the fields an update changes (read the estimate.get response)",
    "tax": _TAXES,
    "taxes": _TAXES,
    "tax.create": _TAXES,
    "recurring": "a recurring profile (invoicecalc recur reads it)",
    "recurrings": "recurring profiles (invoicecalc recur reads them)",
    "recurring.create": "a recurring profile (invoicecalc recur reads it)",
    "recurring.update": "only the fields an update changes (read the recurring.get response)",
    "invoice": "an invoice",
    "invoices": "invoices",
    "estimate": "an estimate",
    "estimates": "estimates",
}


@attrs.frozen
class Found:
    """The invoices (or estimates) a document holds, each with its path for errors."""

    invoices: tuple[tuple[str, FbInvoice], ...]
    array: bool


# -- reading -------------------------------------------------------------------


def _root(data: bytes | str) -> ET.Element:
    return local_names(parse_xml(data, ""), _NAMESPACES, "")


def _only(parent: ET.Element, tag: str, path: str) -> ET.Element | None:
    found = parent.findall(tag)
    if len(found) > 1:
        raise InvalidValueError(f"{path}{tag}", len(found), "appears more than once")
    return found[0] if found else None


def _alone(root: ET.Element, tag: str) -> None:
    """Refuse an element beside ``root``'s ``tag``: a second record (an ``<estimate>``
    beside an ``<invoice>``, a ``<payment>``, a ``<taxes>``) would be dropped unread."""
    for child in root:
        if isinstance(child.tag, str) and child.tag != tag:
            raise InvalidValueError(child.tag, child.tag, f"cannot be given beside a <{tag}>")


def _failure(root: ET.Element) -> VendorError:
    messages = [(error.text or "").strip() for error in root.findall("error")]
    message = "; ".join(text for text in messages if text) or "the request failed"
    field = (root.findtext("field") or "").strip()
    code = (root.findtext("code") or "").strip() or None
    return VendorError("FreshBooks", f"{field}: {message}" if field else message, code)


def _invoice(node: ET.Element, path: str) -> FbInvoice:
    fields = {name: string_of(node, name, path) for name in _INVOICE_FIELDS}
    folder = string_of(node, "folder", path)
    if folder is not None and folder.strip() == "deleted":  # as Kashoo's removed record
        raise UnsupportedError(f"{path}folder", "a deleted invoice is not read", folder)
    lines: list[FbLine] = []
    holder = _only(node, "lines", path)
    if holder is not None:
        _only_children(holder, "line", f"{path}lines")
        line_ids: set[str] = set()
        for index, line in enumerate(holder.findall("line")):
            where = f"{path}lines[{index}]."
            line_id = (line.findtext("line_id") or "").strip()
            if line_id in line_ids:  # the same line twice would count its amount twice
                raise InvalidValueError(where + "line_id", line_id, "names a line read before")
            if line_id:
                line_ids.add(line_id)
            invented = string_of(line, "compound_tax", where)
            if invented is not None:
                raise UnsupportedError(
                    where + "compound_tax",
                    "is no FreshBooks element (earlier invoicecalc versions wrote it): "
                    "whether a tax compounds is the account's tax's, so give its tax.list "
                    "response instead",
                    invented,
                )
            lines.append(FbLine(**{name: string_of(line, name, where) for name in GET_LINE_FIELDS}))
    if (
        not lines
        and fields["amount"] is not None
        and exact_decimal(fields["amount"].strip() or "0", f"{path}amount")
    ):
        raise ParseError(
            f"{path}lines",
            f"are missing: the invoice states an amount of {fields['amount'].strip()}, "
            "and no line makes it",
        )
    return FbInvoice(lines=tuple(lines), **fields)


def _only_children(parent: ET.Element, tag: str, path: str) -> None:
    """Refuse an element inside ``parent`` other than ``tag``: one read as nothing would
    drop an invoice or a line without a word."""
    for child in parent:
        if isinstance(child.tag, str) and child.tag != tag:
            raise InvalidValueError(f"{path}.{child.tag}", child.tag, f"is not a <{tag}>")


#: The documents each reader takes: the element of one record and of a list page.
INVOICES = (("invoice", "invoices"), ("estimate", "estimates"))
RECURRINGS = (("recurring", "recurrings"),)
_CREATE = {"invoice.create": "invoice", "estimate.create": "estimate"}
_CREATE_RECURRING = {"recurring.create": "recurring"}


def _refuse(kind: str, what: str, wanted: str) -> UnsupportedError:
    held = _NOT_INVOICES.get(what, f"no {wanted}")
    return UnsupportedError(kind, f"holds {held}, not {_ARTICLE[wanted]}", what)


_ARTICLE = {"invoice": "an invoice", "recurring profile": "a recurring profile"}


def _from_response(root: ET.Element, kinds: Sequence[tuple[str, str]], wanted: str) -> Found:
    status = root.get("status")
    if status == "fail":
        raise _failure(root)
    if status != "ok":
        raise ParseError("response", "needs status ok or fail", status)
    for single, plural in kinds:
        node = _only(root, single, "")
        many = _only(root, plural, "")
        if node is not None and many is not None:
            raise InvalidValueError(plural, plural, f"cannot be given beside a <{single}>")
        if node is not None or many is not None:
            _alone(root, single if node is not None else plural)
        if node is not None:
            return Found(((single, _invoice(node, f"{single}.")),), array=False)
        if many is not None:
            _only_children(many, single, plural)
            found = many.findall(single)
            return Found(
                tuple(
                    (f"{plural}[{i}]", _invoice(node, f"{plural}[{i}]."))
                    for i, node in enumerate(found)
                ),
                array=True,
            )
    tags = [child.tag for child in root if isinstance(child.tag, str)]
    raise _refuse("response", tags[0] if tags else "", wanted)


def _from_request(root: ET.Element, methods: dict[str, str], wanted: str) -> Found:
    method = root.get("method") or ""
    single = methods.get(method)
    if single is None:
        raise _refuse("request", method, wanted)
    node = _only(root, single, "")
    if node is None:
        raise InvalidValueError(single, None, f"is required in a {method} request")
    _alone(root, single)
    return Found(((single, _invoice(node, f"{single}.")),), array=False)


def _parse(
    data: bytes | str, kinds: Sequence[tuple[str, str]], methods: dict[str, str], wanted: str
) -> Found:
    root = _root(data)
    if root.tag == "response":
        return _from_response(root, kinds, wanted)
    if root.tag == "request":
        return _from_request(root, methods, wanted)
    raise ParseError("document", "is not a FreshBooks <request> or <response>", root.tag)


def parse(data: bytes | str) -> Found:
    """The invoices in a FreshBooks response or request; a ``fail`` response raises."""
    return _parse(data, INVOICES, _CREATE, "invoice")


def parse_recurring(data: bytes | str) -> Found:
    """The recurring profiles of a ``recurring.get``/``recurring.list`` response or a
    ``recurring.create`` request."""
    return _parse(data, RECURRINGS, _CREATE_RECURRING, "recurring profile")


def kind_of(data: bytes | str) -> str:
    """What a document holds, by its root: ``taxes``, ``payments``, ``recurring`` or
    ``invoices`` (anything else; :func:`parse` says what is wrong with it)."""
    try:
        root = _root(data)
    except ParseError:
        return "invoices"
    if root.tag == "request":
        method = root.get("method") or ""
        return {"tax.create": "taxes", "recurring.create": "recurring"}.get(method, "invoices")
    if root.tag == "response" and root.get("status") == "ok":
        tags = {child.tag for child in root if isinstance(child.tag, str)}
        if tags & {"tax", "taxes"}:
            return "taxes"
        if tags & {"payment", "payments"}:
            return "payments"
        if tags & {"recurring", "recurrings"}:
            return "recurring"
    return "invoices"


def parse_taxes(data: bytes | str) -> tuple[Tax, ...]:
    """The taxes of a ``tax.list``/``tax.get`` response or a ``tax.create`` request."""
    root = _root(data)
    if root.tag == "response":
        if root.get("status") == "fail":
            raise _failure(root)
        holder = _only(root, "taxes", "")
        nodes = holder.findall("tax") if holder is not None else root.findall("tax")
        prefix = "taxes" if holder is not None else "tax"
        if holder is None and not nodes:
            raise UnsupportedError("response", "holds no taxes", [child.tag for child in root])
        _alone(root, prefix)
    elif root.tag == "request" and root.get("method") == "tax.create":
        nodes, prefix = root.findall("tax"), "tax"
        _alone(root, prefix)
    else:
        raise UnsupportedError("document", "holds no taxes", root.get("method") or root.tag)
    taxes = []
    for index, node in enumerate(nodes):
        path = f"{prefix}[{index}]." if prefix == "taxes" else "tax."
        name = string_of(node, "name", path) or ""
        rate = exact_decimal((string_of(node, "rate", path) or "").strip() or "0", path + "rate")
        flag = (string_of(node, "compound", path) or "").strip() or "0"
        if flag not in ("0", "1"):
            raise InvalidValueError(path + "compound", flag, "must be 0 or 1")
        try:
            taxes.append(Tax(name, rate, flag == "1"))
        except InvalidValueError as exc:
            raise exc.within(path.rstrip(".")) from None
    return tuple(taxes)


# -- writing -------------------------------------------------------------------


def _children(record: object, names: Iterable[str], indent: str) -> list[str]:
    """One element per field that is not ``None``, in ``names`` order."""
    return [
        element(name, value, indent=indent)
        for name in names
        if (value := getattr(record, name)) is not None
    ]


def write_invoice(
    doc: FbInvoice, fields: Sequence[str], line_fields: Sequence[str], indent: str
) -> list[str]:
    """``<invoice>`` with the ``fields`` and each line's ``line_fields`` that are set."""
    inner = indent + "  "
    out = [f"{indent}<invoice>", *_children(doc, fields, inner)]
    if not doc.lines:
        return [*out, f"{inner}<lines></lines>", f"{indent}</invoice>"]
    out.append(f"{inner}<lines>")
    for line in doc.lines:
        out += [
            f"{inner}  <line>",
            *_children(line, line_fields, inner + "    "),
            f"{inner}  </line>",
        ]
    return [*out, f"{inner}</lines>", f"{indent}</invoice>"]


def response(body: Sequence[str]) -> str:
    """A successful response around ``body`` (lines already indented)."""
    head = f"<response{attribute('xmlns', NAMESPACE)}{attribute('status', 'ok')}>"
    return "\n".join([_DECLARATION, head, *body, "</response>"]) + "\n"


def request(method: str, body: Sequence[str]) -> str:
    """A request for ``method`` around ``body`` (lines already indented)."""
    head = f"<request{attribute('method', method)}>"
    return "\n".join([_DECLARATION, head, *body, "</request>"]) + "\n"


def record(tag: str, fields: Sequence[tuple[str, str | None]]) -> list[str]:
    """``<tag>`` holding one element per field that is not ``None``."""
    inner = [element(name, value, indent="    ") for name, value in fields if value is not None]
    return [f"  <{tag}>", *inner, f"  </{tag}>"]


def listing(body: Sequence[str], count: int) -> list[str]:
    """``<invoices>`` as one page of ``count`` invoices around ``body``."""
    pages = (("page", "1"), ("per_page", str(count)), ("pages", "1"), ("total", str(count)))
    head = "".join(attribute(name, value) for name, value in pages)
    return [f"  <invoices{head}>", *body, "  </invoices>"]
