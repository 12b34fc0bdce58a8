"""What the playground's page may ask for, validated exactly as the command line validates it.

A request names a dataset (a registered generator with its options, or the file given at launch), a
network (hidden widths, or a step network: ``{"steps": N, "inner": K}``) and training settings. Each is checked by the same library code as
``cubenet scramble`` and ``cubenet learn`` (the registry, ``check_config``, the validation vocabulary),
so a bad value gets the CLI's one-line message.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from cubenet.data.registry import get_generator, make_dataset
from cubenet.errors import CubenetError
from cubenet.nn.steps import StepSpec
from cubenet.nn.train import TrainConfig, check_config
from cubenet.run.experiment import Seeds
from cubenet.validate import check_count, check_int, check_int_list, check_type

#: a dataset the page builds has at most this many points (the default cube has 10,000)
MAX_POINTS = 50_000
#: the widest hidden layer and the deepest network the page may ask for
MAX_WIDTH, MAX_DEPTH = 256, 12
#: the most steps and the widest inner layer of a step network the page may ask for
MAX_STEPS, MAX_INNER = 32, 128
#: training settings the page may set (the rest keep TrainConfig's defaults)
TRAINING_KEYS = ("optimizer", "epochs", "lr", "batch_size", "l2", "schedule", "activation", "init", "nesterov")
LAUNCH_FILE = "file"


@dataclass(frozen=True)
class DataSpec:
    name: str
    n_samples: int | None
    params: tuple = ()       # sorted (name, value)
    seed: int = 0

    def as_dict(self) -> dict:
        return {"name": self.name, "n": self.n_samples, "params": dict(self.params), "seed": self.seed}


@dataclass(frozen=True)
class TrainSpec:
    hidden: tuple
    training: tuple          # sorted (name, value) of TrainConfig fields
    seed: int
    steps: tuple = ()        # (n_steps, inner) for a step network, () for wide layers

    def start(self, dataset):
        """What the trainer starts from: the layer sizes, or a StepSpec."""
        if self.steps:
            return StepSpec(*self.steps)
        return (dataset.n_features, *self.hidden, dataset.n_classes)

    def config(self):
        return check_config(TrainConfig(**dict(self.training)))


def _object(body: dict, key: str) -> dict:
    return check_type(key, body.get(key, {}), dict, what="an object")


def _scalar(name: str, value):
    return check_type(name, value, (bool, int, float, str, type(None)), what="a number or a string")


def parse_data(body: dict, *, launch=None) -> DataSpec:
    """The dataset request ``{"data": {"name": …, "n": …, "params": {…}}, "seed": …}``, checked."""
    data = _object(body, "data")
    seed = check_int("seed", body.get("seed", 0), minimum=0, maximum=2**32 - 1)
    name = data.get("name", "color-cube")
    if name == LAUNCH_FILE:
        if launch is None:
            raise CubenetError("no data file was given at launch; choose a dataset to scramble")
        return DataSpec(LAUNCH_FILE, None, (), seed)
    check_type("data name", name, str, what="a string")
    get_generator(name)
    n = data.get("n")
    n = None if n is None else check_count("n", n, minimum=20, maximum=MAX_POINTS)
    params = _object(data, "params")
    clean = tuple(sorted((str(k), _scalar(str(k), v)) for k, v in params.items()))
    return DataSpec(name, n, clean, seed)


def build_dataset(spec: DataSpec, *, launch=None):
    """The dataset a spec names (generated from its seed's data stream, or the launch file's)."""
    if spec.name == LAUNCH_FILE:
        return launch

    dataset = make_dataset(spec.name, spec.n_samples, rng=Seeds(spec.seed).rng("data"), **dict(spec.params))
    dataset.meta["seed"] = spec.seed  # exactly what 'cubenet scramble … --seed SEED' writes
    return dataset


def parse_train(body: dict, dataset) -> TrainSpec:
    """The training request ``{"network": {"hidden": [16, 16]}, "training": {…}, "seed": …}``, checked."""
    network = _object(body, "network")
    extra = set(network) - {"hidden", "steps", "inner"}
    if extra:
        raise CubenetError(f"unknown network setting {sorted(extra)[0]!r}; give hidden widths, e.g. [16, 16], "
                           "or steps and inner for a step network")
    steps = ()
    if "steps" in network or "inner" in network:
        if "hidden" in network:
            raise CubenetError("give either hidden widths (wide layers) or steps and inner (a step network), not both")
        steps = (check_count("steps", network.get("steps", 8), maximum=MAX_STEPS),
                 check_count("inner", network.get("inner", 32), maximum=MAX_INNER))
        if dataset is not None and dataset.n_features not in (2, 3):
            raise CubenetError(f"a step network keeps the data's own dimension, and its pictures need 2 or 3 "
                               f"features; this data has {dataset.n_features}, so use hidden widths for it")
    hidden = () if steps else check_int_list("hidden", network.get("hidden", [16, 16, 16]), minimum=1,
                                             maximum=MAX_WIDTH, max_length=MAX_DEPTH)
    training = _object(body, "training")
    unknown = set(training) - set(TRAINING_KEYS)
    if unknown:
        raise CubenetError(f"unknown training setting {sorted(unknown)[0]!r}; choose from {', '.join(TRAINING_KEYS)}")
    seed = check_int("seed", body.get("seed", 0), minimum=0, maximum=2**32 - 1)
    spec = TrainSpec(tuple(hidden), tuple(sorted((k, _scalar(k, v)) for k, v in training.items())), seed, steps)
    config = spec.config()
    if config.epochs > 2000:
        raise CubenetError(f"epochs must be at most 2,000 in the playground, got {config.epochs:,}")
    if dataset is not None and dataset.n_features * max(hidden or (1,)) > 4_000_000:
        raise CubenetError("this network is too large for the playground; use 'cubenet learn'")
    return spec


def command(data: DataSpec, train: TrainSpec, *, launch_path=None) -> str:
    """The exact command(s) that reproduce what the page trained."""
    learn = ["cubenet", "learn"]
    prefix = ""
    if data.name == LAUNCH_FILE:
        learn.append(str(launch_path))
    else:
        file = f"{data.name}.npz"
        scramble = ["cubenet", "scramble", data.name]
        for key, value in data.params:
            scramble += [f"--{key.replace('_', '-')}", str(value)]
        if data.n_samples is not None:
            scramble += ["--n", str(data.n_samples)]
        scramble += ["--seed", str(data.seed), "-o", file]
        prefix = shlex.join(scramble) + " && "
        learn.append(file)
    if train.steps:
        learn += ["--steps", str(train.steps[0]), "--inner", str(train.steps[1])]
    else:
        learn += ["--hidden", ",".join(map(str, train.hidden)) or "none"]
    for key, value in train.training:
        if key == "nesterov":
            learn += ["--nesterov"] if value else []
        else:
            learn += [f"--{key.replace('_', '-')}", str(value)]
    learn += ["--seed", str(train.seed)]
    return prefix + shlex.join(learn)
