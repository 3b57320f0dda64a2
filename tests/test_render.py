"""Rendered output: every format shows the same numbers as the JSON, tables stay stable.

Golden files in tests/golden/ hold the exact table output of a few reports;
after a deliberate change, ``CNNCOUNT_UPDATE_GOLDEN=1 python -m pytest
tests/test_render.py`` rewrites them for review in the diff.
"""

import csv
import io
import json
import math
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from rich.console import Console

import cnncount
from cnncount.memory import Memory, human_bytes, human_count
from cnncount.render import as_csv, as_dot, as_json, as_latex, as_markdown, as_mermaid, as_table
from cnncount.render.columns import GIVE_WAY, columns
from cnncount.sources import bundled_names
from tests.zoo import representative

GOLDEN = Path(__file__).parent / "golden"
NUMBERS = ("weights", "tied_biases", "untied_biases", "params", "macs")


def text_of(styled, width=200):
    """The text a terminal ``width`` columns wide shows of ``styled``, as rich draws it (a picture's
    text): it must be the plain text, line for line, with no line folded."""
    console = Console(file=io.StringIO(), width=max(width, styled.width), color_system=None)
    console.print(styled.to_rich())
    drawn = "\n".join(line.rstrip() for line in console.file.getvalue().splitlines()) + "\n"
    assert drawn == styled.plain + "\n"
    return drawn


def number(cell):
    cell = cell.strip().strip("*").replace("{,}", "").replace(",", "")
    return int(cell) if cell else None


@pytest.fixture(scope="module", params=representative(bundled_names()))
def bundled(request):
    report = cnncount.count(request.param)
    return report, json.loads(as_json.render(report))


def test_csv_numbers_match_json(bundled):
    report, doc = bundled
    rows = list(csv.DictReader(io.StringIO(as_csv.render([report]))))
    assert list(rows[0]) == list(as_csv.HEADER)
    layers = [row for row in rows if row["row"] == "layer"]
    assert len(layers) == len(doc["layers"]) and [row["row"] for row in rows[len(layers) :]] == [
        "total",
        "total_tied",
        "total_untied",
    ]
    for row, layer in zip(layers, doc["layers"]):
        assert (row["path"], row["name"], row["qualified_name"]) == (
            layer["path"],
            layer["name"],
            layer["qualified_name"],
        )
        assert row["inputs"].split() == layer["inputs"]
        for key in (*NUMBERS, "non_trainable", "activations", "activation_bytes"):
            assert int(row[key]) == layer[key], (layer["name"], key)
    own, tied, untied = rows[len(layers) :]
    assert {key: int(own[key]) for key in NUMBERS} == {key: doc["totals"][key] for key in NUMBERS}
    assert int(tied["params"]) == doc["totals"]["params_tied"]
    assert int(untied["params"]) == doc["totals"]["params_untied"]
    assert {row["spec"] for row in rows} == {report.name}


def test_csv_columns_do_not_depend_on_the_input():
    """The same header for one spec and several, with or without non-trainable parameters or graphs."""
    headers = []
    for names in (["conv5x5_cifar"], ["lenet5"], ["resnet18"], ["lenet5", "resnet18", "conv5x5_cifar"]):
        text = as_csv.render([cnncount.count(name) for name in names])
        rows = list(csv.reader(io.StringIO(text)))
        assert {len(row) for row in rows} == {len(as_csv.HEADER)}
        headers.append(rows[0])
    assert all(header == list(as_csv.HEADER) for header in headers)


def _table_numbers(lines, split):
    """The header and the rows (as dicts) of a Markdown or LaTeX table."""
    header = split(lines[0])
    rows = [dict(zip(header, split(line))) for line in lines[1:]]
    return header, rows


def _markdown_cell(cell):
    return cell.strip().replace("\\_", "_").replace("\\*", "*").replace("\\|", "|")


def test_markdown_numbers_match_json(bundled):
    report, doc = bundled
    lines = [line for line in as_markdown.render([report]).splitlines() if line.startswith("| ")]
    header, rows = _table_numbers(lines, lambda line: [_markdown_cell(c) for c in line[2:-2].split(" | ")])
    assert header[:3] == ["#", "name", "type"]
    assert {"weights", "tied biases", "untied biases", "params", "MACs"} <= set(header)
    layers, totals = rows[: len(doc["layers"])], rows[len(doc["layers"]) :]
    for row, layer in zip(layers, doc["layers"]):
        assert row["name"] == layer["qualified_name"]  # the blocks survive in the names
        assert [number(row[h]) for h in ("weights", "tied biases", "untied biases", "params", "MACs")] == [
            layer[key] for key in NUMBERS
        ]
    assert [number(t["params"]) for t in totals] == [
        doc["totals"]["params"],
        doc["totals"]["params_tied"],
        doc["totals"]["params_untied"],
    ]


