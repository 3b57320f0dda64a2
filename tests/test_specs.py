"""The bundled specs beside torchvision's classifiers (tests/test_zoo.py has those): published totals,
and every layer checked against PyTorch.

Two kinds of test per spec in specs/:

* the totals cnncount gives are pinned: ``params`` to the published count of
  the reference implementation, ``params_untied`` to the count worked out by
  hand in the spec's header and confirmed by the oracle below;
* the oracle: the same network written in plain PyTorch (tests/torch_nets.py)
  runs a batch of one zero input with a forward hook on every leaf module, and
  each hooked call is matched with cnncount's row for that layer: kind, input
  and output shapes, weights, biases in both layouts, MACs, batchnorm
  statistics; then the totals, computed from PyTorch alone.
"""

from __future__ import annotations

import importlib.util
import math
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from cnncount.graph import Architecture
from cnncount.layers.base import Layer
from cnncount.model import Report, Row, count
from cnncount.sources import bundled_names, read_spec
from cnncount.spec import from_yaml

#: name, published total (tied biases, as the reference implementation has them),
#: total with every bias untied (hand-computed in the spec's header, confirmed by PyTorch).
SPECS = [
    pytest.param("conv5x5_cifar", 2_432, 27_488, id="conv5x5_cifar"),
    pytest.param("lenet5", 61_706, 67_988, id="lenet5"),
    pytest.param("kim2014_text_cnn", 360_902, 378_902, id="kim2014_text_cnn"),
    # googlenet (tests/test_zoo.py) with its auxiliary heads run, as googlenet(aux_logits=True) trains
    pytest.param("googlenet_aux", 13_004_888, 13_004_888, id="googlenet_aux"),
]
NAMES = [case.values[0] for case in SPECS]


def arch_of(name: str) -> Architecture:
    text, source = read_spec(name)
    return from_yaml(text, source)


def report_of(name: str) -> Report:
    return count(arch_of(name))


# --- pinned totals -----------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "params", "params_untied"), SPECS)
def test_published_totals(name: str, params: int, params_untied: int) -> None:
    totals = report_of(name).totals
    assert totals.params == params
    assert totals.params_tied == params  # every spec uses its reference's (tied) layout
    assert totals.params_untied == params_untied
    assert totals.weights + totals.tied_biases == params


@pytest.mark.parametrize(("name", "params", "params_untied"), SPECS)
def test_header_states_the_published_total(name: str, params: int, params_untied: int) -> None:
    text, _ = read_spec(name)
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert header, f"{name}.yaml has no comment block citing its source"
    assert any(f"{params:,}" in line for line in header), f"{name}.yaml's header does not state {params:,}"


def test_specs_are_bundled() -> None:
    # Specs added by other work are pinned by their own tests; these must all be there.
    missing = set(NAMES) - set(bundled_names())
    assert not missing, f"not found in specs/: {sorted(missing)}"


def test_spec_names_match_files() -> None:
    for name in NAMES:
        assert report_of(name).name == name


# --- the PyTorch oracle ------------------------------------------------------------------------

#: cnncount kinds with a PyTorch module to match, by family.  flatten is left
#: out on both sides: PyTorch code reshapes in many ways (torch.flatten,
#: x.view, nothing after a 1-D global pool), and the next layer's input shape
#: checks it anyway.
ROW_FAMILY = {
    "conv": "conv",
    "deconv": "deconv",
    "dense": "dense",
    "batchnorm": "batchnorm",
    "maxpool": "maxpool",
    "avgpool": "avgpool",
    "adaptiveavgpool": "adaptiveavgpool",
    "globalavgpool": "adaptiveavgpool",
    "adaptivemaxpool": "adaptivemaxpool",
    "globalmaxpool": "adaptivemaxpool",
    "dropout": "dropout",
    "activation": "activation",
}
GLOBAL_KINDS = ("globalavgpool", "globalmaxpool")


def torch_family(torch: ModuleType, module: Any) -> str | None:
    """The family of a leaf module; None for a reshape; an error for a module nobody mapped."""
    nn = torch.nn
    families = [
        (nn.modules.conv._ConvTransposeNd, "deconv"),  # before _ConvNd: it is one too
        (nn.modules.conv._ConvNd, "conv"),
        (nn.Linear, "dense"),
        (nn.modules.batchnorm._BatchNorm, "batchnorm"),
        ((nn.MaxPool1d, nn.MaxPool2d, nn.MaxPool3d), "maxpool"),
        ((nn.AvgPool1d, nn.AvgPool2d, nn.AvgPool3d), "avgpool"),
        ((nn.AdaptiveAvgPool1d, nn.AdaptiveAvgPool2d, nn.AdaptiveAvgPool3d), "adaptiveavgpool"),
        ((nn.AdaptiveMaxPool1d, nn.AdaptiveMaxPool2d, nn.AdaptiveMaxPool3d), "adaptivemaxpool"),
        (nn.modules.dropout._DropoutNd, "dropout"),
        ((nn.ReLU, nn.ReLU6, nn.Tanh, nn.Sigmoid, nn.GELU, nn.SiLU, nn.LeakyReLU), "activation"),
    ]
    for classes, family in families:
        if isinstance(module, classes):
            return family
    if isinstance(module, (nn.Flatten, nn.Identity)):
        return None
    raise AssertionError(f"tests/test_specs.py does not know how to match {type(module).__name__} to a cnncount kind")


