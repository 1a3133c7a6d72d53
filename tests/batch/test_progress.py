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
    assert list(progress(items, stream=stream)) == items
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


def noted() -> str:
    """What a terminal shows of three invoices counted, a refusal told at the second."""
    stream = Terminal()
    shown = progress(range(3), total=3, stream=stream)
    for item in shown:
        if item == 1:
            shown.note("invoicecalc: refused\n")
    return stream.getvalue()


def test_a_note_is_a_whole_line_above_the_counter(monkeypatch: pytest.MonkeyPatch) -> None:
    """A refusal told while the count was drawn was run into it on one line."""
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setattr(_progress, "DELAY", 0.0)
    lines = noted().split("\n")
    # The count is wiped (carriage return, blanks, carriage return) before the note,
    # and drawn again after it.
    assert lines[0].startswith("\rinvoicecalc: 1/3 invoices, ")
    assert lines[0].endswith(" \rinvoicecalc: refused")
    assert lines[1].startswith("invoicecalc: 1/3 invoices, ")
    assert lines[2:] == [""]


def test_a_note_is_written_above_the_tqdm_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("tqdm", reason="the progress extra is not installed")
    monkeypatch.setattr(_progress, "DELAY", 0.0)
    assert "\ninvoicecalc: refused\n" in noted().replace("\r", "\n")


def test_a_note_without_a_terminal_is_the_line_alone() -> None:
    stream = io.StringIO()
    shown = progress([1], stream=stream)
    shown.note("invoicecalc: refused\n")
    assert list(shown) == [1]
    assert stream.getvalue() == "invoicecalc: refused\n"


def test_the_bars_total_counts_invoices_not_blank_lines(tmp_path: object) -> None:
    from pathlib import Path

    from invoicecalc._cli._batches import _lines

    assert isinstance(tmp_path, Path)
    path = tmp_path / "blanks.jsonl"
    path.write_text('{"a": 1}\n\n   \n{"b": 2}\n\n')
    assert _lines([str(path)]) == 2