def test_markdown_and_latex_fold_blocks_as_the_table_does():
    report = cnncount.count("resnet50")
    doc = json.loads(as_json.render(report))
    top = [b for b in doc["blocks"] if b["depth"] == 0]
    lines = [line for line in as_markdown.render([report], depth=1).splitlines() if line.startswith("| ")][1:]
    italic = [line for line in lines if "| *" in line and "| **" not in line]
    assert [line.split(" | ")[1].strip("*") for line in italic] == [b["qualified_name"] for b in top]
    for line, block in zip(italic, top):
        assert f"*{block['params']:,}*" in line
    outside = [layer for layer in doc["layers"] if "." not in layer["qualified_name"]]
    assert len(lines) == len(top) + len(outside) + 3  # + the totals
    latex = as_latex.render([report], depth=1)
    assert latex.count(r"\textit{layer") == len(top) and r"\textit{7{,}098{,}368}" in latex  # layer3


def test_latex_numbers_match_json(bundled):
    report, doc = bundled
    text = as_latex.render([report])
    assert text.count(r"\begin{tabular}") == 1 and r"\toprule" in text and r"\bottomrule" in text
    lines = [line[: -len(r" \\")] for line in text.splitlines() if line.endswith(r" \\")]
    header, rows = _table_numbers(lines, lambda line: [c.strip() for c in line.split(" & ")])
    layers, totals = rows[: len(doc["layers"])], rows[len(doc["layers"]) :]
    assert len(totals) == 3
    for row, layer in zip(layers, doc["layers"]):
        assert number(row["params"]) == layer["params"] and number(row["MACs"]) == layer["macs"]
    assert number(totals[0]["params"]) == doc["totals"]["params"]
    assert number(totals[2]["params"]) == doc["totals"]["params_untied"]


def test_table_shows_the_json_totals(bundled):
    report, doc = bundled
    text = text_of(as_table.render([report], explain=True, show_chart=True), width=400)
    for key in ("params", "params_tied", "params_untied", "weights", "macs"):
        assert f"{doc['totals'][key]:,}" in text, key
    shown = report.entries[: as_table.TABLE_ROWS]
    for row in shown:
        assert row.name in text
    if len(report.entries) > len(shown):  # efficientnet_v2_l: a long table is cut, and says so
        assert f"{len(report.entries) - len(shown):,} more rows not shown" in text


def test_human_units_of_vgg16():
    report = cnncount.count("vgg16")
    memory = Memory("float32", 1)
    assert human_count(report.totals.params) == "138.4 M"
    assert memory.totals(report)["param_bytes"] == 138_357_544 * 4
    assert human_bytes(138_357_544 * 4) == "527.8 MiB"
    half = Memory("float16", 64).totals(report)
    assert half["param_bytes"] == 138_357_544 * 2
    assert half["activations"] == 64 * sum(math.prod(r.output_shape) for r in report.rows)
    assert half["batch_flops"] == 2 * 64 * report.totals.macs
    assert "527.8 MiB" in text_of(as_table.summary(report, memory))


def test_memory_refuses_unknown_dtypes():
    with pytest.raises(cnncount.SpecError, match="dtype: expected one of"):
        Memory("float8")
    with pytest.raises(cnncount.SpecError, match="batch: expected an integer >= 1"):
        Memory("int8", 0)


def test_huge_counts_stay_exact_in_every_format():
    report = cnncount.count({"input": [3, 32, 32], "layers": [{"type": "conv", "filters": 10**15, "kernel": 5}]})
    weights = 3 * 25 * 10**15
    doc = json.loads(as_json.render(report))
    assert doc["totals"]["weights"] == weights and isinstance(doc["totals"]["weights"], int)
    assert re.search(r"\b75000000000000000\b", as_json.render(report, one_line=True))
    assert f",{weights}," in as_csv.render([report])
    assert f"{weights:,}" in as_markdown.render([report])
    assert f"{weights:,}".replace(",", "{,}") in as_latex.render([report])
    assert "e+" not in as_json.render(report) + as_csv.render([report])


