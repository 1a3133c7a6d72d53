"""Cashboard's documents as data: which elements, in which order, with which attributes.

The element lists follow the API's data references (the Invoices, Line
Items, Invoice Line Items and Invoice Payments pages of the Cashboard API
documentation, and the Payments page as far as it is known) and, where a
reference is not known (estimates, the rest of payments), real server
output (the official Ruby client's test fixtures). The older server shape of
those fixtures (an ``id`` first, a payment's ``estimate_id``) is read too.
Writing builds :class:`Written` records and renders them as XML or JSON;
reading turns either form into :class:`Raw` records. Nothing here knows the
domain types.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any, Literal

import attrs

from ..._parse import parse_json
from ...errors import InvalidTypeError, InvalidValueError, ParseError, VendorError
from .._xml import ET, attribute, element, parse_xml

__all__ = [
    "ACCOUNT",
    "ESTIMATE",
    "INVOICE",
    "INVOICE_LINE_ITEM",
    "INVOICE_PAYMENT",
    "LINE_ITEM",
    "PAYMENT",
    "Field",
    "Form",
    "Raw",
    "Resource",
    "Written",
    "parse_document",
    "render",
]

Form = Literal["xml", "json"]


@attrs.frozen
class Field:
    """One element: ``rel="financial"`` is removed from the employee view."""

    tag: str
    financial: bool = False
    read_only: bool = False
    boolean: bool = False
    #: The start tag's attributes as written: `` rel="financial" read_only="true"``.
    attributes: str = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        written = (attribute("rel", "financial") if self.financial else "") + (
            attribute("read_only", "true") if self.read_only else ""
        )
        object.__setattr__(self, "attributes", written)


def _fields(spec: str) -> tuple[Field, ...]:
    """One element a line: ``tag [financial] [read_only] [boolean]``."""
    fields = []
    for line in spec.strip().splitlines():
        tag, *flags = line.split()
        fields.append(Field(tag, "financial" in flags, "read_only" in flags, "boolean" in flags))
    return tuple(fields)


@attrs.frozen
class Resource:
    """A kind of record: its element, the array's root element, its elements in order.

    ``extra`` names elements the server also sends that the reference does
    not list; they are read, kept and written back after the listed ones
    (``id`` first, as the server does). An ``open`` resource (the account,
    whose reference is known only in part) accepts any element, and
    elements holding elements (its ``owner`` and ``company``); only the
    listed ones are read.
    """

    tag: str
    plural: str
    fields: tuple[Field, ...]
    extra: tuple[str, ...] = ("id",)
    open: bool = False
    known: frozenset[str] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        known = frozenset(f.tag for f in self.fields) | frozenset(self.extra)
        object.__setattr__(self, "known", known)


#: The Invoices data reference of the API documentation, element for element.
INVOICE = Resource(
    "invoice",
    "invoices",
    _fields("""
        address
        assigned_id
        balance financial read_only
        client_id
        client_type
        comments_count read_only
        created_on
        discount financial read_only
        discount_percentage financial
        document_template_id
        due_date
        early_period_in_days
        has_been_paid read_only boolean
        has_been_sent boolean
        include_expenses boolean
        include_pdf boolean
        include_time_entries boolean
        invoice_date
        item_actual financial read_only
        item_cost financial read_only
        item_profit financial read_only
        item_taxable financial read_only
        late_fee financial read_only
        late_percentage
        late_period_in_days
        notes
        payment_total financial read_only
        po_number
        post_reminder_in_days
        pre_reminder_in_days
        sales_tax financial
        sales_tax_2 financial
        sales_tax_2_cumulative financial boolean
        total financial read_only
        total_quantity financial read_only
        updated_at read_only
    """),
)

#: The Invoice Line Items data reference, element for element (the server
#: also sends ``id``; the older server shape has no ``updated_at``).
INVOICE_LINE_ITEM = Resource(
    "invoice_line_item",
    "invoice_line_items",
    _fields("""
        description
        flat_fee financial
        invoice_id
        invoice_schedule_id
        is_taxable boolean
        markup_percentage financial
        price_per financial
        quantity
        rank
        title
        total financial read_only
        updated_at read_only
    """),
)

#: The Invoice Payments data reference: how much of which payment went to which invoice.
INVOICE_PAYMENT = Resource(
    "invoice_payment",
    "invoice_payments",
    _fields("""
        invoice_id
        payment_id
        amount financial
        updated_at read_only
    """),
)

#: The Payments data reference as far as it is known (up to ``person_id``),
#: then ``transaction_id`` (the server's and the Ruby client's, alphabetical
#: after it); the payments themselves, with their dates (``created_on``).
#: The older server shape's ``estimate_id`` is not in the reference: kept.
PAYMENT = Resource(
    "payment",
    "payments",
    _fields("""
        amount financial
        assigned_id
        client_id
        client_type
        comments_count read_only
        created_on
        document_template_id
        notes
        person_id
        transaction_id
    """),
    extra=("id", "estimate_id"),
)

#: The account: its ``currency_type_code`` is every document's currency. Its
#: reference is known only in part, so any element is accepted (read only).
ACCOUNT = Resource(
    "account",
    "accounts",
    _fields("""
        created_at read_only
        currency_type_code
        currency_symbol read_only
        date_format
        expenses_billable boolean
        is_disabled read_only boolean
    """),
    open=True,
)

#: An estimate as the server returns it (no data reference is known): its
#: lines are ``line_item`` resources naming it by ``estimate_id``.
ESTIMATE = Resource(
    "estimate",
    "estimates",
    _fields("""
        assigned_id
        agreement_text
        client_id
        client_type
        created_on
        deposit_amount financial
        discount_percentage financial
        document_template_id
        has_been_sent boolean
        intro_text
        is_active read_only boolean
        name
        requires_agreement boolean
        sales_tax financial
        sales_tax_2 financial
        sales_tax_2_cumulative financial boolean
        discount_best financial read_only
        discount_worst financial read_only
        item_actual_best financial read_only
        item_actual_worst financial read_only
        item_cost_best financial read_only
        item_cost_worst financial read_only
        item_profit_best financial read_only
        item_profit_worst financial read_only
        item_taxable_best financial read_only
        item_taxable_worst financial read_only
        price_best financial read_only
        price_worst financial read_only
        tax_cost_best financial read_only
        tax_cost_worst financial read_only
        tax_cost_2_best financial read_only
        tax_cost_2_worst financial read_only
        time_best read_only
        time_worst read_only
    """),
)

#: The Line Items data reference of the API documentation, element for element.
LINE_ITEM = Resource(
    "line_item",
    "line_items",
    _fields("""
        comments_count read_only
        created_on
        description
        due_date
        estimate_id
        flat_fee financial
        invoice_line_items_count read_only
        is_complete boolean
        is_taxable financial boolean
        label_code
        markup_percentage financial
        person_id
        price_actual financial read_only
        price_per financial
        project_id
        project_list_id
        project_list_title
        quantity_low
        quantity_high
        rank
        time_entry_minutes read_only
        title
        type_code
        unit_label
        updated_at read_only
    """),
    extra=("id", "best_time_in_minutes", "worst_time_in_minutes"),
)

_RESOURCES = {
    r.tag: r
    for r in (INVOICE, INVOICE_LINE_ITEM, INVOICE_PAYMENT, PAYMENT, LINE_ITEM, ACCOUNT, ESTIMATE)
}
_ARRAYS = {r.plural: r for r in _RESOURCES.values()}
_SURROGATE = re.compile("[\ud800-\udfff]")


# -- writing ------------------------------------------------------------------


@attrs.frozen
class Written:
    """One record to write: its links and its elements in order (``None``: empty)."""

    resource: Resource
    links: tuple[tuple[str, str], ...]
    values: tuple[tuple[Field, str | None], ...]


def render(
    resource: Resource,
    records: Sequence[Written],
    *,
    form: Form,
    array: bool,
    financial: bool,
) -> str:
    """The document: one record, or an array (``<invoices type="array">``)."""
    if not array and len(records) != 1:
        raise InvalidValueError("array", len(records), "one document needs exactly one record")
    if form == "json":
        items = [_json_record(record, financial) for record in records]
        payload = {resource.plural: items} if array else {resource.tag: items[0]}
        return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    if form != "xml":
        raise InvalidValueError("form", form, "must be xml or json")
    lines = ['<?xml version="1.0" encoding="UTF-8"?>']
    if array:
        lines.append(f'<{resource.plural} type="array">')
    for record in records:
        lines.extend(_xml_record(record, "  " if array else "", financial))
    if array:
        lines.append(f"</{resource.plural}>")
    return "\n".join(lines) + "\n"


def _xml_record(record: Written, indent: str, financial: bool) -> Iterator[str]:
    inner = indent + "  "
    yield f"{indent}<{record.resource.tag}>"
    for rel, href in record.links:
        yield f"{inner}<link{attribute('rel', rel)}{attribute('href', href)}/>"
    for field, text in record.values:
        if financial or not field.financial:
            yield element(field.tag, text, field.attributes, inner)
    yield f"{indent}</{record.resource.tag}>"


def _json_text(text: str, field: str) -> str:
    match = _SURROGATE.search(text)
    if match:
        raise InvalidValueError(field, text, f"holds {match.group()!r}, which UTF-8 cannot carry")
    return text


def _json_record(record: Written, financial: bool) -> dict[str, Any]:
    result: dict[str, Any] = {}
    if record.links:
        result["links"] = {rel: _json_text(href, "href") for rel, href in record.links}
    for field, text in record.values:
        if not financial and field.financial:
            continue
        if text is not None and field.boolean and text in ("true", "false"):
            result[field.tag] = text == "true"
        else:
            result[field.tag] = None if text is None else _json_text(text, field.tag)
    return result


# -- reading ------------------------------------------------------------------


class Raw:
    """One record as read: its elements' text (``""`` when empty) and its links."""

    __slots__ = ("links", "path", "resource", "values")

    def __init__(
        self,
        resource: Resource,
        path: str,
        values: dict[str, str],
        links: tuple[tuple[str, str], ...],
    ) -> None:
        self.resource = resource
        self.path = path
        self.values = values
        self.links = links

    def field(self, tag: str) -> str:
        """The path of one element, for errors: ``invoice[2].sales_tax``."""
        return f"{self.path}.{tag}"

    def has(self, tag: str) -> bool:
        return tag in self.values

    def raw(self, tag: str) -> str | None:
        """The element's text as written (``None`` when the element is missing)."""
        return self.values.get(tag)

    def text(self, tag: str) -> str | None:
        """The element's text stripped; ``None`` when missing or empty."""
        value = self.values.get(tag)
        if value is None:
            return None
        return value.strip() or None


