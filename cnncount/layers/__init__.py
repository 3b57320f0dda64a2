"""The registry of layer kinds.

Each kind lives in a small module of its family and is imported only when it is
first needed, so that counting a conv layer does not pay for the whole zoo.
Adding a kind is one class in its family's module and one entry here.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from ..errors import SpecError, did_you_mean, quote

if TYPE_CHECKING:
    from .base import Layer

#: type name -> "module:Class", in the order ``--help`` lists them.
REGISTRY: dict[str, str] = {
    "conv": "conv:Conv",
    "deconv": "conv:Deconv",
    "depthwise": "conv:Depthwise",
    "separable": "conv:Separable",
    "local": "local:Local",
    "maxpool": "pool:MaxPool",
    "avgpool": "pool:AvgPool",
    "adaptiveavgpool": "pool:AdaptiveAvgPool",
    "adaptivemaxpool": "pool:AdaptiveMaxPool",
    "globalavgpool": "pool:GlobalAvgPool",
    "globalmaxpool": "pool:GlobalMaxPool",
    "flatten": "reshape:Flatten",
    "reshape": "reshape:Reshape",
    "upsample": "resize:Upsample",
    "zeropad": "resize:ZeroPad",
    "crop": "resize:Crop",
    "dense": "dense:Dense",
    "embedding": "embedding:Embedding",
    "batchnorm": "norm:BatchNorm",
    "layernorm": "norm:LayerNorm",
    "groupnorm": "norm:GroupNorm",
    "instancenorm": "norm:InstanceNorm",
    "lrn": "norm:LRN",
    "normalize": "norm:Normalize",
    "dropout": "elementwise:Dropout",
    "droppath": "elementwise:DropPath",
    "activation": "elementwise:Activation",
    "prelu": "elementwise:PReLU",
    "scale": "elementwise:Scale",
    "add": "merge:Add",
    "multiply": "merge:Multiply",
    "concat": "merge:Concat",
    "split": "merge:Split",
    "shuffle": "merge:Shuffle",
}


_CLASSES: dict[str, type[Layer]] = {}


def kind_names() -> tuple[str, ...]:
    """Every layer type name, in registry order."""
    return tuple(REGISTRY)


def layer_class(kind: object, also: tuple[str, ...] = ()) -> type[Layer]:
    """The class of a layer kind; SpecError with a suggestion for an unknown one.

    ``also`` names other types the caller accepts (blocks), for the suggestion.
    """
    found = _CLASSES.get(kind) if isinstance(kind, str) else None
    if found is not None:
        return found
    target = REGISTRY.get(kind) if isinstance(kind, str) else None
    if target is None:
        raise SpecError(unknown_kind(kind, also), key="type")
    module, _, name = target.partition(":")
    found = _CLASSES[kind] = getattr(import_module(f"{__name__}.{module}"), name)  # type: ignore[index]
    return found


def unknown_kind(kind: object, blocks: tuple[str, ...] = ()) -> str:
    known = [*REGISTRY, *blocks]
    if not isinstance(kind, str):
        return f"type must be a word such as conv or dense, got {quote(kind)}"
    hint = did_you_mean(kind, known) or f" (known: {', '.join(known)})"
    return f"unknown layer type {quote(kind)}{hint}"
