"""The numbers cnncount reports for a layer, a block or a whole network."""

from __future__ import annotations

from operator import itemgetter

#: The bias layouts a layer can use.
BIAS_LAYOUTS = ("tied", "untied", "none")

#: Bytes of one value in each number format memory is counted in (--dtype).
DTYPE_BYTES = {"float32": 4, "float16": 2, "bfloat16": 2, "int8": 1, "float64": 8}

#: The fields of :class:`Counts`, in order.
COUNT_FIELDS: tuple[str, ...] = (
    "weights",
    "tied_biases",
    "untied_biases",
    "params",
    "params_tied",
    "params_untied",
    "non_trainable",
    "macs",
)


class Counts(tuple):  # type: ignore[type-arg]
    """Exact parameter and compute counts; they add with ``+`` so totals are sums.

    ``params`` counts each layer's biases in the layout it uses; ``params_tied``
    and ``params_untied`` count the same network as if every layer used that
    layout (a layer with ``bias: none`` stays without biases in all three).

    A tuple of ints with a name for each field, written out rather than made by
    ``typing.NamedTuple``, whose class creation costs start-up time.
    """

    __slots__ = ()

    weights = property(itemgetter(0), doc="weights (kernels, gammas, slopes, embedding vectors)")
    tied_biases = property(itemgetter(1), doc="biases, one per output channel")
    untied_biases = property(itemgetter(2), doc="biases, one per output channel per position")
    params = property(itemgetter(3), doc="weights plus the biases of each layer's own layout")
    params_tied = property(itemgetter(4), doc="weights plus every layer's tied biases")
    params_untied = property(itemgetter(5), doc="weights plus every layer's untied biases")
    non_trainable = property(itemgetter(6), doc="running statistics")
    macs = property(itemgetter(7), doc="multiply-accumulates")

    def __new__(
        cls,
        weights: int = 0,
        tied_biases: int = 0,
        untied_biases: int = 0,
        params: int = 0,
        params_tied: int = 0,
        params_untied: int = 0,
        non_trainable: int = 0,
        macs: int = 0,
    ) -> Counts:
        return tuple.__new__(
            cls, (weights, tied_biases, untied_biases, params, params_tied, params_untied, non_trainable, macs)
        )

    @classmethod
    def of(
        cls,
        weights: int = 0,
        tied: int = 0,
        untied: int = 0,
        *,
        layout: str = "tied",
        non_trainable: int = 0,
        macs: int = 0,
    ) -> Counts:
        """Counts of one layer whose biases (if any) use ``layout``."""
        if layout == "none":
            tied = untied = 0
        chosen = untied if layout == "untied" else tied
        return tuple.__new__(
            cls, (weights, tied, untied, weights + chosen, weights + tied, weights + untied, non_trainable, macs)
        )

    def __add__(self, other: object) -> Counts:  # type: ignore[override]
        if not isinstance(other, Counts):
            return NotImplemented
        # Spelt out: this runs once per layer and is the walker's hot path.
        a, b = self, other
        return tuple.__new__(
            Counts,
            (
                a[0] + b[0],
                a[1] + b[1],
                a[2] + b[2],
                a[3] + b[3],
                a[4] + b[4],
                a[5] + b[5],
                a[6] + b[6],
                a[7] + b[7],
            ),
        )

    def __sub__(self, other: object) -> Counts:
        if not isinstance(other, Counts):
            return NotImplemented
        return tuple.__new__(Counts, tuple(x - y for x, y in zip(self, other)))

    def replace(self, **changes: int) -> Counts:
        """A copy with some fields changed: ``counts.replace(macs=0)``."""
        values = dict(zip(COUNT_FIELDS, self))
        values.update(changes)
        return Counts(**values)

    def as_dict(self) -> dict[str, int]:
        return dict(zip(COUNT_FIELDS, self))

    def __repr__(self) -> str:
        return "Counts(" + ", ".join(f"{field}={value}" for field, value in zip(COUNT_FIELDS, self)) + ")"
