"""Reading ``.npz`` files safely: only regular files, never a pickle, and sizes checked before anything is read.

Every ``.npz`` cubenet opens (datasets, models, snapshots) goes through :func:`read_npz`. Before one array
is decompressed it reads each member's ``.npy`` header from the zip and checks that

- the dtype holds numbers or text, never Python objects (``allow_pickle=False`` as well);
- the declared shape and dtype need exactly the bytes the zip says the member holds (a forged header
  is refused), and no more than deflate can expand from the compressed bytes;
- all members together fit in :data:`MAX_BYTES` of memory (a zip bomb is refused in milliseconds,
  instead of taking gigabytes first).
"""

from __future__ import annotations

import math
import os
import stat
import zipfile
from pathlib import Path

import numpy as np

from cubenet.errors import CubenetError

#: the most memory the arrays of one file may need once read (a 10-million-point cube needs 0.3 GB)
MAX_BYTES = 2 * 1024 ** 3
#: deflate expands at most ~1032:1; a member that claims more than this is forged
MAX_RATIO = 1100


def check_regular_file(path: str | os.PathLike, what: str = "file") -> Path:
    """``path`` exists and is a regular file (or a link to one): not a folder, FIFO, socket or device.

    A FIFO would make a reader wait forever, and a device is never a data file.
    """
    path = Path(path)
    where = str(path)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise CubenetError(f"{where!r}: no such file") from None
    except OSError as exc:
        raise CubenetError(f"{where!r} cannot be read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(mode):
        raise CubenetError(f"{where!r} is a folder, not a {what}")
    if not stat.S_ISREG(mode):
        kind = "a FIFO (named pipe)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
        raise CubenetError(f"{where!r} is {kind}, not a regular file; give a {what} saved on disk")
    return path


def _gigabytes(n: int) -> str:
    return f"{n / 1e9:.2f} GB" if n >= 1e8 else f"{n / 1e6:.1f} MB"


def _member_size(zf: zipfile.ZipFile, info: zipfile.ZipInfo, where: str, name: str) -> int:
    """The bytes the array ``name`` needs in memory, from its header; refuse what does not add up."""
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise CubenetError(f"{where!r}: array {name!r} is compressed with method {info.compress_type}, "
                           "which numpy never writes; this file was not saved by numpy")
    if info.file_size > MAX_RATIO * info.compress_size + 4096:
        raise CubenetError(f"{where!r}: array {name!r} claims {_gigabytes(info.file_size)} from "
                           f"{info.compress_size:,} compressed bytes, more than deflate can produce: a forged file")
    try:
        with zf.open(info) as fh:
            version = np.lib.format.read_magic(fh)
            if version == (1, 0):
                shape, _, dtype = np.lib.format.read_array_header_1_0(fh)
            elif version == (2, 0):
                shape, _, dtype = np.lib.format.read_array_header_2_0(fh)
            else:
                raise ValueError(f"format version {version}")
            offset = fh.tell()
    except (ValueError, SyntaxError, EOFError, zipfile.BadZipFile, OSError) as exc:
        raise CubenetError(f"{where!r}: array {name!r} has a forged or corrupt .npy header ({exc})") from None
    if dtype.hasobject:
        raise CubenetError(f"{where!r} holds Python objects (pickled data) in {name!r}; cubenet never unpickles files")
    nbytes = math.prod(int(s) for s in shape) * dtype.itemsize
    if offset + nbytes != info.file_size:
        raise CubenetError(f"{where!r}: array {name!r} declares shape {tuple(shape)} of {dtype} "
                           f"({nbytes:,} bytes) but holds {info.file_size - offset:,}: a forged or corrupt file")
    return nbytes


def read_npz(path: str | os.PathLike, names=None, *, what: str = "file", max_bytes: int | None = None) -> dict:
    """The arrays ``names`` (default: all) of the ``.npz`` at ``path`` that it holds, checked before reading.

    Missing names are simply absent from the result (the caller says what is missing). Raises
    CubenetError naming the file for a FIFO/device, a non-zip file, a pickle, a forged header or
    arrays that would need more than ``max_bytes`` (default :data:`MAX_BYTES`) of memory.
    """
    path = check_regular_file(path, what)
    where = str(path)
    max_bytes = MAX_BYTES if max_bytes is None else max_bytes
    try:
        with zipfile.ZipFile(path) as zf:
            members = {i.filename[:-4]: i for i in zf.infolist() if i.filename.endswith(".npy")}
            wanted = [n for n in (members if names is None else names) if n in members]
            total = 0
            for name in wanted:
                total += _member_size(zf, members[name], where, name)
                if total > max_bytes:
                    raise CubenetError(f"{where!r}: its arrays would need more than {_gigabytes(total)} of memory, "
                                       f"above cubenet's limit of {_gigabytes(max_bytes)} per file; "
                                       "use a smaller data set (or split it)")
            with np.load(path, allow_pickle=False) as data:
                return {name: data[name] for name in wanted}
    except CubenetError:
        raise
    except ValueError as exc:
        if "pickle" in str(exc):
            raise CubenetError(f"{where!r} holds Python objects (pickled data); cubenet never unpickles files") from None
        raise CubenetError(f"{where!r} is not a readable .npz file: {exc}") from None
    except MemoryError:
        raise CubenetError(f"{where!r}: not enough memory to read it; free some memory or use a smaller file") from None
    except (OSError, zipfile.BadZipFile, EOFError, zipfile.LargeZipFile) as exc:
        raise CubenetError(f"{where!r} is not a readable .npz file ({exc}); is it corrupt or truncated?") from None
