"""preview --keep-going over vendor documents: each refused invoice in its own place.

Formats read together (FreshBooks with its tax lists, Cashboard with its line and
payment documents) used to sink whole on one bad invoice; now a refused invoice is
an error object where its totals would be, as an element of a neutral array is.
The documents are the golden ones of tests/golden (worked by hand in the vendors'
tests), repeated with one invoice broken; each total a kept invoice is held to is
the vendor's own (FreshBooks' <amount>, Cashboard's <total>, Kashoo's totalDue).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from invoicecalc import Currency
from invoicecalc._cli import main
from invoicecalc.document import RefusedEntry
from invoicecalc.errors import InvalidValueError, InvoiceCalcError
from invoicecalc.vendors import cashboard, freshbooks, kashoo

GOLDEN = Path(__file__).parents[1] / "golden"
AS_OF = ("--as-of", "2024-06-05")


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    status = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return status, out, err


# -- FreshBooks ---------------------------------------------------------------------


def quebec(invoice_id: str, number: str, quantity: str = "3") -> str:
    """The golden Quebec invoice's <invoice> element with its own id, number and first
    line's quantity."""
    text = (GOLDEN / "freshbooks" / "quebec-2012.get.xml").read_text()
    element = text[text.index("<invoice>") : text.index("</invoice>") + len("</invoice>")]
    element = element.replace(
        "<invoice_id>1207</invoice_id>", f"<invoice_id>{invoice_id}</invoice_id>"
    )
    element = element.replace("<number>QC-2012-031</number>", f"<number>{number}</number>")
    return element.replace("<quantity>3</quantity>", f"<quantity>{quantity}</quantity>", 1)


def invoice_list(*invoices: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<response xmlns="http://www.freshbooks.com/api/" status="ok">\n'
        f'<invoices page="1" per_page="10" pages="1" total="{len(invoices)}">\n'
        + "\n".join(invoices)
        + "\n</invoices>\n</response>\n"
    )


@pytest.fixture
def freshbooks_batch(tmp_path: Path) -> list[Path]:
    """A list of three invoices (the second with a quantity that is not a number), a
    file that is not XML, and the account's tax list, last."""
    listed = tmp_path / "list.xml"
    listed.write_text(
        invoice_list(
            quebec("1207", "QC-2012-031"),
            quebec("1208", "QC-2012-032", quantity="three"),
            quebec("1209", "QC-2012-033"),
        )
    )
    broken = tmp_path / "broken.xml"
    broken.write_text("<response status='ok'><invoice>")
    return [listed, broken, GOLDEN / "freshbooks" / "quebec-2012.tax.list.xml"]


#: The error object of freshbooks_batch's second invoice (its quantity "three").
REFUSED_1208 = {
    "index": 1,
    "id": "1208",
    "number": "QC-2012-032",
    "field": "invoices[1].lines[0].quantity",
    "value": "'three'",
    "problem": "is not a decimal number",
}


