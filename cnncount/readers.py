"""Which reader a file is for: a model another framework wrote, or a cnncount spec.

cli.py and the library's ``count`` ask :func:`read_model` first; a file it does not claim is a
YAML spec (cnncount.sources reads it).
"""

from __future__ import annotations

from typing import Any


def read_model(spec: str, passing: list[str] | None = None) -> tuple[dict[str, Any], str] | None:
    """The spec of a model another framework wrote, and the name its errors go under: an ONNX
    file (``.onnx``), or a Keras model's JSON (a ``.json`` file with a ``class_name`` and a
    ``config`` at the top); None for anything else, a YAML spec (JSON is YAML too). With
    ``passing``, what cnncount has no kind for passes through (see from_onnx.spec_of), said there."""
    lower = spec.lower()
    if lower.endswith(".onnx"):
        from .from_onnx import read_onnx

        return read_onnx(spec, passing)[0], spec
    if lower.endswith(".json"):
        import json

        from .sources import read_spec

        text, source = read_spec(spec)
        try:
            doc = json.loads(text)
        except ValueError:
            return None  # not JSON: YAML's reader says what is wrong
        if isinstance(doc, dict) and "class_name" in doc and isinstance(doc.get("config"), dict):
            from .from_keras import spec_of

            return spec_of(text, source, passing)[0], source
    return None


__all__ = ["read_model"]
