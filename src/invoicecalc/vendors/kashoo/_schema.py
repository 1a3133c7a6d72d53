"""Kashoo record field names: the one place the schema is spelled out.

Kashoo's API document lists the fields of the invoice record ("Add an invoice
to a business") and of the invoice-payment record, but names neither the
arrays inside them (tax entries, tax amounts, line items) nor the shape of a
line or a date. The names marked *chosen* below are invoicecalc's choice
(documented in ``docs/vendors.md``); to follow a different schema, change
them here and nowhere else. Each class lists its keys in the order they are
written (the invoice record in the order of Kashoo's own field list).
"""

from __future__ import annotations

from functools import cache

import attrs

__all__ = [
    "INT64_MAX",
    "INT64_MIN",
    "INVOICE",
    "INVOICE_IGNORED",
    "INVOICE_TYPE",
    "LINE",
    "LINE_IGNORED",
    "PAYMENT",
    "PAYMENT_IGNORED",
    "PAYMENT_TYPE",
    "TAX",
    "TAX_AMOUNT",
    "TAX_IGNORED",
    "Keys",
    "keys_in_order",
]

#: Kashoo amounts are ``integer <int64>``: minor units in a signed 64-bit range.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

INVOICE_TYPE = "INVOICE"
PAYMENT_TYPE = "INVOICE_PAYMENT"


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
    lines: str = "lineItems"  # chosen: the LineItemInfo array
    payments: str = "invoicePayments"  # chosen: INVOICE_PAYMENT records nested in the invoice
    # Read, never written: must be false or zero, else a total would change silently.
    removed: str = "removed"
    paid_invoice: str = "paidInvoice"
    total_paid_immediately: str = "totalPaidImmediately"


@attrs.frozen
class LineKeys:
    """One line item (all chosen: the document gives no LineItemInfo schema)."""

    name: str = "name"
    description: str = "description"
    kind: str = "kind"
    quantity: str = "quantity"
    quantity_low: str = "quantityLow"
    quantity_high: str = "quantityHigh"
    rate: str = "rate"
    amount: str = "amount"
    taxes: str = "taxes"


@attrs.frozen
class TaxKeys:
    """One entry of the invoice's tax list (chosen)."""

    name: str = "name"
    rate: str = "rate"
    compound: str = "compound"


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
    # Read, never written: must be false, zero or empty.
    removed: str = "removed"
    unallocated_amount: str = "unallocatedAmount"
    allocations: str = "allocations"


INVOICE = InvoiceKeys()
LINE = LineKeys()
TAX = TaxKeys()
TAX_AMOUNT = TaxAmountKeys()
PAYMENT = PaymentKeys()

#: Record fields Kashoo documents that change no total (ids, links, bookkeeping
#: flags, derived values): accepted on reading and left out of the invoice.
INVOICE_IGNORED = frozenset(
    {
        "id", "business", "description", "contact", "account", "collaborationContext",
        "contactName", "readOnly", "project", "projectName", "creation", "lastModified",
        "inboxReference", "exchangePayment", "keepInOriginalCurrency", "totalPaidLater",
        "income", "foreignCurrency", "attachments", "allowZeroAmounts", "links",
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
Keys = InvoiceKeys | LineKeys | TaxKeys | TaxAmountKeys | PaymentKeys


@cache
def keys_in_order(keys: Keys) -> tuple[tuple[str, str], ...]:
    """``(attribute, key)`` pairs of a keys class instance, in writing order."""
    return tuple((field.name, getattr(keys, field.name)) for field in attrs.fields(type(keys)))
