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
from collections.abc import Sequence
from typing import Any

import attrs

from . import _batch as batch
from ._stream import json_lines

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


def _source(file: Any) -> str:
    """The name an input is shown by: its path on this machine's disk, else its URL."""
    local = "file" in (
        file.fs.protocol if isinstance(file.fs.protocol, tuple) else (file.fs.protocol,)
    )
    return str(file.path if local else file.full_name)


def _preview_partition(
    number: int, file: Any, source: str, output: str, settings: batch.Settings
) -> Partition:
    """One partition read a line at a time, its results and refusals written as they come."""
    import fsspec

    results = f"{output}/part-{number:05d}.jsonl"
    errors = f"{output}/errors-{number:05d}.jsonl"
    filesystem, root = fsspec.core.url_to_fs(output)
    filesystem.makedirs(root, exist_ok=True)
    invoices = refused = 0
    counter = itertools.count()
    with (
        file as handle,
        fsspec.open(results, "w", encoding="utf-8", newline="\n") as out,
        fsspec.open(errors, "w", encoding="utf-8", newline="\n") as err,
    ):
        items = (
            batch.Item(next(counter), source, text=text, line=line)
            for line, text in json_lines(handle)
        )
        for piece in batch.pieces(items, settings):
            out.write(piece.text + "\n")
            invoices += 1
            if piece.refusal is not None:
                refused += 1
                err.write(json.dumps(piece.refusal.report(), ensure_ascii=False) + "\n")
    return Partition(number, source, results, errors, invoices, refused)


def preview_partitions(
    inputs: str | Sequence[str],
    output: str,
    *,
    as_of: dt.date | None = None,
    today: dt.date | None = None,
) -> list[Partition]:
    """Preview every partition of ``inputs`` (paths, URLs or a glob, each file a
    partition, in sorted order) into the folder ``output``; one :class:`Partition`
    each, in order. Index and line numbers in the error objects are the
    partition's own."""
    try:
        import dask
        import fsspec
    except ImportError as exc:
        raise ImportError(
            "invoicecalc.dask needs the dask extra: pip install 'invoicecalc[dask]'"
        ) from exc
    files = fsspec.open_files(inputs, "rb")
    settings = batch.Settings(batch.JSON_LINES, today=today, as_of=as_of)
    filesystem, root = fsspec.core.url_to_fs(output)
    filesystem.makedirs(root, exist_ok=True)
    tasks = [
        dask.delayed(_preview_partition, pure=False)(number, file, _source(file), output, settings)
        for number, file in enumerate(files)
    ]
    (done,) = dask.compute(tasks)
    return list(done)
