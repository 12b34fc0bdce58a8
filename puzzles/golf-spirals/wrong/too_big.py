"""Wrong: accurate, but 32 + 32 hidden units are far over par."""

from cubenet.nn.train import TrainConfig, train


def make_model(data):
    model, _ = train((2, 32, 32, 2), data, TrainConfig(optimizer="adam", epochs=60, lr=0.01), rng=0)
    return model
