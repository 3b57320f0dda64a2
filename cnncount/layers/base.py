"""What every layer kind is made of: typed options, a base class, the result of a layer.

A layer kind is an immutable record whose fields are declared with :func:`param`.
That one declaration (name, value type, default, help) is read by everything
that deals with options: the YAML reader, the ``--layer`` words, the generated
CLI subcommands and their ``--help``, the JSON Schema.  Adding a kind never
means repeating its options anywhere else.

The records are made by :class:`Layer`'s metaclass rather than by stdlib
dataclasses: a frozen slotted dataclass costs about a millisecond to create,
generating code for each class, and start-up time is a feature here (the
benchmark's floor is the bare interpreter importing click).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from ..counts import BIAS_LAYOUTS, Counts
from ..errors import ShapeError, SpecError, did_you_mean, quote
from ..limits import MAX_VALUE
from ..shapes import Shape, dim_names, format_shape, parse_int


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


#: The default of an option that must be given.
REQUIRED: Any = _Required()


# --- option value types ---------------------------------------------------------------------


def _is_int(value: object) -> bool:
    """A whole number within MAX_VALUE (bools are not numbers here, though Python says so)."""
    return isinstance(value, int) and not isinstance(value, bool) and -MAX_VALUE <= value <= MAX_VALUE


_show = quote  # how a rejected value is quoted back to the user


class Value:
    """How one option is written (as command-line text or a YAML value) and checked."""

    __slots__ = ()
    metavar = "VALUE"

    def from_text(self, text: str) -> object:
        """Turn command-line text into the value YAML would have given."""
        return text

    def check(self, value: object) -> object:
        """Return the normalised value or raise ValueError saying what is wrong."""
        raise NotImplementedError

    def schema(self) -> dict[str, Any]:
        """The JSON Schema of the YAML values :meth:`check` accepts."""
        raise NotImplementedError


def _integer(minimum: int) -> dict[str, Any]:
    return {"type": "integer", "minimum": minimum}


def _int_or_list(item: dict[str, Any], most: int) -> dict[str, Any]:
    return {"oneOf": [item, {"type": "array", "items": item, "minItems": 1, "maxItems": most}]}


class Int(Value):
    """A whole number, at least ``minimum``."""

    __slots__ = ("minimum",)
    metavar = "INT"

    def __init__(self, minimum: int = 1) -> None:
        self.minimum = minimum

    def from_text(self, text: str) -> object:
        try:
            return parse_int(text)
        except ValueError:
            return text

    def check(self, value: object) -> int:
        if not _is_int(value) or value < self.minimum:  # type: ignore[operator]
            raise ValueError(f"expected an integer >= {self.minimum}, got {_show(value)}")
        return value  # type: ignore[return-value]

    def schema(self) -> dict[str, Any]:
        return _integer(self.minimum)


class Dims(Value):
    """An int for every spatial dimension, or a list with one entry per dimension."""

    __slots__ = ("minimum",)
    metavar = "N|NxN"

    def __init__(self, minimum: int = 1) -> None:
        self.minimum = minimum

    def from_text(self, text: str) -> object:
        parts = [p.strip() for p in text.replace(",", "x").split("x")]
        try:
            numbers = [parse_int(p) for p in parts]
        except ValueError:
            return text
        return numbers[0] if len(numbers) == 1 else numbers

    def check(self, value: object) -> int | tuple[int, ...]:
        if isinstance(value, str):  # "3x5" in YAML, as on the command line
            value = self.from_text(value)
        if _is_int(value) and value >= self.minimum:  # type: ignore[operator]
            return value  # type: ignore[return-value]
        if (
            isinstance(value, (list, tuple))
            and 1 <= len(value) <= 3
            and all(_is_int(v) and v >= self.minimum for v in value)
        ):
            return tuple(value)
        raise ValueError(f"expected an integer >= {self.minimum} or a list of 1 to 3 of them, got {_show(value)}")

    def schema(self) -> dict[str, Any]:
        written = {"type": "string", "pattern": r"^\s*\d+(\s*[x,]\s*\d+){0,2}\s*$"}
        return {"oneOf": [*_int_or_list(_integer(self.minimum), 3)["oneOf"], written]}


class Padding(Value):
    """Explicit padding (like :class:`Dims`, zero allowed) or, with ``words``, ``same``/``valid``."""

    __slots__ = ("words",)

    def __init__(self, words: bool = True) -> None:
        self.words = words

    @property
    def metavar(self) -> str:  # type: ignore[override]
        return "N|NxN|same|valid" if self.words else "N|NxN"

    def from_text(self, text: str) -> object:
        return text.strip() if text.strip() in ("same", "valid") else Dims(0).from_text(text)

    def check(self, value: object) -> object:
        if self.words and value in ("same", "valid"):
            return value
        try:
            return Dims(0).check(value)
        except ValueError:
            also = ", 'same' or 'valid'" if self.words else ""
            raise ValueError(f"expected an integer >= 0, a list of them{also}, got {_show(value)}") from None

    def schema(self) -> dict[str, Any]:
        numbers = Dims(0).schema()
        return {"oneOf": [*numbers["oneOf"], {"enum": ["same", "valid"]}]} if self.words else numbers


class Choice(Value):
    """One of a few words."""

    __slots__ = ("options",)

    def __init__(self, options: tuple[str, ...]) -> None:
        self.options = options

    @property
    def metavar(self) -> str:  # type: ignore[override]
        return "|".join(self.options)

    def check(self, value: object) -> str:
        if value not in self.options:
            raise ValueError(f"expected one of {', '.join(self.options)}, got {_show(value)}")
        return value  # type: ignore[return-value]

    def schema(self) -> dict[str, Any]:
        return {"enum": list(self.options)}


class Known(Value):
    """One of a known list of words (an activation function's name), with a did-you-mean."""

    __slots__ = ("words", "what")
    metavar = "NAME"

    def __init__(self, words: tuple[str, ...], what: str) -> None:
        self.words = words
        self.what = what

    def check(self, value: object) -> str:
        if isinstance(value, str) and value in self.words:
            return value
        if not isinstance(value, str):
            raise ValueError(f"expected a name such as {self.words[0]}, got {_show(value)}")
        known = ", ".join(self.words)
        raise ValueError(
            f"unknown {self.what} {_show(value)}{did_you_mean(value, list(self.words)) or f' (known: {known})'}"
        )

    def schema(self) -> dict[str, Any]:
        return {"enum": list(self.words)}


_TRUTH = {"true": True, "yes": True, "on": True, "1": True, "false": False, "no": False, "off": False, "0": False}


class Bool(Value):
    """true or false."""

    metavar = "true|false"

    def from_text(self, text: str) -> object:
        return _TRUTH.get(text.strip().lower(), text)

    def check(self, value: object) -> bool:
        if isinstance(value, str):  # yes and on are text to YAML 1.2, as on the command line
            value = self.from_text(value)
        if not isinstance(value, bool):
            raise ValueError(f"expected true or false, got {_show(value)}")
        return value

    def schema(self) -> dict[str, Any]:
        return {"type": "boolean"}


class Text(Value):
    """A free word, such as an activation function's name."""

    metavar = "TEXT"

    def check(self, value: object) -> str:
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"expected a word, got {_show(value)}")
        return value

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "minLength": 1}


