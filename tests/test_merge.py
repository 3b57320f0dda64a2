"""The merges (add, multiply, concat, split, shuffle) and the kinds new with the graph (scale, droppath,
the activation functions), on hand-worked numbers; and every kind's parameter tensors against its counts."""

import math
import shlex

import pytest

from cnncount.errors import ShapeError, SpecError
from cnncount.layers import REGISTRY, layer_class
from cnncount.layers.base import BUFFERS
from cnncount.layers.elementwise import FUNCTIONS
from cnncount.layers.merge import broadcast


def apply(kind, shapes, **options):
    return layer_class(kind).build(options).apply(tuple(shapes))


@pytest.mark.parametrize(
    "kind, shapes, options, out",
    [
        pytest.param("add", [(64, 56, 56)] * 2, {}, [(64, 56, 56)], id="add-2"),
        pytest.param("add", [(8,)] * 3, {}, [(8,)], id="add-3"),
        pytest.param("multiply", [(64, 56, 56), (64, 1, 1)], {}, [(64, 56, 56)], id="se-gate"),
        pytest.param("multiply", [(64, 56, 56), (64,)], {}, [(64, 56, 56)], id="vector-gate"),
        pytest.param("multiply", [(1, 56, 56), (64, 56, 56)], {}, [(64, 56, 56)], id="spatial-gate"),
        pytest.param("multiply", [(16, 4, 8, 8), (16, 1, 1, 1)], {}, [(16, 4, 8, 8)], id="3d-gate"),
        pytest.param("concat", [(64, 28, 28), (32, 28, 28), (8, 28, 28)], {}, [(104, 28, 28)], id="concat"),
        pytest.param("concat", [(4, 10), (4, 6)], dict(axis=1), [(4, 16)], id="concat-axis1"),
        pytest.param("concat", [(4, 10)], {}, [(4, 10)], id="concat-one"),
        pytest.param("split", [(116, 28, 28)], dict(chunks=2), [(58, 28, 28)] * 2, id="chunks"),
        pytest.param("split", [(64, 7)], dict(sizes=[16, 48]), [(16, 7), (48, 7)], id="sizes"),
        pytest.param("split", [(4, 12)], dict(chunks=3, axis=1), [(4, 4)] * 3, id="split-axis1"),
        pytest.param("shuffle", [(116, 28, 28)], dict(groups=2), [(116, 28, 28)], id="shuffle"),
    ],
)
def test_merges_have_no_parameters_and_no_macs(kind, shapes, options, out):
    res = apply(kind, shapes, **options)
    assert list(res.output_shapes) == out
    assert res.counts.params_untied == 0 and res.counts.macs == 0 and res.bias is None and res.tensors == ()
    assert any("macs = 0" in line for line in res.formulas)


def test_broadcast_aligns_on_the_channels():
    assert broadcast(((64,), (64, 7, 7))) == (64, 7, 7)  # NumPy would align 64 with the last 7
    assert broadcast(((1,), (3, 5))) == (3, 5)
    with pytest.raises(ShapeError, match=r"dim 0 is 32 and 64"):
        broadcast(((64, 7, 7), (32,)))


@pytest.mark.parametrize(
    "kind, shapes, options, message",
    [
        pytest.param(
            "add",
            [(4, 8, 8), (4, 8, 4)],
            {},
            "cannot add inputs of different shapes: input 1 gives 4x8x8, input 2 gives 4x8x4",
            id="add",
        ),
        pytest.param("add", [(4,)], {}, "add needs two or more inputs, got 1", id="add-one"),
        pytest.param(
            "concat",
            [(4, 8, 8), (4, 4, 4)],
            {},
            "cannot concatenate on channels, the other sizes differ: input 1 gives 4x8x8, input 2 gives 4x4x4",
            id="concat",
        ),
        pytest.param("concat", [(4, 8)], dict(axis=2), "cannot concatenate on dim 2: input 1 gives 4x8", id="axis"),
        pytest.param("split", [(5, 3)], dict(chunks=2), "chunks 2 must divide the channels (5) of 5x3", id="chunks"),
        pytest.param("split", [(5,)], dict(chunks=1, axis=1), "cannot split dim 1 of 5", id="split-axis"),
        pytest.param("shuffle", [(6, 3)], dict(groups=4), "groups 4 must divide the channels (6) of 6x3", id="shuffle"),
    ],
)
def test_merge_shapes_that_do_not_fit(kind, shapes, options, message):
    with pytest.raises(ShapeError) as info:
        apply(kind, shapes, **options)
    assert str(info.value) == message


