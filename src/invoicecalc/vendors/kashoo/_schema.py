"""Kashoo record field names: the one place the schema is spelled out.

Kashoo's API document lists the fields of the invoice record ("Add an invoice
to a business") and of the invoice-payment record, but names neither the
arrays inside them (tax entries, tax amounts) nor the shape of a date. A real
client's request bodies (kashoo-php's ``test.php``) add ``lineItems`` with
``account``, ``quantity``, ``rate`` and ``taxCode``, the lower-case record
types (``"invoice"``, ``"billPayment"``) and payment ``allocations`` of
``amount`` and ``record``. The names marked *chosen* below are invoicecalc's
choice (documented in ``docs/vendors.md``); to follow a different schema,
change them here and nowhere else. Each class lists its keys in the order
they are written (the invoice record in the order of Kashoo's own field
list).
"""

from __future__ import annotations

from functools import cache

import attrs

__all__ = [
    "ALLOCATION",
    "INT64_MAX",
    "INT64_MIN",
    "INVOICE",
    "INVOICE_IGNORED",
    "INVOICE_TYPE",
    "INVOICE_TYPES",
    "LINE",
    "LINE_IGNORED",
    "OTHER_TYPES",
    "PAYMENT",
    "PAYMENT_IGNORED",
    "PAYMENT_TYPE",
    "PAYMENT_TYPES",
    "TAX",
    "TAX_AMOUNT",
    "TAX_CODE_SEPARATOR",
    "TAX_IGNORED",
    "Keys",
    "keys_in_order",
]

#: Kashoo amounts are ``integer <int64>``: minor units in a signed 64-bit range.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

#: Record types as Kashoo's API document spells them (the ``type`` enum); written so.
INVOICE_TYPE = "INVOICE"
PAYMENT_TYPE = "INVOICE_PAYMENT"
#: Every spelling read for each: the enum and the lower camel case real clients post
#: (kashoo-php posts ``"invoice"``, ``"bill"`` and ``"billPayment"``).
INVOICE_TYPES = frozenset({"INVOICE", "invoice"})
PAYMENT_TYPES = frozenset({"INVOICE_PAYMENT", "invoicePayment"})
#: Record types that are not sales invoices or their payments, with the reason each is refused.
OTHER_TYPES = {
    "BILL": "a bill is a purchase from a vendor, not an invoice",
    "bill": "a bill is a purchase from a vendor, not an invoice",
    "BILL_PAYMENT": "a bill payment pays a bill (a purchase), not an invoice",
    "billPayment": "a bill payment pays a bill (a purchase), not an invoice",
}
#: A line's ``taxCode`` for several taxes: their names joined by this (chosen).
TAX_CODE_SEPARATOR = "+"


@attrs.frozen
class InvoiceKeys:
    """The invoice record (``type: "INVOICE"``)."""

    memo: str = "memo"
    exchange_rate: str = "exchangeRate"
    currency: str = "currency"
    date: str = "date"  # chosen: the record's first TransferDate, YYYY-MM-DD
    number: str = "number"
    home_currency: str = "homeCurrency"
    terms: str = "terms"
    due_date: str = "dueDate"  # chosen: the TransferDate after terms
    po_number: str = "poNumber"
    taxes: str = "taxes"  # chosen: the LegacyTaxEntryInfo array
    total_due: str = "totalDue"
    balance_due: str = "balanceDue"
    paid: str = "paid"
    balance_due_formatted: str = "balanceDueFormatted"
    total_due_formatted: str = "totalDueFormatted"
    total_before_taxes: str = "totalBeforeTaxes"
    tax_amounts: str = "taxAmounts"  # chosen: the RecordTaxAmount array
    total_local_due: str = "totalLocalDue"
    type: str = "type"
    total_paid: str = "totalPaid"
    lines: str = "lineItems"  # real (kashoo-php): the LineItemInfo array
    payments: str = "invoicePayments"  # chosen: INVOICE_PAYMENT records nested in the invoice
    # Read, never written: the record's id, which payment allocations name.
    id: str = "id"
    # Read, never written: must be false or zero, else a total would change silently.
    removed: str = "removed"
    paid_invoice: str = "paidInvoice"
    total_paid_immediately: str = "totalPaidImmediately"
    # Read, never written: what was paid after posting, the payment total (the above is 0).
    total_paid_later: str = "totalPaidLater"


