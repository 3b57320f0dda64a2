"""A counted network as PyTorch code: ``cnncount export SPEC --to pytorch``.

:func:`pytorch` writes one self-contained Python file that imports only torch: an ``nn.Module``
named after the spec, whose submodules carry the spec's qualified names (``layer1.0.conv1``,
so ``state_dict()`` keys read ``layer1.0.conv1.weight``), whose ``forward`` follows the graph
(merges, splits, shared layers called again, side outputs returned), and which counts in torch
exactly what cnncount counts, in the bias layout of each layer: untied biases are a bias-free
layer plus one ``nn.Parameter`` per output channel per position. What torch does not ship is
written into the file, only when used: untied biases, locally connected layers, separable
convolutions, layer scale, drop path, and a layer norm over axes that are not the last ones.

The module is written for the spec's input size (same padding's amounts, untied biases and
reshapes are worked out from it) and takes channels-first tensors, whatever the spec's layout.
Nothing here imports torch; the file it writes does.
"""

from __future__ import annotations

import keyword
import re
import textwrap
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from .errors import SpecError, quote

if TYPE_CHECKING:
    from .model import Report, Row
    from .shapes import Shape

#: nn.Module (and nn.ModuleDict) attributes a submodule must not shadow: named so, it is indexed.
_TAKEN = frozenset(
    "add_module apply bfloat16 buffers call_super_init children clear compile cpu cuda double dump_patches eval "
    "extra_repr float forward get_buffer get_extra_state get_parameter get_submodule half ipu items keys "
    "load_state_dict modules mtia named_buffers named_children named_modules named_parameters parameters pop "
    "register_backward_hook register_buffer register_forward_hook register_forward_pre_hook register_module "
    "register_parameter requires_grad_ set_extra_state share_memory state_dict to to_empty train training type "
    "update values xpu zero_grad".split()
)

#: cnncount's activation functions as torch modules (module, arguments); exponential has none.
_ACTIVATIONS = {
    "relu": "nn.ReLU()",
    "relu6": "nn.ReLU6()",
    "leaky_relu": "nn.LeakyReLU()",
    "elu": "nn.ELU()",
    "selu": "nn.SELU()",
    "celu": "nn.CELU()",
    "gelu": "nn.GELU()",
    "silu": "nn.SiLU()",
    "swish": "nn.SiLU()",
    "hard_silu": "nn.Hardswish()",
    "mish": "nn.Mish()",
    "sigmoid": "nn.Sigmoid()",
    "hardsigmoid": "nn.Hardsigmoid()",
    "hard_sigmoid": "nn.Hardsigmoid()",
    "logsigmoid": "nn.LogSigmoid()",
    "hardswish": "nn.Hardswish()",
    "hard_swish": "nn.Hardswish()",
    "tanh": "nn.Tanh()",
    "hardtanh": "nn.Hardtanh()",
    "tanhshrink": "nn.Tanhshrink()",
    "softplus": "nn.Softplus()",
    "softsign": "nn.Softsign()",
    "softshrink": "nn.Softshrink()",
    "hardshrink": "nn.Hardshrink()",
    "threshold": "nn.Threshold(0.0, 0.0)",
    "softmax": "nn.Softmax(dim=1)",
    "log_softmax": "nn.LogSoftmax(dim=1)",
    "identity": "nn.Identity()",
    "linear": "nn.Identity()",
}