def test_split_output_count_and_option_checks():
    assert layer_class("split").build({"chunks": 4}).output_count == 4
    assert layer_class("split").build({"sizes": [1, 2, 3]}).output_count == 3
    with pytest.raises(SpecError, match="give exactly one of chunks and sizes, got neither"):
        layer_class("split").build({})


def test_scale_is_a_per_channel_vector():
    res = layer_class("scale").build({}).infer((96, 56, 56))
    c = res.counts
    assert (c.weights, c.tied_biases, c.untied_biases, c.params, c.macs) == (96, 0, 0, 96, 0)
    assert res.tensors == (("weight", (96, 1, 1)),)  # torchvision's ConvNeXt: a (C, 1, 1) parameter
    tied = layer_class("scale").build({"bias": "tied"}).infer((96, 56, 56)).counts
    assert (tied.params, tied.params_untied) == (192, 96 + 96 * 56 * 56)


def test_droppath_and_activation_functions():
    res = layer_class("droppath").build({"rate": 0.2}).infer((96, 56, 56))
    assert res.output_shape == (96, 56, 56) and res.counts.params == 0
    for function in FUNCTIONS:
        assert layer_class("activation").build({"function": function}).infer((8,)).counts.params == 0
    with pytest.raises(SpecError, match=r"^function: unknown activation function 'reluu' \(did you mean 'relu'\?\)$"):
        layer_class("activation").build({"function": "reluu"})
    with pytest.raises(SpecError, match=r"^function: unknown activation function 'zzz' \(known: relu, relu6,"):
        layer_class("activation").build({"function": "zzz"})


def test_a_layer_built_in_python_is_checked_like_one_from_yaml():
    conv = layer_class("conv")
    with pytest.raises(SpecError, match=r"^filters: expected an integer >= 1, got -1$"):
        conv(filters=-1, kernel=3)
    with pytest.raises(SpecError, match=r"^unknown key 'strde' \(did you mean 'stride'\?\)$"):
        conv(filters=2, kernel=3, strde=2)
    with pytest.raises(SpecError, match=r"^missing required key kernel$"):
        conv(filters=2)
    assert conv(filters=2, kernel=[3, 1]).kernel == (3, 1)  # normalised as from YAML


def _example(kind):
    """A kind's worked example (from its --help): the layer and its input shapes."""
    words = shlex.split(layer_class(kind).example)
    shapes, options = [], {}
    while words:
        flag = words.pop(0)[2:].replace("-", "_")
        value = words.pop(0) if words and not words[0].startswith("--") else "true"
        if flag == "input":
            shapes.append(tuple(int(d) for d in value.split("x")))
        else:
            options[flag] = value
    return layer_class(kind).build(options, text=True), shapes


#: Every kind, in each bias layout it has.
LAYOUTS = [
    pytest.param(kind, layout, id=f"{kind}-{layout}" if layout else kind)
    for kind in REGISTRY
    for layout in (("tied", "untied", "none") if layer_class(kind).takes("bias") else (None,))
]


@pytest.mark.parametrize("kind, layout", LAYOUTS)
def test_every_kinds_tensors_add_up_to_its_counts(kind, layout):
    layer, shapes = _example(kind)
    if layout is not None:
        layer = layer.replace(bias=layout)
    res = layer.apply(tuple(shapes))
    c = res.counts
    trained = sum(math.prod(shape) for name, shape in res.tensors if name not in BUFFERS)
    buffers = sum(math.prod(shape) for name, shape in res.tensors if name in BUFFERS)
    assert trained == c.params
    assert buffers == c.non_trainable
    names = [name for name, _ in res.tensors]
    assert len(names) == len(set(names))
