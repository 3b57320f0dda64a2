"""The command line's wiring: exit codes, stdout versus stderr, help, JSON on stdout."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import cnncount
from cnncount import __version__
from cnncount.cli import main
from cnncount.layers import REGISTRY


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True, "help_option_names": []})
@click.pass_context
def _entry(ctx):
    """Hands every argument to the console entry point, which does its own error handling."""
    main(ctx.args)


def run(*args, input=None):
    """Run the console entry point the way a shell would; returns (status, stdout, stderr)."""
    result = CliRunner().invoke(_entry, list(args), input=input, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_done_when_seed_example_json():
    status, out, err = run("conv", "--input", "3x32x32", "--filters", "32", "--kernel", "5", "--format", "json")
    assert (status, err) == (0, "")
    doc = json.loads(out)
    (layer,) = doc["layers"]
    assert (layer["weights"], layer["tied_biases"], layer["untied_biases"]) == (2400, 32, 25088)
    assert (doc["totals"]["params_tied"], doc["totals"]["params_untied"]) == (2432, 27488)
    assert doc["format_version"] == 7 and doc["output_shape"] == [32, 28, 28]


def test_layer_subcommand_table_shows_both_layouts_and_formulas():
    status, out, err = run("conv", "--input", "3x32x32", "--filters", "32", "--kernel", "5")
    assert (status, err) == (0, "")
    assert "25,088" in out and "27,488" in out and "2,432" in out
    assert "weights = 32 * (3/1) * 5*5 = 2,400" in out
    assert "\x1b[" not in out  # plain when not a terminal


def test_count_with_layer_words_matches_json_schema():
    status, out, err = run(
        "count",
        "-i",
        "3x32x32",
        "-l",
        "conv filters=32 kernel=5",
        "-l",
        "maxpool kernel=2",
        "-l",
        "flatten",
        "-l",
        "dense units=10",
        "-f",
        "json",
    )
    assert (status, err) == (0, "")
    doc = json.loads(out)
    assert list(doc) == [
        "format_version",
        "name",
        "args",
        "dtype",
        "batch",
        "layout",
        "input_shape",
        "output_shape",
        "inputs",
        "outputs",
        "layers",
        "blocks",
        "side_outputs",
        "totals",
        "notes",
    ]
    assert [layer["name"] for layer in doc["layers"]] == ["conv1", "maxpool1", "flatten1", "dense1"]
    assert [layer["index"] for layer in doc["layers"]] == [1, 2, 3, 4]
    assert set(doc["layers"][0]) == {
        "index",
        "name",
        "type",
        "path",
        "input_shape",
        "output_shape",
        "weights",
        "tied_biases",
        "untied_biases",
        "bias",
        "params",
        "non_trainable",
        "macs",
        "activations",
        "activation_bytes",
        # format_version 3
        "qualified_name",
        "inputs",
        "input_rows",
        "input_shapes",
        "output_shapes",
        "options",
        "shares",
        "shares_row",
        "training",
    }
    assert doc["layers"][0]["options"] == {
        "filters": 32,
        "kernel": 5,
        "stride": 1,
        "padding": 0,
        "dilation": 1,
        "groups": 1,
        "bias": "tied",
    }
    assert [layer["inputs"] for layer in doc["layers"]] == [["input"], ["conv1"], ["maxpool1"], ["flatten1"]]
    assert [layer["input_rows"] for layer in doc["layers"]] == [[0], [1], [2], [3]]
    assert doc["totals"]["params"] == 2432 + 32 * 14 * 14 * 10 + 10


def test_bias_override_on_count():
    status, out, _ = run("count", "-i", "3x32x32", "-l", "conv filters=32 kernel=5", "--bias", "untied", "-f", "json")
    assert status == 0 and json.loads(out)["totals"]["params"] == 27488


@pytest.mark.parametrize(
    "args, message",
    [
        pytest.param(
            ["conv", "--input", "3x5x5", "--filters", "8", "--kernel", "7"],
            "layer 1 (conv): kernel 7x7 does not fit input 3x5x5",
            id="kernel",
        ),
        pytest.param(
            ["conv", "--input", "3x32", "--filters", "8", "--kernel", "3", "--groups", "2"],
            "groups 2 must divide both the input channels (3) and filters (8)",
            id="groups",
        ),
        pytest.param(
            ["conv", "--input", "3x3x32", "--filters", "8", "--kernel", "3", "--stride", "0"],
            "conv: --stride: expected an integer >= 1",
            id="stride",
        ),
        pytest.param(
            ["conv", "--input", "3xx32", "--filters", "8", "--kernel", "3"],
            "--input: malformed shape '3xx32'",
            id="shape",
        ),
        pytest.param(
            ["conv", "--input", "3x32x32", "--fitlers", "8", "--kernel", "3"],
            "cnncount conv: No such option '--fitlers'. Did you mean '--filters'?",
            id="option",
        ),
        pytest.param(
            ["conv", "--input", "3x32x32", "--kernel", "3"], "cnncount conv: Missing option '--filters'", id="missing"
        ),
        pytest.param(
            ["count", "-i", "3x32x32", "-l", "conv filters=8 kernel=3", "-l", "dense units=2"],
            "layer 2 (dense): dense needs a flat input, got 8x30x30",
            id="dense",
        ),
        pytest.param(["count", "-l", "flatten"], "--input is required with --layer", id="no-input"),
        pytest.param(["count"], "nothing to count", id="nothing"),
        pytest.param(["count", "vgg61"], "vgg61: no such file or bundled spec", id="no-spec"),
        pytest.param(["frobnicate"], "No such command 'frobnicate'", id="command"),
        pytest.param(
            ["avgpool", "--input", "3x1x8", "--kernel", "2"],
            "layer 1 (avgpool): kernel 2x2 does not fit input 3x1x8 (padding 0, dilation 1): output H would be 0",
            id="output-below-1",
        ),
    ],
)
def test_bad_input_is_one_line_on_stderr_exit_2_nothing_on_stdout(args, message):
    status, out, err = run(*args)
    assert status == 2
    assert out == ""
    assert message in err
    assert err.count("\n") == 1, err
    assert "Traceback" not in err


def test_help_lists_layer_commands_apart_and_each_has_an_example():
    status, out, _ = run("--help")
    assert status == 0
    commands, layers = out.split("Commands:")[1].split("Layer commands")
    names = [line.split()[0] for line in commands.strip().splitlines()]
    assert names == ["count", "convert", "export", "schema", "specs"]  # the layer kinds apart, as conv
    for kind in REGISTRY:
        assert kind in layers
    for kind in REGISTRY:
        status, out, _ = run(kind, "--help")
        assert status == 0 and f"cnncount {kind} --input" in out, kind


def test_every_layer_subcommand_example_runs():
    from cnncount.layers import layer_class

    for kind in REGISTRY:
        status, out, err = run(kind, *layer_class(kind).example.split(), "-f", "json")
        assert (status, err) == (0, ""), (kind, err)
        assert json.loads(out)["layers"][0]["type"] == kind


def test_version():
    status, out, _ = run("--version")
    assert status == 0 and __version__ in out


def test_python_dash_m_and_broken_pipe():
    proc = subprocess.run(
        [sys.executable, "-m", "cnncount", "conv", "-i", "3x32x32", "--filters", "32", "--kernel", "5", "-f", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0 and json.loads(proc.stdout)["totals"]["params"] == 2432
    # A reader that goes away before anything is written: no traceback, exit 1.
    proc = subprocess.Popen(
        [sys.executable, "-m", "cnncount", "count", "resnet50", "googlenet", "-f", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.close()
    _, err = proc.communicate()
    assert (proc.returncode, err) == (1, b"")


def test_names_are_printed_as_written_not_as_markup():
    status, out, _ = run("count", "-i", "3x8x8", "-l", "conv filters=2 kernel=3 name=:smile:[bold]x[/bold]")
    assert status == 0 and ":smile:[bold]x[/bold]" in out


@pytest.mark.parametrize(
    "words, cword, expected",
    [
        pytest.param(
            "cnncount count vgg1",
            2,
            [f"plain,vgg{d}{bn}" for d in (11, 13, 16, 19) for bn in ("", "_bn")],
            id="spec-names",
        ),
        pytest.param("cnncount count tests/test_cl", 2, ["file,tests/test_cl"], id="files-when-no-name-matches"),
        pytest.param("cnncount specs show lenet", 3, ["plain,lenet5"], id="specs-show"),
        pytest.param("cnncount count --layer con", 3, ["plain,conv", "plain,concat"], id="layer-kinds"),
        pytest.param("cnncount max", 1, ["plain,maxpool"], id="subcommands"),
    ],
)
def test_shell_completion(words, cword, expected):
    import os

    env = {**os.environ, "_CNNCOUNT_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": str(cword)}
    proc = subprocess.run([sys.executable, "-m", "cnncount"], env=env, capture_output=True, text=True, check=False)
    assert proc.stdout.split() == expected, proc.stderr


def test_save_writes_a_picture_with_the_totals(tmp_path):
    svg, html = tmp_path / "out.svg", tmp_path / "out.html"
    status, out, err = run("count", "resnet50", "--save", str(svg))
    assert (status, out, err) == (0, "", "")  # the picture instead of the table
    status, out, err = run("count", "resnet50", "--save", str(svg), "--format", "table")
    assert (status, err) == (0, "") and "25,557,032" in out  # and the table, when asked
    text = svg.read_text()
    assert text.startswith("<svg") and "25,557,032" in text.replace("&#160;", " ")
    status, out, _ = run("count", "resnet50", "--chart", "--format", "json", "--save", str(html))
    assert status == 0 and json.loads(out)["totals"]["params"] == 25_557_032
    assert "25,557,032" in html.read_text() and "where the parameters" in html.read_text()
    status, out, err = run("count", "resnet50", "--save", str(tmp_path / "out.png"))
    assert (status, out) == (2, "") and "must end in .svg or .html" in err


def test_a_failed_save_prints_nothing():
    for fmt in ("table", "csv"):
        status, out, err = run(
            "conv", "-i", "3x32x32", "--filters", "8", "--kernel", "3", "-f", fmt, "--save", "/nonexistent/x.svg"
        )
        assert (status, out) == (1, "") and err.startswith("--save: cannot write '/nonexistent/x.svg'")


def test_chart_and_explain_need_the_table():
    status, out, err = run("count", "lenet5", "--chart", "-f", "csv")
    assert (status, out) == (2, "") and "--chart and --explain draw under the table" in err


def test_name_replaces_one_specs_name_and_unnamed_files_are_known_by_their_file(tmp_path):
    status, out, _ = run("count", "lenet5", "--name", "mine", "-f", "json")
    assert status == 0 and json.loads(out)["name"] == "mine"
    status, out, err = run("count", "lenet5", "vgg16", "--name", "mine")
    assert (status, out) == (2, "") and "--name names one network" in err
    spec = tmp_path / "tiny.yaml"
    spec.write_text("input: 3x8x8\nlayers: [{type: flatten}]\n")
    status, out, _ = run("count", str(spec), str(spec), "-f", "json")
    assert [json.loads(line)["name"] for line in out.splitlines()] == ["tiny", "tiny"]


def test_api_refuses_bad_bias_and_shapes():
    import cnncount

    with pytest.raises(cnncount.SpecError, match="bias: expected one of tied, untied, none, got 'untid'"):
        cnncount.count("lenet5", bias="untid")
    with pytest.raises(cnncount.SpecError, match="size 'a' is not a whole number"):
        cnncount.count("lenet5", input_shape=[1, "a", 32])
    with pytest.raises(cnncount.SpecError, match="input_shape: expected a shape"):
        cnncount.count("lenet5", input_shape=5)
    with pytest.raises(cnncount.SpecError, match="^<string>:1:1: missing layers"):
        cnncount.count("input: 3x32x32")  # one-line YAML is read as YAML, not as a file name


def test_separable_table_shows_both_weight_parts():
    status, out, _ = run("separable", "-i", "32x32x32", "--filters", "64", "--kernel", "3")
    lines = {
        line.split()[1]: line.split()[1:]  # under the layer, after a tree rule
        for line in out.splitlines()
        if line.strip().startswith(("├─ ", "└─ "))
    }
    assert status == 0 and lines["depthwise"][1] == "288" and lines["pointwise"][1] == "2,048"  # 32*3*3, 32*64


def test_specs_lists_every_bundled_spec_with_the_same_totals_as_count():
    from cnncount.sources import bundled_names

    status, out, _ = run("specs", "-f", "json")
    docs = [json.loads(line) for line in out.splitlines()]
    assert status == 0 and [d["spec"] for d in docs] == bundled_names()
    vgg = next(d for d in docs if d["spec"] == "vgg16")
    assert vgg["totals"]["params"] == 138_357_544 and vgg["format_version"] == 7
    status, table, _ = run("specs")
    assert all(name in table for name in bundled_names()) and "151,900,840" in table


def test_piped_tables_have_no_trailing_spaces_and_plain_cnncount_shows_help():
    status, out, _ = run("count", "lenet5", "--chart", "--explain")
    assert status == 0 and all(line == line.rstrip() for line in out.splitlines())
    status, out, err = run()
    assert (status, err) == (0, "") and "Layer commands" in out and out.count("\n") > 20


def test_merge_subcommands_take_an_input_each():
    status, out, err = run("concat", "--input", "64x28x28", "--input", "32x28x28", "-f", "json")
    assert (status, err) == (0, "")
    doc = json.loads(out)
    assert [i["name"] for i in doc["inputs"]] == ["input1", "input2"] and doc["output_shape"] == [96, 28, 28]
    assert doc["layers"][0]["inputs"] == ["input1", "input2"]
    status, out, err = run("multiply", "-i", "64x56x56", "-i", "64x1x1", "-f", "json")
    assert status == 0 and json.loads(out)["output_shape"] == [64, 56, 56]


@pytest.mark.parametrize(
    "args, message",
    [
        pytest.param(
            ["add", "--input", "3x4x4"], "add reads 2 or more inputs: give --input once for each", id="add-one"
        ),
        pytest.param(
            ["conv", "-i", "3x4x4", "-i", "3x4x4", "--filters", "2", "--kernel", "1"],
            "conv reads one input; --input is given 2 times",
            id="conv-two",
        ),
        pytest.param(
            ["count", "-i", "3x4x4", "-i", "3x4x4", "-l", "flatten"],
            "a --layer stack has one input; --input is given 2 times",
            id="stack-two",
        ),
        pytest.param(
            ["count", "-i", "8", "-l", "dense units=2 from=nope"],
            "layer 1 (dense): from: no layer or block named 'nope' before this entry",
            id="from-word",
        ),
    ],
)
def test_inputs_on_the_command_line(args, message):
    status, out, err = run(*args)
    assert (status, out) == (2, "")
    assert err.strip().endswith(message), err


def test_a_split_subcommand_reports_every_part():
    status, out, err = run("split", "--input", "116x28x28", "--sizes", "16x100", "-f", "json")
    assert (status, err) == (0, "")
    doc = json.loads(out)
    assert [(o["name"], o["shape"]) for o in doc["outputs"]] == [
        ("split1:0", [16, 28, 28]),
        ("split1:1", [100, 28, 28]),
    ]


def test_a_file_with_several_inputs_takes_one_input_option_each(tmp_path):
    path = tmp_path / "two.yaml"
    path.write_text("inputs: {a: [4], b: [6]}\nlayers: [{type: concat, from: [a, b]}, {type: dense, units: 2}]\n")
    status, out, err = run("count", str(path), "-i", "5", "-i", "7", "-f", "json")
    assert (status, err) == (0, "")
    assert json.loads(out)["totals"]["weights"] == 12 * 2
    status, out, err = run("count", str(path), "-i", "5")
    assert (status, out) == (2, "")
    assert "the file has 2 inputs (a, b) and 1 input shape was given: give one per input, in that order" in err


def _commands():
    from cnncount.layers import REGISTRY

    return [["count"], ["specs"], ["specs", "show"], ["schema"], *([kind] for kind in REGISTRY), []]


@pytest.mark.parametrize("command", _commands(), ids=lambda words: " ".join(words) or "cnncount")
def test_help_text_is_clean(command):
    """No runs of spaces inside a sentence (undedented docstrings), no line past 80 columns."""
    import re

    status, out, err = run(*command, "--help")
    assert (status, err) == (0, "")
    description = out.split("\nOptions:")[0]
    lines = [line for line in description.splitlines()[1:] if line.strip() and not line.startswith("    ")]
    for line in lines:  # the examples (indented by four) keep their alignment
        assert not re.search(r"\S {2,}\S", line), line
    assert max(len(line) for line in out.splitlines()) <= 80


def test_help_says_how_to_turn_on_completion():
    status, out, _ = run("--help")
    assert status == 0 and "_CNNCOUNT_COMPLETE=bash_source" in out


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
@pytest.mark.parametrize(
    "words, expected",
    [
        pytest.param("cnncount count resnet1", ["resnet101", "resnet152", "resnet18"], id="bundled-names"),
        pytest.param("cnncount specs show lenet", ["lenet5"], id="specs-show"),
        pytest.param("cnncount count --layer den", ["dense"], id="layer-kinds"),
    ],
)
def test_bash_completes_bundled_names_through_bash_itself(words, expected, tmp_path):
    """click's own bash script, sourced in bash, as a user's ~/.bashrc would."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    script = subprocess.run(
        ["cnncount"], env={**env, "_CNNCOUNT_COMPLETE": "bash_source"}, capture_output=True, text=True, check=True
    ).stdout
    (tmp_path / "completion.bash").write_text(script)
    words_list = words.split()
    program = (
        f"source {tmp_path / 'completion.bash'}\n"
        f"COMP_WORDS=({words})\nCOMP_CWORD={len(words_list) - 1}\n"
        '_cnncount_completion cnncount\nprintf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    proc = subprocess.run(["bash", "-c", program], env=env, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert proc.stdout.split() == expected, proc.stderr


def test_json_is_one_document_per_line_into_a_pipe_whatever_the_number_of_specs():
    for specs in (["lenet5"], ["lenet5", "resnet18"]):
        status, out, _ = run("count", *specs, "-f", "json")
        lines = out.splitlines()
        assert status == 0 and len(lines) == len(specs)
        assert [json.loads(line)["name"] for line in lines] == specs


def test_json_is_pretty_in_a_terminal(monkeypatch):
    from cnncount import cli

    monkeypatch.setattr(cli, "_stdout_is_terminal", lambda: True)
    status, out, _ = run("count", "lenet5", "-f", "json")
    assert status == 0 and out.startswith('{\n  "format_version": 7,\n') and json.loads(out)["name"] == "lenet5"


def test_layer_words_are_split_as_a_shell_splits_them():
    status, out, _ = run("count", "-i", "3x8x8", "-l", "conv filters=2 kernel=3 name='my conv'", "-f", "json")
    assert status == 0 and json.loads(out)["layers"][0]["name"] == "my conv"
    status, out, err = run("count", "-i", "3x8x8", "-l", "conv filters=2 name='my conv")
    assert (status, out) == (
        2,
        "",
    ) and err == 'layer 1 (conv): no closing quotation in "conv filters=2 name=\'my conv"\n'


@pytest.mark.parametrize(
    "args, message",
    [
        pytest.param(
            ["--columns", "name,parms"], "--columns: unknown column 'parms' (did you mean 'params'?)", id="unknown"
        ),
        pytest.param(["--columns", ","], "--columns: give at least one column", id="empty"),
        pytest.param(["-f", "csv", "--depth", "2"], "--depth and --columns shape tables and pictures", id="csv-depth"),
        pytest.param(["--depth", "0"], "Invalid value for '--depth'", id="depth-zero"),
    ],
)
def test_table_options_refuse_what_they_cannot_do(args, message):
    status, out, err = run("count", "resnet18", *args)
    assert (status, out) == (2, "") and message in err and len(err.splitlines()) == 1


def test_columns_depth_and_wide_shape_the_printed_table():
    status, out, _ = run("count", "resnet50", "--depth", "1", "--columns", "name,params")
    assert status == 0 and out.splitlines()[3].split() == ["conv1", "9,408"] and "layer4" in out and "conv3" not in out
    env_80 = CliRunner().invoke(_entry, ["count", "resnet50"], env={"COLUMNS": "80"}).stdout
    wide = CliRunner().invoke(_entry, ["count", "resnet50", "--wide"], env={"COLUMNS": "80"}).stdout
    assert max(map(len, env_80.splitlines())) <= 80 < max(map(len, wide.splitlines()))
    assert "MACs" in wide.splitlines()[2] and "MACs" not in env_80.splitlines()[2]


def test_dot_and_mermaid_formats():
    status, out, _ = run("count", "resnet18", "--depth", "2", "-f", "dot")
    assert status == 0 and out.startswith('digraph "resnet18" {') and "subgraph cluster_" in out
    status, out, _ = run("count", "lenet5", "-f", "mermaid")
    assert status == 0 and out.startswith("flowchart TD\n") and "n11 --> n12" in out


def test_colour_only_in_a_terminal_and_never_with_no_color():
    """FORCE_COLOR says it is a terminal here (the runner's stdout is a pipe)."""
    coloured = CliRunner().invoke(_entry, ["count", "lenet5", "--chart"], env={"FORCE_COLOR": "1", "COLUMNS": "100"})
    assert "\x1b[36m" in coloured.stdout  # the chart's cyan bars
    plain = CliRunner().invoke(
        _entry, ["count", "lenet5", "--chart"], env={"FORCE_COLOR": "1", "NO_COLOR": "1", "COLUMNS": "100"}
    )
    assert "\x1b[36m" not in plain.stdout and "█" in plain.stdout
    assert "\x1b[1m" in plain.stdout  # NO_COLOR leaves out colours, not bold


@pytest.mark.parametrize(
    "env, styled",
    [
        pytest.param({}, False, id="piped"),
        pytest.param({"FORCE_COLOR": ""}, False, id="force-color-empty"),
        pytest.param({"FORCE_COLOR": "1", "TERM": "dumb"}, False, id="dumb-terminal"),
        pytest.param({"FORCE_COLOR": "1", "TTY_COMPATIBLE": "0"}, False, id="tty-compatible-0"),
        pytest.param({"TTY_COMPATIBLE": "1"}, True, id="tty-compatible-1"),
        pytest.param({"FORCE_COLOR": "1", "TERM": "xterm-256color"}, True, id="force-color"),
    ],
)
def test_styles_are_drawn_where_rich_would_draw_them(env, styled):
    """The table is drawn without rich; bold, dim and colours follow the variables rich reads,
    and the text is the same either way."""
    base = {"FORCE_COLOR": None, "TTY_COMPATIBLE": None, "NO_COLOR": None, "TERM": "xterm", "COLUMNS": "100"}
    out = CliRunner().invoke(_entry, ["count", "lenet5", "--chart"], env={**base, **env}).stdout
    plain = CliRunner().invoke(_entry, ["count", "lenet5", "--chart"], env=base).stdout
    assert ("\x1b[" in out) == styled
    assert re.sub(r"\x1b\[[0-9;]*m", "", out) == plain


# --- --rf: receptive fields in every tabular format ------------------------------------------------


def test_rf_adds_the_receptive_field_to_the_table_csv_and_json():
    args = ("conv", "--input", "3x32x32", "--filters", "32", "--kernel", "5", "--stride", "2")
    status, out, err = run(*args, "--rf", "--columns", "name,rf_size,rf_stride,rf_padding")
    assert (status, err) == (0, "")
    assert out.splitlines()[3].split() == ["conv1", "5", "2", "0"]
    status, out, err = run(*args, "--rf", "--format", "csv")
    header, first = out.splitlines()[:2]
    assert header.endswith(",rf_size,rf_stride,rf_padding") and first.endswith(",5,2,0")
    status, out, err = run(*args, "--rf", "--format", "json")
    layer = json.loads(out)["layers"][0]
    assert layer["receptive_field"] == {
        "size": [5, 5],
        "stride": [2, 2],
        "padding": [0, 0],
        "centre": [2, 2],
        "uniform": [True, True],
        "units": None,
        "whole_input": False,
        "misaligned": False,
        "larger_than_input": False,
        "unknown": None,
    }
    status, out, err = run(*args, "--format", "json")
    assert "receptive_field" not in json.loads(out)["layers"][0]  # only when asked for


def test_rf_of_a_transposed_conv_shows_units_that_differ():
    # 3 positions and a deconv k 3, s 2: output v reads inputs -1..0, 0, 0..1, 1, 1..2, ...
    args = ("deconv", "--input", "2x8", "--filters", "2", "--kernel", "3", "--stride", "2", "--rf")
    status, out, err = run(*args, "--columns", "name,rf_size,rf_stride,rf_padding")
    assert (status, err) == (0, "")
    assert out.splitlines()[3].split() == ["deconv1", "≤2", "1/2", "1"]
    assert "RF ≤ / ~: from deconv1 (deconv) on, the units' fields differ" in " ".join(out.split())
    status, out, err = run(*args, "--format", "csv")
    assert out.splitlines()[1].endswith(",2,0.5,1")
    status, out, err = run(*args, "--format", "json")
    field = json.loads(out)["layers"][0]["receptive_field"]
    assert (field["size"], field["stride"], field["padding"], field["uniform"]) == ([2], [0.5], [1], [False])
    assert field["centre"] == [-0.5]  # unit 0 sees -1..0
    assert field["units"] == [{"period": 2, "step": 1, "first": [-1, 0], "last": [0, 0]}]


@pytest.mark.parametrize(
    "args, message",
    [
        pytest.param(("count", "vgg16", "--rf", "--format", "dot"), "--rf adds columns to a table", id="dot"),
        pytest.param(
            ("count", "resnet", "--rf", "--set", "depth=18,34"),
            "without --chart, --explain, --depth, --columns or --rf",
            id="sweep",
        ),
    ],
)
def test_rf_is_refused_where_it_has_no_column(args, message):
    status, out, err = run(*args)
    assert status == 2 and out == "" and message in err and err.count("\n") == 1


# --- export ------------------------------------------------------------------------------------------


def test_export_writes_the_golden_file_to_stdout_or_to_a_file(tmp_path):
    golden = (Path(__file__).parent / "golden" / "export" / "lenet5.py").read_text()
    assert run("export", "lenet5") == (0, golden, "")
    path = tmp_path / "net.py"
    assert run("export", "lenet5", "-o", str(path)) == (0, "", "")
    assert path.read_text() == golden


def test_export_takes_a_layer_stack_with_its_bias_and_name():
    status, out, err = run(
        "export", "--input", "3x32x32", "--layer", "conv filters=32 kernel=5", "--bias", "untied", "--name", "seed"
    )
    assert (status, err) == (0, "")
    assert "class Seed(nn.Module):" in out and "UntiedBias(nn.Conv2d(3, 32, 5, bias=False), (32, 28, 28))" in out


@pytest.mark.parametrize(
    "args, message",
    [
        pytest.param(("export",), "nothing to export", id="nothing"),
        pytest.param(("export", "resnet", "--set", "depth=18,34"), "export writes one network", id="sweep"),
        pytest.param(
            ("export", "--input", "2x8x8", "--layer", "upsample scale=2 mode=lanczos3"),
            "upsample1 (upsample): mode 'lanczos3' has no counterpart in PyTorch",
            id="no-counterpart",
        ),
        pytest.param(("export", "lenet5", "--layer", "flatten"), "either a SPEC or --layer", id="both"),
    ],
)
def test_export_refuses_in_one_line(args, message):
    status, out, err = run(*args)
    assert status == 2 and out == "" and message in err and err.count("\n") == 1


def test_export_to_a_file_that_cannot_be_written_says_so(tmp_path):
    status, out, err = run("export", "lenet5", "-o", str(tmp_path / "missing" / "net.py"))
    assert status == 1 and out == "" and err.startswith("--output: cannot write") and err.count("\n") == 1


# --- ONNX models: count and convert --------------------------------------------------------------------


def _light(name: str) -> str:
    import onnx

    return str(Path(onnx.__file__).parent / "backend" / "test" / "data" / "light" / f"light_{name}.onnx")


def test_count_reads_an_onnx_model_in_every_format():
    status, out, err = run("count", _light("squeezenet"), "--format", "json")
    assert (status, err) == (0, "") and json.loads(out)["totals"]["params"] == 1_235_496
    status, out, err = run("count", _light("squeezenet"), "--bias", "untied", "--format", "csv")
    assert status == 0 and out.splitlines()[-1].split(",")[-5] == "3820904"


def test_convert_writes_a_spec_that_counts_the_same_and_converts_to_itself(tmp_path):
    path = tmp_path / "resnet50.yaml"
    assert run("convert", _light("resnet50"), "-o", str(path)) == (0, "", "")
    text = path.read_text()
    assert text.startswith("# light_resnet50: 176 layers, 25,557,032 parameters")
    status, out, err = run("count", str(path), "--format", "json")
    assert json.loads(out)["totals"]["params"] == 25_557_032
    assert run("convert", str(path)) == (0, text, "")


@pytest.mark.parametrize(
    "args, message",
    [
        pytest.param(("count", "missing.onnx"), "missing.onnx: no such file", id="missing"),
        pytest.param(("convert",), "Missing argument 'FILE'", id="no-file"),
    ],
)
def test_onnx_errors_are_one_line(args, message):
    status, out, err = run(*args)
    assert status == 2 and out == "" and message in err


def test_a_file_that_is_not_onnx_is_one_line(tmp_path):
    path = tmp_path / "bad.onnx"
    path.write_bytes(b"\x00\x01 not protobuf")
    status, out, err = run("count", str(path))
    assert status == 2 and out == "" and "bad.onnx: not an ONNX model" in err and err.count("\n") == 1


def test_pass_unknown_lets_an_op_through_with_a_warning(tmp_path):
    import onnx
    from onnx import TensorProto, helper

    nodes = [
        helper.make_node("Conv", ["x", "w"], ["c"], name="conv"),
        helper.make_node("Erf", ["c"], ["e"], name="odd"),  # element-wise, shape kept: no cnncount kind
        helper.make_node("Relu", ["e"], ["y"], name="relu"),
    ]
    graph = helper.make_graph(
        nodes,
        "odd_net",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        [helper.make_tensor("w", TensorProto.FLOAT, [4, 3, 3, 3], [0.0] * 108)],
    )
    path = tmp_path / "odd_net.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))
    status, out, err = run("count", str(path), "--format", "json")
    assert status == 2 and out == "" and "node 'odd' (Erf): cnncount has no kind for this op" in err
    status, out, err = run("count", str(path), "--format", "json", "--pass-unknown")
    assert status == 0 and json.loads(out)["totals"]["params"] == 4 * 27  # the conv, without a bias
    assert err == f"warning: {path}: node 'odd' (Erf): passed through, its shape kept\n"
    status, out, err = run("convert", str(path), "--pass-unknown")
    assert status == 0 and "name: odd," not in out and err.startswith("warning:")


# --- many specs in one call: each counted, written and let go -------------------------------------

MANY = ("lenet5", "alexnet", "resnet18")


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_many_specs_print_what_counting_them_together_gives(fmt):
    """Streamed one report at a time, the output is the one document the renderers make of them all."""
    from cnncount.render import as_csv, as_json, as_table

    status, out, err = run("count", *MANY, "--format", fmt)
    assert (status, err) == (0, "")
    reports = [cnncount.count(name) for name in MANY]
    expected = {
        "table": lambda: as_table.render(reports).plain + "\n",
        "json": lambda: "".join(as_json.render(r, one_line=True) + "\n" for r in reports),
        "csv": lambda: as_csv.render(reports),
    }[fmt]()
    assert out == expected


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_a_failing_spec_after_others_leaves_stdout_empty(fmt, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("input: [3, 8, 8]\nlayers:\n  - {type: conv, filters: 4, kernel: 9}\n")
    status, out, err = run("count", "lenet5", "alexnet", str(bad), "--format", fmt)
    assert (status, out) == (2, "")
    assert err.startswith(f"{bad}:3:5: ") and "kernel 9" in err and len(err.splitlines()) == 1


def test_many_specs_are_let_go_one_by_one(monkeypatch):
    """No report outlives its output: when a spec is counted, every report before it is gone but
    the last one written (the loop's variable), freed by reference counting as it is let go (the
    CLI pauses the cyclic collector), so memory stays flat in the number of files."""
    import gc

    from cnncount import model

    counted = model.count
    calls = []

    def live_reports() -> int:
        return sum(isinstance(thing, model.Report) for thing in gc.get_objects())

    def count_and_check(arch):
        calls.append(live_reports())
        return counted(arch)

    monkeypatch.setattr(model, "count", count_and_check)
    for fmt in ("table", "json", "csv"):
        calls.clear()
        gc.collect()
        before = live_reports()
        status, out, err = run("count", *MANY, "lenet5", "--format", fmt)
        assert (status, err) == (0, "") and calls == [before] + [before + 1] * 3
