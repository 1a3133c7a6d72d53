"""The invoice formats of three services, one subpackage each (docs/vendors.md).

- :mod:`invoicecalc.vendors.cashboard`: Cashboard's XML and JSON documents.
- :mod:`invoicecalc.vendors.freshbooks`: FreshBooks' classic API 2.1 XML.
- :mod:`invoicecalc.vendors.kashoo`: Kashoo / TrulySmall JSON records.

Each writes the engine's totals exactly or refuses, naming the concept it
cannot express, and reads a vendor's document back with the totals it states.
"""
