"""Parametric specs: file arguments, --set, templates, computed values, conditions and sweeps."""

import itertools
import json
import time
from pathlib import Path

import pytest

import cnncount
from cnncount.errors import SpecError
from cnncount.model import count
from cnncount.sources import read_bundled
from cnncount.spec import from_yaml, load_spec, sweep

from .test_cli import run

ROOT = Path(__file__).parent.parent
RESNET = read_bundled("resnet")


def counted(text, **sets):
    return count(from_yaml(text, "net.yaml", sets=sets))


def rows(report):
    return [(r.qualified_name, r.kind, r.output_shape, r.counts) for r in report.rows]


# --- a variant of the ResNet family is the family with its arguments set --------------------
# (tests/test_zoo.py holds each variant to the flat spec of it, row for row, and to torch)


@pytest.mark.parametrize(
    "bundled, sets",
    [
        pytest.param("resnet18", {"depth": 18}, id="resnet18"),
        pytest.param("resnet34", {"depth": 34}, id="resnet34"),
        pytest.param("resnet50", {"depth": 50}, id="resnet50"),
        pytest.param("resnet101", {"depth": 101}, id="resnet101"),
        pytest.param("resnet152", {"depth": 152}, id="resnet152"),
        pytest.param("resnext50_32x4d", {"depth": 50, "groups": 32, "width_per_group": 4}, id="resnext50"),
        pytest.param("resnext101_32x8d", {"depth": 101, "groups": 32, "width_per_group": 8}, id="resnext101_32x8d"),
        pytest.param("resnext101_64x4d", {"depth": 101, "groups": 64, "width_per_group": 4}, id="resnext101_64x4d"),
        pytest.param("wide_resnet50_2", {"depth": 50, "width_per_group": 128}, id="wide50"),
        pytest.param("wide_resnet101_2", {"depth": 101, "width_per_group": 128}, id="wide101"),
    ],
)
def test_a_variant_is_the_family_with_its_arguments_set(bundled, sets):
    ours, theirs = counted(RESNET, **sets), cnncount.count(bundled)
    assert rows(ours) == rows(theirs)
    assert ours.totals == theirs.totals
    stages = {g.name: g.counts for g in theirs.entries if not hasattr(g, "node") and g.name.startswith("layer")}
    assert {g.name: g.counts for g in ours.entries if not hasattr(g, "node") and g.name in stages} == stages
    assert (
        ours.args
        == {"depth": sets["depth"], "groups": 1, "width_per_group": 64, "classes": 1000, "resolution": 224} | sets
    )


def test_defaults_are_read_when_nothing_is_set():
    report = counted(RESNET)
    assert report.totals.params == 25_557_032 and report.args["depth"] == 50


# --- hand-worked ----------------------------------------------------------------------------

TINY = """
name: tiny
args: {width: 1.0, blocks: 2}
input: [3, 32, 32]
define:
  cbr:
    args: {filters: ~, stride: 1}
    layers:
      - {type: conv, filters: "${filters}", kernel: 3, stride: "${stride}", padding: 1, bias: none}
      - {type: batchnorm}
  basic:
    args: {filters: ~, stride: 1, project: "${stride != 1 or in_channels != filters}"}
    type: residual
    layers:
      - {type: cbr, name: a, filters: "${filters}", stride: "${stride}"}
    shortcut:
      - {type: conv, name: proj, filters: "${filters}", kernel: 1, stride: "${stride}", when: "${project}"}
layers:
  - {type: cbr, name: stem, filters: "${int(16 * width)}"}
  - {type: basic, name: layer, repeat: "${blocks}", filters: 32, stride: "${2 if index == 0 else 1}"}
  - {type: conv, name: head, filters: "${in_channels * 2}", kernel: 1}
"""

WRITTEN_OUT = """
name: tiny
input: [3, 32, 32]
layers:
  - name: stem
    type: block
    layers:
      - {type: conv, filters: 16, kernel: 3, padding: 1, bias: none}
      - {type: batchnorm}
  - name: layer
    type: residual
    repeat: 1
    layers:
      - {type: block, name: a, layers: [{type: conv, filters: 32, kernel: 3, stride: 2, padding: 1, bias: none}, {type: batchnorm}]}
    shortcut:
      - {type: conv, name: proj, filters: 32, kernel: 1, stride: 2}
  - name: layer.1
    type: residual
    layers:
      - {type: block, name: a, layers: [{type: conv, filters: 32, kernel: 3, padding: 1, bias: none}, {type: batchnorm}]}
  - {type: conv, name: head, filters: 64, kernel: 1}
"""


