"""A hostile catalogue of bad inputs and faults against the real ``cubenet`` command, each judged automatically.

Run it by hand (it is not a pytest module; it takes a few minutes and writes only under a temporary folder)::

    python tests/hostile_catalogue.py            # prints one line per case and the totals
    python tests/hostile_catalogue.py --verbose  # also each command's last output line

Verdicts:
- clean: the command did what the case expects: a refusal is exit 1 or 2 with exactly one ``Error:`` line
  (no traceback, no "bug in cubenet" fallback); an accepted input exits 0 (with a ``Warning:`` line
  when the case expects one), and every file the case protects is unchanged.
- unclear: a refusal whose one line is the generic fallback ("failed unexpectedly").
- bad: a traceback, a hang (60 s), success where a refusal was due, or a protected file changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

CUBENET = [sys.executable, "-c", "from cubenet.cli import main; main()"]
FAST = ["--hidden", "4", "--epochs", "2", "--no-render"]


def sh(*args, env=None, cwd, timeout=60):
    try:
        r = subprocess.run([*CUBENET, *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=timeout,
                           env={**os.environ, **(env or {})}, errors="replace")
        return r.returncode, r.stdout, r.stderr
    except subprocess.TimeoutExpired:
        return None, "", "TIMEOUT"


def digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def judge(expect: str, code, out: str, err: str, protected_ok: bool) -> str:
    text = out + err
    if code is None or "Traceback" in text or not protected_ok:
        return "bad"
    errors = [line for line in err.splitlines() if line.strip()]
    if expect == "refuse":
        if code not in (1, 2):
            return "bad"
        if len([e for e in errors if e.startswith("Error:")]) != 1:
            return "bad"
        return "unclear" if "failed unexpectedly" in text else "clean"
    if code != 0:
        return "bad"
    if expect == "warn" and "Warning:" not in text:
        return "bad"
    return "clean"


def arrays_of(ds):
    return {"X_train": ds.X_train, "y_train": ds.y_train, "X_test": ds.X_test, "y_test": ds.y_test,
            "class_names": np.array(ds.class_names), "class_colors": np.array(ds.class_colors),
            "meta": np.array(json.dumps(ds.meta))}


def npz_cases(root: Path):
    """Crafted dataset files: (name, file maker) pairs; each is given to learn and export."""
    from cubenet.data.cube import make_color_cube

    base = arrays_of(make_color_cube(300, twists=1, rng=0))

    def variant(**changes):
        def make(path):
            a = dict(base)
            for k, v in changes.items():
                if v is None:
                    a.pop(k)
                else:
                    a[k] = v
            np.savez(path, **a)
        return make

    def raw(data: bytes):
        return lambda path: path.write_bytes(data)

    def forged(path):
        import io

        buf = io.BytesIO()
        np.lib.format.write_array_header_1_0(buf, {"descr": "<f8", "fortran_order": False, "shape": (10 ** 10, 3)})
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("X_train.npy", buf.getvalue() + base["X_train"].tobytes())
            for k, v in base.items():
                if k != "X_train":
                    member = io.BytesIO()
                    np.save(member, v)
                    zf.writestr(f"{k}.npy", member.getvalue())

    def bomb(path):
        """A real zip bomb: X_train declares and holds 2.4 GB of zeros, a few MB compressed."""
        import io

        n = 100_000_000
        header = io.BytesIO()
        np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False, "shape": (n, 3)})
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
            with zf.open("X_train.npy", "w", force_zip64=True) as fh:
                fh.write(header.getvalue())
                zeros = bytes(1 << 24)
                for _ in range(n * 3 * 8 // len(zeros)):
                    fh.write(zeros)
            for k, v in base.items():
                if k != "X_train":
                    member = io.BytesIO()
                    np.save(member, v)
                    zf.writestr(f"{k}.npy", member.getvalue())

    many = 10_000
    rng = np.random.default_rng(0)
    return [
        ("npz: pickled object array", variant(X_train=np.array([{"a": 1}] * 3, dtype=object))),
        ("npz: forged .npy header (10^10 rows)", forged),
        ("npz: zip bomb (2.4 GB of zeros)", bomb),
        ("npz: not a zip", raw(b"hello")),
        ("npz: truncated zip", lambda p: (variant()(p), p.write_bytes(p.read_bytes()[:500]))),
        ("npz: empty zip", lambda p: zipfile.ZipFile(p, "w").close()),
        ("npz: a single .npy", lambda p: np.save(open(p, "wb"), np.zeros(3))),
        ("npz: foreign arrays", lambda p: np.savez(p, a=np.zeros(3))),
        ("npz: missing y_test", variant(y_test=None)),
        ("npz: meta not JSON", variant(meta=np.array("{not json"))),
        ("npz: meta a list", variant(meta=np.array("[1, 2]"))),
        ("npz: meta kind unknown", variant(meta=np.array('{"kind": "sphere"}'))),
        ("npz: meta scramble a number", variant(meta=np.array('{"kind": "cube", "scramble": 3}'))),
        ("npz: meta two strings", variant(meta=np.array(["{}", "{}"]))),
        ("npz: bad colour", variant(class_colors=np.array(["#zzzzzz"] * 6))),
        ("npz: class names numbers", variant(class_names=np.arange(6))),
        ("npz: NaN feature", variant(X_train=np.where(np.arange(base["X_train"].size).reshape(base["X_train"].shape) == 5,
                                                      np.nan, base["X_train"]))),
        ("npz: inf feature", variant(X_test=base["X_test"] * np.inf)),
        ("npz: label out of range", variant(y_test=base["y_test"] + 6)),
        ("npz: float labels", variant(y_train=base["y_train"].astype(float))),
        ("npz: text features", variant(X_train=base["X_train"].astype(str))),
        ("npz: complex features", variant(X_train=base["X_train"].astype(complex))),
        ("npz: 3-D X", variant(X_train=base["X_train"][:, :, None])),
        ("npz: zero rows", variant(X_train=base["X_train"][:0], y_train=base["y_train"][:0])),
        ("npz: feature count differs", variant(X_test=base["X_test"][:, :2])),
        ("npz: one class", variant(class_names=np.array(["a"]), class_colors=np.array(["#000000"]),
                                   y_train=base["y_train"] * 0, y_test=base["y_test"] * 0)),
        ("npz: 10,000 classes", lambda p: np.savez(
            p, X_train=rng.normal(size=(many, 2)), y_train=np.arange(many), X_test=rng.normal(size=(many, 2)),
            y_test=np.arange(many), class_names=np.array([f"c{i}" for i in range(many)]),
            class_colors=np.array(["#000000"] * many), meta=np.array('{"kind": "table"}'))),
        ("npz: features near 1e300", variant(X_train=base["X_train"] * 1e300 / 1.5, X_test=base["X_test"] * 1e300 / 1.5,
                                             meta=np.array('{"kind": "table"}'))),
    ]


CSV_CASES = [
    ("csv: unclosed quote", 'x1,x2,label\n1,2,a\n3,4,"b\n5,6,a\n7,8,b\n9,9,a\n' * 1),
    ("csv: unclosed quote closed later", 'x1,x2,label\n1,2,a\n3,4,"b\n5,6,a\n7,8,"b"\n9,9,a\n'),
    ("csv: 1_000", "x1,x2,label\n" + "1_000,2,a\n3,4,b\n" * 4),
    ("csv: Arabic-Indic digit", "x1,x2,label\n" + "\u0661,2,a\n3,4,b\n" * 4),
    ("csv: full-width digit", "x1,x2,label\n" + "\uff11,2,a\n3,4,b\n" * 4),
    ("csv: label inf", "x1,x2,label\n" + "1,2,inf\n3,4,1\n" * 4),
    ("csv: label nan", "x1,x2,label\n" + "1,2,nan\n3,4,b\n" * 4),
    ("csv: labels one number", "x1,x2,label\n" + "1,2,1\n3,4,1.0\n" * 4),
    ("csv: NUL in label", "x1,x2,label\n" + "1,2,a\x00\n3,4,b\n" * 4),
    ("csv: ragged short", "x1,x2,label\n1,2,a\n3,4\n"),
    ("csv: ragged long", "x1,x2,label\n1,2,a\n3,4,b,5\n"),
    ("csv: text cell", "x1,x2,label\n1,x,a\n3,4,b\n"),
    ("csv: empty cell", "x1,x2,label\n1,,a\n3,4,b\n"),
    ("csv: nan cell", "x1,x2,label\n1,nan,a\n3,4,b\n"),
    ("csv: inf cell", "x1,x2,label\n1,inf,a\n3,4,b\n"),
    ("csv: 1e400", "x1,x2,label\n1,1e400,a\n3,4,b\n"),
    ("csv: hex number", "x1,x2,label\n" + "0x10,2,a\n3,4,b\n" * 4),
    ("csv: duplicate header", "x,x,label\n1,2,a\n3,4,b\n"),
    ("csv: empty header name", "x,,label\n1,2,a\n3,4,b\n"),
    ("csv: header is data", "1,2,3\n1,2,a\n3,4,b\n"),
    ("csv: empty file", ""),
    ("csv: header only", "x1,x2,label\n"),
    ("csv: one class", "x1,x2,label\n" + "1,2,a\n" * 8),
    ("csv: 60 classes", "x1,label\n" + "".join(f"{i},c{i}\n" for i in range(60))),
    ("csv: too few rows to split", "x1,x2,label\n1,2,a\n3,4,b\n"),
    ("csv: split column all train", "x1,label,split\n" + "1,a,train\n2,b,train\n" * 4),
    ("csv: split column bad value", "x1,label,split\n1,a,train\n2,b,maybe\n"),
    ("csv: features near 1e300", "x1,x2,label\n" + "".join(f"{(-1) ** i * 1e300:.3e},{i},{'ab'[i % 2]}\n"
                                                              for i in range(40))),
    ("csv: latin-1 bytes", None),
]

CSV_OK = [
    ("csv ok: BOM, semicolons, quoted separator", '\ufeffid;kind;size\n1; "big; heavy" ;2.5\n\n2;small;3\n3;"big; heavy";4\n'
                                                  "4;small;5\n5;small;6\n6;\"big; heavy\";7\n"),
    ("csv ok: CRLF", "x1,x2,label\r\n" + "1,2,a\r\n3,4,b\r\n" * 4),
    ("csv ok: duplicated points, two labels", "x1,x2,label\n" + "1.5,-2,a\n1.5,-2,b\n" * 50),
]


def learn_option_cases():
    """(name, learn arguments after DATA, expectation)."""
    return [
        ("learn: --seed -1", ["--seed", "-1"], "refuse"),
        ("learn: --hidden ''", ["--hidden", ""], "refuse"),
        ("learn: --hidden ²", ["--hidden", "\u00b2"], "refuse"),
        ("learn: --hidden 10^8", ["--hidden", "100000000"], "refuse"),
        ("learn: --hidden 0", ["--hidden", "0"], "refuse"),
        ("learn: --hidden -4", ["--hidden", "-4"], "refuse"),
        ("learn: --hidden 4,,4", ["--hidden", "4,,4"], "refuse"),
        ("learn: 65 layers", ["--hidden", ",".join(["2"] * 65)], "refuse"),
        ("learn: --nesterov with adam", ["--nesterov"], "refuse"),
        ("learn: --lr with lbfgs", ["--optimizer", "lbfgs", "--lr", "0.5"], "refuse"),
        ("learn: --l2 1e300", ["--l2", "1e300"], "refuse"),
        ("learn: --l2 -1", ["--l2", "-1"], "refuse"),
        ("learn: --l2 nan", ["--l2", "nan"], "refuse"),
        ("learn: --lr 0", ["--lr", "0"], "refuse"),
        ("learn: --lr 100", ["--lr", "100"], "refuse"),
        ("learn: --lr inf", ["--lr", "inf"], "refuse"),
        ("learn: --epochs 0", ["--epochs", "0"], "refuse"),
        ("learn: --epochs 10^9", ["--epochs", "1000000000"], "refuse"),
        ("learn: --batch-size 0", ["--batch-size", "0"], "refuse"),
        ("learn: --target-accuracy 2", ["--target-accuracy", "2"], "refuse"),
        ("learn: --patience 0", ["--patience", "0"], "refuse"),
        ("learn: --optimizer rmsprop", ["--optimizer", "rmsprop"], "refuse"),
        ("learn: --label-column on npz", ["--label-column", "y"], "refuse"),
        ("learn: adam --lr 10 (collapse)", ["--lr", "10", "--epochs", "5"], "warn"),
    ]


def scramble_cases():
    return [
        ("scramble: --noise 1e200", ["color-cube", "--noise", "1e200"], "refuse"),
        ("scramble: --noise -1", ["spirals", "--noise", "-1"], "refuse"),
        ("scramble: --noise nan", ["spirals", "--noise", "nan"], "refuse"),
        ("scramble: --gap 1e9", ["color-cube", "--gap", "1e9"], "refuse"),
        ("scramble: --arms 10^5", ["spirals", "--arms", "100000"], "refuse"),
        ("scramble: --classes 1000", ["blobs", "--classes", "1000"], "refuse"),
        ("scramble: --cells 5", ["checker", "--cells", "5"], "refuse"),
        ("scramble: --twists 10^8", ["color-cube", "--twists", "100000000"], "refuse"),
        ("scramble: --n 10^11", ["color-cube", "--n", "99999999999"], "refuse"),
        ("scramble: --n 0", ["spirals", "--n", "0"], "refuse"),
        ("scramble: --seed -1", ["color-cube", "--seed", "-1"], "refuse"),
        ("scramble: --test-fraction 0", ["spirals", "--test-fraction", "0"], "refuse"),
        ("scramble: --test-fraction 1", ["spirals", "--test-fraction", "1"], "refuse"),
        ("scramble: swirl(1e300)", ["spirals", "--moves", "swirl(1e300)"], "refuse"),
        ("scramble: shear(1e200,0)", ["moons", "--moves", "shear(1e200,0)"], "refuse"),
        ("scramble: swirl(nan)", ["moons", "--moves", "swirl(nan)"], "refuse"),
        ("scramble: cube move on 2-D", ["moons", "--moves", "R U"], "refuse"),
        ("scramble: bad Singmaster", ["color-cube", "--moves", "R Q"], "refuse"),
        ("scramble: unknown dataset", ["sphere"], "refuse"),
        ("scramble: --arms on moons", ["moons", "--arms", "3"], "refuse"),
        ("scramble: --size 9 digits", ["digits", "--size", "9"], "refuse"),
        ("scramble: --label-noise 1", ["moons", "--label-noise", "1"], "refuse"),
        ("scramble: --moves and --twists", ["moons", "--moves", "swirl(1)", "--twists", "2"], "refuse"),
        ("scramble: dataset and --from", ["moons", "--from", "x.csv"], "refuse"),
        ("scramble: -o x.txt", ["moons", "-o", "x.txt"], "refuse"),
    ]


def main(verbose: bool = False) -> int:
    from cubenet.data.cube import make_color_cube
    from cubenet.data.io import save

    counts = {"clean": 0, "unclear": 0, "bad": 0}
    root = Path(tempfile.mkdtemp(prefix="cubenet-hostile-"))
    results = []

    def record(name, verdict, code, out, err):
        counts[verdict] += 1
        last = (err.strip().splitlines() or out.strip().splitlines() or [""])[-1]
        results.append((verdict, name))
        print(f"{verdict:8s} {name}" + (f"   [exit {code}] {last[:150]}" if verbose or verdict != "clean" else ""))

    def case(name, expect, *args, cwd=None, protect=(), env=None, timeout=60):
        cwd = Path(cwd or root)
        before = {p: digest(p) for p in protect}
        code, out, err = sh(*args, cwd=cwd, env=env, timeout=timeout)
        record(name, judge(expect, code, out, err, all(digest(p) == d for p, d in before.items())), code, out, err)

    good = root / "cube.npz"
    save(make_color_cube(400, twists=1, rng=0), good)

    for name, make in npz_cases(root):
        path = root / f"{name.split(': ')[1].replace(' ', '_').replace('/', '_')[:30]}.npz"
        make(path)
        case(name + " -> learn", "refuse", "learn", path, *FAST, "-o", root / "runs" / path.stem, timeout=120)
        # huge but finite values are data: converting them is fine, only training must refuse them
        file_expect = "ok" if "1e300" in name else "refuse"
        case(name + " -> export", file_expect, "export", path, "--csv", root / f"{path.stem}-out.csv", timeout=120)
        path.unlink()

    for name, text in CSV_CASES:
        path = root / "case.csv"
        if text is None:
            path.write_bytes("x1,x2,label\n".encode() + "1,2,caf\xe9\n3,4,b\n".encode("latin-1") * 4)
        else:
            path.write_text(text, encoding="utf-8", newline="")
        case(name + " -> learn", "refuse", "learn", path, *FAST, "-o", root / "runs" / "csv")
        case(name + " -> scramble --from", "ok" if "1e300" in name else "refuse", "scramble", "--from", path,
             "-o", root / "csv.npz", "--no-preview")
    for name, text in CSV_OK:
        path = root / "ok.csv"
        path.write_text(text, encoding="utf-8", newline="")
        label = ["--label-column", "kind"] if "kind" in text else []
        shutil.rmtree(root / "runs" / "ok", ignore_errors=True)
        case(name, "ok", "learn", path, *label, *FAST, "-o", root / "runs" / "ok")

    for name, args, expect in learn_option_cases():
        shutil.rmtree(root / "runs" / "opt", ignore_errors=True)
        extra = [a for a in FAST if a not in ("--hidden", "4")] if "--hidden" in args else \
            ([a for a in FAST if a not in ("--epochs", "2")] if "--epochs" in args else FAST)
        case(name, expect, "learn", good, *args, *extra, "-o", root / "runs" / "opt")

    for name, args, expect in scramble_cases():
        case(name, expect, "scramble", *args, "--no-preview", *([] if "-o" in args else ["-o", root / "s.npz"]))

    # files: FIFOs, folders, devices, the input as output, implicit outputs over the user's files
    fifo = root / "pipe.npz"
    os.mkfifo(fifo)
    case("fs: FIFO as learn data", "refuse", "learn", fifo, *FAST, "-o", root / "runs" / "fifo")
    case("fs: FIFO as --model", "refuse", "learn", good, "--model", fifo, "--epochs", "1", "--no-render",
         "-o", root / "runs" / "fifo")
    case("fs: FIFO as scramble -o", "refuse", "scramble", "xor", "--no-preview", "-o", fifo)
    csv_fifo = root / "pipe.csv"
    os.mkfifo(csv_fifo)
    case("fs: FIFO as export --csv", "refuse", "export", good, "--csv", csv_fifo)
    case("fs: FIFO as CSV data", "refuse", "scramble", "--from", csv_fifo, "-o", root / "f.npz")
    case("fs: /dev/zero as data", "refuse", "learn", "/dev/zero", *FAST, "-o", root / "runs" / "dev")
    case("fs: a folder as data", "refuse", "learn", root, *FAST, "-o", root / "runs" / "dir")
    case("fs: missing data", "refuse", "learn", root / "nope.npz", *FAST, "-o", root / "runs" / "nope")
    case("fs: a dataset as --model", "refuse", "learn", good, "--model", good, "--epochs", "1", "--no-render",
         "-o", root / "runs" / "m")
    (root / "folder.npz").mkdir()
    case("fs: a folder as scramble -o", "refuse", "scramble", "xor", "--no-preview", "-o", root / "folder.npz")
    (root / "in.csv").write_text("x,label\n" + "1,a\n2,b\n" * 4)
    case("fs: export onto its input", "refuse", "export", root / "in.csv", "--csv", root / "in.csv",
         protect=[root / "in.csv"])

    work = root / "proj"
    work.mkdir()
    sh("scramble", "spirals", "--n", "400", "-o", "sp.npz", cwd=work)
    sh("export", "sp.npz", "--csv", "my.csv", cwd=work)
    sh("scramble", "--from", "my.csv", "--no-preview", cwd=work)
    case("out: export my.npz over the CSV it came from", "refuse", "export", "my.npz", cwd=work,
         protect=[work / "my.csv"])
    sh("export", "sp.npz", cwd=work)
    case("out: scramble --from sp.csv over sp.npz", "refuse", "scramble", "--from", "sp.csv", cwd=work,
         protect=[work / "sp.npz"])
    (work / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\nmine")
    case("out: -o photo.npz over photo.png", "refuse", "scramble", "moons", "--n", "200", "-o", "photo.npz", cwd=work,
         protect=[work / "photo.png"])
    (work / "moons.npz").write_bytes(b"mine")
    case("out: default moons.npz over the user's file", "refuse", "scramble", "moons", "--n", "200", cwd=work,
         protect=[work / "moons.npz"])
    (work / "thesis.tex").write_text("thesis")
    (work / "run.json").write_text("{}")
    case("out: learn -o . in a folder with run.json", "refuse", "learn", "my.csv", *FAST, "-o", ".", cwd=work,
         protect=[work / "thesis.tex", work / "my.csv"])
    case("ok: scramble the same dataset twice", "ok", "scramble", "xor", "--n", "200", cwd=work)
    case("ok: ... and again (replaces its own file)", "ok", "scramble", "xor", "--n", "200", "--seed", "2", cwd=work)

    # run folders: tampered records, swapped data, other data for --model
    run = root / "runs" / "base"
    code, _, err = sh("learn", good, *FAST, "-o", run, cwd=root)
    assert code == 0, err
    tampers = [("metrics.json", "test_accuracy", "high"), ("metrics.json", "per_class_accuracy", [1]),
               ("metrics.json", "confusion_matrix", "x"), ("metrics.json", "stop_reason", 3),
               ("metrics.json", "epochs_run", "3"), ("metrics.json", "warnings", 5), ("run.json", "command", [1]),
               ("run.json", "dataset", "x"), ("run.json", "versions", 1), ("run.json", "seed", "zero"),
               ("run.json", "timing", [1])]
    for file, key, value in tampers:
        copy = root / "runs" / "tampered"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(run, copy)
        record_ = json.loads((copy / file).read_text())
        record_[key] = value
        (copy / file).write_text(json.dumps(record_))
        for command in ("render", "report"):
            case(f"run: {file} {key}={value!r} -> {command}", "refuse", command, copy)
    for name, content in [("history.csv empty", "epoch,loss,train_accuracy,test_accuracy\n"),
                          ("history.csv text", "epoch,loss,train_accuracy,test_accuracy\n0,a,b,c\n")]:
        copy = root / "runs" / "tampered"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(run, copy)
        (copy / "history.csv").write_text(content)
        case(f"run: {name} -> render", "refuse", "render", copy, "--what", "curves")
    copy = root / "runs" / "tampered"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(run, copy)
    save(make_color_cube(400, twists=2, rng=5), copy / "data.npz")
    case("run: swapped data.npz -> render", "refuse", "render", copy, "--what", "confusion")
    (copy / "model.npz").write_bytes(b"junk")
    case("run: junk model.npz -> render", "refuse", "render", copy)
    other = root / "other.npz"
    save(make_color_cube(400, twists=2, rng=3), other)
    shutil.rmtree(root / "runs" / "cont", ignore_errors=True)
    case("learn: --model from a run on other data", "warn", "learn", other, "--model", run / "model.npz",
         "--epochs", "1", "--no-render", "-o", root / "runs" / "cont")

    # the console and the machine
    shutil.rmtree(root / "runs" / "ascii", ignore_errors=True)
    case("console: ASCII only", "ok", "learn", good, *FAST, "-o", root / "runs" / "ascii",
         env={"PYTHONIOENCODING": "ascii"})
    low = subprocess.run(["bash", "-c", "ulimit -v 1500000; exec \"$@\"", "_", *CUBENET, "learn", str(good),
                          "--hidden", "4000,4000,4000", "--epochs", "1", "--no-render", "-o",
                          str(root / "runs" / "mem")], capture_output=True, text=True, cwd=root, timeout=120)
    record("machine: ulimit -v 1.5 GB, a 48M-parameter net", judge("refuse", low.returncode, low.stdout, low.stderr, True),
           low.returncode, low.stdout, low.stderr)

    shutil.rmtree(root, ignore_errors=True)
    total = sum(counts.values())
    print(f"\n{total} cases: {counts['clean']} clean, {counts['unclear']} unclear, {counts['bad']} bad")
    return 1 if counts["bad"] else 0


if __name__ == "__main__":
    sys.exit(main(verbose="--verbose" in sys.argv))
