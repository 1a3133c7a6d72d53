"""The version the package was installed as, in Python and on the command line."""

from __future__ import annotations

import importlib.metadata

import pytest

import invoicecalc
from invoicecalc._cli import main


def test_version_is_the_installed_one() -> None:
    assert invoicecalc.__version__ == importlib.metadata.version("invoicecalc")
    assert invoicecalc.__version__[0].isdigit()


def test_cli_prints_the_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out == f"invoicecalc {invoicecalc.__version__}\n"
