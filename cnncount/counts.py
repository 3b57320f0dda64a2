"""The numbers cnncount reports for a layer, a block or a whole network."""

from __future__ import annotations

from typing import NamedTuple

#: The bias layouts a layer can use.
BIAS_LAYOUTS = ("tied", "untied", "none")

#: Bytes of one value in each number format memory is counted in (--dtype).
DTYPE_BYTES = {"float32": 4, "float16": 2, "bfloat16": 2, "int8": 1, "float64": 8}


class Counts(NamedTuple):
    """Exact parameter and compute counts; they add with ``+`` so totals are sums.

    ``params`` counts each layer's biases in the layout it uses; ``params_tied``
    and ``params_untied`` count the same network as if every layer used that
    layout (a layer with ``bias: none`` stays without biases in all three).
    """

    weights: int = 0
    tied_biases: int = 0
    untied_biases: int = 0
    params: int = 0
    params_tied: int = 0
    params_untied: int = 0
    non_trainable: int = 0
    macs: int = 0

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
        return cls(
            weights=weights,
            tied_biases=tied,
            untied_biases=untied,
            params=weights + chosen,
            params_tied=weights + tied,
            params_untied=weights + untied,
            non_trainable=non_trainable,
            macs=macs,
        )

    def __add__(self, other: Counts) -> Counts:  # type: ignore[override]
        if not isinstance(other, Counts):
            return NotImplemented
        # Spelt out: this runs once per layer and is the walker's hot path.
        return Counts(
            self.weights + other.weights,
            self.tied_biases + other.tied_biases,
            self.untied_biases + other.untied_biases,
            self.params + other.params,
            self.params_tied + other.params_tied,
            self.params_untied + other.params_untied,
            self.non_trainable + other.non_trainable,
            self.macs + other.macs,
        )

    def __sub__(self, other: Counts) -> Counts:
        if not isinstance(other, Counts):
            return NotImplemented
        return Counts(*(getattr(self, f) - getattr(other, f) for f in COUNT_FIELDS))

    def as_dict(self) -> dict[str, int]:
        return self._asdict()


COUNT_FIELDS: tuple[str, ...] = Counts._fields
