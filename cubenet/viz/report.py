"""One self-contained, offline ``report.html`` per run: the explorer, command, data, metrics, equations, figures.

The explorer (explorer.html, interactive) is the centrepiece, inlined as an ``<iframe srcdoc>``; the
lighter figures are embedded as base64 images. The heavy ones — the layer panels and the warped grid,
which the explorer shows interactively, and the GIF/JPEG animations — stay beside the report as files
for slides and papers. The page refers to no web address at all, so it opens anywhere.
"""

from __future__ import annotations

import base64
import json
import re
from html import escape
from pathlib import Path

from cubenet.errors import CubenetError

MIME = {".png": "image/png", ".svg": "image/svg+xml", ".gif": "image/gif"}

CSS = """
body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;max-width:1180px;margin:0 auto;padding:18px 28px;
color:#1d1d1d;background:#fafafa;line-height:1.5}
h1{font-size:1.7em;margin-bottom:.2em} h2{margin-top:1.6em;border-bottom:2px solid #ddd;padding-bottom:.2em}
code,pre{font-family:'DejaVu Sans Mono',monospace;font-size:.92em}
pre{background:#272822;color:#f8f8f2;padding:10px 14px;border-radius:6px;overflow-x:auto;white-space:pre-wrap}
table{border-collapse:collapse;margin:.6em 0} td,th{border:1px solid #ccc;padding:4px 10px;text-align:left}
th{background:#eee}
figure{margin:1em 0 2em 0;width:min(96vw,2100px);position:relative;left:50%;transform:translateX(-50%)}
figure img{display:block;margin:0 auto;max-width:100%;border:1px solid #ddd;background:white}
figcaption{max-width:1120px;margin:.5em auto 0} .swatch{display:inline-block;width:.9em;height:.9em;
border:1px solid #333;vertical-align:middle;margin-right:.3em} .muted{color:#666;font-size:.9em}
.animation{background:white;border:1px solid #ddd;padding:8px}
.explorer{width:min(98vw,1300px);position:relative;left:50%;transform:translateX(-50%)}
.animation img{width:800px;max-width:100%;height:auto}
"""


def _data_uri(path: Path) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f"data:{MIME[path.suffix]};base64,{data}"


def _figure(path: Path, alt: str, caption: str) -> str:
    return (f'<figure><img src="{_data_uri(path)}" alt="{escape(alt)}">'
            f"<figcaption>{caption}</figcaption></figure>")


def _picture(run_dir: Path, name: str) -> Path | None:
    for suffix in (".png", ".svg", ".gif"):
        if (run_dir / f"{name}{suffix}").is_file():
            return run_dir / f"{name}{suffix}"
    return None


def ensure_figures(run_dir: Path, run) -> None:
    """Render the standard figures that are missing from the run folder (and the per-layer numbers)."""
    from cubenet.viz.render import WHAT, applies, render_run

    wanted = {"layers": "layers", "grid": "grid", "unscramble": "unscramble", "cube": "prediction", "boundary": "boundary",
              "curves": "curves", "confusion": "confusion", "digits": "digits", "steps": "steps", "lattice": "lattice"}
    for what in WHAT:
        if applies(what, run.dataset, run.model) or what in ("animation", "training", "flow"):
            continue  # the animations are files beside the report; the explorer shows the same motion
        if what == "explorer":
            if not (run_dir / "explorer.html").is_file():
                render_run(run_dir, what="explorer")
        elif what == "digits":
            if _picture(run_dir, "digits") is None:
                render_run(run_dir, what="digits")
        elif _picture(run_dir, wanted[what]) is None:
            render_run(run_dir, what=what)
    if "layers" not in json.loads((run_dir / "metrics.json").read_text(encoding="utf-8")):
        render_run(run_dir, what="unscramble")


def write_report(run_dir) -> Path:
    """Write ``report.html`` into the run folder (rendering any missing figure first); returns its path."""
    from cubenet.files import write_text
    from cubenet.run.folder import load_run

    run_dir = Path(run_dir)
    run = load_run(run_dir)
    ensure_figures(run_dir, run)
    run = load_run(run_dir)  # metrics.json now holds the per-layer numbers
    html = report_html(run, run_dir)
    found = re.search(r"https?://", html)
    if found:
        raise CubenetError(f"the report would refer to a web address near {html[found.start():found.start() + 60]!r}; "
                           "it must work offline")
    from cubenet.run.replace import record_files

    path = write_text(run_dir / "report.html", html)
    record_files(run_dir, [path])
    return path


