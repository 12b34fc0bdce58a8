"""Plain data between the checker and the process that runs a learner's answer: JSON plus ``.npy`` bytes, never pickle.

A message is a 4-byte big-endian length, a JSON header ``{"body": tree, "blobs": [n1, n2, ...]}`` and the
blobs, each the bytes of one array written by ``np.save(..., allow_pickle=False)``. In the tree every JSON
object is a tagged value (``{"$": "nd", "i": 0}`` for blob 0, ``{"$": "tuple", "v": [...]}``, ...), so a
learner's dict can never pose as a tag. What cannot be sent as data (a lambda, an open file, an object
array) arrives as an :class:`Opaque` stand-in that remembers its type name and repr, so a check can say
what the learner returned.
"""

from __future__ import annotations

import io
import json
import os
import struct

import numpy as np

from cubenet.data.dataset import Dataset
from cubenet.nn.network import Model

#: the largest message either side accepts (a golf model is a few kB, the biggest check input about 1 MB)
MAX_MESSAGE = 256 * 2**20
MAX_DEPTH = 40
_HEAD = struct.Struct(">I")


class WireError(Exception):
    """A message that is not what the protocol allows (too big, malformed, or the pipe closed)."""


class Opaque:
    """Stands in for a value that is not plain data; ``type(x).__name__`` is the original type's name."""

    def __init__(self, text: str, is_callable: bool = False):
        self.text, self.is_callable = text, is_callable

    def __repr__(self) -> str:
        return self.text


def _opaque(type_name: str, text: str, is_callable: bool = False) -> Opaque:
    name = type_name if isinstance(type_name, str) and type_name.isidentifier() else "object"
    return type(name, (Opaque,), {})(str(text)[:300], bool(is_callable))


def _array_bytes(a: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, a, allow_pickle=False)
    return buf.getvalue()


def encode(value) -> tuple[object, list[bytes]]:
    """``value`` as a JSON tree and a list of ``.npy`` blobs."""
    blobs: list[bytes] = []
    generators: dict[int, int] = {}

    def enc(v, depth):
        if depth > MAX_DEPTH:
            return {"$": "opaque", "type": type(v).__name__, "repr": "a value nested too deeply"}
        if v is None or isinstance(v, (bool, str)) or type(v) in (int, float):
            return v
        if isinstance(v, (int, float)):  # a subclass of int or float: send the plain number
            return {"$": "opaque", "type": type(v).__name__, "repr": _safe_repr(v)}
        if isinstance(v, np.ndarray) and v.dtype.kind not in "OV" and not v.dtype.hasobject:
            blobs.append(_array_bytes(np.ascontiguousarray(v)))
            return {"$": "nd", "i": len(blobs) - 1}
        if isinstance(v, np.generic) and not isinstance(v, (np.object_, np.void)):
            blobs.append(_array_bytes(np.asarray(v)))
            return {"$": "np", "i": len(blobs) - 1}
        if type(v) is list:
            return [enc(x, depth + 1) for x in v]
        if type(v) is tuple:
            return {"$": "tuple", "v": [enc(x, depth + 1) for x in v]}
        if type(v) is dict:
            return {"$": "dict", "k": [enc(k, depth + 1) for k in v], "v": [enc(x, depth + 1) for x in v.values()]}
        if isinstance(v, np.random.Generator):
            key = generators.setdefault(id(v), len(generators))
            return {"$": "gen", "key": key, "id": id(v), "state": _jsonable(v.bit_generator.state),
                    "bits": type(v.bit_generator).__name__}
        tagged = _encode_known(v, lambda x: enc(x, depth + 1))
        if tagged is not None:
            return tagged
        return {"$": "opaque", "type": type(v).__name__, "repr": _safe_repr(v), "callable": callable(v)}

    return enc(value, 0), blobs


def _safe_repr(v) -> str:
    try:
        return repr(v)[:300]
    except Exception:  # noqa: BLE001 - a learner's __repr__ may raise anything
        return f"<{type(v).__name__}>"


def _jsonable(state):
    return json.loads(json.dumps(state, default=int))


def _encode_known(v, enc):
    """cubenet's own Model and Dataset, field by field."""
    if type(v) is Model:
        return {"$": "model", "params": enc(v.params), "activations": enc(v.activations),
                "input_mean": enc(v.input_mean), "input_scale": enc(v.input_scale),
                "class_names": enc(v.class_names), "config": enc(v.config)}
    if type(v) is Dataset:
        return {"$": "dataset", "fields": enc({f: getattr(v, f) for f in (
            "X_train", "y_train", "X_test", "y_test", "class_names", "class_colors", "meta")})}
    return None