def test_a_template_counts_what_it_stands_for_written_out():
    ours = counted(TINY)
    theirs = counted(WRITTEN_OUT)
    assert [(r.kind, r.output_shape, r.counts) for r in ours.rows] == [
        (r.kind, r.output_shape, r.counts) for r in theirs.rows
    ]
    # by hand: stem 3*9*16 + bn 2*16; block 0: 16*9*32 + 2*32 + proj 16*32+32; block 1: 32*9*32 + 2*32; head 32*64+64
    assert ours.totals.params == 432 + 32 + 4608 + 64 + 544 + 9216 + 64 + 2112
    names = [r.qualified_name for r in ours.rows]
    assert names[:2] == ["stem.conv1", "stem.batchnorm1"] and "layer.0.proj" in names and "layer.1.a.conv4" in names
    assert "layer.1.proj" not in names  # stride 1 and 32 -> 32: the identity


def test_set_replaces_a_default_and_defaults_computed_from_it_follow():
    text = "args: {width: 1.0, channels: '${make_divisible(32 * width, 8)}'}\ninput: [3, 8, 8]\nlayers:\n  - {type: conv, filters: '${channels}', kernel: 1}\n"
    assert counted(text).rows[0].output_shape == (32, 8, 8)
    assert counted(text, width=0.3).rows[0].output_shape == (16, 8, 8)  # 9.6 -> 8 is < 90%: 16
    assert counted(text, width=1.1).rows[0].output_shape == (32, 8, 8)  # torchvision: _make_divisible(35.2, 8)
    assert counted(text, width=1.25).rows[0].output_shape == (40, 8, 8)


def test_index_input_and_text_interpolation():
    text = """
input: [3, 16, 12]
layers:
  - type: block
    name: stage
    repeat: 3
    layers:
      - {type: conv, name: "c${index + 1}", filters: "${in_channels + 1}", kernel: 1}
  - {type: conv, filters: "${input[1] * input[-1]}", kernel: 1}
"""
    report = counted(text)
    assert [r.qualified_name for r in report.rows[:3]] == ["stage.0.c1", "stage.1.c2", "stage.2.c3"]
    assert [r.output_shape[0] for r in report.rows[:3]] == [4, 5, 6]
    assert report.rows[3].output_shape == (16 * 12, 16, 12)


def test_when_keeps_or_drops_an_entry_and_a_block():
    text = "args: {deep: false}\ninput: [4]\nlayers:\n  - {type: dense, units: 4, when: '${deep}'}\n  - {type: block, when: '${not deep}', layers: [{type: dense, units: 2}]}\n"
    assert [r.output_shape for r in counted(text).rows] == [(2,)]
    assert [r.output_shape for r in counted(text, deep=True).rows] == [(4,)]


def test_a_template_type_can_be_computed():
    text = """
args: {res: true}
input: [8, 4, 4]
define:
  unit:
    type: "${'residual' if res else 'block'}"
    layers: [{type: conv, filters: 8, kernel: 3, padding: 1}]
layers:
  - {type: unit}
"""
    assert [r.kind for r in counted(text).rows] == ["conv", "add"]
    assert [r.kind for r in counted(text, res=False).rows] == ["conv"]


def test_a_file_without_arguments_reads_as_before():
    arch = from_yaml("input: [3, 8, 8]\nlayers: [{type: conv, filters: 4, kernel: 3}]\n", "x.yaml")
    assert arch.args == {} and count(arch).totals.params == 3 * 9 * 4 + 4


# --- errors: located, one line --------------------------------------------------------------


