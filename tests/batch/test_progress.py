"""The progress bar: on a terminal only, after a delay; tqdm when installed, else a counter."""

from __future__ import annotations

import io
import sys

import pytest

from invoicecalc._cli import _progress
from invoicecalc._cli._progress import progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_nothing_is_drawn_when_stderr_is_not_a_terminal() -> None:
    items = [1, 2, 3]
    stream = io.StringIO()
    assert progress(items, stream=stream) is items
    assert stream.getvalue() == ""


def test_a_short_batch_draws_nothing_on_a_terminal() -> None:
    stream = Terminal()
    assert list(progress(range(3), stream=stream)) == [0, 1, 2]
    assert stream.getvalue() == ""


def test_tqdm_draws_the_bar_once_the_delay_is_past(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("tqdm", reason="the progress extra is not installed")
    monkeypatch.setattr(_progress, "DELAY", 0.0)
    stream = Terminal()
    assert list(progress(range(5), total=5, stream=stream)) == list(range(5))
    assert "5/5" in stream.getvalue()
    assert "invoices" in stream.getvalue()


def test_without_tqdm_a_counter_is_drawn(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tqdm", None)  # import tqdm fails
    monkeypatch.setattr(_progress, "DELAY", 0.0)
    stream = Terminal()
    assert list(progress(range(5), total=5, stream=stream)) == list(range(5))
    text = stream.getvalue()
    assert text.startswith("\rinvoicecalc: 1/5 invoices, ")
    assert text.endswith("\n")
