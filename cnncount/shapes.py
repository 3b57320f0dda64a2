"""Per-sample shapes and the output-size formulas.

A shape is a tuple of ints, channels first, batch never written: ``(C, L)``,
``(C, H, W)``, ``(C, D, H, W)``, or ``(N,)`` after flatten or dense.  Layers are
N-dimensional: a formula here works on one spatial dimension at a time and the
layer applies it to every dimension of its input.
"""

from __future__ import annotations

from typing import TypeVar

from .errors import ShapeError, SpecError, quote
from .limits import MAX_VALUE

Shape = tuple[int, ...]
T = TypeVar("T")

_DIM_NAMES = {1: ("L",), 2: ("H", "W"), 3: ("D", "H", "W")}


def parse_int(text: str) -> int:
    """A whole number as text writes it: decimal digits (ASCII), a sign, spaces around.

    Stricter than ``int()``, which also reads ``1_000`` and other scripts' digits:
    a number is read one way on the command line and in a file.  Raises ValueError.
    """
    body = text.strip()
    digits = body[1:] if body[:1] in ("+", "-") else body
    if not digits.isdigit() or not digits.isascii() or len(digits) > 200:
        raise ValueError(f"not a whole number: {text!r}")
    return int(body)


def parse_shape(text: str) -> Shape:
    """Parse ``"3x32x32"`` (or ``"3,32,32"``) into ``(3, 32, 32)``."""
    parts = text.strip().strip("[]()").replace(",", "x").split("x")
    try:
        dims = tuple(parse_int(part) for part in parts)
    except ValueError:
        raise SpecError(f"malformed shape {quote(text)}: expected sizes like 3x32x32") from None
    return check_shape(dims, text)


def check_shape(dims: tuple[object, ...], shown: object) -> Shape:
    """Check that a shape has one to four sizes, each a whole number of at least 1."""
    for d in dims:
        if not isinstance(d, int) or isinstance(d, bool):
            raise SpecError(f"shape {shown}: size {quote(d, 0)} is not a whole number")
        if d > MAX_VALUE:
            raise SpecError(f"shape {shown}: size {quote(d)} is more than cnncount takes (10**18)")
    if not 1 <= len(dims) <= 4:
        raise SpecError(f"shape {shown} has {len(dims)} sizes; expected 1 to 4 (C, C x L, C x H x W or C x D x H x W)")
    if any(d < 1 for d in dims):  # type: ignore[operator]
        raise SpecError(f"shape {shown}: every size must be at least 1")
    return dims  # type: ignore[return-value]


def check_sizes(result: T) -> T:
    """``result`` (a layer's), once every size of its outputs is known to be within MAX_VALUE.

    The sizes a network computes can outgrow those it was given (upsampling by 10**18,
    channels doubled by concatenation 15,000 times): past MAX_VALUE, totals would no
    longer print or convert to a float.
    """
    for shape in result.output_shapes:  # type: ignore[attr-defined]
        for d in shape:
            if d > MAX_VALUE:
                raise ShapeError(f"the output has a size of {quote(d)}, more than cnncount takes (10**18)")
    return result


#: How shapes are written: channels first (PyTorch) or channels last (Keras, TensorFlow).
LAYOUTS = ("channels_first", "channels_last")


def to_layout(shape: Shape, layout: str) -> Shape:
    """A channels-first shape as written in ``layout``: ``(3, 224, 224)`` -> ``(224, 224, 3)``."""
    return (*shape[1:], shape[0]) if layout == "channels_last" and len(shape) > 1 else shape


def from_layout(shape: Shape, layout: str) -> Shape:
    """A shape written in ``layout`` as channels first: ``(224, 224, 3)`` -> ``(3, 224, 224)``."""
    return (shape[-1], *shape[:-1]) if layout == "channels_last" and len(shape) > 1 else shape


def format_shape(shape: Shape) -> str:
    """``(3, 32, 32)`` -> ``"3x32x32"``."""
    return "x".join(str(d) for d in shape)


def dim_names(rank: int) -> tuple[str, ...]:
    """Names of the spatial dimensions of a ``rank``-dimensional input (L; H, W; D, H, W)."""
    return _DIM_NAMES.get(rank, tuple(f"d{i}" for i in range(rank)))


def size(shape: Shape) -> int:
    """Number of elements in a shape."""
    n = 1
    for d in shape:
        n *= d
    return n


def conv_out(n: int, k: int, s: int, p: int, d: int) -> int:
    """Convolution or pooling output size: ``floor((n + 2p - d(k-1) - 1) / s) + 1``."""
    return (n + 2 * p - d * (k - 1) - 1) // s + 1


def same_out(n: int, s: int) -> int:
    """Output size with ``same`` padding, TensorFlow's rule: ``ceil(n / s)`` for any stride."""
    return -(-n // s)


def same_padding(n: int, k: int, s: int, d: int) -> tuple[int, int]:
    """The (near, far) padding ``same`` needs; the odd one goes on the far side, as in TensorFlow."""
    total = max((same_out(n, s) - 1) * s + d * (k - 1) + 1 - n, 0)
    return total // 2, total - total // 2


def deconv_out(n: int, k: int, s: int, p: int, d: int, op: int) -> int:
    """Transposed convolution output size: ``(n-1)s - 2p + d(k-1) + output_padding + 1``."""
    return (n - 1) * s - 2 * p + d * (k - 1) + op + 1


def pool_out(n: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> int:
    """Pooling output size: ``floor`` (or ``ceil``) of ``(n + 2p - d(k-1) - 1) / s`` plus one.

    With ``ceil_mode`` the last window must start inside the input or the left
    padding, otherwise it is dropped (PyTorch's rule).
    """
    span = n + 2 * p - d * (k - 1) - 1
    if not ceil_mode:
        return span // s + 1
    out = -(-span // s) + 1
    if (out - 1) * s >= n + p:
        out -= 1
    return out
