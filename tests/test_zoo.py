"""All 72 torchvision CNN classifiers, bundled: published totals, and every layer matched to PyTorch by name.

For each model:

* the published figures: ``num_params`` of its default weights equals cnncount's
  total, and their ``_ops`` (GFLOPS, which count convolution and linear
  multiply-accumulates) equals cnncount's MACs, to the three decimals published;
* the same network in plain PyTorch (``tests/torch_zoo.py``, checked against
  torchvision itself), built on the meta device, matched *by name*: every
  parameter tensor of every cnncount row is the tensor of the same dotted name
  in the PyTorch ``state_dict`` (``layer1.0.conv1.weight``), with the same shape,
  and every tensor of the ``state_dict`` belongs to exactly one row; every call
  of a leaf module in an eval-mode forward pass is a row of that name and
  family, with the same input and output shapes, MACs and options; the total
  MACs are the flop counter's (``torch.utils.flop_counter``) halved;
* the generated specs are exactly what the generator writes (``tests/zoo``).
  After a deliberate change, ``CNNCOUNT_UPDATE_ZOO=1 python -m pytest tests/test_zoo.py``
  rewrites them; review the diff.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import math
import os
from collections import defaultdict
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import cnncount
from cnncount.layers.base import BUFFERS
from cnncount.model import Report, Row
from cnncount.shapes import to_layout
from cnncount.sources import bundled_names, bundled_variant, read_spec
from tests.zoo import GENERATED
from tests.zoo.published import INPUTS, PUBLISHED

SPECS = Path(__file__).parent.parent / "specs"
NAMES = list(INPUTS)


@functools.cache
def report_of(name: str) -> Report:
    return cnncount.count(name)


def test_the_zoo_is_torchvisions_72_classifiers():
    assert len(NAMES) == 72 and set(PUBLISHED) == set(NAMES)
    assert not set(NAMES) - set(bundled_names()), "not bundled"


#: The networks a bundled family file counts as variants (resnet50 of specs/resnet.yaml): the
#: generator's flat spec of each (or the hand-written one in docs/examples) is their oracle.
VARIANTS = [name for name in bundled_names() if bundled_variant(name)[1] is not None]
EXAMPLES = Path(__file__).parent.parent / "docs" / "examples"


@pytest.mark.parametrize("name", sorted(set(GENERATED) - set(VARIANTS)))
def test_generated_specs_are_what_the_generator_writes(name):
    text = GENERATED[name]()
    path = SPECS / f"{name}.yaml"
    if os.environ.get("CNNCOUNT_UPDATE_ZOO"):
        path.write_text(text)
    assert path.read_text() == text, f"specs/{name}.yaml differs from what tests/zoo writes"


def _as_compared(report: Report, by_hand: bool = False) -> dict[str, Any]:
    """A report's JSON document without what says where each row was written: its entries'
    paths in the file, the file's arguments, the made-up titles of unnamed blocks. The hand-written specs name a downsample's
    layers downsample.0 and downsample.1 where the generator has a block, downsample, of 0
    and 1: of theirs, the layers' qualified names are compared, not the blocks."""
    doc = json.loads(cnncount.to_json(report))
    del doc["args"]
    for row in doc["layers"] + doc["blocks"]:
        row.pop("path", None)
        if by_hand:
            row.pop("name")
    for row in doc["blocks"]:
        if row["qualified_name"] is None:  # an unnamed block's title is made up: concat, or concat #2
            row.pop("name", None)
    if by_hand:
        del doc["blocks"]
    return doc


def test_every_family_variant_is_a_bundled_network():
    assert VARIANTS and set(VARIANTS) <= set(NAMES)


@pytest.mark.parametrize("name", VARIANTS)
def test_family_variants_are_the_flat_specs_row_for_row(name):
    """Every row of a variant (names, kinds, shapes, options, every count and MAC) is the
    row of the flat spec the generator writes, or of the hand-written spec, in order."""
    by_hand = name not in GENERATED
    text = (EXAMPLES / f"{name}.yaml").read_text() if by_hand else GENERATED[name]()
    assert _as_compared(report_of(name), by_hand) == _as_compared(cnncount.count(text), by_hand)


