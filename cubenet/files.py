"""The one place that writes files: atomically (temporary file in the same folder, then rename)."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
from pathlib import Path

import numpy as np

from cubenet.errors import CubenetError


def check_writable_dir(folder: str | os.PathLike) -> Path:
    """Create ``folder`` if needed and make sure files can be written into it."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CubenetError(f"cannot create folder {str(folder)!r}: {exc.strerror or exc}; choose another output path") from None
    if not os.access(folder, os.W_OK):
        raise CubenetError(f"folder {str(folder)!r} is not writable; choose another output path")
    return folder


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike):
    """Yield a temporary path beside ``path``; on success rename it onto ``path``, on failure remove it.

    The temporary name keeps the suffix of ``path`` so that writers which infer the format from the
    extension (``np.savez``, ``Figure.savefig``) behave as they would on the real name.
    """
    path = Path(path)
    check_writable_dir(path.parent if str(path.parent) else ".")
    check_replaceable_file(path)
    remove_stale_temps(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.{os.getpid()}.tmp-", suffix=path.suffix, dir=path.parent)
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    os.close(fd)
    os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the file the usual permissions
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):  # disk full, folder vanished, target is a folder, ...
            raise _cannot_write(path, exc) from None
        raise


def check_replaceable_file(path: Path) -> None:
    """Refuse an output path that exists as a folder, FIFO, socket or device: only regular files are replaced."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return  # free (or a dangling link, which the rename replaces)
    if not stat.S_ISREG(mode):
        kind = "a folder" if stat.S_ISDIR(mode) else "a FIFO (named pipe)" if stat.S_ISFIFO(mode) else \
            "a socket" if stat.S_ISSOCK(mode) else "a device"
        raise CubenetError(f"cannot write {str(path)!r}: it is {kind}, not a regular file; choose another output path")


def remove_stale_temps(path: Path) -> None:
    """Delete temporary files for ``path`` that a killed process left (its pid is in their name)."""
    pattern = re.compile(rf"^\.{re.escape(path.stem)}\.(\d+)\.tmp-.*{re.escape(path.suffix)}$")
    with contextlib.suppress(OSError):
        for entry in os.scandir(path.parent if str(path.parent) else "."):
            match = pattern.match(entry.name)
            if match and not pid_alive(int(match.group(1))):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def pid_alive(pid: int) -> bool:
    """True while process ``pid`` exists (this process always counts as alive)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _cannot_write(path: Path, exc: OSError) -> CubenetError:
    advice = "free some disk space or choose another output path" if exc.errno == errno.ENOSPC else \
        "choose another output path"
    return CubenetError(f"cannot write {str(path)!r}: {exc.strerror or exc}; {advice}")


def write_text(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def save_npz(path: str | os.PathLike, arrays: dict) -> Path:
    """Save arrays to a compressed ``.npz`` atomically (no object arrays, so never a pickle)."""
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as fh:
            np.savez_compressed(fh, **arrays)
    return Path(path)


def save_figure(fig, path: str | os.PathLike, **kwargs) -> Path:
    """Save a matplotlib Figure atomically; the format follows the file's extension.

    The same figure gives the same bytes every time: no creation date or software version in the
    metadata, and SVG ids from a fixed salt.
    """
    import matplotlib  # (matplotlib only when a figure is saved: most writes are data)

    path = Path(path)
    fmt = path.suffix.lstrip(".").lower() or "png"
    kwargs.setdefault("dpi", 110)
    kwargs.setdefault("metadata", REPRODUCIBLE_METADATA.get(fmt))
    with atomic_path(path) as tmp, matplotlib.rc_context({"svg.hashsalt": "cubenet"}):
        fig.savefig(tmp, format=fmt, **kwargs)
    return path


#: figure metadata that never changes between runs (matplotlib otherwise stamps dates and versions)
REPRODUCIBLE_METADATA = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None},
                         "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None}}
