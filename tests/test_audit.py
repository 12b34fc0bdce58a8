"""Regression tests written as the attacks of the hostile audit (issue #18) and the newcomer's walk (#17).

Each test reproduces one attack as it was reported and asserts the designed answer: a refusal with one
clear line, a warning, or an honest number.
"""

import json
import os
import zipfile

import numpy as np
import pytest

from cubenet.data.dataset import Dataset, default_colors
from cubenet.errors import CubenetError
from cubenet.nn.train import TrainConfig, train


def _dataset(X, y, n_classes=2, meta=None):
    X, y = np.asarray(X, float), np.asarray(y, np.int64)
    return Dataset(X, y, X.copy(), y.copy(), tuple(f"c{i}" for i in range(n_classes)), default_colors(n_classes),
                   dict(meta or {"generator": "t", "kind": "table"}))


# --- Wrong results reported as right: ties count as correct ------------------------------------------

def test_a_constant_predictor_is_not_scored_as_always_right():
    """Zero weights give every class the same logit: the audit saw 100 % for it (``zy >= 0``)."""
    from cubenet.nn.network import Model, init_params

    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 2))
    y = (np.arange(400) % 4 == 0).astype(int)  # a quarter class 1
    params = [(np.zeros_like(W), np.zeros_like(b)) for W, b in init_params((2, 4, 2), rng=0)]
    model = Model(params, ("relu",), None, None, ("c0", "c1"))
    _, history = train(model, _dataset(X, y), TrainConfig(epochs=1, lr=1e-9, schedule="constant"), rng=0)
    assert history.train_accuracy[0] == pytest.approx(0.75)  # argmax of a tie is class 0, as predict says


def test_duplicated_points_with_two_labels_do_not_reach_a_target_accuracy(cli, tmp_path):
    """The audit's CSV of duplicated points with two labels 'reached the target 97 % at epoch 1' at 50 %."""
    csv = tmp_path / "dup.csv"
    csv.write_text("x1,x2,label\n" + "".join(f"1.5,-2,{c}\n" for c in "ab" * 100))
    r = cli("learn", csv, "--hidden", "4", "--epochs", "3", "--target-accuracy", "0.97", "--no-render",
            "-o", tmp_path / "run")
    assert r.exit_code == 0, r.output
    history = (tmp_path / "run" / "history.csv").read_text().splitlines()[1:]
    assert all(float(row.split(",")[2]) <= 0.5 for row in history), history
    assert "reached the target" not in r.output


# --- Resource limits: zip bombs, forged headers, pickles, FIFOs, class counts --------------------------

def _cube_arrays(n=200):
    from cubenet.data.cube import make_color_cube

    ds = make_color_cube(n, twists=1, rng=0)
    return {"X_train": ds.X_train, "y_train": ds.y_train, "X_test": ds.X_test, "y_test": ds.y_test,
            "class_names": np.array(ds.class_names), "class_colors": np.array(ds.class_colors),
            "meta": np.array(json.dumps(ds.meta))}


def _no_np_load(monkeypatch):
    """Fail the test if any array is decompressed: the refusal must come from the headers alone."""
    def refuse(*args, **kwargs):
        raise AssertionError("np.load was called before the sizes were checked")
    monkeypatch.setattr(np, "load", refuse)


def test_a_zip_bomb_npz_is_refused_from_its_headers(tmp_path, monkeypatch):
    """The audit's 3.9 MB bomb took 3.95 GB before it was refused; here the cap is lowered to keep the test small."""
    from cubenet.data import io, npz

    arrays = _cube_arrays()
    arrays["X_train"] = np.zeros((2_000_000, 3))  # 48 MB of zeros, about 50 kB compressed
    arrays["y_train"] = np.zeros(2_000_000, dtype=np.int64)
    bomb = tmp_path / "bomb.npz"
    np.savez_compressed(bomb, **arrays)
    assert bomb.stat().st_size < 1_000_000
    monkeypatch.setattr(npz, "MAX_BYTES", 20_000_000)
    _no_np_load(monkeypatch)
    with pytest.raises(CubenetError, match=r"bomb.npz.*more than .* of memory, above cubenet's limit of 20.0 MB"):
        io.load(bomb)


def _forged(path, name, header_shape, data: bytes, others):
    import io as bytes_io

    buf = bytes_io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": "<f8", "fortran_order": False, "shape": header_shape})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"{name}.npy", buf.getvalue() + data)
        for key, value in others.items():
            member = bytes_io.BytesIO()
            np.save(member, value)
            zf.writestr(f"{key}.npy", member.getvalue())


