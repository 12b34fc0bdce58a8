"""Golf: unscramble the cube — reference solution (12 hidden units: 126 parameters)."""

from cubenet.nn.train import TrainConfig, train


def make_model(data):
    """One hidden layer of 12 ReLU units, trained full-batch with L-BFGS."""
    model, _ = train((3, 12, 6), data, TrainConfig(optimizer="lbfgs", epochs=300), rng=0)
    return model


if __name__ == "__main__":
    from cubenet.data.cube import make_color_cube
    from cubenet.nn.network import predict

    data = make_color_cube(3000, moves="R U F'", rng=0)
    model = make_model(data)
    print("validation accuracy:", (predict(model, data.X_test) == data.y_test).mean())