#: What the written file defines for the layers torch does not ship, by name; written only when used.
_HELPERS = {
    "UntiedBias": '''
class UntiedBias(nn.Module):
    """A layer without its own bias, then one learned bias per output channel per position."""

    def __init__(self, layer: nn.Module, shape: tuple[int, ...]) -> None:
        super().__init__()
        self.layer = layer
        self.bias = nn.Parameter(torch.zeros(shape))

    def forward(self, x: Tensor) -> Tensor:
        return self.layer(x) + self.bias
''',
    "SeparableConv": '''
class SeparableConv(nn.Module):
    """A depthwise convolution (each channel on its own), then a pointwise (1x1) one."""

    def __init__(self, depthwise: nn.Module, pointwise: nn.Module) -> None:
        super().__init__()
        self.depthwise = depthwise
        self.pointwise = pointwise

    def forward(self, x: Tensor) -> Tensor:
        return self.pointwise(self.depthwise(x))
''',
    "LocallyConnected": '''
class LocallyConnected(nn.Module):
    """A convolution whose kernel is not shared: one per output position (Keras's LocallyConnected).

    ``weight`` holds, per output position, a (channels * kernel, filters) matrix; ``bias`` is one
    per filter (tied) or one per filter per position (untied), or None.
    """

    def __init__(
        self,
        channels: int,
        filters: int,
        kernel: tuple[int, ...],
        stride: tuple[int, ...],
        out: tuple[int, ...],
        bias: str,
    ) -> None:
        super().__init__()
        self.kernel, self.stride = kernel, stride
        self.weight = nn.Parameter(torch.empty(*out, channels * math.prod(kernel), filters))
        nn.init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        shape = {"tied": (filters, *(1 for _ in out)), "untied": (filters, *out)}.get(bias)
        self.bias = nn.Parameter(torch.zeros(shape)) if shape else None

    def forward(self, x: Tensor) -> Tensor:
        rank = len(self.kernel)
        for dim, (k, s) in enumerate(zip(self.kernel, self.stride)):
            x = x.unfold(2 + dim, k, s)  # (N, C, *out, *kernel) once every dim is unfolded
        patches = x.movedim(1, 1 + rank).flatten(1 + rank)  # (N, *out, C * kernel)
        y = torch.einsum("n...i,...if->n...f", patches, self.weight).movedim(-1, 1)
        return y if self.bias is None else y + self.bias
''',
    "LayerScale": '''
class LayerScale(nn.Module):
    """A learned factor per channel (ConvNeXt's layer scale), and a learned shift if ``bias`` has a shape."""

    def __init__(self, shape: tuple[int, ...], bias: tuple[int, ...] | None = None) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.ones(shape))
        self.bias = nn.Parameter(torch.zeros(bias)) if bias else None

    def forward(self, x: Tensor) -> Tensor:
        x = x * self.weight
        if self.bias is not None:
            x = x + self.bias.reshape(*self.bias.shape, *(1 for _ in range(x.dim() - 1 - self.bias.dim())))
        return x
''',
    "DropPath": '''
class DropPath(nn.Module):
    """Stochastic depth: while training, drops a sample's whole path with probability ``rate``."""

    def __init__(self, rate: float) -> None:
        super().__init__()
        self.rate = rate

    def forward(self, x: Tensor) -> Tensor:
        if not self.training or self.rate == 0.0:
            return x
        keep = 1.0 - self.rate
        mask = x.new_empty((x.shape[0], *(1 for _ in range(x.dim() - 1)))).bernoulli_(keep)
        return x * mask / keep
''',
    "Normalize": '''
class Normalize(nn.Module):
    """Each channel less its mean, over its deviation: statistics kept from data, with the count of
    samples they come from (Keras's Normalization), buffers rather than parameters."""

    def __init__(self, channels: int, rank: int) -> None:
        super().__init__()
        self.register_buffer("mean", torch.zeros(channels, *(1 for _ in range(rank))))
        self.register_buffer("variance", torch.ones(channels, *(1 for _ in range(rank))))
        self.register_buffer("count", torch.zeros(()))

    def forward(self, x: Tensor) -> Tensor:
        return (x - self.mean) / torch.sqrt(self.variance.clamp_min(1e-7))
''',
    "LayerNorm": '''
class LayerNorm(nn.Module):
    """Layer normalisation over the given dims of each sample (not only the last ones, as nn.LayerNorm)."""

    def __init__(self, dims: tuple[int, ...], shape: tuple[int, ...], affine: bool = True) -> None:
        super().__init__()
        self.dims, self.shape = dims, shape
        self.weight = nn.Parameter(torch.ones(shape)) if affine else None
        self.bias = nn.Parameter(torch.zeros(shape)) if affine else None

    def forward(self, x: Tensor) -> Tensor:
        last = tuple(range(x.dim() - len(self.dims), x.dim()))
        x = F.layer_norm(x.movedim(self.dims, last), self.shape, self.weight, self.bias)
        return x.movedim(last, self.dims)
''',
}

#: Which helpers need what the file imports beyond torch and nn.
_NEEDS = {"LocallyConnected": ("math",), "LayerNorm": ("F",)}


class _Layer:
    """How one row is written: the module its __init__ builds (None for a layer forward writes as
    an expression), and the expression forward applies, from the module's reference and the inputs'."""

    __slots__ = ("module", "call", "plain")

    def __init__(self, module: str | None, call: Callable[[str, Sequence[str]], str], plain: bool = False) -> None:
        self.module = module
        self.call = call
        #: Whether forward calls the module on its input and nothing more: it can go in an nn.Sequential.
        self.plain = plain


def _module_call(module: str, *, before: str = "") -> _Layer:
    """A module applied to its one input (``before`` wraps the input, as in F.pad(x, ...))."""
    return _Layer(module, lambda m, xs: f"{m}({before.format(xs[0]) if before else xs[0]})", plain=not before)


class _Sequential:
    """Blocks ``0`` to ``n-1`` that run one after the other, each on the last one's output: an
    nn.Sequential, called once."""

    __slots__ = ("modules",)

    def __init__(self, modules: list[str]) -> None:
        self.modules = modules


def _expression(text: str) -> _Layer:
    """An expression with no module: ``{0}``, ``{1}``, ... are the inputs."""
    return _Layer(None, lambda m, xs: text.format(*xs))