Parsed = tuple[Resource, bool, list[Raw]]


def parse_document(data: bytes | str, source: str) -> Parsed:
    """A Cashboard document (XML or JSON): the kind of record, whether an array, the records.

    An ``<errors>`` document becomes a :class:`~invoicecalc.errors.VendorError`.
    """
    head = data.lstrip()[:1] if isinstance(data, str) else data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head in ("{", "[", b"{", b"["):
        return _parse_json(data, source)
    return _parse_xml(parse_xml(data, source), source)


def _kind(tag: str, source: str) -> tuple[Resource, bool]:
    if tag in _ARRAYS:
        return _ARRAYS[tag], True
    if tag in _RESOURCES:
        return _RESOURCES[tag], False
    shown = tag if len(tag) <= 60 else tag[:60] + "..."
    raise ParseError(source, f"<{shown}> is not a Cashboard document read here (known: {_known()})")


def _known() -> str:
    """The documents read here, by their root element (or JSON key)."""
    return ", ".join(sorted(r.tag if r is ACCOUNT else r.plural for r in _RESOURCES.values()))


def _parse_xml(root: ET.Element, source: str) -> Parsed:
    if root.tag == "errors":
        messages = [(e.get("field") or "", "".join(e.itertext()).strip()) for e in root]
        raise _vendor_error(messages)
    resource, array = _kind(root.tag, source)
    if not array:
        return resource, False, [_xml_raw(root, resource, resource.tag)]
    records = []
    for index, child in enumerate(root):
        if child.tag != resource.tag:
            raise InvalidValueError(
                f"{resource.plural}[{index}]", child.tag, f"must be a <{resource.tag}> element"
            )
        records.append(_xml_raw(child, resource, f"{resource.tag}[{index}]"))
    return resource, True, records


