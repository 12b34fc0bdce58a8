"""TrainConfig's checks: one table of rules, each naming the setting it refuses and echoing the value."""

import pytest

from cubenet.errors import CubenetError
from cubenet.nn.config import RULES, TrainConfig, check_combination, check_config

#: one wrong value per rule, in the table's order (the keyword, the value, what the message must say)
WRONG = [
    *[(name, "x", f"{name} must be a number, got 'x'") for name in
      ("lr", "l2", "motion", "momentum", "beta1", "beta2", "epsilon", "tol", "max_weight", "target_accuracy")],
    ("nesterov", 1, "nesterov must be True or False, got 1"),
    ("standardize", "no", "standardize must be True or False, got 'no'"),
    ("snapshot_epochs", (0, -1), r"snapshot_epochs must be a list of epoch numbers \(integers >= 0\), got \(0, -1\)"),
    ("optimizer", "rmsprop", "unknown optimizer 'rmsprop'; choose from adam, sgd, momentum, lbfgs"),
    ("epochs", 0, "epochs must be an integer between 1 and 1,000,000, got 0"),
    ("batch_size", 2.5, "batch_size must be an integer between 1 and 100,000,000, got 2.5"),
    ("n_snapshots", 1, "n_snapshots must be an integer between 2 and 10,000, got 1"),
    ("eval_points", True, "eval_points must be an integer between 1 and 100,000,000, got True"),
    ("nesterov", True, "nesterov applies only to optimizer 'momentum', not 'adam'; drop --nesterov"),
    ("lr", 0.1, "L-BFGS takes no learning rate"),  # with optimizer lbfgs (below)
    ("lr", 0.0, "learning rate must be > 0 and <= 10, got 0.0; typical values"),
    ("schedule", "step", "unknown learning-rate schedule 'step'; choose from constant, cosine"),
    ("l2", -1.0, "l2 must be a number between 0 and 10, got -1.0; typical values are 1e-4 to 1e-2"),
    ("motion", 11.0, r"motion must be a number between 0 and 10 \(or None for the step default\), got 11.0"),
    ("momentum", 1.0, r"momentum must be in \[0, 1\), got 1.0"),
    ("beta1", 1.0, r"beta1 must be in \[0, 1\) \(Adam's decay of its mean gradient, e.g. 0.9\), got 1.0"),
    ("beta2", -0.1, r"beta2 must be in \[0, 1\)"),
    ("epsilon", 0.0, "epsilon must be > 0"),
    ("target_accuracy", 1.5, r"target accuracy must be in \(0, 1\], e.g. 0.97, got 1.5"),
    ("patience", 0, "patience must be a positive number of epochs, got 0"),
    ("init", "xavier", "unknown initialisation 'xavier'; choose from he, glorot"),
    ("dtype", "float16", "dtype must be 'float32' or 'float64', got 'float16'"),
    ("tol", float("nan"), "tol must be a finite number >= 0, got nan"),
    ("max_weight", 0, r"max_weight must be > 0 \(weights larger than it count as divergence\), got 0"),
]


def test_every_rule_has_a_wrong_value_here():
    assert [rule.field for rule in RULES] == [name for name, _, _ in WRONG]


@pytest.mark.parametrize("index", range(len(WRONG)))
def test_each_rule_refuses_its_wrong_value_by_name(index):
    name, value, match = WRONG[index]
    extra = {"optimizer": "lbfgs"} if match.startswith("L-BFGS") else {}
    config = TrainConfig(**{name: value, **extra})
    assert not RULES[index].ok(value, config) and all(rule.ok(getattr(config, rule.field), config)
                                                      for rule in RULES[:index])  # the first rule it breaks
    with pytest.raises(CubenetError, match=match):
        check_config(config)


def test_the_defaults_and_every_optimizer_pass():
    for optimizer in ("adam", "sgd", "momentum", "lbfgs"):
        assert check_config(TrainConfig(optimizer=optimizer)).optimizer == optimizer
    check_combination(TrainConfig(optimizer="momentum", nesterov=True))


def test_a_setting_that_may_not_be_none_says_so():
    with pytest.raises(CubenetError, match="l2 must be a number, got None"):
        check_config(TrainConfig(l2=None))
    assert check_config(TrainConfig(lr=None, motion=None, target_accuracy=None)).lr is None
