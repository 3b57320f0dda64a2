"""The PyTorch oracle for the zoo: every kind built in torch, counted in cnncount, compared.

For each kind, Hypothesis draws an input shape and options that fit it; the layer
is built in torch, a zero input of batch one runs through it, and cnncount's row
must agree with torch on the output shape, the weights, the biases (tied: torch's
bias; untied: one per output element), the non-trainable buffers and the MACs,
the last worked out here from torch's own tensors, never from cnncount's formulas.

How each kind is built in torch:

* depthwise: ``nn.ConvNd(C, C*multiplier, groups=C)``; separable: that without a
  bias, then a 1x1 ``nn.ConvNd`` with one;
* local: torch has no locally connected layer, so :class:`_Local` below is one,
  written with ``Tensor.unfold``: a weight of shape [positions, filters,
  C*prod(kernel)] and a bias of shape [filters] (tied) or [filters, *out] (untied);
  its positions come from torch's unfold, not from a formula;
* ``same`` padding is TensorFlow's rule (the odd pad on the far side), built as an
  explicit ``F.pad`` before an unpadded layer, since torch refuses it with strides;
* embedding: ``nn.Embedding`` on long zeros of shape [L]; torch's [L, dim] is
  compared transposed;
* layernorm: ``nn.LayerNorm`` over the normalised dims moved to the end;
  groupnorm, instancenorm, lrn, prelu: their ``nn`` modules; upsample:
  ``nn.Upsample(scale_factor=...)`` or ``(size=...)``; zeropad and crop: ``F.pad``
  with positive and negative pads; reshape: ``Tensor.reshape``.

For crop and reshape the options are also drawn without regard to the input:
cnncount must refuse exactly what torch refuses (for crop, an empty output).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st

from cnncount.errors import ShapeError
from cnncount.layers import layer_class

ORACLE = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Largest spatial size drawn for each spatial rank, to keep tensors small.
CAP = {1: 24, 2: 12, 3: 6}
BIASES = ("tied", "untied", "none")


@pytest.fixture(scope="module")
def th(torch):
    """torch on one thread: the tensors are tiny and threads only add overhead."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield torch
    torch.set_num_threads(threads)


# --- what torch says --------------------------------------------------------------------------


@dataclass
class Seen:
    """A layer as torch has it."""

    output: tuple[int, ...]
    weights: int
    biases: int  # torch's bias (or beta) parameters
    untied: int  # the untied count cnncount must give (0 without biases)
    params: int  # every trainable parameter of the torch module, in the layout drawn
    non_trainable: int = 0
    macs: int = 0


def numel(module: Any) -> int:
    return sum(p.numel() for p in module.parameters())


def compare(kind: str, shape: tuple[int, ...], options: dict[str, Any], seen: Seen) -> None:
    note(f"{kind} on {shape} with {options}: torch says {seen}")
    res = layer_class(kind).build(options).infer(shape)
    c = res.counts
    assert res.output_shape == seen.output
    assert c.weights == seen.weights
    assert c.tied_biases == seen.biases
    assert c.untied_biases == seen.untied
    assert c.params == seen.params
    assert c.non_trainable == seen.non_trainable
    assert c.macs == seen.macs
    assert all(isinstance(v, int) and not isinstance(v, bool) for v in c.as_dict().values())


def batch(th: Any, shape: tuple[int, ...]) -> Any:
    return th.zeros((1, *shape))


