"""cnncount: exact parameter counts of convolutional networks, tied and untied biases side by side.

The library API::

    import cnncount
    report = cnncount.count("vgg16")              # a bundled spec, a file path, YAML text or a dict
    report.totals.params                           # 138357544
    report.totals.params_untied                    # every layer that can be untied, untied
    [(row.qualified_name, row.output_shape, row.counts.params) for row in report.layers]
    cnncount.to_json(report)                       # the CLI's JSON document
    cnncount.to_dict(report)                       # the same, as Python values

Errors in what is counted raise :class:`cnncount.CnnCountError` (``SpecError`` for
what is written wrong, ``ShapeError`` for what does not fit), whose message says
where and what.
"""

from __future__ import annotations

import os
from os import PathLike
from typing import TYPE_CHECKING, Any

from .errors import CnnCountError, ShapeError, SpecError, quote

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .counts import Counts
    from .model import Group, Output, Report, Row
    from .receptive import Field

__version__ = "0.3.0"
__all__ = [
    "CnnCountError",
    "Counts",
    "Group",
    "Output",
    "Report",
    "Row",
    "ShapeError",
    "SpecError",
    "__version__",
    "count",
    "receptive_fields",
    "to_dict",
    "to_json",
]

#: The record classes, imported when first asked for (``import cnncount`` stays cheap).
_LAZY = {"Counts": "counts", "Group": "model", "Output": "model", "Report": "model", "Row": "model"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'cnncount' has no attribute {name!r}")


def count(
    spec: str | PathLike[str] | dict[str, Any],
    *,
    input_shape: tuple[int, ...] | str | None = None,
    bias: str | None = None,
    args: Mapping[str, Any] | None = None,
) -> Report:
    """Count a network: a spec file's path, a bundled spec's name, YAML text, a dict, an ONNX
    model's path (``model.onnx``, with the onnx package installed: ``pip install 'cnncount[onnx]'``)
    or a Keras model's JSON file (``model.json``, as ``model.to_json()`` writes it).

    ``input_shape`` (``(3, 299, 299)`` or ``"3x299x299"``) replaces the spec's
    input; ``bias`` (``tied``, ``untied`` or ``none``) every layer's layout; ``args``
    gives some of the spec's arguments their values, as ``--set`` does
    (``{"depth": 101}``; ``{"variant": "resnet18"}`` chooses a family's variant).
    """
    # Imported here so that `import cnncount` (and the CLI's start-up) stays cheap.
    from .counts import BIAS_LAYOUTS
    from .model import count as count_arch
    from .shapes import check_shape, parse_shape
    from .spec import from_dict, from_source, from_yaml

    if bias is not None and bias not in BIAS_LAYOUTS:
        raise SpecError(f"bias: expected one of {', '.join(BIAS_LAYOUTS)}, got {quote(bias)}")
    if isinstance(input_shape, str):
        input_shape = parse_shape(input_shape)
    elif input_shape is not None:
        if not isinstance(input_shape, (tuple, list)):
            raise SpecError(f"input_shape: expected a shape such as (3, 224, 224), got {quote(input_shape)}")
        input_shape = check_shape(tuple(input_shape), input_shape)
    if isinstance(spec, dict):
        return count_arch(from_dict(spec, "<dict>", input_shape=input_shape, bias=bias, sets=args))
    text = str(spec)
    # YAML text, not a name: it spans lines, or is a flow mapping, or a key: value
    # line that names no file.
    looks_like_yaml = "\n" in text or text.lstrip().startswith("{") or (": " in text and not os.path.exists(text))
    if not isinstance(spec, PathLike) and looks_like_yaml:
        return count_arch(from_yaml(text, "<string>", input_shape=input_shape, bias=bias, sets=args))
    return count_arch(from_source(text, input_shape=input_shape, bias=bias, sets=args))


def to_json(report: Report, *, dtype: str = "float32", batch: int = 1) -> str:
    """The JSON document the CLI prints for a report (``--format json``), pretty-printed."""
    from .memory import Memory
    from .render.as_json import render

    return render(report, Memory(dtype, batch))


def to_dict(report: Report, *, dtype: str = "float32", batch: int = 1) -> dict[str, Any]:
    """The JSON document of a report as Python values (lists, dicts, ints, strings)."""
    import json

    return json.loads(to_json(report, dtype=dtype, batch=batch))  # type: ignore[no-any-return]


def receptive_fields(report: Report) -> list[Field]:
    """The receptive field of every row of a report, in row order: ``size``, ``stride`` and
    ``padding`` per spatial dim, ``whole``, ``unknown``, ``misaligned`` (what ``--rf`` shows)."""
    from .receptive import fields

    return fields(report)