def test_a_forged_npy_header_is_named_not_allocated(tmp_path, monkeypatch):
    from cubenet.data.io import load

    arrays = _cube_arrays()
    X = arrays.pop("X_train")
    path = tmp_path / "forged.npz"
    _forged(path, "X_train", (10 ** 9, 3), X.tobytes(), arrays)
    _no_np_load(monkeypatch)
    with pytest.raises(CubenetError, match=r"forged.npz.*'X_train' declares shape \(1000000000, 3\).*forged"):
        load(path)
    broken = tmp_path / "broken.npz"
    with zipfile.ZipFile(broken, "w") as zf:
        zf.writestr("X_train.npy", b"\x93NUMPY\x01\x00\x10\x00{'descr': <f8  }")
    with pytest.raises(CubenetError, match="forged or corrupt .npy header"):
        load(broken)


@pytest.mark.parametrize("route", ["dataset", "model", "snapshots"])
def test_no_route_loads_a_pickle(tmp_path, route):
    from cubenet.data.io import load
    from cubenet.data.npz import read_npz
    from cubenet.nn.model_io import load_model

    path = tmp_path / "evil.npz"
    np.savez(path, X_train=np.array([{"a": 1}], dtype=object), W0=np.array([None], dtype=object),
             epochs=np.array([object()], dtype=object), config=np.array("{}"))
    reader = {"dataset": load, "model": load_model, "snapshots": read_npz}[route]
    with pytest.raises(CubenetError, match="Python objects|pickled"):
        reader(path)


def test_foreign_npz_files_are_named(tmp_path, cli):
    """A model or snapshot file given as data, and a dataset given as --model, say what they are."""
    from cubenet.data.io import load, save
    from cubenet.nn.model_io import load_model

    run = tmp_path / "run"
    data = tmp_path / "cube.npz"
    from cubenet.data.cube import make_color_cube

    save(make_color_cube(300, twists=1, rng=0), data)
    r = cli("learn", data, "--hidden", "4", "--epochs", "1", "--no-render", "-o", run)
    assert r.exit_code == 0, r.output
    with pytest.raises(CubenetError, match="is a model file .*not a dataset; give the data file"):
        load(run / "model.npz")
    with pytest.raises(CubenetError, match="snapshots file .*not a dataset"):
        load(run / "snapshots.npz")
    with pytest.raises(CubenetError, match="is a dataset file, not a model"):
        load_model(data)


def _unblock_readers(fifo, seconds=30.0):
    """If cubenet (wrongly) opens the FIFO for reading, feed it a few bytes and close it, so that a regression
    fails this test instead of hanging the suite (the audit's 'learn' waited forever)."""
    import errno
    import threading
    import time

    def feed():
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            try:
                fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as exc:
                if exc.errno in (errno.ENXIO, errno.ENOENT):  # no reader (as it should be), or removed
                    time.sleep(0.05)
                    continue
                return
            os.write(fd, b"not data\n")
            os.close(fd)
    threading.Thread(target=feed, daemon=True).start()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are a POSIX feature")
@pytest.mark.parametrize("name", ["data.npz", "data.csv"])
def test_learn_on_a_fifo_is_refused_instead_of_hanging(tmp_path, cli, name):
    fifo = tmp_path / name
    os.mkfifo(fifo)
    _unblock_readers(fifo)
    r = cli("learn", fifo, "--no-render", "-o", tmp_path / "run")
    assert r.exit_code == 1
    assert "is a FIFO (named pipe), not a regular file" in r.output
    r = cli("scramble", "--from", fifo) if name.endswith(".csv") else cli("export", fifo, "--csv", tmp_path / "x.csv")
    assert r.exit_code == 1 and "FIFO" in r.output, r.output


