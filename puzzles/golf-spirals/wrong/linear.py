"""Wrong: no hidden layer; a straight line cannot separate two spirals."""

from cubenet.nn.train import TrainConfig, train


def make_model(data):
    model, _ = train((2, 2), data, TrainConfig(optimizer="lbfgs", epochs=50), rng=0)
    return model