def _ints(value: Sequence[int]) -> str:
    """``3`` for (3, 3), ``(3, 1)`` for (3, 1), as torch takes them."""
    return str(value[0]) if len(set(value)) == 1 else f"({', '.join(map(str, value))})"


def _tuple(value: Sequence[int]) -> str:
    return f"({value[0]},)" if len(value) == 1 else f"({', '.join(map(str, value))})"


class _Writer:
    """Writes one report's module."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.helpers: list[str] = []
        self.functional = False
        #: Each row's module, by its dotted name in named_modules() (rows forward writes out have none).
        self.paths: dict[int, str] = {}

    def use(self, helper: str) -> None:
        if helper not in self.helpers:
            self.helpers.append(helper)
        if "F" in _NEEDS.get(helper, ()):
            self.functional = True

    # --- the layers ---------------------------------------------------------------------------

    def layer(self, row: Row) -> _Layer:
        kind = row.kind
        write = getattr(self, "_" + kind, None)
        if write is None:  # pragma: no cover - a kind added to cnncount but not here
            raise SpecError(f"{row.qualified_name} ({kind}): layers of this kind cannot be exported to PyTorch yet")
        return write(row)  # type: ignore[no-any-return]

    def _untied(self, row: Row, module: str) -> str:
        """The module with its untied biases, when the row has them."""
        if row.bias != "untied":
            return module
        self.use("UntiedBias")
        return f"UntiedBias({module}, {_tuple(row.output_shape)})"

    def _windowed(self, window: Any, module: Callable[[str], str], *, pads_itself: bool = True) -> _Layer:
        """A convolution from its window over the input: same padding becomes explicit padding, the
        module's own where both sides are equal (and ``pads_itself``), else an F.pad before it, the
        odd one on the far side as TensorFlow puts it, worked out from the sizes."""
        from .shapes import same_padding

        pads = [same_padding(size_in, k, s, d) if window.same else (p, p) for (_, size_in, k, s, p, d) in window.dims]
        own = pads_itself and all(near == far for near, far in pads)
        padding = f", padding={_ints([n for n, _ in pads])}" if own and any(near for near, _ in pads) else ""
        built = module(padding)
        if own or not any(near or far for near, far in pads):
            return _module_call(built)
        self.functional = True
        flat = ", ".join(str(side) for near, far in reversed(pads) for side in (near, far))
        return _module_call(built, before=f"F.pad({{}}, ({flat}))")

    def _conv_class(self, row: Row) -> str:
        return f"nn.Conv{len(row.input_shape) - 1}d"

    def _conv(self, row: Row) -> _Layer:
        layer = _of(row)
        return self._convolution(row, layer, layer.filters, layer.groups, layer.bias)

    def _depthwise(self, row: Row) -> _Layer:
        layer, channels = _of(row), row.input_shape[0]
        conv = layer.as_conv(channels)
        return self._convolution(row, conv, conv.filters, channels, layer.bias)

    def _convolution(self, row: Row, conv: Any, filters: int, groups: int, bias: str) -> _Layer:
        window = conv.window(row.input_shape)
        head = f"{self._conv_class(row)}({row.input_shape[0]}, {filters}, {_ints(window.kernel)}"
        head += _window_options(window, stride=True, dilation=False)
        tail = _window_options(window, stride=False, dilation=True)
        tail += f", groups={groups}" if groups != 1 else ""
        tail += ", bias=False" if bias != "tied" else ""
        return self._windowed(window, lambda padding: self._untied(row, f"{head}{padding}{tail})"))

    def _separable(self, row: Row) -> _Layer:
        layer, channels = _of(row), row.input_shape[0]
        mid = channels * layer.multiplier
        conv = layer.depthwise(channels)
        window = conv.window(row.input_shape)
        conv_class = self._conv_class(row)
        bias = "" if layer.bias == "tied" else ", bias=False"
        self.use("SeparableConv")
        head = f"{conv_class}({channels}, {mid}, {_ints(window.kernel)}" + _window_options(
            window, stride=True, dilation=False
        )
        tail = _window_options(window, stride=False, dilation=True) + f", groups={channels}, bias=False)"
        return self._windowed(
            window,
            lambda padding: self._untied(
                row, f"SeparableConv({head}{padding}{tail}, {conv_class}({mid}, {layer.filters}, 1{bias}))"
            ),
        )

    def _deconv(self, row: Row) -> _Layer:
        from .layers.base import per_dim

        layer = _of(row)
        rank = len(row.input_shape) - 1
        spatial = row.input_shape[1:]

        def dims(key: str) -> tuple[int, ...]:
            return per_dim(getattr(layer, key), spatial, key)

        options = ""
        for key, default in (("stride", 1), ("padding", 0), ("output_padding", 0)):
            if any(v != default for v in dims(key)):
                options += f", {key}={_ints(dims(key))}"
        if layer.groups != 1:
            options += f", groups={layer.groups}"
        if layer.bias != "tied":
            options += ", bias=False"
        if any(v != 1 for v in dims("dilation")):
            options += f", dilation={_ints(dims('dilation'))}"
        module = f"nn.ConvTranspose{rank}d({row.input_shape[0]}, {layer.filters}, {_ints(dims('kernel'))}{options})"
        return _module_call(self._untied(row, module))

    def _local(self, row: Row) -> _Layer:
        from .layers.conv import Conv

        layer = _of(row)
        conv = Conv(filters=layer.filters, kernel=layer.kernel, stride=layer.stride, padding=layer.padding)
        window = conv.window(row.input_shape)
        kernel = _tuple(window.kernel)
        stride = _tuple([s for (_, _, _, s, _, _) in window.dims])
        self.use("LocallyConnected")
        head = f"LocallyConnected({row.input_shape[0]}, {layer.filters}, {kernel}, {stride}, "
        tail = f"{_tuple(window.out)}, {layer.bias!r})"
        return self._windowed(window, lambda _: head + tail, pads_itself=False)

    def _pool(self, row: Row, family: str, dilation: bool) -> _Layer:
        from .layers.base import per_dim

        layer = _of(row)
        spatial = row.input_shape[1:]
        kernel = per_dim(layer.kernel, spatial, "kernel")
        stride = kernel if layer.stride is None else per_dim(layer.stride, spatial, "stride")
        padding = per_dim(layer.padding, spatial, "padding")
        dilations = per_dim(layer.dilation, spatial, "dilation") if dilation else ()
        options = f", stride={_ints(stride)}" if stride != kernel else ""
        if any(padding):
            options += f", padding={_ints(padding)}"
        if any(d != 1 for d in dilations):
            options += f", dilation={_ints(dilations)}"
        if layer.ceil_mode:
            options += ", ceil_mode=True"
        return _module_call(f"nn.{family}{len(spatial)}d({_ints(kernel)}{options})")

    def _maxpool(self, row: Row) -> _Layer:
        return self._pool(row, "MaxPool", True)

    def _avgpool(self, row: Row) -> _Layer:
        return self._pool(row, "AvgPool", False)

    def _adaptiveavgpool(self, row: Row) -> _Layer:
        return _module_call(f"nn.AdaptiveAvgPool{len(row.input_shape) - 1}d({_ints(row.output_shape[1:])})")

    def _adaptivemaxpool(self, row: Row) -> _Layer:
        return _module_call(f"nn.AdaptiveMaxPool{len(row.input_shape) - 1}d({_ints(row.output_shape[1:])})")

    def _globalavgpool(self, row: Row) -> _Layer:
        return _expression(f"{{0}}.mean({_tuple(range(2, len(row.input_shape) + 1))})")

    def _globalmaxpool(self, row: Row) -> _Layer:
        return _expression(f"{{0}}.amax({_tuple(range(2, len(row.input_shape) + 1))})")

    def _flatten(self, row: Row) -> _Layer:
        return _module_call("nn.Flatten()")

    def _reshape(self, row: Row) -> _Layer:
        return _expression(f"{{0}}.reshape(-1, {', '.join(map(str, row.output_shape))})")

    def _upsample(self, row: Row) -> _Layer:
        rank = len(row.input_shape) - 1
        mode = _of(row).mode.lower()
        if mode in ("linear", "bilinear", "trilinear"):
            mode = ("linear", "bilinear", "trilinear")[rank - 1] if rank <= 3 else mode
        if mode not in ("nearest", "nearest-exact", "linear", "bilinear", "trilinear", "bicubic", "area") or (
            mode == "bicubic" and rank != 2
        ):
            raise SpecError(
                f"{row.qualified_name} (upsample): mode {quote(_of(row).mode)} has no counterpart in PyTorch "
                f"for {rank}-D inputs"
            )
        if _of(row).scale is not None:
            from .layers.base import per_dim

            scale = per_dim(_of(row).scale, row.input_shape[1:], "scale")
            size = f"scale_factor={_floats(scale)}"
        else:
            size = f"size={_ints(row.output_shape[1:])}"
        return _module_call(f"nn.Upsample({size}, mode={mode!r})")

    def _zeropad(self, row: Row) -> _Layer:
        from .layers.resize import _sides

        sides = _sides(_of(row).padding, row.input_shape[1:], "padding")
        flat = ", ".join(str(side) for near, far in reversed(sides) for side in (near, far))
        return _module_call(f"nn.ZeroPad{len(sides)}d(({flat}))")

    def _crop(self, row: Row) -> _Layer:
        from .layers.resize import _sides

        sides = _sides(_of(row).cropping, row.input_shape[1:], "cropping")
        cuts = ", ".join(f"{near}:{size - far}" for (near, far), size in zip(sides, row.input_shape[1:]))
        return _expression(f"{{0}}[:, :, {cuts}]")

    def _dense(self, row: Row) -> _Layer:
        layer = _of(row)
        pointwise = layer.pointwise and len(row.input_shape) > 1
        untied = pointwise and layer.bias == "untied"
        bias = "" if layer.bias != "none" and not untied else ", bias=False"
        module = f"nn.Linear({row.input_shape[0]}, {layer.units}{bias})"
        if not pointwise:
            return _module_call(module)
        if untied:  # one per unit per position, in the channels-last order the Linear works in
            self.use("UntiedBias")
            module = f"UntiedBias({module}, {_tuple((*row.output_shape[1:], row.output_shape[0]))})"
        # on every position: channels last, then back
        return _Layer(module, lambda m, xs: f"{m}({xs[0]}.movedim(1, -1)).movedim(-1, 1)")

    def _embedding(self, row: Row) -> _Layer:
        layer = _of(row)
        module = f"nn.Embedding({layer.vocab}, {layer.dim})"
        return _Layer(module, lambda m, xs: f"{m}({xs[0]}).movedim(-1, 1)")  # (N, L, dim) to (N, dim, L)

    def _batchnorm(self, row: Row) -> _Layer:
        if _of(row).affine and not _of(row).scale:
            raise SpecError(
                f"{row.qualified_name} (batchnorm): a shift without a scale (scale: false) has no torch module yet"
            )
        affine = "" if _of(row).affine else ", affine=False"
        return _module_call(f"nn.BatchNorm{max(len(row.input_shape) - 1, 1)}d({row.input_shape[0]}{affine})")

    def _layernorm(self, row: Row) -> _Layer:
        shape = row.input_shape
        axes = tuple(range(len(shape))) if _of(row).axes is None else tuple(sorted(_of(row).axes))
        dims = tuple(shape[a] for a in axes)
        affine = "" if _of(row).affine else ", elementwise_affine=False"
        if axes == tuple(range(axes[0], len(shape))):  # the last dims: nn.LayerNorm's
            return _module_call(f"nn.LayerNorm({list(dims)}{affine})")
        self.use("LayerNorm")
        affine = "" if _of(row).affine else ", affine=False"
        return _module_call(f"LayerNorm({_tuple([a + 1 for a in axes])}, {_tuple(dims)}{affine})")

    def _groupnorm(self, row: Row) -> _Layer:
        affine = "" if _of(row).affine else ", affine=False"
        return _module_call(f"nn.GroupNorm({_of(row).groups}, {row.input_shape[0]}{affine})")

    def _instancenorm(self, row: Row) -> _Layer:
        layer = _of(row)
        options = (", affine=True" if layer.affine else "") + (
            ", track_running_stats=True" if layer.track_running_stats else ""
        )
        return _module_call(f"nn.InstanceNorm{len(row.input_shape) - 1}d({row.input_shape[0]}{options})")

    def _normalize(self, row: Row) -> _Layer:
        self.use("Normalize")
        return _module_call(f"Normalize({row.input_shape[0]}, {len(row.input_shape) - 1})")

    def _lrn(self, row: Row) -> _Layer:
        return _module_call(f"nn.LocalResponseNorm({_of(row).size})")

    def _dropout(self, row: Row) -> _Layer:
        return _module_call(f"nn.Dropout({_of(row).rate})")

    def _droppath(self, row: Row) -> _Layer:
        self.use("DropPath")
        return _module_call(f"DropPath({_of(row).rate})")

    def _activation(self, row: Row) -> _Layer:
        function = _of(row).function
        if function == "exponential":
            return _expression("torch.exp({0})")
        return _module_call(_ACTIVATIONS[function])

    def _prelu(self, row: Row) -> _Layer:
        shared = _of(row).shared or len(row.input_shape) == 0
        return _module_call("nn.PReLU()" if shared else f"nn.PReLU({row.input_shape[0]})")

    def _scale(self, row: Row) -> _Layer:
        self.use("LayerScale")
        shapes = dict(row.tensors)
        bias = f", {_tuple(shapes['bias'])}" if "bias" in shapes else ""
        return _module_call(f"LayerScale({_tuple(shapes['weight'])}{bias})")

    def _add(self, row: Row) -> _Layer:
        return _Layer(None, lambda m, xs: " + ".join(xs))

    def _multiply(self, row: Row) -> _Layer:
        # cnncount aligns shapes on the channels: a shorter one is read with 1s after it
        rank = max(len(shape) for shape in row.input_shapes)

        def term(x: str, shape: Shape) -> str:
            if len(shape) == rank:
                return x
            return f"{x}.reshape(-1, {', '.join(map(str, (*shape, *(1 for _ in range(rank - len(shape))))))})"

        return _Layer(None, lambda m, xs: " * ".join(term(x, s) for x, s in zip(xs, row.input_shapes)))

    def _concat(self, row: Row) -> _Layer:
        return _Layer(None, lambda m, xs: f"torch.cat([{', '.join(xs)}], {_of(row).axis + 1})")

    def _split(self, row: Row) -> _Layer:
        axis = _of(row).axis
        sizes = [shape[axis] for shape in row.output_shapes]
        return _expression(f"torch.split({{0}}, {sizes}, {axis + 1})")

    def _shuffle(self, row: Row) -> _Layer:
        return _module_call(f"nn.ChannelShuffle({_of(row).groups})")

    # --- the file -----------------------------------------------------------------------------

    def text(self) -> str:
        report = self.report
        rows = report.rows
        layers = {row.index: self.layer(row) for row in rows}
        tree: dict[str, Any] = {}
        refs: dict[int, str] = {}
        called: dict[tuple[str, str], tuple[str, str]] = {}
        for row in rows:
            if layers[row.index].module is None:
                continue
            if row.shares is not None and row.shares in refs:
                refs[row.index] = refs[row.shares]  # the same module, called again
                self.paths[row.index] = self.paths[row.shares]
                continue
            module = layers[row.index].module or ""
            again = called.get((row.qualified_name, module))
            if again is not None and not row.tensors:  # a second relu of one name: the same module, as torch writes it
                refs[row.index], self.paths[row.index] = again
                continue
            refs[row.index], self.paths[row.index] = _place(tree, row.qualified_name.split("."), module)
            called[(row.qualified_name, module)] = refs[row.index], self.paths[row.index]
        consumers, outputs = self._readers()
        sequences = self._sequences(tree, layers, refs, consumers, outputs)
        params, forward = self._forward(layers, refs, consumers, outputs, sequences)
        return self._file(tree, params, forward)

    def _readers(self) -> tuple[dict[tuple[int, int], list[int]], list[tuple[int, int]]]:
        """Who reads each value (the readers' positions in the rows), and the values the network gives."""
        report = self.report
        consumers: dict[tuple[int, int], list[int]] = {}
        for position, row in enumerate(report.rows):
            for ref in row.inputs:
                consumers.setdefault(ref, []).append(position)
        shown = {output.name for output in report.outputs}
        return consumers, [o.ref for o in report.graph.outputs if o.name in shown]

    def _sequences(
        self,
        tree: dict[str, Any],
        layers: dict[int, _Layer],
        refs: dict[int, str],
        consumers: dict[tuple[int, int], list[int]],
        outputs: list[tuple[int, int]],
    ) -> dict[int, tuple[str, list[int]]]:
        """The blocks that are an nn.Sequential (see _Sequential), made so in the tree, by their first row:
        the block's reference and its rows."""
        rows = self.report.rows
        position = {row.index: p for p, row in enumerate(rows)}
        by_path: dict[str, list[int]] = {}
        for index, path in self.paths.items():
            by_path.setdefault(path, []).append(index)
        found: dict[int, tuple[str, list[int]]] = {}

        def chained(members: list[int]) -> bool:
            first = position[members[0]]
            for k, index in enumerate(members):
                row = rows[position[index]]
                if position[index] != first + k or not layers[index].plain or len(row.output_shapes) != 1:
                    return False
                if k and row.inputs != ((members[k - 1], 0),):
                    return False
                if k < len(members) - 1 and (consumers.get((index, 0)) != [first + k + 1] or (index, 0) in outputs):
                    return False
            return len(rows[first].inputs) == 1

        def walk(node: dict[str, Any], prefix: str) -> None:
            for key, value in node.items():
                if not isinstance(value, dict):
                    continue
                path = f"{prefix}.{key}" if prefix else key
                walk(value, path)
                keys = list(value)
                if len(keys) < 2 or keys != [str(i) for i in range(len(keys))]:
                    continue
                if not all(isinstance(v, str) and len(by_path.get(f"{path}.{k}", ())) == 1 for k, v in value.items()):
                    continue
                members = [by_path[f"{path}.{k}"][0] for k in keys]
                if chained(members):
                    node[key] = _Sequential(list(value.values()))
                    found[members[0]] = (refs[members[0]][: -len('["0"]')], members)

        walk(tree, "")
        return found

    def _forward(
        self,
        layers: dict[int, _Layer],
        refs: dict[int, str],
        consumers: dict[tuple[int, int], list[int]],
        outputs: list[tuple[int, int]],
        sequences: dict[int, tuple[str, list[int]]],
    ) -> tuple[list[str], list[str]]:
        """forward's parameters and its lines."""
        report = self.report
        rows = report.rows
        graph = report.graph
        names = _Names()
        values: dict[tuple[int, int], str] = {}
        params = []
        for k, (name, _) in enumerate(graph.inputs):
            single = len(graph.inputs) == 1 and consumers.get((0, k), []) == [0] and (0, k) not in outputs
            values[(0, k)] = "x" if single else names.new(name)
            params.append(values[(0, k)])
        lines = []
        inside: set[int] = set()
        for position, row in enumerate(rows):
            if row.index in inside:
                continue
            xs = [values[ref] for ref in row.inputs]
            call = layers[row.index].call(refs.get(row.index, ""), xs)
            named = row.qualified_name
            if row.index in sequences:  # the block, called once: its last row gives the value
                block, members = sequences[row.index]
                call = f"{block}({xs[0]})"
                inside.update(members)
                position += len(members) - 1
                row = rows[position]
                named = row.qualified_name.rpartition(".")[0]
            if len(row.output_shapes) > 1:
                targets = [names.new(f"{row.qualified_name}_{k}") for k in range(len(row.output_shapes))]
                for k, target in enumerate(targets):
                    values[(row.index, k)] = target
                lines.append(f"{', '.join(targets)} = {call}")
                continue
            ref = (row.index, 0)
            last = position == len(rows) - 1 and outputs == [ref] and ref not in consumers  # returned at once
            chained = last or (consumers.get(ref, []) == [position + 1] and ref not in outputs)
            target = "x" if chained else names.new(named)
            values[ref] = target
            lines.append(f"{target} = {call}")
        results = [values[ref] for ref in outputs]
        lines.append(f"return {', '.join(results)}")
        return params, lines

    def _file(self, tree: dict[str, Any], params: list[str], forward: list[str]) -> str:
        from . import __version__

        report = self.report
        totals = report.totals
        name = report.name or "net"
        cls = _class_name(name)
        typed = ", ".join(f"{p}: Tensor" for p in params)
        returns = "Tensor" if len(report.outputs) == 1 else f"tuple[{', '.join('Tensor' for _ in report.outputs)}]"
        tokens = bool(report.rows) and report.rows[0].kind == "embedding"
        inputs = "; ".join(
            f"{_text(input_name)}, (N, {', '.join(map(str, shape))}){' token ids' if tokens else ''}"
            for input_name, shape in report.inputs
        )
        outs = "; ".join(f"{_text(o.name)}, (N, {', '.join(map(str, o.shape))})" for o in report.outputs)
        about = (
            f"Input: {inputs}, channels first. Output: {outs}. cnncount counts {totals.params:,} parameters "
            f"({totals.params_tied:,} with every bias tied, {totals.params_untied:,} untied) and "
            f"{totals.non_trainable:,} non-trainable values (running statistics; torch adds a "
            "num_batches_tracked to each batch norm). Written for that input size: padding, untied biases and "
            "reshapes are worked out from it."
        )
        if report.layout == "channels_last":
            about += " The spec's shapes are channels last; this module takes channels-first tensors."
        doc = [f'"""{_text(name)}, as cnncount {__version__} counts it, in PyTorch.', "", *textwrap.wrap(about, 88)]
        doc.append('"""')
        imports = ["from __future__ import annotations", ""]
        needs = {need for helper in self.helpers for need in _NEEDS.get(helper, ())}
        if "math" in needs:
            imports.append("import math")
            imports.append("")
        code = "\n".join(forward) + "".join(_HELPERS[helper] for helper in self.helpers) + repr(tree)
        if "torch." in code:
            imports.append("import torch")
        if self.functional:
            imports.append("import torch.nn.functional as F")
        imports.append("from torch import Tensor, nn")
        parts = ["\n".join(doc) + "\n\n" + "\n".join(imports)]
        parts += [_HELPERS[helper].strip("\n") for helper in self.helpers]
        count = len(report.rows)
        body = [f"class {cls}(nn.Module):", f'    """{_text(name)}: {count} layer{"s" if count != 1 else ""}."""', ""]
        body += ["    def __init__(self) -> None:", "        super().__init__()"]
        for key, value in tree.items():
            body.append(f"        self.{key} = {_render(value, 8)}")
        body += ["", f"    def forward(self, {typed}) -> {returns}:"]
        body += [f"        {line}" for line in forward]
        parts.append("\n".join(body))
        total = f"{totals.params:,}"
        main = [
            'if __name__ == "__main__":',
            f"    model = {cls}().eval()",
            "    params = sum(p.numel() for p in model.parameters())",
            f'    print(f"{{params:,}} parameters (cnncount counts {total})")',
        ]
        parts.append("\n".join(main))
        return "\n\n\n".join(parts) + "\n"


def _of(row: Row) -> Any:
    """The row's layer, whose options depend on its kind."""
    return row.layer


def _floats(values: Sequence[int]) -> str:
    return f"{float(values[0])}" if len(set(values)) == 1 else f"({', '.join(str(float(v)) for v in values)})"


def _window_options(window: Any, *, stride: bool, dilation: bool) -> str:
    """``, stride=2, dilation=2`` where they are not 1."""
    text = ""
    strides = [s for (_, _, _, s, _, _) in window.dims]
    dilations = [d for (_, _, _, _, _, d) in window.dims]
    if stride and any(s != 1 for s in strides):
        text += f", stride={_ints(strides)}"
    if dilation and any(d != 1 for d in dilations):
        text += f", dilation={_ints(dilations)}"
    return text


def _place(tree: dict[str, Any], keys: list[str], module: str) -> tuple[str, str]:
    """Put ``module`` at ``keys`` in the tree of submodules; the reference forward uses for it, and
    its dotted name in ``named_modules()``.

    A key that is no identifier, or that nn.Module already uses, is indexed (``["0"]``) inside a
    block and renamed (``eval_``) at the top; a key another layer already has gets a number; a
    layer inside one that is a layer, not a block (``c1.tanh`` after ``c1``), goes beside it
    (``c1_tanh``).
    """
    node = tree
    ref, dotted = "self", []
    depth = 0
    while True:
        key = _safe_top(keys[depth]) if depth == 0 else keys[depth]
        if depth < len(keys) - 1 and key in node and not isinstance(node[key], dict):
            keys = [*keys[:depth], "_".join(keys[depth:])]
            continue
        if depth == len(keys) - 1:
            while key in node:
                key = _next(key)
            node[key] = module
        else:
            node = node.setdefault(key, {})
        ref += f".{key}" if depth == 0 or _attribute(key) else f"[{_string(key)}]"
        dotted.append(key)
        if depth == len(keys) - 1:
            return ref, ".".join(dotted)
        depth += 1


def _string(text: str) -> str:
    """A Python string literal in double quotes, as ruff formats them."""
    import json

    return json.dumps(text)


def _next(key: str) -> str:
    head, _, number = key.rpartition("_")
    return f"{head}_{int(number) + 1}" if head and number.isdigit() else f"{key}_2"


def _attribute(key: str) -> bool:
    return key.isidentifier() and not keyword.iskeyword(key) and key not in _TAKEN and not key.startswith("_")


def _safe_top(key: str) -> str:
    if _attribute(key):
        return key
    key = re.sub(r"\W", "_", key) or "layer"
    if key[0].isdigit() or key.startswith("_"):
        key = "layer" + ("" if key.startswith("_") else "_") + key
    return key if _attribute(key) else key + "_"


def _render(value: Any, indent: int) -> str:
    """A module, or nested blocks as ``nn.ModuleDict({...})`` or ``nn.Sequential(...)``, on a line
    indented ``indent``."""
    if isinstance(value, str):
        return value
    if isinstance(value, _Sequential):
        inner = " " * (indent + 4)
        items = "".join(f"{inner}{module},\n" for module in value.modules)
        return f"nn.Sequential(\n{items}{' ' * indent})"
    inner = " " * (indent + 8)
    items = "".join(f"{inner}{_string(key)}: {_render(item, indent + 8)},\n" for key, item in value.items())
    return f"nn.ModuleDict(\n{' ' * (indent + 4)}{{\n{items}{' ' * (indent + 4)}}}\n{' ' * indent})"


class _Names:
    """Python names for the values forward keeps, from the layers' qualified names."""

    def __init__(self) -> None:
        self.taken = {"x", "self", "torch", "nn", "F", "math", "Tensor"}

    def new(self, text: str) -> str:
        name = re.sub(r"\W", "_", text).strip("_") or "value"
        if name[0].isdigit():
            name = "v_" + name
        if keyword.iskeyword(name):
            name += "_"
        while name in self.taken:
            name = _next(name)
        self.taken.add(name)
        return name


def _class_name(name: str) -> str:
    """``resnet18`` -> ``Resnet18``, ``unet_skip`` -> ``UnetSkip``: a class name from the spec's."""
    words = [w for w in re.split(r"[^0-9A-Za-z]+", name) if w]
    text = "".join(w[:1].upper() + w[1:] for w in words) or "Net"
    return text if not text[0].isdigit() else "Net" + text


def _text(text: str) -> str:
    """A name from the spec, safe in a docstring: short, and only letters, digits and plain punctuation."""
    text = re.sub(r"[^\w .:+-]", "?", text)
    return text if len(text) <= 60 else text[:57] + "..."


class Export:
    """A network written as code: ``source``, and ``paths``, each row's module by its dotted name
    in ``named_modules()`` (the rows that forward writes as expressions, merges say, have none)."""

    __slots__ = ("source", "paths")

    def __init__(self, source: str, paths: dict[int, str]) -> None:
        self.source = source
        self.paths = paths


def pytorch(report: Report) -> Export:
    """A PyTorch module that is the report's network (see the module docstring)."""
    writer = _Writer(report)
    source = writer.text()
    return Export(source, writer.paths)


__all__ = ["Export", "pytorch"]