@pytest.mark.parametrize(
    "text, where, message",
    [
        pytest.param(
            "args: {width: 1}\ninput: [3, 8, 8]\nlayers:\n  - {type: conv, filters: '${widht * 8}', kernel: 1}\n",
            "net.yaml:4:18: layers[0] (conv)",
            "filters: ${widht * 8}: unknown name 'widht' (did you mean 'width'?)",
            id="unknown-name",
        ),
        pytest.param(
            "input: [3, 8, 8]\nlayers:\n  - {type: conv, filters: '${8 // 0}', kernel: 1}\n",
            "net.yaml:3:18: layers[0] (conv)",
            "filters: ${8 // 0}: //: division by zero",
            id="division-by-zero",
        ),
        pytest.param(
            "args: {width: 1.1}\ninput: [3, 8, 8]\nlayers:\n  - {type: conv, filters: '${32 * width}', kernel: 1}\n",
            "net.yaml:4:18: layers[0] (conv)",
            "filters: expected an integer >= 1",
            id="not-a-size",
        ),
        pytest.param(
            "input: [3, 8, 8]\nlayers:\n  - {type: conv, filters: '${10**10**10}', kernel: 1}\n",
            "net.yaml:3:18: layers[0] (conv)",
            "is too large",
            id="huge-power",
        ),
        pytest.param(
            "input: [3, 8, 8]\nlayers:\n  - {type: conv, filters: '${" + "(" * 60 + "1" + ")" * 60 + "}', kernel: 1}\n",
            "net.yaml:3:18: layers[0] (conv)",
            "nested too deeply",
            id="deep-nesting",
        ),
        pytest.param(
            "input: [3, 8, 8]\nlayers:\n  - {type: conv, filters: '${index}', kernel: 1}\n",
            "net.yaml:3:18: layers[0] (conv)",
            "'index' is the repetition number",
            id="index-outside-repeat",
        ),
        pytest.param(
            "input: ['${in_channels}', 8]\nlayers: [{type: flatten}]\n",
            "net.yaml:1:1",
            "is the shape of an entry's input",
            id="input-at-the-top",
        ),
        pytest.param(
            "input: [4]\ndefine:\n  a: {layers: [{type: b}]}\n  b: {layers: [{type: a}]}\nlayers: [{type: a}]\n",
            "net.yaml:4:17",
            "template a uses itself (a -> b -> a)",
            id="template-cycle",
        ),
        pytest.param(
            "input: [4]\ndefine:\n  a: {args: {units: ~}, layers: [{type: dense, units: '${units}'}]}\nlayers: [{type: a, unit: 3}]\n",
            "net.yaml:4:20: layers[0] (a)",
            "unknown key 'unit' (did you mean 'units'?)",
            id="unknown-argument",
        ),
        pytest.param(
            "input: [4]\ndefine:\n  a: {args: {units: ~}, layers: [{type: dense, units: '${units}'}]}\nlayers: [{type: a}]\n",
            "net.yaml:4:10: layers[0] (a)",
            "missing units: template a needs units",
            id="missing-argument",
        ),
        pytest.param(
            "input: [4]\ndefine:\n  conv: {layers: [{type: dense, units: 2}]}\nlayers: [{type: conv}]\n",
            "net.yaml:3:3",
            "define: conv is a layer type",
            id="template-named-like-a-layer",
        ),
        pytest.param(
            "input: [4]\nlayers:\n  - {type: dense, units: 2, when: '${1}'}\n",
            "net.yaml:3:29: layers[0] (dense)",
            "when: expected true or false, got 1",
            id="when-not-a-boolean",
        ),
        pytest.param(
            "input: [4]\nlayers:\n  - {type: dense, units: '${1 +}'}\n",
            "net.yaml:3:19: layers[0] (dense)",
            "units: ${1 +}: expected a number, a name or (, got the end of the expression",
            id="syntax",
        ),
        pytest.param(
            "args: {index: 1}\ninput: [4]\nlayers: [{type: flatten}]\n",
            "net.yaml:1:8",
            "args: index is a name every entry has",
            id="reserved-argument",
        ),
    ],
)
def test_a_bad_expression_or_template_is_a_located_error(text, where, message):
    with pytest.raises(SpecError) as caught:
        counted(text)
    assert str(caught.value.where) == where and message in caught.value.message, str(caught.value)


def test_a_template_that_uses_itself_through_a_computed_type_is_refused():
    text = "args: {t: a}\ninput: [4]\ndefine:\n  a: {layers: [{type: '${t}'}]}\nlayers: [{type: a}]\n"
    with pytest.raises(SpecError, match=r"template a uses itself \(a -> a\)"):
        counted(text)


