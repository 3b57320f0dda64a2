"""ONNX models counted and converted: against the models the onnx wheel ships and graphs made here.

The oracle is onnx itself: cnncount's parameters plus its non-trainable values must be the sizes
of the float tensors the model's nodes read (initializers, and the ConstantOfShape and Constant
nodes that stand for weights in the test models), and every layer's output shape the one
``onnx.shape_inference.infer_shapes`` gives its node's output.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import onnx  # a test dependency: the test extra installs it
import pytest
from onnx import TensorProto, helper, numpy_helper

import cnncount
from cnncount.convert import to_yaml
from cnncount.from_onnx import spec_of
from cnncount.model import count
from cnncount.spec import from_dict, load_spec

LIGHT = Path(onnx.__file__).parent / "backend" / "test" / "data" / "light"
MODELS = sorted(path.name for path in LIGHT.glob("*.onnx"))
FLOAT = (TensorProto.FLOAT, TensorProto.DOUBLE, TensorProto.FLOAT16, TensorProto.BFLOAT16)


#: The inputs of nodes that are arguments, not weights: Resize's roi and scales, Clip's bounds, Pad's value.
ARGUMENTS = {"Resize": (1, 2), "Clip": (1, 2), "Pad": (2,)}


def weights(model) -> int:
    """The sizes of the float tensors the model's nodes read, but for arguments: its weights."""
    read = {
        name
        for node in model.graph.node
        for k, name in enumerate(node.input)
        if k not in ARGUMENTS.get(node.op_type, ())
    }
    values = {t.name: t for t in model.graph.initializer}
    total = sum(math.prod(t.dims) for t in model.graph.initializer if t.data_type in FLOAT and t.name in read)
    for node in model.graph.node:
        value = next((a.t for a in node.attribute if a.name == "value"), None)
        if value is None or value.data_type not in FLOAT or not set(node.output) & read:
            continue
        if node.op_type == "ConstantOfShape":
            total += math.prod(numpy_helper.to_array(values[node.input[0]]).tolist())
        elif node.op_type == "Constant":
            total += math.prod(value.dims)
    return total


def inferred(model) -> dict[str, tuple[int, ...]]:
    graph = onnx.shape_inference.infer_shapes(model).graph
    shapes = {
        info.name: tuple(d.dim_value for d in info.type.tensor_type.shape.dim)
        for info in (*graph.value_info, *graph.output)
        if info.type.tensor_type.HasField("shape")
    }
    return {name: shape for name, shape in shapes.items() if shape and all(shape)}  # those onnx knows


def check(model, source: str = "model.onnx"):
    """Count the model as cnncount reads it; its weights and every layer's shape as onnx has them."""
    spec, origins = spec_of(model.SerializeToString(), source)
    report = count(from_dict(spec, source))
    assert report.totals.params + report.totals.non_trainable == weights(model)
    shapes = inferred(model)
    checked = 0
    for row in report.rows:
        origin = origins.get(row.name)
        if origin in shapes:
            assert row.output_shape == shapes[origin][1:], (row.name, origin)
            checked += 1
    assert checked >= len(report.rows) // 2
    return spec, report


# --- the models the onnx wheel ships ----------------------------------------------------------------


@pytest.mark.parametrize("name", MODELS)
def test_the_onnx_test_models_count_as_their_weights_and_shapes_say(name):
    model = onnx.load(LIGHT / name)
    spec, report = check(model, name)
    # the converted spec counts the same, and converting it again changes nothing
    text = to_yaml(spec)
    again = count(from_dict(load_spec(text, "converted.yaml"), "converted.yaml"))
    assert [(r.name, r.output_shape, r.counts) for r in again.rows] == [
        (r.name, r.output_shape, r.counts) for r in report.rows
    ]
    assert to_yaml(load_spec(text, "converted.yaml")) == text


