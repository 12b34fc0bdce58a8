"""Your own data: read a CSV (header, numeric features, a label column) into a Dataset, and write one back.

The format (what :func:`write_csv` writes and :func:`read_csv` reads)::

    x1,x2,label,split
    0.25,-1.5,arm 1,train
    …

- A header line naming the columns is required.
- Every column except the label (and ``split``) is a numeric feature. Missing, non-numeric or
  non-finite values, ragged rows, an empty file, a single class or more than
  :data:`MAX_CLASSES` classes are errors that name the line.
- The label column is the last one (not counting ``split``) unless ``label_column`` names it.
  Labels may be words (kept as class names) or numbers; classes are sorted (numerically when
  every label is a number), so class ``i`` is the ``i``-th smallest label.
- An optional column named ``split`` holding ``train`` / ``test`` keeps a given train/test split;
  without it the rows are split at random (stratified) with ``test_fraction``.

The file is read once, row by row, converting blocks of rows into preallocated arrays, so large
files never sit in memory twice.
"""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import numpy as np

from cubenet.data.dataset import MAX_CLASSES, Dataset, default_colors, make_meta, train_test_split
from cubenet.data.npz import check_regular_file
from cubenet.errors import CubenetError
from cubenet.files import atomic_path

SPLIT_COLUMN = "split"
#: rows converted to floats in one go
BLOCK = 65536


def _fail(path: Path, line: int | None, message: str):
    where = f"{str(path)!r}" + (f", line {line}" if line is not None else "")
    raise CubenetError(f"{where}: {message}")


_UNCLOSED = ("a quoted value (\"…) runs over several lines: is a closing quote missing? "
             "Close the quote, or remove it")


def _find_bad_value(path: Path, rows: list, lines: list, names: list[str]) -> None:
    """Raise the error for the first value of a block that is missing, not a number or not finite."""
    for row, line in zip(rows, lines):
        for text, name in zip(row, names):
            if not text.strip():
                _fail(path, line, f"missing value in column {name!r}; fill it in or drop the row")
            if "\n" in text or "\r" in text:
                _fail(path, line, _UNCLOSED)
            if not _is_number(text):
                _fail(path, line, f"column {name!r} must be numeric, got {text!r}"
                                  " (plain ASCII numbers such as -1.5e3; only the label column may hold words)")
            value = float(text)
            if not np.isfinite(value):
                _fail(path, line, f"column {name!r} holds {text.strip()!r}; values must be finite numbers")


class _Columns:
    """Growing storage: a float matrix of features and integer codes for the labels (and split)."""

    def __init__(self, n_features: int):
        self.X = np.empty((1024, n_features))
        self.codes = np.empty(1024, dtype=np.int64)
        self.test = np.empty(1024, dtype=bool)
        self.n = 0

    def append(self, X: np.ndarray, codes: list[int], test: list[bool]) -> None:
        end = self.n + len(X)
        if end > len(self.X):
            size = max(end, 2 * len(self.X))
            self.X = np.resize(self.X, (size, self.X.shape[1]))
            self.codes = np.resize(self.codes, size)
            self.test = np.resize(self.test, size)
        self.X[self.n:end] = X
        self.codes[self.n:end] = codes
        self.test[self.n:end] = test
        self.n = end


def _header(path: Path, reader, label_column: str | None) -> tuple[list[str], int, int | None]:
    """Column names, the label's index and the split column's index (or None)."""
    header = next(reader, None)
    while header is not None and not any(h.strip() for h in header):
        header = next(reader, None)
    if header is None:
        _fail(path, None, "the file is empty; a CSV needs a header line (x1,x2,…,label) and data rows")
    names = [h.strip() for h in header]
    line = reader.line_num
    if any("\n" in h or "\r" in h for h in names):
        _fail(path, line, _UNCLOSED)
    if all(_is_number(h) for h in names):
        _fail(path, line, "the first line must be a header naming the columns, but it looks like data: "
                          + ",".join(names))
    if "" in names:
        _fail(path, line, f"column {names.index('') + 1} of the header has no name")
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        _fail(path, line, f"duplicate column name(s) in the header: {', '.join(duplicates)}")
    split = names.index(SPLIT_COLUMN) if SPLIT_COLUMN in names else None
    candidates = [i for i in range(len(names)) if i != split]
    if len(candidates) < 2:
        _fail(path, line, "need at least one numeric feature column and a label column")
    if label_column is None:
        label = candidates[-1]
    elif label_column not in names or names.index(label_column) == split:
        _fail(path, line, f"no label column {label_column!r}; the columns are: {', '.join(names)}")
    else:
        label = names.index(label_column)
    return names, label, split


