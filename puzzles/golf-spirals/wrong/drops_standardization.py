"""Wrong: trains a good model, then returns only its (W, b) and so loses the input standardisation."""

from cubenet.nn.train import TrainConfig, train


def make_model(data):
    model, _ = train((2, 8, 8, 2), data, TrainConfig(optimizer="adam", lr=0.01, epochs=200), rng=0)
    return model.params
