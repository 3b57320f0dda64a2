"""The expression language of parametric specs: ``${in_channels * expand}``.

A value written ``"${...}"`` is computed; text with ``${...}`` inside it
(``"stage${index + 1}"``) has each one replaced by its value; ``$${`` is a ``${``
that is not an expression.  The language is Python's expression syntax, cut down:

- literals: whole numbers in decimal (``0``, ``42``; at most 30 digits), numbers
  (``1.5``, ``.5``, ``1e-3``), ``true`` and ``false`` (or ``True``, ``False``), text in
  single or double quotes (escapes ``\\\\ \\' \\" \\n \\t``);
- names: the spec's arguments, a template's arguments, ``index`` (the repetition),
  ``input`` (the entry's input shape, a list of sizes: ``input[0]``, ``input[-1]``) and
  ``in_channels`` (``input[0]``);
- operators, loosest first: ``a if c else b``; ``or``; ``and``; ``not``; comparisons
  ``== != < <= > >=`` (chained, ``1 <= x < 8``); ``+ -``; ``* / // %``; unary ``- +``;
  ``**``; indexing ``x[i]``; calls; parentheses.  ``/`` divides exactly (a number
  with a fraction); ``//`` and ``%`` round towards minus infinity, as Python's do;
  ``and``/``or`` stop early and give the operand that decides, as Python's do;
- functions: ``min``, ``max`` (two or more numbers, or one list), ``abs``,
  ``round(x)`` (to a whole number, halves to even) and ``round(x, n)``, ``ceil``,
  ``floor``, ``int`` (towards zero), ``float``, ``len``, and
  ``make_divisible(value, divisor[, min_value])``, the channel rounding of MobileNet
  and EfficientNet (torchvision's ``_make_divisible``).

There are no loops, no assignments and no attribute access: nothing is executed
(no ``eval``), and what an expression costs is bounded by its length.  Limits: an
expression is at most 1,000 characters and nests at most 50 levels; whole numbers
stay within 10**36 and ``**`` is refused before it computes a bigger one; every
number is finite.  Arithmetic takes numbers only (``true + 1`` is refused; text
joins text with ``+``), and ``true == 1`` is false.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

#: Longest expression (one ${...}), in characters.
MAX_LENGTH = 1_000
#: Deepest nesting (parentheses, operators inside operators).
MAX_DEPTH = 50
#: Largest whole number an expression computes.
MAX_INT = 10**36

KEYWORDS = frozenset({"and", "or", "not", "if", "else", "true", "false", "True", "False"})


class ExprError(Exception):
    """A problem with an expression; ``column`` is its offset in the text compiled, when known."""

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.column = column


Code = Callable[[Mapping[str, Any]], Any]


# --- values ------------------------------------------------------------------------------------


def format_value(value: object) -> str:
    """A value as text: ``3``, ``0.75``, ``true``, ``relu``, a shape as ``3x224x224``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (tuple, list)):
        return "x".join(format_value(item) for item in value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _show(value: object) -> str:
    from .errors import quote

    if isinstance(value, bool):
        return format_value(value)
    return quote(value)


def _checked(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        if -MAX_INT <= value <= MAX_INT:
            return value
        raise ExprError("a number is too large (cnncount computes with whole numbers up to 10**36)")
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        raise ExprError("a number is too large, or not a number (an expression's numbers must be finite)")
    return value


def _number(value: Any, op: str) -> Any:
    if isinstance(value, bool):
        raise ExprError(f"{op}: {format_value(value)} is a boolean: arithmetic takes numbers")
    if not isinstance(value, (int, float)):
        raise ExprError(f"{op}: {_show(value)} is not a number")
    return value


def _add(a: Any, b: Any) -> Any:
    if isinstance(a, str) and isinstance(b, str):
        if len(a) + len(b) > 10_000:
            raise ExprError("+: the text is too long (at most 10,000 characters)")
        return a + b
    return _number(a, "+") + _number(b, "+")


def _divide(op: str) -> Callable[[Any, Any], Any]:
    def divide(a: Any, b: Any) -> Any:
        a, b = _number(a, op), _number(b, op)
        if b == 0:
            raise ExprError(f"{op}: division by zero")
        if op == "/":
            return a / b
        return a // b if op == "//" else a % b

    return divide


def _power(a: Any, b: Any) -> Any:
    import math

    a, b = _number(a, "**"), _number(b, "**")
    if a == 0 and b < 0:
        raise ExprError("**: zero to a negative power (a division by zero)")
    if abs(a) > 1 and b > 0 and b * math.log2(abs(a)) > 128:
        raise ExprError(f"**: {_show(a)} ** {_show(b)} is too large (cnncount computes with numbers up to 10**36)")
    try:
        value = a**b
    except OverflowError:
        raise ExprError(f"**: {_show(a)} ** {_show(b)} is too large") from None
    if isinstance(value, complex):
        raise ExprError(f"**: {_show(a)} ** {_show(b)} is not a real number")
    return value


def _order(op: str) -> Callable[[Any, Any], bool]:
    import operator

    compare = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}[op]

    def ordered(a: Any, b: Any) -> bool:
        if isinstance(a, str) and isinstance(b, str):
            return bool(compare(a, b))
        return bool(compare(_number(a, op), _number(b, op)))

    return ordered


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) != isinstance(b, bool):
        return False
    if isinstance(a, list):
        a = tuple(a)
    if isinstance(b, list):
        b = tuple(b)
    return bool(a == b)


