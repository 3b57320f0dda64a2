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
from pathlib import Path

import pytest
from rich.console import Console

import cnncount
from cnncount.memory import Memory, human_bytes, human_count
from cnncount.render import as_csv, as_json, as_latex, as_markdown, as_table
from cnncount.sources import bundled_names
from tests.zoo import representative

GOLDEN = Path(__file__).parent / "golden"
NUMBERS = ("weights", "tied_biases", "untied_biases", "params", "macs")


def text_of(renderable, width=200):
    console = Console(file=io.StringIO(), width=width, color_system=None)
    console.print(renderable)
    return "\n".join(line.rstrip() for line in console.file.getvalue().splitlines()) + "\n"


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
    layers, totals = rows[: len(doc["layers"])], rows[len(doc["layers"]) :]
    assert len(layers) == len(doc["layers"]) and len(totals) == 3
    for row, layer in zip(layers, doc["layers"]):
        assert row["path"] == layer["path"] and row["name"] == layer["name"]
        for key in NUMBERS:
            assert int(row[key]) == layer[key], (layer["name"], key)
    own, tied, untied = totals
    assert own["path"] == "total"
    assert {key: int(own[key]) for key in NUMBERS} == {key: doc["totals"][key] for key in NUMBERS}
    assert int(tied["params"]) == doc["totals"]["params_tied"]
    assert int(untied["params"]) == doc["totals"]["params_untied"]


def _table_numbers(lines, split):
    """The header and the rows (as dicts) of a Markdown or LaTeX table."""
    header = split(lines[0])
    rows = [dict(zip(header, split(line))) for line in lines[1:]]
    return header, rows


def test_markdown_numbers_match_json(bundled):
    report, doc = bundled
    lines = [line for line in as_markdown.render([report]).splitlines() if line.startswith("| ")]
    header, rows = _table_numbers(lines, lambda line: [c.strip() for c in line.strip("|").split(" | ")])
    assert header[:5] == ["#", "name", "type", "output", "bias"]
    layers, totals = rows[: len(doc["layers"])], rows[len(doc["layers"]) :]
    for row, layer in zip(layers, doc["layers"]):
        assert [number(row[h]) for h in ("weights", "tied biases", "untied biases", "params", "MACs")] == [
            layer[key] for key in NUMBERS
        ]
    assert [number(t["params"]) for t in totals] == [
        doc["totals"]["params"],
        doc["totals"]["params_tied"],
        doc["totals"]["params_untied"],
    ]


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


GOLDEN_CASES = {
    "conv_seed": lambda: as_table.render(
        [cnncount.count({"input": [3, 32, 32], "layers": [{"type": "conv", "filters": 32, "kernel": 5}]})], explain=True
    ),
    "blocks": lambda: as_table.render(
        [
            cnncount.count(
                "input: [4, 8, 8]\n"
                "name: blocks\n"
                "layers:\n"
                "  - {type: residual, name: res, repeat: 2, layers: [{type: conv, filters: 4, kernel: 3, padding: 1}, {type: batchnorm}]}\n"
                "  - {type: concat, branches: [[], [{type: conv, filters: 2, kernel: 1, bias: untied}]]}\n"
                "  - {type: side, name: aux, layers: [{type: globalavgpool}, {type: dense, units: 3}]}\n"
                "  - {type: flatten}\n"
                "  - {type: dense, units: 10}\n"
            )
        ],
        Memory("float16", 8),
        show_chart=True,
    ),
}


@pytest.mark.parametrize("case", sorted(GOLDEN_CASES))
def test_golden_tables(case):
    path = GOLDEN / f"{case}.txt"
    text = text_of(GOLDEN_CASES[case]())
    if os.environ.get("CNNCOUNT_UPDATE_GOLDEN"):
        path.write_text(text)
    assert text == path.read_text()


def test_csv_of_several_reports_keeps_one_set_of_columns():
    reports = [cnncount.count("lenet5"), cnncount.count("resnet18"), cnncount.count("conv5x5_cifar")]
    rows = list(csv.reader(io.StringIO(as_csv.render(reports))))
    assert {len(row) for row in rows} == {len(rows[0])}
    assert rows[0][:2] == ["spec", "path"] and "non_trainable" in rows[0]
    assert {row[0] for row in rows[1:]} == {"lenet5", "resnet18", "conv5x5_cifar"}


def test_numbers_are_never_cut_in_a_narrow_terminal():
    report = cnncount.count("vgg16")
    for width in (60, 80, 120):
        shown = as_table.render([report])
        text = text_of(shown, width=as_table.width_for(Console(width=width), shown))
        assert "138,357,544" in text and "15,470,264,320" in text and "…" not in text.split("total")[1]
