"""Wrong (forbidden shortcut): borrows cubenet's own forward pass."""

from cubenet.nn.network import forward_params


def forward(params, X):
    return [t.post for t in forward_params(params, X, ["relu"] * (len(params) - 1))]