#: figures the explorer shows interactively: the report links these files instead of embedding them
FILES_BESIDE = {"layers": ("layers.png", "layers.svg"), "grid": ("grid.png", "grid.svg"),
                "animation": ("animation.html", "animation.gif", "training.gif"), "flow": ("flow.html", "flow.gif")}
EXPLORER_TEXT = (
    "Drag to turn the views (every 3-D view turns with the others). Move the <b>layer</b> and <b>stage</b> "
    "sliders, or press play, to watch each layer act: its matrix W, then the shift +b, then the activation. The "
    "<b>training</b> slider goes back to earlier epochs; the heatmap's cells jump there too. Click a class or a dot "
    "to follow it through every layer. Each view names its linear-probe accuracy and its display fidelity (how much "
    "of the layer's separation the drawing keeps).")


def _explorer(run_dir: Path) -> str:
    from cubenet.viz.explorer.page import iframe

    path = run_dir / "explorer.html"
    if not path.is_file():
        return ""
    return (f"<h2>Explore it</h2>\n<p>{EXPLORER_TEXT}</p>\n<div class=\"explorer\">"
            f"{iframe(path.read_text(encoding='utf-8'))}</div>\n"
            '<p class="muted">The same page on its own: <a href="explorer.html">explorer.html</a>.</p>')


def report_html(run, run_dir: Path) -> str:
    """The whole page as one string."""
    ds = run.dataset
    sections = [_header(run), _explorer(run_dir), _numbers(run), _equations(run)]
    for heading, name, text in _figure_plan(run):
        if name in FILES_BESIDE:
            files = [f for f in FILES_BESIDE[name] if (run_dir / f).is_file()]
            if files:
                links = ", ".join(f'<a href="{escape(f)}">{escape(f)}</a>' for f in files)
                sections.append(f"<h2>{heading}</h2>\n<p>{text}</p>\n<p class=\"muted\">In the explorer above, "
                                f"interactively; as pictures for slides and papers, beside this report: {links}.</p>")
            continue
        path = _picture(run_dir, name)
        if path is not None:
            sections.append(f"<h2>{heading}</h2>\n" + _figure(path, heading, text))
        if name == "digits":
            sep = _picture(run_dir, "digits_separation")
            if sep is not None:
                sections.append(_figure(sep, "class separation per layer", _DIGIT_SEPARATION_TEXT))
    title = f"cubenet run: {escape(ds.name)}"
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n"
            f"<style>{CSS}</style>\n</head>\n<body>\n" + "\n".join(sections) +
            "\n<p class=\"muted\">Made by cubenet. This page is self-contained: it works offline and can be "
            "copied anywhere as a single file.</p>\n</body>\n</html>\n")


def _header(run) -> str:
    ds, info, m = run.dataset, run.info, run.metrics
    swatches = " ".join(f'<span class="swatch" style="background:{escape(c)}"></span>{escape(n)}'
                        for n, c in zip(ds.class_names, ds.class_colors))
    scramble = ds.meta.get("scramble")
    rows = [("data", f"{escape(ds.name)} ({escape(str(ds.meta.get('kind', '')))}): {len(ds.y_train):,} training and "
             f"{len(ds.y_test):,} test points, {ds.n_features} features"),
            ("classes", swatches)]
    if scramble:
        rows.append(("scramble", f"<code>{escape(scramble)}</code> — undone by <code>"
                     f"{escape(ds.meta.get('inverse') or '')}</code>"))
    network = escape(" → ".join(str(s) for s in run.model.sizes)) + \
        f" ({escape(', '.join(run.model.activations) or 'no hidden layer')}, softmax output)"
    if getattr(run.model, "kind", "dense") == "steps":
        from cubenet.viz.step_report import step_network_row

        network = step_network_row(run.model)
    rows += [("network", network),
             ("training", escape(f"{m.get('epochs_run', '?')} epochs in "
                                 f"{(info.get('timing') or {}).get('train_seconds', m.get('train_seconds', 0)):.1f} s"
                                 + ("" if str(m.get("stop_reason", "completed")).startswith("completed")
                                    else f" — {m.get('stop_reason')}"))),
             ("test accuracy", f"<b>{m.get('test_accuracy', float('nan')):.2%}</b> "
              f"(train {m.get('train_accuracy', float('nan')):.2%})"),
             ("made", escape(f"{info.get('created', '')}, cubenet {info.get('versions', {}).get('cubenet', '?')}, "
                             f"numpy {info.get('versions', {}).get('numpy', '?')}"))]
    table = "\n".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return (f"<h1>cubenet run: {escape(ds.name)}</h1>\n<p>The exact command that made this run "
            f"(run it again to get the same network):</p>\n<pre>{escape(info.get('command', ''))}</pre>\n"
            f"<table>{table}</table>")


