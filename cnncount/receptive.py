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
layer after them. At a merge, the field spans every path's, per dimension (for aligned paths, the
largest, which the paper keeps); paths whose fields are not aligned (another stride, or another
centre) make the merge *misaligned*, said so rather than hidden.

A transposed conv, an upsampling and an adaptive pool whose sizes do not divide make units whose
fields differ from one to the next, in a pattern that repeats every few units: a field is kept
as the spans of every unit of one period (Spans), and the recurrence above is its special case
of period 1. Outside the feature map the arithmetic goes on, as it does into padding. Nothing
here is computed unless asked for: the counting never calls it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from fractions import Fraction

    from .layers.base import Reach
    from .model import Report, Row
    from .shapes import Shape


#: The longest pattern of unit fields kept: layers that resample by sizes with no common factor
#: (say an adaptive pool from 997 to 991) would make one as long as the feature map, or longer.
MOST_PERIOD = 4096


class Spans:
    """Where the units of one spatial dim see, in input positions: unit ``t * period + i`` sees from
    ``first[i] + t * step`` to ``last[i] + t * step``, both included.

    A field the same for every unit has period 1: size r = last - first + 1, stride S = step,
    padding P = -first. A transposed conv, an upsampling or an uneven adaptive pool makes units whose
    fields differ from one to the next in a pattern that repeats every ``period`` units, ``step``
    positions further on: the stride is then step / period, a mean, and the size varies.
    """

    __slots__ = ("period", "step", "first", "last")

    def __init__(self, period: int, step: int, first: tuple[int, ...], last: tuple[int, ...]) -> None:
        self.period = period
        self.step = step
        self.first = first
        self.last = last

    def at(self, unit: int) -> tuple[int, int]:
        """The first and last input position unit ``unit`` sees (any whole number: outside the
        feature map, the arithmetic goes on, as into padding)."""
        t, i = divmod(unit, self.period)
        return self.first[i] + t * self.step, self.last[i] + t * self.step

    @property
    def sizes(self) -> tuple[int, ...]:
        return tuple(b - a + 1 for a, b in zip(self.first, self.last))

    @property
    def rising(self) -> bool:
        """Whether a later unit's field never starts or ends before an earlier one's: then what a
        window of units sees runs from its first unit's first position to its last unit's last."""
        firsts = (*self.first, self.first[0] + self.step)
        lasts = (*self.last, self.last[0] + self.step)
        return all(a <= b for a, b in zip(firsts, firsts[1:])) and all(a <= b for a, b in zip(lasts, lasts[1:]))

    def then(self, reach: Reads) -> Spans | None:
        """The spans of a layer's units, where ``self`` is its input's and ``reach`` what each of its
        units reads of its input (None when the pattern is longer than MOST_PERIOD)."""
        if self.period == 1 and reach.period == 1:  # the paper's recurrence
            return Spans(
                1,
                self.step * reach.step,
                (self.first[0] + reach.first[0] * self.step,),
                (self.last[0] + reach.last[0] * self.step,),
            )
        from math import gcd

        common = gcd(reach.step, self.period)
        period = reach.period * self.period // common
        if period > MOST_PERIOD:
            return None
        rising = self.rising
        firsts, lasts = [], []
        for unit in range(period):
            a, b, gap = reach.at(unit)
            if rising:
                firsts.append(self.at(a)[0])
                lasts.append(self.at(b)[1])
                continue
            # a transposed conv's dilated taps can make a later unit start earlier: the extremes are
            # among a window's first (or last) `period` units read, as later ones repeat `step` on
            count = min((b - a) // gap + 1, self.period)
            firsts.append(min(self.at(a + n * gap)[0] for n in range(count)))
            lasts.append(max(self.at(b - n * gap)[1] for n in range(count)))
        return _shortest(period, self.step * reach.step // common, firsts, lasts)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Spans):
            return NotImplemented
        return (self.period, self.step, self.first, self.last) == (other.period, other.step, other.first, other.last)

    def __hash__(self) -> int:
        return hash((self.period, self.step, self.first, self.last))

    def __repr__(self) -> str:
        return f"Spans({self.period}, {self.step}, {self.first}, {self.last})"


def _shortest(period: int, step: int, firsts: list[int], lasts: list[int]) -> Spans:
    """The same spans with the shortest period that repeats them."""
    for short in range(1, period):
        if period % short or (step * short) % period:
            continue
        on = step * short // period
        if all(
            firsts[u + short] == firsts[u] + on and lasts[u + short] == lasts[u] + on for u in range(period - short)
        ):
            return Spans(short, on, tuple(firsts[:short]), tuple(lasts[:short]))
    return Spans(period, step, tuple(firsts), tuple(lasts))


def _window(k: int, s: int, p: int) -> Spans:
    """A field of k positions from ``s * u - p``."""
    return Spans(1, s, (-p,), (k - 1 - p,))


class Reads:
    """What the units of one spatial dim of a layer read of its input: unit ``t * period + i`` reads
    ``first[i] + t * step`` to ``last[i] + t * step``, every ``gap[i]`` (a dilated kernel's taps)."""

    __slots__ = ("period", "step", "first", "last", "gap")

    def __init__(
        self, period: int, step: int, first: tuple[int, ...], last: tuple[int, ...], gap: tuple[int, ...]
    ) -> None:
        self.period = period
        self.step = step
        self.first = first
        self.last = last
        self.gap = gap

    def at(self, unit: int) -> tuple[int, int, int]:
        t, i = divmod(unit, self.period)
        return self.first[i] + t * self.step, self.last[i] + t * self.step, self.gap[i]


class Field:
    """The receptive field of a layer's units, per spatial dimension of the network's input.

    ``spans`` says where each unit sees, per dim (Spans); ``size``, ``stride`` and ``padding`` sum it
    up as the paper does: r, S and P, where unit u's field starts at ``u * S - P`` and is r long.
    Where the units' fields differ (``uniform`` false for that dim), the size is the largest, the
    stride the mean step (a Fraction) and the padding unit 0's. ``whole`` is a field that covers the
    whole input (after a dense layer or a global pool: no spans then); ``unknown`` says why a field
    cannot be told; ``misaligned`` marks a merge (or a layer after one) whose inputs' fields do not
    line up; ``source`` is the network input it is measured in; ``steps`` says how the layer made
    it, a line per dimension with the numbers, for ``--explain`` (none for a layer that changes
    nothing).
    """

    __slots__ = ("spans", "whole", "unknown", "misaligned", "source", "extent", "_steps")

    def __init__(
        self,
        spans: tuple[Spans, ...] = (),
        *,
        extent: tuple[int, ...] = (),
        source: int = 0,
        whole: bool = False,
        unknown: str | None = None,
        misaligned: bool = False,
        steps: tuple[str, ...] | Callable[[], tuple[str, ...]] = (),
    ) -> None:
        self.spans = spans
        self.extent = extent
        self.source = source
        self.whole = whole
        self.unknown = unknown
        self.misaligned = misaligned
        self._steps = steps  # or what makes them: they are written out only for --explain

    @property
    def size(self) -> tuple[int, ...]:
        """r per dim: the largest unit's, where they differ."""
        return tuple(
            max(spans.sizes) if spans.period > 1 else spans.last[0] - spans.first[0] + 1 for spans in self.spans
        )

    @property
    def stride(self) -> tuple[int | Fraction, ...]:
        """S per dim: an int, or the mean step (a Fraction) where the units' fields differ."""
        return tuple(spans.step if spans.period == 1 else _fraction(spans.step, spans.period) for spans in self.spans)

    @property
    def padding(self) -> tuple[int, ...]:
        """P per dim: where unit 0's field starts, negated."""
        return tuple(-spans.first[0] for spans in self.spans)

    @property
    def uniform(self) -> tuple[bool, ...]:
        """Per dim, whether every unit's field is the same, one stride on from the last."""
        return tuple(spans.period == 1 for spans in self.spans)

    @property
    def centre(self) -> tuple[Fraction, ...]:
        """Where the centre of unit 0's field is, per dim: ``(r - 1) / 2 - P`` (a half for even r)."""
        return tuple(_fraction(spans.first[0] + spans.last[0], 2) for spans in self.spans)

    @property
    def larger_than_input(self) -> bool:
        """Whether a unit's field is larger than the input in some dimension: it cannot see more of it."""
        return any(r > n for r, n in zip(self.size, self.extent))

    @property
    def steps(self) -> tuple[str, ...]:
        if callable(self._steps):
            self._steps = self._steps()
        return self._steps

    def but(self, *, steps: tuple[str, ...]) -> Field:
        """The same field, made by other steps."""
        return Field(
            self.spans,
            extent=self.extent,
            source=self.source,
            whole=self.whole,
            unknown=self.unknown,
            misaligned=self.misaligned,
            steps=steps,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Field):
            return NotImplemented
        return (self.spans, self.whole, self.unknown, self.misaligned) == (
            other.spans,
            other.whole,
            other.unknown,
            other.misaligned,
        )

    def __hash__(self) -> int:
        return hash((self.spans, self.whole, self.unknown))

    def __repr__(self) -> str:
        if self.whole or self.unknown:
            return f"<Field {'whole input' if self.whole else 'unknown: ' + str(self.unknown)}>"
        return f"<Field size {self.size}, stride {self.stride}, padding {self.padding}>"


def _fraction(top: int, bottom: int) -> Fraction:
    from fractions import Fraction  # here: fractions imports decimal, a cost no count should pay

    return Fraction(top, bottom)


def start(shape: Shape, source: int = 0) -> Field:
    """The field of the network's input itself: one position each (a shape of one size, a
    sequence of token ids, is its positions; otherwise the first size is the channels)."""
    spatial = shape if len(shape) == 1 else shape[1:]
    return Field(tuple(_window(1, 1, 0) for _ in spatial), extent=tuple(spatial), source=source)


def through(field: Field, reach: Reach) -> Field:
    """The field of a layer's units, from its input's field and what the layer sees of its input."""
    if field.whole or field.unknown is not None:
        return field
    if reach.unknown is not None:
        return Field(unknown=reach.unknown, source=field.source)
    if reach.whole:
        return Field(whole=True, source=field.source, extent=field.extent)
    if reach.pointwise:
        return field
    if reach.spans:
        reads = tuple(Reads(*spans) for spans in reach.spans)
    else:
        reads = tuple(
            Reads(1, s, (-p,), (k - 1 - p,), (d,))
            for k, s, p, d in zip(reach.kernel, reach.stride, reach.padding, reach.dilation)
        )
    if len(reads) != len(field.spans):
        return Field(unknown="the layer's spatial dims are not its input's", source=field.source)
    made = []
    for before, read in zip(field.spans, reads):
        after = before.then(read)
        if after is None:
            return Field(
                unknown=f"the units' fields repeat only every more than {MOST_PERIOD:,} units", source=field.source
            )
        made.append(after)

    def steps() -> tuple[str, ...]:
        from .shapes import dim_names

        kernels = reach.kernel or (0,) * len(reads)
        lines = map(_step, dim_names(len(reads)), field.spans, reads, made, kernels)
        return (*reach.why, *lines)

    return Field(tuple(made), extent=field.extent, source=field.source, misaligned=field.misaligned, steps=steps)


def _step(dim: str, before: Spans, read: Reads, after: Spans, k: int) -> str:
    """The --explain line of one dim: the paper's recurrence with its numbers, or the units' spans."""
    if before.period == 1 and read.period == 1 and k:
        r, big_s, big_p, s, p = before.sizes[0], before.step, -before.first[0], read.step, -read.first[0]
        return (
            f"RF {dim}: size {r} + ({k}-1)*{big_s} = {r + (k - 1) * big_s}, stride {big_s}*{s} = {after.step}, "
            f"padding {big_p} + {p}*{big_s} = {-after.first[0]}"
        )
    shown = ", ".join(f"unit {u} sees {a}..{b}" for u, (a, b) in enumerate(zip(after.first, after.last)) if u < 4)
    more = ", ..." if after.period > 4 else ""
    more += f" (repeating every {after.period} units, {after.step} on)"
    if after.period == 1:
        return f"RF {dim}: {shown}; size {after.sizes[0]}, stride {after.step}, padding {-after.first[0]}"
    return f"RF {dim}: {shown}{more}; size up to {max(after.sizes)}, stride {_fraction(after.step, after.period)}"


def merged(fields: list[Field]) -> Field:
    """The field at a merge of several paths: per dim, the span of every path's field (the paper keeps
    the largest: for aligned paths, the same); misaligned when the paths' strides or centres differ
    (or they come from different inputs), and then, where the strides differ, the largest path's."""
    if len(fields) == 1:
        return fields[0]
    for field in fields:
        if field.unknown is not None:
            return field
    if any(field.whole for field in fields):
        whole = next(field for field in fields if field.whole)
        return Field(whole=True, source=whole.source, extent=whole.extent)
    ranks = {len(field.spans) for field in fields}
    if len(ranks) > 1:
        return Field(unknown="the merged inputs have different spatial dims", source=fields[0].source)
    first = fields[0]
    misaligned = any(field.misaligned or field.source != first.source for field in fields)
    made = []
    for dim in range(len(first.spans)):
        paths = [field.spans[dim] for field in fields]
        head = paths[0]
        if any(spans.step * head.period != head.step * spans.period for spans in paths[1:]):
            misaligned = True  # strides differ: the paper's rule, the largest path
            made.append(max(paths, key=lambda spans: max(spans.sizes)))
            continue
        union = _union(paths)
        if union is None:
            return Field(unknown=f"the merged fields repeat only every more than {MOST_PERIOD:,} units")
        misaligned = misaligned or not _centred(paths)
        made.append(union)

    def steps() -> tuple[str, ...]:
        from .shapes import dim_names

        return tuple(
            f"RF {dim}: by its {len(paths)} paths, unit 0 sees "
            f"{' and '.join(f'{p.first[0]}..{p.last[0]}' for p in paths)}: "
            f"{spans.first[0]}..{spans.last[0]}, size {max(spans.sizes)}"
            for dim, spans, paths in zip(dim_names(len(made)), made, zip(*(field.spans for field in fields)))
        )

    return Field(tuple(made), extent=first.extent, source=first.source, misaligned=misaligned, steps=steps)


def _union(paths: list[Spans]) -> Spans | None:
    """Per unit, from the earliest first position of the paths (which have one stride) to the
    latest last one (None when the pattern is longer than MOST_PERIOD)."""
    if all(spans.period == 1 for spans in paths):
        return Spans(1, paths[0].step, (min(s.first[0] for s in paths),), (max(s.last[0] for s in paths),))
    from math import lcm

    period = lcm(*(spans.period for spans in paths))
    if period > MOST_PERIOD:
        return None
    reads = [[spans.at(u) for spans in paths] for u in range(period)]
    return _shortest(
        period,
        paths[0].step * period // paths[0].period,
        [min(a for a, _ in unit) for unit in reads],
        [max(b for _, b in unit) for unit in reads],
    )


def _centred(paths: list[Spans]) -> bool:
    """Whether every path's unit fields have the same centre, unit by unit."""
    if all(spans.period == 1 for spans in paths):
        return len({spans.first[0] + spans.last[0] for spans in paths}) == 1
    from math import lcm

    for unit in range(lcm(*(spans.period for spans in paths))):
        if len({sum(spans.at(unit)) for spans in paths}) > 1:
            return False
    return True


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
            return Field(unknown="reads a layer that is left out")
    if len(read) == 1:  # the same field, without the steps the layer before took
        field = read[0] if not read[0]._steps else read[0].but(steps=())
    else:
        field = merged(read)
    return through(field, node.layer.reach(row.input_shapes))


__all__ = ["Field", "Spans", "fields", "merged", "start", "through"]
