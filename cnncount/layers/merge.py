"""Merges and splits: the kinds that join several inputs or part one into several outputs.

``add``, ``multiply`` and ``concat`` read two or more inputs (the blocks ``residual``,
``gate`` and ``concat`` expand into them); ``split`` has several outputs, read as
``name:0``, ``name:1``; ``shuffle`` reorders channels.  None has parameters, and none
counts MACs: PyTorch's flop counter (torch.utils.flop_counter) counts only matrix
products and convolutions, while fvcore and ptflops count one operation per output
element of some of them; cnncount follows PyTorch.
"""

from __future__ import annotations

from typing import ClassVar

from ..counts import Counts
from ..errors import ShapeError, SpecError
from ..limits import MAX_INPUTS
from ..shapes import Shape, format_shape
from .base import POINTWISE, Int, IntList, Layer, Reach, Result, n, param

_NOT_COUNTED = "no parameters; macs = 0 (element-wise and data movement are not counted, as in PyTorch's flop counter)"


def _listing(shapes: tuple[Shape, ...], labels: tuple[str, ...]) -> str:
    """``layers gives 256x56x56, shortcut gives 128x56x56``."""
    names = labels if len(labels) == len(shapes) else tuple(f"input {i + 1}" for i in range(len(shapes)))
    return ", ".join(f"{name} gives {format_shape(shape)}" for name, shape in zip(names, shapes))


def _axis_name(axis: int) -> str:
    return "channels" if axis == 0 else f"dim {axis}"


def _merged(outputs: tuple[Shape, ...], lines: list[str]) -> Result:
    lines = [*lines, _NOT_COUNTED]
    return Result(outputs, Counts(), None, lambda: tuple(lines))


class _Merge(Layer):
    """A kind that reads two or more inputs and gives one output."""

    arity: ClassVar[tuple[int, int | None]] = (2, None)

    def infer(self, shape: Shape) -> Result:
        return self.apply((shape,))


class Add(_Merge):
    """Element-wise sum of two or more inputs of one shape (a residual connection)."""

    kind: ClassVar[str] = "add"
    summary: ClassVar[str] = "element-wise sum of inputs of one shape"
    example: ClassVar[str] = "--input 64x56x56 --input 64x56x56"

    def apply(self, shapes: tuple[Shape, ...], labels: tuple[str, ...] = ()) -> Result:
        if len(shapes) < 2:
            raise ShapeError(f"add needs two or more inputs, got {len(shapes)}")
        if any(shape != shapes[0] for shape in shapes):
            raise ShapeError(f"cannot add inputs of different shapes: {_listing(shapes, labels)}")
        terms = " + ".join(format_shape(shape) for shape in shapes)
        return _merged((shapes[0],), [f"out = {terms} -> {format_shape(shapes[0])}"])


def broadcast(shapes: tuple[Shape, ...], labels: tuple[str, ...] = ()) -> Shape:
    """The shape of an element-wise product of ``shapes``, channels first.

    Shapes are aligned on their first size (the channels) and a shorter one is
    read with 1s after it, so ``[C]`` and ``[C, 1, 1]`` both scale every position
    of a ``[C, H, W]`` map (NumPy aligns the last sizes instead: here shapes are
    per sample and channels first).  Each size must then agree or be 1.
    """
    rank = max(len(shape) for shape in shapes)
    padded = [(*shape, *(1 for _ in range(rank - len(shape)))) for shape in shapes]
    out = []
    for dim in range(rank):
        sizes = {shape[dim] for shape in padded} - {1}
        if len(sizes) > 1:
            raise ShapeError(
                f"cannot multiply: the shapes do not broadcast (dim {dim} is {' and '.join(map(str, sorted(sizes)))}; "
                f"each size must agree or be 1): {_listing(shapes, labels)}"
            )
        out.append(sizes.pop() if sizes else 1)
    return tuple(out)


class Multiply(_Merge):
    """Element-wise product of two or more inputs, broadcast.

    A [C] or [C, 1, 1] gate scales every position of a [C, H, W] map (squeeze-and-excitation),
    a [1, H, W] one every channel (CBAM): shapes are aligned on the channels, and a shorter
    shape is read with 1s after it.
    """

    kind: ClassVar[str] = "multiply"
    summary: ClassVar[str] = "element-wise product of inputs, broadcast (gates)"
    example: ClassVar[str] = "--input 64x56x56 --input 64x1x1"

    def apply(self, shapes: tuple[Shape, ...], labels: tuple[str, ...] = ()) -> Result:
        if len(shapes) < 2:
            raise ShapeError(f"multiply needs two or more inputs, got {len(shapes)}")
        out = broadcast(shapes, labels)
        terms = " * ".join(format_shape(shape) for shape in shapes)
        return _merged((out,), [f"out = {terms} -> {format_shape(out)} (broadcast)"])