def test_a_10000_class_npz_is_refused_like_a_csv(tmp_path):
    """The audit's 10,000-class .npz was accepted (CSV stops at 50) and wrote a 900 MB metrics.json."""
    from cubenet.data.io import MAX_CLASSES, load

    k = 10_000
    rng = np.random.default_rng(0)
    arrays = {"X_train": rng.normal(size=(k, 2)), "y_train": np.arange(k), "X_test": rng.normal(size=(k, 2)),
              "y_test": np.arange(k), "class_names": np.array([f"c{i}" for i in range(k)]),
              "class_colors": np.array(["#000000"] * k), "meta": np.array('{"kind": "table"}')}
    np.savez(tmp_path / "many.npz", **arrays)
    with pytest.raises(CubenetError, match=f"10,000 classes; cubenet handles at most {MAX_CLASSES}"):
        load(tmp_path / "many.npz")
    X = rng.normal(size=(100, 2))
    with pytest.raises(CubenetError, match="at most 50"):
        train((2, 4, 60), _dataset(X, np.arange(100) % 60, n_classes=60), TrainConfig(epochs=1))


@pytest.mark.parametrize("change, message", [
    (lambda a: a.update(class_colors=np.array(["#zzzzzz"] * 6)), "class colour '#zzzzzz' is not a colour"),
    (lambda a: a.update(meta=np.array('{"kind": "sphere"}')), "meta kind must be one of"),
    (lambda a: a.update(meta=np.array('{"kind": "cube", "scramble": 3}')), "meta 'scramble' must be text"),
    (lambda a: a.update(meta=np.array('{"kind": "cube", "facelets": "XYZ"}')), "54 letters"),
    (lambda a: a.update(meta=np.array('{"kind": "digits", "image_shape": [8, 8]}')), "image_shape"),
    (lambda a: a.update(class_names=np.arange(6)), "class_names must be text"),
    (lambda a: a.update(meta=np.array(['{}', '{}'])), "one JSON string"),
])
def test_tampered_metadata_is_refused_on_load_before_any_work(tmp_path, change, message):
    """class_colors and the meta kind were checked only after training, so rendering failed half-way."""
    from cubenet.data.io import load

    arrays = _cube_arrays()
    change(arrays)
    np.savez(tmp_path / "t.npz", **arrays)
    with pytest.raises(CubenetError, match=message):
        load(tmp_path / "t.npz")


# --- Data loss: a name cubenet chose never replaces a file it did not write for that purpose ----------

def test_export_does_not_overwrite_the_csv_a_dataset_was_imported_from(cli, tmp_path, monkeypatch):
    """'scramble --from my.csv' then 'export my.npz' re-split and reordered the user's my.csv, silently."""
    monkeypatch.chdir(tmp_path)
    assert cli("scramble", "spirals", "--n", "400", "-o", "sp.npz", "--no-preview").exit_code == 0
    assert cli("export", "sp.npz", "--csv", "my.csv").exit_code == 0
    before = (tmp_path / "my.csv").read_bytes()
    r = cli("scramble", "--from", "my.csv", "--no-preview")
    assert r.exit_code == 0, r.output
    r = cli("export", "my.npz")
    assert r.exit_code == 1
    assert "'my.csv' exists and 'my.npz' was imported from it" in r.output and "--csv my.csv to replace it" in r.output
    assert (tmp_path / "my.csv").read_bytes() == before
    r = cli("export", "sp.npz")  # sp.csv does not exist: the default name is free
    assert r.exit_code == 0, r.output
    r = cli("export", "sp.npz")  # now it does, and a CSV cannot say who wrote it
    assert r.exit_code == 1 and "'sp.csv' exists and may be your own file" in r.output
    assert cli("export", "my.npz", "--csv", "my.csv").exit_code == 0  # named: replaced as asked


def test_scramble_from_csv_does_not_overwrite_another_dataset_file(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli("scramble", "spirals", "--n", "400", "-o", "sp.npz").exit_code == 0
    assert cli("export", "sp.npz").exit_code == 0
    before = (tmp_path / "sp.npz").read_bytes()
    r = cli("scramble", "--from", "sp.csv")
    assert r.exit_code == 1
    assert "'sp.npz' exists and holds another dataset (spirals, not imported from 'sp.csv')" in r.output
    assert (tmp_path / "sp.npz").read_bytes() == before
    assert cli("scramble", "--from", "sp.csv", "-o", "sp.npz").exit_code == 0  # named: replaced as asked
    r = cli("scramble", "--from", "sp.csv")  # the same import made again may replace its own output
    assert r.exit_code == 0, r.output


def test_the_preview_does_not_overwrite_an_unrelated_png(cli, tmp_path):
    """'-o photo.npz' overwrote the user's photo.png with the implicit preview."""
    photo = tmp_path / "photo.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n my holiday")
    r = cli("scramble", "moons", "--n", "200", "-o", tmp_path / "photo.npz")
    assert r.exit_code == 1
    assert "photo.png' exists and is not a preview cubenet drew" in r.output and "--no-preview" in r.output
    assert photo.read_bytes() == b"\x89PNG\r\n\x1a\n my holiday"
    assert not (tmp_path / "photo.npz").exists()  # refused before any work
    assert cli("scramble", "moons", "--n", "200", "-o", tmp_path / "photo.npz", "--no-preview").exit_code == 0
    out = tmp_path / "m.npz"
    for _ in range(2):  # cubenet's own preview is redrawn
        r = cli("scramble", "moons", "--n", "200", "-o", out)
        assert r.exit_code == 0, r.output


