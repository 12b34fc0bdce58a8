"""Staged forward animation (W, +b, ReLU), training animation, GIF and offline HTML player."""

import re

import numpy as np
import pytest

from cubenet.errors import CubenetError
from cubenet.viz import animate
from vizrun import fake_trace_model, small_cube, small_spirals, trained_spirals


@pytest.mark.parametrize("embed", ["pad", "polar"])
@pytest.mark.parametrize("fan_in, fan_out", [(2, 2), (2, 3), (3, 2), (3, 16), (16, 6)])
def test_layer_frames_interpolate_from_the_input_to_the_layer_output(embed, fan_in, fan_out):
    rng = np.random.default_rng(0)
    h, W, b = rng.normal(size=(40, fan_in)), rng.normal(size=(fan_in, fan_out)), rng.normal(size=fan_out)
    frames, E = animate.layer_frames(h, W, b, "relu", layer=1, frames_per_stage=10, embed=embed)
    D = max(fan_in, fan_out)
    assert len(frames) == 1 + 3 * 10
    assert [f.stage for f in frames[1:]] == ["linear"] * 10 + ["bias"] * 10 + ["activation"] * 10
    assert all(f.H.shape == (40, D) for f in frames)
    np.testing.assert_allclose(E @ E.T, np.eye(fan_out), atol=1e-12)  # an undistorted embedding
    np.testing.assert_allclose(frames[-1].H, np.maximum(h @ W + b, 0) @ E, atol=1e-10)
    np.testing.assert_allclose(frames[10].H, (h @ W) @ E, atol=1e-10)  # end of the linear stage: h·W
    np.testing.assert_allclose(frames[20].H, (h @ W + b) @ E, atol=1e-10)  # end of the bias stage
    # the start is the input itself, undistorted (same distances between all points)
    dist = np.linalg.norm(h[:, None] - h[None], axis=2)
    np.testing.assert_allclose(np.linalg.norm(frames[0].H[:, None] - frames[0].H[None], axis=2), dist, atol=1e-9)
    if embed == "pad":
        np.testing.assert_allclose(frames[0].H[:, :fan_in], h)
    # the ReLU stage blends linearly: halfway is the mean of before and after
    z, a = (h @ W + b) @ E, np.maximum(h @ W + b, 0) @ E
    np.testing.assert_allclose(frames[25].H, 0.5 * z + 0.5 * a, atol=1e-10)


def test_layer_frames_refuse_bad_options():
    h, W, b = np.zeros((3, 2)), np.ones((2, 2)), np.zeros(2)
    with pytest.raises(CubenetError, match="frames_per_stage"):
        animate.layer_frames(h, W, b, "relu", layer=1, frames_per_stage=0)
    with pytest.raises(CubenetError, match="embed"):
        animate.layer_frames(h, W, b, "relu", layer=1, embed="zoom")


