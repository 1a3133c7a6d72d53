"""Preview partitioned JSON Lines on a Dask cluster (``pip install 'invoicecalc[dask]'``).

Each input file is a partition: one Dask task reads it a line at a time,
calculates each invoice and writes, beside the others, ``part-NNNNN.jsonl``
(one totals object per line, a refused invoice's error object in its place:
the bytes ``invoicecalc preview FILE --input jsonl --output jsonl
--keep-going`` prints) and ``errors-NNNNN.jsonl`` (each refusal as
``--errors json`` writes it). Paths may be anything fsspec opens (``s3://``,
``gs://``, a shared folder); the workers read and write them themselves, so
on a real cluster they must be storage every worker reaches.

The computation runs on the Dask scheduler in use: a
``dask.distributed.Client`` once one is made (docs/distributed.md), else
Dask's local one. As everywhere in the library, no clock is read: give
``as_of`` (wins over each invoice's own) or ``today`` (for invoices without
one), or each invoice states its own. Dask is imported when the function
is called: without the extra, it says which to install.

    import datetime as dt
    from dask.distributed import Client
    from invoicecalc.dask import preview_partitions

    client = Client("tcp://scheduler:8786")  # or none: Dask's local scheduler
    parts = preview_partitions("s3://bills/2024-03/in/*.jsonl", "s3://bills/2024-03/out",
                               today=dt.date(2024, 3, 31))
    refused = sum(part.refused for part in parts)

``tests/batch/test_dask.py`` runs it on a ``LocalCluster`` of two worker
processes and compares every partition with the command line's output.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import lzma
import os
import zlib
from collections.abc import Iterator, Sequence
from typing import Any

import attrs

from . import _batch as batch
from ._checks import check_date
from ._stream import json_lines
from .errors import InvalidTypeError, InvalidValueError, ParseError

__all__ = ["Partition", "preview_partitions"]


@attrs.frozen
class Partition:
    """What one partition gave: where its results and refusals were written, and how
    many invoices it held and how many of them were refused."""

    number: int
    source: str
    results: str
    errors: str
    invoices: int
    refused: int


def _source(file: Any, relative: bool) -> str:
    """The name an input is shown by: its path on this machine's disk (relative to the
    working folder when the inputs were given so, as the command line shows a path),
    else its URL."""
    local = "file" in (
        file.fs.protocol if isinstance(file.fs.protocol, tuple) else (file.fs.protocol,)
    )
    if not local:
        return str(file.full_name)
    return os.path.relpath(file.path) if relative else str(file.path)


#: The files a run writes in its output folder (a ``.partial`` one until it is whole).
_RESULTS, _ERRORS = "part-{:05d}.jsonl", "errors-{:05d}.jsonl"
_WRITTEN = ("part-", "errors-")


def _preview_partition(
    number: int, file: Any, source: str, output: str, settings: batch.Settings
) -> Partition:
    """One partition read a line at a time, its results and refusals written as they come,
    under a ``.partial`` name until the partition is done (so that a file of a run
    that stopped part way is never taken for a whole one). A partition that cannot
    be read is one error object, as on the command line."""
    import fsspec

    results = f"{output}/{_RESULTS.format(number)}"
    errors = f"{output}/{_ERRORS.format(number)}"
    filesystem, root = fsspec.core.url_to_fs(output)
    filesystem.makedirs(root, exist_ok=True)
    invoices = refused = 0
    counter = itertools.count()
    with (
        fsspec.open(results + ".partial", "w", encoding="utf-8", newline="\n") as out,
        fsspec.open(errors + ".partial", "w", encoding="utf-8", newline="\n") as err,
    ):
        for piece in batch.pieces(_items(file, source, counter), settings):
            out.write(piece.text + "\n")
            invoices += 1
            if piece.refusal is not None:
                refused += 1
                err.write(json.dumps(piece.refusal.report(), ensure_ascii=False) + "\n")
    for name in (results, errors):
        target = fsspec.core.url_to_fs(name)[1]
        filesystem.mv(target + ".partial", target)
    return Partition(number, source, results, errors, invoices, refused)


def _items(file: Any, source: str, counter: Iterator[int]) -> Iterator[batch.Item]:
    """Each line of the partition as a batch item; one refused item for a file that
    cannot be opened or read (as ``invoicecalc preview`` gives one), or whose
    compressed data is cut short or damaged (the decompressors' own errors)."""
    try:
        with file as handle:
            for line, text in json_lines(handle):
                yield batch.Item(next(counter), source, text=text, line=line)
    except (OSError, EOFError, zlib.error, lzma.LZMAError) as exc:
        error = ParseError("", f"cannot read: {getattr(exc, 'strerror', None) or exc}")
        yield batch.Item(next(counter), source, error=error)


def preview_partitions(
    inputs: str | Sequence[str],
    output: str,
    *,
    as_of: dt.date | None = None,
    today: dt.date | None = None,
) -> list[Partition]:
    """Preview every partition of ``inputs`` (paths, URLs or a glob, each file a
    partition: a list in its order, a glob's matches sorted; compressed ones by
    their suffix, ``.gz`` ...) into the folder ``output``; one :class:`Partition`
    each, in order. Index and line numbers in the error objects are the
    partition's own.

    Refused (:class:`~invoicecalc.errors.InvalidValueError`) before any work: a
    glob or list that names no file, and an ``output`` folder that already holds
    a run's ``part-*`` or ``errors-*`` files (an earlier run's would be taken for
    this one's, or an input overwritten): give a new or empty folder; and an
    empty ``output``. Refused (:class:`~invoicecalc.errors.InvalidTypeError`):
    ``inputs`` or ``output`` that is not text (a :class:`pathlib.Path`: give
    ``str(path)``).
    """
    try:
        import dask
        import fsspec
    except ImportError as exc:
        raise ImportError(
            "invoicecalc.dask needs the dask extra: pip install 'invoicecalc[dask]'"
        ) from exc
    for name, day in (("as_of", as_of), ("today", today)):
        if day is not None:
            check_date(day, name)
    given = [inputs] if isinstance(inputs, str) else inputs
    if not isinstance(given, Sequence):
        raise InvalidTypeError("inputs", inputs, "must be text: a path or URL, or a list of them")
    for place, path in enumerate(given):
        if not isinstance(path, str):
            raise InvalidTypeError(f"inputs[{place}]", path, "must be text: a path or URL")
    if not isinstance(output, str):
        raise InvalidTypeError("output", output, "must be text: a path or URL")
    output = output.rstrip("/") or output
    if not output:  # "" + "/part-00000.jsonl" is in the root folder
        raise InvalidValueError("output", output, 'names no folder (".": the working folder)')
    # fsspec raises its own ValueError for an empty list, and opens "" as the working folder.
    files = fsspec.open_files(inputs, "rb", compression="infer") if inputs else []
    if not files:
        raise InvalidValueError("inputs", inputs, "names no file")
    filesystem, root = fsspec.core.url_to_fs(output)
    if filesystem.isdir(root):
        held = sorted(
            name.rsplit("/", 1)[-1]
            for name in filesystem.ls(root, detail=False)
            if name.rsplit("/", 1)[-1].startswith(_WRITTEN)
        )
        if held:
            raise InvalidValueError(
                "output",
                output,
                f"already holds {held[0]}: a run's files are written only into a new or "
                "empty folder (an earlier run's would be taken for this one's)",
            )
    elif filesystem.exists(root):
        raise InvalidValueError("output", output, "is a file, not a folder")
    filesystem.makedirs(root, exist_ok=True)
    settings = batch.Settings(batch.JSON_LINES, today=today, as_of=as_of)
    relative = not any(os.path.isabs(path) or "://" in path for path in given)
    tasks = [
        dask.delayed(_preview_partition, pure=False)(
            number, file, _source(file, relative), output, settings
        )
        for number, file in enumerate(files)
    ]
    (done,) = dask.compute(tasks)
    return list(done)