_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "+": _add,
    "-": lambda a, b: _number(a, "-") - _number(b, "-"),
    "*": lambda a, b: _number(a, "*") * _number(b, "*"),
    "/": _divide("/"),
    "//": _divide("//"),
    "%": _divide("%"),
    "**": _power,
}

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": _equal,
    "!=": lambda a, b: not _equal(a, b),
    "<": _order("<"),
    "<=": _order("<="),
    ">": _order(">"),
    ">=": _order(">="),
}


# --- functions ---------------------------------------------------------------------------------


def _numbers(name: str, args: tuple[Any, ...]) -> list[Any]:
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = tuple(args[0])
    if len(args) < 1 or (len(args) < 2 and name in ("min", "max") and not args):
        raise ExprError(f"{name}() takes two or more numbers, or one list")
    return [_number(arg, f"{name}()") for arg in args]


def _min_max(name: str) -> Callable[..., Any]:
    pick = min if name == "min" else max

    def function(*args: Any) -> Any:
        if len(args) == 1 and not isinstance(args[0], (tuple, list)):
            raise ExprError(f"{name}() takes two or more numbers, or one list")
        values = _numbers(name, args)
        if not values:
            raise ExprError(f"{name}() of an empty list")
        return pick(values)

    return function


def _one(name: str, apply: Callable[[Any], Any]) -> Callable[..., Any]:
    def function(*args: Any) -> Any:
        if len(args) != 1:
            raise ExprError(f"{name}() takes one number, got {len(args)} arguments")
        return apply(_number(args[0], f"{name}()"))

    return function


def _round(*args: Any) -> Any:
    if len(args) not in (1, 2):
        raise ExprError(f"round() takes a number and, optionally, how many digits; got {len(args)} arguments")
    value = _number(args[0], "round()")
    if len(args) == 1:
        return round(value)
    digits = args[1]
    if isinstance(digits, bool) or not isinstance(digits, int) or not 0 <= digits <= 15:
        raise ExprError(f"round(): the digits are a whole number from 0 to 15, got {_show(digits)}")
    return float(round(value, digits))


def _int(*args: Any) -> Any:
    if len(args) != 1:
        raise ExprError(f"int() takes one value, got {len(args)} arguments")
    value = args[0]
    if isinstance(value, str):
        text = value.strip()
        if text.isascii() and text.lstrip("+-").isdigit() and len(text) <= 37:
            return int(text)
        raise ExprError(f"int(): {_show(value)} is not a whole number in decimal")
    return int(_number(value, "int()"))


def _float(*args: Any) -> Any:
    if len(args) != 1:
        raise ExprError(f"float() takes one number, got {len(args)} arguments")
    return float(_number(args[0], "float()"))


def _len(*args: Any) -> Any:
    if len(args) != 1 or not isinstance(args[0], (str, tuple, list)):
        raise ExprError("len() takes one list (input) or text")
    return len(args[0])


def _ceil(value: Any) -> int:
    import math

    return math.ceil(value)


def _floor(value: Any) -> int:
    import math

    return math.floor(value)


