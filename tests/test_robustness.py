"""Hostile and broken input: whatever cnncount is given, it answers or refuses cleanly.

Property-based tests generate random YAML documents, random mutations of the
bundled specs and random command lines. For every one: exit status 0 or 2, never
a traceback, nothing on stdout when it fails, and a valid spec's counts equal the
library's. CI runs ``CNNCOUNT_FUZZ_EXAMPLES`` (default 150) examples per property;
a longer run: ``CNNCOUNT_FUZZ_EXAMPLES=5000 python -m pytest tests/test_robustness.py``.
"""

import json
import os

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cnncount
from cnncount import limits
from cnncount.layers import REGISTRY, layer_class
from cnncount.sources import bundled_names, read_spec
from tests.zoo import representative

EXAMPLES = int(os.environ.get("CNNCOUNT_FUZZ_EXAMPLES", "150"))
fuzz = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

KEYS = sorted(
    {p.name for kind in REGISTRY for p in layer_class(kind).params()}
    | {
        "type",
        "name",
        "repeat",
        "layers",
        "shortcut",
        "branches",
        "input",
        "bias",
        "input_layout",
        "from",
        "share",
        "split",
        "training",
        "inputs",
        "outputs",
    }
)
WORDS = [*REGISTRY, "block", "residual", "concat", "side", "gate", "same", "valid", "tied", "untied", "none", "relu"]


def invoke(args, stdin=None):
    """Run the console entry point in-process; (status, stdout, stderr), failing on any other exception."""
    from tests.test_cli import _entry

    result = CliRunner().invoke(_entry, args, input=stdin)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def check_clean(status, out, err):
    assert status in (0, 2), (status, err)
    assert "Traceback" not in err
    if status == 2:
        assert out == ""
        assert err.endswith("\n") and err.count("\n") == 1, err


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.integers(min_value=-3, max_value=9),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(WORDS),
    st.text(max_size=8),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.sampled_from(KEYS) | st.text(max_size=5) | st.integers(-2, 2) | st.booleans() | st.none(),
            children,
            max_size=5,
        ),
    ),
    max_leaves=25,
)
layers = st.lists(
    st.fixed_dictionaries({"type": st.sampled_from(WORDS)}, optional={k: values for k in KEYS[:30]}),
    max_size=5,
)
documents = st.one_of(
    values,
    st.fixed_dictionaries(
        {
            "input": st.one_of(
                st.lists(st.integers(-2, 40), max_size=5), st.sampled_from(["3x32x32", "16", "x"]), values
            ),
            "layers": st.one_of(layers, values),
        },
        optional={"bias": st.sampled_from(["tied", "untied", "none", "x"]), "name": values},
    ),
)


#: Names the generated graphs give their entries and read each other by.
NAMES = ["a", "b", "c", "d", "input", "a:0", "a:1", "b:2", "x.a", "b.a"]
#: Mostly layers that keep a 4-channel shape, so that many generated graphs are valid.
graph_layers = st.one_of(
    st.fixed_dictionaries({"type": st.just("conv"), "filters": st.sampled_from([4, 4, 4, 2]), "kernel": st.just(1)}),
    st.fixed_dictionaries(
        {"type": st.sampled_from(["activation", "scale", "droppath", "batchnorm", "add", "multiply"])}
    ),
    st.fixed_dictionaries({"type": st.sampled_from(["concat", "globalavgpool", "flatten"])}),
    st.fixed_dictionaries({"type": st.just("split")}, optional={"chunks": st.integers(1, 3), "sizes": values}),
    st.fixed_dictionaries({"type": st.just("dense"), "units": st.integers(1, 4)}),
    st.fixed_dictionaries({"type": st.just("shuffle"), "groups": st.integers(1, 3)}),
)
graph_entries = st.recursive(
    st.tuples(graph_layers, st.sampled_from(["", "", *NAMES[:4]])).map(
        lambda t: {**t[0], **({"name": t[1]} if t[1] else {})}
    ),
    lambda children: st.one_of(
        st.fixed_dictionaries(
            {
                "type": st.sampled_from(["block", "residual", "gate", "side"]),
                "layers": st.lists(children, min_size=1, max_size=3),
            },
            optional={"name": st.sampled_from(NAMES[:4]), "training": st.booleans(), "repeat": st.integers(1, 2)},
        ),
        st.fixed_dictionaries(
            {"type": st.just("concat"), "branches": st.lists(st.lists(children, max_size=2), min_size=1, max_size=3)},
            optional={"split": st.integers(1, 3), "name": st.sampled_from(NAMES[:4])},
        ),
        st.fixed_dictionaries({"share": st.sampled_from(NAMES)}, optional={"name": st.sampled_from(NAMES[:4])}),
    ),
    max_leaves=8,
)
sources = st.one_of(st.sampled_from(NAMES), st.lists(st.sampled_from(NAMES), min_size=1, max_size=3))