def test_scramble_twice_without_o_replaces_only_the_same_dataset(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for seed in ("1", "2"):
        r = cli("scramble", "xor", "--n", "200", "--seed", seed)
        assert r.exit_code == 0, r.output
    (tmp_path / "moons.npz").write_bytes(b"my own file")
    r = cli("scramble", "moons", "--n", "200")
    assert r.exit_code == 1 and "'moons.npz' exists and is not a cubenet dataset file" in r.output
    assert (tmp_path / "moons.npz").read_bytes() == b"my own file"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are a POSIX feature")
def test_a_fifo_or_folder_is_never_replaced_by_an_output(cli, tmp_path):
    fifo = tmp_path / "out.npz"
    os.mkfifo(fifo)
    r = cli("scramble", "xor", "--n", "100", "-o", fifo, "--no-preview")
    assert r.exit_code == 1 and "it is a FIFO (named pipe), not a regular file" in r.output
    assert fifo.is_fifo()
    (tmp_path / "x.npz").mkdir()
    r = cli("scramble", "xor", "--n", "100", "-o", tmp_path / "x.npz", "--no-preview")
    assert r.exit_code == 1 and "it is a folder" in r.output


# --- Wrong results reported as right: CSV parsing is strict ---------------------------------------------

@pytest.mark.parametrize("body, message", [
    # an unclosed quote swallowed the rest of the file into one label: rows lost, a class gained
    ('1,2,a\n3,4,"b\n5,6,a\n7,8,b\n9,9,a\n', r"line 3: a quoted value .* is a closing quote missing"),
    ('1,2,a\n3,4,"b\n5,6,a\n7,8,"b"\n9,9,a\n', r"line 3: a quoted value .* is a closing quote missing"),
    ('1,"2\n3",a\n5,6,b\n', r"line 2: a quoted value"),
    # numbers Python's float() takes but a CSV reader must not
    ("1_000,2,a\n3,4,b\n5,6,a\n7,8,b\n", r"line 2: column 'x1' must be numeric, got '1_000'"),
    ("\u0661,2,a\n3,4,b\n5,6,a\n7,8,b\n", r"line 2: column 'x1' must be numeric, got '\u0661'"),
    ("1,\uff12,a\n3,4,b\n5,6,a\n7,8,b\n", r"line 2: column 'x2' must be numeric, got '\uff12'"),
    # labels that parse to inf or nan, and labels that are the same number
    ("1,2,inf\n3,4,1\n5,6,inf\n7,8,1\n", r"line 2: the label 'inf' is not a class"),
    ("1,2,nan\n3,4,b\n5,6,a\n7,8,b\n", r"line 2: the label 'nan' is not a class"),
    ("1,2,1\n3,4,1.0\n5,6,1\n7,8,1.00\n", r"single class \('1'\) \('1', '1.0', '1.00' are the same number\)"),
    ("1,2,a\x00\n3,4,b\n", r"line 2: the label holds a NUL byte"),
    # the rest of the checklist: ragged rows, non-numeric and non-finite cells, one class, too few rows
    ("1,2,a\n3,4\n", r"line 3: has 2 values but the header has 3 columns"),
    ("1,2,a\n3,4,b,5\n", r"line 3: has 4 values"),
    ("1,x,a\n3,4,b\n", r"line 2: column 'x2' must be numeric, got 'x'"),
    ("1,nan,a\n3,4,b\n", r"line 2: column 'x2' holds 'nan'; values must be finite"),
    ("1,-inf,a\n3,4,b\n", r"line 2: column 'x2' holds '-inf'"),
    ("1,1e400,a\n3,4,b\n", r"line 2: column 'x2' holds '1e400'"),
    ("1,2,a\n3,4,a\n", r"single class \('a'\)"),
    ("1,2,a\n3,4,b\n", r"data.csv': too few samples \(2\) to split"),
])
def test_a_csv_is_parsed_strictly(tmp_path, body, message):
    from cubenet.data.csvio import read_csv

    path = tmp_path / "data.csv"
    path.write_text("x1,x2,label\n" + body, encoding="utf-8")
    with pytest.raises(CubenetError, match=message):
        read_csv(path, rng=0)


@pytest.mark.parametrize("header, message", [
    ("x,x,label", "duplicate column name"), ("x,,label", "column 2 of the header has no name"),
    ("1,2,3", "must be a header"), ("", "the file is empty"),
])
def test_a_csv_header_is_checked(tmp_path, header, message):
    from cubenet.data.csvio import read_csv

    path = tmp_path / "data.csv"
    path.write_text(header + ("\n1,2,a\n3,4,b\n" if header else ""), encoding="utf-8")
    with pytest.raises(CubenetError, match=message):
        read_csv(path)


def test_a_byte_order_mark_and_many_classes(tmp_path):
    from cubenet.data.csvio import read_csv

    path = tmp_path / "bom.csv"
    path.write_text("\ufeffx1,x2,label\n" + "1,2,a\n3,4,b\n" * 4, encoding="utf-8")
    assert read_csv(path, rng=0).meta["feature_names"] == ["x1", "x2"]
    path.write_text("x1,label\n" + "".join(f"{i},c{i}\n" for i in range(60)), encoding="utf-8")
    with pytest.raises(CubenetError, match="line 52: the label column 'label' has more than 50 different values"):
        read_csv(path)


# --- Wrong results reported as right: unbounded parameters, infinite scales, L-BFGS, collapse ------------

@pytest.mark.parametrize("args, message", [
    (["color-cube", "--noise", "1e200"], r"noise must be a finite number between 0 and 1, got 1e\+200"),
    (["spirals", "--noise", "5"], r"noise must be a finite number between 0 and 1"),
    (["spirals", "--moves", "shear(1e200,0)"], r"move argument '1e200' must be between -1,000 and 1,000"),
    (["color-cube", "--seed", "-1"], r"--seed must be an integer >= 0, got -1"),
])
def test_every_scramble_parameter_is_bounded(cli, tmp_path, args, message):
    r = cli("scramble", *args, "--n", "200", "-o", tmp_path / "t.npz", "--no-preview")
    assert r.exit_code == 1, r.output
    assert len(r.output.strip().splitlines()) == 1 and "unexpected" not in r.output
    assert __import__("re").search(message, r.output), r.output


def test_features_near_1e300_are_refused_instead_of_an_infinite_input_scale(tmp_path, cli):
    """The audit's CSV with features near 1e300 wrote input_scale = [inf …] and a constant predictor, exit 0."""
    csv = tmp_path / "huge.csv"
    csv.write_text("x1,x2,label\n" + "".join(f"{(-1) ** i * 1e300:.3e},{i},{'ab'[i % 2]}\n" for i in range(40)))
    r = cli("learn", csv, "--epochs", "1", "--no-render", "-o", tmp_path / "run")
    assert r.exit_code == 1
    assert "the features are too large to standardise (|x| up to 1e+300)" in r.output
    assert not (tmp_path / "run").exists()


def test_a_model_file_with_an_infinite_input_scale_is_refused(tmp_path):
    from cubenet.nn.model_io import load_model, model_arrays
    from cubenet.nn.network import Model, init_params

    model = Model(init_params((2, 3, 2), rng=0), ("relu",), np.zeros(2), np.array([np.inf, 1.0]), ("a", "b"))
    np.savez(tmp_path / "m.npz", **model_arrays(model))
    with pytest.raises(CubenetError, match="input_mean and input_scale must be finite"):
        load_model(tmp_path / "m.npz")


def test_l_bfgs_abnormal_termination_is_not_reported_as_convergence():
    """'--l2 1e300' ended 'ABNORMAL' and was saved as 'L-BFGS converged after 0 iterations (ABNORMAL: )'."""
    from types import SimpleNamespace

    from cubenet.nn.train import History, check_config, lbfgs_stop_reason
    from cubenet.run.verdict import training_warnings

    with pytest.raises(CubenetError, match=r"l2 must be a number between 0 and 10, got 1e\+300"):
        check_config(TrainConfig(optimizer="lbfgs", l2=1e300))
    reason = lbfgs_stop_reason(SimpleNamespace(status=2, message="ABNORMAL: "), 0)
    assert "converged" not in reason.replace("without converging", "")
    assert reason.startswith("L-BFGS stopped without converging after 0 iterations (ABNORMAL)")
    assert lbfgs_stop_reason(SimpleNamespace(status=0, message="CONVERGENCE: REL_REDUCTION"), 9).startswith(
        "L-BFGS converged after 9 iterations")
    X = np.random.default_rng(0).normal(size=(100, 2))
    y = (X[:, 0] > 0).astype(int)
    model, _ = train((2, 4, 2), _dataset(X, y), TrainConfig(optimizer="lbfgs", epochs=30), rng=0)
    history = History(*(np.zeros(1) for _ in range(5)), stop_reason=reason)
    assert any("L-BFGS did not converge" in line for line in training_warnings(model, _dataset(X, y), history))


@pytest.mark.parametrize("optimizer, lr", [("adam", "10"), ("sgd", "10")])
def test_a_collapsed_network_is_warned_about_at_the_end_of_training(cli, tmp_path, optimizer, lr):
    """adam --lr 10 ended at chance with no warning (exit 0, 'completed 60 epochs')."""
    assert cli("scramble", "spirals", "--n", "600", "-o", tmp_path / "sp.npz", "--no-preview").exit_code == 0
    r = cli("learn", tmp_path / "sp.npz", "--optimizer", optimizer, "--lr", lr, "--epochs", "10", "--no-render",
            "--seed", "2", "-o", tmp_path / "run")  # seed 2: this collapse (others may stall just above chance)
    if "diverged" in r.output:  # sgd may blow up instead, which is refused, also with one line
        assert r.exit_code == 1
        return
    assert r.exit_code == 0, r.output
    assert "Warning: the network ended at chance" in r.output and "lower the learning rate (it was 10" in r.output
    r = cli("learn", tmp_path / "sp.npz", "--epochs", "20", "--no-render", "-o", tmp_path / "fine")
    assert r.exit_code == 0 and "Warning" not in r.output, r.output


@pytest.mark.parametrize("args, message", [
    (["--hidden", ""], "--hidden: is empty; give sizes such as 16,16 or 'none'"),
    (["--hidden", "\u00b2"], "each size must be a positive integer, got '\u00b2'"),
    (["--hidden", "100000000"], "each size must be at most 4,096"),
    (["--optimizer", "adam", "--nesterov"], "nesterov applies only to optimizer 'momentum', not 'adam'"),
    (["--optimizer", "lbfgs", "--lr", "0.5"], "L-BFGS takes no learning rate"),
    (["--seed", "-1"], "--seed must be an integer >= 0, got -1"),
])
def test_options_are_never_silently_dropped_or_reinterpreted(tmp_path, capsys, args, message):
    """'--hidden ""' meant the default network; --nesterov with adam and --lr with lbfgs were dropped silently."""
    code, out = _main(capsys, "learn", *args, "--epochs", "1", "--no-render", "-o", tmp_path / "run")
    assert code in (1, 2) and message in out and len(out.strip().splitlines()) == 1, out
    assert "unexpected" not in out and not (tmp_path / "run").exists()


def _main(capsys, *args):
    """Run the real console entry point (as the shell does): exit code and everything it printed."""
    import signal
    import sys

    from cubenet.cli import main

    argv, handlers = sys.argv, {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGHUP)}
    sys.argv = ["cubenet", *map(str, args)]
    try:
        with pytest.raises(SystemExit) as exit_info:
            main()
    finally:
        sys.argv = argv
        for s, handler in handlers.items():
            signal.signal(s, handler)
    captured = capsys.readouterr()
    return exit_info.value.code, captured.out + captured.err


