"""Where spec text comes from: a file, standard input, or a spec bundled with cnncount."""

from __future__ import annotations

import sys
from pathlib import Path

from .errors import SpecError, did_you_mean
from .limits import MAX_FILE_BYTES

#: Bundled specs: inside the installed package (the wheel puts them there), or the
#: top-level specs/ folder of a source checkout.
_PACKAGED = Path(__file__).parent / "specs"
_CHECKOUT = Path(__file__).parent.parent / "specs"


def bundled_dir() -> Path:
    """The folder holding the bundled specs."""
    return _PACKAGED if _PACKAGED.is_dir() else _CHECKOUT


def bundled_names() -> list[str]:
    """Names of the bundled specs (file names without .yaml), sorted."""
    folder = bundled_dir()
    return sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []


def read_bundled(name: str) -> str:
    """The YAML text of a bundled spec, as shipped."""
    return _decode((bundled_dir() / f"{name}.yaml").read_bytes(), name)


def read_spec(spec: str) -> tuple[str, str]:
    """The text of a spec and the name to report its errors under.

    ``spec`` is ``-`` (standard input), a file path, or a bundled spec's name.
    """
    if spec == "-":
        data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
        _check_size(len(data), "<stdin>")
        if not data.strip():
            raise SpecError("standard input is empty; expected a YAML spec", where="<stdin>")
        return _decode(data, "<stdin>"), "<stdin>"
    if not spec.strip():
        raise SpecError("an empty name: expected a file, - or a bundled spec's name")
    path = Path(spec)
    bundled = bundled_dir() / f"{spec}.yaml"
    # A bare name is a bundled spec unless a file of that name is here (a folder is not).
    if "/" not in spec and bundled.is_file() and not path.is_file():
        return read_bundled(spec), f"{spec}.yaml"
    if not path.exists():
        stem = path.name.removesuffix(".yaml").removesuffix(".yml")
        if "/" in spec or stem != spec:  # written as a path
            hint = did_you_mean(stem, bundled_names())
            raise SpecError(f"no such file{hint.replace('(did', '(a bundled spec: did')}", where=spec)
        hint = did_you_mean(stem, bundled_names()) or " (run 'cnncount specs' for the bundled ones)"
        raise SpecError(f"no such file or bundled spec{hint}", where=spec)
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except IsADirectoryError:
        raise SpecError("is a directory, not a spec file", where=spec) from None
    except OSError as exc:
        raise SpecError(f"cannot read: {exc.strerror or exc}", where=spec) from None
    _check_size(len(data), spec)
    return _decode(data, spec), spec


def _check_size(size: int, source: str) -> None:
    if size > MAX_FILE_BYTES:
        raise SpecError(
            f"larger than {MAX_FILE_BYTES // 2**20} MiB; cnncount reads spec files up to that size", where=source
        )


def _decode(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpecError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); is it a YAML file?", where=source
        ) from None
