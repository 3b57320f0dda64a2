"""Embeddings: token ids to learned vectors."""

from __future__ import annotations

from typing import ClassVar

from ..counts import Counts
from ..errors import ShapeError
from ..shapes import Shape, format_shape
from .base import Int, Layer, Result, n, param, result


class Embedding(Layer):
    """Embedding: a learned vector of dim numbers for each of vocab token ids.

    The input is a sequence of L token ids (shape L); the output is dim x L,
    channels first, so that a 1-D conv can follow.  No biases; no MACs (a lookup).
    """

    kind: ClassVar[str] = "embedding"
    summary: ClassVar[str] = "embedding of a sequence of token ids (L -> dim x L)"
    example: ClassVar[str] = "--input 56 --vocab 18765 --dim 300"

    vocab: int = param(Int(), "number of distinct token ids (rows of the table)")
    dim: int = param(Int(), "size of each token's vector (output channels)")

    def infer(self, shape: Shape) -> Result:
        if len(shape) != 1:
            raise ShapeError(
                f"embedding needs a sequence of token ids (a shape of one size, L), got {format_shape(shape)}"
            )
        (length,) = shape
        weights = self.vocab * self.dim
        lines = [
            f"out = {self.dim}x{length} (a {self.dim}-vector per position, channels first)",
            f"weights = {self.vocab} * {self.dim} = {n(weights)} (a vector per token id)",
            "macs = 0 (a table lookup)",
        ]
        return result(
            (self.dim, length), Counts.of(weights), None, lines, tensors=(("weight", (self.vocab, self.dim)),)
        )
