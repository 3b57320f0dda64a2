"""Layers that change the spatial sizes without parameters: upsample, zeropad and crop."""

from __future__ import annotations

from typing import ClassVar

from ..counts import Counts
from ..errors import ShapeError, SpecError
from ..shapes import Shape, format_shape
from .base import (
    Dims,
    Layer,
    Reach,
    Result,
    Sides,
    Spans,
    Text,
    adaptive_windows,
    param,
    per_dim,
    result,
    spatial_names,
    split_spatial,
)


class Upsample(Layer):
    """Upsampling by an integer scale, or to a given size; exactly one of the two is given.

    The interpolation mode changes no count.  No parameters, no MACs counted.
    """

    kind: ClassVar[str] = "upsample"
    summary: ClassVar[str] = "upsampling by a scale or to a size (no parameters)"
    example: ClassVar[str] = "--input 64x16x16 --scale 2"

    scale: int | tuple[int, ...] | None = param(
        Dims(), "multiply the spatial sizes by this, one int or one per dim", None
    )
    size: int | tuple[int, ...] | None = param(Dims(), "output spatial size, one int or one per dim", None)
    mode: str = param(
        Text(),
        "interpolation: nearest, bilinear, bicubic, ... (no effect on counts; the receptive field's rule)",
        "nearest",
    )

    def check(self) -> None:
        if (self.scale is None) == (self.size is None):
            got = "both" if self.scale is not None else "neither"
            raise SpecError(f"give exactly one of scale and size, got {got}")

    def reach(self, shapes: tuple[Shape, ...]) -> Reach:
        """Output v of m, from n inputs, reads by mode (PyTorch's and Keras's rules, with align_corners
        false): nearest floor(v*n/m); nearest-exact floor((v+1/2)*n/m); the linear modes floor(src)
        and the next one, bicubic floor(src)-1 to floor(src)+2, both only src itself when it is a whole
        number (the other taps weigh 0), with src = (v+1/2)*n/m - 1/2; area, an adaptive pool's window."""
        _, spatial = split_spatial(self, shapes[0])
        mode = self.mode.lower()
        if mode not in _REACH:
            return Reach(unknown=f"the reach of upsampling's mode is known for {', '.join(_REACH)} only")
        out = self.infer(shapes[0]).output_shapes[0][1:]
        return Reach(spans=tuple(_resampled(n, m, mode) for n, m in zip(spatial, out)))

    def infer(self, shape: Shape) -> Result:
        channels, spatial = split_spatial(self, shape)
        names = spatial_names(spatial)
        if self.scale is not None:
            scale = per_dim(self.scale, spatial, "scale")
            out = tuple(d * s for d, s in zip(spatial, scale))
            lines = [f"out {dim} = {d} * {s} = {o}" for dim, d, s, o in zip(names, spatial, scale, out)]
        else:
            out = per_dim(self.size, spatial, "size")  # type: ignore[arg-type]
            lines = [f"out {format_shape(out)} (fixed by size)"]
        return result((channels, *out), Counts(), None, [*lines, "no parameters; macs = 0 (interpolation not counted)"])


#: The interpolation modes whose reach is known; the linear ones and bicubic read around src.
_REACH = ("nearest", "nearest-exact", "linear", "bilinear", "trilinear", "bicubic", "area")


def _resampled(n: int, m: int, mode: str) -> Spans:
    """What each of m outputs reads of n inputs, as Reach.spans has it (see Upsample.reach):
    a pattern that repeats every m/g outputs, n/g inputs on (g = gcd(n, m))."""
    from math import gcd

    if mode == "area":
        return adaptive_windows(n, m)
    g = gcd(n, m)
    period = m // g
    first, last = [], []
    for v in range(period):
        if mode == "nearest":
            a = b = v * n // m
        elif mode == "nearest-exact":
            a = b = (2 * v + 1) * n // (2 * m)
        else:  # src = ((2v + 1) * n - m) / 2m, in whole numbers
            top, bottom = (2 * v + 1) * n - m, 2 * m
            a = b = top // bottom
            if top % bottom:
                a, b = (a, a + 1) if mode != "bicubic" else (a - 1, a + 2)
        first.append(a)
        last.append(b)
    return period, n // g, tuple(first), tuple(last), (1,) * period