# --- Unclear answers: every failure is one designed line ------------------------------------------------

@pytest.mark.parametrize("error, message", [
    (MemoryError(), "not enough memory for this command; use a smaller data set"),
    (OSError(28, "No space left on device", "out.npz"), "cannot access 'out.npz': No space left on device; free some disk"),
    (PermissionError(13, "Permission denied", "/x"), "cannot access '/x': Permission denied; check the path"),
    (RuntimeError(""), r"cubenet failed unexpectedly \(RuntimeError: no message\)\. This is a bug"),
    (KeyError("W0"), r"cubenet failed unexpectedly \(KeyError: 'W0'\)"),
])
def test_an_unexpected_error_is_one_designed_line(monkeypatch, cli, error, message):
    """About 30 audit cases printed 'Error: unexpected <Type>: …', once with an empty message."""
    import re

    import cubenet.data.registry as registry

    def boom(*args, **kwargs):
        raise error
    monkeypatch.setattr(registry, "make_dataset", boom)
    r = cli("scramble", "xor", "--no-preview", "-o", "unused.npz")
    assert r.exit_code == 1
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "Error: unexpected" not in lines[0], r.output
    assert re.search(message, lines[0]), lines[0]


def test_a_non_utf8_console_does_not_fail_after_the_work_is_done(tmp_path):
    """With an ASCII console the file was written, then a UnicodeEncodeError ended the command with exit 1."""
    import subprocess
    import sys

    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    out = tmp_path / "c.npz"
    run = subprocess.run([sys.executable, "-c", "from cubenet.cli import main; main()", "learn", "--hidden", "4",
                          "--epochs", "1", "--no-render", "-o", tmp_path / "run"],
                         capture_output=True, env=env, cwd=tmp_path)
    assert run.returncode == 0, run.stderr.decode("ascii", "replace")
    assert b"2 ? 4 ? 6" in run.stdout or b"3 ? 4 ? 6" in run.stdout  # the arrows, replaced
    assert not out.exists() and (tmp_path / "run" / "model.npz").exists()