@st.composite
def graphs(draw):
    """Small networks whose entries read each other by name, share, split and merge: valid or not."""
    entries = draw(st.lists(graph_entries, min_size=1, max_size=6))
    for entry in entries:
        if draw(st.integers(0, 3)) == 0:
            entry["from"] = draw(sources)
    doc = {"layers": entries}
    if draw(st.integers(0, 4)):
        doc["input"] = draw(st.sampled_from([[4, 6, 6], [4, 6, 6], [4], [4, 3]]))
    else:
        doc["inputs"] = {"a": [4, 6, 6], "b": [4, 6, 6]}
    if draw(st.integers(0, 4)) == 0:
        doc["outputs"] = draw(sources)
    return doc


@fuzz
@given(graphs())
def test_random_graphs(doc):
    _count_json(yaml.safe_dump(doc, sort_keys=False))


def _count_json(text):
    status, out, err = invoke(["count", "-", "--format", "json"], text)
    check_clean(status, out, err)
    if status == 0:
        doc = json.loads(out)
        assert doc["totals"]["params"] == cnncount.count(text if "\n" in text else text + "\n").totals.params
    return status


@fuzz
@given(documents)
def test_random_yaml_documents(doc):
    text = yaml.safe_dump(doc, default_flow_style=False, allow_unicode=True)
    _count_json(text)


@fuzz
@given(st.text(max_size=200))
def test_random_text(text):
    status, out, err = invoke(["count", "-"], text)
    check_clean(status, out, err)


def _paths(node, path=()):
    """Every place in a parsed spec: (path, value)."""
    yield path, node
    if isinstance(node, dict):
        for key, child in node.items():
            yield from _paths(child, (*path, key))
    elif isinstance(node, list):
        for i, child in enumerate(node):
            yield from _paths(child, (*path, i))


SPECS = {name: yaml.safe_load(read_spec(name)[0]) for name in representative(bundled_names())}


@st.composite
def mutated_specs(draw):
    doc = yaml.safe_load(yaml.safe_dump(SPECS[draw(st.sampled_from(sorted(SPECS)))]))
    for _ in range(draw(st.integers(1, 3))):
        places = [p for p, _ in _paths(doc) if p]
        path = draw(st.sampled_from(places))
        parent = doc
        for step in path[:-1]:
            parent = parent[step]
        how = draw(st.sampled_from(["delete", "replace", "wrap", "huge", "negative", "swap"]))
        key = path[-1]
        if how == "delete":
            del parent[key]
        elif how == "replace":
            parent[key] = draw(values)
        elif how == "wrap":
            parent[key] = [parent[key]]
        elif how == "huge":
            parent[key] = draw(st.integers(10**9, 10**18))
        elif how == "negative":
            parent[key] = draw(st.integers(-5, 0))
        elif isinstance(parent[key], dict) and parent[key]:
            inner = draw(st.sampled_from(sorted(parent[key], key=str)))
            parent[key] = {inner: parent[key]}
    return doc


@fuzz
@given(mutated_specs())
def test_mutated_bundled_specs(doc):
    _count_json(yaml.safe_dump(doc, sort_keys=False))