def test_published_totals_of_the_test_models():
    # ResNet-50's 25,557,032 and SqueezeNet 1.1's 1,235,496 are torchvision's own totals for them
    assert cnncount.count(str(LIGHT / "light_resnet50.onnx")).totals.params == 25_557_032
    assert cnncount.count(str(LIGHT / "light_squeezenet.onnx")).totals.params == 1_235_496
    vgg = cnncount.count(str(LIGHT / "light_vgg19.onnx"))
    assert vgg.totals.params == 143_667_240  # torchvision's vgg19
    shuffle = cnncount.count(str(LIGHT / "light_shufflenet.onnx"))
    assert sum(row.kind == "shuffle" for row in shuffle.rows) == 16  # Reshape, Transpose, Reshape: one shuffle each


# --- graphs made here: the ops the test models do not have -------------------------------------------


def _model(nodes, inputs, outputs, weights=(), opset=21):
    graph = helper.make_graph(
        nodes,
        "made",
        [helper.make_tensor_value_info(name, TensorProto.FLOAT, shape) for name, shape in inputs],
        [helper.make_tensor_value_info(name, TensorProto.FLOAT, None) for name in outputs],
        [helper.make_tensor(name, TensorProto.FLOAT, shape, [0.0] * math.prod(shape)) for name, shape in weights],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def _ints(name, values):
    return helper.make_tensor(name, TensorProto.INT64, [len(values)], values)


@pytest.mark.parametrize(
    "nodes, weights, expected",
    [
        pytest.param(
            [helper.make_node("Conv", ["x", "w"], ["y"], pads=[0, 1, 1, 2], strides=[2, 2])],
            [("w", [4, 3, 3, 3])],
            ["zeropad", "conv"],
            id="conv-asymmetric-pads",
        ),
        pytest.param(
            [helper.make_node("Conv", ["x", "w", "b"], ["y"], auto_pad="SAME_UPPER", strides=[2, 2], group=3)],
            [("w", [6, 1, 3, 3]), ("b", [6])],
            ["conv"],
            id="conv-same-upper-grouped",
        ),
        pytest.param(
            # 8 positions, k 3, s 2: one position of padding, before (SAME_UPPER would put it after)
            [helper.make_node("Conv", ["x", "w"], ["y"], auto_pad="SAME_LOWER", strides=[2, 2])],
            [("w", [4, 3, 3, 3])],
            ["zeropad", "conv"],
            id="conv-same-lower",
        ),
        pytest.param(
            [helper.make_node("ConvTranspose", ["x", "w", "b"], ["y"], strides=[2, 2], pads=[1, 1, 1, 1])],
            [("w", [3, 5, 4, 4]), ("b", [5])],
            ["deconv"],
            id="conv-transpose",
        ),
        pytest.param(
            [
                helper.make_node("BatchNormalization", ["x", "s", "b", "m", "v"], ["n"]),
                helper.make_node("PRelu", ["n", "slope"], ["p"]),
                helper.make_node("InstanceNormalization", ["p", "s2", "b2"], ["i"]),
                helper.make_node("GroupNormalization", ["i", "s3", "b3"], ["g"], num_groups=3),
                helper.make_node("LayerNormalization", ["g", "ls", "lb"], ["y"], axis=1),
            ],
            [
                *((name, [3]) for name in ("s", "b", "m", "v", "s2", "b2", "s3", "b3")),
                ("slope", [3, 1, 1]),
                ("ls", [3, 8, 8]),
                ("lb", [3, 8, 8]),
            ],
            ["batchnorm", "prelu", "instancenorm", "groupnorm", "layernorm"],
            id="norms",
        ),
        pytest.param(
            [
                helper.make_node("MaxPool", ["x"], ["m"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]),
                helper.make_node("AveragePool", ["m"], ["a"], kernel_shape=[2, 2], ceil_mode=1),
                helper.make_node("GlobalMaxPool", ["a"], ["g"]),
                helper.make_node("Flatten", ["g"], ["f"]),
                helper.make_node("Gemm", ["f", "w", "b"], ["y"], transB=1),
            ],
            [("w", [10, 3]), ("b", [10])],
            ["maxpool", "avgpool", "adaptivemaxpool", "flatten", "dense"],
            id="pools-and-gemm",
        ),
        pytest.param(
            [
                helper.make_node("Split", ["x", "sizes"], ["a", "b"], axis=1),
                helper.make_node("Relu", ["a"], ["r"]),
                helper.make_node("Concat", ["r", "b"], ["c"], axis=1),
                helper.make_node("Sigmoid", ["c"], ["s"]),
                helper.make_node("Mul", ["c", "s"], ["m"]),
                helper.make_node("Add", ["m", "x"], ["y"]),
            ],
            [],
            ["split", "activation", "concat", "activation", "multiply", "add"],
            id="split-concat-gate-residual",
        ),
        pytest.param(
            [
                helper.make_node("Pad", ["x", "pads"], ["p"]),
                helper.make_node("Resize", ["p", "", "scales"], ["r"], mode="linear"),
                helper.make_node("Clip", ["r", "low", "high"], ["y"]),
            ],
            [("scales", [4]), ("low", []), ("high", [])],
            ["zeropad", "upsample", "activation"],
            id="pad-resize-clip",
        ),
        pytest.param(
            [
                helper.make_node("Transpose", ["x"], ["t"], perm=[0, 2, 3, 1]),
                helper.make_node("MatMul", ["t", "w"], ["mm"]),
                helper.make_node("Add", ["mm", "b"], ["y"]),
            ],
            [("w", [3, 7]), ("b", [7])],
            None,  # a transpose that is not a channel shuffle: refused
            id="transpose-refused",
        ),
    ],
)
def test_ops_the_test_models_do_not_have(nodes, weights, expected):
    extra = []
    for name, _ in weights:
        if name == "scales":
            extra.append(helper.make_tensor(name, TensorProto.FLOAT, [4], [1.0, 1.0, 2.0, 2.0]))
        elif name in ("low", "high"):
            extra.append(helper.make_tensor(name, TensorProto.FLOAT, [], [0.0 if name == "low" else 6.0]))
    plain = [(n, s) for n, s in weights if n not in ("scales", "low", "high")]
    model = _model(nodes, [("x", [1, 3, 8, 8])], [nodes[-1].output[-1]], plain)
    model.graph.initializer.extend([*extra, _ints("sizes", [1, 2]), _ints("pads", [0, 0, 1, 2, 0, 0, 1, 0])])
    if expected is None:
        with pytest.raises(cnncount.CnnCountError, match=r"node 't' \(Transpose\): a transpose that is not a channel"):
            spec_of(model.SerializeToString(), "made.onnx")
        return
    spec, report = check(model)
    assert [row.kind for row in report.rows] == expected


def test_a_batch_norms_scale_and_shift_written_out_are_one_scale_layer():
    nodes = [
        helper.make_node("Unsqueeze", ["w", "axes"], ["wu"]),
        helper.make_node("Mul", ["x", "wu"], ["m"]),
        helper.make_node("Unsqueeze", ["b", "axes"], ["bu"]),
        helper.make_node("Add", ["m", "bu"], ["y"]),
    ]
    model = _model(nodes, [("x", [1, 3, 8, 8])], ["y"], [("w", [3]), ("b", [3])])
    model.graph.initializer.append(_ints("axes", [1, 2]))
    spec, report = check(model)
    assert [(row.kind, row.layer.bias) for row in report.rows] == [("scale", "tied")]


def test_a_matmul_and_its_bias_are_one_dense_layer():
    nodes = [helper.make_node("MatMul", ["x", "w"], ["mm"]), helper.make_node("Add", ["mm", "b"], ["y"])]
    model = _model(nodes, [("x", [1, 16])], ["y"], [("w", [16, 4]), ("b", [4])])
    spec, report = check(model)
    assert [(row.kind, row.counts.params) for row in report.rows] == [("dense", 68)]


# --- what is refused ----------------------------------------------------------------------------------


def test_an_op_cnncount_has_no_kind_for_is_named():
    model = _model([helper.make_node("Einsum", ["x", "x"], ["y"], equation="ij,ij->ij")], [("x", [1, 4])], ["y"])
    with pytest.raises(
        cnncount.CnnCountError, match=r"made.onnx: node 'y' \(Einsum\): cnncount has no kind for this op"
    ):
        spec_of(model.SerializeToString(), "made.onnx")


def test_a_file_that_is_not_onnx_says_so():
    with pytest.raises(cnncount.CnnCountError, match="bad.onnx: not an ONNX model"):
        spec_of(b"\xff\xfe not protobuf at all", "bad.onnx")


def test_without_the_onnx_package_one_line_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "onnx", None)
    with pytest.raises(cnncount.CnnCountError, match=r"pip install 'cnncount\[onnx\]'"):
        spec_of(b"", "model.onnx")


