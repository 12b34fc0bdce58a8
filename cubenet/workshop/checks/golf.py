"""Checks of the golf puzzles: the fewest parameters that reach an accuracy floor on hidden held-out data.

The learner's ``make_model(data)`` gets a training Dataset (its test split is theirs to validate on)
and returns a cubenet ``Model`` or a list of ``(W, b)`` (ReLU hidden layers, argmax output). The
checker draws fresh points from the same scrambled arrangement, which the learner never sees.
Score = number of weights and biases (input standardisation is free); pass = accuracy at least
the floor and score at most par, the size the reference solution reaches.
"""

from __future__ import annotations

import numpy as np

from cubenet.data.cube import CLASS_COLORS, CLASS_NAMES
from cubenet.nn.network import Model, predict
from cubenet.workshop.checks import puzzle_check
from cubenet.workshop.checks.base import Fail, Passed, count_params, expect_params, got, relu_forward
from cubenet.workshop.datasets import CUBE, CUBE_SCRAMBLE, SPIRALS, Course, hidden_data, training_data
from cubenet.workshop.figures import cube_net_panels, region_panels


def as_predictor(model, data, what: str):
    """(predict(X) -> labels, parameter count) for a cubenet Model or a list of (W, b)."""
    n_in, n_out = data.n_features, data.n_classes
    if isinstance(model, Model):
        params = expect_params(model.params, f"{what}.params", n_in=n_in, n_out=n_out)
        return (lambda X: predict(model, X)), count_params(params)
    if isinstance(model, tuple) and len(model) == 2 and isinstance(model[0], Model):
        raise Fail(f"make_model(data) returned a pair ({type(model[0]).__name__}, {type(model[1]).__name__}): that is what "
                   f"train() returns. Return just the model: 'model, history = train(...)', then 'return model'.",
                   kind="shape")
    if isinstance(model, (list, tuple)):
        params = expect_params(model, what, n_in=n_in, n_out=n_out)
        return (lambda X: relu_forward(params, np.asarray(X, dtype=params[0][0].dtype)).argmax(axis=1)), \
            count_params(params)
    raise Fail(f"{what} should be a cubenet Model (model, history = train(...); return model) or a list of (W, b) "
               f"pairs, but it is {got(model)}.", kind="shape")


def play(learner, ctx, course: Course, figure) -> Passed:
    data = training_data(course)
    what = "make_model(data)"
    model = learner.call("make_model", data, shown=what)
    predict, size = as_predictor(model, data, f"the model from {what}")
    X, y = hidden_data(course)
    guess = np.asarray(predict(X))
    if guess.shape != y.shape:
        raise Fail(f"the model from {what} predicts {guess.shape} labels for {len(y)} points.", kind="shape")
    acc = float(np.mean(guess == y))
    ctx.picture(lambda: figure(X, y, guess, predict, acc, size, course))
    score = f"{size} parameters (par {course.par})"
    if acc < course.floor:
        details = ["see feedback.png: yours vs target"]
        if not isinstance(model, Model):
            details.append("a list of (W, b) gets the raw points; if these are model.params from train(), return "
                           "the model itself, which keeps its input standardisation")
        raise Fail(f"your network gets {acc:.1%} of {len(y)} held-out points right; it needs at least "
                   f"{course.floor:.0%}. It has {score}.", details=tuple(details))
    if size > course.par:
        raise Fail(f"{acc:.1%} held-out accuracy is enough, but your network has {score}: fewer, please.",
                   details=("see feedback.png: yours vs target",))
    verdict = "under par, a birdie!" if size < course.par else "exactly par."
    return Passed(f"{acc:.1%} held-out accuracy with {size} parameters: {verdict}", score=size, par=course.par)


def _cube_figure(X, y, guess, predict, acc, size, course):
    return cube_net_panels([(f"yours: {acc:.1%} right, {size} parameters", guess),
                            ("target: the true sticker colours", y)], X,
                           title=f"Golf on {course.name} ({CUBE_SCRAMBLE}): yours vs target",
                           colors=CLASS_COLORS, names=CLASS_NAMES)


def _spiral_figure(X, y, guess, predict, acc, size, course):
    return region_panels([(f"yours: {acc:.1%} right, {size} parameters", predict), ("target: the true classes", None)],
                         X, y, title=f"Golf on {course.name}: yours vs target", names=("arm 1", "arm 2"))


EXPECTS = {"make_model": "a function make_model(data) -> a cubenet Model or a list of (W, b) pairs"}


@puzzle_check("golf-cube", expects=EXPECTS)
def check_golf_cube(learner, ctx):
    return play(learner, ctx, CUBE, _cube_figure)


@puzzle_check("golf-spirals", expects=EXPECTS)
def check_golf_spirals(learner, ctx):
    return play(learner, ctx, SPIRALS, _spiral_figure)
