"""``invoicecalc serve``: a real uvicorn server on 127.0.0.1, talked to with httpx.

Every answer that can be is compared with what the command line prints for
the same files and options. Every network call has a timeout.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

httpx = pytest.importorskip("httpx")
uvicorn = pytest.importorskip("uvicorn")

from invoicecalc import server as server_package  # noqa: E402
from invoicecalc._cli import main  # noqa: E402
from invoicecalc._jsonschema import NEUTRAL_SCHEMA, schema_text  # noqa: E402
from invoicecalc.errors import InvalidTypeError, InvalidValueError, InvoiceCalcError  # noqa: E402
from invoicecalc.server import create_app  # noqa: E402

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "invoice.json"
GOLDEN = ROOT / "tests" / "golden"
SAMPLES = ROOT / "tests" / "fixtures"
CASHBOARD_SET = [
    SAMPLES / "cashboard" / name
    for name in (
        "invoices.xml",
        "invoice_line_items.xml",
        "invoice_payments.xml",
        "payments.xml",
        "account.xml",  # the currency: the account's currency_type_code
    )
]
LIMIT = 64 * 1024  # the test server's --max-body
TIMEOUT = httpx.Timeout(10.0)
BASE = {"currency": "USD", "invoice_date": "2024-03-01", "due_date": "2024-03-31"}
LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<invoice><notes>&lol3;</notes></invoice>"""
XXE = """<?xml version="1.0"?>
<!DOCTYPE invoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<invoice><notes>&xxe;</notes></invoice>"""


# -- the server ------------------------------------------------------------------------------


class Running:
    """A uvicorn server serving ``app`` on a free port of 127.0.0.1, in a thread."""

    def __init__(self, app: Any) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.bind(("127.0.0.1", 0))
        self.port: int = self.socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True
        )

    def __enter__(self) -> Running:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "the server did not start"
            assert self.thread.is_alive(), "the server thread died"
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.socket.close()
        assert not self.thread.is_alive(), "the server did not stop"


@pytest.fixture(scope="module")
def server() -> Iterator[Running]:
    with Running(create_app(max_body=LIMIT, body_timeout=10)) as running:
        yield running


@pytest.fixture(scope="module")
def client(server: Running) -> Iterator[httpx.Client]:
    limits = httpx.Limits(max_connections=64)
    with httpx.Client(base_url=server.url, timeout=TIMEOUT, limits=limits) as client:
        yield client


