"""The expression language: every operator and function, against Python where they agree, and every error."""

import math
import time

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cnncount.expr import ExprError, compile_text, format_value, make_divisible


def value(text, **env):
    compiled = compile_text("${" + text + "}")
    assert compiled is not None and compiled.whole
    return compiled.evaluate(env)


# --- against Python, on the expressions both read the same way -------------------------------

OPERATORS = ["+", "-", "*", "/", "//", "%", "**", "<", "<=", ">", ">=", "==", "!="]
NUMBERS = ["0", "1", "2", "3", "7", "10", "0.5", "2.5"]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(NUMBERS), min_size=2, max_size=4),
    st.lists(st.sampled_from(OPERATORS), min_size=3, max_size=3),
    st.sampled_from(["", "-", "not "]),
)
def test_arithmetic_and_comparisons_agree_with_python(numbers, operators, prefix):
    # One power at most: Python, the oracle, would compute a tower such as 10 ** 10 ** 10 in
    # full and never return (the language refuses it before computing; test_errors holds that).
    assume(operators[: len(numbers) - 1].count("**") <= 1)
    text = prefix + numbers[0]
    for number, op in zip(numbers[1:], operators):
        text += f" {op} {number}"
    try:
        expected = eval(text)  # the oracle, in the tests only: the language must never eval
    except (ZeroDivisionError, OverflowError):
        expected = ExprError
    except TypeError:
        return
    if isinstance(expected, complex):
        expected = ExprError
    try:
        got = value(text)
    except ExprError:
        got = ExprError
    if isinstance(expected, bool) or isinstance(got, bool):
        # arithmetic on booleans is refused here (Python allows True + 1)
        if got is ExprError:
            return
    assert got == expected or (isinstance(expected, float) and math.isclose(got, expected)), text


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("-2 ** 2", -4, id="power-over-unary"),
        pytest.param("2 ** -1", 0.5, id="negative-exponent"),
        pytest.param("2 ** 3 ** 2", 512, id="power-right-assoc"),
        pytest.param("10 - 3 - 2", 5, id="minus-left-assoc"),
        pytest.param("7 // 2 * 2", 6, id="floor-div"),
        pytest.param("-7 // 2", -4, id="floor-div-negative"),
        pytest.param("-7 % 3", 2, id="modulo-python"),
        pytest.param("1 < 2 < 3", True, id="chained"),
        pytest.param("1 < 3 < 2", False, id="chained-false"),
        pytest.param("1 if true else 1 / 0", 1, id="conditional-lazy"),
        pytest.param("false and 1 / 0", False, id="and-short-circuit"),
        pytest.param("true or 1 / 0", True, id="or-short-circuit"),
        pytest.param("0 or 5", 5, id="or-operand"),
        pytest.param("not 0", True, id="not"),
        pytest.param("1 if 2 > 3 else 4 if 1 else 5", 4, id="conditional-right-assoc"),
        pytest.param("'a' + \"b\"", "ab", id="text-concat"),
        pytest.param("'relu' == 'relu'", True, id="text-equal"),
        pytest.param("true == 1", False, id="bool-is-not-int"),
        pytest.param("'it\\'s'", "it's", id="escape"),
        pytest.param("1e-3 * 1000", 1.0, id="exponent-literal"),
        pytest.param(".5 + 2.", 2.5, id="dot-literals"),
        pytest.param("(1 + 2) * 3", 9, id="parentheses"),
    ],
)
def test_operators(text, expected):
    got = value(text)
    assert got == expected and type(got) is type(expected)


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("min(3, 1, 2)", 1, id="min"),
        pytest.param("max(input)", 224, id="max-of-list"),
        pytest.param("abs(-3)", 3, id="abs"),
        pytest.param("round(2.5)", 2, id="round-half-even"),
        pytest.param("round(3.5)", 4, id="round-half-even-up"),
        pytest.param("round(2.675, 2)", 2.67, id="round-digits"),
        pytest.param("ceil(2.1)", 3, id="ceil"),
        pytest.param("floor(-2.1)", -3, id="floor"),
        pytest.param("ceil(4)", 4, id="ceil-int"),
        pytest.param("int(-2.9)", -2, id="int-towards-zero"),
        pytest.param("int('42')", 42, id="int-of-text"),
        pytest.param("float(3)", 3.0, id="float"),
        pytest.param("len(input)", 3, id="len"),
        pytest.param("input[0] * input[-1]", 3 * 224, id="index"),
        pytest.param("make_divisible(35.2, 8)", 32, id="make-divisible"),
        pytest.param("make_divisible(3, 8)", 8, id="make-divisible-min"),
        pytest.param("make_divisible(10, 8, 1)", 16, id="make-divisible-90-percent"),
    ],
)
def test_functions(text, expected):
    got = value(text, input=(3, 224, 224))
    assert got == expected and type(got) is type(expected)


def _reference_make_divisible(v, divisor, min_value=None):  # torchvision/models/_utils.py, re-typed
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def test_make_divisible_agrees_with_torchvisions_over_every_width_and_channel_count():
    for step in range(5, 41):
        width = step * 0.05
        for channels in range(16, 1281, 8):
            assert make_divisible(channels * width, 8) == _reference_make_divisible(channels * width, 8)


