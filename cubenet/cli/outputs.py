"""Which files a command may replace: a name you give, or the same output made again; never anything else.

The rule (stated in the README under "Which files cubenet replaces"):

- A file you name (``-o``, ``--csv``) is written, replacing what is there, unless it is one of the
  command's inputs.
- A name cubenet picks itself (``DATASET.npz`` without ``-o``, ``DATA.csv`` from ``export`` without
  ``--csv``, the preview ``X.png`` beside ``X.npz``) replaces only the same output made again: a
  dataset file of the same dataset (the same generator, or imported from the same CSV), or a preview
  that cubenet drew. A CSV cannot say who wrote it, so an implicit CSV never replaces a file.
  Anything else is refused before any work is done, naming the option to use.

Every check runs before the command computes or writes anything.
"""

from __future__ import annotations

import json
from pathlib import Path

from cubenet.errors import CubenetError

#: the PNG text key and value prefix that mark a preview cubenet drew
PREVIEW_KEY, PREVIEW_TAG = "Software", "cubenet preview"


def same_file(a: Path, b: Path) -> bool:
    """True when ``a`` and ``b`` name one file (also through links)."""
    try:
        return Path(a).exists() and Path(b).exists() and Path(a).samefile(b)
    except OSError:
        return Path(a).absolute() == Path(b).absolute()


def check_not_input(out: Path, inputs, option: str) -> None:
    """Refuse an output that is one of the command's input files."""
    for given in inputs:
        if given is not None and (same_file(out, given) or Path(out).resolve() == Path(given).resolve()):
            raise CubenetError(f"the output {str(out)!r} is the input {str(given)!r}; writing it would destroy "
                               f"the input; choose another {option}")


def _refuse(path: Path, what: str, option: str) -> None:
    raise CubenetError(f"{str(path)!r} exists and {what}; cubenet does not replace a file under a name it chose "
                       f"itself: give {option} OTHER, or {option} {path} to replace it")


def _existing_meta(path: Path) -> dict | None:
    """The metadata of the cubenet dataset file at ``path``, or None when it is not one."""
    from cubenet.data.npz import read_npz

    try:
        arrays = read_npz(path, ["meta", "X_train"], what="dataset file")
        meta = json.loads(str(arrays["meta"])) if "meta" in arrays and "X_train" in arrays else None
    except (CubenetError, json.JSONDecodeError, UnicodeError):
        return None
    return meta if isinstance(meta, dict) else None


def check_implicit_dataset(path: Path, *, generator: str | None = None, source: Path | None = None) -> None:
    """``path`` (a name cubenet chose) may be written: it is free, or it holds the same dataset made again.

    generator : the registered dataset being scrambled, or
    source : the CSV being imported
    """
    path = Path(path)
    if not (path.exists() or path.is_symlink()):
        return
    if not path.is_file():
        _refuse(path, "is not a regular file", "-o")
    meta = _existing_meta(path)
    if meta is None:
        _refuse(path, "is not a cubenet dataset file", "-o")
    if source is not None:
        old = meta.get("source")
        if meta.get("kind") == "table" and isinstance(old, str) and same_file(Path(old), Path(source)):
            return
        _refuse(path, f"holds another dataset ({meta.get('generator') or 'unknown'}, not imported from {str(source)!r})",
                "-o")
    if meta.get("generator") != generator or meta.get("kind") == "table":
        _refuse(path, f"holds another dataset ({meta.get('generator') or 'unknown'}, not {generator})", "-o")


def png_text(path: Path) -> dict:
    """The ``tEXt`` entries of a PNG file (read up to its first image data), or {} when it is not a PNG."""
    import struct

    out = {}
    try:
        with open(path, "rb") as fh:
            if fh.read(8) != b"\x89PNG\r\n\x1a\n":
                return {}
            while True:
                head = fh.read(8)
                if len(head) < 8:
                    return out
                length, kind = struct.unpack(">I4s", head)
                if kind in (b"IDAT", b"IEND") or length > 1 << 20:
                    return out
                data = fh.read(length)
                fh.read(4)  # CRC
                if kind == b"tEXt" and b"\0" in data:
                    key, value = data.split(b"\0", 1)
                    out[key.decode("latin-1")] = value.decode("latin-1")
    except OSError:
        return out


def preview_metadata() -> dict:
    """PNG metadata that marks a preview as cubenet's own (so the next scramble may redraw it)."""
    from cubenet import __version__

    return {PREVIEW_KEY: f"{PREVIEW_TAG} (cubenet {__version__})"}


def check_preview(png: Path) -> None:
    """The preview beside a dataset file may be written: the name is free or holds a preview cubenet drew."""
    png = Path(png)
    if not (png.exists() or png.is_symlink()):
        return
    if not png.is_file() or not png_text(png).get(PREVIEW_KEY, "").startswith(PREVIEW_TAG):
        raise CubenetError(f"{str(png)!r} exists and is not a preview cubenet drew; the preview would replace it. "
                           "Choose another -o, or skip the picture with --no-preview")


def check_implicit_csv(path: Path, data: Path) -> None:
    """``export``'s own choice ``DATA.csv`` never replaces a file (a CSV cannot say who wrote it)."""
    path = Path(path)
    if path.exists() or path.is_symlink():
        meta = _existing_meta(Path(data)) if Path(data).suffix.lower() == ".npz" else None
        source = meta.get("source") if meta else None
        why = f"{str(data)!r} was imported from it" if isinstance(source, str) and same_file(Path(source), path) \
            else "may be your own file"
        _refuse(path, why, "--csv")
