"""Replacing a run folder without ever losing one: ownership, a lock, a recoverable swap, no debris.

- **Ownership.** A run folder lists every file cubenet wrote into it in :data:`MANIFEST`. A folder is
  replaced only when it is provably a cubenet run (``run.json`` and the manifest, or a 0.1 run whose
  files all have cubenet's names) and holds nothing else: a file the user added stops the command.
- **A lock.** One writer per run folder at a time (``fcntl.flock`` on a lock file beside it; an
  exclusive-create lock file where ``fcntl`` is missing, i.e. Windows), removed on release. A second
  writer is told who holds it.
- **A recoverable swap.** The old run moves to ``.NAME.cubenet-old-PID-…/run``, the new one onto
  ``NAME``, then the old is deleted. A process killed in between leaves the old run there; the next
  command that writes or reads that folder puts it back (or finishes deleting it), and removes the
  half-written ``.NAME.cubenet-new-PID-…`` folders of processes that no longer exist.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

from cubenet.errors import CubenetError
from cubenet.files import pid_alive, write_text

MANIFEST = ".cubenet-files"
#: what a 0.1 run folder (written before manifests existed) may contain
LEGACY_NAMES = re.compile(r"^(data\.npz|model\.npz|snapshots\.npz|history\.csv|metrics\.json|run\.json|report\.html|"
                          r"(layers|grid|unscramble|cube|boundary|curves|confusion|digits|digits_separation)\.(png|svg)|"
                          r"(animation|training)\.(gif|html))$")


def _temp_pattern(name: str) -> re.Pattern:
    return re.compile(rf"^\.{re.escape(name)}\.cubenet-(new|old)-(\d+)-")


def temp_dir(target: Path, kind: str) -> Path:
    """A fresh hidden folder beside ``target`` named for this process (``kind``: new or old)."""
    return Path(tempfile.mkdtemp(prefix=f".{target.name}.cubenet-{kind}-{os.getpid()}-", dir=target.parent))


def recover(target: Path) -> None:
    """Finish or undo a replacement of ``target`` that a dead process left half done; remove its debris."""
    target = Path(target).absolute()
    if not target.parent.is_dir():
        return
    pattern = _temp_pattern(target.name)
    for entry in sorted(target.parent.iterdir()):
        match = pattern.match(entry.name)
        if not match or not entry.is_dir() or pid_alive(int(match.group(2))):
            continue
        if match.group(1) == "old" and (entry / "run").is_dir() and not target.exists():
            os.replace(entry / "run", target)  # the swap was interrupted: the earlier run comes back
        shutil.rmtree(entry, ignore_errors=True)


def owned_files(run_dir: Path) -> set[str] | None:
    """The names the manifest lists, or None when there is no (readable) manifest."""
    try:
        names = json.loads((run_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    return {n for n in names if isinstance(n, str)} if isinstance(names, list) else None


def record_files(run_dir: Path, names) -> None:
    """Add ``names`` (files just written into the run folder) to its manifest."""
    run_dir = Path(run_dir)
    owned = owned_files(run_dir) or set()
    owned |= {Path(n).name for n in names}
    write_text(run_dir / MANIFEST, json.dumps(sorted(owned | {MANIFEST}), indent=0) + "\n")


def check_replaceable(run_dir: Path) -> None:
    """Refuse unless ``run_dir`` is missing, empty, or a cubenet run holding only files cubenet wrote."""
    where = str(run_dir)
    if not run_dir.exists():
        return
    if not run_dir.is_dir():
        raise CubenetError(f"output {where!r} is a file, not a folder; choose another -o")
    here = Path.cwd().resolve()
    if run_dir.resolve() == here or run_dir.resolve() in here.parents:
        raise CubenetError(f"cannot replace {where!r}: it is the folder you are working in (or holds it); "
                           f"give a new folder, e.g. -o runs/mine")
    entries = {p.name for p in run_dir.iterdir()}
    if not entries:
        return
    if "run.json" not in entries:
        raise CubenetError(f"output folder {where!r} is not empty and not a cubenet run; choose another -o")
    owned = owned_files(run_dir)
    foreign = sorted(entries - owned) if owned is not None else sorted(n for n in entries if not LEGACY_NAMES.match(n))
    if foreign:
        shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
        raise CubenetError(f"output folder {where!r} holds files cubenet did not write ({shown}); a new run "
                           f"would replace the folder, so move them out or choose another -o")


def replace_dir(new: Path, target: Path) -> None:
    """Move the finished folder ``new`` onto ``target``; an earlier run there is removed afterwards."""
    target = Path(target).absolute()
    old = None
    if target.exists():
        old = temp_dir(target, "old")
        os.replace(target, old / "run")
    try:
        os.replace(new, target)
    except OSError:
        if old is not None:
            os.replace(old / "run", target)
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def _locked_file(path: Path, target: Path, fcntl):
    """Open and flock the lock file; retry if another process unlinked it between our open and lock."""
    while True:
        fh = open(path, "a+", encoding="utf-8")
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            fh.close()
            raise CubenetError(f"another cubenet command ({holder}) is writing {str(target)!r}; wait for it to "
                               f"finish or choose another -o") from None
        try:
            same = os.fstat(fh.fileno()).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            fh.seek(0)
            fh.truncate()
            fh.write(f"pid {os.getpid()}")
            fh.flush()
            return fh
        fh.close()


@contextlib.contextmanager
def run_lock(target: Path):
    """Hold the one-writer lock of run folder ``target`` (a hidden lock file beside it) for the block."""
    target = Path(target).absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    path = target.parent / f".{target.name}.cubenet-lock"
    try:
        import fcntl  # (POSIX only: file locks)
    except ImportError:  # Windows: an exclusive-create lock file
        fcntl = None
    if fcntl is not None:
        fh = _locked_file(path, target, fcntl)
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                os.unlink(path)  # removed while still held, so a waiting writer re-opens a fresh file
            fcntl.flock(fh, fcntl.LOCK_UN)
            fh.close()
        return
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        raise CubenetError(f"another cubenet command is writing {str(target)!r} (lock file {str(path)!r}); wait "
                           f"for it to finish, or delete the lock file if no cubenet is running") from None
    try:
        os.write(fd, f"pid {os.getpid()}".encode())
        os.close(fd)
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)