class Fraction(Value):
    """A number from 0 up to (not including) 1."""

    metavar = "FLOAT"

    def from_text(self, text: str) -> object:
        if "_" in text or not text.isascii():  # float() reads 1_0.5 and other scripts' digits
            return text
        try:
            return float(text)
        except ValueError:
            return text

    def check(self, value: object) -> float:
        if isinstance(value, str):  # 1e-3 is text to PyYAML (YAML 1.1), a number on the command line
            value = self.from_text(value)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
            raise ValueError(f"expected a number from 0 up to 1 (not included), got {_show(value)}")
        return float(value)

    def schema(self) -> dict[str, Any]:
        return {"type": "number", "minimum": 0, "exclusiveMaximum": 1}


class IntList(Value):
    """One to four integers, each at least ``minimum``; with ``wildcard``, one of them may be -1.

    Written ``1x2`` or ``1,2`` on the command line (``512x-1`` with a wildcard); an int
    alone stands for a list of one.  The value is always a tuple.
    """

    __slots__ = ("minimum", "wildcard", "most")
    metavar = "N[xN...]"

    def __init__(self, minimum: int = 0, wildcard: bool = False, most: int = 4) -> None:
        self.minimum = minimum
        self.wildcard = wildcard
        self.most = most

    def from_text(self, text: str) -> object:
        try:
            return [parse_int(p) for p in text.replace(",", "x").split("x")]
        except ValueError:
            return text

    def check(self, value: object) -> tuple[int, ...]:
        if isinstance(value, str):  # "512x-1" in YAML, as on the command line
            value = self.from_text(value)
        items = [value] if _is_int(value) else value
        if (
            isinstance(items, (list, tuple))
            and 1 <= len(items) <= self.most
            and all(_is_int(v) and (v >= self.minimum or (self.wildcard and v == -1)) for v in items)
            and list(items).count(-1) <= (1 if self.wildcard else 0)
        ):
            return tuple(items)
        also = ", one of them may be -1" if self.wildcard else ""
        raise ValueError(f"expected a list of 1 to {self.most:,} integers >= {self.minimum}{also}, got {_show(value)}")

    def schema(self) -> dict[str, Any]:
        item = _integer(self.minimum)
        if self.wildcard:
            item = {"type": "integer", "anyOf": [{"minimum": self.minimum}, {"const": -1}]}
        written = {"type": "string", "pattern": rf"^\s*-?\d+(\s*[x,]\s*-?\d+){{0,{self.most - 1}}}\s*$"}
        return {"oneOf": [*_int_or_list(item, self.most)["oneOf"], written]}


