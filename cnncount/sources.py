"""Where spec text comes from: a file, standard input, or a spec bundled with cnncount."""

from __future__ import annotations

import errno
import os
import re
import stat
import sys
from typing import TYPE_CHECKING

from .errors import SpecError, did_you_mean
from .limits import MAX_FILE_BYTES, MAX_MODEL_BYTES

#: Bundled specs: inside the installed package (the wheel puts them there), or the
#: top-level specs/ folder of a source checkout.
_HERE = os.path.dirname(os.path.abspath(__file__))
_PACKAGED = os.path.join(_HERE, "specs")
_CHECKOUT = os.path.join(os.path.dirname(_HERE), "specs")

if TYPE_CHECKING:
    from pathlib import Path


def _folder() -> str:
    """The folder holding the bundled specs, as text: pathlib (and the urllib it imports) would
    cost every count by name 2.6 ms of start-up."""
    return _PACKAGED if os.path.isdir(_PACKAGED) else _CHECKOUT


def bundled_dir() -> Path:
    """The folder holding the bundled specs."""
    from pathlib import Path

    return Path(_folder())


def bundled_names() -> list[str]:
    """Names of the bundled architectures, sorted: a spec file's name (without .yaml) or
    a variant of a family file (``resnet50`` of ``resnet.yaml``)."""
    return sorted(_bundled())


def bundled_families() -> list[str]:
    """Names of the bundled family files (``resnet``): one file, its variants by name."""
    return sorted({stem for stem, variant in _bundled().values() if variant is not None})


def bundled_variant(name: str) -> tuple[str, str | None]:
    """The family file and variant of a bundled name (``("resnet", "resnet50")``), or the
    name itself and None for a spec that is not a variant."""
    return _bundled().get(name, (name, None))


def read_bundled(name: str) -> str:
    """The YAML text of a bundled spec or family file, as shipped; of a variant, its family's
    text with the variant chosen, so that the text counts what the name does."""
    stem, variant = _file_and_variant(name) or (name, None)
    with open(os.path.join(_folder(), f"{stem}.yaml"), "rb") as stream:
        text = _decode(stream.read(), name)
    if variant is None:
        return text
    return _VARIANT_LINE.sub(lambda _: f"variant: {variant}", text, count=1)


def read_parsed(spec: str) -> tuple[bytes, str, str | None] | None:
    """The pre-parsed form of a bundled spec (``specs/parsed/NAME.json``, see spec.parsed_doc), the
    name its errors go under (``resnet.yaml``) and the variant to choose; None where SPEC is no
    bundled name here (a file of that name in this folder is read instead, as read_spec does)."""
    found = None if "/" in spec or os.path.isfile(spec) else _file_and_variant(spec)
    if found is None:
        return None
    stem, variant = found
    try:
        with open(os.path.join(_folder(), "parsed", f"{stem}.json"), "rb") as stream:
            data = stream.read()
    except OSError:  # not built: the YAML is read
        return None
    return data, f"{stem}.yaml", variant


def _bundled() -> dict[str, tuple[str, str | None]]:
    """Every bundled name: its file's stem and its variant (None for a spec that is not one),
    from specs/parsed/names.json, or found in the YAML files where it is not built."""
    if not _NAMES:
        try:
            with open(os.path.join(_folder(), "parsed", "names.json"), "rb") as stream:
                import json

                _NAMES.update((name, (stem, variant)) for name, (stem, variant) in json.loads(stream.read()).items())
        except OSError:
            _NAMES.update(scan_names())
    return _NAMES


def scan_names() -> dict[str, tuple[str, str | None]]:
    """Every bundled name, found in the YAML files themselves (what names.json holds)."""
    folder = _folder()
    found: dict[str, tuple[str, str | None]] = {}
    names = sorted(name for name in os.listdir(folder) if name.endswith(".yaml")) if os.path.isdir(folder) else []
    for file_name in names:
        stem = file_name[: -len(".yaml")]
        with open(os.path.join(folder, file_name), encoding="utf-8") as stream:
            variants = _variants_of(stream.read())
        for variant in variants:
            found[variant] = (stem, variant)
        if not variants:
            found[stem] = (stem, None)
    return found


_NAMES: dict[str, tuple[str, str | None]] = {}


def _variants_of(text: str) -> list[str]:
    """The variants a bundled family file names, found without parsing its YAML (the start-up
    of ``cnncount count resnet50`` would pay for every family): the bundled files write
    ``variants:`` at the top level with one ``  name: {...}`` line each, and a ``variant:``
    line for the one the file counts (tests hold both to what YAML reads)."""
    block = _VARIANTS_BLOCK.search(text)
    return _VARIANT_NAME.findall(block.group(1)) if block else []


_VARIANTS_BLOCK = re.compile(r"^variants:[ \t]*(?:#.*)?\n((?:[ \t#].*\n|\n)*)", re.MULTILINE)
_VARIANT_NAME = re.compile(r"^  ([A-Za-z0-9_.-]+):", re.MULTILINE)
_VARIANT_LINE = re.compile(r"^variant:.*$", re.MULTILINE)


