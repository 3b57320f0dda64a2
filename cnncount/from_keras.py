"""Keras models as cnncount specs: ``cnncount count model.json`` (what ``model.to_json()`` writes).

:func:`spec_of` reads the JSON of a Keras model, Keras 3's format or Keras 2's, Sequential or
Functional, without Keras, and gives the spec that says the same network: one entry per layer
call, named after the layer, reading what it reads by name; a layer called again shares the
first call's parameters (``share``), counted once as Keras counts them. A Sequential inside a
model is a block of its layers. The spec is channels last (``input_layout``), as Keras is by
default; a layer's ``activation`` is an entry of its own after it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from .errors import SpecError, quote
from .imported import Builder, lean, one

#: Keras's activation names: cnncount's.
_FUNCTIONS = {
    "relu": "relu",
    "relu6": "relu6",
    "leaky_relu": "leaky_relu",
    "elu": "elu",
    "selu": "selu",
    "celu": "celu",
    "gelu": "gelu",
    "silu": "silu",
    "swish": "swish",
    "hard_silu": "hard_silu",
    "hard_swish": "hard_swish",
    "mish": "mish",
    "sigmoid": "sigmoid",
    "hard_sigmoid": "hard_sigmoid",
    "log_sigmoid": "logsigmoid",
    "tanh": "tanh",
    "softplus": "softplus",
    "softsign": "softsign",
    "exponential": "exponential",
    "softmax": "softmax",
    "log_softmax": "log_softmax",
    "linear": "linear",
}

#: Layers that change no count and no shape: an identity (their output is their input).
_PASSING = ("Rescaling", "ActivityRegularization", "GaussianNoise", "Identity", "Masking")


class _Call:
    """One call of a layer on its inputs: the layer's JSON, which call it is, and what it reads,
    as (layer name, call, output) triples."""

    __slots__ = ("layer", "number", "reads")

    def __init__(self, layer: dict[str, Any], number: int, reads: list[tuple[str, int, int]]) -> None:
        self.layer = layer
        self.number = number
        self.reads = reads

    @property
    def name(self) -> str:
        return str(self.layer.get("name") or self.layer["config"].get("name"))


def spec_of(text: str, source: str, passing: list[str] | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    """The spec of the Keras model whose JSON is ``text``, and, for each Keras layer, the spec's
    entry whose output is that layer's (its first call's). With ``passing`` (a list), a layer of
    a class cnncount has no kind for, on one input and keeping its shape, passes its input
    through, and what it says of that is added to the list."""
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise SpecError(f"not JSON: {exc}", where=source) from None
    except RecursionError:
        raise SpecError("not a Keras model's JSON: nested deeper than Python reads", where=source) from None
    if not isinstance(doc, dict) or "class_name" not in doc or not isinstance(doc.get("config"), dict):
        raise SpecError("not a Keras model's JSON (no class_name and config at the top)", where=source)
    reader = _Reader(source)
    reader.passing = passing
    try:
        return reader.model(doc)
    except _MALFORMED as exc:  # a value of another type, or missing, where Keras writes one
        raise SpecError(f"not a Keras model's JSON as Keras writes it ({_what(exc)})", where=source) from None


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.built = Builder()
        self.values: dict[tuple[str, int, int], str] = {}
        self.first: dict[str, str] = {}
        self.origins: dict[str, str] = {}
        #: The input shape of the call being read, where Keras 3's file gives it (with the batch).
        self.shape_in: list[Any] | None = None
        self.passing: list[str] | None = None

    def fail(self, layer: dict[str, Any], message: str) -> SpecError:
        name = layer.get("name") or layer.get("config", {}).get("name", "")
        return SpecError(f"layer {quote(str(name))} ({layer.get('class_name')}): {message}", where=self.source)

    # --- the model ----------------------------------------------------------------------------

    def model(self, doc: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        kind = doc["class_name"]
        config = doc["config"]
        layers = config.get("layers")
        if not isinstance(layers, list) or not layers:
            raise SpecError(f"a {kind} with no layers", where=self.source)
        if kind == "Sequential":
            inputs, calls = self._sequential(layers)
        elif kind in ("Functional", "Model"):
            inputs, calls = self._functional(config, layers)
        else:
            raise SpecError(f"a {quote(kind)} model; cnncount reads Sequential and Functional ones", where=self.source)
        for call in calls:
            self.call(call)
        spec: dict[str, Any] = {"name": config.get("name") or "model", "input_layout": "channels_last"}
        if len(inputs) == 1:
            spec["input"] = next(iter(inputs.values()))
        else:
            spec["inputs"] = inputs
        spec["layers"] = self.built.entries
        if kind != "Sequential":
            outputs = [self.values[tuple(ref[:3])] for ref in _refs(config.get("output_layers", []))]
            if outputs and outputs != [self.built.entries[-1]["name"]]:
                spec["outputs"] = outputs
        return spec, self.origins

    def _input(self, layer: dict[str, Any], shape: Any) -> list[int]:
        if not isinstance(shape, list) or len(shape) < 2 or any(not isinstance(d, int) or d < 1 for d in shape[1:]):
            raise self.fail(layer, f"an input of no fixed shape after the batch ({shape}): give --input")
        return [int(d) for d in shape[1:]]

    def _sequential(self, layers: list[dict[str, Any]]) -> tuple[dict[str, list[int]], list[_Call]]:
        """A Sequential's layers, each reading the one before; its input from the InputLayer (Keras
        3) or the first layer's batch_input_shape (Keras 2)."""
        first = layers[0]
        if first.get("class_name") == "InputLayer":
            config = first["config"]
            shape = self._input(first, config.get("batch_shape") or config.get("batch_input_shape"))
            layers = layers[1:]
        else:
            config = first.get("config", {})
            shape = self._input(first, config.get("batch_input_shape") or config.get("batch_shape"))
        self.values[("input", 0, 0)] = "input"
        calls = []
        previous = ("input", 0, 0)
        for layer in layers:
            call = _Call(layer, 0, [previous])
            calls.append(call)
            previous = (call.name, 0, 0)
        return {"input": shape}, calls

    def _functional(
        self, config: dict[str, Any], layers: list[dict[str, Any]]
    ) -> tuple[dict[str, list[int]], list[_Call]]:
        """A Functional's calls in an order that runs (a layer called twice comes twice)."""
        inputs: dict[str, list[int]] = {}
        named = [layer for layer in layers if layer.get("class_name") == "InputLayer"]
        for layer in named:
            name = str(layer.get("name") or layer["config"]["name"])
            shape = self._input(layer, layer["config"].get("batch_shape") or layer["config"].get("batch_input_shape"))
            key = "input" if len(named) == 1 else self.built.name(name)
            inputs[key] = shape
            self.values[(name, 0, 0)] = key
        calls = []
        for layer in layers:
            if layer.get("class_name") == "InputLayer":
                continue
            for number, node in enumerate(layer.get("inbound_nodes", [])):
                calls.append(_Call(layer, number, _node_reads(node)))
        ordered: list[_Call] = []
        ready = set(self.values)
        waiting = calls
        while waiting:
            runnable = [call for call in waiting if all(ref in ready for ref in call.reads)]
            if not runnable:
                call = waiting[0]
                missing = next(ref for ref in call.reads if ref not in ready)
                raise self.fail(call.layer, f"reads {quote(missing[0])}, which no layer gives")
            for call in runnable:
                ordered.append(call)
                ready.add((call.name, call.number, 0))
            waiting = [call for call in waiting if call not in runnable]
        return inputs, ordered

    # --- one call -------------------------------------------------------------------------------

    def call(self, call: _Call) -> None:
        layer = call.layer
        kind = layer.get("class_name", "")
        config = layer.get("config", {})
        reads = [self.values[ref] for ref in call.reads]
        if call.number and call.name in self.first:  # called again: the same parameters
            self._emit(call, {"share": self.first[call.name]}, reads)
            return
        if config.get("data_format", "channels_last") != "channels_last":
            raise self.fail(layer, "data_format channels_first; cnncount reads Keras models channels last")
        if kind in _PASSING or (kind in ("Multiply", "Add", "Subtract", "Divide") and len(call.reads) == 1):
            self.values[(call.name, call.number, 0)] = reads[0]  # an op with a number: no count, no shape
            self.origins[call.name] = reads[0]
            return
        if kind == "Sequential":
            self._block(call, reads)
            return
        self.shape_in = _node_shape(layer, call.number) or (layer.get("build_config") or {}).get("input_shape")
        handler: Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]] | None = getattr(self, f"_{kind}", None)
        if handler is None:
            if self.passing is not None and len(reads) == 1 and _same_shape(layer, self.shape_in):
                self.values[(call.name, call.number, 0)] = reads[0]
                self.origins[call.name] = reads[0]
                where = f"layer {quote(call.name)} ({kind})"
                self.passing.append(f"{self.source}: {where}: passed through, its shape taken as kept")
                return
            raise self.fail(layer, "cnncount has no kind for this layer")
        try:
            entry = handler(layer, config)
        except KeyError as exc:
            raise self.fail(layer, f"its config has no {quote(str(exc.args[0]))}") from None
        except (TypeError, ValueError, AttributeError, IndexError) as exc:
            raise self.fail(layer, f"its config is not what Keras writes ({_what(exc)})") from None
        self._emit(call, entry, reads)

    def _emit(self, call: _Call, entry: dict[str, Any], reads: list[str]) -> None:
        config = call.layer.get("config", {})
        name = self.built.name(call.name)
        if "share" in entry:
            self.built.add(name, entry, reads)
        else:
            pad = entry.pop("__pad__", None)
            if pad is not None:  # same padding the layer cannot take itself: a zeropad first
                pad_name = self.built.name(f"{call.name}_pad")
                self.built.add(pad_name, {"type": "zeropad", "padding": pad}, reads)
                reads = [pad_name]
            self.built.add(name, entry, reads)
            self.first[call.name] = name
        out = name
        function = config.get("activation")
        if (
            isinstance(function, str)
            and function not in ("linear", None)
            and call.layer.get("class_name") != "Activation"
        ):
            out = self.built.name(f"{call.name}_{function}")
            self.built.add(out, {"type": "activation", "function": self._function(call.layer, function)}, [name])
        self.values[(call.name, call.number, 0)] = out
        self.origins.setdefault(call.name, out)

    def _block(self, call: _Call, reads: list[str]) -> None:
        """A Sequential inside the model: a block of its layers, named after it."""
        layers = [layer for layer in call.layer["config"]["layers"] if layer.get("class_name") != "InputLayer"]
        inner = _Reader(self.source)
        inner.passing = self.passing
        inner.built.names = self.built.names  # names are the model's, all of them
        inner.values[("input", 0, 0)] = "input"
        previous = ("input", 0, 0)
        for layer in layers:
            step = _Call(layer, 0, [previous])
            inner.call(step)
            previous = (step.name, 0, 0)
        name = self.built.name(call.name)
        self.built.add(name, {"type": "block", "layers": inner.built.entries}, reads)
        self.first[call.name] = name
        self.values[(call.name, call.number, 0)] = name
        self.origins[call.name] = inner.built.entries[-1]["name"]  # the block's output is its last layer's

    def _function(self, layer: dict[str, Any], function: str) -> str:
        found = _FUNCTIONS.get(function)
        if found is None:
            raise self.fail(layer, f"activation {quote(function)}: cnncount has no such function")
        return found

    # --- the layers -------------------------------------------------------------------------------

    def _window(self, layer: dict[str, Any], config: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any]:
        strides = config.get("strides") or config.get("pool_size")
        if strides is not None:
            entry["stride"] = one(_list(strides))
        dilation = config.get("dilation_rate")
        if dilation is not None and any(d != 1 for d in _list(dilation)):
            entry["dilation"] = one(_list(dilation))
        padding = config.get("padding", "valid")
        if padding == "causal":  # the kernel's span minus one, all before
            span = (entry["kernel"] - 1) * entry.get("dilation", 1)
            entry["__pad__"] = [[span, 0]]
            padding = "valid"
        if padding not in ("valid", "same"):
            raise self.fail(layer, f"padding {quote(padding)}")
        entry["padding"] = padding
        return entry

    def _conv(self, layer: dict[str, Any], config: dict[str, Any], kind: str, **extra: Any) -> dict[str, Any]:
        entry: dict[str, Any] = {"type": kind, **extra, "kernel": one(_list(config["kernel_size"]))}
        self._window(layer, config, entry)
        groups = int(config.get("groups", 1))
        if groups != 1:
            entry["groups"] = groups
        if not config.get("use_bias", True):
            entry["bias"] = "none"
        return lean(entry, {"stride": 1, "padding": "valid"})

    def _Conv1D(self, layer: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
        return self._conv(layer, config, "conv", filters=int(config["filters"]))

    _Conv2D = _Conv3D = _Convolution2D = _Conv1D

    def _DepthwiseConv2D(self, layer: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
        entry = self._conv(layer, config, "depthwise")
        multiplier = int(config.get("depth_multiplier", 1))
        return {**entry, "multiplier": multiplier} if multiplier != 1 else entry

    _DepthwiseConv1D = _DepthwiseConv2D

    def _SeparableConv2D(self, layer: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
        entry = self._conv(layer, config, "separable", filters=int(config["filters"]))
        multiplier = int(config.get("depth_multiplier", 1))
        return {**entry, "multiplier": multiplier} if multiplier != 1 else entry

    _SeparableConv1D = _SeparableConv2D

    def _Conv2DTranspose(self, layer: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
        kernel = _list(config["kernel_size"])
        strides = _list(config.get("strides", [1] * len(kernel)))
        dilation = _list(config.get("dilation_rate", [1] * len(kernel)))
        if any(d != 1 for d in dilation) and any(s != 1 for s in strides):
            raise self.fail(layer, "both a dilation and a stride")
        out_pad = config.get("output_padding")
        pads, extras = [], []
        for k, s, d in zip(kernel, strides, dilation):
            span = d * (k - 1) + 1
            if config.get("padding", "valid") == "valid":
                pads.append(0)
                extras.append(max(s - span, 0))  # Keras's output: n * s + max(span - s, 0)
            else:  # same: output n * s, so 2p - output_padding = span - s
                total = span - s
                pads.append(max((total + 1) // 2, 0))
                extras.append(2 * pads[-1] - total)
        if out_pad is not None:
            extras = _list(out_pad)
        entry: dict[str, Any] = {"type": "deconv", "filters": int(config["filters"]), "kernel": one(kernel)}
        entry["stride"] = one(strides)
        entry["padding"] = one(pads)
        if any(extras):
            entry["output_padding"] = one(extras)
        if any(d != 1 for d in dilation):
            entry["dilation"] = one(dilation)
        if not config.get("use_bias", True):
            entry["bias"] = "none"
        return lean(entry, {"stride": 1, "padding": 0})

    _Conv1DTranspose = _Conv3DTranspose = _Conv2DTranspose

    def _LocallyConnected2D(self, layer: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
        entry: dict[str, Any] = {"type": "local", "filters": int(config["filters"])}
        entry["kernel"] = one(_list(config["kernel_size"]))
        self._window(layer, config, entry)
        entry["bias"] = "untied" if config.get("use_bias", True) else "none"  # Keras's: one per position
        return lean(entry, {"stride": 1, "padding": "valid"})

    _LocallyConnected1D = _LocallyConnected2D

    def _Dense(self, layer: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
        entry: dict[str, Any] = {"type": "dense", "units": int(config["units"])}
        if not config.get("use_bias", True):
            entry["bias"] = "none"
        shape = (layer.get("build_config") or {}).get("input_shape")
        if isinstance(shape, list) and len(shape) > 2:  # on the last axis of every position
            entry["pointwise"] = True
        return entry

    def _affine(self, layer: dict[str, Any], config: dict[str, Any]) -> bool:
        center, scale = config.get("center", True), config.get("scale", True)
        if center != scale:
            raise self.fail(
                layer, "a shift without a scale or a scale without a shift; cnncount's norms have both or neither"
            )
        return bool(center)

    def _channels_axis(self, layer: dict[str, Any], config: dict[str, Any]) -> None:
        axis = config.get("axis", -1)
        if _list(axis) != [-1] and _list(axis) != [3]:
            raise self.fail(layer, f"axis {axis}: cnncount normalises over the channels, the last axis")

    def _BatchNormalization(self, layer: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
        self._channels_axis(layer, config)
        center, scale = config.get("center", True), config.get("scale", True)
        if not center:
            if scale:
                raise self.fail(layer, "a scale without a shift (center=False); cnncount's batchnorm learns a shift")
            return {"type": "batchnorm", "affine": False}
        return {"type": "batchnorm"} if scale else {"type": "batchnorm", "scale": False}

    def _LayerNormalization(self, layer: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
        shape = (layer.get("build_config") or {}).get("input_shape")
        if not isinstance(shape, list):
            raise self.fail(layer, "no input shape in the file (build_config)")
        rank = len(shape) - 1
        axes = sorted(_axis(int(a), rank) for a in _list(config.get("axis", -1)))
        entry: dict[str, Any] = {"type": "layernorm", "axes": axes}
        if not self._affine(layer, config):
            entry["affine"] = False
        return entry

    def _GroupNormalization(self, layer: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
        self._channels_axis(layer, config)
        entry: dict[str, Any] = {"type": "groupnorm", "groups": int(config["groups"])}
        if not self._affine(layer, config):
            entry["affine"] = False
        return entry

    def _pool(self, layer: dict[str, Any], config: dict[str, Any], kind: str) -> dict[str, Any]:
        kernel = _list(config["pool_size"])
        entry: dict[str, Any] = {"type": kind, "kernel": one(kernel)}
        config = {**config, "strides": config.get("strides") or kernel}
        self._window(layer, config, entry)
        if entry["padding"] == "same":  # TensorFlow's: worked out from the sizes, on the far side if odd
            entry["padding"] = self._same_pads(layer, kernel, _list(config["strides"]), entry)
        elif entry["padding"] == "valid":
            entry["padding"] = 0
        return lean(entry, {"stride": entry["kernel"], "padding": 0})

    def _same_pads(self, layer: dict[str, Any], kernel: list[int], strides: list[int], entry: dict[str, Any]) -> Any:
        from .shapes import same_padding

        shape = (layer.get("build_config") or {}).get("input_shape") or self.shape_in
        if not isinstance(shape, list) or any(not isinstance(d, int) for d in shape[1:-1]):
            raise self.fail(layer, "same padding on an input of no fixed size in the file")
        pads = [same_padding(n, k, s, 1) for n, k, s in zip(shape[1:-1], kernel, strides)]
        if all(near == far for near, far in pads):
            return one([near for near, _ in pads])
        entry["__pad__"] = [list(p) for p in pads]
        return 0

    def _MaxPooling2D(self, layer: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
        return self._pool(layer, config, "maxpool")

    _MaxPooling1D = _MaxPooling3D = _MaxPool2D = _MaxPooling2D

    def _AveragePooling2D(self, layer: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
        return self._pool(layer, config, "avgpool")

    _AveragePooling1D = _AveragePooling3D = _AvgPool2D = _AveragePooling2D

    def _GlobalAveragePooling2D(self, layer: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
        if config.get("keepdims"):
            rank = _rank(layer)
            return {"type": "adaptiveavgpool", "output": one([1] * rank)}
        return {"type": "globalavgpool"}

    _GlobalAveragePooling1D = _GlobalAveragePooling3D = _GlobalAveragePooling2D

    def _GlobalMaxPooling2D(self, layer: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
        if config.get("keepdims"):
            return {"type": "adaptivemaxpool", "output": one([1] * _rank(layer))}
        return {"type": "globalmaxpool"}

    _GlobalMaxPooling1D = _GlobalMaxPooling3D = _GlobalMaxPooling2D

    def _Flatten(self, layer: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
        return {"type": "flatten"}

    def _Reshape(self, layer: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
        target = [int(d) for d in config["target_shape"]]
        if len(target) == 1:
            return {"type": "reshape", "shape": target}
        return {"type": "reshape", "shape": [target[-1], *target[:-1]]}  # cnncount writes it channels first

    def _Dropout(self, layer: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
        return {"type": "dropout", "rate": float(config.get("rate", 0.5))}

    _SpatialDropout1D = _SpatialDropout2D = _SpatialDropout3D = _GaussianDropout = _AlphaDropout = _Dropout

    def _Activation(self, layer: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
        return {"type": "activation", "function": self._function(layer, str(config["activation"]))}

    def _ReLU(self, layer: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
        if config.get("max_value") == 6.0:
            return {"type": "activation", "function": "relu6"}
        if config.get("negative_slope"):
            return {"type": "activation", "function": "leaky_relu"}
        return {"type": "activation", "function": "relu"}

    def _LeakyReLU(self, layer: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
        return {"type": "activation", "function": "leaky_relu"}

    def _ELU(self, layer: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
        return {"type": "activation", "function": "elu"}

    def _Softmax(self, layer: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
        return {"type": "activation", "function": "softmax"}

    def _PReLU(self, layer: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
        rank = _rank(layer)
        shared = sorted(int(a) for a in (config.get("shared_axes") or []))
        if shared == list(range(1, rank + 2)):
            return {"type": "prelu", "shared": True}
        if shared == list(range(1, rank + 1)):
            return {"type": "prelu"}
        raise self.fail(layer, f"shared_axes {shared or None}: cnncount's prelu has a slope per channel or one for all")

    def _Add(self, layer: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
        return {"type": "add"}

    def _Multiply(self, layer: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
        return {"type": "multiply"}

    def _Concatenate(self, layer: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
        rank = _rank(layer)
        axis = _axis(int(config.get("axis", -1)), rank + 1)
        return {"type": "concat"} if axis == 0 else {"type": "concat", "axis": axis}

    def _ZeroPadding2D(self, layer: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
        return {"type": "zeropad", "padding": _sides(config["padding"], _rank(layer))}

    _ZeroPadding1D = _ZeroPadding3D = _ZeroPadding2D

    def _Cropping2D(self, layer: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
        return {"type": "crop", "cropping": _sides(config["cropping"], _rank(layer))}

    _Cropping1D = _Cropping3D = _Cropping2D

    def _UpSampling2D(self, layer: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
        size = config.get("size", 2)
        mode = config.get("interpolation", "nearest")
        return {"type": "upsample", "scale": one(_list(size)), "mode": mode}

    _UpSampling1D = _UpSampling3D = _UpSampling2D

    def _Embedding(self, layer: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
        return {"type": "embedding", "vocab": int(config["input_dim"]), "dim": int(config["output_dim"])}

    def _LayerScale(self, layer: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
        return {"type": "scale"}  # ConvNeXt's: a learned factor per channel

    def _Normalization(self, layer: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
        if config.get("mean") is None or config.get("variance") is None:  # kept from data: 2C + 1 values
            self._channels_axis(layer, config)
            return {"type": "normalize"}
        return {"type": "activation", "function": "identity"}  # given as constants: Keras counts none


#: What a file that is JSON but not the JSON Keras writes raises on its way through the reader.
_MALFORMED = (KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError)


def _what(exc: BaseException) -> str:
    """A short line for what went wrong reading a value: its type and message, cut."""
    text = str(exc).replace("\n", " ")
    return f"{type(exc).__name__}: {text[:60]}" if text else type(exc).__name__


def _tensors(value: Any) -> Iterator[dict[str, Any]]:
    """The configs of the Keras 3 tensors a call's arguments hold, in order, however nested."""
    stack = [value]
    while stack:  # no recursion: a hostile file nests as deep as it likes
        item = stack.pop()
        if isinstance(item, dict):
            if item.get("class_name") == "__keras_tensor__":
                yield item.get("config") or {}
            else:
                stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))


def _node_reads(node: Any) -> list[tuple[str, int, int]]:
    """What one call reads: Keras 3's ``{"args": [...]}`` with ``keras_history``, or Keras 2's list
    of ``[name, call, output, kwargs]``."""
    if isinstance(node, dict):
        histories = [config.get("keras_history") for config in _tensors(node.get("args", []))]
        return [(str(h[0]), int(h[1]), int(h[2])) for h in histories if h is not None]
    return [(str(ref[0]), int(ref[1]), int(ref[2])) for ref in node]


def _same_shape(layer: dict[str, Any], shape_in: list[Any] | None) -> bool:
    """Whether a layer cnncount has no kind for may be passed through: Keras's file gives no
    output shapes, so only a layer whose input shape is known is (its output is taken to keep it)."""
    return shape_in is not None


def _node_shape(layer: dict[str, Any], number: int) -> list[Any] | None:
    """The shape (batch first) of the first tensor a call reads, where Keras 3's file writes it."""
    nodes = layer.get("inbound_nodes") or []
    if number >= len(nodes) or not isinstance(nodes[number], dict):
        return None
    shape = next((config.get("shape") for config in _tensors(nodes[number].get("args", []))), None)
    return shape if isinstance(shape, list) else None


def _refs(value: Any) -> list[list[Any]]:
    """Keras's output_layers: one [name, call, output], or a list of them."""
    if value and isinstance(value[0], str):
        return [value]
    return list(value)


def _list(value: Any) -> list[int]:
    return [int(v) for v in value] if isinstance(value, (list, tuple)) else [int(value)]


def _axis(axis: int, rank: int) -> int:
    """A Keras axis (the batch 0, channels last) as cnncount's, channels first, without the batch."""
    position = axis - 1 if axis > 0 else rank + axis
    return 0 if position == rank - 1 else position + 1


def _rank(layer: dict[str, Any]) -> int:
    """The layer's spatial dims, from its input shape in the file."""
    shape = (layer.get("build_config") or {}).get("input_shape")
    if isinstance(shape, list) and shape and isinstance(shape[0], list):
        shape = shape[0]
    if not isinstance(shape, list):
        name = layer.get("class_name", "")
        return int(name[-2]) if name[-2:-1].isdigit() else 2
    return len(shape) - 2


def _sides(value: Any, rank: int) -> Any:
    """Keras's padding or cropping: an int, one per dim, or (near, far) per dim."""
    if isinstance(value, int):
        return value
    return [list(v) if isinstance(v, (list, tuple)) else v for v in value][:rank]


def read_keras(path: str, passing: list[str] | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    """The spec of the Keras model whose JSON is in the file ``path`` (see spec_of)."""
    from .sources import read_spec

    text, source = read_spec(path)
    return spec_of(text, source, passing)


__all__ = ["read_keras", "spec_of"]
