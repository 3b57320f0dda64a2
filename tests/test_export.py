"""``cnncount export``: the PyTorch module it writes counts, in torch, exactly what cnncount counts.

Every check builds the written file's module with torch itself: its parameters against cnncount's
params, its buffers against the non-trainable count (torch's num_batches_tracked aside: a
counter, not a value the network learns), and, on a forward pass on the meta device (nothing is
allocated, so the big networks cost nothing), every layer's output shape against cnncount's, by
forward hooks on the modules that carry the layers' names.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

import cnncount
from cnncount.export import pytorch
from cnncount.sources import bundled_names

from .test_oracle import architecture, command, input_shapes, layers

GOLDEN = Path(__file__).parent / "golden" / "export"


def build(torch: Any, report, tmp_path: Path | None = None) -> Any:
    """The module the exported source defines, built on the meta device."""
    export = pytorch(report)
    namespace: dict[str, Any] = {"__name__": "exported"}
    exec(compile(export.source, f"<export of {report.name}>", "exec"), namespace)  # noqa: S102 - our own output
    classes = [v for v in namespace.values() if isinstance(v, type) and issubclass(v, torch.nn.Module)]
    with torch.device("meta"):
        model = classes[-1]()  # the network is the last class the file defines
    return model.eval(), export


def check(torch: Any, report, *, macs: bool = True) -> None:
    """Params, buffers, every layer's output shape and (with ``macs``) the MACs, as cnncount counts
    them: the MACs as torch.utils.flop_counter counts the forward pass, halved."""
    model, export = build(torch, report)
    params = sum(p.numel() for p in model.parameters())
    buffers = sum(b.numel() for name, b in model.named_buffers() if not name.endswith("num_batches_tracked"))
    assert (params, buffers) == (report.totals.params, report.totals.non_trainable)
    modules = dict(model.named_modules())
    seen: dict[str, list[tuple[int, ...]]] = {}

    def hook(name: str):
        def record(module: Any, inputs: Any, output: Any) -> None:
            seen.setdefault(name, []).append((tuple(inputs[0].shape[1:]), tuple(output.shape[1:])))

        return record

    for name in set(export.paths.values()):
        modules[name].register_forward_hook(hook(name))
    tokens = bool(report.rows) and report.rows[0].kind == "embedding"
    with torch.device("meta"):
        inputs = [
            torch.zeros((1, *shape), dtype=torch.long) if tokens else torch.zeros((1, *shape))
            for _, shape in report.inputs
        ]
        from torch.utils.flop_counter import FlopCounterMode

        with FlopCounterMode(display=False) as counter:
            out = model(*inputs)
    if macs:
        assert counter.get_total_flops() == 2 * (report.totals.macs + report.training_macs)
    outs = out if isinstance(out, tuple) else (out,)
    assert [tuple(o.shape[1:]) for o in outs] == [o.shape for o in report.outputs]
    expected: dict[str, list[tuple[tuple[int, ...], tuple[int, ...]]]] = {}
    for row in report.rows:
        if row.index in export.paths:
            expected.setdefault(export.paths[row.index], []).append(_module_shapes(row))
    assert seen == expected


def _module_shapes(row) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """What the row's module reads and gives: a pointwise dense layer (nn.Linear) works channels
    last, forward moving the channels last before it and first after it; an embedding gives its
    dims last, moved first after it; same padding comes before the module."""
    shape_in, shape = row.input_shape, row.output_shape
    if row.kind == "dense" and row.layer.pointwise and len(shape) > 1:
        return (*shape_in[1:], shape_in[0]), (*shape[1:], shape[0])
    if row.kind == "embedding":
        return shape_in, (*shape[1:], shape[0])
    if getattr(row.layer, "padding", None) == "same" and row.kind in ("conv", "depthwise", "separable", "local"):
        return _padded(row), shape
    return shape_in, shape


def _padded(row) -> tuple[int, ...]:
    """The input after same padding, where the module does not pad it itself (asymmetric amounts)."""
    from cnncount.shapes import same_padding

    layer, sizes = row.layer, row.input_shape[1:]
    rank = len(sizes)

    def dims(value: Any) -> tuple[int, ...]:
        return tuple(value) if isinstance(value, tuple) else (value,) * rank

    pads = [
        same_padding(n, k, s, d)
        for n, k, s, d in zip(sizes, dims(layer.kernel), dims(layer.stride), dims(getattr(layer, "dilation", 1)))
    ]
    if row.kind != "local" and all(near == far for near, far in pads):
        return row.input_shape  # the module pads
    return (row.input_shape[0], *(n + near + far for n, (near, far) in zip(sizes, pads)))


# --- the bundled zoo, both bias layouts ------------------------------------------------------------


@pytest.mark.parametrize("bias", [None, "untied"])
@pytest.mark.parametrize("name", bundled_names())
def test_every_bundled_spec_exports_to_what_cnncount_counts(torch, name, bias):
    check(torch, cnncount.count(name, bias=bias))


def test_state_dict_keys_are_the_specs_qualified_names(torch):
    model, _ = build(torch, cnncount.count("resnet18"))
    keys = list(model.state_dict())
    assert keys[:3] == ["conv1.weight", "bn1.weight", "bn1.bias"]
    assert "layer1.0.conv1.weight" in keys and "layer2.0.downsample.0.weight" in keys and keys[-1] == "fc.bias"


def test_untied_biases_are_one_per_channel_per_position(torch):
    report = cnncount.count(
        {"input": [3, 32, 32], "layers": [{"type": "conv", "filters": 32, "kernel": 5}]}, bias="untied"
    )
    model, _ = build(torch, report)
    shapes = {name: tuple(p.shape) for name, p in model.named_parameters()}
    assert shapes == {"conv1.layer.weight": (32, 3, 5, 5), "conv1.bias": (32, 28, 28)}
    assert sum(p.numel() for p in model.parameters()) == 27_488


# --- random stacks of every kind torch has, 1-D, 2-D and 3-D, and flat ------------------------------


@settings(
    max_examples=int(os.environ.get("CNNCOUNT_EXPORT_EXAMPLES", 300)),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_random_stacks_export_to_what_cnncount_counts(torch, data):
    shape, tokens = data.draw(input_shapes(), label="input")
    drawn: list[tuple[str, dict]] = []
    reaching = shape
    for _ in range(data.draw(st.integers(1, 6), label="depth")):
        kind, options = data.draw(layers(reaching, tokens=tokens and not drawn), label="layer")
        drawn.append((kind, options))
        try:
            report = cnncount.model.count(architecture(shape, drawn))
        except cnncount.CnnCountError:
            drawn.pop()  # cnncount refuses it (test_oracle checks torch does too): draw another
            continue
        reaching = report.rows[-1].output_shape
        event(f"{kind} {len(reaching) - 1}-D" if len(reaching) > 1 else f"{kind} flat")
    if not drawn:
        return
    note(command(shape, drawn))
    check(torch, cnncount.model.count(architecture(shape, drawn)))


# --- locally connected layers (torch has none), same padding, shared layers, several outputs --------


@pytest.mark.parametrize("bias", ["tied", "untied", "none"])
@pytest.mark.parametrize(
    "shape, options",
    [
        pytest.param([3, 12], {"kernel": 3}, id="1d"),
        pytest.param([3, 12, 10], {"kernel": [3, 2], "stride": 2}, id="2d-strided"),
        pytest.param([2, 7, 6], {"kernel": 3, "stride": 2, "padding": "same"}, id="2d-same"),
        pytest.param([2, 5, 6, 4], {"kernel": 2}, id="3d"),
    ],
)
def test_a_locally_connected_layer_is_a_kernel_per_position(torch, shape, options, bias):
    layer = {"type": "local", "filters": 4, "bias": bias, **options}
    report = cnncount.count({"input": shape, "layers": [layer]})
    check(torch, report)
    model, _ = build(torch, report)
    # with real tensors: each output position is its own kernel applied to its own window
    with torch.device("cpu"):
        namespace: dict[str, Any] = {"__name__": "exported"}
        exec(pytorch(report).source, namespace)  # noqa: S102
        net = [v for v in namespace.values() if isinstance(v, type) and issubclass(v, torch.nn.Module)][-1]()
        x = torch.randn(1, *shape)
        local = net.local1
        y = net(x)
        padded = torch.nn.functional.pad(x, _pads(report)) if options.get("padding") == "same" else x
        unit = tuple(o // 2 for o in y.shape[2:])
        window = padded[
            (0, slice(None), *(slice(u * s, u * s + k) for u, s, k in zip(unit, local.stride, local.kernel)))
        ]
        kernel = local.weight[unit]  # (C * kernel, filters)
        want = window.reshape(-1) @ kernel
        if local.bias is not None:
            want = want + local.bias.reshape(4, -1)[:, 0 if bias == "tied" else _flat(unit, y.shape[2:])]
        assert torch.allclose(y[(0, slice(None), *unit)], want, atol=1e-5)


def _flat(unit: tuple[int, ...], sizes: Any) -> int:
    index = 0
    for u, n in zip(unit, sizes):
        index = index * n + u
    return index


def _pads(report) -> list[int]:
    from cnncount.shapes import same_padding

    layer = report.rows[0].layer
    sizes = report.input_shape[1:]
    kernel = layer.kernel if isinstance(layer.kernel, tuple) else (layer.kernel,) * len(sizes)
    stride = layer.stride if isinstance(layer.stride, tuple) else (layer.stride,) * len(sizes)
    pads = [same_padding(n, k, s, 1) for n, k, s in zip(sizes, kernel, stride)]
    return [side for near, far in reversed(pads) for side in (near, far)]


def test_tensorflow_same_padding_is_explicit_and_asymmetric(torch):
    # 7 positions, k 3, s 2: out 4, total (4-1)*2 + 3 - 7 = 2: 1 before, 1 after; on 8: total 1: 0 and 1
    report = cnncount.count(
        {"input": [2, 8, 7], "layers": [{"type": "conv", "filters": 2, "kernel": 3, "stride": 2, "padding": "same"}]}
    )
    source = pytorch(report).source
    assert "F.pad(x, (1, 1, 0, 1))" in source
    check(torch, report)


def test_a_shared_layer_is_one_module_called_twice(torch):
    report = cnncount.count(Path(__file__).parent.parent / "docs" / "examples" / "siamese.yaml")
    check(torch, report)
    model, export = build(torch, report)
    shared = [row for row in report.rows if row.shares is not None]
    assert shared and all(export.paths[row.index] == export.paths[row.shares] for row in shared)


def test_a_channels_last_spec_takes_channels_first_tensors(torch):
    report = cnncount.count(
        {
            "input": [32, 32, 3],
            "input_layout": "channels_last",
            "layers": [{"type": "conv", "filters": 8, "kernel": 3}, {"type": "flatten"}, {"type": "dense", "units": 4}],
        }
    )
    check(torch, report)
    assert "this module takes channels-first tensors" in " ".join(pytorch(report).source.split())


def test_side_outputs_are_returned_after_the_main_one(torch):
    report = cnncount.count(Path(__file__).parent.parent / "docs" / "examples" / "two_outputs.yaml")
    assert len(report.outputs) > 1
    check(torch, report)


def test_an_interpolation_torch_lacks_is_refused():
    report = cnncount.count({"input": [2, 8, 8], "layers": [{"type": "upsample", "scale": 2, "mode": "lanczos3"}]})
    with pytest.raises(cnncount.CnnCountError, match="mode 'lanczos3' has no counterpart in PyTorch"):
        pytorch(report)


# --- the files themselves ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, spec, bias",
    [
        pytest.param("lenet5", "lenet5", None, id="lenet5"),
        pytest.param("resnet18", "resnet18", None, id="resnet18"),
        pytest.param(
            "seed_untied",
            {"input": [3, 32, 32], "layers": [{"type": "conv", "filters": 32, "kernel": 5}]},
            "untied",
            id="seed-untied",
        ),
    ],
)
def test_golden_files(name, spec, bias, request):
    """Reviewed as code: regenerate with CNNCOUNT_REGENERATE=1 and read the diff."""
    source = pytorch(cnncount.count(spec, bias=bias)).source
    path = GOLDEN / f"{name}.py"
    if os.environ.get("CNNCOUNT_REGENERATE"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)
    assert source == path.read_text()


@pytest.mark.parametrize("name", ["lenet5", "resnet18", "seed_untied"])
def test_golden_files_pass_ruff(name):
    beside = Path(sys.executable).with_name("ruff")  # the test extra installs it in the environment
    ruff = str(beside) if beside.exists() else shutil.which("ruff")
    assert ruff, "ruff is not installed: pip install -e '.[test]'"
    path = GOLDEN / f"{name}.py"
    lint = subprocess.run(
        [ruff, "check", "--isolated", "--line-length", "120", "--select", "E,F,W,I,B,UP", str(path)],
        capture_output=True,
        text=True,
    )
    assert lint.returncode == 0, lint.stdout
    style = subprocess.run(
        [ruff, "format", "--isolated", "--line-length", "120", "--check", str(path)], capture_output=True, text=True
    )
    assert style.returncode == 0, style.stdout


def test_the_written_file_runs_and_prints_cnncounts_total(torch, tmp_path):
    path = tmp_path / "net.py"
    done = subprocess.run(
        [sys.executable, "-m", "cnncount", "export", "resnet18", "-o", str(path)], capture_output=True, text=True
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    ran = subprocess.run([sys.executable, str(path)], capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout == "11,689,512 parameters (cnncount counts 11,689,512)\n"


def test_the_readmes_seed_export_runs_as_it_says(torch, tmp_path):
    path = tmp_path / "seed.py"
    words = ["--input", "3x32x32", "--layer", "conv filters=32 kernel=5", "--bias", "untied", "--name", "seed"]
    done = subprocess.run([sys.executable, "-m", "cnncount", "export", *words, "-o", str(path)], capture_output=True)
    assert done.returncode == 0
    ran = subprocess.run([sys.executable, str(path)], capture_output=True, text=True)
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    assert f"python seed.py    # {ran.stdout.strip()}" in readme


def test_keras_normalization_exports_its_kept_statistics_as_buffers(torch):
    report = cnncount.count(
        {"input": [3, 8, 8], "layers": [{"type": "normalize"}, {"type": "conv", "filters": 2, "kernel": 3}]}
    )
    assert report.totals.non_trainable == 2 * 3 + 1  # mean, variance and the sample count
    check(torch, report)


def test_a_batchnorm_without_its_scale_is_refused_for_now():
    report = cnncount.count({"input": [3, 8, 8], "layers": [{"type": "batchnorm", "scale": False}]})
    with pytest.raises(cnncount.CnnCountError, match=r"batchnorm1 \(batchnorm\): a shift without a scale"):
        pytorch(report)