def make_divisible(*args: Any) -> int:
    """The nearest multiple of ``divisor`` to ``value``, at least ``min_value`` (``divisor`` by
    default) and never more than 10% below ``value``: MobileNet's and EfficientNet's channels."""
    if len(args) not in (2, 3):
        raise ExprError(f"make_divisible() takes value, divisor and optionally min_value; got {len(args)} arguments")
    value = _number(args[0], "make_divisible()")
    divisor = args[1]
    if isinstance(divisor, bool) or not isinstance(divisor, int) or divisor < 1:
        raise ExprError(f"make_divisible(): the divisor is a whole number of at least 1, got {_show(divisor)}")
    least = divisor if len(args) == 2 else _number(args[2], "make_divisible()")
    rounded = max(least, int(value + divisor / 2) // divisor * divisor)
    if rounded < 0.9 * value:
        rounded += divisor
    return int(rounded)


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "min": _min_max("min"),
    "max": _min_max("max"),
    "abs": _one("abs", abs),
    "round": _round,
    "ceil": _one("ceil", _ceil),
    "floor": _one("floor", _floor),
    "int": _int,
    "float": _float,
    "len": _len,
    "make_divisible": make_divisible,
}


# --- tokens ------------------------------------------------------------------------------------

_OPERATORS = ("**", "//", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "<", ">", "(", ")", "[", "]", ",")
_DIGITS = "0123456789"
_WORD_START = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_"
_WORD = _WORD_START + _DIGITS


class _Token:
    __slots__ = ("kind", "text", "value", "at")

    def __init__(self, kind: str, text: str, value: Any, at: int) -> None:
        self.kind = kind  # number, text, name, op, end
        self.text = text
        self.value = value
        self.at = at


def _tokens(text: str, start: int) -> tuple[list[_Token], int]:
    """The tokens of the expression starting at ``text[start]``, up to its closing ``}``; the
    position after that ``}``."""
    out: list[_Token] = []
    at = start
    size = len(text)
    while True:
        while at < size and text[at] in " \t\n\r":
            at += 1
        if at >= size:
            raise ExprError("unclosed ${: expected } at the end of the expression", start - 2)
        if at - start > MAX_LENGTH:
            raise ExprError(f"an expression is longer than {MAX_LENGTH:,} characters", start - 2)
        char = text[at]
        if char == "}":
            out.append(_Token("end", "}", None, at))
            return out, at + 1
        if char in _DIGITS or (char == "." and at + 1 < size and text[at + 1] in _DIGITS):
            at = _number_token(text, at, out)
        elif char in _WORD_START:
            end = at
            while end < size and text[end] in _WORD:
                end += 1
            word = text[at:end]
            if word in ("true", "True", "false", "False"):
                out.append(_Token("number", word, word in ("true", "True"), at))
            elif word in KEYWORDS:
                out.append(_Token("op", word, None, at))
            else:
                out.append(_Token("name", word, word, at))
            at = end
        elif char in "'\"":
            at = _text_token(text, at, out)
        else:
            for op in _OPERATORS:
                if text.startswith(op, at):
                    out.append(_Token("op", op, None, at))
                    at += len(op)
                    break
            else:
                from .errors import shorten

                raise ExprError(f"unexpected character {shorten(repr(char))} in an expression", at)


def _number_token(text: str, at: int, out: list[_Token]) -> int:
    end = at
    size = len(text)
    while end < size and text[end] in _DIGITS:
        end += 1
    is_float = False
    if end < size and text[end] == ".":
        is_float = True
        end += 1
        while end < size and text[end] in _DIGITS:
            end += 1
    if end < size and text[end] in "eE":
        mark = end + 1
        if mark < size and text[mark] in "+-":
            mark += 1
        if mark < size and text[mark] in _DIGITS:
            is_float = True
            end = mark
            while end < size and text[end] in _DIGITS:
                end += 1
    word = text[at:end]
    if end < size and text[end] in _WORD + ".":
        raise ExprError(f"{word + text[end]!r}... is not a number (numbers are written in decimal, without _)", at)
    if len(word) > 40:
        raise ExprError("a number written with more than 30 digits", at)
    if is_float:
        value: Any = float(word)
        _checked(value)
    else:
        if len(word) > 1 and word[0] == "0":
            raise ExprError(f"{word} has a leading 0: write {int(word)} (numbers are in decimal)", at)
        if len(word) > 30:
            raise ExprError("a number written with more than 30 digits", at)
        value = int(word)
    out.append(_Token("number", word, value, at))
    return end


