"""The report's words for a step network: its equations and its table row (used by viz/report.py; the captions of
its figures are in the figure registry, :mod:`cubenet.viz.figures`)."""

from __future__ import annotations

from html import escape

from cubenet.nn.steps import n_params
from cubenet.viz.style import sub


def step_network_html(model) -> str:
    """The "network" section of the report for a step network: what every step computes, in numbers."""
    d, k, n, c = model.dim, model.inner, model.n_steps, model.sizes[-1]
    std = "standardised (each feature minus its mean, divided by its spread)" if model.input_mean is not None \
        else "used as it is"
    items = [f"<li><b>input</b>: h₀ = the data x, {std} — shape n × {d}: a point of the data's own {d}-D space</li>",
             f"<li><b>steps 1 … {n}</b>, each {d} → {k} → {d}: h{sub(1)} = h₀ + relu(h₀·W{sub(1)} + b{sub(1)})·V{sub(1)} "
             f"+ c{sub(1)}, and so on. W (a {d} × {k} array) and b ({k} numbers) make {k} inner units, V ({k} × {d}) and "
             f"c ({d}) turn them into a move Δ of every point, so the state after each step is again a point of the "
             f"same {d}-D space and can be drawn as it is.</li>",
             f"<li><b>output</b>, {d} → {c}: softmax(h{sub(n)}·W + b), the flat cut: one linear score per class, "
             "the class probabilities.</li>"]
    return (f"<h2>The network, step by step</h2>\n<ul>{''.join(items)}</ul>\n"
            f"<p>{n_params(n, d, k, c):,} numbers in all (weights and biases). Training also penalised how far the "
            "steps move the points (<code>motion</code>), so every step is a small move. The predicted class is the "
            "largest probability.</p>")


def step_network_row(model) -> str:
    """The "network" row of the report's table."""
    d = model.dim
    return escape(f"{model.n_steps} steps in {d}-D, each {d} → {model.inner} → {d} (h + relu(h·W + b)·V + c), "
                  f"then one flat cut → {model.sizes[-1]} (softmax)")