class Sides(Value):
    """Amounts added or removed on both sides of every spatial dimension.

    An int (every side), a list with one int per spatial dim (both sides of it), or
    a list of ``[near, far]`` pairs, one per spatial dim (ints and pairs may mix).
    On the command line: ``2``, ``1x2`` per dim, ``0:1x0:1`` for near:far pairs.
    The value is an int or a tuple of ints and ``(near, far)`` tuples.
    """

    metavar = "N|NxN|A:BxC:D"

    def from_text(self, text: str) -> object:
        entries: list[object] = []
        for part in text.replace(",", "x").split("x"):
            near, colon, far = part.partition(":")
            try:
                entries.append([parse_int(near), parse_int(far)] if colon else parse_int(near))
            except ValueError:
                return text
        return entries[0] if len(entries) == 1 and _is_int(entries[0]) else entries

    def check(self, value: object) -> int | tuple[int | tuple[int, int], ...]:
        def side(v: object) -> bool:
            return _is_int(v) and v >= 0  # type: ignore[operator]

        if isinstance(value, str):  # "0:1x0:1" in YAML, as on the command line
            value = self.from_text(value)

        if side(value):
            return value  # type: ignore[return-value]
        if isinstance(value, (list, tuple)) and 1 <= len(value) <= 3:
            entries: list[int | tuple[int, int]] = []
            for v in value:
                if side(v):
                    entries.append(v)
                elif isinstance(v, (list, tuple)) and len(v) == 2 and side(v[0]) and side(v[1]):
                    entries.append((v[0], v[1]))
                else:
                    break
            else:
                return tuple(entries)
        raise ValueError(
            "expected an integer >= 0, a list with one per spatial dim, "
            f"or a list of [near, far] pairs, got {_show(value)}"
        )

    def schema(self) -> dict[str, Any]:
        side = _integer(0)
        pair = {"type": "array", "items": side, "minItems": 2, "maxItems": 2}
        written = {"type": "string", "pattern": r"^\s*\d+(:\d+)?(\s*[x,]\s*\d+(:\d+)?){0,2}\s*$"}
        listed = {"type": "array", "items": {"oneOf": [side, pair]}, "minItems": 1, "maxItems": 3}
        return {"oneOf": [side, listed, written]}