@attrs.frozen
class LineKeys:
    """One line item: ``quantity``, ``rate`` and ``taxCode`` are real (kashoo-php's
    request body), the rest chosen (the document gives no LineItemInfo schema)."""

    name: str = "name"  # chosen
    description: str = "description"  # chosen
    kind: str = "kind"  # chosen
    quantity: str = "quantity"
    quantity_low: str = "quantityLow"  # chosen
    quantity_high: str = "quantityHigh"  # chosen
    rate: str = "rate"  # real name; major units is our reading
    amount: str = "amount"  # chosen
    tax_code: str = "taxCode"  # real name; "" or tax names joined by "+" is our encoding


@attrs.frozen
class TaxKeys:
    """One entry of the invoice's tax list (chosen)."""

    name: str = "name"
    rate: str = "rate"  # percent; negative for a withholding tax
    compound: str = "compound"  # true, or a list of earlier tax names


@attrs.frozen
class TaxAmountKeys:
    """One entry of the invoice's tax amounts (chosen)."""

    name: str = "name"
    amount: str = "amount"


@attrs.frozen
class PaymentKeys:
    """The invoice-payment record (``type: "INVOICE_PAYMENT"``)."""

    memo: str = "memo"
    currency: str = "currency"
    date: str = "date"
    amount: str = "amount"
    type: str = "type"
    # Read, never written: must be false; the other two say which invoices it pays.
    removed: str = "removed"
    unallocated_amount: str = "unallocatedAmount"
    allocations: str = "allocations"


@attrs.frozen
class AllocationKeys:
    """One allocation of a payment (real: kashoo-php's ``billPayment`` body)."""

    amount: str = "amount"
    record: str = "record"


INVOICE = InvoiceKeys()
LINE = LineKeys()
TAX = TaxKeys()
TAX_AMOUNT = TaxAmountKeys()
PAYMENT = PaymentKeys()
ALLOCATION = AllocationKeys()

#: Record fields Kashoo documents that change no total (ids, links, bookkeeping
#: flags, derived values): accepted on reading and left out of the invoice.
INVOICE_IGNORED = frozenset(
    {
        "business", "description", "contact", "account", "collaborationContext",
        "contactName", "readOnly", "project", "projectName", "creation", "lastModified",
        "inboxReference", "exchangePayment", "keepInOriginalCurrency", "income",
        "foreignCurrency", "attachments", "allowZeroAmounts", "links",
    }
)  # fmt: skip
PAYMENT_IGNORED = frozenset(
    {
        "id", "business", "description", "exchangeRate", "contact", "account",
        "collaborationContext", "number", "contactName", "readOnly", "homeCurrency",
        "project", "projectName", "creation", "lastModified", "inboxReference",
        "creditAccount", "method", "byCheck", "foreignCurrency", "attachments",
        "allowZeroAmounts", "links",
    }
)  # fmt: skip
LINE_IGNORED = frozenset({"id", "account"})
TAX_IGNORED = frozenset({"id"})


#: Any one of the key tables above.
Keys = InvoiceKeys | LineKeys | TaxKeys | TaxAmountKeys | PaymentKeys | AllocationKeys


@cache
def keys_in_order(keys: Keys) -> tuple[tuple[str, str], ...]:
    """``(attribute, key)`` pairs of a keys class instance, in writing order."""
    return tuple((field.name, getattr(keys, field.name)) for field in attrs.fields(type(keys)))
