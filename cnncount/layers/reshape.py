"""Layers that only change the shape: flatten and reshape."""

from __future__ import annotations

from typing import ClassVar

from ..counts import Counts
from ..errors import ShapeError
from ..shapes import Shape, format_shape, size
from .base import WHOLE, IntList, Layer, Reach, Result, n, param, product, result


class Flatten(Layer):
    """Flatten the per-sample shape into one dimension."""

    kind: ClassVar[str] = "flatten"
    summary: ClassVar[str] = "flatten to one dimension"
    example: ClassVar[str] = "--input 512x7x7"

    def reach(self, shapes: tuple[Shape, ...]) -> Reach:
        return WHOLE

    def infer(self, shape: Shape) -> Result:
        return result((size(shape),), Counts(), None, [f"out = {product(shape)} = {n(size(shape))}"])


class Reshape(Layer):
    """Give the per-sample values another shape; their number must not change.

    One size may be -1: it is worked out from the others (PyTorch's and Keras's rule).
    """

    kind: ClassVar[str] = "reshape"
    summary: ClassVar[str] = "reshape to a given per-sample shape"
    example: ClassVar[str] = "--input 1024 --shape 1024x1x1"

    shape: tuple[int, ...] = param(
        IntList(1, wildcard=True), "the new shape, channels first, e.g. 512x-1 (one size may be -1)"
    )

    def reach(self, shapes: tuple[Shape, ...]) -> Reach:
        return WHOLE

    def infer(self, shape: Shape) -> Result:
        total = size(shape)
        known = size(tuple(d for d in self.shape if d != -1))
        target = format_shape(self.shape)
        if -1 in self.shape:
            if total % known:
                raise ShapeError(
                    f"cannot reshape {format_shape(shape)} ({n(total)} elements) to {target}: "
                    f"{n(total)} is not a multiple of {n(known)}"
                )
            output = tuple(total // known if d == -1 else d for d in self.shape)
            lines = [
                f"-1 = {product(shape)} / {product(tuple(d for d in self.shape if d != -1))} = {n(total // known)}"
            ]
        else:
            if known != total:
                raise ShapeError(
                    f"cannot reshape {format_shape(shape)} ({n(total)} elements) to {target} ({n(known)} elements)"
                )
            output = self.shape
            lines = []
        lines.append(f"out = {format_shape(output)} ({n(total)} elements, as in)")
        return result(output, Counts(), None, lines)