# --- Validation comes before work; provenance is checked (#18, #17 item 3) ------------------------------

@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    """A small trained run folder (and the data file it came from) to tamper with."""
    from typer.testing import CliRunner

    from cubenet.cli import app
    from cubenet.data.cube import make_color_cube
    from cubenet.data.io import save

    folder = tmp_path_factory.mktemp("run")
    save(make_color_cube(400, twists=1, rng=0), folder / "cube.npz")
    r = CliRunner().invoke(app, ["learn", str(folder / "cube.npz"), "--hidden", "4", "--epochs", "2", "--no-render",
                                 "-o", str(folder / "run")])
    assert r.exit_code == 0, r.output
    return folder


def _copy_run(small_run, tmp_path):
    import shutil

    shutil.copytree(small_run / "run", tmp_path / "run")
    return tmp_path / "run"


@pytest.mark.parametrize("file, key, value, message", [
    ("metrics.json", "test_accuracy", "high", "'test_accuracy' must be a fraction in [0, 1], got 'high'"),
    ("metrics.json", "per_class_accuracy", [1, 2], "'per_class_accuracy' must be an object"),
    ("metrics.json", "confusion_matrix", [[1]], "'confusion_matrix' must be 6 × 6"),
    ("metrics.json", "stop_reason", 3, "'stop_reason' must be text, got 3"),
    ("metrics.json", "train_seconds", None, "'train_seconds' must be a number of seconds"),
    ("run.json", "command", [1], "'command' must be text"),
    ("run.json", "versions", 1, "'versions' must be an object of text"),
    ("run.json", "seed", "zero", "'seed' must be a whole number or null"),
])
def test_tampered_run_records_are_named_before_rendering(small_run, tmp_path, cli, file, key, value, message):
    run = _copy_run(small_run, tmp_path)
    record = json.loads((run / file).read_text())
    record[key] = value
    (run / file).write_text(json.dumps(record))
    for command in ("render", "report"):
        r = cli(command, run)
        assert r.exit_code == 1, r.output
        assert f"{file}': {message}" in r.output and "unexpectedly" not in r.output, r.output
    assert not (run / "layers.png").exists() and not (run / "report.html").exists()


