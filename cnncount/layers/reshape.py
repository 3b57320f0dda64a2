"""Layers that only change the shape: flatten."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..counts import Counts
from ..shapes import Shape, size
from .base import Layer, Result, n, product, result


@dataclass(frozen=True, slots=True, kw_only=True)
class Flatten(Layer):
    """Flatten the per-sample shape into one dimension."""

    kind: ClassVar[str] = "flatten"
    summary: ClassVar[str] = "flatten to one dimension"
    example: ClassVar[str] = "--input 512x7x7"

    def infer(self, shape: Shape) -> Result:
        return result((size(shape),), Counts(), None, [f"out = {product(shape)} = {n(size(shape))}"])
