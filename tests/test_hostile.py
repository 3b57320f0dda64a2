"""Every hostile input of tests/hostile.py keeps the contract: exit 0, 2 (or 1 when the
output cannot be written), one line on stderr and nothing on stdout on an error, no
traceback, no escape code reaching the terminal.  (Their time and memory are measured
by benchmarks/hostile.py, not asserted here.)"""

import pytest

from tests.hostile import CLASSES, breaks, cases, run

CASES = cases()


def test_every_class_has_cases():
    assert {case.cls for case in CASES} == set(CLASSES)
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", [pytest.param(case, id=f"{case.cls}-{case.id}") for case in CASES])
def test_the_contract_holds(case, tmp_path):
    outcome = run(case, tmp_path)
    assert breaks(case, outcome) == [], outcome.err.decode("utf-8", "replace")[-2000:]


# --- in a terminal: numbers whole, at any width, whatever TERM says --------------------------


def _in_terminal(args, columns, term):
    """What ``python -m cnncount ARGS`` shows in a pseudo-terminal ``columns`` wide."""
    import fcntl
    import os
    import pty
    import struct
    import subprocess
    import sys
    import termios

    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
    env["TERM"] = term
    process = subprocess.Popen(
        [sys.executable, "-m", "cnncount", *args], stdin=child, stdout=child, stderr=child, env=env, close_fds=True
    )
    os.close(child)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(main)
    return process.returncode, b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.parametrize("term", ["dumb", "xterm-256color"])
@pytest.mark.parametrize("columns", [40, 60, 80, 100])
@pytest.mark.parametrize("args", [["count", "resnet50", "--depth", "1"], ["specs"]], ids=["table", "specs"])
def test_every_number_on_screen_is_whole(args, columns, term):
    import re

    status, screen = _in_terminal(args, columns, term)
    text = re.sub(r"\x1b\[[0-9;]*m", "", screen).replace("\r\n", "\n")  # colours off: the text itself
    assert status == 0, text
    assert "…" not in text
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= columns, text
    # every number printed is one of the network's (or the specs') real ones, never a cut one
    import cnncount
    from cnncount.sources import bundled_names

    names = ["resnet50"] if args[0] == "count" else bundled_names()
    real = {f"{v:,}" for name in names for v in _ints(cnncount.to_dict(cnncount.count(name)))}
    shown = set(re.findall(r"(?<![\w,])\d{1,3}(?:,\d{3})+(?![\w,])", text))
    assert shown and shown <= real, sorted(shown - real)


def _ints(value):
    """Every int in a JSON document, and each list's length (a spec's number of layers)."""
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _ints(item)
    elif isinstance(value, list):
        yield len(value)
        for item in value:
            yield from _ints(item)


# --- Ctrl-C -------------------------------------------------------------------------------------


def test_ctrl_c_while_starting_ends_without_a_traceback(tmp_path):
    """SIGINT as soon as cnncount's own code runs (seen by click's import, which comes after
    the entry point has reset the signal): the process ends by the signal, saying nothing."""
    import signal
    import subprocess
    import sys

    process = subprocess.Popen(
        [sys.executable, "-X", "importtime", "-m", "cnncount", "count", "resnet50"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
    )
    seen = []
    for line in process.stderr:
        seen.append(line)
        if line.split(b"|")[-1].strip() == b"click":
            process.send_signal(signal.SIGINT)
            break
    rest = process.stderr.read()
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGINT, b"".join(seen[-3:]) + rest
    assert b"Traceback" not in rest and b"KeyboardInterrupt" not in rest