def test_an_empty_history_is_named(small_run, tmp_path):
    from cubenet.run.folder import load_run

    run = _copy_run(small_run, tmp_path)
    (run / "history.csv").write_text("epoch,loss,train_accuracy,test_accuracy,seconds\n")
    with pytest.raises(CubenetError, match="history.csv' has no rows"):
        load_run(run)


def test_a_swapped_data_npz_is_not_drawn_as_the_run(small_run, tmp_path, cli):
    """The recorded sha256 was never checked, so render drew a swapped data.npz as if the run had seen it."""
    from cubenet.data.cube import make_color_cube
    from cubenet.data.io import save

    run = _copy_run(small_run, tmp_path)
    save(make_color_cube(400, twists=2, rng=9), run / "data.npz")
    r = cli("render", run, "--what", "confusion")
    assert r.exit_code == 1
    assert "data.npz' is not the data this run was trained on (its sha256 differs from run.json)" in r.output


def test_render_says_when_the_data_file_changed_since_training(small_run, tmp_path, cli, monkeypatch):
    """#17: 'cube.npz' overwritten by another example; the run's recorded command no longer reproduces it."""
    import shutil

    from cubenet.data.cube import make_color_cube
    from cubenet.data.io import save

    shutil.copy(small_run / "cube.npz", tmp_path / "cube.npz")
    run = _copy_run(small_run, tmp_path)
    info = json.loads((run / "run.json").read_text())
    info["dataset"]["path"] = "cube.npz"
    (run / "run.json").write_text(json.dumps(info))
    monkeypatch.chdir(tmp_path)
    r = cli("render", "run", "--what", "curves")
    assert r.exit_code == 0 and "Warning" not in r.output, r.output
    save(make_color_cube(400, twists=3, rng=1), tmp_path / "cube.npz")
    r = cli("render", "run", "--what", "curves")
    assert r.exit_code == 0, r.output
    assert "Warning: 'cube.npz' changed since this run was trained" in r.output