#: Totals with every bias untied of the hand-written specs with biases to untie (each row's untied biases
#: are checked against PyTorch's output shapes below; these pin the sums).
UNTIED = {
    "alexnet": 61_584_680,
    "vgg16": 151_900_840,
    "vgg16_bn": 151_909_288,
    "squeezenet1_0": 5_590_696,
    "resnet50": 25_557_032,
}


@pytest.mark.parametrize("name", sorted(UNTIED))
def test_untied_totals_worked_by_hand(name):
    assert report_of(name).totals.params_untied == UNTIED[name]


@pytest.mark.parametrize("name", NAMES)
def test_published_totals(name):
    report = report_of(name)
    published = PUBLISHED[name]
    assert report.name == name
    assert report.input_shape == INPUTS[name]
    assert report.totals.params == report.totals.params_tied == published["num_params"]
    assert round(report.totals.macs / 1e9, 3) == published["gflops"]
    header = "\n".join(line for line in read_spec(name)[0].splitlines() if line.startswith("#"))
    assert f"{published['num_params']:,}" in header and published["weights"] in header


# --- layer by layer, against PyTorch --------------------------------------------------------------

#: cnncount kind -> the family of PyTorch modules it is.
FAMILY = {
    "conv": "conv",
    "depthwise": "conv",
    "dense": "linear",
    "batchnorm": "batchnorm",
    "layernorm": "layernorm",
    "maxpool": "maxpool",
    "avgpool": "avgpool",
    "adaptiveavgpool": "adaptiveavgpool",
    "globalavgpool": "adaptiveavgpool",
    "dropout": "dropout",
    "droppath": "droppath",
    "activation": "activation",
}

#: PyTorch activation modules -> cnncount's function names.
FUNCTIONS = {
    "ReLU": "relu",
    "ReLU6": "relu6",
    "SiLU": "silu",
    "GELU": "gelu",
    "Sigmoid": "sigmoid",
    "Hardsigmoid": "hardsigmoid",
    "Hardswish": "hardswish",
    "Tanh": "tanh",
}


def family_of(torch: ModuleType, module: Any) -> str | None:
    """The family of a leaf module; None for one cnncount has no row for (a reshape, a permutation)."""
    nn = torch.nn
    families = [
        (nn.modules.conv._ConvNd, "conv"),
        (nn.Linear, "linear"),
        (nn.modules.batchnorm._BatchNorm, "batchnorm"),
        (nn.LayerNorm, "layernorm"),
        ((nn.MaxPool1d, nn.MaxPool2d, nn.MaxPool3d), "maxpool"),
        ((nn.AvgPool1d, nn.AvgPool2d, nn.AvgPool3d), "avgpool"),
        ((nn.AdaptiveAvgPool1d, nn.AdaptiveAvgPool2d, nn.AdaptiveAvgPool3d), "adaptiveavgpool"),
        (nn.modules.dropout._DropoutNd, "dropout"),
    ]
    for classes, family in families:
        if isinstance(module, classes):
            return family
    kind = type(module).__name__
    if kind in FUNCTIONS:
        return "activation"
    if kind == "StochasticDepth":
        return "droppath"
    if isinstance(module, (nn.Flatten, nn.Identity)) or kind == "Permute":
        return None
    raise AssertionError(f"tests/test_zoo.py does not know how to match {kind} to a cnncount kind")


