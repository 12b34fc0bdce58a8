"""What the end of training must say beyond its numbers: a network at chance, dead layers, an optimizer that gave up.

A run that ends at chance still exits 0 and is saved (it is a result, and often the lesson), but the
summary says so in one line with what to change, instead of leaving a 50 % to be read as a success.
"""

from __future__ import annotations

import numpy as np

from cubenet.activations import TABLE
from cubenet.nn.network import forward, predict

#: a network whose training accuracy is within this of always answering the largest class is "at chance"
CHANCE_MARGIN = 0.02
#: points used to look for dead layers
PROBE_POINTS = 2000


def dead_layers(model, X) -> list[int]:
    """1-based indices of ReLU-like (non-negative) hidden layers whose every unit outputs 0 for every one of the points ``X``."""
    trace = forward(model, X[:PROBE_POINTS])
    return [i + 1 for i, (act, layer) in enumerate(zip(model.activations, trace))
            if TABLE[act].nonnegative and not np.any(layer.post)]


def training_warnings(model, dataset, history) -> list[str]:
    """One line per problem a reader of the summary must not miss (empty when training went normally)."""
    lines = []
    if history.stop_reason.startswith("L-BFGS stopped without converging"):
        lines.append("L-BFGS did not converge (its line search failed); the numbers above are those of its "
                     "last iterate, not of a fitted model")
    counts = np.bincount(dataset.y_train, minlength=dataset.n_classes)
    majority = counts.max() / counts.sum()
    pred = predict(model, dataset.X_train)
    accuracy = float(np.mean(pred == dataset.y_train))
    if accuracy <= majority + CHANCE_MARGIN:
        top = np.bincount(pred, minlength=dataset.n_classes)
        share = top.max() / len(pred)
        training = model.config.get("training", {}) if isinstance(model.config, dict) else {}
        optimizer, lr, l2 = training.get("optimizer"), training.get("lr"), training.get("l2") or 0
        dead = dead_layers(model, dataset.X_train)
        why = (f"every unit of hidden layer {dead[0]} is dead (0 for every point)" if dead else
               f"it answers {dataset.class_names[int(top.argmax())]!r} for {share:.0%} of the points"
               if share >= 0.9 else "it learned nothing the largest class does not give")
        advice = (f"lower --l2 (it was {l2:g}; typical values are 1e-4 to 1e-2)" if l2 >= 0.1 else
                  f"lower the learning rate (it was {lr:g} with {optimizer}; try --lr {lr / 100:g})"
                  if isinstance(lr, (int, float)) and optimizer != "lbfgs" else "train longer or use a wider network")
        lines.append(f"the network ended at chance: train {accuracy:.1%}, while always answering the largest class "
                     f"gives {majority:.1%}; {why}. To fix: {advice}")
    return lines
