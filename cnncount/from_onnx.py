"""ONNX models as cnncount specs: ``cnncount count model.onnx``, ``cnncount convert model.onnx``.

:func:`spec_of` reads an ``.onnx`` file with the ``onnx`` package (no runtime; the optional extra
``cnncount[onnx]``, imported only here) and gives the spec that says the same network: a dict as
a YAML file would give, one entry per node that computes (named after the node, reading the
entries it reads by name), which cnncount then counts as any spec, in either bias layout.

Weights are never read, only their shapes: from the initializers and from the nodes that make
constants (Constant, ConstantOfShape, as the onnx package's test models have them), through
Unsqueeze, Squeeze and Reshape of constants. The shapes of the values in between come from
onnx's shape inference, which a Reshape's target needs; every other shape is cnncount's own.
Patterns that are one cnncount kind are read as it: a batch norm's scale and shift written as a
Mul and an Add of constants (``scale``), a MatMul and the Add of its bias (``dense``), a channel
shuffle's Reshape, Transpose and Reshape (``shuffle``). A node cnncount has no kind for is an
error that names it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .errors import SpecError, quote
from .imported import Builder, lean, one, residuals

#: ONNX activations: cnncount's function names.
_ACTIVATIONS = {
    "Relu": "relu",
    "LeakyRelu": "leaky_relu",
    "Elu": "elu",
    "Selu": "selu",
    "Celu": "celu",
    "Gelu": "gelu",
    "Sigmoid": "sigmoid",
    "HardSigmoid": "hardsigmoid",
    "HardSwish": "hardswish",
    "Tanh": "tanh",
    "Softplus": "softplus",
    "Softsign": "softsign",
    "Mish": "mish",
    "Softmax": "softmax",
    "LogSoftmax": "log_softmax",
    "Exp": "exponential",
    "ThresholdedRelu": "threshold",
    "Shrink": "softshrink",
}

#: Node names that are only numbers, as exporters give them (n12, node_3, 17).
_NUMBERED = re.compile(r"^(n|node_?)?\d+$")

#: What a weight's name adds to its layer's: Caffe2's _w_0, _b_0, _bn_s_0; PyTorch's .weight.
_WEIGHT = re.compile(r"(_w|_b|_s|_scale|_weights?|\.weight|/weights?|/kernel)?(_0|:0)?$")

#: The kinds whose second input is their weight, whose name names them.
_WEIGHTED = ("conv", "deconv", "dense", "batchnorm", "instancenorm", "layernorm", "groupnorm", "prelu", "scale")

#: The device prefix of Caffe2's blob names.
_DEVICE = re.compile(r"^gpu_\d+/")

#: Ops whose output has their input's shape (onnx's shape inference leaves some function ops out).
_SAME_SHAPE = (
    "BatchNormalization",
    "InstanceNormalization",
    "LayerNormalization",
    "GroupNormalization",
    "LRN",
    "Dropout",
    "PRelu",
    "Clip",
)

#: Nodes that change nothing cnncount counts: their output is their first input.
_ALIASES = ("Identity",)


class _Const:
    """A tensor known before the network runs: its shape, and its values when the file gives them."""

    __slots__ = ("shape", "values")

    def __init__(self, shape: tuple[int, ...], values: list[Any] | None = None) -> None:
        self.shape = shape
        self.values = values

    @property
    def size(self) -> int:
        size = 1
        for d in self.shape:
            size *= d
        return size


class _Value:
    """A tensor the network computes: the entry (and which of its outputs, if it has several) that gives it."""

    __slots__ = ("entry", "output")

    def __init__(self, entry: str, output: int | None = None) -> None:
        self.entry = entry
        self.output = output

    @property
    def ref(self) -> str:
        return self.entry if self.output is None else f"{self.entry}:{self.output}"


def _onnx() -> Any:
    try:
        import onnx
    except ImportError:
        raise SpecError("reading an ONNX model needs the onnx package: pip install 'cnncount[onnx]'") from None
    return onnx


def read_onnx(path: str, passing: list[str] | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    """The spec of the ONNX model in the file ``path`` (see spec_of)."""
    from .sources import read_binary

    return spec_of(read_binary(path), path, passing)


def spec_of(data: bytes, source: str, passing: list[str] | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    """The spec of the ONNX model in ``data`` (``source`` names it in errors), and, for each layer
    the spec names, the ONNX value its output is. With ``passing`` (a list), a node of an op
    cnncount has no kind for, on one input and keeping its shape, passes its input through, and
    what it says of that is added to the list."""
    onnx = _onnx()
    try:
        model = onnx.load_from_string(data)
    except Exception as exc:  # the protobuf parser's own errors: DecodeError, and others
        raise SpecError(f"not an ONNX model: {str(exc)[:80] or type(exc).__name__}", where=source) from None
    try:
        inferred = onnx.shape_inference.infer_shapes(model)
    except Exception as exc:  # onnx's InferenceError and the like: the file is inconsistent
        raise SpecError(f"onnx's shape inference refuses it: {str(exc)[:120]}", where=source) from None
    reader = _Reader(onnx, inferred, source)
    reader.passing = passing
    try:
        return reader.spec()
    except (TypeError, ValueError, AttributeError, IndexError) as exc:  # values onnx's checker would refuse
        text = str(exc).replace("\n", " ")[:60]
        raise SpecError(f"an ONNX model onnx would not run ({type(exc).__name__}: {text})", where=source) from None


class _Reader:
    def __init__(self, onnx: Any, model: Any, source: str) -> None:
        self.onnx = onnx
        self.model = model
        self.graph = model.graph
        self.source = source
        self.known: dict[str, _Const | _Value] = {}
        self.shapes: dict[str, tuple[int, ...] | None] = {}
        self.built = Builder()
        self.origins: dict[str, str] = {}
        self.roots: dict[str, str] = {}
        self.passing: list[str] | None = None
        self.readers: dict[str, list[Any]] = {}
        self.done: set[int] = set()
        #: Each node's number in the graph, and the graph's outputs' names (filled by spec()).
        self.numbers: dict[int, int] = {}
        self.outputs: set[str] = set()

    # --- what is known before the network runs ------------------------------------------------

    def spec(self) -> tuple[dict[str, Any], dict[str, str]]:
        graph = self.graph
        for info in (*graph.input, *graph.value_info, *graph.output):
            self.shapes[info.name] = _dims(info)
        for tensor in graph.initializer:
            self.known[tensor.name] = _Const(tuple(tensor.dims), self._values(tensor))
        inputs = [info for info in graph.input if info.name not in self.known]
        if not inputs:
            raise SpecError("the model has no input that is not a weight", where=self.source)
        named: dict[str, list[int]] = {}
        for info in inputs:
            shape = self.shapes.get(info.name)
            if shape is None or len(shape) < 2 or any(d <= 0 for d in shape[1:]):
                raise SpecError(
                    f"input {quote(info.name)} has no fixed shape after the batch (sizes {_shown(shape)}): "
                    "give --input",
                    where=self.source,
                )
            name = "input" if len(inputs) == 1 else self.built.name(info.name)
            self.known[info.name] = _Value(name)
            named[name] = list(shape[1:])
        for node in graph.node:
            for name in node.input:
                self.readers.setdefault(name, []).append(node)
        nodes = list(graph.node)
        self.numbers = {id(node): number for number, node in enumerate(nodes)}
        self.outputs = {info.name for info in graph.output}
        progress = True
        while progress:  # what depends on constants alone first: a weight unsqueezed after the Mul that reads it
            progress = False
            for number, node in enumerate(nodes):
                known = [self.known.get(name) for name in node.input if name]
                if number not in self.done and all(isinstance(v, _Const) for v in known):
                    self.constant(node, known)
                    self.done.add(number)
                    progress = True
        for number, node in enumerate(nodes):
            if number not in self.done:
                self.node(number, node)
        outputs = []
        for info in graph.output:
            found = self.known.get(info.name)
            if isinstance(found, _Value):
                outputs.append(found.ref)
        spec: dict[str, Any] = {"name": _stem(self.source)}
        if len(named) == 1:
            spec["input"] = next(iter(named.values()))
        else:
            spec["inputs"] = named
        spec["layers"] = residuals(self.built.entries)
        if outputs and outputs != [spec["layers"][-1]["name"]]:
            spec["outputs"] = outputs
        return spec, self.origins

    def _values(self, tensor: Any) -> list[Any] | None:
        """A small tensor's values (a shape, pads, scales); a weight's are never read."""
        size = 1
        for d in tensor.dims:
            size *= d
        if size > 64:
            return None
        from onnx import numpy_helper

        try:
            values = numpy_helper.to_array(tensor).reshape(-1)
        except Exception:  # kept in an external file this does not read, or of a type numpy lacks
            return None
        return [v.item() if hasattr(v, "item") else v for v in values]

    # --- the nodes ----------------------------------------------------------------------------

    def where(self, node: Any) -> str:
        label = node.name or (node.output[0] if node.output else "")
        return f"node {quote(label)} ({node.op_type})"

    def fail(self, node: Any, message: str) -> SpecError:
        return SpecError(f"{self.where(node)}: {message}", where=self.source)

    def node(self, number: int, node: Any) -> None:
        op = node.op_type
        ins = [self.known.get(name) if name else None for name in node.input]
        for name, found in zip(node.input, ins):
            if name and found is None:
                raise self.fail(node, f"reads {quote(name)}, which no node or initializer gives")
        runtime = [v for v in ins if isinstance(v, _Value)]
        if not runtime:  # computed from constants alone: a shape, pads, a folded weight
            self.constant(node, ins)
            return
        if op in _ALIASES or (op in ("Sum", "Concat") and len(runtime) == 1 and len(ins) == 1):
            self.known[node.output[0]] = runtime[0]
            return
        if node.output and self.shapes.get(node.output[0]) is None and (op in _SAME_SHAPE or op in _ACTIVATIONS):
            self.shapes[node.output[0]] = self.shapes.get(node.input[0])  # a function op onnx does not infer
        handler: Callable[[Any, list[Any]], None] | None = getattr(self, f"_{op}", None)
        if handler is None:
            if op in _ACTIVATIONS:
                self.emit(node, {"type": "activation", "function": self._activation(node)}, [ins[0]])
                return
            if self.passing is not None and len(runtime) == 1 and len(node.output) == 1:
                before, after = self.shapes.get(node.input[0]), self.shapes.get(node.output[0])
                if before is not None and before == after:
                    self.known[node.output[0]] = runtime[0]
                    self.passing.append(f"{self.source}: {self.where(node)}: passed through, its shape kept")
                    return
            raise self.fail(node, "cnncount has no kind for this op")
        try:
            handler(node, ins)
        except KeyError as exc:
            raise self.fail(node, f"has no attribute {quote(str(exc.args[0]))}") from None

    def constant(self, node: Any, ins: list[Any]) -> None:
        """A node that computes from constants: the shape of what it gives, and its values where
        they are small and this knows how (enough for shapes, axes and pads)."""
        op = node.op_type
        attrs = _attributes(node)
        out = self.shapes.get(node.output[0]) if node.output else None
        values: list[Any] | None = None
        if op == "Constant":
            tensor = attrs.get("value")
            if tensor is not None:
                self.known[node.output[0]] = _Const(tuple(tensor.dims), self._values(tensor))
                return
        if op == "ConstantOfShape" and ins and ins[0].values is not None:
            out = tuple(int(v) for v in ins[0].values)
        if op in ("Unsqueeze", "Squeeze", "Reshape", "Identity", "Flatten", "Cast") and ins and ins[0] is not None:
            values = ins[0].values
        if out is None:
            out = self._folded_shape(node, ins, attrs)
        for name in node.output:
            self.known[name] = _Const(out if out is not None else (), values)

    def _folded_shape(self, node: Any, ins: list[Any], attrs: dict[str, Any]) -> tuple[int, ...] | None:
        """Unsqueeze of a constant whose shape inference did not record."""
        if node.op_type == "Unsqueeze" and ins and ins[0] is not None:
            axes = attrs.get("axes")
            if axes is None and len(ins) > 1 and ins[1] is not None:
                axes = ins[1].values
            if axes is not None:
                shape = list(ins[0].shape)
                for axis in sorted(int(a) % (len(shape) + len(axes)) for a in axes):
                    shape.insert(axis, 1)
                return tuple(shape)
        return None

    def emit(self, node: Any, entry: dict[str, Any], reads: list[Any], outputs: int = 1) -> str:
        """Add an entry for the node, reading ``reads`` (values); its output(s) become the node's."""
        label, root = self._label(node, reads, entry["type"])
        name = self.built.name(label)
        self.roots[name] = root
        self.built.add(name, entry, [value.ref for value in reads])
        for k in range(outputs):
            self.known[node.output[k]] = _Value(name, k if outputs > 1 else None)
        self.origins[name] = node.output[0]
        return name

    def _label(self, node: Any, reads: list[Any], kind: str) -> tuple[str, str]:
        """What to call the node's entry, and the root names of what reads it are made from: its
        name, unless that is a number (``n12``, as exporters number them); then its weight's name
        without the weight's own suffix (``fire2/squeeze1x1`` for ``fire2/squeeze1x1_w_0``), or the
        root of what it reads and its op (``conv1_relu``)."""
        label = node.name or ""
        if label and not _NUMBERED.match(label):
            return label, label
        for name in list(getattr(node, "input", ()))[1:2] if kind in _WEIGHTED else ():
            if isinstance(self.known.get(name), _Const):
                weight = _WEIGHT.sub("", _DEVICE.sub("", name))
                if weight:
                    return weight, weight
        if reads and isinstance(reads[0], _Value) and reads[0].entry in self.roots:
            root = self.roots[reads[0].entry]
            return f"{root}_{node.op_type.lower()}", root
        label = label or (node.output[0] if node.output else node.op_type.lower())
        return label, label

    def shape(self, name: str) -> tuple[int, ...]:
        shape = self.shapes.get(name)
        if shape is None or any(d <= 0 for d in shape[1:]):
            raise SpecError(f"onnx's shape inference does not give the shape of {quote(name)}", where=self.source)
        return shape

    def weight(self, node: Any, ins: list[Any], k: int, what: str) -> _Const:
        found = ins[k] if k < len(ins) else None
        if not isinstance(found, _Const):
            raise self.fail(node, f"its {what} is computed by the network; cnncount counts weights that are constants")
        return found

    def _activation(self, node: Any) -> str:
        return _ACTIVATIONS[node.op_type]

    # --- convolutions and dense layers ----------------------------------------------------------

    def _window(self, node: Any, ins: list[Any], kernel: tuple[int, ...], entry: dict[str, Any]) -> list[Any]:
        """The window options of a Conv or a pool (strides, dilations, pads or auto_pad) in ``entry``;
        the values it reads, after a zeropad entry where the pads differ on the two sides."""
        attrs = _attributes(node)
        rank = len(kernel)
        strides = tuple(attrs.get("strides", [1] * rank))
        dilations = tuple(attrs.get("dilations", [1] * rank))
        entry["stride"] = one(strides)
        if any(d != 1 for d in dilations):
            entry["dilation"] = one(dilations)
        auto = attrs.get("auto_pad", b"NOTSET")
        auto = auto.decode() if isinstance(auto, bytes) else str(auto)
        reads = [ins[0]]
        if auto == "SAME_UPPER":
            entry["padding"] = "same"
            return reads
        if auto == "VALID":
            entry["padding"] = 0
            return reads
        if auto == "SAME_LOWER":  # the odd one on the near side: explicit
            sizes = self.shape(node.input[0])[2:]
            from .shapes import same_padding

            pads = [same_padding(n, k, s, d)[::-1] for n, k, s, d in zip(sizes, kernel, strides, dilations)]
        else:
            flat = list(attrs.get("pads", [0] * 2 * rank))
            pads = list(zip(flat[:rank], flat[rank:]))
        if all(near == far for near, far in pads):
            entry["padding"] = one(tuple(near for near, _ in pads))
            return reads
        pad_node = _Named(f"{node.name or node.output[0]}_pad")
        pad = self.emit(pad_node, {"type": "zeropad", "padding": [list(p) for p in pads]}, reads)
        entry["padding"] = 0
        return [_Value(pad)]

    def _Conv(self, node: Any, ins: list[Any]) -> None:
        weight = self.weight(node, ins, 1, "weight")
        filters, kernel = weight.shape[0], weight.shape[2:]
        groups = int(_attributes(node).get("group", 1))
        entry: dict[str, Any] = {"type": "conv", "filters": filters, "kernel": one(kernel)}
        reads = self._window(node, ins, kernel, entry)
        if groups != 1:
            entry["groups"] = groups
        entry["bias"] = "tied" if len(ins) > 2 and ins[2] is not None else "none"
        self.emit(node, lean(entry, {"stride": 1, "padding": 0}), reads)

    def _ConvTranspose(self, node: Any, ins: list[Any]) -> None:
        weight = self.weight(node, ins, 1, "weight")
        attrs = _attributes(node)
        groups = int(attrs.get("group", 1))
        kernel = weight.shape[2:]
        rank = len(kernel)
        if "output_shape" in attrs:
            raise self.fail(node, "an output_shape attribute: give pads and output_padding instead")
        flat = list(attrs.get("pads", [0] * 2 * rank))
        if flat[:rank] != flat[rank:]:
            raise self.fail(node, f"pads {flat} differ on the two sides; cnncount's deconv pads both alike")
        entry: dict[str, Any] = {"type": "deconv", "filters": weight.shape[1] * groups, "kernel": one(kernel)}
        entry["stride"] = one(tuple(attrs.get("strides", [1] * rank)))
        entry["padding"] = one(tuple(flat[:rank]))
        if any(attrs.get("output_padding", [0] * rank)):
            entry["output_padding"] = one(tuple(attrs["output_padding"]))
        if any(d != 1 for d in attrs.get("dilations", [1] * rank)):
            entry["dilation"] = one(tuple(attrs["dilations"]))
        if groups != 1:
            entry["groups"] = groups
        entry["bias"] = "tied" if len(ins) > 2 and ins[2] is not None else "none"
        self.emit(node, lean(entry, {"stride": 1, "padding": 0}), [ins[0]])

    def _Gemm(self, node: Any, ins: list[Any]) -> None:
        attrs = _attributes(node)
        if attrs.get("transA", 0):
            raise self.fail(node, "transA: the input must be (batch, features)")
        weight = self.weight(node, ins, 1, "weight")
        units = weight.shape[0] if attrs.get("transB", 0) else weight.shape[1]
        bias = "tied" if len(ins) > 2 and ins[2] is not None else "none"
        self.emit(node, lean({"type": "dense", "units": units, "bias": bias}, {}), [ins[0]])

    def _MatMul(self, node: Any, ins: list[Any]) -> None:
        weight = self.weight(node, ins, 1, "second input")
        if len(weight.shape) != 2:
            raise self.fail(node, f"a weight of shape {_shown(weight.shape)}; cnncount reads a (features, units) one")
        entry: dict[str, Any] = {"type": "dense", "units": weight.shape[1], "bias": "none"}
        if len(self.shape(node.input[0])) > 2:
            entry["pointwise"] = True
        following = self._bias_after(node, weight.shape[1])
        if following is not None:
            entry["bias"] = "tied"
            self._fused(node, following, entry, [ins[0]])
            return
        self.emit(node, entry, [ins[0]])

    # --- norms ----------------------------------------------------------------------------------

    def _BatchNormalization(self, node: Any, ins: list[Any]) -> None:
        for k, what in ((1, "scale"), (2, "shift"), (3, "mean"), (4, "variance")):
            self.weight(node, ins, k, what)
        self.emit(node, {"type": "batchnorm"}, [ins[0]])

    def _InstanceNormalization(self, node: Any, ins: list[Any]) -> None:
        self.weight(node, ins, 1, "scale")
        self.emit(node, {"type": "instancenorm", "affine": True}, [ins[0]])

    def _LayerNormalization(self, node: Any, ins: list[Any]) -> None:
        rank = len(self.shape(node.input[0]))
        axis = int(_attributes(node).get("axis", -1)) % rank
        if axis == 0:
            raise self.fail(node, "normalises over the batch; cnncount's layernorm works per sample")
        if len(ins) < 3 or ins[2] is None:
            raise self.fail(node, "a scale without a shift; cnncount's layernorm has both or neither")
        self.emit(node, {"type": "layernorm", "axes": list(range(axis - 1, rank - 1))}, [ins[0]])

    def _GroupNormalization(self, node: Any, ins: list[Any]) -> None:
        groups = int(_attributes(node)["num_groups"])
        self.emit(node, {"type": "groupnorm", "groups": groups}, [ins[0]])

    def _LRN(self, node: Any, ins: list[Any]) -> None:
        self.emit(node, {"type": "lrn", "size": int(_attributes(node)["size"])}, [ins[0]])

    # --- pools ----------------------------------------------------------------------------------

    def _pool(self, node: Any, ins: list[Any], kind: str) -> None:
        attrs = _attributes(node)
        kernel = tuple(attrs["kernel_shape"])
        entry: dict[str, Any] = {"type": kind, "kernel": one(kernel)}
        reads = self._window(node, ins, kernel, entry)
        if entry.get("padding") == "same":
            raise self.fail(node, "auto_pad SAME_UPPER on a pool; cnncount's pools take pads")
        if kind == "avgpool":
            entry.pop("dilation", None)
        if attrs.get("ceil_mode", 0):
            entry["ceil_mode"] = True
        self.emit(node, lean(entry, {"stride": entry["kernel"], "padding": 0}), reads)

    def _MaxPool(self, node: Any, ins: list[Any]) -> None:
        self._pool(node, ins, "maxpool")

    def _AveragePool(self, node: Any, ins: list[Any]) -> None:
        self._pool(node, ins, "avgpool")

    def _GlobalAveragePool(self, node: Any, ins: list[Any]) -> None:
        rank = len(self.shape(node.input[0])) - 2
        self.emit(node, {"type": "adaptiveavgpool", "output": one((1,) * rank)}, [ins[0]])

    def _GlobalMaxPool(self, node: Any, ins: list[Any]) -> None:
        rank = len(self.shape(node.input[0])) - 2
        self.emit(node, {"type": "adaptivemaxpool", "output": one((1,) * rank)}, [ins[0]])

    # --- element-wise -----------------------------------------------------------------------------

    def _Dropout(self, node: Any, ins: list[Any]) -> None:
        rate = _attributes(node).get("ratio")
        if rate is None and len(ins) > 1 and isinstance(ins[1], _Const) and ins[1].values:
            rate = ins[1].values[0]
        self.emit(node, {"type": "dropout", "rate": float(0.5 if rate is None else rate)}, [ins[0]])

    def _PRelu(self, node: Any, ins: list[Any]) -> None:
        slope = self.weight(node, ins, 1, "slope")
        self.emit(node, {"type": "prelu", "shared": slope.size == 1}, [ins[0]])

    def _Clip(self, node: Any, ins: list[Any]) -> None:
        attrs = _attributes(node)
        low, high = attrs.get("min"), attrs.get("max")
        if len(ins) > 1 and isinstance(ins[1], _Const) and ins[1].values:
            low = ins[1].values[0]
        if len(ins) > 2 and isinstance(ins[2], _Const) and ins[2].values:
            high = ins[2].values[0]
        function = "relu6" if (low, high) == (0, 6) else "hardtanh"
        self.emit(node, {"type": "activation", "function": function}, [ins[0]])

    def _Add(self, node: Any, ins: list[Any]) -> None:
        values = [v for v in ins if isinstance(v, _Value)]
        if len(values) == len(ins):
            self.emit(node, {"type": "add"}, values)
            return
        raise self.fail(node, "adds a constant that no Mul before it scales (a bias alone); cnncount has no such kind")

    def _Sum(self, node: Any, ins: list[Any]) -> None:
        self._Add(node, ins)

    def _Mul(self, node: Any, ins: list[Any]) -> None:
        values = [v for v in ins if isinstance(v, _Value)]
        if len(values) == len(ins):
            self.emit(node, {"type": "multiply"}, values)
            return
        (factor,) = [v for v in ins if isinstance(v, _Const)]
        channels = self.shape(node.input[0] if isinstance(ins[0], _Value) else node.input[1])[1]
        if factor.size != channels:
            raise self.fail(
                node,
                f"multiplies by a constant of {factor.size} values; a layer scale has one per channel ({channels})",
            )
        entry: dict[str, Any] = {"type": "scale", "bias": "none"}
        following = self._bias_after(node, channels)
        if following is not None:
            entry["bias"] = "tied"  # a batch norm's scale and shift, written out
            self._fused(node, following, entry, values)
            return
        self.emit(node, entry, values)

    # --- shapes -----------------------------------------------------------------------------------

    def _Concat(self, node: Any, ins: list[Any]) -> None:
        if any(isinstance(v, _Const) for v in ins):
            raise self.fail(node, "joins a constant to the network's values")
        rank = len(self.shape(node.output[0]))
        axis = int(_attributes(node)["axis"]) % rank
        if axis == 0:
            raise self.fail(node, "joins along the batch")
        entry: dict[str, Any] = {"type": "concat"}
        if axis != 1:
            entry["axis"] = axis - 1
        self.emit(node, entry, ins)

    def _Split(self, node: Any, ins: list[Any]) -> None:
        rank = len(self.shape(node.input[0]))
        axis = int(_attributes(node).get("axis", 0)) % rank
        if axis == 0:
            raise self.fail(node, "splits the batch")
        sizes = [self.shape(name)[axis] for name in node.output]
        entry: dict[str, Any] = {"type": "split", "sizes": sizes}
        if axis != 1:
            entry["axis"] = axis - 1
        self.emit(node, entry, [ins[0]], outputs=len(node.output))

    def _Flatten(self, node: Any, ins: list[Any]) -> None:
        if int(_attributes(node).get("axis", 1)) == 1:
            self.emit(node, {"type": "flatten"}, [ins[0]])
        else:
            self._Reshape(node, ins)

    def _Reshape(self, node: Any, ins: list[Any]) -> None:
        shuffle = self._shuffle(node)
        if shuffle is not None:
            groups, last = shuffle
            self.emit(last, {"type": "shuffle", "groups": groups}, [ins[0]])
            return
        shape = self.shape(node.output[0])
        if shape[0] != self.shape(node.input[0])[0]:
            raise self.fail(node, "changes the batch size")
        target = list(shape[1:])
        if len(target) == 1:
            self.emit(node, {"type": "flatten"}, [ins[0]])
        else:
            self.emit(node, {"type": "reshape", "shape": target}, [ins[0]])

    def _Squeeze(self, node: Any, ins: list[Any]) -> None:
        self._Reshape(node, ins)

    def _Unsqueeze(self, node: Any, ins: list[Any]) -> None:
        self._Reshape(node, ins)

    def _shuffle(self, node: Any) -> tuple[int, Any] | None:
        """A channel shuffle written as Reshape (N, g, C/g, ...), Transpose (0, 2, 1, ...), Reshape
        back: the groups, and the last Reshape (whose output the shuffle's is)."""
        before = self.shape(node.input[0])
        split = self.shapes.get(node.output[0])
        if split is None or len(split) != len(before) + 1 or split[0] != before[0]:
            return None
        if split[1] * split[2] != before[1] or tuple(split[3:]) != tuple(before[2:]):
            return None
        transpose = self._only_reader(node.output[0])
        if transpose is None or transpose.op_type != "Transpose":
            return None
        if list(_attributes(transpose).get("perm", [])) != [0, 2, 1, *range(3, len(split))]:
            return None
        back = self._only_reader(transpose.output[0])
        if back is None or back.op_type != "Reshape" or self.shapes.get(back.output[0]) != before:
            return None
        self.done.update((self.numbers[id(transpose)], self.numbers[id(back)]))
        return split[1], back

    def _Pad(self, node: Any, ins: list[Any]) -> None:
        pads = _attributes(node).get("pads")
        if pads is None and len(ins) > 1 and isinstance(ins[1], _Const):
            pads = ins[1].values
        if pads is None:
            raise self.fail(node, "pads computed by the network")
        rank = len(pads) // 2
        pairs = list(zip(pads[:rank], pads[rank:]))
        if any(pairs[0]) or any(pairs[1]):
            raise self.fail(node, "pads the batch or the channels")
        # constant, reflect or edge: the same shapes, and no parameters, so a zeropad either way
        self.emit(node, {"type": "zeropad", "padding": [list(map(int, p)) for p in pairs[2:]]}, [ins[0]])

    def _Resize(self, node: Any, ins: list[Any]) -> None:
        attrs = _attributes(node)
        mode = attrs.get("mode", b"nearest")
        mode = mode.decode() if isinstance(mode, bytes) else str(mode)
        rank = len(self.shape(node.input[0])) - 2
        upsample = {"nearest": "nearest", "linear": ("linear", "bilinear", "trilinear")[rank - 1], "cubic": "bicubic"}
        entry: dict[str, Any] = {"type": "upsample"}
        before, after = self.shape(node.input[0])[2:], self.shape(node.output[0])[2:]
        if all(a % b == 0 for a, b in zip(after, before)):
            entry["scale"] = one(tuple(a // b for a, b in zip(after, before)))
        else:
            entry["size"] = one(tuple(after))
        entry["mode"] = upsample.get(mode, mode)
        self.emit(node, entry, [ins[0]])

    def _Upsample(self, node: Any, ins: list[Any]) -> None:
        self._Resize(node, ins)

    def _Transpose(self, node: Any, ins: list[Any]) -> None:
        raise self.fail(node, "a transpose that is not a channel shuffle; cnncount has no such kind")

    def _only_reader(self, name: str) -> Any:
        readers = self.readers.get(name, [])
        return readers[0] if len(readers) == 1 and name not in self.outputs else None

    def _bias_after(self, node: Any, size: int) -> Any:
        """The Add that alone reads the node's output and adds a constant of ``size`` values to it
        (a bias written as a node of its own), or None."""
        following = self._only_reader(node.output[0])
        if following is None or following.op_type != "Add":
            return None
        other = [self.known.get(name) for name in following.input if name != node.output[0]]
        return following if len(other) == 1 and isinstance(other[0], _Const) and other[0].size == size else None

    def _fused(self, node: Any, following: Any, entry: dict[str, Any], reads: list[Any]) -> None:
        """One entry for the node and the Add after it (see _bias_after), named as the Add's."""
        self.emit(following, entry, reads)
        self.known[node.output[0]] = self.known[following.output[0]]
        self.done.add(self.numbers[id(following)])


class _Named:
    """A made-up node: a name and its one output, for the entries a node needs before it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.output = [name]
        self.op_type = "Pad"


def _attributes(node: Any) -> dict[str, Any]:
    from onnx import helper

    return {attr.name: helper.get_attribute_value(attr) for attr in node.attribute}


def _dims(info: Any) -> tuple[int, ...] | None:
    kind = info.type.WhichOneof("value")
    if kind != "tensor_type" or not info.type.tensor_type.HasField("shape"):
        return None
    return tuple(d.dim_value if d.HasField("dim_value") else -1 for d in info.type.tensor_type.shape.dim)


def _shown(shape: tuple[int, ...] | None) -> str:
    return "unknown" if shape is None else "x".join("?" if d <= 0 else str(d) for d in shape)


def _stem(source: str) -> str:
    import os

    return os.path.basename(source).removesuffix(".onnx") or "model"


__all__ = ["read_onnx", "spec_of"]
