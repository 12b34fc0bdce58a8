"""The README's shell examples: each writes its own files, reads only what an earlier example wrote, and the tour runs."""

import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
#: tour lines that are interactive or minutes long: checked for their files, not run here
NOT_RUN = ("cubenet bench", "cubenet play", "cubenet sweep", "cubenet puzzles")


def commands() -> list[list[str]]:
    """Every ``cubenet …`` command of the README's bash blocks, in order, as argument lists."""
    out = []
    for block in re.findall(r"```bash\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S):
        for line in block.splitlines():
            line = re.split(r"\s+#\s", line)[0].strip()
            for part in line.split("&&"):
                part = part.strip()
                if part.startswith("cubenet "):
                    out.append(shlex.split(part))
    return out


def option(args, *names):
    for i, a in enumerate(args):
        if a in names and i + 1 < len(args):
            return args[i + 1]
    return None


def files_of(args) -> tuple[list[str], list[str]]:
    """(inputs, outputs) of one command, as the README names them."""
    cmd, rest = args[1], args[2:]
    positional = [a for i, a in enumerate(rest) if not a.startswith("-") and (i == 0 or not rest[i - 1].startswith("-"))]
    out = option(rest, "-o", "--output")
    if cmd == "scramble":
        return [p for p in [option(rest, "--from")] if p], [out] if out else []
    if cmd == "learn":
        inputs = [p for p in positional[:1] if "." in p] + [p for p in [option(rest, "--model")] if p]
        return inputs, [out] if out else []
    if cmd in ("render", "report", "play"):
        return [p for p in positional[:1] if "." in p or "/" in p], []
    if cmd == "export":
        return positional[:1], [option(rest, "--csv")]
    if cmd in ("sweep",):
        return [], [out] if out else []
    if cmd == "puzzles" and rest[:1] == ["init"]:
        return [], rest[1:2]
    return [], []


def test_every_example_writes_its_own_files_and_reads_what_exists():
    written: dict[str, str] = {}
    for args in commands():
        inputs, outputs = files_of(args)
        line = shlex.join(args)
        for path in inputs:
            made = path in written or any(path.startswith(w.rstrip("/") + "/") for w in written)
            assert made or (ROOT / path).exists(), f"{line!r} reads {path!r}, which no earlier example writes"
        for path in outputs:
            assert written.get(path, line) == line, f"{line!r} overwrites {path!r}, which {written[path]!r} wrote"
            written[path] = line
        if args[1] == "learn" and not outputs and not inputs:
            written.setdefault("runs/color-cube", line)  # the zero-configuration run (later ones are numbered)


def test_the_tour_runs_as_written(tmp_path):
    text = README.read_text(encoding="utf-8")
    tour = re.search(r"## A tour\n+```bash\n(.*?)```", text, flags=re.S).group(1)
    (tmp_path / "cubenet").mkdir()
    (tmp_path / "cubenet" / "examples").symlink_to(ROOT / "cubenet" / "examples")
    for line in tour.splitlines():
        line = re.split(r"\s+#\s", line)[0].strip()
        if not line or line.startswith(NOT_RUN):
            continue
        args = shlex.split(line)
        # the console script, as a user types it (python -m would import the tour's ./cubenet folder)
        result = subprocess.run([str(Path(sys.executable).parent / args[0]), *args[1:]], cwd=tmp_path, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, f"{line}\n{result.stderr[-2000:]}"
    assert (tmp_path / "runs" / "cube5" / "report.html").exists()
    assert (tmp_path / "runs" / "iris" / "model.npz").exists()