class Concat(_Merge):
    """Concatenation of one or more inputs along one dim, the channels by default; every
    other size must agree."""

    kind: ClassVar[str] = "concat"
    summary: ClassVar[str] = "join inputs on the channels (or another dim)"
    example: ClassVar[str] = "--input 64x28x28 --input 32x28x28"
    arity: ClassVar[tuple[int, int | None]] = (1, None)

    axis: int = param(Int(0), "the dim joined: 0 = channels (channels-first numbering)", 0)

    def reach(self, shapes: tuple[Shape, ...]) -> Reach:
        return POINTWISE if self.axis == 0 else Reach(unknown="a concatenation along a spatial dim")

    def apply(self, shapes: tuple[Shape, ...], labels: tuple[str, ...] = ()) -> Result:
        axis = self.axis
        first = shapes[0]
        if any(axis >= len(shape) for shape in shapes):
            raise ShapeError(f"cannot concatenate on dim {axis}: {_listing(shapes, labels)}")

        def others(shape: Shape) -> Shape:
            return shape[:axis] + shape[axis + 1 :]

        if any(len(shape) != len(first) or others(shape) != others(first) for shape in shapes):
            raise ShapeError(
                f"cannot concatenate on {_axis_name(axis)}, the other sizes differ: {_listing(shapes, labels)}"
            )
        joined = sum(shape[axis] for shape in shapes)
        out = (*first[:axis], joined, *first[axis + 1 :])
        sizes = " + ".join(str(shape[axis]) for shape in shapes)
        return _merged((out,), [f"out {_axis_name(axis)} = {sizes} = {n(joined)}"])


class Split(Layer):
    """Split into equal chunks, or parts of given sizes, along one dim (the channels by default).

    Several outputs: the entries that read them name one as split_name:0, split_name:1, ...
    (ShuffleNetV2's x1, x2 = x.chunk(2, dim=1)).
    """

    kind: ClassVar[str] = "split"
    summary: ClassVar[str] = "split into chunks on the channels (several outputs)"
    example: ClassVar[str] = "--input 116x28x28 --chunks 2"

    chunks: int | None = param(Int(), "number of equal parts; must divide the size", None)
    sizes: tuple[int, ...] | None = param(IntList(1, most=10_000), "the size of each part, e.g. 24x40", None)
    axis: int = param(Int(0), "the dim split: 0 = channels (channels-first numbering)", 0)

    def reach(self, shapes: tuple[Shape, ...]) -> Reach:
        return POINTWISE if self.axis == 0 else Reach(unknown="a split along a spatial dim")

    def check(self) -> None:
        if (self.chunks is None) == (self.sizes is None):
            got = "both" if self.chunks is not None else "neither"
            raise SpecError(f"give exactly one of chunks and sizes, got {got}")
        if self.output_count > MAX_INPUTS:  # each part is an output: as many as a layer may read
            key = "chunks" if self.sizes is None else "sizes"
            raise SpecError(f"{key}: {self.output_count:,} parts; a split makes at most {MAX_INPUTS:,}", key=key)

    @property
    def output_count(self) -> int:
        return self.chunks if self.sizes is None else len(self.sizes)  # type: ignore[return-value]

    def infer(self, shape: Shape) -> Result:
        axis = self.axis
        if axis >= len(shape):
            raise ShapeError(f"cannot split dim {axis} of {format_shape(shape)}")
        whole = shape[axis]
        where = _axis_name(axis)
        if self.sizes is None:
            chunks: int = self.chunks  # type: ignore[assignment]
            if whole % chunks:
                raise ShapeError(f"chunks {chunks} must divide the {where} ({whole}) of {format_shape(shape)}")
            parts = (whole // chunks,) * chunks
            line = f"out {where} = {whole} / {chunks} = {whole // chunks} each"
        else:
            parts = self.sizes
            if sum(parts) != whole:
                raise ShapeError(
                    f"sizes {' + '.join(map(str, parts))} = {sum(parts)} must add up to the {where} "
                    f"({whole}) of {format_shape(shape)}"
                )
            line = f"out {where} = {' + '.join(map(str, parts))} = {whole}"
        outputs = tuple((*shape[:axis], part, *shape[axis + 1 :]) for part in parts)
        return _merged(outputs, [line])


class Shuffle(Layer):
    """Channel shuffle (ShuffleNet): the channels, taken as groups x (C / groups), are
    transposed, so that the next grouped layer mixes every group.  Shape unchanged."""

    kind: ClassVar[str] = "shuffle"
    summary: ClassVar[str] = "channel shuffle between groups (no parameters)"
    example: ClassVar[str] = "--input 116x28x28 --groups 2"

    groups: int = param(Int(), "number of groups; must divide the channels")

    def infer(self, shape: Shape) -> Result:
        channels = shape[0]
        if channels % self.groups:
            raise ShapeError(f"groups {self.groups} must divide the channels ({channels}) of {format_shape(shape)}")
        return _merged((shape,), [f"{channels} channels read as {self.groups} x {channels // self.groups}, transposed"])