def cli(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    status = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return status, out, err


def post_files(client: httpx.Client, path: str, files: list[Path], **params: str) -> httpx.Response:
    parts = [(f"f{i}", (file.name, file.read_bytes())) for i, file in enumerate(files)]
    return client.post(path, files=parts, params=params)


def assert_same_as_cli(
    capsys: pytest.CaptureFixture[str], answer: httpx.Response, argv: list[str | Path]
) -> None:
    """The answer is what ``invoicecalc preview ... --output json`` prints, byte for byte,
    or the refusal it gives."""
    status, out, err = cli(capsys, "preview", *argv, "--output", "json")
    if status == 0:
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == "application/json"
        assert answer.content == out.encode()
    else:
        assert answer.status_code == 422, answer.text
        detail = answer.json()["detail"]
        assert err.startswith("invoicecalc: ")
        assert err.endswith(f": {detail}\n")  # after the file's name, where the CLI reads one


def assert_kept_as_cli(
    capsys: pytest.CaptureFixture[str], answer: httpx.Response, argv: list[str | Path]
) -> str:
    """The answer is what ``invoicecalc preview ... --keep-going --output json`` prints,
    byte for byte, the command exiting 2 (an invoice was refused); gives its stderr."""
    status, out, err = cli(capsys, "preview", *argv, "--keep-going", "--output", "json")
    assert status == 2
    assert answer.content == out.encode()
    return err


def problem(answer: httpx.Response, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = answer.json()
    assert body["status"] == status
    assert {"type", "title", "detail"} <= body.keys()
    return body


def asgi(
    messages: list[dict[str, Any]], headers: list[tuple[bytes, bytes]]
) -> list[dict[str, Any]]:
    """What the app sends for a POST /v1/preview whose body arrives as ``messages``
    (a client that sends nothing more after them), driven through the ASGI interface
    so that a request arrives exactly so, as no HTTP server would deliver it."""
    import asyncio

    app = create_app(max_body=LIMIT, body_timeout=10)
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/v1/preview",
        "raw_path": b"/v1/preview",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1"), *headers],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop(0)
        await asyncio.sleep(30)  # a client that sends nothing more
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(asyncio.wait_for(app(scope, receive, send), timeout=10))
    return sent


# -- answers ---------------------------------------------------------------------------------


def test_healthz(client: httpx.Client) -> None:
    answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json()["status"] == "ok"


def test_preview_is_the_command_lines_json(
    client: httpx.Client, capsys: pytest.CaptureFixture[str]
) -> None:
    body = EXAMPLE.read_bytes()
    answer = client.post("/v1/preview", content=body, headers={"content-type": "application/json"})
    assert_same_as_cli(capsys, answer, [EXAMPLE])
    assert answer.headers["invoicecalc-as-of"] == "2024-03-10"  # the document's own


def test_the_query_as_of_wins_as_the_option_does(
    client: httpx.Client, capsys: pytest.CaptureFixture[str]
) -> None:
    answer = client.post(
        "/v1/preview",
        content=EXAMPLE.read_bytes(),
        params={"as_of": "2024-05-20"},
        headers={"content-type": "application/json; charset=utf-8"},
    )
    assert_same_as_cli(capsys, answer, [EXAMPLE, "--as-of", "2024-05-20"])
    assert answer.headers["invoicecalc-as-of"] == "2024-05-20"
    assert answer.json()["as_of"] == "2024-05-20"


def test_without_as_of_today_is_used_and_stated(client: httpx.Client) -> None:
    before = dt.date.today()
    answer = client.post("/v1/preview", json=BASE)
    after = dt.date.today()
    assert answer.status_code == 200, answer.text
    stated = answer.headers["invoicecalc-as-of"]
    assert stated in (before.isoformat(), after.isoformat())
    assert answer.json()["as_of"] == stated


def test_an_array_answers_an_array(
    client: httpx.Client, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    invoices = [
        {**BASE, "lines": [{"quantity": str(n), "unit_price": "9.99"}], "sales_tax": "5"}
        for n in range(1, 4)
    ]
    path = tmp_path / "three.json"
    path.write_text(json.dumps(invoices))
    answer = client.post("/v1/preview", json=invoices, params={"as_of": "2024-03-10"})
    assert_same_as_cli(capsys, answer, [path, "--as-of", "2024-03-10"])
    assert [t["item_actual"] for t in answer.json()] == ["9.99", "19.98", "29.97"]


def test_several_neutral_documents_as_multipart(
    client: httpx.Client, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    second = tmp_path / "second.json"
    second.write_text(json.dumps({**BASE, "as_of": "2024-03-02"}))
    answer = post_files(client, "/v1/preview", [EXAMPLE, second])
    assert_same_as_cli(capsys, answer, [EXAMPLE, second])
    assert answer.headers["invoicecalc-as-of"] == "2024-03-10, 2024-03-02"


@pytest.mark.parametrize(
    "path", sorted((GOLDEN / "freshbooks").glob("*.get.xml")), ids=lambda p: p.name
)
def test_freshbooks(client: httpx.Client, capsys: pytest.CaptureFixture[str], path: Path) -> None:
    answer = client.post(
        "/v1/preview",
        content=path.read_bytes(),
        params={"input": "freshbooks", "as_of": "2024-03-05"},
        headers={"content-type": "application/xml"},
    )
    assert_same_as_cli(capsys, answer, [path, "--input", "freshbooks", "--as-of", "2024-03-05"])


@pytest.mark.parametrize(
    "path", sorted((GOLDEN / "kashoo").glob("*.kashoo.json")), ids=lambda p: p.name
)
def test_kashoo(client: httpx.Client, capsys: pytest.CaptureFixture[str], path: Path) -> None:
    answer = client.post(
        "/v1/preview",
        content=path.read_bytes(),
        params={"input": "kashoo", "as_of": "2024-03-05"},
        headers={"content-type": "application/json"},
    )
    assert_same_as_cli(capsys, answer, [path, "--input", "kashoo", "--as-of", "2024-03-05"])


def test_cashboard_documents_together_as_multipart(
    client: httpx.Client, capsys: pytest.CaptureFixture[str]
) -> None:
    answer = post_files(client, "/v1/preview", CASHBOARD_SET, input="cashboard", as_of="2010-08-01")
    assert_same_as_cli(
        capsys, answer, [*CASHBOARD_SET, "--input", "cashboard", "--as-of", "2010-08-01"]
    )
    assert answer.status_code == 200
    assert len(answer.json()) == 6


def test_a_cashboard_json_document(
    client: httpx.Client, capsys: pytest.CaptureFixture[str]
) -> None:
    path = GOLDEN / "cashboard" / "studio.invoice.json"
    answer = client.post(
        "/v1/preview",
        content=path.read_bytes(),
        params={"input": "cashboard", "as_of": "2024-05-10", "currency": "USD"},
        headers={"content-type": "application/json"},
    )
    assert_same_as_cli(
        capsys, answer, [path, "--input", "cashboard", "--as-of", "2024-05-10", "--currency", "USD"]
    )
    # Alone, the invoice states totals its lines make, and they are not given: refused.
    assert answer.status_code == 422
    assert "invoice.line_items: are missing" in answer.text


def test_a_cashboard_payment_not_yet_counted_today_is_refused_as_on_the_command_line(
    client: httpx.Client, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Without ?as_of the totals stand today. The invoice is dated 2999 and its payment
    # comes without its payments document (no created_on), so it would be dated the
    # invoice date and not counted: the balance would show unpaid what is paid.
    body = (GOLDEN / "cashboard" / "early-jpy.invoice.xml").read_text()
    invoice = tmp_path / "invoice.xml"
    invoice.write_text(
        body.replace("<assigned_id>J-7</assigned_id>", "<id>1</id><assigned_id>J-7</assigned_id>")
        .replace("<early_period_in_days>10</early_period_in_days>", "<early_period_in_days/>")
        .replace(
            "<invoice_date>2024-06-01</invoice_date>", "<invoice_date>2999-06-01</invoice_date>"
        )
        .replace("<due_date>2024-06-30</due_date>", "<due_date>2999-06-30</due_date>")
    )
    shares = tmp_path / "shares.xml"
    shares.write_text(
        "<invoice_payments><invoice_payment><invoice_id>1</invoice_id><payment_id>5</payment_id>"
        '<amount rel="financial">100</amount></invoice_payment></invoice_payments>'
    )
    files = [invoice, GOLDEN / "cashboard" / "early-jpy.lines.xml", shares]
    answer = post_files(client, "/v1/preview", files, input="cashboard", currency="JPY")
    assert_same_as_cli(capsys, answer, [*files, "--input", "cashboard", "--currency", "JPY"])
    (refused,) = problem(answer, 422)["problems"]
    assert refused["field"] == "invoice_payment[0].payment_id"
    assert "whether it is counted today" in refused["problem"]
    kept = post_files(
        client, "/v1/preview", files, input="cashboard", currency="JPY", keep_going="true"
    )
    assert (kept.status_code, kept.headers["invoicecalc-refused"]) == (200, "1")
    assert kept.json()["error"]["problem"] == refused["problem"]
    assert_kept_as_cli(capsys, kept, [*files, "--input", "cashboard", "--currency", "JPY"])


def test_cashboard_golden_with_its_currency(
    client: httpx.Client, capsys: pytest.CaptureFixture[str]
) -> None:
    files = sorted((GOLDEN / "cashboard").glob("early-jpy.*.xml"))
    answer = post_files(client, "/v1/preview", files, input="cashboard", currency="JPY")
    assert_same_as_cli(capsys, answer, [*files, "--input", "cashboard", "--currency", "JPY"])


_ROW = re.compile(r"\s+([\w\[\].]+)\s+stated\s+(.+?)\s+computed\s+(.+?)\s+(ok|DIFFERS)$")


def test_check_says_what_the_command_says(
    client: httpx.Client, capsys: pytest.CaptureFixture[str]
) -> None:
    answer = post_files(client, "/v1/check", CASHBOARD_SET, input="cashboard", as_of="2010-08-01")
    assert answer.status_code == 200, answer.text
    report = answer.json()
    status, out, _ = cli(
        capsys, "check", *CASHBOARD_SET, "--input", "cashboard", "--as-of", "2010-08-01"
    )
    assert report["differs"] is (status == 1)
    assert status == 1  # the fixtures' own totals disagree (tests/vendors/cashboard)

    def shown(value: object) -> str:
        return ("true" if value else "false") if isinstance(value, bool) else str(value)

    rows = [
        (row["name"], shown(row["stated"]), shown(row["computed"]), row["differs"])
        for invoice in report["invoices"]
        for row in invoice["stated"]
    ]
    expected = [
        (m[1], m[2], m[3], m[4] == "DIFFERS")
        for line in out.splitlines()
        if (m := _ROW.match(line))
    ]
    assert rows == expected
    assert ("lines[2].actual", "25.00", "25.01", True) in rows  # invoice 000001's third line
    headings = [line for line in out.splitlines() if not line.startswith(" ")]
    assert headings == [
        f"{SAMPLES / 'cashboard' / invoice['source']} invoice "
        f"{invoice['number'] or invoice['index']} "
        f"as of {invoice['as_of']}:"
        for invoice in report["invoices"]
    ]


def test_check_compares_a_third_tax_as_the_command_does(client: httpx.Client) -> None:
    # 12.50 at 5%, 7% and 1%: 0.63, 0.88 and 0.13 (half up); the record states the third
    # as 0.12 (it was a 500 once: the service looked the name up as a total's).
    record = {
        "type": "INVOICE", "currency": "USD", "date": "2024-03-01", "dueDate": "2024-03-31",
        "taxes": [{"name": "GST", "rate": 5}, {"name": "PST", "rate": 7},
                  {"name": "X", "rate": 1}],
        "lineItems": [{"name": "Work", "quantity": 1, "rate": 12.5, "amount": 1250,
                       "taxCode": "GST+PST+X"}],
        "taxAmounts": [{"name": "GST", "amount": 63}, {"name": "X", "amount": 12}],
    }  # fmt: skip
    answer = client.post(
        "/v1/check",
        params={"input": "kashoo", "as_of": "2024-03-10"},
        content=json.dumps(record).encode(),
        headers={"content-type": "application/json"},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["invoices"][0]["stated"] == [
        {"name": "lines[0].actual", "stated": "12.50", "computed": "12.50", "differs": False},
        {"name": "sales_tax", "stated": "0.63", "computed": "0.63", "differs": False},
        {"name": "taxes[2].amount", "stated": "0.12", "computed": "0.13", "differs": True},
    ]


# -- keep_going ------------------------------------------------------------------------------

AS_OF = {"as_of": "2024-03-10"}
GOOD = {**BASE, "lines": [{"quantity": "2", "unit_price": "1.50"}]}  # 2 x 1.50 = 3.00
BAD = {**BASE, "number": "B-7", "lines": [{"quantity": "2", "unit_price": "1.5x"}]}


def kept(client: httpx.Client, content: bytes, **params: str) -> httpx.Response:
    return client.post(
        "/v1/preview",
        content=content,
        params={**params, "keep_going": "true"},
        headers={"content-type": "application/json"},
    )


def test_keep_going_answers_each_invoice_in_order_as_the_command_line_does(
    client: httpx.Client, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps([GOOD, BAD, {**GOOD, "id": "g-3"}]))
    answer = kept(client, path.read_bytes(), **AS_OF)
    assert answer.status_code == 200, answer.text
    assert answer.headers["invoicecalc-refused"] == "1"
    assert answer.headers["invoicecalc-as-of"] == "2024-03-10"
    first, refused, third = answer.json()
    assert first["total"] == third["total"] == "3.00"
    assert third["id"] == "g-3"
    assert refused == {
        "error": {
            "index": 1,
            "id": None,
            "number": "B-7",
            "field": "lines[0].unit_price",
            "value": "'1.5x'",
            "problem": "is not a decimal number",
        }
    }
    err = assert_kept_as_cli(capsys, answer, [path, "--as-of", "2024-03-10"])
    assert err.count("\n") == 1  # the command line tells the refusal on stderr


def test_a_request_of_more_invoices_than_one_may_hold_is_refused() -> None:
    """The body's size alone does not bound the memory a request takes: an error object
    is some 3 KB while it is worked on, however small the invoice (found by a review: a
    3 MB array of a million ``{}`` took 2.8 GB). At most MAX_INVOICES are worked on."""
    from invoicecalc.server._work import MAX_INVOICES

    def body(count: int) -> bytes:
        return ("[" + ",".join(["{}"] * count) + "]").encode()

    with (
        Running(create_app(max_body=1_000_000)) as running,
        httpx.Client(base_url=running.url, timeout=TIMEOUT) as client,
    ):
        answer = kept(client, body(MAX_INVOICES + 1), **AS_OF)
        assert answer.status_code == 422, answer.text
        (problem,) = answer.json()["problems"]
        assert problem["problem"].startswith(f"holds more than {MAX_INVOICES} invoices")
        assert kept(client, body(3), **AS_OF).headers["invoicecalc-refused"] == "3"


def test_a_check_of_more_invoices_than_one_request_may_hold_is_refused(
    client: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/v1/check read and worked on an array of any length the body held (147,686
    minimal invoices in 10 MiB), past the most one request may hold."""
    monkeypatch.setattr("invoicecalc.server._work.MAX_INVOICES", 2)
    answer = client.post("/v1/check", json=[GOOD] * 3, params=AS_OF)
    assert answer.status_code == 422, answer.text
    (problem,) = answer.json()["problems"]
    assert problem["source"] == "body"
    assert problem["problem"].startswith("holds more than 2 invoices, the most one request may")
    answer = client.post("/v1/check", json=[GOOD] * 2, params=AS_OF)
    assert answer.status_code == 200, answer.text
    assert len(answer.json()["invoices"]) == 2


def test_the_as_of_header_lists_at_most_100_dates(client: httpx.Client) -> None:
    """One date for each invoice of a large request made a header no client reads
    (20,000 dates, 240 KB: httpx and curl refused the answer; nginx takes 4 KB)."""
    start = dt.date(2024, 1, 1)
    days = [start + dt.timedelta(days=n) for n in range(101)]
    invoices = [{**GOOD, "as_of": day.isoformat()} for day in days]
    answer = client.post("/v1/preview", json=invoices)
    assert answer.status_code == 200, answer.text
    listed = answer.headers["invoicecalc-as-of"].split(", ")
    assert listed[:2] == ["2024-01-01", "2024-01-02"]
    assert listed[99] == "2024-04-09"  # 1 January + 99 days (a leap year)
    assert listed[100:] == ["..."]
    assert [totals["as_of"] for totals in answer.json()] == [day.isoformat() for day in days]
    answer = client.post("/v1/check", json=invoices[:100])
    assert answer.headers["invoicecalc-as-of"].split(", ")[-1] == "2024-04-09"


def test_a_problem_shows_a_long_field_cut(client: httpx.Client) -> None:
    """A refusal's field in problems is cut at 200 characters, as in its text."""
    body = json.dumps([{**GOOD, "k" * 50_000: 1}]).encode()
    answer = kept(client, body, **AS_OF)
    assert answer.status_code == 200, answer.text
    (refused,) = answer.json()
    assert refused["error"]["field"] == "k" * 200 + "..."
    assert len(answer.content) < 2_000


def test_keep_going_past_where_an_array_stops_being_json(
    client: httpx.Client, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "cut.json"
    path.write_bytes(json.dumps([GOOD, GOOD]).encode()[:-30])
    answer = kept(client, path.read_bytes(), **AS_OF)
    assert answer.status_code == 200, answer.text
    assert answer.headers["invoicecalc-refused"] == "1"
    good, cut = answer.json()
    assert good["total"] == "3.00"
    assert cut["error"]["index"] == 1
    assert cut["error"]["problem"].startswith("is not valid JSON")
    assert_kept_as_cli(capsys, answer, [path, "--as-of", "2024-03-10"])


def test_keep_going_with_nothing_refused_is_the_plain_answer(client: httpx.Client) -> None:
    body = json.dumps([GOOD, GOOD]).encode()
    answer = kept(client, body, **AS_OF)
    plain = client.post(
        "/v1/preview", content=body, params=AS_OF, headers={"content-type": "application/json"}
    )
    assert answer.headers["invoicecalc-refused"] == "0"
    assert answer.content == plain.content
    assert [t["total"] for t in answer.json()] == ["3.00", "3.00"]


def test_keep_going_puts_a_refused_vendor_document_in_its_place(
    client: httpx.Client, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    good = sorted((GOLDEN / "kashoo").glob("*.kashoo.json"))[0]
    bad = tmp_path / "bad.kashoo.json"
    bad.write_text('{"currency": "USD", "currency": "EUR"}')
    parts = [(f"f{i}", (path.name, path.read_bytes())) for i, path in enumerate([good, bad, good])]
    answer = client.post(
        "/v1/preview",
        files=parts,
        params={"input": "kashoo", "as_of": "2024-03-05", "keep_going": "true"},
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["invoicecalc-refused"] == "1"
    first, refused, third = answer.json()
    assert first == third
    assert "total" in first
    assert refused["error"]["field"] == "currency"
    assert refused["error"]["problem"] == "appears twice in one object"
    assert_kept_as_cli(
        capsys, answer, [good, bad, good, "--input", "kashoo", "--as-of", "2024-03-05"]
    )


def test_keep_going_puts_a_refused_invoice_of_documents_read_together_in_its_place(
    client: httpx.Client, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # FreshBooks parts are read together (the tax list is the account's): one bad
    # invoice used to refuse every part; now it is an error object in its place.
    good = GOLDEN / "freshbooks" / "quebec-2012.get.xml"
    taxes = GOLDEN / "freshbooks" / "quebec-2012.tax.list.xml"
    bad = tmp_path / "bad.get.xml"
    bad.write_text(good.read_text().replace("<quantity>3</quantity>", "<quantity>x</quantity>"))
    files = [good, bad, taxes, good]
    answer = post_files(
        client, "/v1/preview", files, input="freshbooks", as_of="2024-03-05", keep_going="true"
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["invoicecalc-refused"] == "1"
    first, refused, last = answer.json()
    assert first == last
    assert first["total"] == "252.93"  # FreshBooks' own <amount> for the invoice
    assert refused["error"] == {
        "index": 1,
        "id": "1207",
        "number": "QC-2012-031",
        "field": "invoice.lines[0].quantity",
        "value": "'x'",
        "problem": "is not a decimal number",
    }
    assert_kept_as_cli(capsys, answer, [*files, "--input", "freshbooks", "--as-of", "2024-03-05"])


def test_freshbooks_documents_are_read_together_as_the_command_line_reads_them(
    client: httpx.Client, capsys: pytest.CaptureFixture[str]
) -> None:
    # Only the account's tax list says whether the invoice's second tax compounds.
    files = [
        GOLDEN / "freshbooks" / name for name in ("quebec-2012.get.xml", "quebec-2012.tax.list.xml")
    ]
    answer = post_files(client, "/v1/preview", files, input="freshbooks", as_of="2024-03-05")
    assert_same_as_cli(capsys, answer, [*files, "--input", "freshbooks", "--as-of", "2024-03-05"])
    assert answer.status_code == 200
    alone = post_files(client, "/v1/preview", files[:1], input="freshbooks", as_of="2024-03-05")
    assert problem(alone, 422)["problems"][0]["field"] == "invoice.lines[0].tax2_name"
    assert [tax["compound"] for tax in answer.json()["taxes"]] == [False, True]


def test_freshbooks_takes_its_base_currency_from_the_query(
    client: httpx.Client, capsys: pytest.CaptureFixture[str]
) -> None:
    # The invoice states JPY: the base currency given must be the same, as --currency.
    path = GOLDEN / "freshbooks" / "late-jpy.get.xml"
    for code in ("JPY", "EUR"):
        answer = post_files(
            client, "/v1/preview", [path], input="freshbooks", currency=code, as_of="2024-03-05"
        )
        argv: list[str | Path] = [path, "--input", "freshbooks", "--currency", code]
        assert_same_as_cli(capsys, answer, [*argv, "--as-of", "2024-03-05"])
        assert answer.status_code == (200 if code == "JPY" else 422)
    refused = problem(answer, 422)["problems"][0]
    assert (refused["field"], refused["value"]) == ("invoice.currency_code", "'JPY'")


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/v1/preview", {"keep_going": "yes"}, "?keep_going"),
        ("/v1/check", {"keep_going": "true"}, "?keep_going"),
    ],
)
def test_keep_going_refusals(
    client: httpx.Client, path: str, params: dict[str, str], field: str
) -> None:
    answer = client.post(path, json=GOOD, params=params)
    assert problem(answer, 422)["problems"][0]["field"] == field


# -- refusals --------------------------------------------------------------------------------


def test_an_invalid_invoice_is_422_naming_the_field(
    client: httpx.Client, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    invoices = [BASE, {**BASE, "lines": [{"quantity": "2", "unit_price": "1.5x"}]}]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(invoices))
    answer = client.post(
        "/v1/preview", content=path.read_bytes(), headers={"content-type": "application/json"}
    )
    body = problem(answer, 422)
    assert body["problems"] == [
        {
            "source": "body",
            "invoice": 1,
            "field": "lines[0].unit_price",
            "value": "'1.5x'",
            "problem": "is not a decimal number",
        }
    ]
    status, _, err = cli(capsys, "preview", path, "--as-of", "2024-03-10")
    assert status == 2
    assert err == f"invoicecalc: {path}: {body['detail']}\n"


@pytest.mark.parametrize(
    ("document", "field"),
    [
        (b"{", ""),
        (json.dumps({**BASE, "sales_tax": "-1"}).encode(), "sales_tax"),
        (json.dumps({**BASE, "sales_tax": True}).encode(), "sales_tax"),
        (json.dumps({**BASE, "surprise": 1}).encode(), "surprise"),
        (b'{"currency": "USD", "currency": "EUR"}', "currency"),
        (json.dumps({"currency": "USD"}).encode(), "invoice_date"),
    ],
)
def test_refusals_name_the_field(client: httpx.Client, document: bytes, field: str) -> None:
    answer = client.post(
        "/v1/preview", content=document, headers={"content-type": "application/json"}
    )
    body = problem(answer, 422)
    assert body["type"].startswith("tag:invoicecalc")
    assert body["problems"][0]["field"] == field
    assert body["problems"][0]["invoice"] is None


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"as_of": "2024-13-01"}, "?as_of"),
        ({"input": "excel"}, "?input"),
        ({"asof": "2024-01-01"}, "?asof"),
        ({"currency": "JPY"}, "?currency"),
    ],
)
def test_query_refusals(client: httpx.Client, params: dict[str, str], field: str) -> None:
    answer = client.post("/v1/preview", json=BASE, params=params)
    assert problem(answer, 422)["problems"][0]["field"] == field


@pytest.mark.parametrize(("name", "xml"), [("billion-laughs", LAUGHS), ("xxe", XXE)])
@pytest.mark.parametrize("fmt", ["cashboard", "freshbooks"])
@pytest.mark.parametrize("content_type", ["application/xml", "text/xml; charset=utf-8"])
def test_hostile_xml_gets_the_command_lines_refusal(
    client: httpx.Client,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    name: str,
    xml: str,
    fmt: str,
    content_type: str,
) -> None:
    path = tmp_path / f"{name}.xml"
    path.write_text(xml)
    answer = client.post(
        "/v1/preview",
        content=xml.encode(),
        params={"input": fmt},
        headers={"content-type": content_type},
    )
    body = problem(answer, 422)
    assert "refused as unsafe XML" in body["detail"]
    status, _, err = cli(capsys, "preview", path, "--input", fmt)
    assert status == 2
    assert err == f"invoicecalc: {path}: {body['detail']}\n"


def test_an_unknown_media_type_is_415(client: httpx.Client) -> None:
    answer = client.post("/v1/preview", content=b"{}", headers={"content-type": "text/plain"})
    assert "application/json" in problem(answer, 415)["detail"]
    assert "application/json" in answer.headers["accept"]
    answer = client.post("/v1/preview", content=b"{}")
    problem(answer, 415)
    xml = (GOLDEN / "freshbooks" / "spec-example.get.xml").read_bytes()
    answer = client.post(
        "/v1/preview",
        content=xml,
        params={"input": "freshbooks"},
        headers={"content-type": "application/json"},
    )
    problem(answer, 415)


def test_unknown_path_and_wrong_method(client: httpx.Client) -> None:
    problem(client.get("/v2/preview"), 404)
    answer = client.get("/v1/preview")
    problem(answer, 405)
    assert answer.headers["allow"] == "POST"


def test_oversize_with_content_length_is_413(client: httpx.Client) -> None:
    body = json.dumps({**BASE, "notes": "x" * LIMIT}).encode()
    answer = client.post("/v1/preview", content=body, headers={"content-type": "application/json"})
    assert "bytes" in problem(answer, 413)["detail"]


def test_oversize_chunked_is_413(client: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"notes": "'
        for _ in range(2 * LIMIT // 1024):
            yield b"x" * 1024
        yield b'"}'

    answer = client.post(
        "/v1/preview", content=chunks(), headers={"content-type": "application/json"}
    )
    assert answer.request.headers["transfer-encoding"] == "chunked"
    problem(answer, 413)


def test_oversize_multipart_is_413(client: httpx.Client) -> None:
    files = [("a", ("a.xml", b"x" * LIMIT)), ("b", ("b.xml", b"y" * 1024))]
    problem(client.post("/v1/preview", files=files, params={"input": "cashboard"}), 413)


def _raw(port: int, request: bytes, wait: float = 10.0) -> bytes:
    """Send ``request`` as it is and read the answer until the server closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as sock:
        sock.sendall(request)
        answer = b""
        with contextlib.suppress(ConnectionResetError):
            while part := sock.recv(65536):
                answer += part
        return answer


def test_413_comes_before_the_declared_body(server: Running) -> None:
    """A declared 10 GB body is refused from its headers: not one body byte is sent."""
    started = time.monotonic()
    answer = _raw(
        server.port,
        b"POST /v1/preview HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: 10000000000\r\n\r\n",
    )
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert b"application/problem+json" in answer
    assert time.monotonic() - started < 5


def test_413_while_a_chunked_body_is_still_coming(server: Running) -> None:
    """The body is counted as it streams: past the limit the answer comes though the
    body never ends."""
    chunk = b"x" * (LIMIT + 1)
    answer = _raw(
        server.port,
        b"POST /v1/preview HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n" + f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n",
    )
    assert answer.startswith(b"HTTP/1.1 413 ")


def test_413_when_the_bytes_past_the_limit_are_the_last_of_the_body() -> None:
    """A server may hand over the rest of a chunked body at once, ending it with the
    message that passes the limit; there is then nothing left to drop, and the answer is
    the 413 (it was a 500: the drain read a stream already consumed)."""
    messages = [{"type": "http.request", "body": b"x" * (LIMIT + 1), "more_body": False}]
    sent = asgi(messages, [(b"content-type", b"application/json")])
    assert sent[0]["status"] == 413
    body = json.loads(b"".join(message.get("body", b"") for message in sent[1:]))
    assert body["detail"] == f"the body passed {LIMIT} bytes, the most that are read"


# -- what a careful client can still get wrong (each was answered wrongly once) ---------------


def _multipart(*parts: tuple[str, bytes], end: bytes = b"--B--\r\n") -> bytes:
    """A multipart body of ``(Content-Disposition parameters, bytes)`` parts, boundary B."""
    body = b"".join(
        b"--B\r\nContent-Disposition: form-data; " + disposition.encode() + b"\r\n\r\n"
        + data + b"\r\n"
        for disposition, data in parts
    )  # fmt: skip
    return body + end


def _post_multipart(client: httpx.Client, body: bytes, **params: str) -> httpx.Response:
    headers = {"content-type": "multipart/form-data; boundary=B"}
    return client.post("/v1/preview", content=body, headers=headers, params=params)


@pytest.mark.parametrize("keep_going", ["false", "true"])
def test_a_multipart_body_cut_off_is_refused_not_read_short(
    client: httpx.Client, keep_going: str
) -> None:
    """A body whose last part never ends used to answer 200 for the parts before it,
    the cut-off part left out as if it had never been sent."""
    whole = EXAMPLE.read_bytes()
    first = ('name="a"; filename="a.json"', whole)
    cut = _multipart(first) [: -len(b"--B--\r\n")]  # fmt: skip
    cut += b'--B\r\nContent-Disposition: form-data; name="b"; filename="b.json"\r\n\r\n{"cur'
    answer = _post_multipart(client, cut, keep_going=keep_going)
    assert problem(answer, 400)["detail"] == "the multipart body ends before its closing boundary"
    # Only the closing boundary missing is the same refusal.
    answer = _post_multipart(client, _multipart(first, end=b""), keep_going=keep_going)
    assert problem(answer, 400)["detail"] == "the multipart body ends before its closing boundary"
    assert _post_multipart(client, _multipart(first)).status_code == 200


def test_a_part_without_a_filename_is_its_bytes_as_sent(
    client: httpx.Client, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A part with a name and no filename was decoded as text (latin-1 when not UTF-8)
    and encoded again, so bytes the command line refuses were read as other text."""
    latin = json.dumps({**BASE, "number": "Dés"}, ensure_ascii=False).encode("latin-1")
    path = tmp_path / "doc"
    path.write_bytes(latin)
    for disposition in ('name="doc"', 'name="x"; filename="doc"'):
        body = problem(_post_multipart(client, _multipart((disposition, latin))), 422)
        assert body["problems"][0]["source"] == "doc"
        status, _, err = cli(capsys, "preview", path)
        assert status == 2
        assert err == f"invoicecalc: {path}: {body['detail']}\n"
    utf8 = json.dumps({**BASE, "number": "Dés"}, ensure_ascii=False).encode()
    answer = _post_multipart(client, _multipart(('name="doc"', utf8)), as_of="2024-03-10")
    assert answer.status_code == 200, answer.text
    assert answer.json()["number"] == "Dés"


def test_at_most_1000_parts_are_read(client: httpx.Client) -> None:
    parts = [(f'name="p{n}"', b"{}") for n in range(1001)]
    detail = problem(_post_multipart(client, _multipart(*parts)), 400)["detail"]
    assert detail == "the multipart body has more than 1000 parts"


def test_a_part_after_the_closing_boundary_is_refused_not_dropped(client: httpx.Client) -> None:
    """The parser drops what follows the closing boundary unread: a second part sent
    after it was left out of a 200 answer."""
    first = ('name="a"; filename="a.json"', EXAMPLE.read_bytes())
    second = _multipart(('name="b"; filename="b.json"', EXAMPLE.read_bytes()))
    answer = _post_multipart(client, _multipart(first) + second)
    assert problem(answer, 400)["detail"] == "the multipart body goes on after its closing boundary"
    # Blank lines after it are no part.
    assert _post_multipart(client, _multipart(first) + b"\r\n\r\n").status_code == 200


def test_a_boundary_longer_than_the_parser_takes_is_400(client: httpx.Client) -> None:
    """A boundary over 256 bytes made the parser's constructor fail: a 500."""
    boundary = "x" * 300
    body = _multipart(('name="a"; filename="a.json"', EXAMPLE.read_bytes()))
    body = body.replace(b"--B", b"--" + boundary.encode())
    headers = {"content-type": f"multipart/form-data; boundary={boundary}"}
    answer = client.post("/v1/preview", content=body, headers=headers)
    assert "the multipart body cannot be read" in problem(answer, 400)["detail"]


@pytest.mark.parametrize(
    ("disposition", "name"),
    [
        ('name="a"; filename="C:\\dir\\inv.json"', "C:\\dir\\inv.json"),
        ("name=\"a\"; filename*=UTF-8''%C3%A9t%C3%A9.json", "été.json"),
        ("name=\"a\"; filename*=iso-8859-1''%E9t%E9.json", "été.json"),
        ("name=\"a\"; filename*0*=UTF-8''%C3%A9t; filename*1*=%C3%A9.json", "été.json"),
        ('name="field"', "field"),
    ],
)
def test_a_part_is_named_by_its_filename_as_sent(
    client: httpx.Client, disposition: str, name: str
) -> None:
    """python-multipart's own reading cut a Windows path to its last piece."""
    answer = _post_multipart(client, _multipart((disposition, b"{")))
    assert problem(answer, 422)["problems"][0]["source"] == name


@pytest.mark.parametrize(
    ("disposition", "detail"),
    [
        (
            "name=\"a\"; filename*=UTF-8''%FF%FE.json",
            "a part's filename*: is not utf-8 text (got '\xff\xfe.json')",
        ),
        (
            "name=\"a\"; filename*=x-bogus''caf%E9.json",
            "a part's filename*: names a charset not known here (got 'x-bogus')",
        ),
    ],
)
def test_a_filename_that_cannot_be_decoded_is_400(
    client: httpx.Client, disposition: str, detail: str
) -> None:
    """Such a filename was decoded with U+FFFD for what it could not read, or in latin-1
    when its charset was unknown, and reported as the part's source."""
    assert problem(_post_multipart(client, _multipart((disposition, b"{}"))), 400)["detail"] == (
        detail
    )


def test_a_part_without_a_form_data_name_is_400(client: httpx.Client) -> None:
    body = b"--B\r\nContent-Type: application/json\r\n\r\n{}\r\n--B--\r\n"
    detail = problem(_post_multipart(client, body), 400)["detail"]
    assert detail == "a part of the multipart body has no form-data name"


def test_freshbooks_tax_lists_alone_are_refused_as_on_the_command_line(
    client: httpx.Client, capsys: pytest.CaptureFixture[str]
) -> None:
    """This was a 500: the refusal of the documents together named none of them."""
    path = GOLDEN / "freshbooks" / "quebec-2012.tax.list.xml"

    def post(keep_going: str) -> httpx.Response:
        return client.post(
            "/v1/preview",
            content=path.read_bytes(),
            params={"input": "freshbooks", "keep_going": keep_going},
            headers={"content-type": "application/xml"},
        )

    answer = post("false")
    assert problem(answer, 422)["problems"][0]["source"] == "body"
    assert_same_as_cli(capsys, answer, [path, "--input", "freshbooks"])
    answer = post("true")
    assert answer.status_code == 200
    assert (
        answer.json()["error"]["problem"] == "holds only tax lists: give the invoices beside them"
    )
    assert_kept_as_cli(capsys, answer, [path, "--input", "freshbooks"])


def test_a_refusal_while_calculating_names_its_document(
    client: httpx.Client, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The example's 1.5% a month compounding to 9999-12-31 passes the 10**18 bound as
    the totals are worked out, not as the document is read; the problem named no
    document."""
    late = tmp_path / "late.json"
    late.write_text(json.dumps({**json.loads(EXAMPLE.read_text()), "as_of": "9999-12-31"}))
    answer = post_files(client, "/v1/preview", [EXAMPLE, late])
    found = problem(answer, 422)["problems"][0]
    assert (found["source"], found["invoice"], found["field"]) == ("late.json", None, "late_fee")
    assert_same_as_cli(capsys, answer, [EXAMPLE, late])
    # In an array, its index; the whole body is "body".
    invoices = [json.loads(EXAMPLE.read_text()), json.loads(late.read_text())]
    answer = client.post("/v1/preview", json=invoices)
    found = problem(answer, 422)["problems"][0]
    assert (found["source"], found["invoice"], found["field"]) == ("body", 1, "late_fee")
    answer = client.post("/v1/check", json=invoices)
    found = problem(answer, 422)["problems"][0]
    assert (found["source"], found["invoice"], found["field"]) == ("body", 1, "late_fee")


GOOD_TEXT = json.dumps(GOOD).encode()


@pytest.mark.parametrize(
    ("document", "invoice", "field"),
    [
        (b"[" + GOOD_TEXT + b', {"currency": "USD", "currency": "EUR"}]', 1, "currency"),
        (b"[" + GOOD_TEXT + b', {"a": [1, ', 1, ""),
        (b"[" + GOOD_TEXT + b", " + GOOD_TEXT + b"] junk", 2, ""),
    ],
)
def test_an_arrays_refusal_names_the_invoice_as_on_the_command_line(
    client: httpx.Client,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    document: bytes,
    invoice: int,
    field: str,
) -> None:
    """The command line reads an array an element at a time, and names the element
    refused; the service read it whole, and named none."""
    path = tmp_path / "array.json"
    path.write_bytes(document)
    answer = client.post(
        "/v1/preview", content=document, headers={"content-type": "application/json"}
    )
    found = problem(answer, 422)["problems"][0]
    assert (found["invoice"], found["field"]) == (invoice, field)
    assert_same_as_cli(capsys, answer, [path])


@pytest.mark.parametrize("query", ["as_of=%FF", "%C3=json", "input=kash%FFoo"])
def test_a_query_that_is_not_utf8_is_400_showing_its_bytes(
    client: httpx.Client, query: str
) -> None:
    """Starlette's reading put U+FFFD for %FF, and the refusal showed '\ufffd'."""
    answer = client.post(f"/v1/preview?{query}", json=BASE)
    detail = problem(answer, 400)["detail"]
    assert detail == f"the query: is not UTF-8 once its %-escapes are undone (got b'{query}')"


@pytest.mark.parametrize(
    "query",
    [
        "as_of=2024-03-10&as_of=2025-01-01",
        "input=json&input=kashoo",
        "keep_going=true&keep_going=false",
    ],
)
def test_a_query_parameter_given_twice_is_refused(client: httpx.Client, query: str) -> None:
    """The last one used to win, silently: a total could change without a word."""
    answer = client.post(f"/v1/preview?{query}", json=BASE)
    found = problem(answer, 422)["problems"][0]
    assert found["field"] == "?" + query.partition("=")[0]
    assert found["problem"] == "is given more than once"


def test_query_refusals_name_the_parameter_alone(client: httpx.Client) -> None:
    answer = client.post("/v1/preview", json=BASE, params={"input": "cashboard", "currency": "cad"})
    found = problem(answer, 422)["problems"][0]
    assert (found["source"], found["field"], found["value"]) == (None, "?currency", "'cad'")
    files = [("a", ("invoices.xml", CASHBOARD_SET[0].read_bytes()))]
    answer = client.post("/v1/preview", files=files, params={"input": "cashboard"})
    found = problem(answer, 422)["problems"][0]
    assert (found["source"], found["field"]) == (None, "?currency")


def test_a_path_with_a_trailing_slash_is_404_not_a_redirect(client: httpx.Client) -> None:
    answer = client.post("/v1/preview/", json=BASE, headers={"host": "evil.example"})
    problem(answer, 404)
    assert "location" not in answer.headers


@pytest.mark.parametrize(
    ("headers", "shown"),
    [
        ({"content-type": "application/json", "content-encoding": "gzip"}, "'gzip'"),
        ({"content-type": "application/json; charset=iso-8859-1"}, "'iso-8859-1'"),
        ({"content-type": "application/json; charset=no-such"}, "'no-such'"),
    ],
)
def test_a_body_that_would_be_misread_is_415(
    client: httpx.Client, headers: dict[str, str], shown: str
) -> None:
    answer = client.post("/v1/preview", content=json.dumps(BASE).encode(), headers=headers)
    assert shown in problem(answer, 415)["detail"]


@pytest.mark.parametrize(
    ("fmt", "accept"),
    [
        ("json", "application/json; charset=utf-8, multipart/form-data"),
        (
            "cashboard",
            "application/xml, text/xml, application/json; charset=utf-8, multipart/form-data",
        ),
        ("freshbooks", "application/xml, text/xml, multipart/form-data"),  # no JSON at all
    ],
)
def test_json_not_in_utf8_is_415_with_an_accept_naming_what_is_read(
    client: httpx.Client, fmt: str, accept: str
) -> None:
    """RFC 9110 §12.5.1: the 415 says in ``Accept`` what is read, UTF-8 made explicit
    for JSON; the charset refusal sent none."""
    headers = {"content-type": "application/json; charset=iso-8859-1"}
    answer = client.post(
        "/v1/preview", content=json.dumps(BASE).encode(), params={"input": fmt}, headers=headers
    )
    problem(answer, 415)
    assert answer.headers["accept"] == accept


#: FreshBooks' example invoice without its XML declaration, its notes not ASCII.
SPEC_EXAMPLE = (GOLDEN / "freshbooks" / "spec-example.get.xml").read_text(encoding="utf-8")
NOTED = SPEC_EXAMPLE.split("\n", 1)[1].replace("<notes></notes>", "<notes>Montréal</notes>")
XML_ACCEPT = "application/xml, text/xml, multipart/form-data"


def noted(encoding: str, declared: str | None) -> bytes:
    """:data:`NOTED` in ``encoding``, its XML declaration naming ``declared`` (None: none)."""
    text = NOTED if declared is None else f'<?xml version="1.0" encoding="{declared}"?>\n{NOTED}'
    return text.encode(encoding)


def post_xml(client: httpx.Client, data: bytes, content_type: str) -> httpx.Response:
    params = {"input": "freshbooks", "as_of": "2024-03-05"}
    return client.post(
        "/v1/preview", content=data, params=params, headers={"content-type": content_type}
    )


@pytest.mark.parametrize(
    ("content_type", "data"),
    [
        *[
            (f"text/xml; charset={name}", noted("utf-8", None))
            for name in ("utf-8", "UTF-8", "utf8", '"utf-8"')
        ],
        ("application/xml; charset=utf-8", noted("utf-8", "UTF-8")),
        ("application/xml; charset=utf-8", b"\xef\xbb\xbf" + noted("utf-8", None)),
        ("application/xml; charset=iso-8859-1", noted("latin-1", "ISO-8859-1")),
        ("text/xml; charset=latin1", noted("latin-1", "iso-8859-1")),
        ("application/xml; charset=utf-16", noted("utf-16", None)),
    ],
)
def test_an_xml_charset_that_agrees_with_the_document_is_read_as_without_it(
    client: httpx.Client, content_type: str, data: bytes
) -> None:
    answer = post_xml(client, data, content_type)
    assert answer.status_code == 200, answer.text
    assert answer.content == post_xml(client, data, content_type.split(";")[0]).content


@pytest.mark.parametrize(
    ("content_type", "data", "shown"),
    [
        (
            "text/xml; charset=iso-8859-1",
            noted("utf-8", None),
            "'iso-8859-1' but the document is UTF-8",
        ),
        (
            "text/xml; charset=iso-8859-1",
            noted("utf-8", "utf-8"),
            "'iso-8859-1' but the document is UTF-8",
        ),
        (
            "application/xml; charset=utf-8",
            noted("latin-1", "ISO-8859-1"),
            "'utf-8' but the document is ISO-8859-1",
        ),
        (
            "application/xml; charset=windows-1252",
            noted("latin-1", "ISO-8859-1"),
            "'windows-1252' but the document is ISO-8859-1",
        ),
        (
            "application/xml; charset=utf-8",
            noted("utf-16", None),
            "'utf-8' but the document is UTF-16",
        ),
        (
            "application/xml; charset=utf-16le",
            noted("utf-16", None),
            "'utf-16le' but the document is UTF-16",
        ),
        (  # the same bytes (all ASCII), but another codec than the one read in
            "application/xml; charset=us-ascii",
            NOTED.replace("é", "e").encode(),
            "'us-ascii' but the document is UTF-8",
        ),
        ("application/xml; charset=no-such", noted("utf-8", None), "'no-such'"),
    ],
)
def test_an_xml_charset_the_document_is_not_read_in_is_415(
    client: httpx.Client, content_type: str, data: bytes, shown: str
) -> None:
    """RFC 7303 §3: the charset parameter is authoritative for XML, so a client would
    read the document in it, where the parser reads it by its mark or declaration."""
    answer = post_xml(client, data, content_type)
    assert shown in problem(answer, 415)["detail"]
    assert answer.headers["accept"] == XML_ACCEPT


def test_an_xml_document_refused_for_its_encoding_is_refused_as_on_the_command_line(
    client: httpx.Client, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """With or without a charset parameter naming it: the reader's refusal, not a 415."""
    path = tmp_path / "in.xml"
    path.write_bytes(noted("utf-32", None))
    status, _, err = cli(capsys, "preview", path, "--input", "freshbooks")
    assert status == 2
    for content_type in ("application/xml", "application/xml; charset=utf-32"):
        detail = problem(post_xml(client, path.read_bytes(), content_type), 422)["detail"]
        assert err == f"invoicecalc: {path}: {detail}\n"


def test_a_parts_charset_is_not_read(client: httpx.Client) -> None:
    """Multipart: ?input says what every part is, its Content-Type is not read."""
    part = ("in.xml", noted("utf-8", None), "text/xml; charset=iso-8859-1")
    params = {"input": "freshbooks", "as_of": "2024-03-05"}
    answer = client.post("/v1/preview", files=[("a", part)], params=params)
    assert answer.status_code == 200, answer.text


def test_a_client_waiting_for_100_continue_is_not_invited_to_send_an_oversize_body(
    server: Running,
) -> None:
    """The 413 comes at once, with no "100 Continue" before it: reading the body to drop
    it asked the client to send what would be thrown away."""
    answer = _raw(
        server.port,
        b"POST /v1/preview HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {LIMIT + 10}\r\nExpect: 100-continue\r\n\r\n".encode(),
    )
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:80]
    assert b"100 Continue" not in answer


def test_a_client_that_leaves_mid_body_is_not_a_server_error() -> None:
    """It was answered by the 500 handler (and logged as a failure)."""
    messages = [
        {"type": "http.request", "body": b'{"curr', "more_body": True},
        {"type": "http.disconnect"},
    ]
    assert asgi(messages, [(b"content-type", b"application/json")])[0]["status"] == 400


@pytest.mark.parametrize(
    ("header", "status"),
    [
        ((b"content-length", "²".encode("latin-1")), 400),  # a digit to str.isdigit
        ((b"content-type", b"application/json; charset=utf-8\x00"), 415),
    ],
)
def test_headers_no_http_server_would_pass_are_refused_not_a_server_error(
    header: tuple[bytes, bytes], status: int
) -> None:
    """Mounted in another ASGI stack the app may see them: they were 500s."""
    headers = [(b"content-type", b"application/json"), header]
    headers = list(dict(headers).items())
    messages = [{"type": "http.request", "body": b"{}", "more_body": False}]
    assert asgi(messages, headers)[0]["status"] == status


def test_large_bodies_are_worked_on_one_at_a_time_small_ones_side_by_side(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A body takes some 27 times its size worked on: forty threads each on a 10 MiB
    array reached 2.2 GB. Large bodies now wait their turn; small ones do not."""
    from invoicecalc.server import _app, _work

    active, most = {"small": 0, "large": 0}, {"small": 0, "large": 0}
    lock = threading.Lock()
    real = _work.preview

    def counted(call: Any, today: Any) -> Any:
        kind = "large" if len(call.sources[0][1]) > _app.SMALL_BODY else "small"
        with lock:
            active[kind] += 1
            most[kind] = max(most[kind], active[kind])
        time.sleep(0.3)
        with lock:
            active[kind] -= 1
        return real(call, today)

    monkeypatch.setattr(_work, "preview", counted)
    padded = {**GOOD, "as_of": "2024-03-10", "notes": "x" * (_app.SMALL_BODY + 1)}
    small = {**GOOD, "as_of": "2024-03-10"}
    with (
        Running(create_app(max_body=4 * _app.SMALL_BODY)) as running,
        httpx.Client(base_url=running.url, timeout=TIMEOUT) as client,
        ThreadPoolExecutor(8) as pool,
    ):
        invoices = [padded] * 4 + [small] * 4
        answers = list(pool.map(lambda invoice: client.post("/v1/preview", json=invoice), invoices))
    assert [answer.status_code for answer in answers] == [200] * 8
    assert most == {"small": 4, "large": 1}


# -- load ------------------------------------------------------------------------------------


def _invoice(n: int) -> dict[str, Any]:
    return {
        **BASE,
        "number": f"N-{n}",
        "as_of": "2024-03-10",
        "lines": [{"quantity": str(n), "unit_price": "1.25"}, {"flat_fee": f"{n}.00"}],
        "sales_tax": "7.5",
    }


def test_32_requests_at_once_are_each_answered_right(client: httpx.Client) -> None:
    from invoicecalc.document import preview

    invoices = [_invoice(n) for n in range(32)]
    barrier = threading.Barrier(32, timeout=10)

    def call(invoice: dict[str, Any]) -> httpx.Response:
        barrier.wait()
        return client.post("/v1/preview", json=invoice)

    with ThreadPoolExecutor(32) as pool:
        answers = list(pool.map(call, invoices))
    for invoice, answer in zip(invoices, answers, strict=True):
        assert answer.status_code == 200, answer.text
        assert answer.json() == json.loads(preview(json.dumps(invoice)))


def test_a_slow_client_does_not_hold_up_the_others(client: httpx.Client, server: Running) -> None:
    body = json.dumps(_invoice(7)).encode()
    pieces = [body[i : i + 16] for i in range(0, len(body), 16)]
    pause = 1.5 / len(pieces)
    slow_done = threading.Event()
    slow_answer: list[httpx.Response] = []

    def slowly() -> Iterator[bytes]:
        for piece in pieces:
            time.sleep(pause)
            yield piece

    def slow_client() -> None:
        with httpx.Client(base_url=server.url, timeout=TIMEOUT) as own:
            slow_answer.append(
                own.post(
                    "/v1/preview", content=slowly(), headers={"content-type": "application/json"}
                )
            )
        slow_done.set()

    thread = threading.Thread(target=slow_client)
    thread.start()
    time.sleep(0.2)
    quick = []
    for n in range(5):
        started = time.monotonic()
        answer = client.post("/v1/preview", json=_invoice(n))
        quick.append(time.monotonic() - started)
        assert answer.status_code == 200
    assert not slow_done.is_set(), "the slow body should still be arriving"
    assert max(quick) < 1.0
    thread.join(timeout=20)
    assert slow_done.is_set()
    assert slow_answer[0].status_code == 200
    assert (
        slow_answer[0].json()["total"]
        == client.post("/v1/preview", json=_invoice(7)).json()["total"]
    )


def test_a_body_that_never_finishes_is_408() -> None:
    with Running(create_app(max_body=LIMIT, body_timeout=0.5)) as running:
        started = time.monotonic()
        answer = _raw(
            running.port,
            b"POST /v1/preview HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100\r\n\r\n{",
        )
        assert answer.startswith(b"HTTP/1.1 408 ")
        assert time.monotonic() - started < 5


# -- the description -------------------------------------------------------------------------


def test_openapi_request_schema_is_the_neutral_schema(client: httpx.Client) -> None:
    document = client.get("/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    body = document["paths"]["/v1/preview"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"$ref": "#/components/schemas/document"}
    schemas = document["components"]["schemas"]
    relinked = json.loads(json.dumps(NEUTRAL_SCHEMA).replace("#/$defs/", "#/components/schemas/"))
    assert schemas["document"]["anyOf"] == relinked["anyOf"]
    for name, schema in relinked["$defs"].items():
        assert schemas[name] == schema


def test_openapi_names_each_endpoints_query_parameters(client: httpx.Client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    named = {
        path: [parameter["name"] for parameter in paths[path]["post"]["parameters"]]
        for path in ("/v1/preview", "/v1/check")
    }
    assert named == {
        "/v1/preview": ["input", "as_of", "currency", "keep_going"],
        "/v1/check": ["input", "as_of", "currency"],
    }
    headers = paths["/v1/preview"]["post"]["responses"]["200"]["headers"]
    assert set(headers) == {"Invoicecalc-As-Of", "Invoicecalc-Refused"}


def test_schema_command_prints_the_schema(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = cli(capsys, "schema")
    assert (status, err) == (0, "")
    assert out == schema_text()
    assert json.loads(out) == NEUTRAL_SCHEMA


# -- the command -----------------------------------------------------------------------------

_WITHOUT_EXTRA = """
import sys
for name in ("starlette", "uvicorn"):
    sys.modules[name] = None  # as if the server extra were not installed
from invoicecalc._cli import main
import invoicecalc.document
assert main(["preview", sys.argv[1], "--output", "json"]) == 0
sys.exit(main(["serve", "--port", "0"]))
"""


def test_serve_without_the_extra_says_so_and_exits_2() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _WITHOUT_EXTRA, str(EXAMPLE)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert '"total"' in done.stdout  # the core works without it
    assert done.stderr.count("\n") == 1
    assert "pip install 'invoicecalc[server]'" in done.stderr


@pytest.mark.parametrize(
    ("option", "given", "problem"),
    [
        ("--port", "65536", "must be a whole number from 0 to 65535"),
        ("--port", "\u0663", "must be a whole number from 0 to 65535"),  # int() takes it for 3
        ("--workers", "0", "must be a whole number, at least 1"),
        ("--max-body", "1_000", "must be a whole number, at least 1"),  # int() takes it
        ("--max-body", "9" * 5000, "must be a whole number, at least 1"),
    ],
)
def test_a_serve_option_is_ascii_digits_in_its_range(
    capsys: pytest.CaptureFixture[str], option: str, given: str, problem: str
) -> None:
    """serve's whole-number options are read as --jobs is: ASCII digits, the value shown
    cut (they were read by int(), which takes "1_000" and "٣")."""
    with pytest.raises(SystemExit) as stopped:
        main(["serve", option, given])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {option}: {problem} (got '" in err
    assert len(err) < 600


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.mark.parametrize("workers", [1, 2])
def test_the_serve_command_serves(workers: int) -> None:
    port = _free_port()
    command = [sys.executable, "-m", "invoicecalc", "serve", "--port", str(port)]
    command += ["--workers", str(workers), "--max-body", "1000"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=TIMEOUT) as client:
            while True:
                try:
                    assert client.get("/healthz").status_code == 200
                    break
                except httpx.TransportError:
                    assert process.poll() is None, process.stdout.read() if process.stdout else ""
                    assert time.monotonic() < deadline, "serve did not start"
                    time.sleep(0.1)
            assert client.post("/v1/preview", json=_invoice(3)).status_code == 200
            answer = client.post("/v1/preview", json={**BASE, "notes": "x" * 1000})
            assert answer.status_code == 413  # --max-body reached the workers
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        if process.stdout:
            process.stdout.close()


@pytest.mark.parametrize("charset", ["utf-8", "UTF-8", '"utf-8"', "utf8"])
def test_json_in_utf8_is_read_however_the_charset_is_spelled(
    client: httpx.Client, charset: str
) -> None:
    headers = {"content-type": f"application/json; charset={charset}"}
    answer = client.post("/v1/preview?as_of=2024-03-10", content=json.dumps(BASE), headers=headers)
    assert answer.status_code == 200, answer.text


def test_every_content_encoding_header_is_read(server: Running) -> None:
    """Only the first was: identity then gzip read a gzipped body as it was."""
    answer = _raw(
        server.port,
        b"POST /v1/preview HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Encoding: identity\r\nContent-Encoding: gzip\r\nContent-Length: 2\r\n"
        b"Connection: close\r\n\r\n{}",
    )
    assert answer.startswith(b"HTTP/1.1 415 "), answer[:80]
    assert b"'identity, gzip'" in answer


def test_an_arrays_integer_of_thousands_of_digits_is_refused_not_a_server_error(
    client: httpx.Client, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Splitting the array converted it with int(), past its 4,300 digits: a 500 (and a
    traceback from the command line)."""
    document = b"[" + json.dumps(GOOD).encode() + b', {"currency": "USD", "q": ' + b"1" * 5000
    document += b"}]"
    path = tmp_path / "long.json"
    path.write_bytes(document)
    answer = client.post(
        "/v1/preview", content=document, headers={"content-type": "application/json"}
    )
    found = problem(answer, 422)["problems"][0]
    assert (found["invoice"], found["field"]) == (1, "q")
    assert found["problem"] == "has a number too long to be an amount"
    assert_same_as_cli(capsys, answer, [path])


def test_the_closing_boundary_is_found_however_the_body_is_split() -> None:
    """The delimiter may straddle the messages the body arrives in."""
    whole = _multipart(('name="a"; filename="a.json"', json.dumps(GOOD).encode()))
    after = _multipart(('name="b"; filename="b.json"', b"{}"))
    headers = [(b"content-type", b"multipart/form-data; boundary=B")]
    for body, status in ((whole, 200), (whole + after, 400)):
        for cut in range(len(whole) - 12, len(whole)):
            messages = [
                {"type": "http.request", "body": body[:cut], "more_body": True},
                {"type": "http.request", "body": body[cut:], "more_body": False},
            ]
            assert asgi(messages, headers)[0]["status"] == status, (cut, body[cut:][:20])


# -- the app's own arguments -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"max_body": 0}, InvalidValueError, "max_body: must be at least 1 byte (got 0)"),
        ({"max_body": True}, InvalidTypeError, "max_body: must be a whole number (int)"),
        ({"max_body": "10"}, InvalidTypeError, "max_body: must be a whole number (int)"),
        (
            {"body_timeout": 0},
            InvalidValueError,
            "body_timeout: must be more than 0 s and finite (got 0)",
        ),
        ({"body_timeout": float("nan")}, InvalidValueError, "body_timeout: must be more than"),
        ({"body_timeout": "5"}, InvalidTypeError, "body_timeout: must be a number of seconds"),
    ],
)
def test_create_app_refuses_a_bad_argument_naming_it(
    arguments: dict[str, Any], error: type[InvoiceCalcError], message: str
) -> None:
    """A bad limit was a bare ValueError, or a TypeError from a comparison, or (NaN, 0 s)
    an app that timed every body out."""
    with pytest.raises(error) as raised:
        create_app(**arguments)
    assert str(raised.value).startswith(message)


@pytest.mark.parametrize("value", ["", "ten", "0", "-5", "1.5"])
def test_a_worker_refuses_a_bad_body_limit_in_its_environment(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    """It was a bare ValueError from int() (or an app with no body allowed)."""
    monkeypatch.setenv(server_package.MAX_BODY_VARIABLE, value)
    with pytest.raises(InvalidValueError) as raised:
        server_package.app_from_environment()
    assert raised.value.field == "INVOICECALC_MAX_BODY"
    assert raised.value.value == value


def test_a_worker_takes_its_body_limit_from_its_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(server_package.MAX_BODY_VARIABLE, "10")
    with Running(server_package.app_from_environment()) as running:
        answer = httpx.post(
            running.url + "/v1/preview",
            content=b"{" + b" " * 10 + b"}",
            timeout=TIMEOUT,
            headers={"content-type": "application/json"},
        )
    assert answer.status_code == 413


def test_the_command_lines_default_body_limit_is_the_servers(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``serve --help`` states the default without the extra, so it is written down twice."""
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    assert f"(default: {server_package.DEFAULT_MAX_BODY})" in capsys.readouterr().out


def test_the_app_mounted_under_a_prefix_answers_as_the_docs_show() -> None:
    """docs/server.md: create_app mounted in a Starlette app of one's own."""
    from starlette.applications import Starlette
    from starlette.routing import Mount

    outer = Starlette(routes=[Mount("/invoicecalc", app=create_app(max_body=1_000_000))])
    with Running(outer) as running:
        health = httpx.get(running.url + "/invoicecalc/healthz", timeout=TIMEOUT)
        answer = httpx.post(
            running.url + "/invoicecalc/v1/preview?as_of=2024-03-10",
            content=json.dumps(GOOD),
            headers={"content-type": "application/json"},
            timeout=TIMEOUT,
        )
    assert health.json()["status"] == "ok"
    assert answer.status_code == 200, answer.text
    assert answer.json()["total"] == "3.00"  # 2 x 1.50, no tax
    assert answer.headers["invoicecalc-as-of"] == "2024-03-10"
