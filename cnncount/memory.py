"""Memory and compute of a counted network: bytes of parameters and activations, FLOPs.

Counting is independent of the number format; these figures are the counts
times the bytes of one value, for a batch of samples.
"""

from __future__ import annotations

from .counts import DTYPE_BYTES
from .errors import SpecError, quote
from .model import Report, Row
from .shapes import size


class Memory:
    """The number format and batch size that bytes are computed for."""

    __slots__ = ("dtype", "batch")

    def __init__(self, dtype: str = "float32", batch: int = 1) -> None:
        self.dtype = dtype
        self.batch = batch
        if self.dtype not in DTYPE_BYTES:
            raise SpecError(f"dtype: expected one of {', '.join(DTYPE_BYTES)}, got {quote(self.dtype)}")
        if isinstance(self.batch, bool) or not isinstance(self.batch, int) or self.batch < 1:
            raise SpecError(f"batch: expected an integer >= 1, got {quote(self.batch)}")

    @property
    def value_bytes(self) -> int:
        return DTYPE_BYTES[self.dtype]

    def activations(self, row: Row) -> int:
        """Elements of one layer's outputs, for the whole batch."""
        shapes = row.output_shapes
        if len(shapes) == 1:  # but for a split's: called once a layer per format
            return size(shapes[0]) * self.batch
        return sum(size(shape) for shape in shapes) * self.batch

    def activation_bytes(self, row: Row) -> int:
        return self.activations(row) * self.value_bytes

    def totals(self, report: Report) -> dict[str, int]:
        """Bytes and operations of the whole network, as exact ints."""
        t = report.totals
        b = self.value_bytes
        # One inference pass: the heads that run only while training are left out, as from the MACs.
        activations = sum(self.activations(row) for row in report.rows if not row.training)
        return {
            "flops": 2 * t.macs,
            "batch_macs": t.macs * self.batch,
            "batch_flops": 2 * t.macs * self.batch,
            "param_bytes": t.params * b,
            "param_bytes_tied": t.params_tied * b,
            "param_bytes_untied": t.params_untied * b,
            "non_trainable_bytes": t.non_trainable * b,
            "activations": activations,
            "activation_bytes": activations * b,
        }


def human_count(value: int) -> str:
    """``138357544`` -> ``"138.4 M"`` (K, M, G, T, P, E: powers of 1000)."""
    return _human(value, 1000, ("", "K", "M", "G", "T", "P", "E"), "")


def human_bytes(value: int) -> str:
    """``553430176`` -> ``"527.8 MiB"`` (powers of 1024)."""
    return _human(value, 1024, ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"), " B")


def _human(value: int, base: int, units: tuple[str, ...], plain: str) -> str:
    """One decimal in the largest unit that keeps the number below ``base`` once
    rounded (999,950 is "1.0 M", not "1000.0 K"); beyond the last unit, powers of ten."""
    if value < base:
        return f"{value:,}{plain}"
    for power, unit in enumerate(units[1:], start=1):
        shown = f"{value / base**power:.1f}"
        if float(shown) < base:
            return f"{shown} {unit}"
    return f"{value:.2e} {units[0]}".rstrip()