def _text_token(text: str, at: int, out: list[_Token]) -> int:
    quote_char = text[at]
    end = at + 1
    chars: list[str] = []
    escapes = {"\\": "\\", "'": "'", '"': '"', "n": "\n", "t": "\t"}
    while True:
        if end >= len(text):
            raise ExprError(f"unclosed text: expected {quote_char}", at)
        char = text[end]
        if char == quote_char:
            break
        if char == "\\":
            follow = text[end + 1 : end + 2]
            if follow not in escapes:
                raise ExprError(f"unknown escape \\{follow} in text (\\\\ \\' \\\" \\n \\t)", end)
            chars.append(escapes[follow])
            end += 2
            continue
        chars.append(char)
        end += 1
        if len(chars) > MAX_LENGTH:
            raise ExprError(f"text longer than {MAX_LENGTH:,} characters in an expression", at)
    out.append(_Token("text", text[at : end + 1], "".join(chars), at))
    return end + 1


# --- parsing: precedence climbing into closures ------------------------------------------------


class _Parser:
    def __init__(self, tokens: list[_Token], source: str) -> None:
        self.tokens = tokens
        self.at = 0
        self.depth = 0
        self.source = source
        self.names: set[str] = set()

    @property
    def token(self) -> _Token:
        return self.tokens[self.at]

    def take(self, text: str | None = None) -> _Token:
        token = self.tokens[self.at]
        if text is not None and (token.kind != "op" or token.text != text):
            raise ExprError(self.unexpected(token, f"expected {text}"), token.at)
        if token.kind != "end":
            self.at += 1
        return token

    def accept(self, text: str) -> bool:
        token = self.token
        if token.kind == "op" and token.text == text:
            self.at += 1
            return True
        return False

    def unexpected(self, token: _Token, wanted: str) -> str:
        if token.kind == "end":
            return f"{wanted}, got the end of the expression"
        from .errors import shorten

        return f"{wanted}, got {shorten(token.text)!r}"

    def nest(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExprError(f"an expression nested too deeply (at most {MAX_DEPTH} levels)", self.token.at)

    def expression(self) -> Code:
        """``a if c else b``, the loosest."""
        self.nest()
        body = self.either()
        if self.accept("if"):
            condition = self.either()
            self.take("else")
            other = self.expression()

            def choose(env: Mapping[str, Any]) -> Any:
                return body(env) if _truth(condition(env)) else other(env)

            self.depth -= 1
            return choose
        self.depth -= 1
        return body

    def either(self) -> Code:
        left = self.both()
        while self.accept("or"):
            right = self.both()
            left = _or(left, right)
        return left

    def both(self) -> Code:
        left = self.negation()
        while self.accept("and"):
            right = self.negation()
            left = _and(left, right)
        return left

    def negation(self) -> Code:
        if self.accept("not"):
            self.nest()
            inner = self.negation()
            self.depth -= 1
            return lambda env: not _truth(inner(env))
        return self.comparison()

    def comparison(self) -> Code:
        first = self.sum()
        chain: list[tuple[Callable[[Any, Any], bool], Code]] = []
        while self.token.kind == "op" and self.token.text in _COMPARE:
            op = self.take().text
            chain.append((_COMPARE[op], self.sum()))
        if not chain:
            return first

        def compare(env: Mapping[str, Any]) -> bool:
            left = first(env)
            for test, code in chain:
                right = code(env)
                if not test(left, right):
                    return False
                left = right
            return True

        return compare

    def sum(self) -> Code:
        left = self.product()
        while self.token.kind == "op" and self.token.text in ("+", "-"):
            left = _binary(_BINARY[self.take().text], left, self.product())
        return left

    def product(self) -> Code:
        left = self.unary()
        while self.token.kind == "op" and self.token.text in ("*", "/", "//", "%"):
            left = _binary(_BINARY[self.take().text], left, self.unary())
        return left

    def unary(self) -> Code:
        if self.token.kind == "op" and self.token.text in ("-", "+"):
            sign = self.take().text
            self.nest()
            inner = self.unary()
            self.depth -= 1
            if sign == "+":
                return lambda env: _number(inner(env), "+")
            return lambda env: _checked(-_number(inner(env), "-"))
        return self.power()

    def power(self) -> Code:
        base = self.postfix()
        if self.accept("**"):
            self.nest()
            exponent = self.unary()  # right to left, and -2 ** -1 reads as Python does
            self.depth -= 1
            return _binary(_power, base, exponent)
        return base

    def postfix(self) -> Code:
        code = self.atom()
        while self.token.kind == "op" and self.token.text == "[":
            self.take("[")
            index = self.expression()
            self.take("]")
            code = _index(code, index)
        return code

    def atom(self) -> Code:
        token = self.take()
        if token.kind in ("number", "text"):
            value = token.value
            return lambda env: value
        if token.kind == "name":
            name = token.text
            if self.token.kind == "op" and self.token.text == "(":
                return self.call(token)
            self.names.add(name)
            return _lookup(name)
        if token.kind == "op" and token.text == "(":
            inner = self.expression()  # a level of nesting, counted there
            self.take(")")
            return inner
        raise ExprError(self.unexpected(token, "expected a number, a name or ("), token.at)

    def call(self, token: _Token) -> Code:
        name = token.text
        function = FUNCTIONS.get(name)
        if function is None:
            from .errors import did_you_mean

            hint = did_you_mean(name, list(FUNCTIONS)) or f" (the functions: {', '.join(FUNCTIONS)})"
            raise ExprError(f"unknown function {name!r}{hint}", token.at)
        self.take("(")
        args: list[Code] = []
        if not self.accept(")"):
            while True:
                args.append(self.expression())
                if self.accept(")"):
                    break
                self.take(",")

        def apply(env: Mapping[str, Any]) -> Any:
            return _checked(function(*(arg(env) for arg in args)))

        return apply


def _truth(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float, str, tuple, list)):
        return bool(value)
    return bool(value)