SEED = {"input": [3, 32, 32], "layers": [{"type": "conv", "filters": 32, "kernel": 5}]}
BLOCKS = (
    "input: [4, 8, 8]\n"
    "name: blocks\n"
    "layers:\n"
    "  - {type: residual, name: res, repeat: 2, layers: [{type: conv, filters: 4, kernel: 3, padding: 1}, {type: batchnorm}]}\n"
    "  - {type: concat, branches: [[], [{type: conv, filters: 2, kernel: 1, bias: untied}]]}\n"
    "  - {type: side, name: aux, layers: [{type: globalavgpool}, {type: dense, units: 3}]}\n"
    "  - {type: flatten}\n"
    "  - {type: dense, units: 10}\n"
)

#: Golden outputs at 80 columns, as an ordinary terminal shows them.
GOLDEN_CASES = {
    "conv_seed": lambda: as_table.render([cnncount.count(SEED)], width=80, explain=True),
    "blocks": lambda: as_table.render([cnncount.count(BLOCKS)], Memory("float16", 8), width=80, show_chart=True),
    "lenet5": lambda: as_table.render([cnncount.count("lenet5")], width=80),
    "resnet50_depth2": lambda: as_table.render([cnncount.count("resnet50")], width=80, depth=2),
    "separable": lambda: as_table.render(
        [cnncount.count({"input": [32, 32, 32], "layers": [{"type": "separable", "filters": 64, "kernel": 3}]})],
        width=80,
    ),
}


@pytest.mark.parametrize("case", sorted(GOLDEN_CASES))
def test_golden_tables(case):
    path = GOLDEN / f"{case}.txt"
    text = text_of(GOLDEN_CASES[case](), width=80)
    if os.environ.get("CNNCOUNT_UPDATE_GOLDEN"):
        path.write_text(text)
    assert text == path.read_text()
    assert max(len(line) for line in text.splitlines()) <= 80


def _whole(cell, line):
    """Whether ``cell`` stands in ``line`` as a whole token (nothing but spaces or the line's ends around it)."""
    return re.search(rf"(?<![^\s│├└─]){re.escape(cell)}(?!\S)", line) is not None


WIDTHS = (40, 60, 80, 120, 200)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_table_fits_the_width_and_never_breaks_a_cell(bundled, width):
    """Every line fits (where the name and params columns do), and every cell of every column
    shown stands whole on its line; the columns left out are those that give way first."""
    report, _ = bundled
    text_obj, left_out = as_table.report_table(report, width=width)
    lines = text_obj.plain.splitlines()
    natural, _ = as_table.report_table(report)
    widest_needed = max(
        len(line) for line in as_table.report_table(report, keys=["name", "params"])[0].plain.splitlines()
    )
    if widest_needed <= width:
        assert max(len(line) for line in lines) <= width
    cols = columns(report, graph=True)
    shown = [col for col in cols if col.title not in left_out]
    gone = {col.key for col in cols if col.title in left_out} - {"from"}  # `from` goes with `#`
    kept = {col.key for col in shown}
    assert gone <= set(GIVE_WAY) and {"name", "params"} <= kept
    assert all(GIVE_WAY.index(g) < GIVE_WAY.index(k) for g in gone for k in kept if k in GIVE_WAY)
    if not left_out:
        assert text_obj.plain == natural.plain
    body = iter(lines[max(len(c.heading) for c in shown) + 1 :])
    for entry in as_table.shown_entries(report):
        line = next(body)
        for col in shown:
            value = col.cell(entry) if isinstance(entry, cnncount.Row) else (col.group(entry) if col.group else "")
            cell = f"{value:,}" if isinstance(value, int) else str(value)
            if cell:
                assert _whole(cell, line), (report.name, width, col.key, cell, line)
        for _ in entry.parts if isinstance(entry, cnncount.Row) else ():
            next(body)


def test_a_narrow_table_says_what_it_left_out():
    text = text_of(as_table.render([cnncount.count("resnet50")], width=80), width=80)
    left = "not shown at 80 columns: #, type, from, bias, MACs, non-trainable (--wide shows them)"
    assert left in " ".join(text.split())
    everything = text_of(as_table.render([cnncount.count("resnet50")]), width=400)
    assert "not shown" not in everything and "MACs" in everything


def test_the_seed_answer_is_whole_at_80_columns():
    text = text_of(as_table.render([cnncount.count(SEED)], width=80), width=80)
    row = next(line for line in text.splitlines() if line.startswith("1  conv1"))
    assert row.split()[-5:] == ["2,400", "32", "25,088", "2,432", "1,881,600"]
    assert re.search(r"^ +all tied +2,432$", text, re.M) and re.search(r"^ +all untied +27,488$", text, re.M)


