"""The invoice formats of three services, one subpackage each (docs/vendors.md).

- :mod:`invoicecalc.vendors.cashboard`: Cashboard's XML and JSON documents.
- :mod:`invoicecalc.vendors.freshbooks`: FreshBooks' classic API 2.1 XML.
- :mod:`invoicecalc.vendors.kashoo`: Kashoo / TrulySmall JSON records.

Each writes the engine's totals exactly or refuses, naming the concept it
cannot express, and reads a vendor's document back with the totals it states.
"""

#: The vendors whose documents may not state their currency (Cashboard's invoice,
#: FreshBooks'), so a reader of theirs is told it: ``--currency``, ``?currency=``.
CURRENCY_GIVEN = frozenset({"cashboard", "freshbooks"})
#: The vendors that spread one invoice over several documents (Cashboard's invoices,
#: lines and payments; FreshBooks' invoice and payment lists), read together.
READ_TOGETHER = frozenset({"cashboard", "freshbooks"})
