"""``results.csv``: one compact row per finished cell, appended atomically, read back to resume a sweep.

Each row is written with a single ``write`` to a file opened in append mode and flushed to disk, so
a killed sweep loses at most the cells in flight. A line that a crash (or a full disk) left without
its newline is cut off when the file is next opened, so the table never holds a torn row. Rows are
keyed by the cell's hash; a key already present is never run again.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

from cubenet.errors import CubenetError
from cubenet.files import write_text

COLUMNS = ("key", "status", "reason", "data", "data_params", "n_samples", "network", "hidden", "depth", "width",
           "training", "seed", "test_accuracy", "train_accuracy", "probe_accuracy", "params", "epochs_run",
           "seconds", "cubenet_version", "command")
#: columns that differ between two runs of the same cell (everything else is reproducible)
TIMING_COLUMNS = ("seconds",)


def format_row(row: dict) -> str:
    """One CSV line (with its newline) for a result dict; lists and dicts are JSON in their cell."""
    values = []
    for name in COLUMNS:
        value = row.get(name, "")
        if isinstance(value, (list, dict, tuple)):
            value = json.dumps(value, separators=(",", ":"))
        elif isinstance(value, float):
            value = repr(value)
        values.append("" if value is None else value)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(values)
    return buf.getvalue()


class ResultsFile:
    """The sweep's table at ``path``: created with its header, repaired if a crash tore its last line."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        if self.path.exists() and not self.path.is_file():
            raise CubenetError(f"{str(self.path)!r} is not a file; give the sweep folder with -o")
        if not self.path.exists() or self.path.stat().st_size == 0:
            self._create()
        self._repair()

    def _create(self) -> None:
        write_text(self.path, ",".join(COLUMNS) + "\n")

    def _repair(self) -> None:
        """Cut a last line that has no newline (a row a crash interrupted); check the header."""
        with open(self.path, "rb+") as fh:
            data = fh.read()
            header = data.split(b"\n", 1)[0].decode("utf-8", "replace")
            if header != ",".join(COLUMNS):
                raise CubenetError(f"{str(self.path)!r} is not a cubenet sweep table (its header differs); "
                                   f"choose another -o folder or move the file away")
            if not data.endswith(b"\n"):
                fh.truncate(data.rfind(b"\n") + 1)

    def rows(self) -> list[dict]:
        """Every row as a dict of strings (JSON columns still as text)."""
        with open(self.path, newline="", encoding="utf-8") as fh:
            return list(csv.DictReader(fh))

    def keys(self) -> set[str]:
        return {row["key"] for row in self.rows()}

    def append(self, row: dict) -> None:
        """Append one row in one write, then flush it to disk."""
        line = format_row(row).encode("utf-8")
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)
        try:
            written = os.write(fd, line)
            if written != len(line):  # a full disk: cut the partial row now rather than leave it torn
                os.ftruncate(fd, os.fstat(fd).st_size - written)
                raise CubenetError(f"could not append to {str(self.path)!r} (disk full?); the sweep can be resumed")
            os.fsync(fd)
        finally:
            os.close(fd)


def parse_row(row: dict) -> dict:
    """A row read back from the CSV with its numbers and JSON columns decoded."""
    out = dict(row)
    for name in ("data_params", "hidden", "training", "probe_accuracy"):
        out[name] = json.loads(row[name]) if row.get(name) else None
    for name in ("test_accuracy", "train_accuracy", "seconds"):
        out[name] = float(row[name]) if row.get(name) else None
    for name in ("n_samples", "depth", "width", "seed", "params", "epochs_run"):
        out[name] = int(row[name]) if row.get(name) else None
    return out