def test_a_symbolic_input_size_asks_for_input():
    model = _model([helper.make_node("Relu", ["x"], ["y"])], [("x", ["N", 3, "H", "W"])], ["y"])
    with pytest.raises(cnncount.CnnCountError, match="input 'x' has no fixed shape after the batch.*give --input"):
        spec_of(model.SerializeToString(), "model.onnx")


def test_a_node_without_an_attribute_its_op_needs_is_named():
    model = _model([helper.make_node("MaxPool", ["x"], ["y"], name="pool")], [("x", [1, 3, 8, 8])], ["y"])
    with pytest.raises(cnncount.CnnCountError, match=r"node 'pool' \(MaxPool\)"):
        spec_of(model.SerializeToString(), "made.onnx")


def test_resnet50s_units_convert_to_residual_blocks():
    spec, _ = spec_of((LIGHT / "light_resnet50.onnx").read_bytes(), "light_resnet50.onnx")
    blocks = [entry for entry in spec["layers"] if entry["type"] == "residual"]
    assert len(blocks) == 16  # 3 + 4 + 6 + 3 bottlenecks
    assert sum("shortcut" in block for block in blocks) == 4  # the first of each stage projects
    assert all(len(block["layers"]) == 8 for block in blocks)  # conv, bn, relu, conv, bn, relu, conv, bn


