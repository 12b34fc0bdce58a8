"""How close are the synthetic digits to real handwriting?  ``python -m cubenet.digits_study``

Compares cubenet's 8×8 digits with the 1,797 real UCI optdigits images bundled with scikit-learn,
class by class, by summary statistics only (per-class mean images, ink, width in blocks, slant,
row and column profiles), then trains classifiers on synthetic images alone and reads the real
ones: cubenet's own (128, 64) network (the README's recipe) at several seeds, and scikit-learn's
MLPClassifier((128, 64)) and 5-nearest-neighbours for comparison. The real images are a test set:
nothing is trained on them. Needs scikit-learn (``pip install -e ".[bench]"``); without it, the
script says so in one line and exits.

    python -m cubenet.digits_study                 # statistics + all classifiers, seeds 0-4
    python -m cubenet.digits_study --quick         # statistics + cubenet's network at seeds 0-1
    python -m cubenet.digits_study --knn --seeds 10   # statistics + 5-NN only (no training), seeds 0-9
    python -m cubenet.digits_study --weights       # style weights fitted to the per-class mean images
    python -m cubenet.digits_study --quick --seeds 5 --set moves.PEN=0 --uniform-styles   # an ablation
"""

from __future__ import annotations

import argparse
import ast
import importlib
import sys
import time

import numpy as np
from scipy.optimize import nnls

from cubenet.data.digits import BLOCK, block_rng, draw_moves, make_digits, styles
from cubenet.data.digits.real import load_real_digits, real_digit_accuracy
from cubenet.data.digits.styles import skeletons
from cubenet.nn.network import predict
from cubenet.nn.train import TrainConfig, train

N_TRAIN = 30_000  #: the README's recipe: 30,000 synthetic images, 10% held out, (128, 64), 30 epochs of Adam
EPOCHS, LR, L2 = 30, 0.003, 0.003  #: Adam with the default cosine schedule, weight decay 0.003
#: float64 arithmetic: the same predictions with every BLAS kernel (float32 kernels round differently on each
#: CPU, and 30 epochs of training amplify it into a few tenths of a point)
DTYPE = "float64"


def statistics(X: np.ndarray, y: np.ndarray) -> dict:
    """Summary statistics of 8×8 optdigits-style images, per class (keys 0..9).

    ``mean`` image (8, 8); ``ink`` mean and ``ink_sd`` of the block sum (= ink pixels of 1,024);
    ``width`` histogram of the number of inked block columns (0..8); ``slant`` mean and
    ``slant_sd`` (second-moment slant: x moves by this per row downwards… negative is "/");
    ``full`` mean number of saturated (16) blocks (thick strokes, filled loops); ``rows`` and
    ``cols`` mean profiles.
    """
    images = X.reshape(-1, 8, 8)
    yy, xx = np.mgrid[0:8, 0:8]
    out = {}
    for c in range(10):
        A = images[y == c]
        m = A.sum((1, 2))
        cx, cy = (A * xx).sum((1, 2)) / m, (A * yy).sum((1, 2)) / m
        dx, dy = xx - cx[:, None, None], yy - cy[:, None, None]
        slant = (A * dx * dy).sum((1, 2)) / (A * dy**2).sum((1, 2))
        out[c] = {"mean": A.mean(0), "ink": m.mean(), "ink_sd": m.std(), "slant": slant.mean(), "slant_sd": slant.std(),
                  "width": np.bincount((A.sum(1) > 0).sum(1), minlength=9) / len(A), "full": (A == 16).sum((1, 2)).mean(),
                  "rows": A.sum(2).mean(0), "cols": A.sum(1).mean(0)}
    return out


def compare(synthetic: dict, real: dict) -> list[dict]:
    """Per class: RMS difference of the mean images, and synthetic minus real of the scalar statistics."""
    rows = []
    for c in range(10):
        s, r = synthetic[c], real[c]
        rows.append({"class": c, "mean_rms": float(np.sqrt(np.mean((s["mean"] - r["mean"]) ** 2))),
                     "ink": s["ink"] - r["ink"], "ink_sd": s["ink_sd"] - r["ink_sd"],
                     "six_blocks": s["width"][6] - r["width"][6], "wider": s["width"][7:].sum() - r["width"][7:].sum(),
                     "slant": s["slant"] - r["slant"], "slant_sd": s["slant_sd"] - r["slant_sd"], "full": s["full"] - r["full"]})
    return rows