@dataclass
class Call:
    """One call of a leaf module during the forward pass."""

    name: str
    module: Any
    family: str
    input_shape: tuple[int, ...]
    output_shape: tuple[int, ...]

    def param(self, attr: str) -> Any:
        value = getattr(self.module, attr, None)
        return value if value is not None and value.requires_grad else None

    def weights(self) -> int:
        weight = self.param("weight")
        return 0 if weight is None else weight.numel()

    def tied_biases(self) -> int:
        bias = self.param("bias")
        return 0 if bias is None else bias.numel()

    def untied_biases(self) -> int:
        """One bias per output value of a conv; a dense or batchnorm layer's count does not change."""
        if self.param("bias") is None:
            return 0
        if self.family in ("conv", "deconv"):
            return math.prod(self.output_shape)
        return self.tied_biases()

    def macs(self) -> int:
        weight = self.param("weight")
        if self.family == "conv":
            return math.prod(self.output_shape) * weight[0].numel()  # in/groups * kernel per output value
        if self.family == "deconv":
            return math.prod(self.input_shape) * weight[0].numel()  # out/groups * kernel per input value
        if self.family == "dense":
            return weight.numel()
        return 0

    def non_trainable(self) -> int:
        if self.family != "batchnorm" or self.module.running_mean is None:
            return 0
        return self.module.running_mean.numel() + self.module.running_var.numel()


def trace(torch: ModuleType, model: Any, input_shape: tuple[int, ...]) -> tuple[list[Call], Any]:
    """Run a zero batch of one through ``model``; every leaf module call in order, and the output."""
    calls: list[Call] = []
    handles = []
    for name, module in model.named_modules():
        if next(module.children(), None) is not None:
            continue
        family = torch_family(torch, module)
        if family is None:
            continue

        def hook(module: Any, args: tuple[Any, ...], output: Any, name: str = name, family: str = family) -> None:
            calls.append(Call(name, module, family, tuple(args[0].shape[1:]), tuple(output.shape[1:])))

        handles.append(module.register_forward_hook(hook))
    model.eval()
    try:
        with torch.no_grad():
            output = model(torch.zeros(1, *input_shape))
    finally:
        for handle in handles:
            handle.remove()
    return calls, output


#: Kinds with no module in the PyTorch networks: reshapes, and merges (torch.cat, +, * in forward()).
UNMATCHED = ("flatten", "add", "multiply", "concat", "split", "shuffle")


def matched(report: Report, calls: list[Call]) -> list[tuple[Row, Call]]:
    """Pair cnncount's rows with the module calls, in execution order, kind by kind."""
    rows = [row for row in report.rows if row.kind not in UNMATCHED]
    unknown = {row.kind for row in rows} - set(ROW_FAMILY)
    assert not unknown, f"no PyTorch family for cnncount kinds {unknown}: extend ROW_FAMILY"
    ours = [f"{row.name} ({ROW_FAMILY[row.kind]})" for row in rows]
    theirs = [f"{call.name} ({call.family})" for call in calls]
    assert [ROW_FAMILY[row.kind] for row in rows] == [call.family for call in calls], (
        f"cnncount has {len(rows)} layers, PyTorch ran {len(calls)} modules; first difference at "
        + next(
            (f"#{i}: {a} vs {b}" for i, (a, b) in enumerate(zip(ours, theirs)) if a.split()[-1] != b.split()[-1]),
            f"#{min(len(ours), len(theirs))}: one list ends",
        )
    )
    return list(zip(rows, calls))


ACTIVATIONS = {"ReLU": "relu", "ReLU6": "relu6", "Tanh": "tanh", "Sigmoid": "sigmoid", "GELU": "gelu", "SiLU": "silu"}