def test_columns_picks_and_orders_and_refuses_unknown_keys():
    report = cnncount.count("lenet5")
    table, left_out = as_table.report_table(report, width=20, keys=["params", "name"])
    assert left_out == [] and table.plain.splitlines()[0].split() == ["params", "name"]
    with pytest.raises(
        cnncount.SpecError, match=r"unknown column 'parms' \(did you mean 'params'\?\); the columns are index,"
    ):
        as_table.report_table(report, keys=["name", "parms"])


def test_depth_folds_blocks_into_their_subtotals():
    report = cnncount.count("resnet50")
    table, _ = as_table.report_table(report, depth=1)
    lines = table.plain.splitlines()
    assert not any("─ " in line for line in lines)  # no tree: nothing below the top level
    top = [e for e in report.entries if e.depth == 0]
    assert len(lines) == 2 + 1 + len(top) + 1 + 1  # heading lines, rule, rows, rule, total
    assert sum(e.counts.params for e in top) == report.totals.params
    layer3 = next(line for line in lines if "layer3" in line.split())
    assert "7,098,368" in layer3.split()


def test_tree_rules_follow_the_nesting():
    assert as_table_prefixes([0, 0, 1, 2, 2, 1, 2, 0]) == ["", "", "├─ ", "│  ├─ ", "│  └─ ", "└─ ", "   └─ ", ""]


def as_table_prefixes(depths):
    from cnncount.render.grid import tree_prefixes

    return tree_prefixes(depths)


def test_totals_that_say_nothing_are_left_out():
    pool = as_table.report_table(cnncount.count({"input": [3, 8, 8], "layers": [{"type": "maxpool", "kernel": 2}]}))[0]
    assert "total" not in pool.plain and "all tied" not in pool.plain
    seed = as_table.report_table(cnncount.count(SEED))[0].plain
    assert "total " not in seed and "all tied" in seed and "all untied" in seed  # one layer: its row is the total
    no_bias = cnncount.count(
        {"input": [3, 8, 8], "layers": [{"type": "conv", "filters": 2, "kernel": 3, "bias": "none"}] * 2}
    )
    text = as_table.report_table(no_bias)[0].plain
    assert "total" in text and "all tied" not in text  # no layer has biases to tie or untie
    two = cnncount.count({"input": [3, 8, 8], "layers": [{"type": "conv", "filters": 2, "kernel": 3}] * 2})
    text = as_table.report_table(two)[0].plain
    assert "total" in text and "all tied" in text and "all untied" in text


def test_summary_lines_wrap_at_spaces_and_never_run_past_the_width():
    report = cnncount.count("resnet50")
    for width in (40, 60, 80):
        text = text_of(as_table.summary(report, Memory("float16", 64), width), width=width)
        assert max(len(line) for line in text.splitlines()) <= width
        assert "25,557,032 (25.6 M)" in text.replace("\n", " ")


def test_picture_svg_has_a_size_no_network_fonts_and_whole_cells():
    from cnncount.render import as_picture

    report = cnncount.count("resnet50")
    shown = as_table.render([report], show_chart=True)
    svg = as_picture.svg(shown)
    width, height = re.search(r'<svg[^>]* width="([\d.]+)" height="([\d.]+)"', svg).groups()
    assert float(width) > 1000 and float(height) > 3000
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "") and "@font-face" not in svg
    import html

    texts = [html.unescape(t).replace("\xa0", " ") for t in re.findall(r"<text [^>]*>([^<]*)</text>", svg)]
    plain = text_of(shown, width=400)
    table, _ = as_table.report_table(report)
    cols = columns(report, graph=True)
    for entry in report.rows[:50]:
        for col in cols:
            value = col.cell(entry)
            cell = f"{value:,}" if isinstance(value, int) else str(value)
            if cell:
                assert any(_whole(cell, t) for t in texts), (col.key, cell)
    lines = [line for line in plain.splitlines() if line.strip()]
    assert len(re.findall(r'<clipPath id="[^"]*-line-\d+">', svg)) >= len(lines)


def test_picture_html_is_a_page_at_natural_width():
    from cnncount.render import as_picture

    page = as_picture.html(as_table.render([cnncount.count("lenet5")]))
    assert page.startswith("<!DOCTYPE html>") and "<title>cnncount</title>" in page and "http" not in page
    import html

    text = re.sub(r"<[^>]+>", "", page[page.index("<pre>") : page.index("</pre>")])
    assert html.unescape(text).rstrip("\n") == text_of(as_table.render([cnncount.count("lenet5")]), width=400).rstrip(
        "\n"
    )