@pytest.fixture(scope="module")
def torch_zoo(torch: ModuleType) -> ModuleType:
    """tests/torch_zoo.py, loaded by path (it imports torch, so only once torch is there)."""
    path = Path(__file__).with_name("torch_zoo.py")
    spec = importlib.util.spec_from_file_location("cnncount_test_torch_zoo", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _same_shape(row_shape: tuple[int, ...], torch_shape: tuple[int, ...], row: Row) -> bool:
    """cnncount writes channels first; inside ConvNeXt's blocks PyTorch runs channels last,
    and a global pool keeps PyTorch's 1x1 positions."""
    if row.kind == "globalavgpool":
        return torch_shape == (*row_shape, *(1 for _ in row.input_shape[1:]))
    return torch_shape in (row_shape, to_layout(row_shape, "channels_last"))


def _module_macs(module: Any, output_shape: tuple[int, ...], family: str) -> int:
    """A conv's or linear layer's multiply-accumulates, as torch's flop counter counts them (halved)."""
    if family == "conv":
        return math.prod(output_shape) * module.weight[0].numel()
    if family == "linear":
        return math.prod(output_shape) * module.in_features
    return 0


def _untied(module: Any, output_shape: tuple[int, ...], family: str) -> int:
    """The untied biases of a module: one per output value of a conv with biases (or of a Linear applied
    at every position, ConvNeXt's), else its tied ones."""
    bias = getattr(module, "bias", None)
    if bias is None or not isinstance(bias, type(module.weight)):
        return 0
    per_position = family == "conv" or (family == "linear" and len(output_shape) > 1)
    return math.prod(output_shape) if per_position else bias.numel()


def _option_mismatches(row: Row, module: Any, family: str) -> list[str]:
    layer = row.layer
    rank = len(row.input_shape) - 1

    def dims(value: Any) -> tuple[Any, ...]:
        return tuple(value) if isinstance(value, (tuple, list)) else (value,) * rank

    pairs: list[tuple[str, Any, Any]] = []
    if row.kind == "conv":
        pairs += [
            ("kernel", dims(layer.kernel), dims(module.kernel_size)),
            ("stride", dims(layer.stride), dims(module.stride)),
            ("padding", dims(layer.padding), dims(module.padding)),
            ("dilation", dims(layer.dilation), dims(module.dilation)),
            ("groups", layer.groups, module.groups),
        ]
    elif row.kind == "depthwise":
        pairs += [
            ("kernel", dims(layer.kernel), dims(module.kernel_size)),
            ("stride", dims(layer.stride), dims(module.stride)),
            ("padding", dims(layer.padding), dims(module.padding)),
            ("groups", row.input_shape[0], module.groups),
        ]
    elif row.kind in ("maxpool", "avgpool"):
        pairs += [
            ("kernel", dims(layer.kernel), dims(module.kernel_size)),
            ("stride", dims(layer.kernel if layer.stride is None else layer.stride), dims(module.stride)),
            ("padding", dims(layer.padding), dims(module.padding)),
            ("ceil_mode", layer.ceil_mode, module.ceil_mode),
        ]
    elif row.kind == "adaptiveavgpool":
        pairs.append(("output", dims(layer.output), dims(module.output_size)))
    elif row.kind in ("dropout", "droppath"):
        pairs.append(("rate", layer.rate, module.p))
    elif row.kind == "activation":
        pairs.append(("function", layer.function, FUNCTIONS[type(module).__name__]))
    return [f"{key}: cnncount {ours!r}, PyTorch {theirs!r}" for key, ours, theirs in pairs if ours != theirs]


def _check_tensors(name: str, report: Report, model: Any) -> None:
    """Every tensor of every row is the state_dict's tensor of that name; every state_dict tensor is one row's."""
    state = {key: tuple(value.shape) for key, value in model.state_dict().items()}
    trained = {key for key, _ in model.named_parameters()}
    claimed: dict[str, str] = {}
    for row in report.rows:
        if row.shares is not None:
            continue
        for role, shape in row.tensors:
            key = f"{row.qualified_name}.{role}"
            if key not in state and role == "weight" and row.qualified_name in state:
                key = row.qualified_name  # a parameter of the block itself: ConvNeXt's layer_scale
            where = f"{name}: row {row.index} {row.qualified_name} ({row.kind}) has {role} {shape}"
            assert key in state, f"{where}; PyTorch has no {key}"
            assert state[key] == shape, f"{where}; PyTorch's {key} is {state[key]}"
            assert (role not in BUFFERS) == (key in trained), f"{where}; trainable in one and not the other"
            assert key not in claimed, f"{where}; {key} is already row {claimed[key]}'s"
            claimed[key] = row.qualified_name
    unclaimed = sorted(key for key in state if key not in claimed and not key.endswith("num_batches_tracked"))
    assert not unclaimed, f"{name}: PyTorch tensors no cnncount row has: {unclaimed[:8]}"


@pytest.mark.parametrize("name", NAMES)
def test_matches_pytorch_layer_by_layer(name: str, torch: ModuleType, torch_zoo: ModuleType) -> None:
    from torch.utils.flop_counter import FlopCounterMode

    report = report_of(name)
    builder, shape = torch_zoo.ZOO[name]
    assert shape == INPUTS[name]
    with torch.device("meta"):
        model = builder()
    model.eval()
    _check_tensors(name, report, model)

    calls: dict[str, list[tuple[Any, tuple[int, ...], tuple[int, ...]]]] = defaultdict(list)
    handles = []
    for module_name, module in model.named_modules():
        if next(module.children(), None) is not None:
            continue

        def hook(module: Any, args: tuple[Any, ...], output: Any, module_name: str = module_name) -> None:
            calls[module_name].append((module, tuple(args[0].shape[1:]), tuple(output.shape[1:])))

        handles.append(module.register_forward_hook(hook))
    try:
        with torch.no_grad(), FlopCounterMode(display=False) as counter:
            output = model(torch.zeros(1, *shape, device="meta"))
    finally:
        for handle in handles:
            handle.remove()

    assert 2 * report.totals.macs == counter.get_total_flops(), f"{name}: MACs differ from the flop counter's"
    assert tuple(output.shape[1:]) == report.output_shape

    rows: dict[str, list[Row]] = defaultdict(list)
    for row in report.rows:
        if row.kind in FAMILY and not row.training:
            rows[row.qualified_name].append(row)
    for module_name, made in calls.items():
        family = family_of(torch, made[0][0])
        if family is None:
            continue
        ours = rows.pop(module_name, [])
        assert len(ours) == len(made), (
            f"{name}: PyTorch calls {module_name} ({type(made[0][0]).__name__}) {len(made)} times, "
            f"cnncount has {len(ours)} rows of that name"
        )
        for row, (module, shape_in, shape_out) in zip(ours, made):
            where = f"{name}: row {row.index} {row.qualified_name} ({row.kind}) vs {type(module).__name__}"
            assert FAMILY[row.kind] == family, where
            assert _same_shape(row.input_shape, shape_in, row), f"{where}: input {row.input_shape} vs {shape_in}"
            assert _same_shape(row.output_shape, shape_out, row), f"{where}: output {row.output_shape} vs {shape_out}"
            assert row.counts.macs == _module_macs(module, shape_out, family), where
            assert row.counts.untied_biases == _untied(module, shape_out, family), where
            assert not _option_mismatches(row, module, family), (where, _option_mismatches(row, module, family))
    # rows of a module family left over are functional calls in PyTorch (F.relu, F.avg_pool2d): no parameters
    assert all(not row.tensors for left in rows.values() for row in left), f"{name}: rows without a module"


def test_inception_v3_at_its_min_size_leaves_its_aux_head_out(torch: ModuleType, torch_zoo: ModuleType) -> None:
    """torchvision runs Inception-v3 down to 75x75 in eval mode, where AuxLogits cannot run: the
    inference network is counted, with a note, and the aux head's parameters are left out."""
    from torch.utils.flop_counter import FlopCounterMode

    report = cnncount.count("inception_v3", input_shape=(3, 75, 75))
    (note,) = report.notes
    assert note.startswith("AuxLogits (a side block that runs only while training) is left out: kernel 5x5")
    assert not any(row.qualified_name.startswith("AuxLogits.") for row in report.rows)
    with torch.device("meta"):
        model = torch_zoo.ZOO["inception_v3"][0]()
    model.eval()
    aux = sum(p.numel() for name, p in model.named_parameters() if name.startswith("AuxLogits."))
    assert report.totals.params == PUBLISHED["inception_v3"]["num_params"] - aux == 23_834_568
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        model(torch.zeros(1, 3, 75, 75, device="meta"))
    assert 2 * report.totals.macs == counter.get_total_flops()
    assert report.training_macs == 0  # nothing of the head ran
    # at 299, the head is counted, and its MACs are reported apart
    full = report_of("inception_v3")
    assert full.notes == () and full.training_macs == sum(r.counts.macs for r in full.rows if r.training) > 0