@pytest.mark.parametrize(
    "entries, made",
    [
        pytest.param(
            [
                {"type": "conv", "name": "a", "filters": 4, "kernel": 3, "padding": 1},
                {"type": "activation", "name": "b"},
                {"type": "add", "name": "sum", "from": ["b", "input"]},
            ],
            [{"type": "residual", "name": "sum", "layers": ["a", "b"]}],
            id="identity",
        ),
        pytest.param(
            [
                {"type": "conv", "name": "a", "filters": 4, "kernel": 3, "padding": 1},
                {"type": "conv", "name": "p", "from": "input", "filters": 4, "kernel": 1},
                {"type": "add", "name": "sum", "from": ["a", "p"]},
            ],
            [{"type": "residual", "name": "sum", "layers": ["a"], "shortcut": ["p"]}],
            id="projection",
        ),
        pytest.param(
            [
                {"type": "conv", "name": "a", "filters": 4, "kernel": 3, "padding": 1},
                {"type": "activation", "name": "b"},
                {"type": "add", "name": "sum", "from": ["b", "input"]},
                {"type": "concat", "name": "c", "from": ["sum", "a"]},  # reads inside the unit
            ],
            None,
            id="read-inside",
        ),
    ],
)
def test_plain_residual_patterns_become_blocks(entries, made):
    from cnncount.imported import residuals

    out = residuals([dict(entry) for entry in entries])
    if made is None:
        assert [entry["name"] for entry in out] == [entry["name"] for entry in entries]
        return
    shown = [
        {k: ([e["name"] for e in v] if k in ("layers", "shortcut") else v) for k, v in entry.items()} for entry in out
    ]
    assert shown == made
    doc = {"input": [4, 8, 8], "layers": entries}
    assert count(from_dict({**doc, "layers": out}, "x")).totals == count(from_dict(doc, "x")).totals