def _sides(value: int | tuple[int | tuple[int, int], ...], spatial: Shape, key: str) -> tuple[tuple[int, int], ...]:
    """(near, far) amounts for every spatial dim, from an int, per-dim ints or pairs."""
    if isinstance(value, int):
        return ((value, value),) * len(spatial)
    if len(value) != len(spatial):
        shown = "[" + ", ".join(str(list(v)) if isinstance(v, tuple) else str(v) for v in value) + "]"
        raise ShapeError(
            f"{key} {shown} has {len(value)} entries but the input has {len(spatial)} spatial "
            f"dimension{'s' if len(spatial) > 1 else ''} ({format_shape(spatial)})"
        )
    return tuple(v if isinstance(v, tuple) else (v, v) for v in value)


_SIDES_HELP = (
    "an int for every side, one per spatial dim (1x2), or near:far pairs per dim (0:1x0:1; in YAML [[0, 1], [0, 1]])"
)


class ZeroPad(Layer):
    """Zero padding: adds zeros on the sides of every spatial dimension.

    As Keras's ZeroPadding1D/2D/3D and PyTorch's ZeroPad1d/2d/3d; no parameters.
    """

    kind: ClassVar[str] = "zeropad"
    summary: ClassVar[str] = "zero padding on the spatial sides (no parameters)"
    example: ClassVar[str] = "--input 3x224x224 --padding 0:1x0:1"

    padding: object = param(Sides(), f"zeros added: {_SIDES_HELP}")

    def reach(self, shapes: tuple[Shape, ...]) -> Reach:
        _, spatial = split_spatial(self, shapes[0])
        sides = _sides(self.padding, spatial, "padding")  # type: ignore[arg-type]
        return Reach(tuple(1 for _ in sides), tuple(1 for _ in sides), tuple(a for a, _ in sides))

    def infer(self, shape: Shape) -> Result:
        channels, spatial = split_spatial(self, shape)
        sides = _sides(self.padding, spatial, "padding")  # type: ignore[arg-type]
        out = tuple(d + a + b for d, (a, b) in zip(spatial, sides))
        lines = [
            f"out {dim} = {d} + {a} + {b} = {o}"
            for dim, d, (a, b), o in zip(spatial_names(spatial), spatial, sides, out)
        ]
        return result((channels, *out), Counts(), None, lines)


class Crop(Layer):
    """Cropping: removes rows and columns from the sides of every spatial dimension.

    As Keras's Cropping1D/2D/3D; no parameters.
    """

    kind: ClassVar[str] = "crop"
    summary: ClassVar[str] = "cropping of the spatial sides (no parameters)"
    example: ClassVar[str] = "--input 64x28x28 --cropping 2"

    cropping: object = param(Sides(), f"amount removed: {_SIDES_HELP}")

    def reach(self, shapes: tuple[Shape, ...]) -> Reach:  # a crop is a negative padding
        _, spatial = split_spatial(self, shapes[0])
        sides = _sides(self.cropping, spatial, "cropping")  # type: ignore[arg-type]
        return Reach(tuple(1 for _ in sides), tuple(1 for _ in sides), tuple(-a for a, _ in sides))

    def infer(self, shape: Shape) -> Result:
        channels, spatial = split_spatial(self, shape)
        sides = _sides(self.cropping, spatial, "cropping")  # type: ignore[arg-type]
        out = tuple(d - a - b for d, (a, b) in zip(spatial, sides))
        names = spatial_names(spatial)
        for dim, d, (a, b), o in zip(names, spatial, sides, out):
            if o < 1:
                raise ShapeError(
                    f"cropping {a}+{b} leaves nothing of {dim} {d} (input {format_shape(shape)}): "
                    f"output {dim} would be {o}"
                )
        lines = [f"out {dim} = {d} - {a} - {b} = {o}" for dim, d, (a, b), o in zip(names, spatial, sides, out)]
        return result((channels, *out), Counts(), None, lines)