def test_hostile_expressions_are_refused_at_once():
    start = time.perf_counter()
    for body in ("10**10**10", "(" * 100_000, "-" * 100_000 + "1", "not " * 100_000 + "true", "9" * 10_000):
        text = f"input: [4]\nlayers:\n  - {{type: dense, units: '${{{body}}}'}}\n"
        with pytest.raises(SpecError):
            counted(text)
    assert time.perf_counter() - start < 5  # a hang would be minutes; each takes microseconds


def test_a_repeat_of_an_entry_dropped_every_time_is_bounded():
    text = "input: [4]\nlayers:\n  - {type: block, repeat: '${10**9}', when: false, layers: [{type: flatten}]}\n"
    with pytest.raises(SpecError, match="repeat: expected an integer from 1 to 200,000"):
        counted(text)


# --- --set and sweeps on the command line ----------------------------------------------------


def test_set_on_the_command_line(tmp_path):
    spec = tmp_path / "resnet.yaml"
    spec.write_text(RESNET)
    status, out, err = run("count", str(spec), "--set", "depth=18", "--format", "json")
    assert (status, err) == (0, "")
    doc = json.loads(out)
    assert doc["totals"]["params"] == 11_689_512 and doc["args"]["depth"] == 18


def test_an_unknown_set_is_refused_with_a_suggestion(tmp_path):
    spec = tmp_path / "resnet.yaml"
    spec.write_text(RESNET)
    status, out, err = run("count", str(spec), "--set", "detph=18")
    assert status == 2 and out == ""
    assert err == f"{spec}: --set detph: the spec has no argument 'detph' (did you mean 'depth'?)\n"


def test_set_on_a_spec_without_arguments():
    status, out, err = run("count", "alexnet", "--set", "width=2")
    assert status == 2 and out == "" and "the spec declares no arguments" in err


def test_a_sweep_prints_one_line_per_combination(tmp_path):
    spec = tmp_path / "resnet.yaml"
    spec.write_text(RESNET)
    status, out, err = run("count", str(spec), "--set", "depth=18,34", "--set", "classes=10,1000", "--format", "csv")
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith("spec,depth,classes,input_shape,layers,weights,")
    got = [(line.split(",")[1], line.split(",")[2], int(line.split(",")[9])) for line in lines[1:]]
    tied18, tied34 = 11_689_512, 21_797_672
    assert got == [
        ("18", "10", tied18 - 990 * 513),  # fc: 512 -> classes, with biases
        ("18", "1000", tied18),
        ("34", "10", tied34 - 990 * 513),
        ("34", "1000", tied34),
    ]


def test_a_sweep_in_json_lines_has_the_args_of_each_document(tmp_path):
    spec = tmp_path / "resnet.yaml"
    spec.write_text(RESNET)
    status, out, err = run("count", str(spec), "--set", "depth=50,101", "--format", "json")
    assert (status, err) == (0, "")
    docs = [json.loads(line) for line in out.splitlines()]
    assert [(d["args"]["depth"], d["totals"]["params"]) for d in docs] == [(50, 25_557_032), (101, 44_549_160)]


def test_a_sweep_table_has_the_arguments_as_columns(tmp_path):
    spec = tmp_path / "resnet.yaml"
    spec.write_text(RESNET)
    status, out, err = run("count", str(spec), "--set", "depth=18,50", "--set", "resolution=160,224")
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "resnet: 4 combinations of depth, resolution"
    assert lines[2].split() == [
        "depth",
        "resolution",
        "input",
        "layers",
        "params",
        "all",
        "tied",
        "all",
        "untied",
        "MACs",
    ]
    assert lines[4].split()[:5] == ["18", "160", "3x160x160", "69", "11,689,512"]
    assert lines[7].split()[:5] == ["50", "224", "3x224x224", "175", "25,557,032"]


def test_a_failing_combination_is_named_and_nothing_is_printed(tmp_path):
    spec = tmp_path / "resnet.yaml"
    spec.write_text(RESNET)
    status, out, err = run("count", str(spec), "--set", "classes=10,0", "--format", "json")
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and err.rstrip().endswith("(with --set classes=0)"), err


