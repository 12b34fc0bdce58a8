"""The 1,797 real handwritten UCI optdigits images (bundled with scikit-learn): a test set only.

scikit-learn is an optional extra, imported only here. Nothing in the generator is fitted to these
images or their labels; :mod:`cubenet.digits_study` compares summary statistics and measures
classifiers trained on synthetic digits.
"""

from __future__ import annotations

import numpy as np

from cubenet.data.digits.styles import CLASS_NAMES
from cubenet.errors import CubenetError


def load_real_digits() -> tuple[np.ndarray, np.ndarray]:
    """The 1,797 real handwritten UCI optdigits images bundled with scikit-learn (no download).

    Returns
    -------
    X : ndarray of shape (1797, 64), float, integer values 0..16
    y : ndarray of shape (1797,), int in 0..9
    """
    try:
        from sklearn.datasets import load_digits  # scikit-learn is optional: only this check and the bench need it
    except ImportError:
        raise CubenetError("the real-digit check needs scikit-learn (it holds the real images): pip install "
                           "scikit-learn (or, in a checkout: pip install -e \".[bench]\")") from None
    real = load_digits()
    return real.data.astype(float), real.target.astype(np.int64)


def real_digit_accuracy(predict) -> dict:
    """Accuracy on the 1,797 real optdigits images of a classifier trained on synthetic 8×8 digits.

    Parameters
    ----------
    predict : callable
        ``X (1797, 64) -> labels (1797,)`` in 0..9, e.g. ``lambda X: cubenet.nn.network.predict(model, X)``
        (a function, so that the data layer needs nothing from the network layer).

    Returns
    -------
    dict
        ``accuracy``, ``n``, ``per_class_accuracy`` {"0": …}, ``confusion_matrix`` (rows true,
        columns predicted) and ``worst_confusions``: [{"true", "predicted", "count"}, …] (top 5).
    """
    if not callable(predict):
        raise CubenetError("real_digit_accuracy takes a function X -> labels, e.g. lambda X: predict(model, X)")
    X, y = load_real_digits()
    pred = np.asarray(predict(X))
    if pred.shape != y.shape or pred.dtype.kind not in "iu" or pred.min() < 0 or pred.max() > 9:
        raise CubenetError(f"predict must return {len(y)} integer labels in 0..9, got an array of shape {pred.shape} "
                           f"and dtype {pred.dtype}")
    pred = np.asarray(pred, dtype=np.int64)
    confusion = np.zeros((10, 10), dtype=np.int64)
    np.add.at(confusion, (y, pred), 1)
    off = confusion * (1 - np.eye(10, dtype=np.int64))
    worst = np.argsort(off, axis=None)[::-1][:5]
    return {
        "accuracy": float(np.trace(confusion) / len(y)),
        "n": int(len(y)),
        "per_class_accuracy": {CLASS_NAMES[c]: float(confusion[c, c] / confusion[c].sum()) for c in range(10)},
        "confusion_matrix": confusion.tolist(),
        "worst_confusions": [{"true": CLASS_NAMES[i // 10], "predicted": CLASS_NAMES[i % 10], "count": int(off.flat[i])}
                             for i in worst if off.flat[i] > 0],
    }