def read_spec(spec: str) -> tuple[str, str]:
    """The text of a spec and the name to report its errors under.

    ``spec`` is ``-`` (standard input), a file path, or a bundled spec's name.
    """
    if spec == "-":
        stdin = sys.stdin.buffer if sys.stdin is not None else None
        if stdin is None:  # started with stdin closed (<&-)
            raise SpecError("standard input is closed; expected a YAML spec", where="<stdin>")
        try:  # left non-blocking by whoever started us, a read would stop short
            os.set_blocking(stdin.fileno(), True)
        except (OSError, ValueError):  # no file descriptor: a buffer, in tests and notebooks
            pass
        try:
            data = stdin.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise SpecError(f"cannot read: {_reason(exc)}", where="<stdin>") from None
        _check_size(len(data), "<stdin>")
        if not data.strip():
            raise SpecError("standard input is empty; expected a YAML spec", where="<stdin>")
        return _decode(data, "<stdin>"), "<stdin>"
    if not spec.strip():
        raise SpecError("an empty name: expected a file, - or a bundled spec's name")
    if "/" not in spec and _is_bundled(spec) and not os.path.isfile(spec):
        # A bare name is a bundled spec unless a file of that name is here (a folder is not).
        return read_bundled(spec), f"{bundled_variant(spec)[0]}.yaml"
    try:
        data = _read_file(spec)
    except FileNotFoundError:
        stem = os.path.basename(spec).removesuffix(".yaml").removesuffix(".yml")
        if "/" in spec or stem != spec:  # written as a path
            hint = did_you_mean(stem, bundled_names())
            raise SpecError(f"no such file{hint.replace('(did', '(a bundled spec: did')}", where=spec) from None
        hint = did_you_mean(stem, bundled_names()) or " (run 'cnncount specs' for the bundled ones)"
        raise SpecError(f"no such file or bundled spec{hint}", where=spec) from None
    except IsADirectoryError:
        raise SpecError("is a directory, not a spec file", where=spec) from None
    except OSError as exc:
        raise SpecError(f"cannot read: {_reason(exc)}", where=spec) from None
    _check_size(len(data), spec)
    return _decode(data, spec), spec


def _is_bundled(name: str) -> bool:
    return _file_and_variant(name) is not None


def _file_and_variant(name: str) -> tuple[str, str | None] | None:
    """The bundled file a name is read from and the variant it chooses (None for a file of its
    own), or None for a name that is not bundled."""
    return (name, None) if _is_file(name) else _bundled().get(name)


def _is_file(stem: str) -> bool:
    """Whether ``stem`` is a bundled file's name (a spec or a family), without reading any."""
    if not (0 < len(stem) <= 100 and stem.isprintable()) or "/" in stem or stem.startswith("."):
        return False
    try:
        return os.path.isfile(os.path.join(_folder(), f"{stem}.yaml"))
    except (OSError, ValueError):  # a name the system refuses is no bundled file's
        return False


def read_binary(path: str) -> bytes:
    """The bytes of a model file, read as spec files are (never waiting on a FIFO nobody writes),
    up to MAX_MODEL_BYTES: a model's weights make it large."""
    try:
        data = _read_file(path, MAX_MODEL_BYTES)
    except FileNotFoundError:
        raise SpecError("no such file", where=path) from None
    except IsADirectoryError:
        raise SpecError("is a directory, not a model file", where=path) from None
    except OSError as exc:
        raise SpecError(f"cannot read: {_reason(exc)}", where=path) from None
    if len(data) > MAX_MODEL_BYTES:
        raise SpecError(f"larger than {MAX_MODEL_BYTES // 2**30} GiB, the most an ONNX file holds", where=path)
    if not data:
        raise SpecError("is empty; expected an ONNX model", where=path)
    return data


def _read_file(path: str, most: int = MAX_FILE_BYTES) -> bytes:
    """The first ``most`` + 1 bytes of a regular file or a pipe, never waiting on nothing.

    Opened without blocking, so that a FIFO nobody writes to is refused instead of
    waited on for ever; a pipe with a writer (``<(make-spec)``) is then read as usual.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "a directory, not a spec file")
        first = b""
        if stat.S_ISFIFO(mode):
            try:
                first = os.read(fd, 65536)
            except BlockingIOError:  # a writer is there, still writing
                pass
            else:
                if not first:
                    raise OSError(errno.EPIPE, "a FIFO nothing writes to; expected a YAML spec")
        elif not stat.S_ISREG(mode):
            raise OSError(errno.EINVAL, "not a regular file (a device or a socket); expected a YAML spec")
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as stream:
            return first + stream.read(most + 1 - len(first))
    finally:
        os.close(fd)


#: What an error opening or reading a file says, by errno, where the system's words say less.
_REASONS = {
    errno.ELOOP: "a loop of symbolic links",
    errno.ENAMETOOLONG: "the file name is too long",
    errno.EACCES: "permission denied",
    errno.ENOTDIR: "a part of the path is not a folder",
}


def _reason(exc: OSError) -> str:
    return _REASONS.get(exc.errno or 0) or exc.strerror or str(exc)


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