def test_freshbooks_keeps_going_past_a_refused_invoice_and_a_refused_file(
    freshbooks_batch: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [*freshbooks_batch, "--input", "freshbooks", *AS_OF, "--output", "json"]
    status, out, _ = run(capsys, "preview", *argv, "--keep-going")
    results = json.loads(out)
    assert status == 2  # something was refused
    assert ["error" in result for result in results] == [False, True, False, True]
    assert results[1]["error"] == REFUSED_1208
    assert results[3]["error"]["index"] == 3
    assert results[3]["error"]["problem"].startswith("is not well-formed XML")
    # The invoices kept are the golden invoice's totals, each with its own id and number.
    status, alone, _ = run(
        capsys,
        "preview",
        GOLDEN / "freshbooks" / "quebec-2012.get.xml",
        GOLDEN / "freshbooks" / "quebec-2012.tax.list.xml",
        "--input",
        "freshbooks",
        *AS_OF,
        "--output",
        "json",
    )
    assert status == 0
    golden = json.loads(alone)
    for kept, (invoice_id, number) in zip(
        (results[0], results[2]), (("1207", "QC-2012-031"), ("1209", "QC-2012-033")), strict=True
    ):
        assert kept == {**golden, "id": invoice_id, "number": number}
    assert golden["total"] == "252.93"  # FreshBooks' own <amount> for the invoice


def test_freshbooks_without_keep_going_stops_at_the_first_refusal(
    freshbooks_batch: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [*freshbooks_batch, "--input", "freshbooks", *AS_OF, "--output", "json"]
    status, out, err = run(capsys, "preview", *argv)
    assert (status, out) == (2, "")
    assert err == (
        f"invoicecalc: {freshbooks_batch[0]}: invoices[1].lines[0].quantity: "
        "is not a decimal number (got 'three')\n"
    )


def test_without_keep_going_errors_json_names_the_refused_vendor_invoice(
    freshbooks_batch: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """The one refusal carries the invoice's place in the batch, id and number, as
    with --keep-going and as a neutral batch's does; it had "index": null and
    neither (the reader refused the whole file at its second invoice)."""
    argv = [*freshbooks_batch, "--input", "freshbooks", *AS_OF, "--errors", "json"]
    status, out, err = run(capsys, "preview", *argv)
    assert (status, out) == (2, "")
    (report,) = (json.loads(line) for line in err.splitlines())
    assert report == {"source": str(freshbooks_batch[0]), **REFUSED_1208}


def test_freshbooks_errors_json_names_each_refused_invoice_and_its_file(
    freshbooks_batch: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [*freshbooks_batch, "--input", "freshbooks", *AS_OF, "--output", "jsonl"]
    status, out, err = run(capsys, "preview", *argv, "--keep-going", "--errors", "json")
    reports = [json.loads(line) for line in err.splitlines()]
    assert status == 2
    assert len(out.splitlines()) == 4
    assert [(r["source"], r["index"], r["id"]) for r in reports] == [
        (str(freshbooks_batch[0]), 1, "1208"),
        (str(freshbooks_batch[1]), 3, None),
    ]


def test_a_refused_tax_list_still_refuses_every_invoice_read_with_it(
    freshbooks_batch: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Any invoice may need the list (whether a second tax compounds): none is read.
    taxes = tmp_path / "taxes.xml"
    taxes.write_text(freshbooks_batch[2].read_text().replace("<rate>9.5</rate>", "<rate>x</rate>"))
    assert taxes.read_text() != freshbooks_batch[2].read_text()
    argv = [freshbooks_batch[0], taxes, "--input", "freshbooks", *AS_OF, "--output", "json"]
    status, out, _ = run(capsys, "preview", *argv, "--keep-going")
    result = json.loads(out)  # one error object for the documents read together
    assert status == 2
    assert result["error"]["index"] == 0
    assert (result["error"]["field"], result["error"]["value"]) == ("taxes[1].rate", "'x'")


def test_freshbooks_read_keep_going_keeps_each_invoice_in_its_place() -> None:
    text = invoice_list(
        quebec("1", "A", quantity="-"), quebec("2", "B"), quebec("3", "C", quantity="?")
    )
    taxes = freshbooks.read_taxes((GOLDEN / "freshbooks" / "quebec-2012.tax.list.xml").read_bytes())
    held = freshbooks.read(text, base_currency="CAD", taxes=taxes, keep_going=True)
    assert [entry.id for entry in held.entries] == ["2"]
    assert [(r.place, r.id, r.number, r.error.field) for r in held.refused] == [
        (0, "1", "A", "invoices[0].lines[0].quantity"),
        (2, "3", "C", "invoices[2].lines[0].quantity"),
    ]
    places = list(held.places())
    assert [type(found) for found in places] == [RefusedEntry, type(held.entries[0]), RefusedEntry]
    with pytest.raises(InvalidValueError) as refused:
        freshbooks.read(text, base_currency="CAD", taxes=taxes)
    assert refused.value.field == "invoices[0].lines[0].quantity"


@given(st.lists(st.booleans(), min_size=1, max_size=6))
def test_keep_going_refuses_exactly_the_broken_invoices_and_reads_the_rest_alike(
    broken: list[bool],
) -> None:
    # Whatever invoices of a list are broken, keep_going refuses those, in their
    # places, and reads the others as they read in a list without the broken ones.
    taxes = freshbooks.read_taxes((GOLDEN / "freshbooks" / "quebec-2012.tax.list.xml").read_bytes())
    invoices = [
        quebec(str(n), f"N-{n}", quantity="x" if bad else str(n + 1))
        for n, bad in enumerate(broken)
    ]
    held = freshbooks.read(invoice_list(*invoices), taxes=taxes, keep_going=True)
    assert [found.place for found in held.refused] == [n for n, bad in enumerate(broken) if bad]
    assert [found.id for found in held.refused] == [str(n) for n, bad in enumerate(broken) if bad]
    good = [invoice for invoice, bad in zip(invoices, broken, strict=True) if not bad]
    if good:
        assert held.entries == freshbooks.read(invoice_list(*good), taxes=taxes).entries
    else:
        assert held.entries == ()
    places = list(held.places())
    assert [isinstance(found, RefusedEntry) for found in places] == broken


# -- Kashoo -------------------------------------------------------------------------


def kashoo_records() -> list[dict[str, Any]]:
    record: dict[str, Any] = json.loads((GOLDEN / "kashoo" / "mapped_usd.kashoo.json").read_text())
    return [
        {**record, "id": 11, "number": "K-1"},
        {**record, "id": 12, "number": "K-2", "dueDate": "2024-02-30"},
        {**record, "id": 13, "number": "K-3"},
    ]


def test_kashoo_keeps_going_record_by_record(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "records.json"
    path.write_text(json.dumps(kashoo_records()))
    argv = [path, "--input", "kashoo", *AS_OF, "--output", "json"]
    status, out, _ = run(capsys, "preview", *argv, "--keep-going")
    results = json.loads(out)
    assert status == 2
    assert [result.get("id") for result in results] == ["11", None, "13"]
    assert results[1]["error"] == {
        "index": 1,
        "id": "12",
        "number": "K-2",
        "field": "[1].dueDate",
        "value": "'2024-02-30'",
        "problem": "is not a real date",
    }
    assert results[0]["total"] == results[2]["total"] == "678.99"  # the record's totalDue
    status, out, err = run(capsys, "preview", *argv)
    assert (status, out) == (2, "")
    assert err == f"invoicecalc: {path}: [1].dueDate: is not a real date (got '2024-02-30')\n"


def test_kashoo_read_keep_going() -> None:
    held = kashoo.read(json.dumps(kashoo_records()), keep_going=True)
    assert [entry.id for entry in held.entries] == ["11", "13"]
    assert [(r.place, r.id, r.number) for r in held.refused] == [(1, "12", "K-2")]
    one = kashoo.read(json.dumps(kashoo_records()[1]), keep_going=True)
    assert (one.entries, [r.error.field for r in one.refused]) == ((), ["dueDate"])


def test_a_refused_single_kashoo_record_keeps_its_id_and_number() -> None:
    """A file of one record refused whole showed no id or number (an array's did)."""
    one = kashoo.read(json.dumps(kashoo_records()[1]), keep_going=True)
    assert [(r.place, r.id, r.number) for r in one.refused] == [(0, "12", "K-2")]


@pytest.mark.parametrize(
    ("second_id", "field", "problem"),
    [
        ("x12", "[1].id", "must be an integer record id"),
        (11, "[1].id", "is also the id of [0]"),
    ],
)
def test_a_kashoo_record_refused_for_its_id_is_refused_alone(
    second_id: object, field: str, problem: str
) -> None:
    """One bad or repeated id refused the whole file of invoices, with keep_going too."""
    records = kashoo_records()
    records[1] = {**records[1], "id": second_id, "dueDate": "2024-03-30"}
    held = kashoo.read(json.dumps(records), keep_going=True)
    assert [entry.id for entry in held.entries] == ["11", "13"]
    ((refused,),) = [held.refused]
    assert (refused.place, refused.error.field, refused.error.problem) == (1, field, problem)
    assert refused.number == "K-2"
    with pytest.raises(InvoiceCalcError, match=re.escape(problem)):
        kashoo.read(json.dumps(records))


def test_a_kashoo_payment_naming_an_id_two_invoices_have_refuses_the_file() -> None:
    """Which of the two it pays cannot be told: the file is refused, as for any
    refused payment record."""
    records = kashoo_records()
    records[1] = {**records[1], "id": 11, "dueDate": "2024-03-30"}
    payment = {
        "type": "INVOICE_PAYMENT",
        "date": "2024-03-05",
        "currency": records[0]["currency"],
        "amount": 100,
        "allocations": [{"record": 11, "amount": 100}],
    }
    with pytest.raises(InvalidValueError) as raised:
        kashoo.read(json.dumps([*records, payment]), keep_going=True)
    assert raised.value.problem == "is the id of several invoices in this document"


# -- Cashboard ----------------------------------------------------------------------


def golden_jpy_invoice() -> str:
    """The golden JPY invoice as an unpaid one (its stated payment_total, balance and
    has_been_paid those of no payment): these tests give no payments for it, and an
    invoice stating a payment total is refused without its payments."""
    text = (GOLDEN / "cashboard" / "early-jpy.invoice.xml").read_text()
    for paid, unpaid in [
        (">38544</payment_total>", ">0</payment_total>"),
        (">0</balance>", ">38544</balance>"),
        ('<has_been_paid read_only="true">true', '<has_been_paid read_only="true">false'),
    ]:
        assert paid in text
        text = text.replace(paid, unpaid)
    return text


@pytest.fixture
def cashboard_batch(tmp_path: Path) -> list[Path]:
    """The golden JPY invoice twice in one <invoices> (ids 1 and 2, the second dated
    30 February), with the golden line items of invoice 1."""
    text = golden_jpy_invoice()
    body = text[text.index("<invoice>") :]
    first = body.replace(
        "<assigned_id>J-7</assigned_id>", "<id>1</id><assigned_id>J-7</assigned_id>"
    )
    second = body.replace(
        "<assigned_id>J-7</assigned_id>", "<id>2</id><assigned_id>J-8</assigned_id>"
    ).replace("<invoice_date>2024-06-01</invoice_date>", "<invoice_date>2024-02-30</invoice_date>")
    invoices = tmp_path / "invoices.xml"
    invoices.write_text(
        f'<?xml version="1.0" encoding="UTF-8"?>\n<invoices>\n{first}{second}</invoices>\n'
    )
    return [invoices, GOLDEN / "cashboard" / "early-jpy.lines.xml"]


def test_cashboard_keeps_going_invoice_by_invoice(
    cashboard_batch: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [*cashboard_batch, "--input", "cashboard", "--currency", "JPY", *AS_OF]
    status, out, _ = run(capsys, "preview", *argv, "--keep-going", "--output", "json")
    first, refused = json.loads(out)
    assert status == 2
    assert (first["id"], first["number"], first["total"]) == ("1", "J-7", "38544")  # <total>
    assert refused["error"] == {
        "index": 1,
        "id": "2",
        "number": "J-8",
        "field": "invoice[1].invoice_date",
        "value": "'2024-02-30'",
        "problem": "is not a real date",
    }
    status, out, err = run(capsys, "preview", *argv, "--output", "json")
    assert (status, out) == (2, "")
    assert "invoice[1].invoice_date: is not a real date" in err


def two_invoices(tmp_path: Path, quantity: str, owner: str = "1") -> list[Path]:
    """The golden JPY invoice twice (ids 1 and 3), each with the golden lines; the first
    line naming invoice ``owner`` has the quantity ``quantity``."""
    body = golden_jpy_invoice()
    body = body[body.index("<invoice>") :]
    invoices = tmp_path / "invoices.xml"
    invoices.write_text(
        "<invoices>\n"
        + "".join(
            body.replace(
                "<assigned_id>J-7</assigned_id>", f"<id>{n}</id><assigned_id>J-{n}</assigned_id>"
            )
            for n in (1, 3)
        )
        + "</invoices>\n"
    )
    golden = (GOLDEN / "cashboard" / "early-jpy.lines.xml").read_text()
    items = golden[golden.index("<invoice_line_item>") : golden.index("</invoice_line_items>")]
    broken = items.replace("<invoice_id>1</invoice_id>", f"<invoice_id>{owner}</invoice_id>", 1)
    broken = re.sub(
        r"<quantity>[^<]*</quantity>", f"<quantity>{quantity}</quantity>", broken, count=1
    )
    lines = tmp_path / "lines.xml"
    lines.write_text(
        "<invoice_line_items>\n"
        + broken
        + items.replace("<invoice_id>1</invoice_id>", "<invoice_id>3</invoice_id>")
        + "</invoice_line_items>\n"
    )
    return [invoices, lines]


def test_a_refused_cashboard_line_refuses_its_invoice_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = two_invoices(tmp_path, quantity="x3")
    argv = [*files, "--input", "cashboard", "--currency", "JPY", *AS_OF, "--output", "jsonl"]
    status, out, err = run(capsys, "preview", *argv, "--keep-going", "--errors", "json")
    refused, kept = (json.loads(line) for line in out.splitlines())
    assert status == 2
    assert refused["error"] == {
        "index": 0,
        "id": "1",
        "number": "J-1",
        "field": "invoice_line_item[0].quantity",
        "value": "'x3'",
        "problem": "is not a decimal number",
    }
    assert (kept["id"], kept["total"]) == ("3", "38544")  # the golden invoice's <total>
    (report,) = (json.loads(line) for line in err.splitlines())
    assert report["source"] == str(files[1])  # the file the line is in
    status, out, err = run(capsys, "preview", *argv)
    assert (status, out) == (2, "")
    assert err == (
        f"invoicecalc: {files[1]}: invoice_line_item[0].quantity: "
        "is not a decimal number (got 'x3')\n"
    )


def test_a_refused_line_of_no_invoice_read_still_refuses_the_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A line naming an invoice not given is read and checked, not used: refused, it
    # stands for nothing that could be refused in its place, so the read is refused.
    files = two_invoices(tmp_path, quantity="x3", owner="99")
    argv = [*files, "--input", "cashboard", "--currency", "JPY", *AS_OF, "--output", "json"]
    status, out, _ = run(capsys, "preview", *argv, "--keep-going")
    result = json.loads(out)  # one error object for the documents read together
    assert status == 2
    assert (result["error"]["index"], result["error"]["field"]) == (
        0,
        "invoice_line_item[0].quantity",
    )


def test_a_refused_cashboard_payment_still_refuses_the_documents_read_with_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Which invoices a payment dates cannot be told once it is refused.
    files = two_invoices(tmp_path, quantity="1")
    payments = tmp_path / "payments.xml"
    payments.write_text(
        "<payments><payment><id>5</id><amount>1</amount><created_on>soon</created_on>"
        "</payment></payments>"
    )
    argv = [*files, payments, "--input", "cashboard", "--currency", "JPY", *AS_OF]
    status, out, _ = run(capsys, "preview", *argv, "--keep-going", "--output", "json")
    result = json.loads(out)
    assert status == 2
    assert list(result) == ["error"]
    assert result["error"]["field"] == "payment[0].created_on"


def test_a_cashboard_payment_that_cannot_be_dated_refuses_its_invoice_alone(
    cashboard_batch: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Invoice 1 is paid by payment 9, whose payments document (its created_on) is not
    # given; whether the payment is counted on --as-of depends on that date.
    shares = tmp_path / "shares.xml"
    shares.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<invoice_payments type="array">\n'
        "<invoice_payment><invoice_id>1</invoice_id><payment_id>9</payment_id>"
        '<amount rel="financial">100</amount></invoice_payment>\n</invoice_payments>\n'
    )
    good = tmp_path / "good.xml"
    body = golden_jpy_invoice()
    good.write_text(
        body.replace("<assigned_id>J-7</assigned_id>", "<id>3</id><assigned_id>J-9</assigned_id>")
    )
    lines = tmp_path / "lines-3.xml"  # the golden lines, of invoice 3
    lines.write_text(
        cashboard_batch[1]
        .read_text()
        .replace("<invoice_id>1</invoice_id>", "<invoice_id>3</invoice_id>")
    )
    files = [*cashboard_batch, shares, good, lines]
    argv = [*files, "--input", "cashboard", "--currency", "JPY", *AS_OF]
    status, out, err = run(
        capsys, "preview", *argv, "--keep-going", "--output", "jsonl", "--errors", "json"
    )
    rows = [json.loads(line) for line in out.splitlines()]
    assert status == 2
    assert [row["error"]["id"] if "error" in row else row["id"] for row in rows] == ["1", "2", "3"]
    sources = [json.loads(line)["source"] for line in err.splitlines()]
    assert sources == [str(shares), str(cashboard_batch[0])]  # where each refusal is
    assert ["error" in row for row in rows] == [True, True, False]
    assert rows[2]["total"] == "38544"  # the golden invoice's <total>
    assert rows[0]["error"]["field"] == "invoice_payment[0].payment_id"
    assert (
        "whether it is counted as of 2024-06-05 depends on its date" in rows[0]["error"]["problem"]
    )
    status, out, err = run(capsys, "preview", *argv, "--output", "jsonl")
    assert (status, out) == (2, "")
    assert err.startswith(
        f"invoicecalc: {shares}: invoice_payment[0].payment_id: has no dated payment"
    )


def undated(tmp_path: Path) -> list[Path]:
    """The golden JPY invoice without its early-payment discount twice (ids 1 and 2, the
    second dated in 2999), each paid 100 by a payment whose payments document (its
    created_on) is not given, with the golden lines of each."""
    body = (GOLDEN / "cashboard" / "early-jpy.invoice.xml").read_text()
    body = body[body.index("<invoice>") :].replace(
        "<early_period_in_days>10</early_period_in_days>", "<early_period_in_days/>"
    )
    first = body.replace(
        "<assigned_id>J-7</assigned_id>", "<id>1</id><assigned_id>J-7</assigned_id>"
    )
    later = (
        body.replace("<assigned_id>J-7</assigned_id>", "<id>2</id><assigned_id>J-8</assigned_id>")
        .replace(
            "<invoice_date>2024-06-01</invoice_date>", "<invoice_date>2999-06-01</invoice_date>"
        )
        .replace("<due_date>2024-06-30</due_date>", "<due_date>2999-06-30</due_date>")
    )
    invoices = tmp_path / "invoices.xml"
    invoices.write_text(f"<invoices>\n{first}{later}</invoices>\n")
    lines = (GOLDEN / "cashboard" / "early-jpy.lines.xml").read_text()
    both = tmp_path / "lines.xml"
    both.write_text(
        lines.replace("</invoice_line_items>", "")
        + lines[lines.index("<invoice_line_item>") :].replace(
            "<invoice_id>1</invoice_id>", "<invoice_id>2</invoice_id>"
        )
    )
    shares = tmp_path / "shares.xml"
    shares.write_text(
        "<invoice_payments>\n"
        + "".join(
            f"<invoice_payment><invoice_id>{n}</invoice_id><payment_id>{n}</payment_id>"
            '<amount rel="financial">100</amount></invoice_payment>\n'
            for n in (1, 2)
        )
        + "</invoice_payments>\n"
    )
    return [invoices, both, shares]


def test_without_as_of_a_payment_not_yet_counted_today_is_refused_with_its_invoice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Dated its invoice's date, the undated payment of invoice 2 would not count
    # today: its balance would show unpaid what the documents say is paid.
    files = undated(tmp_path)
    argv = [*files, "--input", "cashboard", "--currency", "JPY", "--output", "jsonl"]
    status, out, _ = run(capsys, "preview", *argv, "--keep-going")
    first, refused = (json.loads(line) for line in out.splitlines())
    assert status == 2
    assert (first["id"], first["payment_total"]) == ("1", "100")
    assert refused["error"]["id"] == "2"
    assert refused["error"]["field"] == "invoice_payment[1].payment_id"
    assert re.fullmatch(
        r"has no dated payment, and whether it is counted today \(\d{4}-\d\d-\d\d, before "
        r"the invoice date\) depends on its date: give the payments document that holds "
        r"its created_on",
        refused["error"]["problem"],
    )
    status, out, err = run(capsys, "preview", *argv)
    # JSON Lines: the line of invoice 1, before the refused one, is already written.
    assert status == 2
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["1"]
    assert err.startswith(f"invoicecalc: {files[2]}: invoice_payment[1].payment_id: has no")
    # With --as-of each undated payment is refused, the first one first: it may have
    # come after that date.
    status, out, err = run(capsys, "preview", *argv, "--as-of", "2999-07-01")
    assert (status, out) == (2, "")
    assert err.startswith(f"invoicecalc: {files[2]}: invoice_payment[0].payment_id: has no")
    assert "whether it is counted as of 2999-07-01 depends on its date" in err


def test_cashboard_read_files_keep_going() -> None:
    invoice = golden_jpy_invoice().encode()
    lines = (GOLDEN / "cashboard" / "early-jpy.lines.xml").read_bytes()
    bad = invoice.replace(b"<due_date>2024-06-30</due_date>", b"<due_date>soon</due_date>")
    assert bad != invoice
    sources = [("good.xml", invoice), ("lines.xml", lines), ("bad.xml", bad)]
    good, refused = cashboard.read_files(sources, currency=Currency("JPY"), keep_going=True)
    assert (good[0], len(good[1].entries), good[1].refused) == ("good.xml", 1, ())
    assert (refused[0], refused[1].entries) == ("bad.xml", ())
    (entry,) = refused[1].refused
    assert (entry.place, entry.id, entry.number, entry.error.field) == (
        0,
        None,
        "J-7",
        "invoice.due_date",
    )
    with pytest.raises(InvalidValueError):
        cashboard.read_files(sources, currency=Currency("JPY"))


# -- every command: the refusal of one vendor invoice names it ------------------------


@pytest.mark.parametrize(
    "command",
    [["check"], ["explain"], ["schedule"], ["estimate"], ["recur", "--count", "2"]],
    ids=lambda command: command[0],
)
def test_every_command_names_the_refused_vendor_invoice(
    freshbooks_batch: list[Path], cashboard_batch: list[Path], tmp_path: Path,
    capsys: pytest.CaptureFixture[str], command: list[str],
) -> None:  # fmt: skip
    """A vendor reader refused the whole file at its bad invoice, so every command but
    preview said "index": null and no id or number: now each names the invoice by its
    place in its document's array, its id and its number, as preview does."""
    kashoo_path = tmp_path / "records.json"
    kashoo_path.write_text(json.dumps(kashoo_records()))
    cases = [
        (["--input", "freshbooks", *freshbooks_batch[::2]], freshbooks_batch[0], REFUSED_1208),
        (
            ["--input", "kashoo", kashoo_path],
            kashoo_path,
            {"index": 1, "id": "12", "number": "K-2", "field": "[1].dueDate"},
        ),
        (
            ["--input", "cashboard", "--currency", "JPY", *cashboard_batch],
            cashboard_batch[0],
            {"index": 1, "id": "2", "number": "J-8", "field": "invoice[1].invoice_date"},
        ),
    ]
    for argv, source, expected in cases:
        dated = [] if command[0] == "recur" else list(AS_OF)
        status, out, err = run(capsys, *command, *argv, *dated, "--errors", "json")
        assert (status, out) == (2, "")
        (report,) = (json.loads(line) for line in err.splitlines())
        assert {key: report[key] for key in ("source", *expected)} == {
            "source": str(source),
            **expected,
        }
        # The text is the line the reader's refusal always gave.
        status, out, err = run(capsys, *command, *argv, *dated)
        assert (status, out) == (2, "")
        assert err.startswith(f"invoicecalc: {source}: {expected['field']}: ")
