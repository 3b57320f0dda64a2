"""Hostile inputs, by class, and the contract every one of them must keep.

The contract (README, "Errors"): exit status 0, or 2 for a mistake in the input
(1 when the output cannot be written); on an error one line on stderr and
nothing on stdout; never a traceback; no escape code from the user's text on
the terminal.  ``tests/test_hostile.py`` checks it for every case;
``benchmarks/hostile.py`` runs them all again and measures each one's time and
memory against the limits the README gives (2 s, 500 MB).

Each case runs ``python -m cnncount`` in a folder of its own, in a fresh process,
so that what is measured is what a user waits for.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

#: The checkout under test, put first on the children's path.
ROOT = str(Path(__file__).resolve().parent.parent)
#: How long a case may run before it counts as a hang (a guard, not a measurement).
HANG = 60.0
#: Address space a case may take: far above the 500 MB of resident memory it is held to.
ADDRESS_SPACE = 2 * 1024**3
#: What the README promises for any input.
MOST_SECONDS = 2.0
MOST_MB = 500


@dataclass(frozen=True)
class Case:
    """One hostile input: the command line, the files it reads, how its streams are set up."""

    cls: str
    id: str
    args: tuple[str, ...]
    status: int = 2
    message: str = ""
    #: The files the case reads: their text, or a function making it (a big one is made only
    #: when the case runs, so that the runner stays small: see :func:`run`).
    files: dict[str, str | bytes | Callable[[], str]] = field(default_factory=dict)
    stdin: bytes | None = b""  # None: stdin closed
    stdout: str = "pipe"  # pipe, full (/dev/full), closed
    stderr: str = "pipe"
    fifos: tuple[str, ...] = ()
    links: tuple[tuple[str, str], ...] = ()  # (name, target): symbolic links
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class Outcome:
    status: int
    out: bytes
    err: bytes
    seconds: float
    max_rss_mb: float


def run(case: Case, folder: Path) -> Outcome:
    """Run a case in ``folder`` and say what it did, with its wall time and peak memory.

    The peak memory is the child's ``ru_maxrss``, which on Linux starts from the size of
    the process it was forked from: a small runner (benchmarks/hostile.py, whose big
    inputs are made and freed case by case) keeps that floor below cnncount's own size.
    """
    for name, content in case.files.items():
        if callable(content):
            content = content()
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
    for name in case.fifos:
        os.mkfifo(folder / name)
    for name, target in case.links:
        (folder / name).symlink_to(target)
    out_path, err_path = folder / ".stdout", folder / ".stderr"
    env = {key: value for key, value in os.environ.items() if key != "COLUMNS"}
    env.update(PYTHONPATH=ROOT, **case.env)

    def child() -> None:  # in the child, before cnncount starts
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))
        for fd, how in ((1, case.stdout), (2, case.stderr)):
            if how == "closed":
                os.close(fd)
            elif how == "full":
                os.dup2(os.open("/dev/full", os.O_WRONLY), fd)
        if case.stdin is None:
            os.close(0)

    with out_path.open("wb") as out, err_path.open("wb") as err:
        start = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "cnncount", *case.args],
            cwd=folder,
            env=env,
            stdin=subprocess.PIPE if case.stdin is not None else subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            preexec_fn=child,  # noqa: PLW1509 - no threads here
        )
        if case.stdin is not None:
            try:
                process.stdin.write(case.stdin)  # type: ignore[union-attr]
                process.stdin.close()  # type: ignore[union-attr]
            except BrokenPipeError:
                pass
        deadline = start + HANG
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                process.kill()
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.005)
        seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return Outcome(process.returncode, out_path.read_bytes(), err_path.read_bytes(), seconds, usage.ru_maxrss / 1024)


def breaks(case: Case, outcome: Outcome) -> list[str]:
    """How an outcome breaks the contract (nothing: it keeps it)."""
    problems = []
    err = outcome.err.decode("utf-8", "replace")
    if outcome.seconds >= HANG:
        problems.append("hung")
    if outcome.status != case.status:
        problems.append(f"exit status {outcome.status}, expected {case.status}")
    if "Traceback" in err or "Exception ignored" in err:
        problems.append("a traceback")
    if outcome.status != 0:
        if case.stdout == "pipe" and outcome.out:
            problems.append("something on stdout")
        if case.stderr == "pipe" and (not err.endswith("\n") or err.count("\n") != 1):
            problems.append(f"{err.count(chr(10))} lines on stderr")
    for stream, data in (("stdout", outcome.out), ("stderr", outcome.err)):
        text = data.decode("utf-8", "replace")
        if any(not char.isprintable() and char != "\n" for char in text):  # C0, C1, bidi overrides ...
            problems.append(f"an unprintable character on {stream}")
    if case.message and case.message not in err:
        problems.append(f"no {case.message!r} in the message")
    return problems


# --- the inputs ---------------------------------------------------------------------------------


def _bomb(levels: int = 8, mapping: bool = False) -> str:
    """Anchors of ten aliases of ten aliases ...: 10**levels values written in 600 bytes."""
    if mapping:
        lines = ["x-0: &b0 {a: 1, b: 2}"]
        lines += [f"x-{i}: &b{i} {{{', '.join(f'k{j}: *b{i - 1}' for j in range(10))}}}" for i in range(1, levels + 1)]
    else:
        lines = ["x-0: &b0 [x, x, x, x, x, x, x, x, x, x]"]
        lines += [f"x-{i}: &b{i} [{', '.join([f'*b{i - 1}'] * 10)}]" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def _nested(leaves: int, depth: int, tail: str = "layers: *l{last}") -> str:
    """``leaves`` layers inside blocks nested ``depth`` deep, written once each through aliases."""
    lines = ["input: 3x8x8", "x-l0: &l0 [" + ", ".join(["{type: activation}"] * leaves) + "]"]
    lines += [f"x-l{i}: &l{i} [{{type: block, layers: *l{i - 1}}}]" for i in range(1, depth)]
    return "\n".join(lines) + "\n" + tail.format(last=depth - 1) + "\n"


ONE = "input: 3x8x8\nlayers: [{type: activation}]\n"
ESC_TITLE = "\x1b]0;pwned\x07"
ESC_CLEAR = "\x1b[2J"


def _count(text: str | Callable[[], str], *extra: str, **kw: object) -> dict[str, object]:
    return {"args": ("count", "net.yaml", *extra), "files": {"net.yaml": text}, **kw}


def cases() -> list[Case]:
    """Every hostile input, by class (the classes of the issue that found them)."""
    out: list[Case] = []

    def add(cls: str, id: str, **kw: object) -> None:
        out.append(Case(cls, id, **kw))  # type: ignore[arg-type]

    # 1. work beyond the limits: bombs, empty blocks repeated, depth x leaves, line breaks, FIFOs
    for key, tail in [
        ("bias", "input: 3x8x8\nbias: *b8\nlayers: [{type: activation}]\n"),
        ("input_layout", "input: 3x8x8\ninput_layout: *b8\nlayers: [{type: activation}]\n"),
        ("repeat", "input: 3x8x8\nlayers: [{type: block, repeat: *b8, layers: [{type: activation}]}]\n"),
        ("type", "input: 3x8x8\nlayers: [{type: *b8}]\n"),
        ("kernel", "input: 3x8x8\nlayers: [{type: conv, filters: 2, kernel: *b8}]\n"),
        ("layer-bias", "input: 3x8x8\nlayers: [{type: conv, filters: 2, kernel: 1, bias: *b8}]\n"),
        ("input", "input: *b8\nlayers: [{type: activation}]\n"),
        ("from", "input: 3x8x8\nlayers: [{type: activation, from: *b8}]\n"),
        ("name", "input: 3x8x8\nlayers: [{type: activation, name: *b8}]\n"),
        ("outputs", "input: 3x8x8\nlayers: [{type: activation}]\noutputs: *b8\n"),
        ("share", "input: 3x8x8\nlayers: [{type: conv, filters: 3, kernel: 1, name: c}, {share: *b8}]\n"),
        ("inputs", "inputs: *b8\nlayers: [{type: activation}]\n"),
        ("split-sizes", "input: 4x8x8\nlayers: [{type: split, sizes: *b8}]\n"),
    ]:
        add("bomb", f"alias-bomb-{key}", **_count(_bomb() + tail))
        add("bomb", f"mapping-bomb-{key}", **_count(_bomb(mapping=True) + tail))
    for kind, body in [
        ("concat", "branches: [[]]"),
        ("concat-two", "branches: [[], []]"),
        ("residual", "layers: [{type: activation}], shortcut: []"),
        ("side", "layers: [{type: activation}]"),
        ("gate", "layers: [{type: activation}]"),
    ]:
        block = kind.split("-")[0]
        text = f"input: 3x8x8\nlayers: [{{type: {block}, {body}, repeat: 1000000000}}]\n"
        add("bomb", f"empty-{kind}-repeated", message="cnncount counts at most 200,000", **_count(text))
    add(
        "bomb",
        "identities-concatenated-15000-times",
        message="more than cnncount takes (10**18)",
        **_count("input: 3x8x8\nlayers: [{type: concat, repeat: 15000, branches: [[], []]}]\n"),
    )
    add("bomb", "400-leaves-998-deep", status=0, **_count(_nested(400, 998), "-f", "json"))
    add("bomb", "400-leaves-998-deep-table", status=0, **_count(_nested(400, 998)))
    add(
        "bomb",
        "400-leaves-998-deep-repeated",
        message="cnncount counts at most 200,000",
        **_count(_nested(400, 997, "layers: [{{type: block, repeat: 200000, layers: *l{last}}}]")),
    )
    wide = ["input: 3x8x8", "x-l0: &l0 [{type: activation}, {type: activation}]"]
    wide += [
        f"x-l{i}: &l{i} [{{type: block, name: b, layers: *l{i - 1}}}, {{type: block, name: c, layers: *l{i - 1}}}]"
        if i < 16
        else f"x-l{i}: &l{i} [{{type: block, name: b, layers: *l{i - 1}}}]"
        for i in range(1, 495)
    ]
    add(
        "bomb", "named-blocks-deep-and-wide", message="qualified names", **_count("\n".join(wide) + "\nlayers: *l494\n")
    )
    for name, brk in (
        ("LF", "\n"),
        ("CR", "\r"),
        ("CRLF", "\r\n"),
        ("NEL", "\x85"),
        ("LS", "\u2028"),
        ("PS", "\u2029"),
    ):
        text = f"input: 3x8x8{brk}layers: [{{type: activation}}]{brk}x-junk:{brk}"

        def lines(text: str = text, brk: str = brk) -> str:
            return text + f"- 1{brk}" * 1_100_000

        add("bomb", f"a-million-lines-by-{name}", message="cnncount reads at most 700,000", **_count(lines))
    add(
        "bomb",
        "a-million-commas",
        message="cnncount reads at most 700,000",
        **_count(lambda: ONE + "x: [" + "1," * 1_100_000 + "1]\n"),
    )
    add(
        "bomb",
        "fifo-without-writer",
        args=("count", "net.yaml"),
        fifos=("net.yaml",),
        message="a FIFO nothing writes to",
    )
    add(
        "bomb",
        "save-to-fifo-without-reader",
        status=1,
        fifos=("net.svg",),
        message="a FIFO that nothing reads",
        **_count(ONE, "--save", "net.svg"),
    )
    # one big list used again and again through an alias: the reading is bounded, not only the network
    names = "x-n: &n [" + ", ".join(["a"] * 10_000) + "]\ninput: [4]\nlayers:\n  - {type: dense, name: a, units: 4}\n"
    add(
        "bomb",
        "aliased-from-on-5000-layers",
        message="aliases make more than 2,000,000",
        **_count(lambda: names + "  - {type: add, from: *n}\n" * 5_000),
    )
    seq = "x-l: &l [" + ", ".join(["{type: dropout}"] * 10_000) + "]\ninput: [4]\nlayers:\n"
    add(
        "bomb",
        "aliased-layers-in-20000-blocks",
        message="aliases make more than 2,000,000",
        **_count(lambda: seq + "  - {type: block, layers: *l}\n" * 20_000),
    )
    keys = "x-b: &b {" + ", ".join(f"k{i}: 1" for i in range(100_000)) + "}\n"
    add(
        "bomb",
        "merge-keys-2000-times",
        message="merge keys (<<) copy more than 2,000,000",
        **_count(lambda: keys + "x-m: [" + ", ".join(["{<<: *b}"] * 2_000) + "]\n" + ONE),
    )
    add("bomb", "a-device", args=("count", "/dev/zero"), message="not a regular file")
    add("bomb", "file-of-9-MiB", message="larger than 8 MiB", **_count(lambda: ONE + "#" * (9 * 2**20) + "\n"))

    # 2. what used to end in a traceback
    for name, number in [
        ("hex", "0x" + "f" * 4000),
        ("octal", "0" + "7" * 5000),
        ("binary", "0b" + "1" * 14000),
        ("decimal", "9" * 5000),
        ("negative", "-" + "9" * 5000),
        ("base-60", "1" + ":30" * 3000),
        ("underscores", "1" + "_000" * 2000),
    ]:
        add(
            "traceback",
            f"long-{name}-integer",
            **_count(f"input: 3x8x8\nlayers: [{{type: block, repeat: {number}, layers: [{{type: activation}}]}}]\n"),
        )
    add(
        "traceback",
        "long-float",
        **_count("input: 3x8x8\nlayers: [{type: dropout, rate: 0." + "1" * 5000 + "e-5}]\n"),
        status=0,
    )
    up = ["--layer", "upsample scale=1000000000000000000"]
    add(
        "traceback",
        "upsampled-past-a-float",
        args=("count", "--input", "1000000000000000000x4", *up * 5),
        message="more than cnncount takes",
    )
    add(
        "traceback",
        "huge-but-exact",
        args=(
            "count",
            "--input",
            "1000000000000000000x1000000000000000000",
            "--layer",
            "conv filters=1000000000000000000 kernel=1",
            "--batch",
            "1000000000000000000",
            "--dtype",
            "float64",
        ),
        status=0,
    )
    add("traceback", "stdin-closed", args=("count", "-"), stdin=None, message="standard input is closed")
    add("traceback", "stdin-empty", args=("count", "-"), message="standard input is empty")

    # 3. one network, one answer: what YAML 1.1 and 1.2 read differently is refused or read one way
    for name, text, message in [
        (
            "octal-size",
            "input: [3, 010, 010]\nlayers: [{type: activation}]\n",
            "010 is the octal number 8 to YAML 1.1 and 10 to YAML 1.2",
        ),
        ("octal-units", "input: [4]\nlayers: [{type: dense, units: 010}]\n", "write 8 or 10"),
        ("octal-name", "input: [4]\nlayers: [{type: dense, units: 2, name: 010}]\n", "'010' in quotes"),
        ("hex-filters", "input: 3x8x8\nlayers: [{type: conv, filters: 0x10, kernel: 1}]\n", "hexadecimal number 16"),
        ("binary-kernel", "input: 3x8x8\nlayers: [{type: conv, filters: 2, kernel: 0b11}]\n", "binary number 3"),
        ("underscore-units", "input: [4]\nlayers: [{type: dense, units: 1_000}]\n", "1_000 is 1000 to YAML 1.1"),
    ]:
        add("spelling", name, message=message, **_count(text))

    # 4. escape codes from the user's text
    add(
        "escape",
        "type",
        message="\\x1b]0;pwned\\x07",
        **_count(f'input: 3x8x8\nlayers: [{{type: "{ESC_TITLE}"}}]\n'.replace("\x1b", "\\e").replace("\x07", "\\a")),
    )
    add(
        "escape",
        "type-on-the-command-line",
        args=("count", "--input", "3x8x8", "--layer", ESC_TITLE + "conv"),
        message="\\x1b",
    )
    add("escape", "command", args=(ESC_CLEAR,), message="\\x1b[2J")
    add("escape", "file-name", args=("count", f"net{ESC_CLEAR}.yaml"), message="\\x1b[2J")
    add(
        "escape",
        "file-name-with-error",
        args=("count", f"n{ESC_TITLE}.yaml"),
        files={f"n{ESC_TITLE}.yaml": "input: [3]\n"},
        message="missing layers",
    )
    add("escape", "input-shape", args=("count", "--input", ESC_CLEAR, "--layer", "flatten"), message="\\x1b")
    add(
        "escape",
        "save-path",
        status=1,
        args=("count", "resnet18", "--save", f"/nonexistent/{ESC_CLEAR}.svg"),
        message="\\x1b[2J",
    )
    named = 'input: 3x8x8\nname: "net\\e]0;t\\a"\nlayers: [{type: activation, name: "a\\e[2Jb\\nc"}, {type: dense, units: 2, pointwise: true, name: "\\e]8;;http://x\\a"}]\n'
    for fmt in ("table", "json", "csv", "markdown", "latex", "dot", "mermaid"):
        add(
            "escape",
            f"names-in-{fmt}",
            status=0,
            **_count(named, "-f", fmt, "--explain") if fmt == "table" else _count(named, "-f", fmt),
        )
    graph = (
        'inputs: {"a\\e]0;t\\a": [3, 8, 8], "b\\e[2J": [3, 8, 8]}\n'
        'layers:\n  - {type: add, name: "s\\e[2J", from: ["a\\e]0;t\\a", "b\\e[2J"]}\n'
        '  - {type: side, name: "x\\e]8;;u\\a", layers: [{type: activation}]}\n'
        '  - {type: activation, name: "o\\u202e"}\n'
        'outputs: ["s\\e[2J", "o\\u202e"]\n'
    )
    add("escape", "names-in-the-caption", status=0, **_count(graph))
    add("escape", "names-in-table-80-columns", status=0, env={"COLUMNS": "80"}, **_count(named, "--chart"))
    add("escape", "names-in-picture", status=0, **_count(named, "--save", "net.html", "-f", "json"))

    # 6. reading and writing
    add("io", "name-of-300-characters", args=("count", "a" * 300), message="the file name is too long")
    add(
        "io",
        "symlink-loop",
        args=("count", "loop.yaml"),
        links=(("loop.yaml", "loop2.yaml"), ("loop2.yaml", "loop.yaml")),
        message="a loop of symbolic links",
    )
    add("io", "directory", args=("count", "."), message="is a directory")
    add("io", "missing", args=("count", "missing.yaml"), message="no such file")
    add("io", "stdout-full", status=1, stdout="full", message="No space left on device", args=("count", "resnet50"))
    add(
        "io",
        "stdout-full-json",
        status=1,
        stdout="full",
        message="No space left on device",
        args=("count", "resnet50", "-f", "json"),
    )
    add(
        "io",
        "stdout-closed",
        status=1,
        stdout="closed",
        message="standard output is closed",
        args=("count", "resnet18"),
    )
    add("io", "stdout-closed-saving", status=0, stdout="closed", args=("count", "resnet18", "--save", "net.svg"))
    add("io", "stderr-full", stderr="full", args=("count", "missing.yaml"))
    add("io", "stderr-closed", stderr="closed", args=("count", "missing.yaml"))
    add("io", "stderr-full-success", status=0, stderr="full", args=("count", "resnet18"))

    # 7. messages: where, and short
    add(
        "message",
        "column-after-multibyte-text",
        message="net.yaml:3:20: the character U+0001",
        **_count("input: 3x8x8\n# ééééééééééééééééééééé\nlayers: [{type: ééé\x01}]\n"),
    )
    add(
        "message",
        "long-decimal-located",
        message="net.yaml:2:31: a number written with 5,000 digits",
        **_count("input: 3x8x8\nlayers: [{type: dense, units: " + "9" * 5000 + "}]\n"),
    )
    add(
        "message",
        "duplicate-anchor",
        message="net.yaml:2:6: the anchor &a is defined twice (first at line 1, column 6)",
        **_count("x-a: &a 1\nx-b: &a 2\n" + ONE),
    )
    add(
        "message",
        "a-megabyte-type",
        message="layers[0] (aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...): unknown layer type 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...'",
        **_count(lambda: "input: 3x8x8\nlayers: [{type: " + "a" * 1_000_000 + "}]\n"),
    )
    add(
        "message",
        "a-megabyte-name",
        **_count(lambda: "input: 3x8x8\nlayers: [{type: activation, from: " + "a" * 1_000_000 + "}]\n"),
    )
    add(
        "message",
        "a-megabyte-key",
        **_count(lambda: "input: 3x8x8\nlayers: [{type: activation, " + "k" * 1_000_000 + ": 1}]\n"),
    )

    # 8. output formats, and the pre-check
    add(
        "format",
        "comments-saying-type",
        status=0,
        **_count(lambda: "# " + "type " * 300_000 + "\n" + ONE, "-f", "json"),
    )

    # 9. parametric specs: expressions, templates and --set (docs/templates.md)
    def dense(units: str, head: str = "input: [4]\n") -> dict[str, object]:
        return _count(head + "layers:\n  - {type: dense, units: '" + units + "'}\n")

    add("template", "power-tower", message="net.yaml:3:19: layers[0] (dense): units", **dense("${10**10**10}"))
    add("template", "huge-product", message="too large", **dense("${10**30 * 10**30}"))
    add("template", "parentheses-100k", message="longer than 1,000 characters", **dense("${" + "(" * 100_000 + "1}"))
    add("template", "parentheses-60", message="nested too deeply", **dense("${" + "(" * 60 + "1" + ")" * 60 + "}"))
    add("template", "not-60", message="nested too deeply", **dense("${" + "not " * 60 + "true}"))
    add("template", "long-expression", message="longer than 1,000 characters", **dense("${" + "1+" * 5_000 + "1}"))
    add("template", "division-by-zero", message="division by zero", **dense("${1 // 0}"))
    add(
        "template",
        "template-cycle",
        message="template a uses itself (a -> b -> a)",
        **_count("input: [4]\ndefine:\n  a: {layers: [{type: b}]}\n  b: {layers: [{type: a}]}\nlayers: [{type: a}]\n"),
    )
    add(
        "template",
        "computed-self-use",
        message="template a uses itself (a -> a)",
        **_count("args: {t: a}\ninput: [4]\ndefine:\n  a: {layers: [{type: '${t}'}]}\nlayers: [{type: a}]\n"),
    )
    add(
        "template",
        "repeat-a-billion-dropped",
        message="repeat: expected an integer from 1 to 200,000",
        **_count("input: [4]\nlayers: [{type: block, repeat: '${10**9}', when: false, layers: [{type: flatten}]}]\n"),
    )
    args_spec = "args: {w: 1}\ninput: [4]\nlayers: [{type: dense, units: '${w}'}]\n"
    add(
        "template",
        "set-twenty-thousand-values",
        message="a sweep takes at most 10,000 per argument",
        **_count(args_spec, "--set", "w=" + ",".join(["1"] * 20_000)),
    )
    add(
        "template",
        "set-a-thousand-times",
        message="--set is given 1,000 times; at most 100",
        **_count(args_spec, *[arg for n in range(1_000) for arg in ("--set", f"w{n}=1")]),
    )
    add(
        "template",
        "sweep-of-a-million",
        message="the --set values make 1,000,000 combinations",
        **_count(args_spec, *[arg for n in range(3) for arg in ("--set", f"w{n}=" + ",".join(["1"] * 100))]),
    )
    add(
        "template",
        "escape-in-a-set-name",
        status=0,
        **_count("args: {n: x}\nname: '${n}'\n" + ONE, "--set", "n=" + ESC_TITLE, "-f", "json"),
    )
    return out


CLASSES = ("bomb", "traceback", "spelling", "escape", "io", "message", "format", "template")