BIAS = Choice(BIAS_LAYOUTS)


class Param:
    """One option of a layer kind: its value type, default and help.

    Written in a kind's class body as ``stride: int = param(Dims(), "step", 1)``;
    the name comes from there.
    """

    __slots__ = ("name", "value", "default", "help")

    def __init__(self, value: Value, help: str, default: object = REQUIRED) -> None:
        self.name = ""
        self.value = value
        self.default = default
        self.help = help

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    def __repr__(self) -> str:
        return f"Param({self.name!r}, default={self.default!r})"


def param(value: Value, help: str, default: object = REQUIRED) -> Any:
    """Declare an option of a layer kind (see :class:`Param`)."""
    return Param(value, help, default)


# --- the base class --------------------------------------------------------------------------


#: A layer's formula lines, or a function making them: formulas are only wanted
#: for --explain and layer subcommands, so the costly ones are made on demand.
Formulas = list[str] | Callable[[], list[str]]


#: The parameter tensors of a layer on a given input: ``(("weight", (64, 3, 7, 7)), ("bias", (64,)))``,
#: shaped as PyTorch shapes them where PyTorch has the layer.  Layers that share
#: parameters must have the same ones; trainable ones add up to ``params``.
Tensors = tuple[tuple[str, tuple[int, ...]], ...]

#: The names of the tensors that are not trained: a batchnorm's running statistics, and the
#: mean, variance and sample count Keras's Normalization keeps (the normalize kind).
BUFFERS = ("running_mean", "running_var", "mean", "variance", "count")


class Result:
    """What a layer does to its inputs: the shapes it outputs, its counts and their formulas."""

    __slots__ = ("output_shapes", "counts", "bias", "explain", "parts", "tensors")

    def __init__(
        self,
        output_shapes: tuple[Shape, ...],
        counts: Counts,
        bias: str | None,
        explain: Callable[[], tuple[str, ...]],
        parts: tuple[tuple[str, Counts], ...] = (),
        tensors: Tensors = (),
    ) -> None:
        self.output_shapes = output_shapes
        self.counts = counts
        self.bias = bias
        self.explain = explain
        #: For a layer made of steps (separable: depthwise, then pointwise), each step's counts.
        self.parts = parts
        self.tensors = tensors

    @property
    def output_shape(self) -> Shape:
        """The output (the first, for a layer with several)."""
        return self.output_shapes[0]

    @property
    def formulas(self) -> tuple[str, ...]:
        """The arithmetic behind the counts, with the actual numbers."""
        return self.explain()


class Reach:
    """What one output position of a layer sees of its input, per spatial dim, for receptive fields
    (cnncount.receptive): a window of ``kernel`` positions (a dilated kernel's span, d(k-1)+1, read
    every ``dilation``), starting at ``stride * u - padding`` for output position u; or windows that
    differ from one position to the next (``spans``, one per dim: ``(period, step, first, last,
    gap)``, output position ``t * period + i`` reading input positions ``first[i] + t * step`` to
    ``last[i] + t * step``, every ``gap[i]``, as a transposed conv or an upsampling does); or every
    position (``whole``: a dense layer, a global pool); or nothing that can be said (``unknown``)."""

    __slots__ = ("kernel", "stride", "padding", "dilation", "spans", "whole", "unknown", "why")

    def __init__(
        self,
        kernel: tuple[int, ...] = (),
        stride: tuple[int, ...] = (),
        padding: tuple[int, ...] = (),
        dilation: tuple[int, ...] = (),
        *,
        spans: tuple[Spans, ...] = (),
        whole: bool = False,
        unknown: str | None = None,
        why: tuple[str, ...] = (),
    ) -> None:
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.dilation = dilation or tuple(1 for _ in kernel)
        self.spans = spans
        self.whole = whole
        self.unknown = unknown
        #: How a value came to be, for --explain: ``same`` padding's near side, from the input's size.
        self.why = why

    @property
    def pointwise(self) -> bool:
        """Each output position sees the same position of its input (kernel 1, stride 1)."""
        return not self.kernel and not self.spans and not self.whole and self.unknown is None


