"""Receptive fields: what part of the network's input every layer's units see.

Following Araujo, Norris and Sim, "Computing Receptive Fields of Convolutional Neural
Networks" (Distill 2019, doi:10.23915/distill.00021), per spatial dimension:

* ``size`` r: how many input positions one unit sees;
* ``stride`` S: how far apart in the input two neighbouring units' fields start;
* ``padding`` P: where the field of unit u starts, at ``u * S - P`` (so unit 0's field is
  ``[-P, -P + r - 1]``, reaching P positions into the padding).

A layer declares what one of its output positions sees of its input (:meth:`Layer.reach`): a
window of k positions (a dilated kernel's span, d(k-1)+1) from ``s * u - p``, and from there::

    r_out = r_in + (k - 1) * S_in      S_out = S_in * s      P_out = P_in + p * S_in

A layer that does not mix positions (activations, norms, dropout, 1x1 convs, merges) has k = 1,
s = 1, p = 0; a dense layer, a flatten and a global pool see the whole input, and so does every
layer after them. At a merge, the path with the largest field is kept, per dimension, as the
paper does; paths whose fields are not aligned (another stride, or another centre) make the
merge *misaligned*, said so rather than hidden. Nothing here is computed unless asked for: the
counting never calls it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fractions import Fraction

    from .layers.base import Reach
    from .model import Report, Row
    from .shapes import Shape


class Field:
    """The receptive field of a layer's units, per spatial dimension of the network's input.

    ``whole`` is a field that covers the whole input (after a dense layer or a global pool:
    size, stride and padding are then empty); ``unknown`` says why a field cannot be told;
    ``misaligned`` marks a merge (or a layer after one) whose inputs' fields do not line up;
    ``source`` is the network input it is measured in; ``steps`` says how the layer made it, a
    line per dimension with the numbers, for ``--explain`` (none for a layer that changes nothing).
    """

    __slots__ = ("size", "stride", "padding", "whole", "unknown", "misaligned", "source", "extent", "steps")

    def __init__(
        self,
        size: tuple[int, ...],
        stride: tuple[int, ...],
        padding: tuple[int, ...],
        *,
        extent: tuple[int, ...] = (),
        source: int = 0,
        whole: bool = False,
        unknown: str | None = None,
        misaligned: bool = False,
        steps: tuple[str, ...] = (),
    ) -> None:
        self.size = size
        self.stride = stride
        self.padding = padding
        self.extent = extent
        self.source = source
        self.whole = whole
        self.unknown = unknown
        self.misaligned = misaligned
        self.steps = steps

    @property
    def centre(self) -> tuple[Fraction, ...]:
        """Where the centre of unit 0's field is, per dim: ``(r - 1) / 2 - P`` (a half for even r)."""
        from fractions import Fraction  # here: fractions imports decimal, a cost no count should pay

        return tuple(Fraction(r - 1, 2) - p for r, p in zip(self.size, self.padding))

    @property
    def larger_than_input(self) -> bool:
        """Whether a unit's field is larger than the input in some dimension: it cannot see more of it."""
        return any(r > n for r, n in zip(self.size, self.extent))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Field):
            return NotImplemented
        return (self.size, self.stride, self.padding, self.whole, self.unknown, self.misaligned) == (
            other.size,
            other.stride,
            other.padding,
            other.whole,
            other.unknown,
            other.misaligned,
        )

    def __hash__(self) -> int:
        return hash((self.size, self.stride, self.padding, self.whole, self.unknown))

    def __repr__(self) -> str:
        if self.whole or self.unknown:
            return f"<Field {'whole input' if self.whole else 'unknown: ' + str(self.unknown)}>"
        return f"<Field size {self.size}, stride {self.stride}, padding {self.padding}>"


def start(shape: Shape, source: int = 0) -> Field:
    """The field of the network's input itself: one position each (a shape of one size, a
    sequence of token ids, is its positions; otherwise the first size is the channels)."""
    spatial = shape if len(shape) == 1 else shape[1:]
    ones = tuple(1 for _ in spatial)
    return Field(ones, ones, tuple(0 for _ in spatial), extent=tuple(spatial), source=source)


def through(field: Field, reach: Reach) -> Field:
    """The field of a layer's units, from its input's field and what the layer sees of its input."""
    if field.whole or field.unknown is not None:
        return field
    if reach.unknown is not None:
        return Field((), (), (), unknown=reach.unknown, source=field.source)
    if reach.whole:
        return Field((), (), (), whole=True, source=field.source, extent=field.extent)
    if reach.pointwise:
        return field
    if len(reach.kernel) != len(field.size):
        return Field((), (), (), unknown="the layer's spatial dims are not its input's", source=field.source)
    from .shapes import dim_names

    size, stride, padding, steps = [], [], [], []
    names = dim_names(len(field.size))
    for dim, r, big_s, big_p, k, s, p in zip(
        names, field.size, field.stride, field.padding, reach.kernel, reach.stride, reach.padding
    ):
        size.append(r + (k - 1) * big_s)
        stride.append(big_s * s)
        padding.append(big_p + p * big_s)
        steps.append(
            f"RF {dim}: size {r} + ({k}-1)*{big_s} = {size[-1]}, stride {big_s}*{s} = {stride[-1]}, "
            f"padding {big_p} + {p}*{big_s} = {padding[-1]}"
        )
    return Field(
        tuple(size),
        tuple(stride),
        tuple(padding),
        extent=field.extent,
        source=field.source,
        misaligned=field.misaligned,
        steps=(*reach.why, *steps),
    )


def merged(fields: list[Field]) -> Field:
    """The field at a merge of several paths: per dim, the largest; misaligned when the paths'
    strides or centres differ (or they come from different inputs)."""
    if len(fields) == 1:
        return fields[0]
    for field in fields:
        if field.unknown is not None:
            return field
    if any(field.whole for field in fields):
        whole = next(field for field in fields if field.whole)
        return Field((), (), (), whole=True, source=whole.source, extent=whole.extent)
    ranks = {len(field.size) for field in fields}
    if len(ranks) > 1:
        return Field((), (), (), unknown="the merged inputs have different spatial dims", source=fields[0].source)
    first = fields[0]
    misaligned = any(field.misaligned for field in fields) or any(
        field.source != first.source or field.stride != first.stride or field.centre != first.centre
        for field in fields[1:]
    )
    size, stride, padding = [], [], []
    for dim in range(len(first.size)):
        largest = max(fields, key=lambda field: field.size[dim])
        size.append(largest.size[dim])
        stride.append(largest.stride[dim])
        padding.append(largest.padding[dim])
    return Field(
        tuple(size), tuple(stride), tuple(padding), extent=first.extent, source=first.source, misaligned=misaligned
    )


def fields(report: Report) -> list[Field]:
    """The receptive field of every row of a report, in row order."""
    graph = report.graph
    outputs: dict[int, Field] = {}
    inputs = [start(shape, number) for number, (_, shape) in enumerate(graph.inputs)]
    found: list[Field] = []
    for row in report.rows:
        found.append(_of(row, outputs, inputs))
        outputs[row.index] = found[-1]
    return found


def _of(row: Row, outputs: dict[int, Field], inputs: list[Field]) -> Field:
    node = row.node
    read = []
    for index, k in node.inputs:
        if index == 0:
            read.append(inputs[k])
        elif index in outputs:
            read.append(outputs[index])
        else:  # a node left out (a training head that did not fit)
            return Field((), (), (), unknown="reads a layer that is left out")
    field = merged(read)
    return through(field, node.layer.reach(row.input_shapes))


__all__ = ["Field", "fields", "merged", "start", "through"]