ARGS = [
    "count",
    "specs",
    *REGISTRY,
    "--input",
    "-i",
    "--layer",
    "-l",
    "--format",
    "json",
    "csv",
    "latex",
    "markdown",
    "table",
    "--bias",
    "--dtype",
    "float16",
    "int8",
    "--batch",
    "--chart",
    "--explain",
    "--layout",
    "channels_last",
    "--filters",
    "--kernel",
    "--stride",
    "--padding",
    "--units",
    "--output",
    "--rate",
    "--groups",
    "--help",
    "3x32x32",
    "32",
    "0",
    "-1",
    "3",
    "5",
    "same",
    "x",
    "conv filters=8 kernel=3",
    "flatten",
    "dense units=4",
    "lenet5",
    "vgg16",
    "--version",
    "",
    "--save",
    "/nonexistent/x.svg",
    "x.png",
    "--name",
    "-",
]


@fuzz
@given(st.lists(st.sampled_from(ARGS), min_size=1, max_size=8))
def test_random_command_lines(args):
    status, out, err = invoke(args)
    check_clean(status, out, err)


# --- explicit hostile cases ------------------------------------------------------------------


def _spec_file(tmp_path, text, name="net.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_billion_laughs_is_refused_at_once(tmp_path):
    lines = ["input: [4]", "layers:", "  - &b0 {type: block, layers: [{type: dropout}]}"]
    for i in range(1, 10):
        lines.append(f"  - &b{i} {{type: block, layers: [{', '.join([f'*b{i - 1}'] * 10)}]}}")
    status, out, err = invoke(["count", _spec_file(tmp_path, "\n".join(lines) + "\n")])
    assert (status, out) == (2, "")
    # the first block too big on its own is named: b6 (10**6 dropouts)
    assert (
        "net.yaml:9:5: layers[6] (block): this block expands to 1,000,000 layers; cnncount counts at most 200,000"
        in err
    )


def test_repeat_a_billion_is_refused_at_once(tmp_path):
    text = "input: [4, 8, 8]\nlayers:\n  - {type: block, repeat: 1000000000, layers: [{type: activation}]}\n"
    status, out, err = invoke(["count", _spec_file(tmp_path, text)])
    assert (status, out) == (2, "")
    assert "net.yaml:3:5: layers[0] (block): this block expands to 1,000,000,000 layers" in err


def test_a_50_megabyte_file_is_refused_before_parsing(tmp_path):
    path = tmp_path / "big.yaml"
    with path.open("w") as f:
        f.write("input: [4]\nlayers:\n")
        f.write("  - {type: dropout}\n" * (50 * 2**20 // 20))
    assert path.stat().st_size > 50 * 10**6
    status, out, err = invoke(["count", str(path)])
    assert (status, out) == (2, "")
    assert "larger than 8 MiB" in err


def test_nesting_deeper_than_the_recursion_limit(tmp_path):
    # Flow nesting beyond libyaml's own limit, and block nesting built from aliases
    # (which YAML text cannot nest that deep) beyond cnncount's.
    status, out, err = invoke(["count", "-"], "input: [4]\nlayers: " + "[" * 5000 + "]" * 5000 + "\n")
    assert (status, out) == (2, "") and "exceeded maximum nesting depth" in err
    items = ["&n0 {type: activation}"] + [
        f"&n{i} {{type: block, layers: [*n{i - 1}]}}" for i in range(1, limits.MAX_NESTING + 3)
    ]
    # Each anchor is defined at the top level (inside a side block), so no line nests deeply.
    text = "input: [4]\nlayers:\n" + "".join(f"  - {{type: side, layers: [{item}]}}\n" for item in items)
    status, out, err = invoke(["count", _spec_file(tmp_path, text)])
    assert (status, out) == (2, "")
    # The first top-level entry too deep: the side block around n1000 (1,000 blocks inside one).
    assert f"layers[{limits.MAX_NESTING}] (side): blocks nested {limits.MAX_NESTING + 1:,} deep; " in err


def test_a_thousand_nested_blocks_are_counted():
    # The deepest nesting cnncount accepts, built with aliases.
    doc = {"type": "activation"}
    for _ in range(limits.MAX_NESTING):
        doc = {"type": "block", "layers": [doc]}
    report = cnncount.count({"input": [4, 8, 8], "layers": [doc]})
    assert len(report.rows) == 1 and report.rows[0].depth == limits.MAX_NESTING


def test_huge_filter_counts_are_exact_ints_in_every_format():
    args = ["conv", "-i", "3x32x32", "--filters", "1000000000000000", "--kernel", "5"]
    status, out, _ = invoke([*args, "-f", "json"])
    doc = json.loads(out)
    assert doc["totals"]["params_untied"] == 75 * 10**15 + 784 * 10**15 and "e+" not in out
    for fmt in ("csv", "markdown", "latex", "table"):
        status, out, _ = invoke([*args, "-f", fmt])
        assert status == 0 and ("75000000000000000" in out or "75,000,000,000,000,000" in out or "75{,}000" in out), fmt


@pytest.mark.parametrize(
    "content, message",
    [
        pytest.param(b"\xff\xfe\x00\x01binary", "not UTF-8 text (byte 0xff at offset 0)", id="binary"),
        pytest.param("input: [3]\nname: caf\xe9\n".encode("latin-1"), "not UTF-8 text", id="latin-1"),
        pytest.param(
            b"input: !!python/object/apply:os.system ['true']\nlayers: []\n",
            "the tag !!python/object/apply:os.system is not allowed",
            id="python-tag",
        ),
        pytest.param(b"!!python/name:os.system\n", "the tag !!python/name:os.system is not allowed", id="python-name"),
    ],
)
def test_unreadable_and_unsafe_files(tmp_path, content, message):
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    status, out, err = invoke(["count", str(path)])
    assert (status, out) == (2, "") and message in err


def test_directory_missing_file_and_empty_stdin(tmp_path):
    for args, stdin, message in [
        (["count", str(tmp_path)], None, "is a directory"),
        (["count", str(tmp_path / "nope.yaml")], None, "nope.yaml: no such file"),
        (["count", "vgg16.yaml"], None, "vgg16.yaml: no such file (a bundled spec: did you mean 'vgg16'?)"),
        (["count", "-"], "", "standard input is empty"),
    ]:
        status, out, err = invoke(args, stdin)
        assert (status, out) == (2, "") and message in err


def _bomb(levels=8):
    """x-bomb: a list of ten aliases of a list of ten aliases ... (10**levels leaves in 500 bytes)."""
    lines = ["x-bomb:", "  - &b0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    lines += [f"  - &b{i} [{', '.join([f'*b{i - 1}'] * 10)}]" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "tail, message",
    [
        pytest.param(
            "input: [3, 8, 8]\nlayers: [{type: conv, filters: 2, kernel: *b8}]\n",
            "kernel: expected an integer",
            id="option",
        ),
        pytest.param("input: *b8\nlayers: [{type: flatten}]\n", "size [...] is not a whole number", id="input"),
        pytest.param("input: [3]\nlayers: [{type: *b8}]\n", "type must be a word such as conv or dense", id="type"),
        pytest.param(
            "input: [3]\nname: *b8\nlayers: [{type: flatten}]\n", "name: expected text, got a list", id="name"
        ),
        pytest.param(
            "input: [3]\nlayers: [{type: activation, function: *b8}]\n",
            "function: expected a name such as relu",
            id="function",
        ),
    ],
)
def test_an_alias_bomb_as_a_rejected_value_is_quoted_short(tail, message):
    status, out, err = invoke(["count", "-"], _bomb() + tail)
    assert (status, out) == (2, "") and message in err and len(err) < 400


def test_a_block_that_contains_itself():
    status, out, err = invoke(["count", "-"], "input: [3]\nlayers: &l [{type: block, layers: *l}]\n")
    assert (status, out) == (2, "")
    assert err == "<stdin>:2:13: layers[0].layers[0]: this block contains itself (through a YAML alias)\n"


@pytest.mark.parametrize(
    "text, message",
    [
        pytest.param(
            "input: [3]\nlayers: [{type: dense, units: 1" + "0" * 5000 + "}]\n",
            "<stdin>:2:31: a number written with 5,001 digits; cnncount reads sizes up to 10**18",
            id="5000-digits",
        ),
        pytest.param(
            "input: [3]\nlayers: [{type: dense, units: 10000000000000000000}]\n",
            "units: expected an integer >= 1, got 10000000000000000000",
            id="over-1e18",
        ),
        pytest.param(
            "input: [3, 10000000000000000000]\nlayers: [{type: flatten}]\n",
            "is more than cnncount takes",
            id="size-over-1e18",
        ),
        pytest.param(
            "input: [3]\nname: a\x01b\nlayers: [{type: flatten}]\n",
            "<stdin>:2:8: the character U+0001 is not allowed in YAML",
            id="control-character",
        ),
    ],
)
def test_numbers_and_characters_beyond_what_is_read(text, message):
    status, out, err = invoke(["count", "-"], text)
    assert (status, out) == (2, "") and message in err and err.count("\n") == 1


@pytest.mark.parametrize(
    "body, message",
    [
        pytest.param(
            "  - {type: dropout}\nx-junk: [" + "1," * 1_000_000 + "1]\n",
            "values (its lines, commas, colons, brackets and list dashes); cnncount reads at most 700,000",
            id="entries",
        ),
        *(
            pytest.param(
                "  - {type: dropout}\nx-junk:\n" + f"  - 1{brk}" * 1_000_001,
                "values (its lines, commas, colons, brackets and list dashes); cnncount reads at most 700,000",
                id=f"lines-{name}",
            )
            for name, brk in (("LF", "\n"), ("CR", "\r"), ("CRLF", "\r\n"), ("NEL", "\x85"), ("LS", "\u2028"))
        ),
    ],
)
def test_files_too_big_to_parse_are_refused_before_parsing(tmp_path, body, message):
    status, out, err = invoke(["count", _spec_file(tmp_path, "input: [4]\nlayers:\n" + body)])
    assert (status, out) == (2, "") and message in err


def test_more_layers_than_counted_are_refused_with_their_number(tmp_path):
    # Whatever comments say: a comment that writes "type" 300,000 times is no layer.
    pair = "x-pair: &pair [{type: dropout}, {type: dropout}]\n"
    text = (
        "# "
        + "type " * 300_000
        + "\ninput: [4]\n"
        + pair
        + "layers:\n"
        + "  - {type: block, layers: *pair}\n" * 100_001
    )
    status, out, err = invoke(["count", _spec_file(tmp_path, text)])
    assert (status, out) == (2, "")
    assert err.endswith("net.yaml: the network expands to 200,002 layers; cnncount counts at most 200,000\n")
    comment = "# " + "type " * 300_000 + "\ninput: [4]\nlayers: [{type: dropout}]\n"
    status, out, err = invoke(["count", _spec_file(tmp_path, comment), "-f", "json"])
    assert status == 0 and json.loads(out)["totals"]["params"] == 0


def test_a_from_list_too_long_is_refused_at_once(tmp_path):
    names = ", ".join(["a"] * 20_000)
    text = f"input: [4]\nlayers:\n  - {{type: dense, name: a, units: 4}}\n  - {{type: concat, from: [{names}]}}\n"
    status, out, err = invoke(["count", _spec_file(tmp_path, text)])
    assert (status, out) == (2, "")
    assert "net.yaml:4:20: layers[1] (concat): from: 20,000 names; at most 10,000" in err


def test_a_graph_bomb_of_inputs_is_refused_before_expanding(tmp_path):
    # 10,000 names, aliased into a merge repeated 20,000 times: 200 million edges, from a 40 KB file
    names = ", ".join(["a"] * 10_000)
    text = (
        f"x-n: &n [{names}]\ninput: [4]\nlayers:\n  - {{type: dense, name: a, units: 4}}\n"
        "  - {type: block, repeat: 20000, layers: [{type: concat, from: *n}]}\n"
    )
    status, out, err = invoke(["count", _spec_file(tmp_path, text)])
    assert (status, out) == (2, "")
    assert "net.yaml:5:5: layers[1] (block): the layers of this block read 200,000,000 inputs in all" in err
    # a node fanned out to many readers through aliases is counted the same way
    fan = (
        "input: [4]\nlayers:\n  - {type: dense, name: a, units: 4}\n"
        "  - &u {type: block, repeat: 1000, layers: [{type: add, from: [a, a, a, a, a, a, a, a, a, a]}]}\n"
        + "  - *u\n"
        * 150
    )
    status, out, err = invoke(["count", _spec_file(tmp_path, fan, "fan.yaml")])
    assert (status, out) == (2, "")
    assert "the network's layers read 1,510,001 inputs in all; cnncount follows at most 1,000,000" in err
