"""Every hostile input of tests/hostile.py keeps the contract: exit 0, 2 (or 1 when the
output cannot be written), one line on stderr and nothing on stdout on an error, no
traceback, no escape code reaching the terminal.  (Their time and memory are measured
by benchmarks/hostile.py, not asserted here.)"""

import os

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.hostile import CLASSES, ROOT, breaks, cases, run
from tests.test_robustness import check_clean, invoke
from tests.test_spellings import stacks

CASES = cases()


def test_every_class_has_cases():
    assert {case.cls for case in CASES} == set(CLASSES)
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", [pytest.param(case, id=f"{case.cls}-{case.id}") for case in CASES])
def test_the_contract_holds(case, tmp_path):
    outcome = run(case, tmp_path)
    assert breaks(case, outcome) == [], outcome.err.decode("utf-8", "replace")[-2000:]


# --- in a terminal: numbers whole, at any width, whatever TERM says --------------------------


def _in_terminal(args, columns, term):
    """What ``python -m cnncount ARGS`` shows in a pseudo-terminal ``columns`` wide."""
    import fcntl
    import os
    import pty
    import struct
    import subprocess
    import sys
    import termios

    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
    env["TERM"] = term
    env["PYTHONPATH"] = ROOT  # the checkout under test
    process = subprocess.Popen(
        [sys.executable, "-m", "cnncount", *args], stdin=child, stdout=child, stderr=child, env=env, close_fds=True
    )
    os.close(child)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(main)
    return process.returncode, b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.parametrize("term", ["dumb", "xterm-256color"])
@pytest.mark.parametrize("columns", [40, 60, 80, 100])
@pytest.mark.parametrize("args", [["count", "resnet50", "--depth", "1"], ["specs"]], ids=["table", "specs"])
def test_every_number_on_screen_is_whole(args, columns, term):
    import re

    status, screen = _in_terminal(args, columns, term)
    text = re.sub(r"\x1b\[[0-9;]*m", "", screen).replace("\r\n", "\n")  # colours off: the text itself
    assert status == 0, text
    assert "…" not in text
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= columns, text
    # every number printed is one of the network's (or the specs') real ones, never a cut one
    import cnncount
    from cnncount.sources import bundled_names

    names = ["resnet50"] if args[0] == "count" else bundled_names()
    real = {f"{v:,}" for name in names for v in _ints(cnncount.to_dict(cnncount.count(name)))}
    shown = set(re.findall(r"(?<![\w,])\d{1,3}(?:,\d{3})+(?![\w,])", text))
    assert shown and shown <= real, sorted(shown - real)


def _ints(value):
    """Every int in a JSON document, and each list's length (a spec's number of layers)."""
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _ints(item)
    elif isinstance(value, list):
        yield len(value)
        for item in value:
            yield from _ints(item)


# --- Ctrl-C -------------------------------------------------------------------------------------