@pytest.mark.parametrize(
    "args, message",
    [
        pytest.param(["--set", "width"], "expected NAME=VALUE", id="no-value"),
        pytest.param(["--set", "depth=1", "--set", "depth=2"], "depth is set twice", id="twice"),
        pytest.param(["--set", "depth=" + ",".join(["1"] * 20_000)], "at most 10,000 per argument", id="many-values"),
        pytest.param(
            [arg for n in range(6) for arg in ("--set", f"a{n}=" + ",".join(map(str, range(10))))],
            "1,000,000 combinations; a sweep counts at most 100,000",
            id="many-combinations",
        ),
        pytest.param(["--set", "depth=18,50", "--format", "markdown"], "--format table, json or csv", id="format"),
    ],
)
def test_bad_sets_are_refused_at_once(tmp_path, args, message):
    spec = tmp_path / "resnet.yaml"
    spec.write_text(RESNET)
    status, out, err = run("count", str(spec), *args)
    assert status == 2 and out == "" and message in err and err.count("\n") == 1


def test_a_sweep_reads_the_file_once_and_keeps_no_report():
    doc = load_spec(RESNET, "resnet.yaml")
    seen = []
    for args, arch in sweep(doc, "resnet.yaml", {"depth": [18, 34, 50]}):
        seen.append((args["depth"], count(arch).totals.params))
    assert seen == [(18, 11_689_512), (34, 21_797_672), (50, 25_557_032)]


# --- variants: a family's members by name ----------------------------------------------------

FAMILY = """\
name: fam
args: {width: 8, depth: 1, classes: 10}
variants:
  small: {width: 4}
  big: {width: 16, depth: 2}
variant: small
input: [3, 8, 8]
layers:
  - {type: block, repeat: "${depth}", layers: [{type: conv, filters: "${width}", kernel: 3, padding: 1}]}
  - {type: globalavgpool}
  - {type: dense, units: "${classes}"}
"""


def fam_params(width, depth, classes=10):
    convs = (3 * 9 * width + width) + (depth - 1) * (width * 9 * width + width)
    return convs + width * classes + classes


@pytest.mark.parametrize(
    "sets, name, params",
    [
        pytest.param({}, "small", fam_params(4, 1), id="the-file's-variant"),
        pytest.param({"variant": "big"}, "big", fam_params(16, 2), id="set-variant"),
        pytest.param({"classes": 3}, "small", fam_params(4, 1, 3), id="another-argument-keeps-the-name"),
        pytest.param({"width": 5}, "fam", fam_params(5, 1), id="the-variant's-argument-names-the-file"),
        pytest.param({"variant": "big", "depth": 1}, "fam", fam_params(16, 1), id="set-over-the-variant"),
    ],
)
def test_a_variant_sets_its_arguments_and_names_the_network(sets, name, params):
    report = counted(FAMILY, **sets)
    assert (report.name, report.totals.params) == (name, params)


def test_without_a_variant_line_the_defaults_count():
    report = counted(FAMILY.replace("variant: small\n", ""))
    assert (report.name, report.totals.params, report.args) == (
        "fam",
        fam_params(8, 1),
        {"width": 8, "depth": 1, "classes": 10},
    )


def test_a_sweep_over_variants_names_each_line(tmp_path):
    spec = tmp_path / "fam.yaml"
    spec.write_text(FAMILY)
    status, out, err = run("count", str(spec), "--set", "variant=big,small", "--format", "csv")
    assert (status, err) == (0, "")
    lines = [line.split(",") for line in out.splitlines()[1:]]
    assert [(cells[0], cells[1], int(cells[8])) for cells in lines] == [
        ("big", "big", fam_params(16, 2)),
        ("small", "small", fam_params(4, 1)),
    ]


@pytest.mark.parametrize(
    "change, sets, message",
    [
        pytest.param(
            ("variant: small", "variant: smal"),
            {},
            "net.yaml:6:1: variant: the file has no variant 'smal' (did you mean 'small'?)",
            id="unknown",
        ),
        pytest.param(
            (),
            {"variant": "bog"},
            "net.yaml: --set variant: the file has no variant 'bog' (did you mean 'big'?)",
            id="unknown-set",
        ),
        pytest.param(
            ("  small: {width: 4}", "  small: {widht: 4}"),
            {},
            "net.yaml:4:11: variants: small: the file has no argument 'widht' (did you mean 'width'?)",
            id="unknown-argument",
        ),
        pytest.param(
            ("  small: {width: 4}", "  small: 4"),
            {},
            "net.yaml:4:3: variants: small: expected a mapping of arguments to values, got int 4",
            id="not-a-mapping",
        ),
        pytest.param(
            ("variants:\n  small: {width: 4}\n  big: {width: 16, depth: 2}\n", ""),
            {},
            "net.yaml:3:1: variant: the file has no variants: to choose from",
            id="no-variants",
        ),
        pytest.param((), {"variant": 3}, "--set variant: the file has no variant 3", id="not-a-name"),
    ],
)
def test_variant_errors_say_where_and_what(change, sets, message):
    text = FAMILY.replace(*change) if change else FAMILY
    with pytest.raises(SpecError) as caught:
        counted(text, **sets)
    assert message in str(caught.value), str(caught.value)


