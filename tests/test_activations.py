"""The activation table: one record per activation, read by the network, the kernels, the captions and the CLI."""

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from cubenet import activations as acts
from cubenet.errors import CubenetError


@pytest.mark.parametrize("name", acts.ACTIVATIONS)
def test_the_derivative_is_the_slope_of_the_function(name):
    record = acts.TABLE[name]
    z = np.array([-2.0, -0.7, -0.1, 0.3, 1.1, 2.5])
    eps = 1e-6
    slope = (record.f(z + eps) - record.f(z - eps)) / (2 * eps)
    np.testing.assert_allclose(record.df(z, record.f(z)), slope, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", acts.ACTIVATIONS)
def test_the_flags_say_what_the_function_does(name):
    record = acts.TABLE[name]
    z = np.linspace(-3, 3, 61)
    assert record.nonnegative == bool(np.all(record.f(z) >= 0))
    assert record.relu_like == bool(np.all(record.f(z[z > 0]) == z[z > 0]) and np.all(np.abs(record.f(z[z < 0])) < 0.1))
    assert record.mask in ("bool", "bits") and (record.forward_ops is None) == (record.backward_ops is None)


def test_softmax_is_the_output_only():
    assert acts.activation("softmax", output=True) is acts.SOFTMAX
    with pytest.raises(CubenetError, match="unknown activation 'softmax'; choose from relu, tanh"):
        acts.activation("softmax")
    np.testing.assert_allclose(acts.softmax(np.array([[0.0, np.log(3.0)]])), [[0.25, 0.75]])


def test_the_table_loads_without_numpy():
    """The command line builds --activation's choices from the table, so importing it must stay light."""
    code = "import sys; import cubenet.activations; print('numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_the_captions_come_from_the_table():
    from types import SimpleNamespace

    from cubenet.viz.animate import stage_caption

    model = SimpleNamespace(activations=("tanh", "leaky_relu"), n_layers=3)
    assert stage_caption(model, 1, "activation") == f"step 3 of 3: {acts.TABLE['tanh'].caption}"
    assert stage_caption(model, 2, "activation").endswith("t·leaky_relu(z)")
    assert stage_caption(model, 3, "activation") == f"step 3 of 3: {acts.SOFTMAX.caption}"


def test_the_explorer_page_knows_every_activation():
    """The page runs the forward pass in JavaScript: its ACT table names exactly the Python table's activations."""
    core = (Path(acts.__file__).parent / "viz" / "explorer" / "core.js").read_text(encoding="utf-8")
    block = re.search(r"const ACT = \{(.*?)\};", core, re.S).group(1)
    assert sorted(re.findall(r"^\s*(\w+):", block, re.M)) == sorted(acts.ACTIVATIONS)
    assert f"{acts.LEAKY_SLOPE} * z" in block
