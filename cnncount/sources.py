"""Where spec text comes from: a file, standard input, or a spec bundled with cnncount."""

from __future__ import annotations

import errno
import os
import stat
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
    if "/" not in spec and spec in bundled_names() and not os.path.isfile(spec):
        # A bare name is a bundled spec unless a file of that name is here (a folder is not).
        return read_bundled(spec), f"{spec}.yaml"
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


def _read_file(path: str) -> bytes:
    """The first MAX_FILE_BYTES + 1 bytes of a regular file or a pipe, never waiting on nothing.

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
            return first + stream.read(MAX_FILE_BYTES + 1 - len(first))
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
