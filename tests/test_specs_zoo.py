"""The bundled specs built on the zoo's kinds: MobileNet v1, Kim (2014)'s CNN-rand, DeepFace.

Each total is pinned to its published figure where there is one, and otherwise to
the hand computation in the spec's header; the per-layer sizes are checked against
the paper's figure or table.
"""

import pytest

from cnncount.graph import Leaf
from cnncount.model import count
from cnncount.sources import read_spec
from cnncount.spec import from_yaml


def report_of(name):
    text, source = read_spec(name)
    return count(from_yaml(text, source))


def header_of(name):
    text, _ = read_spec(name)
    return "\n".join(line for line in text.splitlines() if line.startswith("#"))


def rows_by_name(report):
    return {row.name: row for row in report.rows}


@pytest.mark.parametrize(
    "name, params, params_untied, non_trainable",
    [
        # Keras: trainable 4,231,976; total 4,253,864 with the batchnorm statistics
        pytest.param("mobilenet_v1", 4_231_976, 4_231_976, 4_253_864 - 4_231_976, id="mobilenet_v1"),
        pytest.param("kim2014_cnn_rand", 5_990_402, 6_008_402, 0, id="kim2014_cnn_rand"),
        pytest.param("deepface", 118_858_366, 119_632_478, 0, id="deepface"),
    ],
)
def test_totals(name, params, params_untied, non_trainable):
    report = report_of(name)
    t = report.totals
    assert (t.params, t.params_tied, t.params_untied, t.non_trainable) == (params, params, params_untied, non_trainable)
    assert report.name == name
    header = header_of(name)
    assert "Source:" in header
    assert f"{params:,}" in header and f"{params_untied:,}" in header


def test_mobilenet_v1_matches_keras_summary():
    report = report_of("mobilenet_v1")
    t = report.totals
    assert t.params == 4_231_976  # Keras's "Trainable params"
    assert t.params + t.non_trainable == 4_253_864  # Keras's "Total params"
    # the paper's Table 1 sizes: 224 -> 112 -> 56 -> 28 -> 14 -> 7, then 1000 classes
    spatial = [row.output_shape[1:] for row in report.rows if row.kind == "depthwise"]
    assert [s[0] for s in spatial] == [112, 56, 56, 28, 28, 14, 14, 14, 14, 14, 14, 7, 7]
    assert report.output_shape == (1000,)
    # the paper's Table 8: 569 million mult-adds
    assert round(t.macs / 1e6) == 569 and t.macs == 568_740_352
    rows = rows_by_name(report)
    assert rows["conv1"].counts.params == 3 * 3 * 3 * 32  # no bias: batchnorm follows
    assert rows["conv_preds"].counts.params == 1024 * 1000 + 1000


def test_mobilenet_v1_batchnorm_channels():
    # every conv and depthwise conv is followed by a batchnorm: 2 statistics per channel
    report = report_of("mobilenet_v1")
    channels = sum(row.output_shape[0] for row in report.rows if row.kind == "batchnorm")
    assert (
        channels
        == 32 + 32 + 64 + 64 + 128 + 128 + 128 + 128 + 256 + 256 + 256 + 256 + 512 + 512 * 10 + 512 + 1024 + 1024 + 1024
    )
    assert report.totals.non_trainable == 2 * channels == 21_888


def test_kim2014_cnn_rand_by_hand():
    report = report_of("kim2014_cnn_rand")
    rows = rows_by_name(report)
    assert report.input_shape == (56,)
    assert rows["embed"].output_shape == (300, 56)
    assert rows["embed"].counts.params == 18_765 * 300
    for width, positions in ((3, 62), (4, 61), (5, 60)):
        conv = rows[f"conv{width}"]
        assert conv.output_shape == (100, positions)
        assert conv.counts.params == 300 * width * 100 + 100
    assert rows["fc"].counts.params == 3 * 100 * 2 + 2
    assert report.totals.params == 18_765 * 300 + 300 * (3 + 4 + 5) * 100 + 3 * 100 + 300 * 2 + 2 == 5_990_402


def test_deepface_sizes_follow_fig_2():
    report = report_of("deepface")
    rows = rows_by_name(report)
    assert report.input_shape == (3, 152, 152)
    sizes = {name: rows[name].output_shape for name in ("C1", "M2", "C3", "L4", "L5", "L6", "F7", "F8")}
    assert sizes == {
        "C1": (32, 142, 142),
        "M2": (32, 71, 71),
        "C3": (16, 63, 63),
        "L4": (16, 55, 55),
        "L5": (16, 25, 25),
        "L6": (16, 21, 21),
        "F7": (4096,),
        "F8": (4030,),
    }
    weights = {name: rows[name].counts.weights for name in sizes if name != "M2"}
    assert weights == {
        "C1": 32 * 3 * 11 * 11,
        "C3": 16 * 32 * 9 * 9,
        "L4": 55 * 55 * 16 * 9 * 9 * 16,
        "L5": 25 * 25 * 16 * 7 * 7 * 16,
        "L6": 21 * 21 * 16 * 5 * 5 * 16,
        "F7": 16 * 21 * 21 * 4096,
        "F8": 4096 * 4030,
    }
    # Fig. 2's caption: more than 95% of the parameters in the local and fully connected layers
    local_and_full = sum(rows[name].counts.params for name in ("L4", "L5", "L6", "F7", "F8"))
    assert local_and_full / report.totals.params > 0.95
    # ... of "more than 120 million": the figure's sizes give about 119 million (see the header)
    assert 118_000_000 < report.totals.params < report.totals.params_untied < 120_000_000


def test_deepface_untied_local_layers_only():
    # Keras's layout for L4-L6 alone (convolutions and dense layers tied), as in the header
    arch = from_yaml(*read_spec("deepface"))
    entries = tuple(
        Leaf(leaf.layer.replace(bias="untied"), leaf.loc) if leaf.layer.kind == "local" else leaf
        for leaf in arch.entries
    )
    report = count(arch.replace(entries=entries))
    assert [row.name for row in report.rows if row.bias == "untied"] == ["L4", "L5", "L6"]
    assert report.totals.params == 118_850_144 + 32 + 16 + 16 * (55 * 55 + 25 * 25 + 21 * 21) + 4096 + 4030
    assert report.totals.params == 118_923_774