def option_mismatches(layer: Layer, module: Any, rank: int) -> list[str]:
    """Options of a cnncount layer that differ from its PyTorch module's (``rank`` spatial dims).

    Shapes and counts do not pin everything down: a 2x2 and a 3x3 max pool with
    stride 2 and ceil_mode both take 14x14 to 7x7, and a dropout rate or an
    activation function shows in no count at all.
    """

    def dims(value: Any) -> tuple[Any, ...]:
        return tuple(value) if isinstance(value, (tuple, list)) else (value,) * rank

    pairs: list[tuple[str, Any, Any]] = []
    if layer.kind in ("conv", "deconv"):
        padding = layer.padding if isinstance(layer.padding, str) else dims(layer.padding)
        pairs += [
            ("kernel", dims(layer.kernel), dims(module.kernel_size)),
            ("stride", dims(layer.stride), dims(module.stride)),
            ("padding", padding, module.padding if isinstance(module.padding, str) else dims(module.padding)),
            ("dilation", dims(layer.dilation), dims(module.dilation)),
            ("groups", layer.groups, module.groups),
        ]
    elif layer.kind in ("maxpool", "avgpool"):
        stride = layer.kernel if layer.stride is None else layer.stride
        pairs += [
            ("kernel", dims(layer.kernel), dims(module.kernel_size)),
            ("stride", dims(stride), dims(module.stride)),
            ("padding", dims(layer.padding), dims(module.padding)),
            ("ceil_mode", layer.ceil_mode, module.ceil_mode),
        ]
        if layer.kind == "maxpool":
            pairs.append(("dilation", dims(layer.dilation), dims(module.dilation)))
    elif layer.kind in ("adaptiveavgpool", "adaptivemaxpool"):
        pairs.append(("output", dims(layer.output), dims(module.output_size)))
    elif layer.kind in GLOBAL_KINDS:
        pairs.append(("output", (1,) * rank, dims(module.output_size)))
    elif layer.kind == "dropout":
        pairs.append(("rate", layer.rate, module.p))
    elif layer.kind == "activation":
        pairs.append(("function", layer.function, ACTIVATIONS.get(type(module).__name__)))
    elif layer.kind == "batchnorm":
        pairs.append(("affine", layer.affine, module.affine))
    return [f"{key}: cnncount {ours!r}, PyTorch {theirs!r}" for key, ours, theirs in pairs if ours != theirs]


def torch_shape(row: Row, shape: tuple[int, ...]) -> tuple[int, ...]:
    """A PyTorch output shape as cnncount writes it: global pools drop the 1-sized positions."""
    if row.kind in GLOBAL_KINDS:
        assert all(d == 1 for d in shape[1:]), f"{row.name}: a global pool should leave 1x...x1, got {shape}"
        return shape[:1]
    return shape


@pytest.fixture(scope="module")
def torch_nets(torch: ModuleType) -> ModuleType:
    """tests/torch_nets.py, loaded by path (it imports torch, so only once torch is there)."""
    path = Path(__file__).with_name("torch_nets.py")
    spec = importlib.util.spec_from_file_location("cnncount_test_torch_nets", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", NAMES)
def test_matches_pytorch(name: str, torch: ModuleType, torch_nets: ModuleType) -> None:
    report = count(arch_of(name))
    layer_of: dict[int, Layer] = {row.index: row.layer for row in report.rows}
    torch.manual_seed(0)
    model = torch_nets.NETS[name]()
    calls, output = trace(torch, model, report.input_shape)
    pairs = matched(report, calls)

    # Layer by layer.
    for row, call in pairs:
        where = f"{name}: row {row.index} {row.name} ({row.kind}) vs {call.name} ({type(call.module).__name__})"
        assert torch_shape(row, call.output_shape) == row.output_shape, where
        assert call.input_shape == row.input_shape, where
        assert row.counts.weights == call.weights(), where
        assert row.counts.tied_biases == call.tied_biases(), where
        assert row.counts.untied_biases == call.untied_biases(), where
        assert row.counts.macs == call.macs(), where
        assert row.counts.non_trainable == call.non_trainable(), where
        assert not option_mismatches(layer_of[row.index], call.module, len(row.input_shape) - 1), where

    # A module with parameters runs once: cnncount counts a layer per occurrence.
    with_params = [id(call.module) for call in calls if call.weights() or call.tied_biases()]
    assert len(with_params) == len(set(with_params)), f"{name}: a module with parameters runs twice"
    # Every parameter of the model belongs to a module that ran.
    ran = {id(call.module) for call in calls}
    idle = [
        n for n, m in model.named_modules() if next(m.parameters(recurse=False), None) is not None and id(m) not in ran
    ]
    assert not idle, f"{name}: modules with parameters that never ran: {idle}"

    # The totals, from PyTorch alone.
    totals = report.totals
    assert totals.params == sum(p.numel() for p in model.parameters() if p.requires_grad)
    assert totals.weights == sum(
        m.weight.numel() for m in model.modules() if isinstance(getattr(m, "weight", None), torch.nn.Parameter)
    )
    assert totals.params_untied == sum(call.weights() + call.untied_biases() for call in calls)
    assert totals.macs == sum(call.macs() for call in calls)
    assert totals.non_trainable == sum(
        b.numel() for n, b in model.named_buffers() if n.endswith(("running_mean", "running_var"))
    )

    # The network's output, and its side outputs (googlenet_aux's auxiliary classifiers).
    outputs = output if isinstance(output, tuple) else (output,)
    assert tuple(outputs[0].shape[1:]) == report.output_shape
    assert [tuple(o.shape[1:]) for o in outputs[1:]] == [g.side_output for g in report.side_outputs]