def _xml_raw(node: ET.Element, resource: Resource, path: str) -> Raw:
    values: dict[str, str] = {}
    links = []
    for child in node:
        if child.tag == "link":
            rel, href = child.get("rel"), child.get("href")
            if rel is None or href is None:
                raise InvalidValueError(f"{path}.link", child.attrib, "needs rel and href")
            links.append((rel, href))
            continue
        _check_tag(resource, path, child.tag, values)
        if resource.open and child.tag not in resource.known:
            values[child.tag] = ""  # accepted, not read (it may hold elements)
            continue
        if len(child):
            raise InvalidValueError(
                f"{path}.{child.tag}", child.tag, "must hold text, not elements"
            )
        values[child.tag] = child.text or ""
    return Raw(resource, path, values, tuple(links))


def _check_tag(resource: Resource, path: str, tag: str, seen: dict[str, str]) -> None:
    if tag not in resource.known and not resource.open:
        raise InvalidValueError(
            f"{path}.{tag}", tag, f"is not an element of a Cashboard {resource.tag}"
        )
    if tag in seen:
        raise InvalidValueError(f"{path}.{tag}", tag, "appears twice")


def _parse_json(data: bytes | str, source: str) -> Parsed:
    value = parse_json(data)
    if isinstance(value, dict) and list(value) == ["errors"] and isinstance(value["errors"], list):
        errors = value["errors"]
        raise _vendor_error(
            [
                (str(e.get("field", "")), str(e.get("message", "")))
                for e in errors
                if isinstance(e, dict)
            ]
        )
    if not isinstance(value, dict) or len(value) != 1:
        if isinstance(value, dict):
            found = f"it has {len(value)} keys" if value else "it has no key"
        else:
            found = f"it is a JSON {_json_kind(value)}"
        raise ParseError(
            source,
            "must be a JSON object with one key, the record or the array of a Cashboard "
            f"document (known: {_known()}); {found}",
        )
    ((tag, body),) = value.items()
    resource, array = _kind(tag, source)
    if not array:
        return resource, False, [_json_raw(body, resource, tag)]
    if not isinstance(body, list):
        raise InvalidTypeError(tag, body, "must be a JSON array")
    records = [
        _json_raw(item, resource, f"{resource.tag}[{index}]") for index, item in enumerate(body)
    ]
    return resource, True, records


