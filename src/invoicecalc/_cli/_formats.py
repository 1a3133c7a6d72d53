"""The formats ``invoicecalc`` reads (``--input``) and writes (``--output``).

Each format is one entry in :data:`READERS` or :data:`WRITERS`: a reader turns
every file given into the invoices they hold; a writer turns the results into
the text printed. The vendor entries adapt ``invoicecalc.vendors.*`` to that
shape and to the command's options (:class:`Output`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any

import attrs
from babel import Locale, UnknownLocaleError

from .. import _batch as batch
from .. import document
from .._calculate import Totals
from .._documents import Document, Entry
from .._money import Currency
from .._recurring import Frequency
from ..errors import InvalidValueError, InvoiceCalcError, UnsupportedError
from ..vendors import CURRENCY_GIVEN, cashboard, freshbooks, kashoo

__all__ = [
    "FREE_TEXT_TERMS",
    "OPTION_READERS",
    "READERS",
    "WRITERS",
    "Output",
    "ReadOptions",
    "Refused",
    "Template",
    "TextBlocks",
    "check_locale",
    "currency_applies",
    "currency_option",
    "money_formatter",
    "naming",
    "per_file",
    "read_templates",
    "reader_for",
    "refuse_first",
]


@attrs.frozen
class Output:
    """What a writer is given besides the results (from the command's options)."""

    locale: str = "en_US"
    array: bool = False
    financial: bool = True  # False: Cashboard's employee view
    base_url: str | None = None  # Cashboard links
    home_currency: str | None = None  # Kashoo totalLocalDue
    exchange_rate: Decimal | None = None


class Refused(Exception):
    """Input the command refuses; its message is the one line printed.

    ``report`` is the refusal as ``--errors json`` writes it (``source``,
    ``index``, ``id``, ``number``, ``field``, ``value``, ``problem``). A refusal
    of the input carries its ``error`` and the ``source`` it came from; one of
    the command's options has none, and is written with its message as the
    problem.
    """

    def __init__(
        self,
        message: str,
        *,
        error: InvoiceCalcError | None = None,
        source: str | None = None,
        index: int | None = None,
        report: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.error, self.source, self.index = error, source, index
        if report is None and error is not None:
            report = batch.report(error, source=source, index=index)
        self.report = report or {
            "source": None,
            "index": None,
            "id": None,
            "number": None,
            "field": "",
            "value": None,
            "problem": message,
        }


@contextlib.contextmanager
def naming(source: str, index: int | None = None) -> Iterator[None]:
    """Turn a refusal inside into one line that names ``source`` (a file) and, for an
    invoice of an array, its ``index``."""
    try:
        yield
    except InvoiceCalcError as exc:
        raise Refused(
            f"{source}: {exc if index is None else exc.within(f'[{index}]')}",
            error=exc,
            source=source,
            index=index,
        ) from None


def refuse_first(documents: Sequence[tuple[str, Document]]) -> None:
    """Refuse the first invoice a reader asked to ``keep_going`` refused, named as
    ``preview`` names it: its place in its document's array, its id and its number
    (a reader that stops at it names only the field)."""
    for name, held in documents:
        if not held.refused:
            continue
        found = min(held.refused, key=lambda refused: refused.place)
        source = found.source or name
        index = found.place if held.array else None
        raise Refused(
            f"{source}: {found.error}",
            error=found.error,
            source=source,
            index=index,
            report=batch.report(
                found.error, source=source, index=index, id=found.id, number=found.number
            ),
        )


def currency_option(code: str) -> Currency:
    """``--currency``, refused as an option is (no file, no invoice: with ``--keep-going``
    too it ends the command rather than standing in an invoice's place)."""
    try:
        return Currency(code)
    except InvoiceCalcError as exc:
        raise Refused(f"--currency: {exc}") from None


def check_locale(locale: str) -> None:
    """Refuse a ``--locale`` babel does not know, before anything is read."""
    try:
        Locale.parse(locale)
    except (UnknownLocaleError, ValueError, TypeError):
        error = InvalidValueError("--locale", locale, "is not a locale babel knows")
        raise Refused(str(error)) from None


Sources = Sequence[tuple[str, bytes]]
Reader = Callable[[Sources], list[tuple[str, Document]]]


def per_file(read: Callable[[bytes], Document]) -> Reader:
    """A reader of every file given from a reader of one file."""

    def read_all(sources: Sources) -> list[tuple[str, Document]]:
        documents = []
        for name, data in sources:
            with naming(name):
                documents.append((name, read(data)))
        return documents

    return read_all


#: ``--input`` formats: every file given (name, bytes) to the invoices they hold,
#: grouped by the file named in errors. A format whose invoice is spread over
#: several files (Cashboard) reads them together.
READERS: dict[str, Reader] = {"json": per_file(document.read)}

Results = Sequence[tuple[Entry, Totals]]


def _write_json(results: Results, output: Output) -> str:
    return document.dumps(
        [totals for _, totals in results],
        array=output.array,
        indent=2,
        entries=[entry for entry, _ in results],
    )


Row = tuple[str, str]


def _line_rows(entry: Entry, totals: Totals, money: Callable[[int], str]) -> list[Row]:
    """Each line's amount and, under it, its own discount when it has one."""
    rows = []
    for number, (line, amounts) in enumerate(zip(entry.invoice.lines, totals.lines, strict=True)):
        rows.append((f"  {number + 1}. {line.title or line.kind.value}", money(amounts.actual)))
        if line.discount_percentage:
            rows.append(
                (f"     Discount ({line.discount_percentage:f}%)", money(-amounts.discount))
            )
        elif line.discount_amount:
            rows.append(("     Discount", money(-amounts.discount)))
    return rows


def _summary_rows(entry: Entry, totals: Totals, money: Callable[[int], str]) -> list[Row]:
    """The invoice's amounts, each shown when it is used; a zero nothing asked for is left out."""
    invoice = entry.invoice
    rows: list[Row] = []
    if totals.item_profit or any(line.markup_percentage for line in invoice.lines):
        rows += [
            ("Item cost", money(totals.item_cost)),
            ("Markup (profit)", money(totals.item_profit)),
        ]
    rows.append(("Items", money(totals.item_actual)))
    if invoice.taxes:
        rows.append(("Taxable items", money(totals.item_taxable)))
    if totals.line_discount or any(
        line.discount_percentage or line.discount_amount for line in invoice.lines
    ):
        rows.append(("Line discounts", money(-totals.line_discount)))
    percentage_part = totals.discount - invoice.discount_amount
    if totals.discount_percentage or percentage_part:
        rows.append((f"Discount ({totals.discount_percentage:f}%)", money(-percentage_part)))
    if invoice.discount_amount:
        rows.append(("Discount amount", money(-invoice.discount_amount)))
    if totals.subtotal != totals.item_actual or invoice.taxes or invoice.cash_rounding:
        rows.append(("Subtotal", money(totals.subtotal)))
    for tax in totals.taxes:
        withheld = ", withheld" if tax.withholding else ""
        rows.append(
            (f"{tax.name} ({tax.rate:f}%{withheld}) on {money(tax.base)}", money(tax.amount))
        )
    if invoice.cash_rounding is not None:
        increment = money(invoice.cash_rounding.increment)
        rows.append((f"Cash rounding (to {increment})", money(totals.cash_rounding)))
    if invoice.late_percentage or totals.late_fee:
        rows.append(("Late fees", money(totals.late_fee)))
    rows.append(("Total", money(totals.total)))
    if invoice.payments:
        rows.append(("Payments", money(-totals.payment_total)))
    rows += [
        ("Balance", money(totals.balance)),
        ("Paid", "yes" if totals.has_been_paid else "no"),
    ]
    return rows


def _home_rows(entry: Entry, totals: Totals, locale: str) -> list[Row]:
    """The amounts in the home currency, each converted on its own."""
    home, given = totals.home, entry.invoice.home_currency
    if home is None or given is None:
        return []

    def local(minor: int) -> str:
        return home.currency.format(minor, locale=locale)

    rows = [
        ("Home currency", f"{home.currency.code} at {given.rate:f} per {totals.currency.code}"),
        ("  Subtotal", local(home.subtotal)),
    ]
    rows += [
        (f"  {tax.name}", local(amount))
        for tax, amount in zip(totals.taxes, home.tax_amounts, strict=True)
    ]
    if len(home.tax_amounts) > 1:
        rows.append(("  Taxes", local(home.tax_total)))
    rows += [("  Total", local(home.total)), ("  Balance", local(home.balance))]
    return rows


def _text_block(index: int, entry: Entry, totals: Totals, locale: str) -> str:
    """One invoice's summary; ``index`` (from 0) titles an invoice without a number."""
    money = money_formatter(totals, locale)
    invoice = entry.invoice
    title = f"Invoice {invoice.number}" if invoice.number else f"Invoice {index + 1}"
    rows = [
        (f"{title} ({totals.currency.code})", f"as of {totals.as_of.isoformat()}"),
        ("Invoice date", invoice.invoice_date.isoformat()),
        ("Due date", invoice.due_date.isoformat()),
    ]
    if invoice.tax_inclusive:
        rows.append(("Prices", "include tax"))
    rows += _line_rows(entry, totals, money)
    rows += _summary_rows(entry, totals, money)
    rows += _home_rows(entry, totals, locale)
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"{label:<{width}}  {value}" for label, value in rows)


def _write_text(results: Results, output: Output) -> str:
    return "\n\n".join(
        _text_block(index, entry, totals, output.locale)
        for index, (entry, totals) in enumerate(results)
    )


@attrs.frozen
class TextBlocks:
    """``--output text`` a block at a time (a ``--keep-going`` batch); a refused
    invoice's block says why."""

    locale: str = "en_US"

    @property
    def layout(self) -> batch.Layout:
        return batch.Layout(between="\n\n", empty="\n")

    def result(self, index: int, entry: Entry, totals: Totals) -> str:
        return _text_block(index, entry, totals, self.locale)

    def refusal(self, refusal: batch.Refusal) -> str:
        title = f"Invoice {refusal.number}" if refusal.number else f"Invoice {refusal.index + 1}"
        return f"{title}  refused: {refusal.message()}"


def money_formatter(totals: Totals, locale: str) -> Callable[[int], str]:
    currency = totals.currency

    def money(minor: int) -> str:
        return currency.format(minor, locale=locale)

    return money


#: ``--output`` formats: results to the text printed.
WRITERS: dict[str, Callable[[Results, Output], str]] = {"text": _write_text, "json": _write_json}


def _write_kashoo(results: Results, output: Output) -> str:
    """Kashoo invoice records; ``--home-currency`` and ``--exchange-rate`` go together."""
    home, rate = output.home_currency, output.exchange_rate
    if rate is None and home is not None:
        raise InvalidValueError("--home-currency", home, "needs --exchange-rate")
    if home is None and rate is not None:
        raise InvalidValueError("--exchange-rate", f"{rate:f}", "needs --home-currency")
    try:
        exchange = None if home is None else kashoo.Exchange.parse(home, rate)
        return kashoo.write(results, array=output.array, locale=output.locale, exchange=exchange)
    except InvoiceCalcError as exc:
        if exc.field not in ("home_currency", "exchange_rate"):
            raise
        option = "--" + exc.field.replace("_", "-")
        raise InvalidValueError(option, exc.value, exc.problem) from None


WRITERS["kashoo-json"] = _write_kashoo


@attrs.frozen
class ReadOptions:
    """What a command tells a reader besides the files: ``--currency``, ``--as-of``, itself."""

    currency: str | None = None
    as_of: dt.date | None = None
    command: str = "preview"
    keep_going: bool = False  # refused invoices in Document.refused (see refuse_first)


#: Readers whose reading depends on the command's options (:func:`reader_for`):
#: every vendor's needs ``--keep-going``; Cashboard's
#: the currency too, whether an ``--as-of`` is asked for (undated payments) and
#: the command (estimates); FreshBooks' the currency (the base currency).
OPTION_READERS: dict[str, Callable[[ReadOptions], Reader]] = {
    "kashoo": lambda options: (
        lambda sources: kashoo.read_files(sources, naming=naming, keep_going=options.keep_going)
    ),
}
READERS["kashoo"] = OPTION_READERS["kashoo"](ReadOptions())


def _cashboard_reader(options: ReadOptions) -> Reader:
    """Invoices, line items, invoice payments, payments and account documents, read
    together (``estimate``: estimates and line items too). The currency is the account
    document's, else ``--currency``; without either the read is refused."""

    def read_all(sources: Sources) -> list[tuple[str, Document]]:
        currency = None
        if options.currency is not None:
            currency = currency_option(options.currency)
        try:
            documents = cashboard.read_files(
                sources,
                currency=currency,
                as_of=options.as_of,
                # Without --as-of the totals stand today.
                today=dt.date.today() if options.as_of is None else None,
                schedule=options.command == "schedule",
                estimates=options.command == "estimate",
                naming=naming,
                keep_going=options.keep_going,
            )
        except InvoiceCalcError as exc:
            if exc.field != "currency":
                raise
            raise Refused(
                "--currency: Cashboard's documents do not state their currency (it is the "
                "account's): give the account document (account.xml) or --currency CODE"
            ) from None
        return documents

    return read_all


def _cashboard_invoices(form: cashboard.Form) -> Callable[[Results, Output], str]:
    def write(results: Results, output: Output) -> str:
        return cashboard.write(
            results,
            array=output.array,
            form=form,
            financial=output.financial,
            base_url=output.base_url,
        )

    return write


def _cashboard_array(write: Callable[..., str]) -> Callable[[Results, Output], str]:
    def run(results: Results, output: Output) -> str:
        return write(results, financial=output.financial, base_url=output.base_url)

    return run


READERS["cashboard"] = _cashboard_reader(ReadOptions())
OPTION_READERS["cashboard"] = _cashboard_reader
WRITERS["cashboard-xml"] = _cashboard_invoices("xml")
WRITERS["cashboard-json"] = _cashboard_invoices("json")
WRITERS["cashboard-lines-xml"] = _cashboard_array(cashboard.write_invoice_lines)
WRITERS["cashboard-payments-xml"] = _cashboard_array(cashboard.write_invoice_payments)
WRITERS["cashboard-payment-resources-xml"] = _cashboard_array(cashboard.write_payments)


def _write_freshbooks(results: Results, output: Output) -> str:
    """FreshBooks' invoice.get response; invoice.list for several invoices."""
    return freshbooks.write(results, array=output.array)


def _write_freshbooks_create(results: Results, output: Output) -> str:
    """FreshBooks' invoice.create request: one invoice per request."""
    if output.array:
        raise UnsupportedError(
            "invoices", "FreshBooks creates one invoice per request: give one", len(results)
        )
    ((entry, totals),) = results
    return freshbooks.invoice_create_request(entry.invoice, as_of=totals.as_of)


def _freshbooks_reader(options: ReadOptions) -> Reader:
    """Invoices (and estimates) read with the account's tax lists given beside them;
    ``--currency`` is the account's base currency, which FreshBooks leaves out."""
    code = options.currency

    def read_all(sources: Sources) -> list[tuple[str, Document]]:
        if code is not None:
            currency_option(code)
        return freshbooks.read_files(
            sources, base_currency=code, naming=naming, keep_going=options.keep_going
        )

    return read_all


READERS["freshbooks"] = _freshbooks_reader(ReadOptions())
OPTION_READERS["freshbooks"] = _freshbooks_reader


def currency_applies(fmt: str, currency: str | None) -> None:
    """Refuse ``--currency`` for an ``--input`` whose documents state their own."""
    if currency is not None and fmt not in CURRENCY_GIVEN:
        raise Refused(f"--currency: --input {fmt} documents state their own currency")


def reader_for(fmt: str, options: ReadOptions) -> Reader:
    """The reader of ``--input fmt`` with the command's options (:func:`currency_applies`)."""
    currency_applies(fmt, options.currency)
    return OPTION_READERS[fmt](options) if fmt in OPTION_READERS else READERS[fmt]


#: Formats whose ``terms`` are free text (a note to the client, "Payment due in 30
#: days."): ``schedule``, ``recur`` and ``estimate`` apply them only when they parse.
FREE_TEXT_TERMS = frozenset({"freshbooks"})


@attrs.frozen
class Template:
    """What ``recur`` repeats: an invoice and, for a vendor's recurring profile, its own
    ``frequency``, ``count`` (``None``: until stopped) and whether it is ``stopped``."""

    entry: Entry
    frequency: Frequency | None = None
    count: int | None = None
    stopped: bool = False


def read_templates(
    fmt: str, sources: Sources, currency: str | None
) -> list[tuple[str, tuple[Template, ...], bool]]:
    """The files ``recur`` reads: FreshBooks recurring profiles as themselves, any other
    invoice (of any format) as a template the command's options repeat."""
    if fmt != "freshbooks":
        reader = reader_for(fmt, ReadOptions(currency=currency, keep_going=True))
        with naming(", ".join(name for name, _ in sources)):
            documents = reader(sources)
        refuse_first(documents)
        return [
            (name, tuple(Template(entry) for entry in doc.entries), doc.array)
            for name, doc in documents
        ]
    if currency is not None:
        currency_option(currency)
    taxes, rest = freshbooks.split_files(sources, naming=naming)
    base, only_base = currency or "USD", currency is not None
    found: list[tuple[str, tuple[Template, ...], bool]] = []
    for name, data in rest:
        with naming(name):
            if freshbooks.holds_recurring(data):
                profiles, array = freshbooks.read_recurring(
                    data, base_currency=base, taxes=taxes, only_base=only_base
                )
                templates = tuple(
                    Template(profile.entry, profile.frequency, profile.count, profile.stopped)
                    for profile in profiles
                )
            else:
                doc = freshbooks.read(
                    data, base_currency=base, taxes=taxes, only_base=only_base, keep_going=True
                )
                refuse_first([(name, doc)])
                templates, array = tuple(Template(entry) for entry in doc.entries), doc.array
        found.append((name, templates, array))
    return found


WRITERS["freshbooks-xml"] = _write_freshbooks
WRITERS["freshbooks-create-xml"] = _write_freshbooks_create
