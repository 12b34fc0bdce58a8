"""The dataset file: round trip, validation, and clear errors for corrupt or foreign files."""

import errno
import json
import zipfile

import numpy as np
import pytest

from cubenet import files
from cubenet.data.cube import make_color_cube
from cubenet.data.dataset import Dataset
from cubenet.data.io import load, save
from cubenet.errors import CubenetError


@pytest.fixture
def cube():
    return make_color_cube(300, twists=3, rng=5)


def arrays_of(ds):
    return {
        "X_train": ds.X_train, "y_train": ds.y_train, "X_test": ds.X_test, "y_test": ds.y_test,
        "class_names": np.array(ds.class_names), "class_colors": np.array(ds.class_colors),
        "meta": np.array(json.dumps(ds.meta)),
    }


def test_round_trip_is_exact(tmp_path, cube):
    path = save(cube, tmp_path / "cube.npz")
    back = load(path)
    for name in ("X_train", "y_train", "X_test", "y_test"):
        assert np.array_equal(getattr(back, name), getattr(cube, name))
    assert back.class_names == cube.class_names and back.class_colors == cube.class_colors
    assert back.meta == cube.meta
    with np.load(path, allow_pickle=False) as data:
        assert set(data.files) == {"X_train", "y_train", "X_test", "y_test", "class_names", "class_colors", "meta"}
        meta = json.loads(str(data["meta"]))
    for key in ("generator", "params", "seed", "scramble", "inverse", "facelets", "cubenet_version"):
        assert key in meta


def test_no_temporary_files_left(tmp_path, cube):
    save(cube, tmp_path / "cube.npz")
    assert [p.name for p in tmp_path.iterdir()] == ["cube.npz"]


def write(tmp_path, arrays, name="bad.npz"):
    path = tmp_path / name
    np.savez(path, **arrays)
    return path


@pytest.mark.parametrize("change, message", [
    (lambda a: a.pop("y_test"), "missing y_test"),
    (lambda a: a.update(X_train=a["X_train"][:, :2]), "2 features but X_test has 3"),
    (lambda a: a.update(y_train=a["y_train"][:-1]), "rows but y_train has"),
    (lambda a: a.update(y_train=a["y_train"].astype(float)), "integer labels"),
    (lambda a: a.update(y_test=a["y_test"] + 6), "outside 0..5"),
    (lambda a: a.update(X_train=np.where(np.arange(len(a["X_train"]))[:, None] == 3, np.nan, a["X_train"])),
     r"non-finite value \(NaN or inf\) at row 3"),
    (lambda a: a.update(X_test=a["X_test"][:, 0]), "2-D array"),
    (lambda a: a.update(meta=np.array("{not json")), "not valid JSON"),
    (lambda a: a.update(class_colors=a["class_colors"][:3]), "6 class names but 3 class colours"),
])
def test_invalid_contents_are_named(tmp_path, cube, change, message):
    arrays = arrays_of(cube)
    change(arrays)
    with pytest.raises(CubenetError, match=message) as info:
        load(write(tmp_path, arrays))
    assert "bad.npz" in str(info.value)


def test_pickled_objects_are_refused(tmp_path, cube):
    arrays = arrays_of(cube)
    arrays["meta"] = np.array([{"evil": 1}], dtype=object)
    with pytest.raises(CubenetError, match="never unpickles"):
        load(write(tmp_path, arrays))


def test_corrupt_truncated_and_foreign_files(tmp_path, cube):
    path = save(cube, tmp_path / "cube.npz")
    (tmp_path / "trunc.npz").write_bytes(path.read_bytes()[:200])
    with pytest.raises(CubenetError, match="trunc.npz.*corrupt or truncated"):
        load(tmp_path / "trunc.npz")
    (tmp_path / "text.npz").write_text("hello")
    with pytest.raises(CubenetError, match="text.npz' is not a .npz file"):
        load(tmp_path / "text.npz")
    np.save(tmp_path / "one.npy", np.zeros(3))
    (tmp_path / "one.npy").rename(tmp_path / "one.npz")
    with pytest.raises(CubenetError, match="single .npy array"):
        load(tmp_path / "one.npz")
    with zipfile.ZipFile(tmp_path / "zip.npz", "w") as zf:
        zf.writestr("readme.txt", "not numpy")
    with pytest.raises(CubenetError, match="not a cubenet dataset: missing"):
        load(tmp_path / "zip.npz")
    with pytest.raises(CubenetError, match="no such file"):
        load(tmp_path / "missing.npz")
    with pytest.raises(CubenetError, match="is a folder"):
        load(tmp_path)


def test_save_refuses_wrong_suffix_and_bad_dataset(tmp_path, cube):
    with pytest.raises(CubenetError, match="end in .npz"):
        save(cube, tmp_path / "cube.txt")
    bad = Dataset(cube.X_train, cube.y_train + 10, cube.X_test, cube.y_test, cube.class_names, cube.class_colors, {})
    with pytest.raises(CubenetError, match="outside"):
        save(bad, tmp_path / "bad.npz")
    assert not (tmp_path / "bad.npz").exists()


def test_a_full_disk_is_one_clear_error_and_leaves_nothing(tmp_path, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "replace", full)
    with pytest.raises(CubenetError, match="No space left on device; free some disk space"):
        files.write_text(tmp_path / "out.txt", "hello")
    assert list(tmp_path.iterdir()) == []