def tf_same(n: int, k: int, s: int, d: int = 1) -> tuple[int, int]:
    """TensorFlow's same padding (near, far): output ceil(n/s), the odd pad on the far side."""
    total = max((-(-n // s) - 1) * s + d * (k - 1) + 1 - n, 0)
    return total // 2, total - total // 2


def pads_of(
    padding: Any, spatial: tuple[int, ...], kernel: tuple[int, ...], stride: tuple[int, ...], dilation: tuple[int, ...]
) -> list[tuple[int, int]]:
    """(near, far) zeros per spatial dim for a conv-like padding option."""
    if padding == "same":
        return [tf_same(n, k, s, d) for n, k, s, d in zip(spatial, kernel, stride, dilation)]
    if padding == "valid":
        return [(0, 0)] * len(spatial)
    return [(p, p) for p in expand(padding, len(spatial))]


def f_pad(pairs: list[tuple[int, int]]) -> list[int]:
    """F.pad's order: the last dim first, near then far."""
    return [p for near, far in reversed(pairs) for p in (near, far)]


def expand(value: Any, rank: int) -> tuple[int, ...]:
    return tuple(value) if isinstance(value, (list, tuple)) else (value,) * rank


# --- drawing shapes and conv-like options -----------------------------------------------------


@st.composite
def spatial_shapes(
    draw: Any, ranks: tuple[int, ...] = (1, 2, 3), minimum: int = 1, channels: int = 6
) -> tuple[int, ...]:
    rank = draw(st.sampled_from(ranks))
    c = draw(st.integers(1, channels))
    return (c, *draw(st.lists(st.integers(minimum, CAP[rank]), min_size=rank, max_size=rank)))


@st.composite
def any_shapes(draw: Any, minimum: int = 1) -> tuple[int, ...]:
    rank = draw(st.sampled_from((0, 1, 2, 3)))
    if rank == 0:
        return (draw(st.integers(1, 40)),)
    return draw(spatial_shapes(ranks=(rank,), minimum=minimum))


def per_dim_or_int(draw: Any, values: list[int]) -> Any:
    """One int when every dim has the same value and the draw says so, else a list."""
    if len(set(values)) == 1 and draw(st.booleans()):
        return values[0]
    return values


@st.composite
def windows(
    draw: Any, shape: tuple[int, ...], *, dilation: bool, paddings: tuple[str, ...] = ("same", "valid")
) -> dict[str, Any]:
    """kernel, stride, padding (and dilation) that fit the spatial sizes of shape."""
    spatial = shape[1:]
    options: dict[str, Any] = {}
    padding = draw(st.sampled_from((*paddings, "int", "list")))
    if padding in ("same", "valid"):
        pads = [0] * len(spatial)
        options["padding"] = padding
    else:
        pads = [draw(st.integers(0, 2)) for _ in spatial]
        options["padding"] = per_dim_or_int(draw, pads)
    dil = [draw(st.integers(1, 2)) if dilation else 1 for _ in spatial]
    kernel = []
    for n, p, d in zip(spatial, pads, dil):
        room = n + 2 * p if padding != "same" else 5
        kernel.append(draw(st.integers(1, max(1, min(5, (room - 1) // d + 1)))))
    if any(d * (k - 1) + 1 > n + 2 * p for n, k, p, d in zip(spatial, kernel, pads, dil)) and padding != "same":
        dil = [1] * len(spatial)
    options["kernel"] = per_dim_or_int(draw, kernel)
    stride = [draw(st.integers(1, 3)) for _ in spatial]
    if draw(st.booleans()):
        options["stride"] = per_dim_or_int(draw, stride)
    else:
        stride = [1] * len(spatial)
    if dilation and any(d > 1 for d in dil):
        options["dilation"] = per_dim_or_int(draw, dil)
    return options


def window_parts(
    options: dict[str, Any], spatial: tuple[int, ...]
) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...], list[tuple[int, int]]]:
    rank = len(spatial)
    kernel = expand(options["kernel"], rank)
    stride = expand(options.get("stride", 1), rank)
    dilation = expand(options.get("dilation", 1), rank)
    return kernel, stride, dilation, pads_of(options.get("padding", 0), spatial, kernel, stride, dilation)


def conv_class(th: Any, rank: int) -> Any:
    return getattr(th.nn, f"Conv{rank}d")


# --- depthwise and separable ------------------------------------------------------------------


@st.composite
def depthwise_cases(draw: Any, separable: bool = False) -> tuple[tuple[int, ...], dict[str, Any]]:
    shape = draw(spatial_shapes())
    options = draw(windows(shape, dilation=True))
    if draw(st.booleans()):
        options["multiplier"] = draw(st.integers(1, 3))
    if separable:
        options["filters"] = draw(st.integers(1, 6))
    options["bias"] = draw(st.sampled_from(BIASES))
    return shape, options


@given(case=depthwise_cases())
@ORACLE
def test_depthwise_is_torchs_grouped_conv(th, case):
    shape, options = case
    channels, spatial = shape[0], shape[1:]
    kernel, stride, dilation, pads = window_parts(options, spatial)
    out_channels = channels * options.get("multiplier", 1)
    conv = conv_class(th, len(spatial))(
        channels,
        out_channels,
        kernel,
        stride=stride,
        dilation=dilation,
        groups=channels,
        bias=options["bias"] != "none",
    )
    with th.no_grad():
        y = conv(th.nn.functional.pad(batch(th, shape), f_pad(pads)))
    out = tuple(y.shape[1:])
    biases = 0 if conv.bias is None else conv.bias.numel()
    untied = 0 if conv.bias is None else y[0].numel()
    compare(
        "depthwise",
        shape,
        options,
        Seen(
            output=out,
            weights=conv.weight.numel(),
            biases=biases,
            untied=untied,
            params=conv.weight.numel() + (untied if options["bias"] == "untied" else biases),
            macs=y.numel() * conv.weight.shape[1] * math.prod(conv.weight.shape[2:]),
        ),
    )


@given(case=depthwise_cases(separable=True))
@ORACLE
def test_separable_is_a_grouped_conv_then_a_pointwise_one(th, case):
    shape, options = case
    channels, spatial = shape[0], shape[1:]
    kernel, stride, dilation, pads = window_parts(options, spatial)
    mid = channels * options.get("multiplier", 1)
    Conv = conv_class(th, len(spatial))
    depth = Conv(channels, mid, kernel, stride=stride, dilation=dilation, groups=channels, bias=False)
    point = Conv(mid, options["filters"], 1, bias=options["bias"] != "none")
    with th.no_grad():
        h = depth(th.nn.functional.pad(batch(th, shape), f_pad(pads)))
        y = point(h)
    biases = 0 if point.bias is None else point.bias.numel()
    untied = 0 if point.bias is None else y[0].numel()
    weights = depth.weight.numel() + point.weight.numel()
    compare(
        "separable",
        shape,
        options,
        Seen(
            output=tuple(y.shape[1:]),
            weights=weights,
            biases=biases,
            untied=untied,
            params=weights + (untied if options["bias"] == "untied" else biases),
            macs=h.numel() * math.prod(depth.weight.shape[2:]) + y.numel() * point.weight.shape[1],
        ),
    )


# --- local ------------------------------------------------------------------------------------


def local_module(
    th: Any,
    shape: tuple[int, ...],
    filters: int,
    kernel: tuple[int, ...],
    stride: tuple[int, ...],
    pads: list[tuple[int, int]],
    bias: str,
) -> Any:
    """A locally connected layer in plain torch: unfold the input, one kernel per position."""
    nn, F = th.nn, th.nn.functional
    rank = len(kernel)

    class _Local(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            probe = self.patches(th.zeros((1, *shape)))
            self.out = tuple(probe.shape[2 : 2 + rank])  # positions, as torch's unfold makes them
            positions = math.prod(self.out)
            self.weight = nn.Parameter(th.zeros(positions, filters, shape[0] * math.prod(kernel)))
            if bias == "tied":
                self.bias = nn.Parameter(th.zeros(filters))
            elif bias == "untied":
                self.bias = nn.Parameter(th.zeros(filters, *self.out))
            else:
                self.bias = None

        @staticmethod
        def patches(x: Any) -> Any:
            """[B, C, *spatial] -> [B, C, *positions, *kernel]."""
            x = F.pad(x, f_pad(pads))
            for i, (k, s) in enumerate(zip(kernel, stride)):
                x = x.unfold(2 + i, k, s)
            return x

        def forward(self, x: Any) -> Any:
            p = self.patches(x)
            # [B, *positions, C, *kernel] -> [B, P, C*K]
            order = [0, *range(2, 2 + rank), 1, *range(2 + rank, 2 + 2 * rank)]
            p = p.permute(order).reshape(x.shape[0], self.weight.shape[0], self.weight.shape[2])
            y = th.einsum("bpk,pfk->bfp", p, self.weight).reshape(x.shape[0], filters, *self.out)
            if self.bias is not None:
                y = y + (self.bias.reshape(filters, *[1] * rank) if bias == "tied" else self.bias)
            return y

    return _Local()


@st.composite
def local_cases(draw: Any) -> tuple[tuple[int, ...], dict[str, Any]]:
    shape = draw(spatial_shapes(channels=4))
    options = draw(windows(shape, dilation=False))
    options["filters"] = draw(st.integers(1, 4))
    bias = draw(st.sampled_from((None, *BIASES)))  # None: the default, tied
    if bias is not None:
        options["bias"] = bias
    return shape, options


@given(case=local_cases())
@ORACLE
def test_local_is_an_unfold_with_a_kernel_per_position(th, case):
    shape, options = case
    kernel, stride, _, pads = window_parts({"padding": "valid", **options}, shape[1:])
    bias = options.get("bias", "tied")
    module = local_module(th, shape, options["filters"], kernel, stride, pads, bias)
    with th.no_grad():
        y = module(batch(th, shape))
    per_position = shape[0] * math.prod(kernel) * options["filters"]
    compare(
        "local",
        shape,
        options,
        Seen(
            output=tuple(y.shape[1:]),
            weights=module.weight.numel(),
            biases=0 if bias == "none" else options["filters"],
            untied=0 if bias == "none" else y[0].numel(),
            params=numel(module),
            macs=module.weight.shape[0] * per_position,  # positions x (one kernel, once)
        ),
    )


def test_local_oracle_reproduces_keras_example(th):
    module = local_module(th, (3, 32, 32), 64, (3, 3), (1, 1), [(0, 0), (0, 0)], "untied")
    assert tuple(module(batch(th, (3, 32, 32))).shape) == (1, 64, 30, 30)
    assert numel(module) == (30 * 30) * (3 * 3 * 3 * 64) + (30 * 30) * 64


# --- embedding --------------------------------------------------------------------------------


@given(length=st.integers(1, 60), vocab=st.integers(1, 300), dim=st.integers(1, 16))
@ORACLE
def test_embedding(th, length, vocab, dim):
    emb = th.nn.Embedding(vocab, dim)
    with th.no_grad():
        y = emb(th.zeros(length, dtype=th.long))
    compare(
        "embedding",
        (length,),
        {"vocab": vocab, "dim": dim},
        Seen(
            output=tuple(y.T.shape),
            weights=emb.weight.numel(),
            biases=0,
            untied=0,
            params=numel(emb),
        ),
    )


# --- norms ------------------------------------------------------------------------------------


@st.composite
def layernorm_cases(draw: Any) -> tuple[tuple[int, ...], dict[str, Any]]:
    shape = draw(any_shapes())
    options: dict[str, Any] = {}
    if draw(st.booleans()):
        axes = draw(st.lists(st.integers(0, len(shape) - 1), min_size=1, max_size=len(shape), unique=True))
        options["axes"] = axes[0] if len(axes) == 1 and draw(st.booleans()) else axes
    if draw(st.booleans()):
        options["affine"] = draw(st.booleans())
    return shape, options


@given(case=layernorm_cases())
@ORACLE
def test_layernorm_over_the_dims_moved_last(th, case):
    shape, options = case
    axes = expand(options.get("axes", list(range(len(shape)))), 1)
    rest = [d for d in range(len(shape)) if d not in axes]
    order = [0, *(1 + d for d in rest), *(1 + a for a in axes)]
    norm = th.nn.LayerNorm([shape[a] for a in axes], elementwise_affine=options.get("affine", True))
    with th.no_grad():
        moved = norm(batch(th, shape).permute(order))
        y = moved.permute([order.index(i) for i in range(len(order))])
    beta = 0 if norm.bias is None else norm.bias.numel()
    compare(
        "layernorm",
        shape,
        options,
        Seen(
            output=tuple(y.shape[1:]),
            weights=0 if norm.weight is None else norm.weight.numel(),
            biases=beta,
            untied=beta,
            params=numel(norm),
        ),
    )


@st.composite
def groupnorm_cases(draw: Any) -> tuple[tuple[int, ...], dict[str, Any]]:
    shape = draw(any_shapes())
    if len(shape) > 1 and draw(st.booleans()):
        shape = (draw(st.sampled_from((4, 6, 8, 12, 16))), *shape[1:])
    channels = shape[0]
    groups = draw(st.sampled_from([g for g in range(1, channels + 1) if channels % g == 0]))
    # torch refuses to normalise a single value per group (cnncount counts it all the same)
    assume(channels // groups * math.prod(shape[1:]) > 1)
    options: dict[str, Any] = {"groups": groups}
    if draw(st.booleans()):
        options["affine"] = draw(st.booleans())
    return shape, options


@given(case=groupnorm_cases())
@ORACLE
def test_groupnorm(th, case):
    shape, options = case
    norm = th.nn.GroupNorm(options["groups"], shape[0], affine=options.get("affine", True))
    with th.no_grad():
        y = norm(batch(th, shape))
    beta = 0 if norm.bias is None else norm.bias.numel()
    compare(
        "groupnorm",
        shape,
        options,
        Seen(
            output=tuple(y.shape[1:]),
            weights=0 if norm.weight is None else norm.weight.numel(),
            biases=beta,
            untied=beta,
            params=numel(norm),
        ),
    )


def test_groupnorm_refuses_what_torch_refuses(th):
    with pytest.raises(ValueError):
        th.nn.GroupNorm(4, 6)
    with pytest.raises(ShapeError):
        layer_class("groupnorm").build({"groups": 4}).infer((6, 8))


@st.composite
def instancenorm_cases(draw: Any) -> tuple[tuple[int, ...], dict[str, Any]]:
    shape = draw(spatial_shapes(minimum=2))  # torch wants more than one value per channel
    options = {}
    for key in ("affine", "track_running_stats"):
        if draw(st.booleans()):
            options[key] = draw(st.booleans())
    return shape, options


@given(case=instancenorm_cases())
@ORACLE
def test_instancenorm(th, case):
    shape, options = case
    cls = getattr(th.nn, f"InstanceNorm{len(shape) - 1}d")
    norm = cls(
        shape[0], affine=options.get("affine", False), track_running_stats=options.get("track_running_stats", False)
    )
    with th.no_grad():
        y = norm(batch(th, shape))
    beta = 0 if norm.bias is None else norm.bias.numel()
    stats = sum(b.numel() for name, b in norm.named_buffers() if name in ("running_mean", "running_var"))
    compare(
        "instancenorm",
        shape,
        options,
        Seen(
            output=tuple(y.shape[1:]),
            weights=0 if norm.weight is None else norm.weight.numel(),
            biases=beta,
            untied=beta,
            params=numel(norm),
            non_trainable=stats,
        ),
    )


@given(shape=spatial_shapes(), size=st.integers(1, 7))
@ORACLE
def test_lrn(th, shape, size):
    norm = th.nn.LocalResponseNorm(size)
    with th.no_grad():
        y = norm(batch(th, shape))
    compare(
        "lrn", shape, {"size": size}, Seen(output=tuple(y.shape[1:]), weights=0, biases=0, untied=0, params=numel(norm))
    )


@given(shape=any_shapes(), shared=st.sampled_from((None, False, True)))
@ORACLE
def test_prelu(th, shape, shared):
    options = {} if shared is None else {"shared": shared}
    prelu = th.nn.PReLU(num_parameters=1 if shared else shape[0])
    with th.no_grad():
        y = prelu(batch(th, shape))
    compare(
        "prelu",
        shape,
        options,
        Seen(
            output=tuple(y.shape[1:]),
            weights=prelu.weight.numel(),
            biases=0,
            untied=0,
            params=numel(prelu),
        ),
    )


# --- upsample, zeropad, crop, reshape ---------------------------------------------------------


@st.composite
def upsample_cases(draw: Any) -> tuple[tuple[int, ...], dict[str, Any]]:
    shape = draw(spatial_shapes())
    rank = len(shape) - 1
    if draw(st.booleans()):
        options: dict[str, Any] = {"scale": per_dim_or_int(draw, [draw(st.integers(1, 3)) for _ in range(rank)])}
    else:
        options = {"size": per_dim_or_int(draw, [draw(st.integers(1, CAP[rank])) for _ in range(rank)])}
    if draw(st.booleans()):
        options["mode"] = "nearest"
    return shape, options


@given(case=upsample_cases())
@ORACLE
def test_upsample(th, case):
    shape, options = case
    rank = len(shape) - 1
    if "scale" in options:
        up = th.nn.Upsample(scale_factor=tuple(float(s) for s in expand(options["scale"], rank)), mode="nearest")
    else:
        up = th.nn.Upsample(size=expand(options["size"], rank), mode="nearest")
    with th.no_grad():
        y = up(batch(th, shape))
    compare("upsample", shape, options, Seen(output=tuple(y.shape[1:]), weights=0, biases=0, untied=0, params=0))


def sides(draw: Any, rank: int, most: int) -> Any:
    """An int, one per dim, [near, far] pairs, or a mix, in 0..most."""
    form = draw(st.sampled_from(("int", "per-dim", "pairs", "mixed")))
    if form == "int":
        return draw(st.integers(0, most))
    if form == "per-dim":
        return [draw(st.integers(0, most)) for _ in range(rank)]
    pair = st.lists(st.integers(0, most), min_size=2, max_size=2)
    if form == "pairs":
        return [draw(pair) for _ in range(rank)]
    return [draw(st.one_of(st.integers(0, most), pair)) for _ in range(rank)]


def side_pairs(value: Any, rank: int) -> list[tuple[int, int]]:
    if isinstance(value, int):
        return [(value, value)] * rank
    return [tuple(v) if isinstance(v, list) else (v, v) for v in value]


@given(data=st.data())
@ORACLE
def test_zeropad(th, data):
    shape = data.draw(spatial_shapes())
    padding = sides(data.draw, len(shape) - 1, 3)
    with th.no_grad():
        y = th.nn.functional.pad(batch(th, shape), f_pad(side_pairs(padding, len(shape) - 1)))
    compare(
        "zeropad", shape, {"padding": padding}, Seen(output=tuple(y.shape[1:]), weights=0, biases=0, untied=0, params=0)
    )


@given(data=st.data())
@ORACLE
def test_crop_refuses_exactly_what_leaves_torch_nothing(th, data):
    shape = data.draw(spatial_shapes())
    cropping = sides(data.draw, len(shape) - 1, max(shape[1:]))
    negative = [-p for p in f_pad(side_pairs(cropping, len(shape) - 1))]
    try:
        with th.no_grad():
            y = th.nn.functional.pad(batch(th, shape), negative)
        empty = y.numel() == 0
    except RuntimeError:
        empty = True
    note(f"crop {cropping} of {shape}: torch {'has nothing left' if empty else tuple(y.shape)}")
    if empty:
        with pytest.raises(ShapeError):
            layer_class("crop").build({"cropping": cropping}).infer(shape)
    else:
        compare(
            "crop",
            shape,
            {"cropping": cropping},
            Seen(output=tuple(y.shape[1:]), weights=0, biases=0, untied=0, params=0),
        )


@st.composite
def reshape_cases(draw: Any) -> tuple[tuple[int, ...], list[int]]:
    shape = draw(any_shapes())
    total = math.prod(shape)
    if draw(st.integers(0, 3)) == 0:  # anything: mostly refused
        target = draw(st.lists(st.integers(1, 40), min_size=1, max_size=4))
    else:  # a factorisation of the element count
        target, left = [], total
        for _ in range(draw(st.integers(0, 3))):
            factor = draw(st.sampled_from([f for f in range(1, left + 1) if left % f == 0]))
            target.append(factor)
            left //= factor
        target.append(left)
        target = draw(st.permutations(target))
    if draw(st.booleans()):
        target = list(target)
        target[draw(st.integers(0, len(target) - 1))] = -1
    return shape, list(target)


@given(case=reshape_cases())
@ORACLE
def test_reshape_refuses_exactly_what_torch_refuses(th, case):
    shape, target = case
    try:
        out = tuple(th.zeros(shape).reshape(target).shape)
    except RuntimeError:
        out = None
    note(f"reshape {shape} to {target}: torch gives {out}")
    if out is None:
        with pytest.raises(ShapeError):
            layer_class("reshape").build({"shape": target}).infer(shape)
    else:
        compare("reshape", shape, {"shape": target}, Seen(output=out, weights=0, biases=0, untied=0, params=0))