#: One dim of Reach.spans: period, step, first, last and gap (see Reach).
Spans = tuple[int, int, tuple[int, ...], tuple[int, ...], tuple[int, ...]]

#: The reach of a layer that does not mix positions: activations, norms, dropout, merges.
POINTWISE = Reach()

#: The reach of a layer every output of which sees the whole input: dense, flatten, global pools.
WHOLE = Reach(whole=True)


def adaptive_windows(n: int, out: int) -> Spans:
    """What each of ``out`` adaptive windows over n positions reads, as Reach.spans has it: output i
    from floor(i*n/out) to ceil((i+1)*n/out) - 1, a pattern that repeats every out/g outputs, n/g
    positions on (g = gcd(n, out))."""
    from math import gcd

    g = gcd(n, out)
    period = out // g
    first = tuple(i * n // out for i in range(period))
    last = tuple(-(-(i + 1) * n // out) - 1 for i in range(period))
    return period, n // g, first, last, (1,) * period


class _Kind(type):
    """Makes a layer kind from its class body: each :func:`param` becomes a slot.

    The kind's options, its parents' first, are kept in ``_params`` in the
    order they were declared.
    """

    def __new__(mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any]) -> _Kind:
        declared = {key: value for key, value in namespace.items() if isinstance(value, Param)}
        for key, option in declared.items():
            del namespace[key]
            option.name = key
        namespace.setdefault("__slots__", tuple(declared))
        cls = super().__new__(mcs, name, bases, namespace)
        inherited: dict[str, Param] = {}
        for base in reversed(cls.__mro__[1:]):
            inherited.update(getattr(base, "_params", {}))
        cls._params = {**inherited, **declared}  # type: ignore[attr-defined]
        return cls


class Layer(metaclass=_Kind):
    """Base of every layer kind: an immutable record of option values.

    Subclasses set ``kind`` (the ``type`` users write), ``summary`` (one line for
    ``--help``) and ``example`` (the options of a worked example), declare their
    options with :func:`param` and implement :meth:`infer` (and :meth:`check`
    for rules that tie options together).

    Two layers are equal when their kind and options are, whatever their names,
    so identical layers share results.
    """

    __slots__ = ("name", "_key")
    _params: ClassVar[dict[str, Param]]
    name: str | None
    _key: tuple[Any, ...]

    kind: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    example: ClassVar[str] = ""

    #: How many inputs a layer of this kind reads: at least, at most (None: any number).
    arity: ClassVar[tuple[int, int | None]] = (1, 1)

    def reach(self, shapes: tuple[Shape, ...]) -> Reach:
        """What an output position sees of the inputs (``shapes``), for receptive fields: by
        default the same position (a layer that does not mix positions)."""
        return POINTWISE

    def __init__(self, *, name: str | int | None = None, **values: Any) -> None:
        self._fill(name, values, str, "key")

    def _fill(self, name: object, values: dict[str, Any], spell: Callable[[str], str], word: str) -> None:
        """Check every option value and set it: the one place a layer is validated,
        whether it comes from YAML, the command line or Python.  ``spell`` shows an
        option as the user wrote it (``--kernel``); ``word`` is what a missing one is."""
        params = self._params
        checked: dict[str, Any] = {}
        for key, value in values.items():
            option = params.get(key)
            if option is None:
                raise SpecError(unknown_key(key, [*params, "name"], self.kind, spell), key=key)
            if value is option.default:  # a default (None for "not given") needs no check: replace() passes them
                checked[key] = value
                continue
            try:
                checked[key] = option.value.check(value)
            except ValueError as exc:
                raise SpecError(f"{spell(key)}: {exc}", key=key) from None
        missing = [spell(p.name) for p in params.values() if p.required and p.name not in checked]
        if missing:
            raise SpecError(f"missing required {word} {', '.join(missing)}")
        record = []
        for option in params.values():
            value = checked.get(option.name, option.default)
            object.__setattr__(self, option.name, value)
            record.append(value)
        if name is not None:
            if not isinstance(name, (str, int)) or isinstance(name, bool) or name == "":
                raise SpecError(f"{spell('name')}: expected a word, got {_show(name)}", key="name")
            name = str(name)
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "_key", tuple(record))
        self.check()

    def check(self) -> None:
        """Raise SpecError if the options contradict each other."""

    def infer(self, shape: Shape) -> Result:
        """The output shape and counts of this layer for a given input shape."""
        raise NotImplementedError

    def apply(self, shapes: tuple[Shape, ...], labels: tuple[str, ...] = ()) -> Result:
        """The result of this layer on its inputs' shapes (one, but for merges).

        ``labels`` name the inputs in messages (``layers``, ``shortcut``; ``conv3``).
        """
        return self.infer(shapes[0])

    @property
    def output_count(self) -> int:
        """How many outputs this layer has (a split has several)."""
        return 1

    def replace(self, **changes: Any) -> Layer:
        """A copy with some options (or the name) changed."""
        values = {key: getattr(self, key) for key in self._params}
        values["name"] = self.name
        values.update(changes)
        return type(self)(**values)

    def __setattr__(self, key: str, value: object) -> None:
        raise AttributeError(f"a {self.kind} layer cannot be changed; use replace()")

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other._key == self._key  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self), self._key))

    def __repr__(self) -> str:
        options = ", ".join(f"{key}={getattr(self, key)!r}" for key in self._params)
        named = f", name={self.name!r}" if self.name is not None else ""
        return f"{type(self).__name__}({options}{named})"

    @classmethod
    def params(cls) -> tuple[Param, ...]:
        """The options of this kind, in declaration order."""
        return tuple(cls._params.values())

    @classmethod
    def build(
        cls,
        raw: Mapping[str, object],
        *,
        text: bool = False,
        spell: Callable[[str], str] = str,
    ) -> Layer:
        """Make a layer from option values, checking every one.

        ``raw`` maps option names to YAML values, or to command-line text when
        ``text`` is set.  ``spell`` shows an option the way the user wrote it
        (``--kernel`` for a subcommand).  Raises :class:`SpecError` naming the key.
        """
        values: dict[str, Any] = {}
        name = None
        for key, given in raw.items():
            if key == "name":
                name = given
                continue
            spec = cls._params.get(key) if text else None
            values[key] = spec.value.from_text(given) if spec is not None else given  # type: ignore[arg-type]
        layer = cls.__new__(cls)
        layer._fill(name, values, spell, "option" if text else "key")
        return layer

    @classmethod
    def params_of(cls, key: str) -> Param:
        """The declaration of the option ``key``."""
        return cls._params[key]

    @classmethod
    def takes(cls, key: str) -> bool:
        """Whether this kind has the option ``key``."""
        return key in cls._params

    @property
    def has_bias(self) -> bool:
        """Whether this kind has a bias layout the user can choose."""
        return self.takes("bias")

    def __str__(self) -> str:
        return self.kind


