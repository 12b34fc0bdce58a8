"""One self-contained, offline ``report.html`` per run: the explorer, command, data, metrics, equations, figures.

The explorer (explorer.html, interactive) is the centrepiece, inlined as an ``<iframe srcdoc>``; the
lighter figures are embedded as base64 images. The heavy ones — the layer panels and the warped grid,
which the explorer shows interactively, and the GIF/JPEG animations — stay beside the report as files
for slides and papers. The page refers to no web address at all, so it opens anywhere.
"""

from __future__ import annotations

import base64
import re
from html import escape
from pathlib import Path

from cubenet.errors import CubenetError
from cubenet.files import write_text
from cubenet.run.folder import load_run
from cubenet.run.replace import record_files
from cubenet.viz.explorer.page import iframe
from cubenet.viz.figures import BESIDE_ORDER, FIGURES, applicable, text
from cubenet.viz.render import render_run
from cubenet.viz.step_report import step_network_html, step_network_row
from cubenet.viz.style import sub

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


def _picture(run_dir: Path, stem: str, kind: str = "static") -> Path | None:
    for suffix in (".html",) if kind == "page" else (".png", ".svg", ".gif"):
        if (run_dir / f"{stem}{suffix}").is_file():
            return run_dir / f"{stem}{suffix}"
    return None


def ensure_figures(run_dir: Path, run) -> None:
    """Render the report's figures that are missing from the run folder (the animations are files beside the
    report, drawn only when asked for: the explorer shows the same motion)."""
    for figure in applicable(run.dataset, run.model):
        if figure.kind != "movie" and _picture(run_dir, figure.stems[0], figure.kind) is None:
            render_run(run_dir, what=figure.name)


def write_report(run_dir) -> Path:
    """Write ``report.html`` into the run folder (rendering any missing figure first); returns its path."""
    run_dir = Path(run_dir)
    run = load_run(run_dir)
    ensure_figures(run_dir, run)
    run = load_run(run_dir)  # metrics.json now holds the per-layer numbers
    html = report_html(run, run_dir)
    found = re.search(r"https?://", html)
    if found:
        raise CubenetError(f"the report would refer to a web address near {html[found.start():found.start() + 60]!r}; "
                           "it must work offline")

    path = write_text(run_dir / "report.html", html)
    record_files(run_dir, [path])
    return path


def report_html(run, run_dir: Path) -> str:
    """The whole page as one string: the header, the interactive page(s), the numbers and equations, then the
    figures in the registry's reading order."""
    ds = run.dataset
    shown = [f for f in applicable(ds, run.model) if f.heading is not None]
    sections = [_header(run)]
    for figure in [f for f in shown if f.report == "page"]:
        sections += _section(run, run_dir, figure)
    sections += [_numbers(run), _equations(run)]
    for figure in [f for f in shown if f.report != "page"]:
        sections += _section(run, run_dir, figure)
    title = f"cubenet run: {escape(ds.name)}"
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n"
            f"<style>{CSS}</style>\n</head>\n<body>\n" + "\n".join(sections) +
            "\n<p class=\"muted\">Made by cubenet. This page is self-contained: it works offline and can be "
            "copied anywhere as a single file.</p>\n</body>\n</html>\n")


def _section(run, run_dir: Path, figure) -> list[str]:
    """The report's parts for one figure: an inlined page, links to files beside the report, or embedded images."""
    ds, model = run.dataset, run.model
    heading, caption = text(figure.heading, ds, model), text(figure.pictures[0].caption, ds, model)
    if figure.report == "page":
        return _page(run_dir, figure, heading, caption)
    if figure.report == "beside":
        files = [f for f in beside_files(figure) if (run_dir / f).is_file()]
        if not files:
            return []
        links = ", ".join(f'<a href="{escape(f)}">{escape(f)}</a>' for f in files)
        return [f"<h2>{heading}</h2>\n<p>{caption}</p>\n<p class=\"muted\">In the explorer above, interactively; "
                f"as pictures for slides and papers, beside this report: {links}.</p>"]
    parts = []
    for i, picture in enumerate(figure.pictures):
        path = _picture(run_dir, picture.stem)
        if path is not None:
            image = _figure(path, picture.alt or heading, text(picture.caption, ds, model))
            parts.append(f"<h2>{heading}</h2>\n" + image if i == 0 else image)
    return parts


def beside_files(figure) -> list[str]:
    """The files of a figure shown beside the report (and of the figures that join its section), in the order
    the report lists them."""
    return [f"{stem}.{ext}" for f in (figure, *[g for g in FIGURES if g.joins == figure.name])
            for stem in f.stems for ext in BESIDE_ORDER[f.kind]]


def _page(run_dir: Path, figure, heading: str, caption: str) -> list[str]:
    name = f"{figure.stems[0]}.html"
    path = run_dir / name
    if not path.is_file():
        return []
    return [f"<h2>{heading}</h2>\n<p>{caption}</p>\n<div class=\"explorer\">"
            f"{iframe(path.read_text(encoding='utf-8'))}</div>\n"
            f'<p class="muted">The same page on its own: <a href="{name}">{name}</a>.</p>']


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
    model = run.model
    if getattr(model, "kind", "dense") == "steps":
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


def _figure_plan(run) -> list[tuple[str, str, str]]:
    """(heading, file stem, caption) of every report section that applies to this run, in reading order."""
    ds, model = run.dataset, run.model
    return [(text(f.heading, ds, model), f.stems[0], text(f.pictures[0].caption, ds, model))
            for f in applicable(ds, model) if f.heading is not None]
