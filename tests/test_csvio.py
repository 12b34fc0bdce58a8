"""CSV import and export: good files, every bad case with its line number, streaming, the round trip."""

import re

import numpy as np
import pytest

from cubenet.data import csvio
from cubenet.data.csvio import read_csv, write_csv
from cubenet.data.io import load
from cubenet.data.planar import make_spirals
from cubenet.errors import CubenetError


def write(tmp_path, text, name="data.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def test_reads_features_and_word_labels(tmp_path):
    path = write(tmp_path, "x,y,colour\n0.5,1,red\n-2,3e-1,blue\n1.25,0,red\n4,4,green\n5,5,blue\n6,6,green\n"
                           "7,7,red\n8,8,blue\n")
    ds = read_csv(path, test_fraction=0.25, rng=0)
    assert ds.class_names == ("blue", "green", "red")  # sorted
    assert ds.meta["kind"] == "table" and ds.meta["feature_names"] == ["x", "y"]
    assert ds.meta["scramble"] == "" and ds.name == "data"
    assert len(ds.y_train) + len(ds.y_test) == 8 and ds.n_features == 2
    rows = {tuple(x): ds.class_names[c] for x, c in zip(ds.X.tolist(), ds.y)}
    assert rows[(0.5, 1.0)] == "red" and rows[(-2.0, 0.3)] == "blue" and rows[(4.0, 4.0)] == "green"
    assert len(ds.class_colors) == 3


def test_numeric_labels_are_sorted_by_value(tmp_path):
    path = write(tmp_path, "a,label\n1,10\n2,2\n3,2.0\n4,10\n5,-1\n6,-1\n")
    ds = read_csv(path, test_fraction=0.5, rng=0)
    assert ds.class_names == ("-1", "2", "10")
    by_x = {int(x[0]): ds.class_names[c] for x, c in zip(ds.X, ds.y)}
    assert by_x == {1: "10", 2: "2", 3: "2", 4: "10", 5: "-1", 6: "-1"}  # "2" and "2.0" are one class


def test_label_column_by_name_and_file_details(tmp_path):
    # a byte-order mark, semicolons, spaces, a quoted label with the separator, blank lines
    text = '\ufeffid;kind;size\n1; "big; heavy" ;2.5\n\n2;small;3\n3;"big; heavy";4\n4;small;5\n'
    ds = read_csv(write(tmp_path, text), label_column="kind", test_fraction=0.5, rng=0)
    assert ds.class_names == ("big; heavy", "small")
    assert ds.meta["feature_names"] == ["id", "size"] and ds.meta["params"]["label_column"] == "kind"
    assert sorted(ds.X[:, 0]) == [1, 2, 3, 4]


def test_split_column_keeps_the_given_split(tmp_path):
    text = "x1,x2,label,split\n0,0,a,train\n1,1,b,train\n2,2,a,test\n3,3,b,TEST\n4,4,a,train\n"
    ds = read_csv(write(tmp_path, text))
    assert ds.X_test[:, 0].tolist() == [2, 3] and ds.X_train[:, 0].tolist() == [0, 1, 4]
    assert ds.meta["feature_names"] == ["x1", "x2"]


LINE = r"'?[^']*data\.csv'?, line {}: "


@pytest.mark.parametrize("text, message", [
    ("x,y,label\n1,2,a\n3,,b\n", LINE.format(3) + "missing value in column 'y'"),
    ("x,y,label\n1,2,a\n3,4,b\n5,five,a\n", LINE.format(4) + "column 'y' must be numeric, got 'five'"),
    ("x,y,label\n1,2,a\n3,4\n", LINE.format(3) + "has 2 values but the header has 3 columns"),
    ("x,y,label\n1,2,a\n3,4,b,7\n", LINE.format(3) + "has 4 values but the header has 3 columns"),
    ("x,y,label\n1,2,a\n3,nan,b\n", LINE.format(3) + "column 'y' holds 'nan'; values must be finite"),
    ("x,y,label\n1,inf,a\n3,4,b\n", LINE.format(2) + "column 'y' holds 'inf'"),
    ("x,y,label\n1,2,a\n3,4,\n", LINE.format(3) + "missing label in column 'label'"),
    ("x,y,label\n1,2,a\n3,4,a\n", "has a single class \\('a'\\)"),
    ("", "the file is empty"),
    ("\n\n", "the file is empty"),
    ("x,y,label\n", "has a header but no data rows"),
    ("1,2,3\n4,5,6\n", LINE.format(1) + "the first line must be a header"),
    ("x,x,label\n1,2,a\n", "duplicate column name"),
    ("label\na\nb\n", "need at least one numeric feature column and a label column"),
    ("x,label,split\n1,a,train\n2,b,later\n", LINE.format(3) + "the 'split' column must say 'train' or 'test'"),
    ("x,label,split\n1,a,train\n2,b,train\n", "must mark some rows 'train' and some 'test'"),
])
def test_bad_files_give_one_clear_line(tmp_path, text, message):
    with pytest.raises(CubenetError, match=message):
        read_csv(write(tmp_path, text))


def test_more_than_50_classes_is_refused_with_its_line(tmp_path):
    rows = "".join(f"{i},{i * 2},id{i}\n" for i in range(60))
    with pytest.raises(CubenetError, match=LINE.format(52) + "the label column .label. has more than 50 different values.*--label-column"):
        read_csv(write(tmp_path, "x,y,label\n" + rows))


def test_unknown_label_column_lists_the_columns(tmp_path):
    with pytest.raises(CubenetError, match=re.escape("no label column 'klass'; the columns are: x, y, label")):
        read_csv(write(tmp_path, "x,y,label\n1,2,a\n"), label_column="klass")


def test_missing_file_and_not_utf8(tmp_path):
    with pytest.raises(CubenetError, match="no such file"):
        read_csv(tmp_path / "nope.csv")
    path = tmp_path / "latin.csv"
    path.write_bytes("x,label\n1,caf\xe9\n2,b\n".encode("latin-1"))
    with pytest.raises(CubenetError, match="not a UTF-8 text file"):
        read_csv(path)


def test_streams_in_blocks_with_correct_line_numbers(tmp_path, monkeypatch):
    monkeypatch.setattr(csvio, "BLOCK", 7)  # many blocks and several array growths
    rng = np.random.default_rng(0)
    X = rng.normal(size=(3000, 3))
    y = rng.integers(0, 4, 3000)
    lines = ["a,b,c,label"] + [f"{r[0]!r},{r[1]!r},{r[2]!r},c{k}" for r, k in zip(X.tolist(), y)]
    ds = read_csv(write(tmp_path, "\n".join(lines) + "\n"), rng=0)
    order = np.lexsort(ds.X.T[::-1])
    assert np.array_equal(ds.X[order], X[np.lexsort(X.T[::-1])])  # exact values, every row once
    lines[2500] = lines[2500].replace(",", ",x", 1)  # a bad value deep inside a later block
    with pytest.raises(CubenetError, match=LINE.format(2501) + "column 'b' must be numeric"):
        read_csv(write(tmp_path, "\n".join(lines) + "\n"))


def test_csv_goes_through_io_load(tmp_path):
    path = write(tmp_path, "p,q,r\n1,2,a\n3,4,b\n5,6,a\n7,8,b\n")
    ds = load(path, label_column="r", test_fraction=0.5, rng=0)
    assert ds.class_names == ("a", "b") and ds.meta["feature_names"] == ["p", "q"]
    # r is words: as a feature it must fail, naming the column
    with pytest.raises(CubenetError, match="column 'r' must be numeric"):
        load(path, label_column="p")


@pytest.mark.parametrize("split", [True, False])
def test_write_then_read_round_trip(tmp_path, split):
    ds = make_spirals(400, arms=3, noise=0.05, rng=0)
    path = write_csv(ds, tmp_path / "spirals.csv", split=split)
    header = path.read_text().splitlines()[0]
    assert header == ("x1,x2,label,split" if split else "x1,x2,label")
    back = read_csv(path, rng=0)
    assert back.class_names == ds.class_names
    if split:  # the same rows in the same parts, bit for bit
        for part in ("X_train", "y_train", "X_test", "y_test"):
            assert np.array_equal(getattr(back, part), getattr(ds, part))
    else:
        assert np.array_equal(back.X[np.lexsort(back.X.T)], ds.X[np.lexsort(ds.X.T)])


def test_round_trip_keeps_feature_names_and_word_classes(tmp_path):
    src = write(tmp_path, "height,weight,species\n1.5,60,cat\n1.7,70,dog\n1.6,65,cat\n1.8,80,dog\n", name="pets.csv")
    ds = read_csv(src, test_fraction=0.5, rng=0)
    out = write_csv(ds, tmp_path / "out.csv")
    assert out.read_text().splitlines()[0] == "height,weight,label,split"
    back = read_csv(out)
    assert back.meta["feature_names"] == ["height", "weight"] and back.class_names == ("cat", "dog")
    assert np.array_equal(back.X_train, ds.X_train) and np.array_equal(back.y_test, ds.y_test)


def test_write_is_atomic(tmp_path, monkeypatch):
    ds = make_spirals(100, rng=0)
    target = tmp_path / "out.csv"
    target.write_text("old\n")

    class Boom(Exception):
        pass

    def broken(*args, **kwargs):
        raise Boom

    monkeypatch.setattr(csvio.np, "asarray", broken)
    with pytest.raises(Boom):
        write_csv(ds, target)
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_write_csv_wants_a_csv_name(tmp_path):
    from cubenet.data.planar import make_spirals

    with pytest.raises(CubenetError, match=r"must end in \.csv"):
        write_csv(make_spirals(100, rng=0), tmp_path / "spirals.npz")
    assert list(tmp_path.iterdir()) == []
