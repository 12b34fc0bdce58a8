"""The explorer's words, fitted to the kind of data: cube talk for the cube, none of it for spirals or tables."""

from __future__ import annotations


def _title(ds) -> str:
    scramble = ds.meta.get("scramble")
    kind = ds.meta.get("kind")
    if kind == "cube":
        return f"colour cube scrambled by {scramble}" if scramble else "colour cube (solved)"
    if kind == "digits":
        shape = ds.meta.get("image_shape") or ["?", "?"]
        return f"handwritten digits, {shape[0]}×{shape[1]} pixels"
    if kind == "planar":
        return f"{ds.name} scrambled by {scramble}" if scramble else ds.name
    return f"{ds.name}: a table of {ds.n_features} features"


def _point(kind: str) -> str:
    return {"cube": "a spot on a sticker of the scrambled cube, coloured by its sticker",
            "planar": "a point of the 2-D data set, coloured by its class",
            "digits": "one handwritten digit image, coloured by the digit it shows",
            }.get(kind, "one row of the table, coloured by its label")


def texts(ds, model, *, steps: bool = False) -> dict:
    """Titles, the "how to read this" line and captions for this dataset (``steps``: a step network)."""
    kind = ds.meta.get("kind") or "table"
    d = ds.n_features
    if kind == "cube":
        input_title = "the data: points on the stickers"
        input_note = "own coordinates (x → R, y → U, z → F)"
        goal = "until flat cuts separate the six colours"
    elif kind == "digits":
        input_title = "the data: some of the test images"
        input_note = "hover an image to find it in the layer view"
        goal = "until flat cuts separate the ten digits"
    elif d <= 3:
        input_title = f"the data in its own {d}-D coordinates"
        input_note = "own coordinates"
        goal = "until straight cuts separate the classes"
    else:
        input_title = f"the data: {d} features → 3-D view"
        input_note = f"a projection of the {d} standardised features"
        goal = "until straight cuts separate the classes"
    how = ("step by step, each step one flow in the data's own space" if steps
           else "layer by layer (W, then +b, then the activation)")
    howto = (f"How to read this: each dot is {_point(kind)}. The big view follows the dots through the network, "
             f"{how}: watch the classes come apart {goal}. "
             f"Drag to turn every 3-D view; click a class or a dot to follow it.")
    return {"title": _title(ds), "howto": howto, "input_title": input_title, "input_note": input_note,
            "fidelity_note": "display fidelity = a linear probe on the drawn coordinates ÷ the probe on the full "
                             "layer: how much of the separation this picture shows",
            "keys": "keys: space play/pause · ← → stage · ↑ ↓ layer · [ ] epoch · W A S D turn · "
                    "G grid · P projection · 0 reset view"}
