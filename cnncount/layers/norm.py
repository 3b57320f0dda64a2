"""Normalisation layers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..counts import Counts
from ..shapes import Shape
from .base import Bool, Layer, Result, n, param, result


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchNorm(Layer):
    """Batch normalisation over channels (the first size of the shape).

    gamma counts as weights and beta as biases, one per channel in either bias
    layout; the running mean and variance are non-trainable.
    """

    kind: ClassVar[str] = "batchnorm"
    summary: ClassVar[str] = "batch normalisation over channels"
    example: ClassVar[str] = "--input 64x56x56"

    affine: bool = param(Bool(), "learn a scale (gamma) and shift (beta) per channel", True)

    def infer(self, shape: Shape) -> Result:
        channels = shape[0]
        learned = channels if self.affine else 0
        counts = Counts.of(learned, learned, learned, non_trainable=2 * channels)
        lines = [
            f"weights (gamma) = {n(learned)}",
            f"biases (beta) = {n(learned)}",
            f"non-trainable (running mean and variance) = 2*{channels} = {n(2 * channels)}",
        ]
        return result(shape, counts, "tied" if self.affine else None, lines)