def decode(tree, blobs: list[bytes], generators: dict | None = None):
    """The value of an :func:`encode` tree. ``generators`` (key -> Generator) keeps one Generator per key, so a
    Generator passed twice is the same object on this side too."""
    generators = {} if generators is None else generators

    def blob(i):
        if not (type(i) is int and 0 <= i < len(blobs)):
            raise WireError("a message names an array it does not carry")
        try:
            return np.load(io.BytesIO(blobs[i]), allow_pickle=False)
        except (ValueError, OSError, EOFError) as exc:
            raise WireError(f"an array in a message is not a plain .npy ({exc})") from None

    def dec(t, depth):
        if depth > MAX_DEPTH:
            raise WireError("a message is nested too deeply")
        if t is None or isinstance(t, (bool, int, float, str)):
            return t
        if isinstance(t, list):
            return [dec(x, depth + 1) for x in t]
        if not isinstance(t, dict):
            raise WireError("a message holds a value of no known kind")
        tag = t.get("$")
        if tag == "nd":
            return blob(t.get("i"))
        if tag == "np":
            a = blob(t.get("i"))
            return a[()] if a.shape == () else a
        if tag == "tuple":
            return tuple(dec(x, depth + 1) for x in _list(t.get("v")))
        if tag == "dict":
            keys, values = _list(t.get("k")), _list(t.get("v"))
            out = {}
            for k, x in zip(keys, values):
                key = dec(k, depth + 1)
                try:
                    out[key] = dec(x, depth + 1)
                except TypeError:
                    raise WireError("a message holds a dict with an unhashable key") from None
            return out
        if tag == "gen":
            return _generator(t, generators)
        if tag == "model":
            return _model(t, lambda x: dec(x, depth + 1))
        if tag == "dataset":
            return _dataset(t, lambda x: dec(x, depth + 1))
        if tag == "opaque":
            return _opaque(t.get("type"), t.get("repr", ""), t.get("callable", False))
        raise WireError(f"a message holds an unknown tag {str(tag)[:20]!r}")

    return dec(tree, 0)


def _list(v) -> list:
    if not isinstance(v, list):
        raise WireError("a message holds a malformed sequence")
    return v


def _generator(t, generators):
    key = t.get("id", t.get("key"))
    if key in generators:
        return generators[key]
    bits = t.get("bits")
    if bits not in ("PCG64", "PCG64DXSM", "Philox", "SFC64", "MT19937"):
        raise WireError("a message holds a random generator of an unknown kind")
    bit_generator = getattr(np.random, bits)()
    try:
        bit_generator.state = t.get("state")
    except (TypeError, ValueError, KeyError) as exc:
        raise WireError(f"a message holds a malformed generator state ({exc})") from None
    generators[key] = np.random.Generator(bit_generator)
    return generators[key]


def _model(t, dec):
    """A Model rebuilt from data, or an Opaque "Model" if a field is not what a Model holds."""
    fields = {k: dec(t.get(k)) for k in ("params", "activations", "input_mean", "input_scale", "class_names",
                                         "config")}
    ok = (isinstance(fields["params"], list)
          and isinstance(fields["activations"], tuple) and all(isinstance(a, str) for a in fields["activations"])
          and all(fields[k] is None or isinstance(fields[k], np.ndarray) for k in ("input_mean", "input_scale"))
          and isinstance(fields["class_names"], tuple) and isinstance(fields["config"], dict))
    if not ok:
        return _opaque("Model", "a Model whose fields are not arrays, tuples and a dict")
    return Model(**fields)


def _dataset(t, dec):
    fields = dec(t.get("fields"))
    if not isinstance(fields, dict):
        raise WireError("a message holds a malformed Dataset")
    return Dataset(**fields)


# ---------------------------------------------------------------- framing

def pack(value) -> bytes:
    tree, blobs = encode(value)
    header = json.dumps({"body": tree, "blobs": [len(b) for b in blobs]}).encode("utf-8")
    data = b"".join([_HEAD.pack(len(header)), header, *blobs])
    if len(data) > MAX_MESSAGE:
        raise WireError(f"a message of {len(data):,} bytes is bigger than the {MAX_MESSAGE:,} allowed")
    return data


def unpack_header(header: bytes) -> tuple[object, list[int]]:
    try:
        head = json.loads(header.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise WireError(f"a message header is not JSON ({exc})") from None
    sizes = head.get("blobs") if isinstance(head, dict) else None
    if not (isinstance(sizes, list) and all(type(n) is int and n >= 0 for n in sizes)) or \
            sum(sizes) > MAX_MESSAGE:
        raise WireError("a message header lists impossible array sizes")
    return head.get("body"), sizes


def read_message(read_exact, generators: dict | None = None):
    """Read one message with ``read_exact(n) -> bytes`` (which raises WireError on a closed pipe) and decode it."""
    (n,) = _HEAD.unpack(read_exact(_HEAD.size))
    if n > MAX_MESSAGE:
        raise WireError(f"a message header of {n:,} bytes is bigger than allowed")
    body, sizes = unpack_header(read_exact(n))
    blobs = [read_exact(size) for size in sizes]
    return decode(body, blobs, generators)


def fd_reader(fd: int):
    """``read_exact`` for a blocking file descriptor."""

    def read_exact(n: int) -> bytes:
        chunks, left = [], n
        while left:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                raise WireError("the pipe closed")
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    return read_exact


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
