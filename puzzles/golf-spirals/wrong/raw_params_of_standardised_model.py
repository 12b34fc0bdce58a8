"""Wrong: model.params of a network trained on standardised inputs, applied to the raw points."""

from cubenet.nn.train import TrainConfig, train


def make_model(data):
    model, _ = train((2, 12, 6, 2), data, TrainConfig(optimizer="lbfgs", epochs=500), rng=0)
    return model.params