def test_ctrl_c_while_starting_ends_without_a_traceback(tmp_path):
    """SIGINT as soon as cnncount's own code runs (seen by click's import, which comes after
    the entry point has reset the signal): the process ends by the signal, saying nothing."""
    import signal
    import subprocess
    import sys

    process = subprocess.Popen(
        [sys.executable, "-X", "importtime", "-m", "cnncount", "count", "resnet50"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": ROOT},
    )
    seen = []
    for line in process.stderr:
        seen.append(line)
        if line.split(b"|")[-1].strip() == b"click":
            process.send_signal(signal.SIGINT)
            break
    rest = process.stderr.read()
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGINT, b"".join(seen[-3:]) + rest
    assert b"Traceback" not in rest and b"KeyboardInterrupt" not in rest


# --- generated from the schema, then broken -------------------------------------------------------

#: Raw YAML put in place of one value of a generated spec.
HOSTILE_YAML = [
    "010",
    "-010",
    "0x1f",
    "0b101",
    "0o17",
    "1:2",
    "1:2:3",
    "1_000",
    "yes",
    "On",
    "~",
    "9" * 40,
    "9" * 5000,
    "0x" + "f" * 300,
    "-1",
    "1e400",
    "1.5e3",
    ".nan",
    "-.inf",
    '"\\e]0;title\\a"',
    '"a\\nb"',
    '"\\u202e"',
    "[[[[[[]]]]]]",
    "{a: {b: {c: 1}}}",
    "'" + "a" * 20_000 + "'",
    "!!python/object/apply:os.system [echo hi]",
    "!!binary aGk=",
    "!!set {a, b}",
    "!!timestamp 2001-12-14",
    "2001-12-14",
    "*undefined",
    "&a [*a]",
    "=cmd|' /C calc'!A0",
    '"\\x00"',
]


@settings(max_examples=int(os.environ.get("CNNCOUNT_FUZZ_EXAMPLES", "150")), deadline=None)
@given(stacks(), st.data())
def test_generated_specs_broken_anywhere_keep_the_contract(stack, data):
    shape, layers = stack
    doc = {"input": list(shape), "layers": [{"type": kind, **options} for kind, options in layers]}
    places = [("input", None)] + [(n, key) for n, (_, options) in enumerate(layers) for key in ("type", *options)]
    where, key = data.draw(st.sampled_from(places))
    if where == "input":
        doc["input"] = "__HOSTILE__"
    else:
        doc["layers"][where][key] = "__HOSTILE__"
    text = yaml.safe_dump(doc, default_flow_style=data.draw(st.booleans()), sort_keys=False)
    text = text.replace("__HOSTILE__", data.draw(st.sampled_from(HOSTILE_YAML)))
    status, out, err = invoke(
        ["count", "-", "-f", data.draw(st.sampled_from(["json", "table", "csv", "markdown"]))], text
    )
    check_clean(status, out, err)
    assert "\x1b" not in out + err and "\x07" not in out + err


# --- names that would break a document -------------------------------------------------------------

BROKEN_NAMES = 'input: 3x8x8\nlayers:\n  - {type: activation, name: "a\\nb|c\\\\"}\n  - {type: activation, name: "=HYPERLINK(1)"}\n  - {type: activation, name: "-2+3"}\n  - {type: activation, name: "@SUM(A1)"}\n'


def test_a_newline_in_a_name_keeps_markdown_and_latex_rows_whole():
    status, markdown, _ = invoke(["count", "-", "-f", "markdown"], BROKEN_NAMES)
    assert status == 0
    rows = [line for line in markdown.splitlines() if line.startswith("|")]
    assert len(rows) == 2 + 4 + 3  # heading, rule, four layers, the totals
    import re

    assert all(len(re.split(r"(?<!\\)\|", line)) == 12 for line in rows), rows  # ten cells each
    assert "| a\\\\nb\\|c\\\\ |" in markdown
    status, latex, _ = invoke(["count", "-", "-f", "latex"], BROKEN_NAMES)
    body = [line for line in latex.splitlines() if line.endswith("\\\\")]
    assert len(body) == 1 + 4 + 3 and "a\\textbackslash{}nb|c\\textbackslash{}" in latex


def test_csv_cells_a_spreadsheet_would_run_are_made_inert():
    import csv
    import io

    status, out, _ = invoke(["count", "-", "-f", "csv"], BROKEN_NAMES)
    rows = list(csv.DictReader(io.StringIO(out)))
    layers = [row for row in rows if row["row"] == "layer"]
    assert [row["name"] for row in layers] == ["a\\nb|c\\", "'=HYPERLINK(1)", "'-2+3", "'@SUM(A1)"]
    assert all(not row[key].startswith(("=", "+", "-", "@")) for row in rows for key in row)


def test_a_file_that_may_not_be_read_is_an_input_error(monkeypatch, tmp_path):
    import errno

    from cnncount import SpecError, sources

    path = tmp_path / "net.yaml"
    path.write_text("input: [3]\n")

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(sources.os, "open", refuse)  # root reads anything: the refusal is simulated
    with pytest.raises(SpecError, match="net.yaml: cannot read: permission denied"):
        sources.read_spec(str(path))


# --- pieces that the corpus reaches only through whole runs ------------------------------------------


@pytest.mark.parametrize(
    "text, values",
    [
        ("a", 0),
        ("a\n", 1),
        ("a\r\nb\rc\x85d\u2028e\u2029", 5),
        ("[1, 2, 3]", 3),
        ("{a: 1, b: 2}", 4),
        ("- - x", 2),
        ("-\t-\tx", 2),
        ("[{? a}]", 3),
    ],
)
def test_every_place_a_value_starts_is_counted(text, values):
    from cnncount.spec import count_values

    assert count_values(text) == values


def test_printable_spells_out_every_invisible_character():
    from cnncount.errors import printable

    assert printable("a\x1b[2J\x07\x85\x9b\u202e\u2028\x00\t\n\U000e0001é中") == (
        "a\\x1b[2J\\x07\\x85\\x9b\\u202e\\u2028\\x00\\t\\n\\U000e0001é中"
    )


def test_a_long_message_keeps_its_start_and_end(tmp_path):
    deep = "/".join(["d" * 200] * 6) + "/net.yaml"
    status, out, err = invoke(["count", deep])
    assert (status, out) == (2, "") and len(err) <= 1_000 + 6 and " ... " in err
    assert err.startswith("ddd") and "/net.yaml: no such file" in err[-80:]


def test_a_character_after_cr_line_breaks_is_placed_by_them():
    status, _, err = invoke(["count", "-"], "input: [4]\rlayers:\r  - {type: dropout, name: a\x01}\r")
    assert err == "<stdin>:3:28: the character U+0001 is not allowed in YAML\n"


@pytest.mark.parametrize(
    "args",
    [
        ["--input", "\u0663x8x8", "--layer", "flatten"],
        ["--input", "4", "--layer", "dense units=\u0661\u0660"],
        ["--input", "4", "--layer", "dense units=1_0"],
        ["--input", "4", "--layer", "dropout rate=0.1_5"],
    ],
    ids=["arabic-indic-shape", "arabic-indic-units", "underscore-units", "underscore-rate"],
)
def test_numbers_on_the_command_line_are_ascii_decimal(args):
    status, out, err = invoke(["count", *args])
    assert (status, out) == (2, "") and err.count("\n") == 1


def test_signs_stay_in_what_a_refused_number_is():
    status, _, err = invoke(["count", "-"], "input: [4]\nlayers: [{type: dense, units: -0x10}]\n")
    assert "-0x10 is the hexadecimal number -16: write -16" in err


def test_a_pipe_with_a_writer_is_waited_for(tmp_path):
    import subprocess
    import sys
    import time

    fifo = tmp_path / "net.yaml"
    os.mkfifo(fifo)
    writer = os.open(fifo, os.O_RDWR)  # a writer is there before cnncount opens it, as with <(make-spec)
    process = subprocess.Popen(
        [sys.executable, "-m", "cnncount", "count", str(fifo), "-f", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": ROOT},
    )
    time.sleep(0.5)  # cnncount has opened it and found nothing yet: it must wait, not refuse
    os.write(writer, b"input: [4]\nlayers: [{type: dense, units: 3}]\n")
    os.close(writer)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert b'"params": 15' in out
