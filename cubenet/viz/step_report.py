"""The report's words for a step network: its equations, and its figures in reading order (used by viz/report.py)."""

from __future__ import annotations

from html import escape


def step_network_html(model) -> str:
    """The "network" section of the report for a step network: what every step computes, in numbers."""
    from cubenet.nn.steps import n_params
    from cubenet.viz.plots import sub

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


def step_figure_plan(ds) -> list[tuple[str, str, str]]:
    """(heading, figure name, explanation) of a step network's figures, in reading order."""
    plan = [("Every step, in the data's own space", "steps", (
        "Read it like a comic strip. The first panel is the scrambled data; each next panel is the state after "
        "one step: every point moved by h + relu(h·W + b)·V + c, and nothing is projected — a step network's "
        "state is always a point of the data's own space, so the picture shows all of it (display fidelity "
        "100 %). All panels share one box and one camera. The last panel is the flat cut: the network's final "
        "linear layer splits the last state by planes" + (" (here: shaded regions)." if ds.n_features == 2 else "."))
            + (" Under the points, a straight grid flows with them: space being uncrumpled." if ds.n_features == 2
               else ""))]
    if ds.n_features == 3:
        plan.append(("The cube's sticker grid, pushed through the steps", "lattice", (
            "The lines of the solved cube's 3×3×3 sticker grid (or a straight lattice over the data), moved by the "
            "same steps as the points: the surface is bent and folded until the colours can be cut apart by planes.")))
    plan += [
        ("The steps, animated", "flow", (
            "Press play (or drag the slider). Each step is one continuous motion h + t·Δ for t from 0 to 1: every "
            "point travels on a straight line from where it was to where the step puts it. Camera and axes never "
            "change, so the motion you see is the network's. The last frames show the flat cut.")),
        ("The unscrambling curve over steps", "unscramble", (
            "The picture as a measurement. After each step, the accuracy of a linear probe (one straight cut per "
            "class, fitted on that state) and of the nearest class centre; the bars say how far the points moved in "
            "that step. The probe starts at the scrambled input's value and climbs step by step to the network's "
            "accuracy (dotted line). Right: the same probe during training, step by step and snapshot by snapshot.")),
    ]
    return plan