def test_interpolation_and_escapes():
    stage = compile_text("stage${i + 1}_${'x'}")
    assert not stage.whole and stage.evaluate({"i": 1}) == "stage2_x" and stage.names == frozenset({"i"})
    assert compile_text("$${not} ${1}").evaluate({}) == "${not} 1"
    assert compile_text("${input}").evaluate({"input": (3, 8, 8)}) == (3, 8, 8)
    assert compile_text("shape ${input}").evaluate({"input": (3, 8, 8)}) == "shape 3x8x8"
    assert compile_text("plain") is None
    assert compile_text("${a + b}") is compile_text("${a + b}")  # compiled once
    assert compile_text("${min(a, b) + c}").names == frozenset({"a", "b", "c"})
    assert format_value(True) == "true" and format_value(0.75) == "0.75"


@pytest.mark.parametrize(
    "text, message",
    [
        pytest.param("${widht}", "unknown name 'widht' (did you mean 'width'?)", id="unknown-name"),
        pytest.param("${foo(1)}", "unknown function 'foo'", id="unknown-function"),
        pytest.param("${mn(1, 2)}", "(did you mean 'min'?)", id="function-did-you-mean"),
        pytest.param("${1 / 0}", "division by zero", id="division"),
        pytest.param("${1 % 0}", "division by zero", id="modulo"),
        pytest.param("${10 ** 10 ** 10}", "too large", id="power-tower"),
        pytest.param("${2 ** 200}", "too large", id="power"),
        pytest.param("${10 ** 30 * 10 ** 30}", "too large", id="product"),
        pytest.param("${1e308 * 10}", "too large", id="float-overflow"),
        pytest.param("${0 ** -1}", "division by zero", id="zero-to-negative"),
        pytest.param("${(-8) ** 0.5}", "not a real number", id="complex"),
        pytest.param("${true + 1}", "a boolean: arithmetic takes numbers", id="bool-arithmetic"),
        pytest.param("${'a' - 1}", "is not a number", id="text-arithmetic"),
        pytest.param("${'a' < 1}", "is not a number", id="text-order"),
        pytest.param("${1 +}", "got the end of the expression", id="incomplete"),
        pytest.param("${1 2}", "expected the end of the expression", id="two-values"),
        pytest.param("${(1}", "expected )", id="unclosed-parenthesis"),
        pytest.param("${1", "unclosed ${", id="unclosed"),
        pytest.param("${}", "an empty expression", id="empty"),
        pytest.param("${1 @ 2}", "unexpected character '@'", id="bad-character"),
        pytest.param("${010}", "leading 0", id="octal-looking"),
        pytest.param("${1_000}", "is not a number", id="underscore"),
        pytest.param("${" + "9" * 31 + "}", "more than 30 digits", id="digits"),
        pytest.param("${'abc}", "unclosed text", id="unclosed-text"),
        pytest.param("${'\\q'}", "unknown escape", id="escape"),
        pytest.param("${input[3]}", "out of range", id="index-range"),
        pytest.param("${input[0.5]}", "the index is a whole number", id="index-type"),
        pytest.param("${min(1)}", "two or more numbers", id="min-one"),
        pytest.param("${round(1, 99)}", "from 0 to 15", id="round-digits"),
        pytest.param("${make_divisible(10, 0)}", "the divisor", id="divisor"),
        pytest.param("${int('x')}", "not a whole number", id="int-text"),
        pytest.param("${" + "1 + " * 400 + "1}", "longer than 1,000 characters", id="long"),
    ],
)
def test_errors(text, message):
    with pytest.raises(ExprError) as caught:
        compiled = compile_text(text)
        compiled.evaluate({"width": 1, "input": (3, 8, 8)})
    assert message in caught.value.message, caught.value.message


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("(" * 100_000, id="parentheses"),
        pytest.param("-" * 100_000 + "1", id="minus"),
        pytest.param("not " * 100_000 + "true", id="not"),
        pytest.param("x[" * 100_000, id="index"),
        pytest.param("min(" * 100_000, id="calls"),
        pytest.param("1 if 1 else " * 100_000 + "1", id="conditionals"),
        pytest.param("(" * 51 + "1" + ")" * 51, id="just-too-deep"),
    ],
)
def test_deep_nesting_is_refused_quickly_without_recursion_error(body):
    start = time.perf_counter()
    with pytest.raises(ExprError, match="nested too deeply|longer than"):
        compile_text("${" + body + "}").evaluate({"x": (1,)})
    assert time.perf_counter() - start < 5  # a hang guard, not a speed target: each takes milliseconds


def test_fifty_levels_are_allowed():
    assert value("(" * 49 + "1" + ")" * 49) == 1


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["1", "x", "(", ")", "+", "**", "if", "else", "not", "'a'", "[", "]", ",", "min", " "]),
        max_size=30,
    )
)
def test_token_soup_raises_only_expression_errors(tokens):
    try:
        compiled = compile_text("${" + " ".join(tokens) + "}")
        compiled.evaluate({"x": 2})
    except ExprError:
        pass
