"""Normalisation layers."""

from __future__ import annotations

from typing import ClassVar

from ..counts import Counts
from ..errors import ShapeError, SpecError
from ..shapes import Shape, format_shape, size
from .base import Bool, Int, IntList, Layer, Result, Tensors, n, param, product, result, split_spatial


class BatchNorm(Layer):
    """Batch normalisation over channels (the first size of the shape).

    gamma counts as weights and beta as biases, one per channel in either bias
    layout; the running mean and variance are non-trainable.
    """

    kind: ClassVar[str] = "batchnorm"
    summary: ClassVar[str] = "batch normalisation over channels"
    example: ClassVar[str] = "--input 64x56x56"

    affine: bool = param(Bool(), "learn a scale (gamma) and shift (beta) per channel", True)
    scale: bool = param(Bool(), "with affine, learn the scale too; false: the shift alone (Keras's scale=False)", True)

    def infer(self, shape: Shape) -> Result:
        channels = shape[0]
        shift = channels if self.affine else 0
        learned = shift if self.scale else 0
        counts = Counts.of(learned, shift, shift, non_trainable=2 * channels)
        lines = [
            f"weights (gamma) = {n(learned)}" + ("" if self.scale or not self.affine else " (scale: false)"),
            f"biases (beta) = {n(shift)}",
            f"non-trainable (running mean and variance) = 2*{channels} = {n(2 * channels)}",
        ]
        tensors = _tensors((channels,), self.affine, True)
        if not self.scale:
            tensors = tuple(tensor for tensor in tensors if tensor[0] != "weight")
        return result(shape, counts, "tied" if self.affine else None, lines, tensors=tensors)


def _affine(learned: int, affine: bool, non_trainable: int = 0) -> tuple[Counts, str | None]:
    """Counts of a norm whose affine scale (gamma, weights) and shift (beta, biases) have ``learned`` each."""
    if not affine:
        learned = 0
    return Counts.of(learned, learned, learned, non_trainable=non_trainable), "tied" if affine else None


def _tensors(shape: Shape, affine: bool, stats: bool) -> Tensors:
    """A norm's gamma and beta (``weight``, ``bias``) and running statistics, as PyTorch names them."""
    learned = (("weight", shape), ("bias", shape)) if affine else ()
    return learned + ((("running_mean", shape), ("running_var", shape)) if stats else ())


class LayerNorm(Layer):
    """Layer normalisation: each sample normalised over some of its dims, all of them by default.

    axes are indices into the per-sample shape, 0 being the channels: [0] is
    Keras's LayerNormalization(axis=-1) on channels-last data; the default (all
    dims) is PyTorch's LayerNorm([C, H, W]); [2] on C x H x W is LayerNorm(W).
    Negative indices are refused (in Keras -1 means channels, here it would not).
    With affine, gamma (weights) and beta (biases) have one entry per element of
    the normalised dims, in either bias layout.  No MACs counted.
    """

    kind: ClassVar[str] = "layernorm"
    summary: ClassVar[str] = "layer normalisation over the whole sample or some dims"
    example: ClassVar[str] = "--input 64x56x56 --axes 0"

    axes: tuple[int, ...] | None = param(
        IntList(0), "dims normalised over, 0 = channels, e.g. 0 or 1,2 (default: every dim)", None
    )
    affine: bool = param(Bool(), "learn a scale (gamma) and shift (beta) per normalised element", True)

    def check(self) -> None:
        if self.axes is not None and len(set(self.axes)) != len(self.axes):
            raise SpecError(f"axes: a dim is named twice in {list(self.axes)}", key="axes")

    def infer(self, shape: Shape) -> Result:
        axes = tuple(range(len(shape))) if self.axes is None else self.axes
        if max(axes) >= len(shape):
            raise ShapeError(
                f"axes {list(axes)} include dim {max(axes)} but the input {format_shape(shape)} "
                + (f"has dims 0 to {len(shape) - 1}" if len(shape) > 1 else "has only dim 0")
            )
        dims = tuple(shape[a] for a in sorted(axes))
        counts, bias = _affine(size(dims), self.affine)
        which = (
            f"the whole {format_shape(shape)}"
            if self.axes is None
            else (f"dim{'s' if len(axes) > 1 else ''} {', '.join(map(str, sorted(axes)))} of {format_shape(shape)}")
        )
        lines = [
            f"weights (gamma) = {product(dims) + ' = ' if len(dims) > 1 else ''}{n(counts.weights)} (one per element of {which})"
            if self.affine
            else "weights (gamma) = 0 (affine false)",
            f"biases (beta) = {n(counts.weights)}",
            "macs = 0 (normalisation is not counted)",
        ]
        return result(shape, counts, bias, lines, tensors=_tensors(dims, self.affine, False))


