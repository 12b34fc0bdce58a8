"""The README's Python examples run as written and print what the README says they print."""

import re
from pathlib import Path

import numpy as np

README = Path(__file__).resolve().parents[1] / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def test_cube_and_spirals_examples():
    blocks = [b for b in python_blocks() if ("make_color_cube" in b or "make_spirals" in b) and "train(" not in b]
    assert len(blocks) == 2
    from cubenet.data.cube import solved_labels

    namespace = {}
    exec(blocks[0], namespace)
    assert (solved_labels(namespace["X"]) == namespace["ds"].y_train).all()  # undone: the solved cube
    exec(blocks[1], namespace)
    claimed = re.search(r'cubenet\.facelets\("R U R\' U\'"\)\s+# \'(\w{54})\'', blocks[0]).group(1)
    import cubenet

    assert cubenet.facelets("R U R' U'") == claimed
    assert namespace["solved"].shape == namespace["ds"].X.shape


def test_model_file_snippet_runs_with_numpy_alone(tmp_path, monkeypatch):
    from cubenet.data.cube import make_color_cube
    from cubenet.nn.model_io import save_model
    from cubenet.nn.network import predict
    from cubenet.nn.train import TrainConfig, train

    ds = make_color_cube(600, twists=1, rng=0)
    model, _ = train((3, 8, 6), ds, TrainConfig(epochs=3), rng=0)
    (tmp_path / "runs" / "color-cube").mkdir(parents=True)
    save_model(model, tmp_path / "runs" / "color-cube" / "model.npz")
    monkeypatch.chdir(tmp_path)
    (block,) = [b for b in python_blocks() if 'np.load("runs/color-cube/model.npz")' in b]
    namespace = {}
    exec(block, namespace)
    labels = namespace["predict"](ds.X_test)
    assert list(labels) == [model.class_names[k] for k in predict(model, ds.X_test)]
    assert np.asarray(labels).dtype.kind == "U"


def test_real_digits_example_reads_real_handwriting(capsys):
    (block,) = [b for b in python_blocks() if "real_digit_accuracy" in b]
    namespace = {}
    exec(block, namespace)
    claimed = re.search(r"reads ([\d.]+) % of the\n1,797 real optdigits", README.read_text(encoding="utf-8")).group(1)
    # the recipe trains in float64, so the snippet prints the README's number exactly, on any machine
    assert f"{claimed}% of 1797 real handwritten digits read right" in capsys.readouterr().out


def test_notebook_example_returns_figures_and_a_player():
    from matplotlib.figure import Figure

    (block,) = [b for b in python_blocks() if "layer_panels_figure" in b]
    namespace = {}
    exec(block, namespace)
    assert isinstance(namespace["fig"], Figure) and isinstance(namespace["curve"], Figure)
    assert namespace["stats"][-2].probe_accuracy > 0.9  # the last hidden layer has unscrambled the cube
    player = namespace["player"]
    assert "<img" in player and "https://" not in player and "http://" not in player
    import importlib

    text = README.read_text(encoding="utf-8")
    for module, names in re.findall(r"in `(cubenet\.viz\.\w+)`: ((?:`\w+`,?\s*)+)", text):
        for name in re.findall(r"`(\w+)`", names):
            assert callable(getattr(importlib.import_module(module), name)), (module, name)


def test_the_distribution_name_is_ours_everywhere():
    """'cubenet' on the package index is someone else's project: every install line names cubenet-geometry."""
    import re
    from pathlib import Path

    import tomllib

    root = Path(__file__).resolve().parent.parent
    assert tomllib.loads((root / "pyproject.toml").read_text())["project"]["name"] == "cubenet-geometry"
    for doc in ("README.md", "puzzles/README.md", "puzzles/LEARNER.md"):
        path = root / doc
        if path.exists():
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"pip install cubenet(?![-_\w])", text), doc