def _numbers(run) -> str:
    m = run.metrics
    per_class = "".join(f"<tr><td>{escape(k)}</td><td>{'' if v is None else f'{v:.1%}'}</td></tr>"
                        for k, v in m.get("per_class_accuracy", {}).items())
    layers = m.get("layers") or []
    rows = []
    for entry in layers:
        sv = entry.get("singular_values")
        sv_text = "" if not sv else f"{max(sv):.2f} … {min(sv):.2f}"
        dead = entry.get("dead_fraction")
        rows.append(f"<tr><td>{escape(entry['name'])}</td><td>{entry['width']}</td>"
                    f"<td><b>{entry['probe_accuracy']:.1%}</b></td><td>{entry['centroid_accuracy']:.1%}</td>"
                    f"<td>{'' if dead is None else f'{dead:.0%}'}</td><td>{sv_text}</td></tr>")
    layer_table = ("<table><tr><th>representation</th><th>width</th><th>linear probe (test)</th>"
                   "<th>nearest class centre (test)</th><th>dead ReLU units</th><th>singular values of W (max … min)</th>"
                   "</tr>" + "".join(rows) + "</table>") if rows else ""
    return ("<h2>The numbers</h2>\n<p>Accuracy on the held-out test points, per class:</p>\n"
            f"<table><tr><th>class</th><th>test accuracy</th></tr>{per_class}</table>\n"
            "<p>Per layer: can a single linear classifier (a <i>linear probe</i>, multinomial logistic regression "
            "fitted on the training points' representation, scored on the test points) read the class off this "
            "layer's output? The scrambled input is hard for it; a layer that has unscrambled the data makes it "
            "easy. Nearest class centre is an even simpler reader; dead units never switch on for any training "
            f"point.</p>\n{layer_table}")


def _equations(run) -> str:
    from cubenet.viz.plots import sub

    model = run.model
    if getattr(model, "kind", "dense") == "steps":
        from cubenet.viz.step_report import step_network_html

        return step_network_html(model)
    items = []
    std = "standardised (each feature minus its mean, divided by its spread)" if model.input_mean is not None \
        else "used as it is"
    items.append(f"<li><b>input</b>: h₀ = the data x, {std} — shape n × {model.sizes[0]}</li>")
    for i, (W, _) in enumerate(model.params, start=1):
        fan_in, fan_out = W.shape
        act = "softmax" if i == model.n_layers else model.activations[i - 1]
        name = "output" if i == model.n_layers else f"layer {i}"
        items.append(
            f"<li><b>{name}</b>, {fan_in} → {fan_out}: h{sub(i)} = {act}(W{sub(i)}·h{sub(i - 1)} + b{sub(i)}). "
            f"W{sub(i)} turns each point's {fan_in} numbers into {fan_out} (in the code it is a {fan_in} × {fan_out} "
            f"array applied to all n points at once as <code>h @ W + b</code>); b{sub(i)} has {fan_out} entries; "
            f"h{sub(i)} has shape n × {fan_out}" + (", the class probabilities" if i == model.n_layers else "")
            + ".</li>")
    n_params = sum(W.size + b.size for W, b in model.params)
    return (f"<h2>The network, layer by layer</h2>\n<ul>{''.join(items)}</ul>\n"
            f"<p>{n_params:,} numbers in all (weights and biases). The predicted class is the largest probability.</p>")


_DIGIT_SEPARATION_TEXT = (
    "How well the digit classes separate after each layer: linear-probe accuracy and a 2-D projection per layer.")