def _or(left: Code, right: Code) -> Code:
    def either(env: Mapping[str, Any]) -> Any:
        value = left(env)
        return value if _truth(value) else right(env)

    return either


def _and(left: Code, right: Code) -> Code:
    def both(env: Mapping[str, Any]) -> Any:
        value = left(env)
        return right(env) if _truth(value) else value

    return both


def _binary(apply: Callable[[Any, Any], Any], left: Code, right: Code) -> Code:
    return lambda env: _checked(apply(left(env), right(env)))


def _lookup(name: str) -> Code:
    def read(env: Mapping[str, Any]) -> Any:
        try:
            return env[name]
        except KeyError:
            from .errors import did_you_mean

            raise ExprError(f"unknown name {name!r}{did_you_mean(name, [str(k) for k in env])}") from None

    return read


def _index(code: Code, index: Code) -> Code:
    def item(env: Mapping[str, Any]) -> Any:
        value, at = code(env), index(env)
        if not isinstance(value, (tuple, list, str)):
            raise ExprError(f"[]: {_show(value)} is not a list or text")
        if isinstance(at, bool) or not isinstance(at, int):
            raise ExprError(f"[]: the index is a whole number, got {_show(at)}")
        if not -len(value) <= at < len(value):
            raise ExprError(f"[]: index {at} is out of range ({len(value)} items: 0 to {len(value) - 1})")
        return value[at]

    return item


# --- texts -------------------------------------------------------------------------------------


class Compiled:
    """A text with expressions, compiled: ``evaluate(names)`` gives its value."""

    __slots__ = ("text", "names", "whole", "parts")

    def __init__(self, text: str, names: frozenset[str], whole: bool, parts: list[str | Code]) -> None:
        self.text = text
        self.names = names
        self.whole = whole
        self.parts = parts

    def evaluate(self, env: Mapping[str, Any]) -> Any:
        if self.whole:
            return self.parts[0](env)  # type: ignore[operator]
        return "".join(part if isinstance(part, str) else format_value(part(env)) for part in self.parts)


_CACHE: dict[str, Compiled | None] = {}


def compile_text(text: str) -> Compiled | None:
    """``text`` compiled; None when it has no ``${``.  The same text compiles once."""
    if "${" not in text:
        return None
    done = _CACHE.get(text)
    if done is not None:
        return done
    if len(_CACHE) > 100_000:
        _CACHE.clear()
    done = _CACHE[text] = _compile(text)
    return done


def _compile(text: str) -> Compiled:
    parts: list[str | Code] = []
    names: set[str] = set()
    literal: list[str] = []
    at = 0
    expressions = 0
    while at < len(text):
        if text.startswith("$${", at):
            literal.append("${")
            at += 3
            continue
        if text.startswith("${", at):
            tokens, after = _tokens(text, at + 2)
            if tokens[0].kind == "end":
                raise ExprError("an empty expression ${}", at)
            parser = _Parser(tokens, text)
            code = parser.expression()
            if parser.token.kind != "end":
                raise ExprError(
                    parser.unexpected(parser.token, "expected the end of the expression }"), parser.token.at
                )
            names |= parser.names
            if literal:
                parts.append("".join(literal))
                literal = []
            parts.append(code)
            expressions += 1
            at = after
            continue
        literal.append(text[at])
        at += 1
    if literal:
        parts.append("".join(literal))
    whole = expressions == 1 and len(parts) == 1 and not isinstance(parts[0], str)
    return Compiled(text, frozenset(names), whole, parts)