def test_forward_movie_frames_captions_and_fixed_axes():
    ds = small_spirals(300)
    model = fake_trace_model((2, 8, 8, 2))
    movie = animate.forward_movie(model, ds, max_points=100, frames_per_stage=10, hold=2, zoom=5, dpi=50)
    per_layer = 1 + 3 * 10 + 2
    assert movie.n_frames == 3 * per_layer + 5
    assert len(movie.captions) == movie.n_frames
    first = movie.captions[:per_layer]
    assert first[0].startswith("layer 1: start")
    assert sum("step 1 of 3" in c for c in first) == 10
    assert sum("step 2 of 3" in c for c in first) == 10
    assert sum("ReLU" in c for c in first) == 10 + 2
    assert "softmax" in movie.captions[-6]
    assert movie.captions[-1] == "layer 3: the result, zoomed in: the class probabilities, in the view above"
    frames = movie.frames
    assert frames.dtype == np.uint8 and frames.std() > 5
    # within a layer only the points move: the tick-label margin on the left stays pixel-identical
    h = frames.shape[1]
    margin = frames[:per_layer, h // 4: 3 * h // 4, :40]
    assert all(np.array_equal(margin[0], m) for m in margin)
    assert not np.array_equal(frames[5], frames[15])  # but the points do move


def test_forward_movie_draws_narrow_layers_in_3d():
    ds = small_cube(300)
    model = fake_trace_model((3, 3, 6))
    movie = animate.forward_movie(model, ds, max_points=80, frames_per_stage=10, hold=0, zoom=0, dpi=40)
    assert movie.n_frames == 2 * 31
    views = animate.layer_views(animate.forward_frames(model, ds.X_test[:20]))
    assert views[0].native and views[0].k == 3  # 3 → 3: own coordinates, a 3-D scatter
    assert not views[1].native  # 3 → 6: PCA of the 6-D embedding


def test_every_animated_view_names_its_display_fidelity():
    """Each layer's fixed view says how much of the layer's result a linear probe still reads from the drawn
    coordinates; own coordinates that hold the whole result show all of it."""
    ds = small_cube(400)
    model = fake_trace_model((3, 3, 12, 6))
    views = animate.layer_views(animate.forward_frames(model, ds.X_test[:50]))
    fidelity = animate.result_fidelities(model, ds, views)
    assert fidelity[0] == 1.0 and views[0].native  # 3 → 3, drawn in full
    assert all(0 <= f <= 1 for f in fidelity) and not views[1].native
    movie = animate.forward_movie(model, ds, max_points=60, frames_per_stage=2, hold=0, zoom=0, dpi=40)
    assert movie.n_frames == 3 * 7


@pytest.fixture(scope="module")
def planar_run():
    return trained_spirals(400, epochs=20)


def test_training_movie(planar_run):
    ds, model, history = planar_run
    n = len(history.snapshots)
    movie = animate.training_movie(model, ds, history.snapshots, history=history, max_points=60, tween=3, hold=2,
                                   dpi=40)
    assert movie.n_frames == n * 2 + (n - 1) * 3
    assert movie.captions[0].startswith("epoch 0 · test accuracy")
    assert all(re.search(r"display fidelity of this view: \d+%", c) for c in movie.captions)
    assert movie.captions[-1].startswith(f"epoch {history.snapshots[-1][0]}")
    with pytest.raises(CubenetError, match="no parameter snapshots"):
        animate.training_movie(model, ds, ())
    assert animate.pick_snapshots(30, 12)[0] == 0 and animate.pick_snapshots(30, 12)[-1] == 29
    assert len(animate.pick_snapshots(30, 12)) == 12


def test_gif_and_offline_html_player(tmp_path, planar_run):
    from PIL import Image

    ds, model, _ = planar_run
    movie = animate.forward_movie(model, ds, max_points=50, frames_per_stage=10, hold=0, dpi=40)
    gif = animate.save_gif(movie, tmp_path / "a.gif")
    with Image.open(gif) as im:
        assert im.format == "GIF" and im.info.get("loop") == 0
        assert 10 < im.n_frames <= movie.n_frames  # Pillow merges identical consecutive frames
    html = animate.to_html(movie)
    assert not re.search(r"https?://", html)
    assert len(re.findall(r'frames\[\d+\] = "data:image/jpeg;base64,', html)) == movie.n_frames
    for control in ("_anim_slider", "play_animation", "pause_animation", "cubenet-icon"):
        assert control in html
    assert "fa fa-" not in html  # no icon font left to fetch
    page = animate.save_html(movie, tmp_path / "a.html").read_text(encoding="utf-8")
    assert animate.PLAYER_START in page and animate.PLAYER_END in page
    # the same movie, the same bytes (matplotlib's random element id is replaced); another movie, another id
    assert animate.to_html(movie) == html
    ids = set(re.findall(r'id="_anim_img([0-9a-f]+)"', html))
    other = animate.forward_movie(model, ds, max_points=40, frames_per_stage=10, hold=0, dpi=40)
    assert len(ids) == 1 and not ids & set(re.findall(r'id="_anim_img([0-9a-f]+)"', animate.to_html(other)))
    assert html.count(ids.pop()) > 10  # every element of the player carries it


def test_offline_player_refuses_web_links():
    with pytest.raises(CubenetError, match="web address"):
        animate.offline_player('<script src="https://example.org/x.js"></script>')