class GroupNorm(Layer):
    """Group normalisation: channels split into groups, each normalised per sample.

    With affine, gamma (weights) and beta (biases) have one entry per channel, as
    in PyTorch's GroupNorm.  No running statistics; no MACs counted.
    """

    kind: ClassVar[str] = "groupnorm"
    summary: ClassVar[str] = "group normalisation over groups of channels"
    example: ClassVar[str] = "--input 64x56x56 --groups 32"

    groups: int = param(Int(), "number of groups; must divide the channels")
    affine: bool = param(Bool(), "learn a scale (gamma) and shift (beta) per channel", True)

    def infer(self, shape: Shape) -> Result:
        channels = shape[0]
        if channels % self.groups:
            raise ShapeError(f"groups {self.groups} must divide the channels ({channels}) of {format_shape(shape)}")
        counts, bias = _affine(channels, self.affine)
        lines = [
            f"weights (gamma) = {n(counts.weights)} (one per channel)",
            f"biases (beta) = {n(counts.weights)}",
            "macs = 0 (normalisation is not counted)",
        ]
        return result(shape, counts, bias, lines, tensors=_tensors((channels,), self.affine, False))


class InstanceNorm(Layer):
    """Instance normalisation: every channel of every sample normalised on its own.

    Defaults as in PyTorch's InstanceNorm1d/2d/3d: no affine parameters, no running
    statistics.  With affine: gamma (weights) and beta (biases), one per channel;
    with track_running_stats: a running mean and variance per channel, non-trainable.
    """

    kind: ClassVar[str] = "instancenorm"
    summary: ClassVar[str] = "instance normalisation, each channel on its own"
    example: ClassVar[str] = "--input 64x56x56 --affine"

    affine: bool = param(Bool(), "learn a scale (gamma) and shift (beta) per channel", False)
    track_running_stats: bool = param(Bool(), "keep a running mean and variance per channel (non-trainable)", False)

    def infer(self, shape: Shape) -> Result:
        channels, _ = split_spatial(self, shape)
        stats = 2 * channels if self.track_running_stats else 0
        counts, bias = _affine(channels, self.affine, stats)
        lines = [
            f"weights (gamma) = {n(counts.weights)}" + (" (one per channel)" if self.affine else " (affine false)"),
            f"biases (beta) = {n(counts.weights)}",
            "non-trainable (running mean and variance) = "
            + (f"2*{channels} = {n(stats)}" if self.track_running_stats else "0 (track_running_stats false)"),
            "macs = 0 (normalisation is not counted)",
        ]
        tensors = _tensors((channels,), self.affine, self.track_running_stats)
        return result(shape, counts, bias, lines, tensors=tensors)


class LRN(Layer):
    """Local response normalisation across neighbouring channels (AlexNet's).

    No parameters: alpha, beta and k are fixed constants that change no count.
    """

    kind: ClassVar[str] = "lrn"
    summary: ClassVar[str] = "local response normalisation across channels (no parameters)"
    example: ClassVar[str] = "--input 96x55x55 --size 5"

    size: int = param(Int(), "number of neighbouring channels normalised over")

    def infer(self, shape: Shape) -> Result:
        split_spatial(self, shape)
        return result(shape, Counts(), None, [f"no parameters (window of {self.size} channels)"])


class Normalize(Layer):
    """Standardisation with statistics kept from data: each channel less its mean, over its
    deviation, as Keras's Normalization layer once adapted to a dataset.

    The mean and variance of every channel and the count of samples they come from are kept,
    not learned: 2C + 1 non-trainable values.  No weights, no biases, no MACs counted.  (A
    Normalization given its mean and variance as numbers keeps nothing: an identity here.)
    """

    kind: ClassVar[str] = "normalize"
    summary: ClassVar[str] = "standardisation by a kept mean and variance (Keras's Normalization)"
    example: ClassVar[str] = "--input 3x224x224"

    def infer(self, shape: Shape) -> Result:
        channels = shape[0]
        kept = 2 * channels + 1
        lines = [
            f"non-trainable (mean and variance per channel, and the count of samples) = 2*{channels} + 1 = {n(kept)}",
            "macs = 0 (normalisation is not counted)",
        ]
        tensors = (("mean", (channels,)), ("variance", (channels,)), ("count", ()))
        return result(shape, Counts.of(0, 0, 0, non_trainable=kept), None, lines, tensors=tensors)
