"""Every puzzle's check, keyed by puzzle id: what the learner's file must define and what it may not use.

Checks live here, in cubenet, never in the learner's file. A check module registers its functions
with :func:`puzzle_check`; :func:`get_check` imports the modules on first use.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Callable

from cubenet.errors import CubenetError

#: modules holding checks, one per kind of puzzle
CHECK_MODULES = ("cube", "hand", "implement", "golf")

#: what "by hand" puzzles may not use: the answer must be chosen, not fitted
NO_FITTING = {
    **dict.fromkeys(("cubenet.nn.train", "cubenet.nn.optim", "cubenet.nn.kernels", "cubenet.nn.step_train"),
                    "choose the numbers by hand; training them is another puzzle"),
    "scipy.optimize": "choose the numbers by hand instead of letting an optimiser find them",
    "sklearn": "choose the numbers by hand instead of fitting a model",
    "torch": "this workshop uses numpy only",
    "tensorflow": "this workshop uses numpy only",
    "jax": "this workshop uses numpy only",
}
#: what "implement it" puzzles may not use: cubenet's own network code is the answer key
NO_ANSWER_KEY = {
    "cubenet.nn": "cubenet's own network code is the answer key; write it with numpy yourself",
    **{k: v for k, v in NO_FITTING.items() if k in ("torch", "tensorflow", "jax")},
}


@dataclass(frozen=True)
class CheckSpec:
    """One puzzle's check.

    expects : name -> what it should be (said when it is missing)
    forbid_modules : module prefix -> why it may not be imported
    forbid_calls : dotted function -> why it may not be called (or a policy, see ``guard.Guard``)
    """

    puzzle: str
    func: Callable
    expects: dict
    forbid_modules: dict = field(default_factory=dict)
    forbid_calls: dict = field(default_factory=dict)


REGISTRY: dict[str, CheckSpec] = {}


def puzzle_check(puzzle: str, *, expects: dict, forbid_modules: dict | None = None, forbid_calls: dict | None = None):
    """Decorator registering ``func(learner, ctx) -> Passed`` as the check of ``puzzle``."""

    def register(func):
        REGISTRY[puzzle] = CheckSpec(puzzle, func, dict(expects), dict(forbid_modules or {}), dict(forbid_calls or {}))
        return func

    return register


def load_all() -> dict[str, CheckSpec]:
    for name in CHECK_MODULES:
        importlib.import_module(f"cubenet.workshop.checks.{name}")
    return REGISTRY


def get_check(puzzle_id: str) -> CheckSpec:
    """The check of one puzzle (by slug, e.g. ``"apply-scramble"``)."""
    checks = load_all()
    if puzzle_id not in checks:
        raise CubenetError(f"puzzle {puzzle_id!r} has no check; known: {', '.join(sorted(checks))}")
    return checks[puzzle_id]