def _json_kind(value: object) -> str:
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    return "null" if value is None else "number"


def _json_raw(body: object, resource: Resource, path: str) -> Raw:
    if not isinstance(body, dict):
        raise InvalidTypeError(path, body, "must be a JSON object")
    values: dict[str, str] = {}
    links: list[tuple[str, str]] = []
    for tag, item in body.items():
        if tag == "links":
            if not isinstance(item, dict) or not all(isinstance(h, str) for h in item.values()):
                raise InvalidTypeError(f"{path}.links", item, "must map each rel to an href")
            links.extend(item.items())
            continue
        _check_tag(resource, path, tag, values)
        if resource.open and tag not in resource.known:
            values[tag] = ""  # accepted, not read
            continue
        if item is None:
            values[tag] = ""
        elif isinstance(item, bool):
            values[tag] = "true" if item else "false"
        elif isinstance(item, str):
            values[tag] = item
        elif isinstance(item, int | Decimal):  # parse_json never gives a float
            values[tag] = str(item)
        else:
            raise InvalidTypeError(f"{path}.{tag}", item, "must be text, a number, a bool or null")
    return Raw(resource, path, values, tuple(links))


def _vendor_error(messages: Sequence[tuple[str, str]]) -> VendorError:
    text = "; ".join(f"{field}: {message}" if field else message for field, message in messages)
    return VendorError("Cashboard", text or "an empty error document")
