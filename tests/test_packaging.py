"""The installed distribution's metadata: what pip and a user's tools see.

These read ``importlib.metadata`` (the ``.dist-info`` of the installed
package), not ``pyproject.toml`` alone, so they check what the build backend
actually produced: run them against an editable install, a wheel or the
unpacked sdist.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import platform
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

import invoicecalc

DIST = "invoicecalc"
PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


@pytest.fixture(scope="module")
def metadata() -> importlib.metadata.PackageMetadata:
    return importlib.metadata.metadata(DIST)


@pytest.fixture(scope="module")
def project() -> dict[str, object]:
    with PYPROJECT.open("rb") as file:
        table: dict[str, object] = tomllib.load(file)["project"]
    return table


def _requirements(extra: str | None) -> dict[str, Requirement]:
    """The installed requirements, by name, that apply with ``extra`` (None: the runtime ones)."""
    found: dict[str, Requirement] = {}
    for text in importlib.metadata.requires(DIST) or []:
        requirement = Requirement(text)
        if requirement.marker is None:
            applies = extra is None
        else:
            applies = extra is not None and requirement.marker.evaluate({"extra": extra})
        if applies:
            found[requirement.name] = requirement
    return found


def test_version_is_the_projects(project: dict[str, object]) -> None:
    installed = importlib.metadata.version(DIST)
    assert installed == project["version"]
    assert getattr(invoicecalc, "__version__", None) == installed


def test_py_typed_is_shipped() -> None:
    files = {file.as_posix() for file in importlib.metadata.files(DIST) or []}
    if "invoicecalc/__init__.py" in files:
        # A wheel install records every file it put down (.ci/run checks one).
        assert "invoicecalc/py.typed" in files
    # An editable install records only its path hook; the marker sits beside the code.
    assert (Path(invoicecalc.__file__).parent / "py.typed").is_file()


def test_console_script_points_at_a_callable() -> None:
    scripts = importlib.metadata.entry_points(group="console_scripts")
    (entry,) = [ep for ep in scripts if ep.name == "invoicecalc"]
    assert entry.dist is not None
    assert entry.dist.name == DIST
    assert entry.module.startswith("invoicecalc.")
    assert callable(entry.load())


def test_runtime_requirements() -> None:
    assert set(_requirements(None)) == {"attrs", "babel", "python-dateutil", "defusedxml"}


def test_extras(metadata: importlib.metadata.PackageMetadata) -> None:
    assert set(metadata.get_all("Provides-Extra") or []) == {
        "testing",
        "server",
        "dask",
        "progress",
        "mutation",
        "dev",
    }
    testing = _requirements("testing")
    server = _requirements("server")
    dask = _requirements("dask")
    progress = _requirements("progress")
    dev = _requirements("dev")
    assert set(testing) == {"hypothesis"}
    # uvloop has no Windows build (nor one for PyPy); where it installs, uvicorn uses it
    uvloop = sys.platform != "win32" and platform.python_implementation() == "CPython"
    assert set(server) == {"starlette", "uvicorn", "python-multipart", "httptools"} | (
        {"uvloop"} if uvloop else set()
    )
    assert set(dask) == {"dask", "distributed", "fsspec"}
    assert set(progress) == {"tqdm"}
    # mutation testing is run by hand (benchmarks/mutation.py), not in dev or CI
    assert set(_requirements("mutation")) == {"hypothesis", "pytest", "mutmut"}
    assert "mutmut" not in dev
    # dev is every extra plus the tools: the backend flattens the extras into it.
    assert set(testing) | set(server) | set(dask) | set(progress) <= set(dev)
    assert {"httpx", "jsonschema"} <= set(dev)
    assert {dev[name].specifier for name in testing} == {testing["hypothesis"].specifier}
    assert {"pytest", "mypy", "ruff", "build", "types-python-dateutil"} <= set(dev)


def test_dev_extra_names_testing_rather_than_repeating_it(project: dict[str, object]) -> None:
    extras = project["optional-dependencies"]
    assert isinstance(extras, dict)
    dev = [Requirement(text) for text in extras["dev"]]
    assert any(req.name == DIST and req.extras == {"testing"} for req in dev)
    assert not {req.name for req in dev} & {Requirement(text).name for text in extras["testing"]}


def test_license_and_python(metadata: importlib.metadata.PackageMetadata) -> None:
    assert metadata["License-Expression"] == "MIT"
    assert metadata.get_all("License-File") == ["LICENSE"]
    assert not [c for c in metadata.get_all("Classifier") or [] if c.startswith("License ::")]
    assert metadata["Requires-Python"] == ">=3.11"


def test_classifiers(metadata: importlib.metadata.PackageMetadata) -> None:
    classifiers = set(metadata.get_all("Classifier") or [])
    assert {
        "Typing :: Typed",
        "Intended Audience :: Developers",
        "Topic :: Office/Business :: Financial :: Accounting",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
        "Programming Language :: Python :: 3.13",
    } <= classifiers
    assert {"invoice", "billing", "accounting"} <= set(metadata["Keywords"].split(","))