#: what a CSV number looks like: ASCII digits, optional sign, point and exponent (and nan/inf, refused as
#: not finite). Python's float() also takes '1_000', Arabic-Indic and full-width digits; a CSV reader must not.
NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[+-]?(?:nan|inf|infinity)", re.IGNORECASE | re.ASCII)


def _is_number(text: str) -> bool:
    return NUMBER.fullmatch(text.strip()) is not None


def _plain_block(cells) -> bool:
    """True when no cell of a block can hold anything but ASCII number text (one check per block, not per cell)."""
    joined = "".join(cells)
    return joined.isascii() and "_" not in joined


def _sniff_delimiter(path: Path) -> str:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        first = fh.readline()
    return next((d for d in (",", ";", "\t") if d in first), ",")


def read_csv(path: str | os.PathLike, *, label_column: str | None = None, test_fraction: float = 0.25,
             rng=None) -> Dataset:
    """Read a CSV file into a Dataset (meta kind ``"table"``).

    Parameters
    ----------
    path : str or path
        The CSV: a header line, numeric feature columns, a label column, optionally ``split``.
    label_column : str, optional
        Name of the label column (default: the last column other than ``split``).
    test_fraction : float
        Fraction held out for testing (stratified) when the file has no ``split`` column.
    rng : None, int or numpy Generator
        Randomness of the train/test split.

    Returns
    -------
    Dataset
        ``X_*`` of shape (n, n_features) float, ``y_*`` int in 0..n_classes-1, ``class_names``
        the sorted labels, ``meta["feature_names"]`` the feature columns' names.
    """
    path = check_regular_file(path, "CSV file")
    seed = rng if isinstance(rng, (int, np.integer)) else None
    done = {"line": 0}  # the last line of the last complete row, to name where a broken one starts
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh, delimiter=_sniff_delimiter(path), skipinitialspace=True)
            names, label, split = _header(path, reader, label_column)
            features = [i for i in range(len(names)) if i not in (label, split)]
            feature_names = [names[i] for i in features]
            data, labels = _read_rows(path, reader, names, features, label, split, done)
    except UnicodeDecodeError as exc:
        raise CubenetError(f"{str(path)!r} is not a UTF-8 text file ({exc.reason} at byte {exc.start})") from None
    except csv.Error as exc:
        if "end of data" in str(exc) or "'\"'" in str(exc):
            _fail(path, done["line"] + 1, _UNCLOSED)
        raise CubenetError(f"{str(path)!r}, line {reader.line_num}: not readable as CSV ({exc})") from None
    except OSError as exc:
        raise CubenetError(f"cannot read {str(path)!r}: {exc.strerror or exc}") from None
    if data.n == 0:
        _fail(path, None, "has a header but no data rows")
    class_names, y = _classes(path, labels, data.codes[: data.n], names[label])
    X = data.X[: data.n]
    meta = make_meta(path.stem, kind="table", seed=seed,
                     params={"path": str(path), "label_column": names[label], "test_fraction": test_fraction},
                     scramble="", inverse="", feature_names=feature_names, source=str(path))
    if split is None:
        try:
            return train_test_split(X, y, test_fraction=test_fraction, class_names=class_names, meta=meta, rng=rng)
        except CubenetError as exc:
            _fail(path, None, f"{exc}; add rows, or mark a split column")
    test = data.test[: data.n]
    if test.all() or not test.any():
        _fail(path, None, f"the {SPLIT_COLUMN!r} column must mark some rows 'train' and some 'test'")

    meta["params"]["split"] = "from the file's split column"
    return Dataset(X[~test], y[~test], X[test], y[test], class_names, default_colors(len(class_names)), meta)