def test_set_variant_on_a_file_without_variants_is_an_unknown_argument():
    with pytest.raises(SpecError, match="the spec has no argument 'variant'"):
        counted(TINY, variant="x")


# --- a sweep counts what each of its variants counts alone ---------------------------------------
# (it starts each variant from what the previous one's first entries came to when the arguments
# they read are the same: graph.Replay)


@pytest.mark.parametrize(
    "family, sets",
    [
        pytest.param(
            "resnet", {"depth": [18, 50], "groups": [1, 32], "classes": [10, 1000]}, id="resnet-depth-groups-classes"
        ),
        pytest.param("resnet", {"classes": [10, 1000], "width_per_group": [64, 128]}, id="resnet-width-last"),
        pytest.param(
            "efficientnet", {"variant": ["efficientnet_b0", "efficientnet_b3"], "classes": [7, 8]}, id="efficientnet"
        ),
        pytest.param("densenet", {"variant": ["densenet121", "densenet169"], "classes": [3, 4]}, id="densenet"),
        pytest.param(
            "mobilenet_v3",
            {"variant": ["mobilenet_v3_large", "mobilenet_v3_small"], "width": [0.5, 1.0]},
            id="mobilenet_v3",
        ),
    ],
)
def test_a_sweep_counts_what_each_variant_counts_alone(family, sets):
    text = read_bundled(family)
    doc = load_spec(text, f"{family}.yaml")
    reports = [(args, count(arch)) for args, arch in sweep(doc, f"{family}.yaml", sets)]
    assert len(reports) == len(list(itertools.product(*sets.values())))
    # the classifier's width changing fastest, every other variant starts from the one before
    kept = [report.graph.kept for _, report in reports]
    assert all(kept[1::2]) if list(sets)[-1] == "classes" else not any(kept[1:])
    swept = [(args, cnncount.to_json(report)) for args, report in reports]
    for args, document in swept:
        alone = count(from_yaml(text, f"{family}.yaml", sets=args))
        assert document == cnncount.to_json(alone), args


def test_a_sweep_tells_true_from_one():
    # Python's 1 == True == 1.0 (and their hashes) must not make one variant the other's
    text = """
args: {flag: true, n: 1}
input: [3, 8, 8]
layers:
  - {type: conv, filters: "${3 if flag == true else 5}", kernel: 1}
  - {type: conv, filters: "${n * 2}", kernel: 1}
"""
    doc = load_spec(text, "net.yaml")
    got = [
        (args["flag"], count(arch).rows[0].output_shape[0])
        for args, arch in sweep(doc, "net.yaml", {"flag": [True, 1, 1.0, True]})
    ]
    assert got == [(True, 3), (1, 5), (1.0, 5), (True, 3)]


def test_a_sweep_over_a_list_argument():
    text = """
args: {widths: [8, 16], scale: 1}
input: [3, 8, 8]
layers:
  - {type: conv, name: conv, filters: "${widths[0] * scale}", kernel: 3}
"""
    doc = load_spec(text, "net.yaml")
    got = [count(arch).totals.params for _, arch in sweep(doc, "net.yaml", {"scale": [1, 2]})]
    assert got == [3 * 9 * 8 + 8, 3 * 9 * 16 + 16]


def test_an_argument_that_is_a_mapping_is_refused():
    with pytest.raises(
        SpecError, match=r"args: w: expected a number, text, true, false or a list of them, got a mapping"
    ):
        counted("args: {w: {a: 1}}\ninput: [3, 8, 8]\nlayers: [{type: conv, filters: 2, kernel: 3}]\n")