def test_continuing_a_model_on_other_data_names_both_files(small_run, tmp_path, cli):
    """#17: 'learn cube.npz --model runs/cube/model.npz' continued silently on a different cube.npz."""
    from cubenet.data.cube import make_color_cube
    from cubenet.data.io import save

    model = small_run / "run" / "model.npz"
    r = cli("learn", small_run / "cube.npz", "--model", model, "--epochs", "1", "--no-render", "-o", tmp_path / "a")
    assert r.exit_code == 0 and "Warning" not in r.output, r.output
    other = tmp_path / "other.npz"
    save(make_color_cube(400, twists=2, rng=3), other)
    r = cli("learn", other, "--model", model, "--epochs", "1", "--no-render", "-o", tmp_path / "b")
    assert r.exit_code == 0, r.output
    text = " ".join(r.output.split())
    assert f"Warning: '{model}' was trained on other data ('{small_run / 'run' / 'data.npz'}', from " in text
    assert f"than '{other}'" in text


def test_moves_on_a_2d_set_say_they_replace_its_own_moves(cli, tmp_path):
    """#17: 'scramble moons --moves swirl(2.0)' gave two straight bands swirled, not moons, without a word."""
    from cubenet.data.io import load

    r = cli("scramble", "moons", "--moves", "swirl(2.0)", "--n", "200", "-o", tmp_path / "m.npz")
    assert r.exit_code == 0, r.output
    text = " ".join(r.output.split())
    assert "--moves replaced the moons set's own moves (wave(-0.5,2.0,0.0,0.0))" in text
    assert 'to keep them, give --moves "wave(-0.5,2.0,0.0,0.0) swirl(2.0)"' in text
    assert load(tmp_path / "m.npz").meta["replaced_moves"] == "wave(-0.5,2.0,0.0,0.0)"
    r = cli("scramble", "moons", "--moves", "wave(-0.5,2.0,0.0,0.0) swirl(2.0)", "--n", "200", "-o", tmp_path / "k.npz",
            "--no-preview")
    assert r.exit_code == 0 and "replaced" not in r.output, r.output
    assert "replaced_moves" not in load(tmp_path / "k.npz").meta
    from cubenet.viz.preview import preview_figure

    fig = preview_figure(load(tmp_path / "m.npz"))
    assert "--moves instead of its own wave(-0.5,2.0,0.0,0.0)" in fig._suptitle.get_text()


@pytest.mark.parametrize("kind, n_features, cube_words", [("cube", 3, True), ("planar", 2, False),
                                                           ("table", 3, False), ("digits", 64, False)])
def test_report_captions_fit_the_dataset_kind(kind, n_features, cube_words):
    """#17: spirals, digits and CSV reports spoke of 'stickers' and 'a lattice of lines through the cube'."""
    from types import SimpleNamespace

    from cubenet.nn.network import Model, init_params
    from cubenet.viz.report import _figure_plan

    ds = SimpleNamespace(meta={"kind": kind}, n_features=n_features)
    model = Model(init_params((n_features, 4, 2), rng=0), ("relu",), None, None, ("a", "b"))
    text = " ".join(caption for _, _, caption in _figure_plan(SimpleNamespace(dataset=ds, model=model)))
    assert ("sticker" in text and "through the cube" in text) == cube_words
    if not cube_words:
        assert "cube" not in text.lower() and "sticker" not in text