def _read_rows(path: Path, reader, names, features, label, split, done: dict):
    """Stream the rows: features into a float array block by block, labels into integer codes."""
    data = _Columns(len(features))
    labels: dict[str, int] = {}
    block, lines, codes, test = [], [], [], []

    def flush():
        if not block:
            return
        values = None
        if _plain_block(map("".join, block)):
            try:
                values = np.array(block, dtype=float)
            except ValueError:
                pass
        if values is None or not np.all(np.isfinite(values)):
            _find_bad_value(path, block, lines, [names[i] for i in features])
        data.append(values, codes, test)
        block.clear(), lines.clear(), codes.clear(), test.clear()

    done["line"] = reader.line_num
    for row in reader:
        line = done["line"] + 1  # where the row starts (a quoted value may span lines)
        done["line"] = reader.line_num
        if not row or (len(row) == 1 and not row[0].strip()):
            continue  # blank line
        if len(row) != len(names):
            _fail(path, line, f"has {len(row)} values but the header has {len(names)} columns")
        text = row[label].strip()
        code = labels.get(text)
        if code is None:  # a new label: checked once, not on every row
            _check_label(path, line, text, names[label])
            code = labels[text] = len(labels)
            if len(labels) > MAX_CLASSES:
                _fail(path, line, f"the label column {names[label]!r} has more than {MAX_CLASSES} different values;"
                                  " is it the right column? name the label column with --label-column NAME"
                                  " (label_column= in Python)")
        if split is not None:
            part = row[split].strip().lower()
            if part not in ("train", "test"):
                _fail(path, line, f"the {SPLIT_COLUMN!r} column must say 'train' or 'test', got {row[split]!r}")
            test.append(part == "test")
        else:
            test.append(False)
        block.append([row[i] for i in features])
        lines.append(line)
        codes.append(code)
        if len(block) >= BLOCK:
            flush()
    flush()
    return data, labels


def _check_label(path: Path, line: int, text: str, column: str) -> None:
    if not text:
        _fail(path, line, f"missing label in column {column!r}")
    if "\n" in text or "\r" in text:
        _fail(path, line, _UNCLOSED)
    if "\0" in text:
        _fail(path, line, "the label holds a NUL byte; is this a text CSV file?")
    if text.lower().lstrip("+-") in ("nan", "inf", "infinity"):
        _fail(path, line, f"the label {text!r} is not a class (a missing value, as pandas writes it?); "
                          "fill it in or drop the row")


def _classes(path: Path, labels: dict[str, int], codes: np.ndarray, column: str) -> tuple[tuple, np.ndarray]:
    """Sorted class names (numerically if every label is a number) and labels renumbered to match."""
    texts = list(labels)
    if all(_is_number(t) for t in texts):
        values = {t: float(t) for t in texts}
        by_value: dict[float, str] = {}
        for t in texts:
            v = values[t]
            by_value.setdefault(v, str(int(v)) if v.is_integer() and abs(v) < 2 ** 53 else repr(v))
        order = sorted(by_value)
        names = tuple(by_value[v] for v in order)
        rank = {v: i for i, v in enumerate(order)}
        new_code = np.array([rank[values[t]] for t in texts])
    else:
        names = tuple(sorted(texts))
        rank = {t: i for i, t in enumerate(names)}
        new_code = np.array([rank[t] for t in texts])
    if len(names) < 2:
        same = f" ({', '.join(repr(t) for t in texts)} are the same number)" if len(texts) > 1 else ""
        _fail(path, None, f"the label column {column!r} has a single class ({names[0]!r}){same}; "
                          "a classifier needs at least 2 (is it the right column? see --label-column)")
    return names, new_code[codes]


def write_csv(dataset: Dataset, path: str | os.PathLike, *, split: bool = True) -> Path:
    """Write ``dataset`` as CSV (atomically): ``x1,…,xd,label[,split]``, train rows then test rows.

    Feature columns keep the dataset's ``meta["feature_names"]`` when it has them; labels are
    written as class names; numbers with ``repr`` precision, so :func:`read_csv` reads back the
    same values, classes and (with ``split=True``) the same train/test split. Only the order of
    the classes may change (read_csv sorts them) and colours are not stored.
    """
    names = dataset.meta.get("feature_names")
    if not (isinstance(names, list) and len(names) == dataset.n_features):
        names = [f"x{i + 1}" for i in range(dataset.n_features)]
    header = list(names) + ["label"] + ([SPLIT_COLUMN] if split else [])
    if len(set(header)) != len(header):
        header = [f"x{i + 1}" for i in range(dataset.n_features)] + header[dataset.n_features:]
    path = Path(path)
    if path.suffix.lower() != ".csv":
        raise CubenetError(f"the CSV file's name must end in .csv, got {str(path)!r}")
    with atomic_path(path) as tmp, open(tmp, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        for part, X, y in (("train", dataset.X_train, dataset.y_train), ("test", dataset.X_test, dataset.y_test)):
            tail = [part] if split else []
            for start in range(0, len(y), BLOCK):
                rows = np.asarray(X[start:start + BLOCK], dtype=float).tolist()
                writer.writerows(row + [dataset.class_names[c]] + tail for row, c in zip(rows, y[start:start + BLOCK]))
    return path