def unknown_key(key: object, known: list[str], kind: str, spell: Callable[[str], str] = str) -> str:
    """``unknown key 'strde' (did you mean 'stride'?)``, naming the keys there are otherwise.

    ``key`` may be anything YAML allows as a key (``yes:`` is True, ``1:`` is 1).
    """
    word = spell(key) if isinstance(key, str) else key
    hint = did_you_mean(str(word), [spell(k) for k in known]) if isinstance(key, str) else ""
    hint = hint or f" ({kind} takes {', '.join(spell(k) for k in known)})"
    return f"unknown {'option' if word != key else 'key'} {quote(word)}{hint}"


# --- helpers for layer kinds -----------------------------------------------------------------


def split_spatial(layer: Layer, shape: Shape) -> tuple[int, Shape]:
    """(channels, spatial sizes) of a shape that must have at least one spatial dimension."""
    if len(shape) < 2:
        raise ShapeError(
            f"{layer.kind} needs an input with spatial dimensions (C x L, C x H x W or C x D x H x W), "
            f"got {format_shape(shape)}"
        )
    return shape[0], shape[1:]


def per_dim(value: int | tuple[int, ...], spatial: Shape, key: str) -> tuple[int, ...]:
    """Expand an int to one entry per spatial dimension, or check a list has exactly one each."""
    if isinstance(value, int):
        return (value,) * len(spatial)
    if len(value) != len(spatial):
        raise ShapeError(
            f"{key} {format_shape(value)} has {len(value)} entries but the input has "
            f"{len(spatial)} spatial dimension{'s' if len(spatial) > 1 else ''} ({format_shape(spatial)})"
        )
    return value