def test_dot_has_a_box_per_layer_and_an_arrow_per_input(bundled):
    report, doc = bundled
    text = as_dot.render([report])
    assert text.startswith(f'digraph "{report.name}" {{')
    boxes = re.findall(r"^\s+(n\d+) \[label=", text, re.M)
    assert boxes == [f"n{layer['index']}" for layer in doc["layers"]]
    arrows = set(re.findall(r"^\s+(\w+) -> (\w+)", text, re.M))
    for layer in doc["layers"]:
        for row in layer["input_rows"]:
            if row:
                assert (f"n{row}", f"n{layer['index']}") in arrows


@pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz's dot is not installed")
@pytest.mark.parametrize("name", ["resnet50", "googlenet_aux", "siamese"])
def test_dot_output_is_read_by_graphviz(name, tmp_path):
    spec = str(Path(__file__).parent.parent / "docs" / "examples" / f"{name}.yaml") if name == "siamese" else name
    report = cnncount.count(spec)
    for depth in (None, 2):
        source = tmp_path / "net.dot"
        source.write_text(as_dot.render([report], depth=depth))
        proc = subprocess.run(["dot", "-Tsvg", str(source)], capture_output=True, text=True, check=False)
        assert proc.returncode == 0 and "<svg" in proc.stdout and proc.stderr == "", proc.stderr


def test_dot_and_mermaid_fold_blocks_with_depth():
    report = cnncount.count("resnet18")
    dot = as_dot.render([report], depth=1)
    assert re.findall(r'label="(layer\d)\\nblock', dot) == ["layer1", "layer2", "layer3", "layer4"]
    assert "subgraph" not in dot and "n5 " not in dot
    mermaid = as_mermaid.render([report], depth=2)
    assert mermaid.startswith("flowchart TD\n") and mermaid.count("subgraph") == 4 and mermaid.count("\n  end") == 4
    assert '["0<br/>block 64x56x56<br/>73,984 params"]' in mermaid


def test_graph_labels_escape_what_users_write():
    report = cnncount.count({"input": [3, 8, 8], "layers": [{"type": "flatten", "name": 'a "b" <c> \\ #d'}]})
    assert 'a \\"b\\" <c> \\\\ #d' in as_dot.render([report])
    assert "a #quot;b#quot; #lt;c#gt; \\ #35;d" in as_mermaid.render([report])


def test_huge_counts_stay_exact_in_the_table():
    report = cnncount.count({"input": [3, 32, 32], "layers": [{"type": "conv", "filters": 10**15, "kernel": 5}]})
    for width in (40, 80, None):
        assert f"{76 * 10**15:,}" in as_table.report_table(report, width=width)[0].plain


def test_dot_and_mermaid_draw_the_deepest_nesting_without_recursion():
    """Blocks nested as deep as the reader allows: no RecursionError, and frames past
    MAX_INDENT are indented no further, so the output grows with the lines, not their depth."""
    from cnncount.render.network import MAX_INDENT

    spec = {"type": "block", "layers": [{"type": "flatten"}]}
    for n in range(990):
        spec = {"type": "block", "name": f"b{n}", "layers": [spec]}
    report = cnncount.count({"input": [3, 8, 8], "layers": [spec]})
    dot, mermaid = as_dot.render([report]), as_mermaid.render([report])
    assert dot.count("subgraph cluster_") == 991 and dot.count("\n" + " " * 2 * MAX_INDENT + "}") > 900
    assert mermaid.count("subgraph ") == 991 and mermaid.count("end\n") == 991
    assert max(len(line) - len(line.lstrip()) for line in (dot + mermaid).splitlines()) <= 2 * MAX_INDENT + 2


def test_json_writes_shapes_in_the_specs_layout():
    report = cnncount.count(
        {"input": [32, 32, 3], "input_layout": "channels_last", "layers": [{"type": "conv", "filters": 8, "kernel": 3}]}
    )
    for one_line in (True, False):
        doc = json.loads(as_json.render(report, one_line=one_line))
        (layer,) = doc["layers"]
        assert doc["input_shape"] == [32, 32, 3] and doc["output_shape"] == [30, 30, 8]
        assert (layer["input_shape"], layer["input_shapes"]) == ([32, 32, 3], [[32, 32, 3]])
        assert (layer["output_shape"], layer["output_shapes"]) == ([30, 30, 8], [[30, 30, 8]])


@pytest.mark.parametrize("rf", [False, True])
def test_json_in_pieces_is_the_document_of_the_report(bundled, rf):
    """The one-line JSON, written a layer at a time, is the text json.dumps makes of the whole document."""
    report, _ = bundled
    pieces = list(as_json.pieces(report, rf=rf))
    assert len(pieces) == len(report.rows) + 2
    assert "".join(pieces) == json.dumps(as_json.report_dict(report, rf=rf))