def style_images(n: int = 20_000, *, rng=123) -> tuple[np.ndarray, np.ndarray]:
    """Synthetic 8×8 images (n, 64) and the style index that drew each one, with every style equally likely."""
    saved = dict(styles.WEIGHTS)
    styles.WEIGHTS.clear()
    styles.skeletons.cache_clear()
    try:
        ds = make_digits(n, test_fraction=0.1, rng=rng)
        drawn = [draw_moves(ds.y[s: s + BLOCK], 2, 8, rng=block_rng(ds.meta["moves_seed"], b))["style"]
                 for b, s in enumerate(range(0, n, BLOCK))]
    finally:
        styles.WEIGHTS.update(saved)
        styles.skeletons.cache_clear()
    return ds.X, np.concatenate(drawn)


def fit_style_weights(real_means: dict, *, floor: float = 0.05, n: int = 20_000) -> dict:
    """Style weights per digit: non-negative least squares of the real per-class mean image on the styles' means.

    Only the ten real mean images are used. Each weight is then raised to at least ``floor`` of
    its digit's total, so that every style still appears.
    """
    X, style = style_images(n)
    sk = skeletons()
    weights = {}
    for c in range(10):
        ids = range(sk.first[c], sk.first[c] + sk.count[c])
        A = np.array([X[style == i].mean(0) for i in ids]).T
        A, b = np.vstack([A, 30 * np.ones(A.shape[1])]), np.r_[real_means[c].ravel(), 30]  # weights sum to ≈ 1
        w, _ = nnls(A, b)
        w = np.maximum(w / max(w.sum(), 1e-9), floor)
        weights[c] = {sk.names[i][1]: round(float(v / w.sum()), 3) for i, v in zip(ids, w)}
    return weights


def cubenet_accuracy(seed: int, *, n: int = N_TRAIN) -> tuple[dict, float]:
    """The README's recipe at one seed: the real-digit result and the generation time (s)."""
    t = time.perf_counter()
    ds = make_digits(n, strength=2, test_fraction=0.1, rng=seed)
    seconds = time.perf_counter() - t
    model, _ = train((64, 128, 64, 10), ds, TrainConfig(epochs=EPOCHS, lr=LR, l2=L2, dtype=DTYPE), rng=seed)
    return real_digit_accuracy(lambda X: predict(model, X)), seconds


def sklearn_accuracy(seed: int, *, n: int = N_TRAIN, knn_only: bool = False) -> dict:
    """scikit-learn's MLPClassifier((128, 64)) and 5-NN trained on the same synthetic images.

    Both on standardised pixels (as the study has always measured them); 5-NN also on the raw block
    counts, which all share one scale (0..16) already. ``knn_only``: the two 5-NN only (no training).
    """
    # scikit-learn is optional (the study checks for it first)
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    ds = make_digits(n, strength=2, test_fraction=0.1, rng=seed)
    out = {}
    models = (("sklearn MLP (128,64)", make_pipeline(StandardScaler(), MLPClassifier((128, 64), max_iter=60,
                                                                                    random_state=seed))),
              ("5-NN", make_pipeline(StandardScaler(), KNeighborsClassifier(5))),
              ("5-NN, raw pixels", KNeighborsClassifier(5)))
    for name, model in models[knn_only:]:
        model.fit(ds.X_train, ds.y_train)
        out[name] = real_digit_accuracy(lambda X, m=model: m.predict(X).astype(np.int64))
    return out


def _table(rows: list[dict]) -> str:
    keys = list(rows[0])
    lines = ["  ".join(f"{k:>10}" for k in keys)]
    lines += ["  ".join(f"{v:>10.3g}" if isinstance(v, float) else f"{v:>10}" for v in r.values()) for r in rows]
    return "\n".join(lines)