def product(values: tuple[int, ...]) -> str:
    """``(5, 5)`` -> ``"5*5"``, for formulas."""
    return "*".join(str(v) for v in values)


def n(value: int) -> str:
    """An exact count with thousands separators."""
    return f"{value:,}"


def result(
    shape: Shape,
    counts: Counts,
    bias: str | None,
    formulas: Formulas,
    parts: tuple[tuple[str, Counts], ...] = (),
    *,
    tensors: Tensors = (),
) -> Result:
    """A Result whose formulas end with the parameter totals spelt out."""

    def explain() -> tuple[str, ...]:
        lines = list(formulas() if callable(formulas) else formulas)
        if counts.tied_biases or counts.untied_biases:  # weights alone need no sum
            if not any(line.startswith("params, tied") for line in lines):  # a kind may write its own
                lines.append(f"params, tied = {n(counts.weights)} + {n(counts.tied_biases)} = {n(counts.params_tied)}")
            if counts.params_untied != counts.params_tied:
                lines.append(
                    f"params, untied = {n(counts.weights)} + {n(counts.untied_biases)} = {n(counts.params_untied)}"
                )
        return tuple(lines)

    return Result((shape,), counts, bias, explain, parts, tensors)


def bias_tensor(layout: str, channels: int, out: Shape) -> Tensors:
    """The bias of a layer with ``channels`` outputs in ``layout``: one per channel, one per
    channel per output position (``out`` is the whole output shape), or none."""
    if layout == "none":
        return ()
    return (("bias", (channels,) if layout == "tied" else out),)


def out_formula(dim: str, n_in: int, k: int, s: int, p: int, d: int, out: int, *, rounding: str = "floor") -> str:
    """``out H = floor((224 + 2*1 - 3)/1) + 1 = 224`` (dilation written only when it is not 1).

    With ``ceil`` rounding, a last window that would start past the input and
    the left padding is dropped (PyTorch's rule), and the formula says so.
    """
    reach = str(k) if d == 1 else f"{d}*({k}-1) - 1"
    line = f"out {dim} = {rounding}(({n_in} + 2*{p} - {reach})/{s}) + 1"
    if rounding == "ceil" and -(-(n_in + 2 * p - d * (k - 1) - 1) // s) + 1 != out:
        return f"{line} - 1 = {out} (the last window would start past the input and left padding: dropped)"
    return f"{line} = {out}"


def spatial_names(spatial: Shape) -> tuple[str, ...]:
    return dim_names(len(spatial))