def _kind_words(kind, n_features: int) -> tuple[str, str]:
    """The parts of the grid and confusion captions that depend on the data: no cube talk for spirals or a CSV."""
    if kind == "cube" and n_features == 3:
        return (" (a lattice of lines through the cube)",
                " — for the cube, usually stickers that the scramble placed next to each other")
    if n_features == 3:
        return (" (a lattice of lines through the data's 3-D space)", "")
    return ("", "")  # 2-D sets: the plane's own grid; wider data has no grid figure


def _figure_plan(run) -> list[tuple[str, str, str]]:
    """(heading, figure name, explanation) in reading order, for this kind of data."""
    ds = run.dataset
    kind = ds.meta.get("kind")
    grid_what, confused = _kind_words(kind, ds.n_features)
    plan = []
    if kind == "cube" and ds.n_features == 3:
        plan.append(("What the network answers", "prediction", (
            "Left: the scrambled cube the data came from — every point of the dataset is a spot on one of its "
            "stickers, and its class is the sticker colour. Right: the same surface, cut into small cells, each "
            "coloured by what the trained network says at that spot; hatched cells are where it is wrong. Mistakes "
            "hug the sticker borders, where a twisted slab puts two colours side by side.")))
    elif ds.n_features == 2:
        plan.append(("What the network answers", "boundary", (
            "The background colour is the network's answer at every spot of the plane; the dots are test points in "
            "their true colour, and crosses mark the ones it gets wrong. The scrambling moves bent the classes into "
            "shapes that no straight line can split — yet the network's regions follow them.")))
    plan += [
        ("Inside the network, layer by layer", "layers", (
            "Read it like a comic strip, left to right. The first panel is the scrambled input. Each column is one "
            "layer: on top the linear step W·h + b (a rotation, stretch and shift — straight lines stay straight), "
            "below it the activation (ReLU folds everything negative onto zero). Layers wider than 3 cannot be "
            "drawn directly, so we show a linear projection (PCA, aligned from panel to panel so nothing flips); "
            "its caption says how much of the spread it keeps. Watch the colours come apart from left to right.")),
        ("Space being uncrumpled: the warped grid", "grid", (
            f"The same layers applied to straight lines of a regular grid{grid_what}. The linear steps only tilt and stretch the grid; the ReLU folds it along creases. Stacking "
            "folds is how the network irons the scrambled classes flat enough to cut them apart with planes.")),
        ("The forward pass, animated", "animation", (
            "The explorer's stage slider as a film: every layer in three steps — the matrix W grows in from "
            "'no change' to its full effect, the bias b shifts everything, then the ReLU folds the negative parts "
            "onto zero — and the last hidden layer while the network trains.")),
        ("The unscrambling curve", "unscramble", (
            "The picture as a measurement. Left: after each layer, the accuracy of a linear probe — one straight "
            "cut per class fitted on that layer's output. On the scrambled input it is poor; layer by layer it "
            "climbs until, at the last hidden layer, it matches the whole network's accuracy (dotted line): the "
            "data has been unscrambled. Middle: how much each weight matrix stretches space (its singular values). "
            "Right: the same probe during training, layer by layer (rows) and snapshot by snapshot (columns).")),
        ("Learning over time", "curves", (
            "The training loss falls and the accuracy rises, epoch by epoch. When the test curve (points the "
            "network never trained on) follows the training curve, the network has learned the pattern rather "
            "than memorised the points.")),
        ("Which classes get confused", "confusion", (
            "Rows are the true classes of the test points, columns what the network answered; the diagonal counts "
            f"the right answers. Off-diagonal cells show which classes the network mixes up{confused}.")),
    ]
    if kind == "digits":
        plan.append(("A digit passing through the network", "digits", (
            "One handwritten digit, layer by layer: every unit's activation shown as a small picture or bar, "
            "from the pixels in to the ten class scores out.")))
    if getattr(run.model, "kind", "dense") == "steps":  # the step figures replace the layered network's views
        from cubenet.viz.step_report import step_figure_plan

        first = [p for p in plan if p[1] in ("cube", "boundary")]
        plan = first + step_figure_plan(ds) + [p for p in plan if p[1] in ("curves", "confusion")]
    return plan

