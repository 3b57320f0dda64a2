"""One network, one answer: the same layers written every way cnncount reads them count the same.

Random stacks of layers are drawn from the layer kinds' own option declarations
(the schema the YAML reader, the command line and the JSON schema share), then
written as ``--layer`` words, as YAML in block and in flow style, with sizes as
lists or as text (``3x3``), with booleans as ``true``, ``yes`` or ``on``, and with a
repeated layer written out or as an alias.  Every spelling must give the same exit
status, and when it counts, the same shapes and counts, layer by layer.  CI runs
``CNNCOUNT_FUZZ_EXAMPLES`` (default 150) stacks; docs/performance.md gives a longer run.
"""

import json
import os

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnncount.layers import REGISTRY, layer_class
from cnncount.layers.base import (
    REQUIRED,
    Bool,
    Choice,
    Dims,
    Fraction,
    Int,
    IntList,
    Known,
    Padding,
    Sides,
    Text,
)
from tests.test_robustness import invoke

EXAMPLES = int(os.environ.get("CNNCOUNT_FUZZ_EXAMPLES", "150"))
fuzz = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Kinds with one input and one output, which a plain stack can chain.
KINDS = [k for k in REGISTRY if k not in ("add", "multiply", "concat", "split")]
INPUTS = [(4, 8, 8), (4, 9), (3, 6, 6, 6), (16,)]


def values_of(value):
    """Values an option of this type may take, valid and a few not (which must fail alike).

    Lists of sizes have two entries or more: a list of one is no spelling of the same
    network as text can write it (``1`` is the int, for every dimension).
    """
    if isinstance(value, Int):
        return st.integers(value.minimum, value.minimum + 3)
    if isinstance(value, Dims):
        small = st.integers(value.minimum, value.minimum + 2)
        return st.one_of(small, st.lists(small, min_size=2, max_size=3))
    if isinstance(value, Padding):
        side = st.integers(0, 2)
        return st.one_of(side, st.lists(side, min_size=2, max_size=3), st.sampled_from(["same", "valid"]))
    if isinstance(value, Choice):
        return st.sampled_from(value.options)
    if isinstance(value, Known):
        return st.sampled_from(value.words[:4])
    if isinstance(value, Bool):
        return st.booleans()
    if isinstance(value, Fraction):
        return st.sampled_from([0.0, 0.1, 0.25, 0.5])
    if isinstance(value, IntList):
        item = st.integers(max(value.minimum, 1), 4)
        return st.lists(item, min_size=1, max_size=value.most)
    if isinstance(value, Sides):
        side = st.integers(0, 2)
        return st.one_of(side, st.lists(st.one_of(side, st.tuples(side, side).map(list)), min_size=2, max_size=3))
    if isinstance(value, Text):
        return st.sampled_from(["nearest", "bilinear"])
    raise AssertionError(f"no values for {type(value).__name__}: add them here")


@st.composite
def layer_options(draw, kind):
    """A layer: its kind, and its required options with a few optional ones."""
    options = {}
    for param in layer_class(kind).params():
        if param.name == "bias":
            continue
        if param.default is REQUIRED or draw(st.integers(0, 3)) == 0:
            options[param.name] = draw(values_of(param.value))
    return kind, options


@st.composite
def stacks(draw):
    shape = draw(st.sampled_from(INPUTS))
    layers = draw(st.lists(st.sampled_from(KINDS).flatmap(layer_options), min_size=1, max_size=4))
    return shape, layers


def as_text(value, bool_word):
    """An option's value as a --layer word (and as YAML text) writes it."""
    if isinstance(value, bool):
        return bool_word[value]
    if isinstance(value, list):
        return "x".join(":".join(map(str, v)) if isinstance(v, list) else str(v) for v in value)
    return str(value)


#: How booleans may be written, true first: every one reads the same.
BOOL_WORDS = [{True: "true", False: "false"}, {True: "yes", False: "no"}, {True: "on", False: "off"}]


def spellings(shape, layers, draw):
    """(label, command line) for every way of writing the stack."""
    bools = draw(st.sampled_from(BOOL_WORDS))
    words = ["--input", "x".join(map(str, shape))]
    for kind, options in layers:
        words += ["--layer", " ".join([kind, *(f"{k}={as_text(v, bools)}" for k, v in options.items())])]
    out = [("--layer words", ["count", *words, "-f", "json"], None)]

    def doc(text_sizes, input_text):
        entries = []
        for kind, options in layers:
            entry = {"type": kind}
            for key, value in options.items():
                written = isinstance(value, list) and text_sizes
                entry[key] = as_text(value, bools) if written else value
            entries.append(entry)
        return {"input": "x".join(map(str, shape)) if input_text else list(shape), "layers": entries}

    plain = doc(False, False)
    out.append(("YAML block style", ["count", "-", "-f", "json"], yaml.safe_dump(plain, sort_keys=False)))
    out.append(
        (
            "YAML flow style",
            ["count", "-", "-f", "json"],
            yaml.safe_dump(plain, sort_keys=False, default_flow_style=True),
        )
    )
    texts = doc(True, True)
    out.append(("YAML sizes as text", ["count", "-", "-f", "json"], yaml.safe_dump(texts, sort_keys=False)))
    if bools is not BOOL_WORDS[0]:  # yes/on, unquoted: text to YAML 1.2, read as true/false options read text
        lines = yaml.safe_dump(plain, sort_keys=False)
        for truth, word in bools.items():
            lines = lines.replace(f": {str(truth).lower()}\n", f": {word}\n")
        out.append((f"YAML booleans as {bools[True]}", ["count", "-", "-f", "json"], lines))
    return out


def outcome(args, stdin):
    status, out, err = invoke(args, stdin)
    assert status in (0, 2) and "Traceback" not in err, err
    if status:
        assert out == "" and err.count("\n") == 1
        return status, err.split(": ")[-1].strip()
    doc = json.loads(out)
    keys = ("output_shape", "options", "weights", "tied_biases", "untied_biases", "params", "macs")
    return status, [[layer[k] for k in keys] for layer in doc["layers"]], doc["totals"]


@fuzz
@given(stacks(), st.data())
def test_one_network_every_spelling_one_answer(stack, data):
    shape, layers = stack
    results = {label: outcome(args, stdin) for label, args, stdin in spellings(shape, layers, data.draw)}
    statuses = {label: result[0] for label, result in results.items()}
    assert len(set(statuses.values())) == 1, (statuses, results)
    counted = {label: result[1:] for label, result in results.items() if result[0] == 0}
    assert len({json.dumps(r) for r in counted.values()}) <= 1, counted


@fuzz
@given(stacks())
def test_an_alias_counts_as_the_layer_written_out(stack):
    shape, layers = stack
    kind, options = layers[0]
    written = {"input": list(shape), "layers": [{"type": kind, **options}, {"type": kind, **options}]}
    flow = yaml.safe_dump({"type": kind, **options}, default_flow_style=True).strip()
    aliased = f"input: {list(shape)}\nlayers:\n  - &first {flow}\n  - *first\n"
    once = outcome(["count", "-", "-f", "json"], yaml.safe_dump(written))
    twice = outcome(["count", "-", "-f", "json"], aliased)
    assert once[0] == twice[0], (once, twice)
    if once[0] == 0:
        assert once[1:] == twice[1:]