def _report_runs(name: str, runs: list[dict]) -> None:
    accs = [r["accuracy"] for r in runs]
    print(f"{name}: " + "  ".join(f"{a:.2%}" for a in accs) + f"   mean {np.mean(accs):.2%}, worst {min(accs):.2%}")
    per = {c: np.mean([r["per_class_accuracy"][c] for r in runs]) for c in runs[0]["per_class_accuracy"]}
    print("  per class (mean): " + "  ".join(f"{c}: {p:.1%}" for c, p in per.items()))
    low = min(((r["per_class_accuracy"][c], c, i) for i, r in enumerate(runs) for c in r["per_class_accuracy"]))
    print(f"  lowest class at any seed: {low[1]} with {low[0]:.1%} (seed {low[2]})")
    confusion = np.sum([r["confusion_matrix"] for r in runs], axis=0) * (1 - np.eye(10, dtype=int))
    worst = np.argsort(confusion, axis=None)[::-1][:6]
    print("  worst confusions (true→read, summed over seeds): " +
          ", ".join(f"{i // 10}→{i % 10} {confusion.flat[i]}" for i in worst))


def _apply(setting: str) -> None:
    """``MODULE.NAME=VALUE``: set a constant of cubenet.data.digits.moves or .raster (VALUE a Python literal)."""
    target, _, value = setting.partition("=")
    module, _, name = target.partition(".")
    if module not in ("moves", "raster") or not name or not value:
        raise SystemExit(f"--set takes moves.NAME=VALUE or raster.NAME=VALUE, got {setting!r}")
    mod = importlib.import_module(f"cubenet.data.digits.{module}")
    if not hasattr(mod, name):
        raise SystemExit(f"cubenet.data.digits.{module} has no constant {name}")
    parsed = ast.literal_eval(value)
    setattr(mod, name, np.asarray(parsed, dtype=float) if isinstance(parsed, list) else parsed)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cubenet.digits_study", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="cubenet's network only (no scikit-learn models), seeds 0-1")
    parser.add_argument("--knn", action="store_true",
                        help="5-NN only, on standardised and raw pixels (no training: about 3 s a seed)")
    parser.add_argument("--seeds", type=int, default=None, help="seeds 0..N-1 (default 5; 2 with --quick)")
    parser.add_argument("--weights", action="store_true", help="print style weights fitted to the real mean images")
    parser.add_argument("--set", action="append", default=[], metavar="MODULE.NAME=VALUE",
                        help="change a generator constant first, e.g. moves.PEN=0 or raster.CAP=0.75 (ablations)")
    parser.add_argument("--uniform-styles", action="store_true", help="draw every style of a digit equally often")
    args = parser.parse_args(argv)
    try:
        import sklearn  # noqa: F401
    except ImportError:
        print("skipped: the study needs scikit-learn (it holds the real digits): pip install -e \".[bench]\"")
        return 0
    for setting in args.set:
        _apply(setting)
    if args.uniform_styles:
        styles.WEIGHTS.clear()
        styles.skeletons.cache_clear()
    X, y = load_real_digits()
    real = statistics(X, y)
    if args.weights:
        print(fit_style_weights({c: real[c]["mean"] for c in range(10)}))
        return 0
    ds = make_digits(6000, test_fraction=0.1, rng=0)
    print("synthetic minus real, per class (6,000 synthetic images at seed 0):")
    print(_table(compare(statistics(ds.X, ds.y), real)))
    seeds = range(args.seeds or (2 if args.quick else 5))
    if args.knn:
        other = [sklearn_accuracy(s, knn_only=True) for s in seeds]
        for name in other[0]:
            _report_runs(name, [o[name] for o in other])
        return 0
    runs, seconds = zip(*(cubenet_accuracy(s) for s in seeds))
    print(f"\ngeneration: {N_TRAIN:,} images in {np.median(seconds):.2f} s (median over seeds)")
    _report_runs(f"cubenet (128,64), {EPOCHS} epochs", list(runs))
    if not args.quick:
        other = [sklearn_accuracy(s) for s in seeds]
        for name in other[0]:
            _report_runs(name, [o[name] for o in other])
    return 0


if __name__ == "__main__":
    sys.exit(main())
