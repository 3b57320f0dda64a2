#!/usr/bin/env python3
"""cnncount's performance figures, each against its target: ``python benchmarks/run.py``.

Run it with the Python that has cnncount installed (the project's virtual
environment); every figure comes from fresh child processes, so nothing this
script imports or caches leaks into what it measures.

1. start-up: ``cnncount conv ...`` (table, then ``--format json``) against a bare
   Python importing only what that output needs (click; click and json);
   the commands and their floors run interleaved, in a shuffled order each round,
   and the ratio is the median of the ratios taken in the same round;
1b. bundled: ``count vgg16 --format json`` against ``import click, json``, and
   ``count resnet50`` (the table, piped) against its ``--format json``;
1c. yaml: ``cnncount.count`` on ResNet-50's YAML text against the dict it reads as;
2. peers: cnncount against torchinfo's ``summary()`` on VGG-16, ResNet-50 and
   MobileNet-V2 (built in plain torch by tests/torch_zoo.py), table against table
   and JSON against torchinfo's per-layer records as JSON, in fresh processes; the
   parameter totals must agree, and what torchinfo counts as MACs beyond cnncount's
   is said class by class, as measured (skipped when torch or torchinfo cannot be
   imported);
3. scaling: specs of 1,000, 10,000 and 100,000 layers and one of 1,000 nested
   blocks: the time cnncount adds to parsing the same file with PyYAML's C loader
   with the cyclic GC paused, as cnncount pauses it (timed inside fresh children,
   around the library calls and around ``yaml.load`` alone), the peak memory of
   both whole processes, and the exponent b of t = a * n^b;
4. batch: 1,000 small specs in one ``cnncount count`` call, against one process
   per file; 4b. 1,000 ResNet-50 files in one call: the time a file, and the peak
   memory against a tenth as many.

It reports; it is not a test: it exits 0 whether or not a target is met (and 1
only if it cannot run at all).  ``--quick`` takes fewer repeats.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

PY = sys.executable
SCRIPT = Path(PY).with_name("cnncount")  # the console script pip made: what a user runs
CONV_ARGS = ["conv", "--input", "3x32x32", "--filters", "32", "--kernel", "5"]


# --- running children -----------------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    maxrss_kb: int | None  # None unless asked for (memory=True)
    returncode: int
    stdout: str
    stderr: str


#: Peak memory is read by a small launcher that forks the command and reaps it.
#: Reaping the command ourselves would not do: Linux carries the high-water mark
#: of the process that forks (this one, tens of MB) into the child's ru_maxrss,
#: at fork and again at exec, so every child would look at least as big as us.
GNU_TIME = shutil.which("time", path="/usr/bin:/bin")
LAUNCHER = (
    "import os, sys\n"
    "pid = os.fork()\n"
    "if pid == 0:\n"
    "    os.execv(sys.argv[2], sys.argv[2:])\n"
    "_, status, usage = os.wait4(pid, 0)\n"
    "open(sys.argv[1], 'w').write(str(usage.ru_maxrss))\n"
    "sys.exit(os.waitstatus_to_exitcode(status))\n"
)


#: The environment of every child, set up by main(): bytecode cached (see there).
ENV: dict[str, str] = dict(os.environ)
#: Where children run: a scratch folder, so that ``python -c`` (whose sys.path starts with
#: the working directory) imports the same cnncount as the console script, not a checkout
#: that happens to be the current directory.
CWD: str | None = None


def run(argv: list[str], *, env: dict[str, str] | None = None, keep_output: bool = False, memory: bool = False) -> Run:
    """Run a child to completion: wall time, output and, with ``memory``, its peak resident memory.

    Output goes to temporary files rather than pipes (nothing to drain while it
    runs).  With ``memory`` the command runs under GNU time (or, without it, a
    small Python launcher, which adds its own few MB to what it reports); times
    are taken from runs without it.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile() as rss:
        if memory:
            if GNU_TIME:
                argv = [GNU_TIME, "-q", "-f", "%M", "-o", rss.name, *argv]
            else:
                argv = [sys.executable, "-S", "-c", LAUNCHER, rss.name, *argv]
        start = time.perf_counter()
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env or ENV, cwd=CWD)
        seconds = time.perf_counter() - start
        err.seek(0)
        stderr = err.read().decode(errors="replace")
        stdout = ""
        if keep_output:
            out.seek(0)
            stdout = out.read().decode(errors="replace")
        maxrss = None
        if memory:
            rss.seek(0)
            text = rss.read().decode().strip().splitlines()
            maxrss = int(text[-1]) if text and text[-1].isdigit() else None
    return Run(seconds, maxrss, proc.returncode, stdout, stderr)


def checked(argv: list[str], **kwargs: object) -> Run:
    result = run(argv, **kwargs)  # type: ignore[arg-type]
    if result.returncode != 0:
        shown = " ".join(argv if len(argv) < 8 else [*argv[:6], "..."])
        tail = result.stderr.strip().splitlines()[-3:]
        raise RuntimeError(f"{shown!r} exited {result.returncode}: {' | '.join(tail)}")
    return result


def child_json(argv: list[str], **kwargs: object) -> dict:
    """Run a child that prints one JSON document as its last line of output."""
    result = run(argv, keep_output=True, **kwargs)  # type: ignore[arg-type]
    lines = result.stdout.strip().splitlines()
    if not lines:
        raise RuntimeError(f"child printed nothing (exit {result.returncode}): {result.stderr.strip()[-300:]}")
    doc = json.loads(lines[-1])
    doc["_wall"] = result.seconds
    return doc


def median(values: list[float]) -> float:
    return statistics.median(values)


# --- the figures and their verdicts ---------------------------------------------------------


@dataclass
class Figure:
    section: str
    what: str
    value: str
    target: str
    verdict: str  # PASS, FAIL, SKIP or info


@dataclass
class Results:
    figures: list[Figure] = field(default_factory=list)

    def add(self, section: str, what: str, value: str, target: str, ok: bool | None) -> None:
        verdict = "info" if ok is None else ("PASS" if ok else "FAIL")
        self.figures.append(Figure(section, what, value, target, verdict))
        print(f"  {what}: {value}   target {target}   {verdict}")

    def skip(self, section: str, what: str, why: str) -> None:
        self.figures.append(Figure(section, what, why, "-", "SKIP"))
        print(f"  {what}: SKIP ({why})")

    def table(self) -> str:
        rows = [("section", "figure", "measured", "target", "verdict")]
        rows += [(f.section, f.what, f.value, f.target, f.verdict) for f in self.figures]
        widths = [min(max(len(r[i]) for r in rows), 60) for i in range(5)]
        lines = []
        for n, row in enumerate(rows):
            lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
            if n == 0:
                lines.append("  ".join("-" * w for w in widths))
        return "\n".join(lines)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def mb(kb: float) -> str:
    return f"{kb / 1024:.1f} MB"


def heading(text: str) -> None:
    print(f"\n== {text} " + "=" * max(0, 74 - len(text)), flush=True)


# --- the machine ----------------------------------------------------------------------------


def machine() -> None:
    heading("machine")
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or "?"
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"  cpu: {cpu}; {os.cpu_count()} cores, {usable} usable; load average {os.getloadavg()[0]:.2f}")
    print(f"  python {platform.python_version()} ({PY}), {platform.platform()}")
    versions = []
    for dist in ("cnncount", "click", "rich", "PyYAML", "torch", "torchinfo", "numpy"):
        try:
            versions.append(f"{dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{dist} (not installed)")
    print("  " + ", ".join(versions))
    libyaml = run(
        [PY, "-c", "import yaml; print(yaml.__with_libyaml__ and yaml._yaml.get_version_string())"], keep_output=True
    )
    print(f"  libyaml: {libyaml.stdout.strip() or '?'}")
    print(f"  cnncount runs as: {SCRIPT} (the console script pip generated)")


# --- 1. start-up ----------------------------------------------------------------------------


def main_snippet(args: list[str]) -> str:
    return f"from cnncount.cli import main; main({args!r})"


def startup(results: Results, repeats: int) -> None:
    heading(f"1. start-up ({repeats} interleaved rounds, medians)")
    commands = {
        "table, console script": [str(SCRIPT), *CONV_ARGS],
        "table, python -c main()": [PY, "-c", main_snippet(CONV_ARGS)],
        "floor: import click": [PY, "-c", "import click"],
        "json, console script": [str(SCRIPT), *CONV_ARGS, "--format", "json"],
        "json, python -c main()": [PY, "-c", main_snippet([*CONV_ARGS, "--format", "json"])],
        "floor: import click, json": [PY, "-c", "import click, json"],
        "python -c pass": [PY, "-c", "pass"],
        "json, console script, no bytecode cache": [str(SCRIPT), *CONV_ARGS, "--format", "json"],
    }
    envs = {name: ENV for name in commands}
    # As an editable install runs under PYTHONDONTWRITEBYTECODE=1: every cnncount module compiled
    # from source on every run (site-packages keep the bytecode pip compiled at install).
    envs["json, console script, no bytecode cache"] = {
        **{k: v for k, v in ENV.items() if k != "PYTHONPYCACHEPREFIX"},
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    for name, argv in commands.items():  # warm the page cache and the bytecode cache
        checked(argv, env=envs[name])
    times: dict[str, list[float]] = {name: [] for name in commands}
    rss = {name: checked(argv, env=envs[name], memory=True).maxrss_kb or 0 for name, argv in commands.items()}
    rng = random.Random(1)
    for _ in range(repeats):
        order = list(commands)
        rng.shuffle(order)
        for name in order:
            result = checked(commands[name], env=envs[name])
            times[name].append(result.seconds)
    for name in commands:
        t = times[name]
        print(f"  {name:48} median {ms(median(t))}  (min {ms(min(t))}, max {ms(max(t))}), peak {mb(rss[name])}")
    pairs = [
        ("table", "table, console script", "floor: import click"),
        ("table", "table, python -c main()", "floor: import click"),
        ("json", "json, console script", "floor: import click, json"),
        ("json", "json, python -c main()", "floor: import click, json"),
        ("json", "json, console script, no bytecode cache", "floor: import click, json"),
    ]
    for _output, cmd, floor in pairs:
        paired = median([a / b for a, b in zip(times[cmd], times[floor])])
        of_medians = median(times[cmd]) / median(times[floor])
        of_minimums = min(times[cmd]) / min(times[floor])
        extra = median(times[cmd]) - median(times[floor])
        results.add(
            "start-up",
            f"{cmd} / floor",
            f"{paired:.2f}x (of medians {of_medians:.2f}x, of minimums {of_minimums:.2f}x; +{ms(extra)})",
            "<= 1.15x",
            paired <= 1.15 if cmd.endswith("console script") else None,
        )
    instructions(results, commands, envs)


VALGRIND = shutil.which("valgrind")


def instructions(results: Results, commands: dict[str, list[str]], envs: dict[str, dict[str, str]]) -> None:
    """The same ratios in instructions executed (callgrind): repeatable to a few parts in ten
    thousand whatever else the machine does, where the times above move by several per cent
    from run to run on a shared machine.  Reported for information (the target is on time)."""
    if VALGRIND is None:
        print("  instructions: valgrind is not installed; skipped")
        return
    counted = {}
    for name in (
        "table, console script",
        "floor: import click",
        "json, console script",
        "floor: import click, json",
    ):
        run = subprocess.run(
            [VALGRIND, "--tool=callgrind", "--callgrind-out-file=/dev/null", *commands[name]],
            capture_output=True,
            text=True,
            env=envs[name],
            check=False,
        )
        found = [line for line in run.stderr.splitlines() if "Collected" in line]
        if run.returncode != 0 or not found:
            print(f"  instructions: callgrind failed on {name}; skipped")
            return
        counted[name] = int(found[-1].split()[-1])
        print(f"  {name:48} {counted[name]:,} instructions")
    for output, cmd, floor in (
        ("table", "table, console script", "floor: import click"),
        ("json", "json, console script", "floor: import click, json"),
    ):
        extra = counted[cmd] - counted[floor]
        results.add(
            "start-up",
            f"{output}, console script / floor, in instructions",
            f"{counted[cmd] / counted[floor]:.3f}x (+{extra / 1e6:.1f} M instructions)",
            "(info)",
            None,
        )


# --- 1b. bundled specs and YAML files -------------------------------------------------------


def bundled(results: Results, repeats: int) -> None:
    """Counting a bundled spec by name, in fresh processes: against the floor of any click program
    that writes JSON, and the table (piped) against the JSON of the same network."""
    heading(f"1b. bundled specs ({repeats} interleaved rounds, shuffled; medians of per-round ratios)")
    commands = {
        "floor: import click, json": [PY, "-c", "import click, json"],
        "count vgg16 --format json": [str(SCRIPT), "count", "vgg16", "--format", "json"],
        "count resnet50 --format json": [str(SCRIPT), "count", "resnet50", "--format", "json"],
        "count resnet50 (table, piped)": [str(SCRIPT), "count", "resnet50"],
    }
    for argv in commands.values():
        checked(argv)
    times: dict[str, list[float]] = {name: [] for name in commands}
    rng = random.Random(3)
    for _ in range(repeats):
        order = list(commands)
        rng.shuffle(order)
        for name in order:
            times[name].append(checked(commands[name]).seconds)
    for name, values in times.items():
        print(f"  {name:36} median {ms(median(values))}")

    def ratio(a: str, b: str) -> float:
        return median([x / y for x, y in zip(times[a], times[b])])

    vgg = ratio("count vgg16 --format json", "floor: import click, json")
    results.add("bundled", "count vgg16 --format json / floor", f"{vgg:.2f}x", "<= 1.15x", vgg <= 1.15)
    table = ratio("count resnet50 (table, piped)", "count resnet50 --format json")
    results.add("bundled", "count resnet50, table (piped) / JSON", f"{table:.2f}x", "<= 1.3x", table <= 1.3)


#: cnncount.count on ResNet-50's YAML text and on the dict it reads as, in one process, best of
#: five calls each, alternated over rounds.
YAML_VS_DICT = textwrap.dedent(
    """
    import json, statistics, sys, time
    import cnncount, yaml
    from cnncount.spec import load_yaml
    text = open(sys.argv[1], encoding="utf-8").read()
    plain = json.loads(json.dumps(load_yaml(text, "resnet50.yaml")))  # plain dicts and lists
    def best(call):
        times = []
        for _ in range(5):
            t0 = time.perf_counter(); call(); times.append(time.perf_counter() - t0)
        return min(times)
    rounds = [(best(lambda: cnncount.count(text)), best(lambda: cnncount.count(plain))) for _ in range(int(sys.argv[2]))]
    print(json.dumps({"text": statistics.median(a for a, _ in rounds), "dict": statistics.median(b for _, b in rounds),
                      "ratio": statistics.median(a / b for a, b in rounds)}))
    """
)


def yaml_text(results: Results, repeats: int) -> None:
    heading(f"1c. YAML text against the same dict, in-process ({repeats} rounds of best-of-5)")
    path = ROOT / "docs" / "examples" / "resnet50.yaml"
    if not path.exists():
        results.skip("yaml", "count(yaml text) / count(dict), resnet50", f"no {path}")
        return
    doc = child_json([PY, "-c", YAML_VS_DICT, str(path), str(repeats)])
    print(f"  cnncount.count(text of {path.name}) {ms(doc['text'])}; cnncount.count(dict) {ms(doc['dict'])}")
    results.add(
        "yaml",
        "cnncount.count(yaml text) / count(dict), resnet50",
        f"{doc['ratio']:.2f}x",
        "<= 1.5x",
        doc["ratio"] <= 1.5,
    )


# --- 2. peers -------------------------------------------------------------------------------

#: The peers' networks: torchvision's, as the tests build them in plain torch (tests/torch_zoo.py),
#: and cnncount's bundled specs of the same names.
PEER_NETS = ("vgg16", "resnet50", "mobilenet_v2")
ROOT = Path(__file__).resolve().parent.parent

#: torchinfo on one network, as a user runs it: argv is the network, "table" (summary() prints
#: its table: output shapes and params per layer, then the totals and Mult-Adds) or "json" (the
#: same per-layer records and totals written as one JSON line instead: cnncount's JSON holds
#: those and more), and a file for the timings, so that stdout holds only what a user sees.
TORCHINFO = textwrap.dedent(
    """
    import json, sys, time
    t0 = time.perf_counter()
    import torch
    from torchinfo import summary
    t1 = time.perf_counter()
    sys.path.insert(0, ROOT)
    from tests.torch_zoo import ZOO
    build, shape = ZOO[sys.argv[1]]
    model = build()
    t2 = time.perf_counter()
    if sys.argv[2] == "table":
        stats = summary(model, input_size=(1, *shape))
    else:
        stats = summary(model, input_size=(1, *shape), verbose=0)
        layers = [
            {"name": layer.var_name, "type": layer.class_name, "depth": layer.depth,
             "output_size": layer.output_size, "params": layer.num_params, "macs": layer.macs}
            for layer in stats.summary_list
        ]
        print(json.dumps({"layers": layers, "total_params": stats.total_params, "macs": stats.total_mult_adds}))
    t3 = time.perf_counter()
    macs = {}
    for layer in stats.summary_list:
        if not layer.children:
            macs[layer.class_name] = macs.get(layer.class_name, 0) + layer.macs
    with open(sys.argv[3], "w") as out:
        json.dump({"total_params": stats.total_params, "macs": stats.total_mult_adds, "macs_by_class": macs,
                   "import": t1 - t0, "build": t2 - t1, "summary": t3 - t2}, out)
    """
).replace("ROOT", repr(str(ROOT)))

#: torchinfo's classes and the kinds cnncount gives the same layers.
PEER_KINDS = {"Conv2d": ("conv",), "Linear": ("dense",), "BatchNorm2d": ("batchnorm",)}

#: cnncount's MACs per kind, and what a peer could add to them: the output values of layers with
#: a bias (one add each) and the parameters.
MAC_PARTS = textwrap.dedent(
    """
    import json, sys
    import cnncount
    report = cnncount.count(sys.argv[1])
    kinds = {}
    for row in report.rows:
        k = kinds.setdefault(row.kind, {"macs": 0, "biased_outputs": 0, "params": 0})
        k["macs"] += row.counts.macs
        k["params"] += row.counts.params
        if row.bias in ("tied", "untied"):
            size = 1
            for d in row.output_shape:
                size *= d
            k["biased_outputs"] += size
    print(json.dumps({"kinds": kinds, "macs": report.totals.macs, "params": report.totals.params}))
    """
)


def peers(results: Results, repeats: int, tmp: Path, peer_path: str | None) -> None:
    heading(f"2. against torchinfo ({repeats} interleaved rounds per network, medians)")
    env = dict(ENV)
    if peer_path:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (peer_path, env.get("PYTHONPATH")) if p)
    probe = run([PY, "-c", "import torch, torchinfo"], env=env)
    if probe.returncode != 0:
        why = (probe.stderr.strip().splitlines() or ["?"])[-1]
        results.skip("peers", "cnncount vs torchinfo summary()", f"torch/torchinfo not importable: {why}")
        return
    if not (ROOT / "tests" / "torch_zoo.py").exists():
        results.skip("peers", "cnncount vs torchinfo summary()", f"no {ROOT / 'tests' / 'torch_zoo.py'} to build from")
        return
    print("  cnncount: its bundled spec, `cnncount count NET` (the table, piped) and `--format json`;")
    print("  torchinfo: imports torch, builds the network (tests/torch_zoo.py), runs summary() on one sample:")
    print("  its printed table, and with verbose=0 its per-layer records written as one JSON line")
    timings = tmp / "torchinfo.json"
    for net in PEER_NETS:
        argvs = {
            "cnncount table": [str(SCRIPT), "count", net],
            "cnncount json": [str(SCRIPT), "count", net, "--format", "json"],
            "torchinfo table": [PY, "-c", TORCHINFO, net, "table", str(timings)],
            "torchinfo json": [PY, "-c", TORCHINFO, net, "json", str(timings)],
        }
        for argv in argvs.values():
            checked(argv, env=env)
        times: dict[str, list[float]] = {name: [] for name in argvs}
        inside: list[dict] = []
        rng = random.Random(2)
        for _ in range(repeats):
            order = list(argvs)
            rng.shuffle(order)
            for name in order:
                times[name].append(checked(argvs[name], env=env).seconds)
                if name.startswith("torchinfo"):
                    inside.append(json.loads(timings.read_text()))
        ours = json.loads(checked(argvs["cnncount json"], keep_output=True).stdout)
        theirs = inside[-1]
        t = {name: median(values) for name, values in times.items()}
        print(
            f"  {net}: cnncount table {ms(t['cnncount table'])}, json {ms(t['cnncount json'])}; torchinfo table "
            f"{ms(t['torchinfo table'])}, json {ms(t['torchinfo json'])} (inside it: import torch+torchinfo "
            f"{ms(median([d['import'] for d in inside]))}, build {ms(median([d['build'] for d in inside]))}, "
            f"summary() {ms(median([d['summary'] for d in inside]))})"
        )
        for output in ("table", "json"):
            speedup = t[f"torchinfo {output}"] / t[f"cnncount {output}"]
            target = ">= 30x" if output == "table" else "(info)"
            results.add(
                "peers",
                f"{net}: torchinfo / cnncount, {output}",
                f"{speedup:.1f}x",
                target,
                speedup >= 30 if output == "table" else None,
            )
        same = ours["totals"]["params"] == theirs["total_params"]
        results.add(
            "peers",
            f"{net}: total params, cnncount / torchinfo",
            f"{ours['totals']['params']:,} / {theirs['total_params']:,}",
            "equal",
            same,
        )
        mac_conventions(results, net, theirs)


def mac_conventions(results: Results, net: str, theirs: dict) -> None:
    """What torchinfo counts as MACs beyond cnncount's, class by class, said as measured: a
    difference equal to the outputs of the layers with a bias is their bias adds, one equal to
    the parameters is one MAC per parameter."""
    ours = child_json([PY, "-c", MAC_PARTS, net])
    said = []
    for cls, peer_macs in sorted(theirs["macs_by_class"].items()):
        kinds = PEER_KINDS.get(cls, ())
        parts = [ours["kinds"][k] for k in kinds if k in ours["kinds"]]
        if not parts:
            if peer_macs:
                said.append(f"{cls} {peer_macs:,} (no cnncount kind compared)")
            continue
        mine = sum(p["macs"] for p in parts)
        extra = peer_macs - mine
        if extra == 0:
            continue
        why = (
            "the bias adds (one per output value of a layer with a bias)"
            if extra == sum(p["biased_outputs"] for p in parts)
            else "one per parameter"
            if extra == sum(p["params"] for p in parts)
            else "not explained by bias adds or parameters"
        )
        said.append(f"{cls} +{extra:,} = {why}")
    total = f"torchinfo {theirs['macs']:,} vs cnncount {ours['macs']:,}"
    print(f"  {net}: MACs, {total}: " + ("; ".join(said) if said else "the same"))
    results.add("peers", f"{net}: MACs, torchinfo - cnncount", f"{theirs['macs'] - ours['macs']:+,}", "(info)", None)
    for line in said:
        results.add("peers", f"{net}: torchinfo's MACs beyond cnncount's", line, "(info)", None)


# --- 3. scaling -----------------------------------------------------------------------------

MIX = (
    "  - {type: conv, filters: 16, kernel: 3, padding: 1}\n"
    "  - {type: batchnorm}\n"
    "  - {type: activation, function: relu}\n"
)

CNNCOUNT_CHILD = textwrap.dedent(
    """
    import gc, json, sys, time, traceback
    from collections import Counter
    import yaml  # imported before the clock starts, as in the PyYAML child
    from cnncount.sources import read_spec
    from cnncount.spec import from_yaml, load_yaml
    from cnncount.model import count
    from cnncount.render import as_json
    path = sys.argv[1]
    if sys.argv[2] == "load":  # only the part of from_yaml that is PyYAML with cnncount's constructors
        t0 = time.perf_counter()
        text, source = read_spec(path)
        load_yaml(text, source)
        print(json.dumps({"load_yaml": time.perf_counter() - t0}))
        sys.exit(0)
    try:
        t0 = time.perf_counter()
        text, source = read_spec(path)
        t1 = time.perf_counter()
        arch = from_yaml(text, source)
        t2 = time.perf_counter()
        report = count(arch)
        t3 = time.perf_counter()
        doc = as_json.render(report, one_line=True)  # what the CLI writes into a file or pipe
        t4 = time.perf_counter()
    except BaseException as exc:
        frames = traceback.extract_tb(exc.__traceback__)
        common = Counter(f"{f.filename.rsplit('/', 2)[-1]}:{f.lineno} {f.name}" for f in frames).most_common(5)
        print(json.dumps({"error": f"{type(exc).__name__}: {exc}"[:300], "frames": len(frames), "common": common}))
        sys.exit(0)
    out = {"read": t1 - t0, "from_yaml": t2 - t1, "count": t3 - t2, "render": t4 - t3, "total": t4 - t0,
           "layers": len(report.rows)}
    print(json.dumps(out))
    """
)

YAML_CHILD = textwrap.dedent(
    """
    import gc, json, sys, time
    import yaml
    if sys.argv[2] == "nogc":
        gc.disable()
    t0 = time.perf_counter()
    with open(sys.argv[1], encoding="utf-8") as f:
        data = yaml.load(f, Loader=yaml.CSafeLoader)
    t1 = time.perf_counter()
    print(json.dumps({"parse": t1 - t0}))
    """
)


def flat_spec(n: int) -> str:
    mix = MIX.splitlines(keepends=True)
    body = "".join(mix[i % 3] for i in range(n))
    return f"name: scale-{n}\ninput: [16, 32, 32]\nlayers:\n{body}"


def nested_spec(depth: int) -> str:
    """``depth`` blocks, each holding an activation then the next block; a conv innermost."""
    lines = [f"name: nested-{depth}", "input: [16, 32, 32]", "layers:"]
    indent = "  "
    for _ in range(depth):
        lines += [f"{indent}- type: block", f"{indent}  layers:", f"{indent}    - {{type: activation, function: relu}}"]
        indent += "    "
    lines.append(f"{indent}- {{type: conv, filters: 16, kernel: 3, padding: 1}}")
    return "\n".join(lines) + "\n"


def nested_alias_spec(depth: int) -> str:
    """``depth`` nested blocks, each an activation then the next block, defined under x- and used by alias."""
    lines = [
        f"name: nested-{depth}",
        "input: [16, 32, 32]",
        "x-nest:",
        "  - &n0 {type: conv, filters: 16, kernel: 3, padding: 1}",
    ]
    lines += [
        f"  - &n{i} {{type: block, layers: [{{type: activation, function: relu}}, *n{i - 1}]}}"
        for i in range(1, depth + 1)
    ]
    lines.append(f"layers: [*n{depth}]")
    return "\n".join(lines) + "\n"


def measure_file(path: Path, repeats: int) -> dict:
    """Whole-process and in-process figures of cnncount and of PyYAML alone on one file, interleaved."""
    ours_argv = [str(SCRIPT), "count", str(path), "--format", "json"]
    yaml_argv = [PY, "-c", YAML_CHILD, str(path), "gc"]
    # Peak memory in runs of their own: under the launcher the timings spread more (its
    # minimum is the same, its median on a busy machine is not).
    rss_ours = checked(ours_argv, memory=True).maxrss_kb
    rss_yaml = checked([PY, "-c", YAML_CHILD, str(path), "nogc"], memory=True).maxrss_kb
    whole_ours, whole_yaml, inner_ours, inner_load, inner_yaml, inner_yaml_nogc = [], [], [], [], [], []
    for _ in range(repeats):
        whole_ours.append(checked(ours_argv))
        whole_yaml.append(checked(yaml_argv))
        inner_ours.append(child_json([PY, "-c", CNNCOUNT_CHILD, str(path), "all"]))
        inner_load.append(child_json([PY, "-c", CNNCOUNT_CHILD, str(path), "load"]))
        inner_yaml.append(child_json([PY, "-c", YAML_CHILD, str(path), "gc"]))
        inner_yaml_nogc.append(child_json([PY, "-c", YAML_CHILD, str(path), "nogc"]))
    phases = {k: median([d[k] for d in inner_ours]) for k in ("read", "from_yaml", "count", "render", "total")}
    phases["load_yaml"] = median([d["load_yaml"] for d in inner_load])
    return {
        "whole_ours": median([r.seconds for r in whole_ours]),
        "whole_yaml": median([r.seconds for r in whole_yaml]),
        "rss_ours": rss_ours,
        "rss_yaml": rss_yaml,
        "inner_ours": phases["total"],
        "inner_yaml": median([d["parse"] for d in inner_yaml]),
        "inner_yaml_nogc": median([d["parse"] for d in inner_yaml_nogc]),
        "phases": phases,
    }


def fit_exponent(sizes: list[int], times: list[float]) -> float:
    xs = [math.log(n) for n in sizes]
    ys = [math.log(t) for t in times]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def report_file(results: Results, label: str, m: dict) -> None:
    p = m["phases"]
    print(
        f"  {label}: in-process cnncount {ms(m['inner_ours'])} = read {ms(p['read'])} + from_yaml {ms(p['from_yaml'])}"
        f" (read+load_yaml alone, another child: {ms(p['load_yaml'])}) + count {ms(p['count'])} + render {ms(p['render'])};"
        f" yaml.load alone {ms(m['inner_yaml'])} (gc off: {ms(m['inner_yaml_nogc'])})"
    )
    print(
        f"  {label}: whole process cnncount {ms(m['whole_ours'])}, {mb(m['rss_ours'])};"
        f" PyYAML alone {ms(m['whole_yaml'])}, {mb(m['rss_yaml'])}"
    )
    # The honest floor: cnncount pauses the cyclic collector while it reads and counts, so the
    # parse it is compared with pauses it too (the collector otherwise rescans the document).
    floor = (m["inner_ours"] - m["inner_yaml_nogc"]) / m["inner_yaml_nogc"]
    results.add(
        "scaling", f"{label}: time added to yaml.load, GC paused (in-process)", f"{floor:+.0%}", "<= +50%", floor <= 0.5
    )
    added = (m["inner_ours"] - m["inner_yaml"]) / m["inner_yaml"]
    results.add("scaling", f"{label}: time added to yaml.load with GC on", f"{added:+.0%}", "(info)", None)
    whole = (m["whole_ours"] - m["whole_yaml"]) / m["whole_yaml"]
    results.add("scaling", f"{label}: time added, whole processes", f"{whole:+.0%}", "(info)", None)
    ratio = m["rss_ours"] / m["rss_yaml"]
    results.add(
        "scaling", f"{label}: peak memory / PyYAML's", f"{ratio:.2f}x ({mb(m['rss_ours'])})", "<= 1.5x", ratio <= 1.5
    )


def deepest(ok: callable, low: int, high: int) -> int:  # type: ignore[valid-type]
    """The largest depth in [low, high] for which ok(depth), assuming ok is monotone and ok(low)."""
    while low < high:
        mid = (low + high + 1) // 2
        if ok(mid):
            low = mid
        else:
            high = mid - 1
    return low


def scaling(results: Results, quick: bool, tmp: Path, sizes: list[int]) -> None:
    # Small files are quick and noisy: more rounds for them.
    rounds = {1_000: 5, 10_000: 2, 100_000: 1} if quick else {1_000: 15, 10_000: 5, 100_000: 3}
    shown = ", ".join(f"{rounds.get(n, 1)} for {n:,}" for n in sizes)
    heading(f"3. scaling (interleaved rounds per file: {shown}; medians)")
    inner = []
    for n in sizes:
        path = tmp / f"flat-{n}.yaml"
        path.write_text(flat_spec(n))
        m = measure_file(path, rounds.get(n, 1))
        inner.append(m)
        report_file(results, f"{n:,} layers", m)
    if len(sizes) >= 2:
        b = fit_exponent(sizes, [m["inner_ours"] for m in inner])
        b_yaml = fit_exponent(sizes, [m["inner_yaml"] for m in inner])
        b_whole = fit_exponent(sizes, [m["whole_ours"] for m in inner])
        results.add(
            "scaling",
            f"exponent b of t = a*n^b, n = {', '.join(f'{n:,}' for n in sizes)}",
            f"{b:.3f} (yaml.load alone {b_yaml:.3f}; whole process {b_whole:.3f})",
            "<= 1.1",
            b <= 1.1,
        )

    # Nested blocks.  libyaml parses at most 1,000 nested collections and a block written
    # inside a block takes two, so 1,000 nested blocks are written as a user would write
    # them: each defined once under an x- key and used by alias (flat text, deep network).
    depth = 1000
    path = tmp / f"nested-{depth}.yaml"
    path.write_text(nested_alias_spec(depth))
    whole = run([str(SCRIPT), "count", str(path), "--format", "json"])
    results.add(
        "scaling",
        f"{depth:,} nested blocks (aliases): cnncount count",
        f"exit {whole.returncode}",
        "exit 0",
        whole.returncode == 0,
    )
    if whole.returncode == 0:
        report_file(results, f"{depth:,} nested blocks", measure_file(path, rounds[1_000]))
    else:
        print(f"  {depth:,} nested blocks: {(whole.stderr.strip().splitlines() or [''])[-1][:160]}")

    def yaml_parses(d: int) -> bool:
        p = tmp / f"nested-probe-{d}.yaml"
        p.write_text(nested_spec(d))
        return run([PY, "-c", YAML_CHILD, str(p), "gc"]).returncode == 0

    def cnncount_counts(d: int) -> bool:
        p = tmp / f"nested-probe-{d}.yaml"
        p.write_text(nested_spec(d))
        return run([str(SCRIPT), "count", str(p), "--format", "json"]).returncode == 0

    yaml_max = deepest(yaml_parses, 1, depth)
    ours_max = deepest(cnncount_counts, 1, yaml_max)
    print(f"  deepest nesting written as nested text: libyaml parses {yaml_max} blocks, cnncount counts {ours_max}")
    results.add(
        "scaling",
        "deepest nested blocks as nested text",
        f"{ours_max}",
        f"= libyaml's limit, {yaml_max}",
        ours_max >= yaml_max,
    )


# --- 4. batch -------------------------------------------------------------------------------

SMALL = """\
name: small-{i}
input: [3, 32, 32]
layers:
  - {{type: conv, filters: {filters}, kernel: 3, padding: 1}}
  - {{type: activation, function: relu}}
  - {{type: maxpool, kernel: 2}}
  - {{type: flatten}}
  - {{type: dense, units: 10}}
"""


def batch(results: Results, repeats: int, separate: int, tmp: Path, files: int = 1000) -> None:
    heading(f"4. batch: {files:,} small specs ({repeats} rounds; {separate} separate processes)")
    folder = tmp / "batch"
    folder.mkdir()
    paths = []
    for i in range(files):
        p = folder / f"net{i:04}.yaml"
        p.write_text(SMALL.format(i=i, filters=8 + i % 8))
        paths.append(str(p))
    argv = [str(SCRIPT), "count", *paths, "--format", "json"]
    first = checked(argv, keep_output=True)
    docs = first.stdout.strip().splitlines()
    assert len(docs) == files, f"expected {files} JSON lines, got {len(docs)}"
    one_call = median([checked(argv).seconds for _ in range(repeats)])
    each = [checked([str(SCRIPT), "count", paths[i], "--format", "json"]).seconds for i in range(separate)]
    per_process = statistics.mean(each)
    print(
        f"  one call: {ms(one_call)} for {files:,} files = {files / one_call:,.0f} files/s ({ms(one_call / files)} a file)"
    )
    print(
        f"  separate processes: mean {ms(per_process)} (median {ms(median(each))}) over {separate}, "
        f"extrapolated to {files:,}: {per_process * files:.1f} s = {1 / per_process:,.1f} files/s"
    )
    results.add("batch", f"{files:,} files in one call", f"{files / one_call:,.0f} files/s", "(info)", None)
    results.add(
        "batch",
        "one call vs one process a file",
        f"{per_process * files / one_call:.0f}x faster (separate: {1 / per_process:,.1f} files/s, from {separate} runs)",
        "(info)",
        None,
    )


def batch_resnets(results: Results, repeats: int, tmp: Path, files: int = 1000) -> None:
    """ResNet-50 written by hand (docs/examples/resnet50.yaml, 175 layers), ``files`` copies under
    names of their own, counted in one call: the time a file, and whether memory stays flat."""
    heading(f"4b. batch: {files:,} ResNet-50 files in one call ({repeats} rounds)")
    source = ROOT / "docs" / "examples" / "resnet50.yaml"
    if not source.exists():
        results.skip("batch", f"{files:,} ResNet-50 files in one call", f"no {source}")
        return
    text = source.read_text()
    folder = tmp / "resnets"
    folder.mkdir()
    paths = []
    for i in range(files):
        path = folder / f"resnet50-{i:04}.yaml"
        path.write_text(text.replace("name: resnet50", f"name: resnet50-{i:04}", 1))
        paths.append(str(path))
    tenth = [str(SCRIPT), "count", *paths[: files // 10], "--format", "json"]
    whole = [str(SCRIPT), "count", *paths, "--format", "json"]
    rss_tenth = checked(tenth, memory=True).maxrss_kb or 0
    rss_whole = checked(whole, memory=True).maxrss_kb or 0
    seconds = median([checked(whole).seconds for _ in range(repeats)])
    each = seconds / files
    print(f"  one call: {seconds:.2f} s for {files:,} files, {ms(each)} a file (start-up included)")
    print(f"  peak memory: {mb(rss_tenth)} for {files // 10:,} files, {mb(rss_whole)} for {files:,}")
    results.add("batch", f"{files:,} ResNet-50 files in one call, a file", ms(each), "<= 2 ms", each <= 0.002)
    growth = rss_whole / rss_tenth
    results.add(
        "batch",
        f"peak memory, {files:,} files / {files // 10:,}",
        f"{growth:.2f}x ({mb(rss_whole)})",
        "flat (<= 1.1x)",
        growth <= 1.1,
    )


# --- main -----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (a few minutes less; noisier)")
    parser.add_argument(
        "--only",
        default="startup,bundled,yaml,peers,scaling,batch",
        help="comma-separated sections to run (default: all of startup,bundled,yaml,peers,scaling,batch)",
    )
    parser.add_argument(
        "--peer-path",
        default=os.environ.get("CNNCOUNT_BENCH_PEER_PATH"),
        help="a folder prepended to PYTHONPATH for the torchinfo process only, e.g. one holding numpy "
        "(torchinfo needs it) installed with pip install --target (default: $CNNCOUNT_BENCH_PEER_PATH)",
    )
    args = parser.parse_args()
    sections = set(args.only.split(","))
    if not SCRIPT.exists() or run([PY, "-c", "import cnncount"]).returncode != 0:
        print(
            f"cnncount is not installed for {PY} (no {SCRIPT}): run this with the project's venv python",
            file=sys.stderr,
        )
        return 1
    quick = args.quick
    results = Results()
    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="cnncount-bench-"))
    # Bytecode is cached, in a folder of our own, as for a user who installed a wheel (pip
    # compiles it at install).  PYTHONDONTWRITEBYTECODE, if set, would have every child
    # compile cnncount from source (an editable install has no bytecode of its own).
    ENV.pop("PYTHONDONTWRITEBYTECODE", None)
    ENV["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    global CWD
    CWD = str(tmp)
    machine()
    where = run([PY, "-c", "import cnncount; print(cnncount.__file__)"], keep_output=True).stdout.strip()
    commit = ""
    if where and shutil.which("git"):
        folder = str(Path(where).parent)
        head = run(["git", "-C", folder, "log", "-1", "--format=%h %s"], keep_output=True).stdout.strip()
        dirty = run(["git", "-C", folder, "status", "--porcelain", "--", "."], keep_output=True).stdout.strip()
        if head:
            commit = f" (commit {head[:60]}{', with uncommitted changes' if dirty else ''})"
    print(f"  cnncount imported from: {where}{commit}")
    print(
        f"  bytecode: cached under {tmp / 'pycache'} (PYTHONDONTWRITEBYTECODE was {os.environ.get('PYTHONDONTWRITEBYTECODE', 'unset')})"
    )
    print(
        f"  peak memory: {'GNU time ' + GNU_TIME if GNU_TIME else 'a Python launcher (adds a few MB to each figure)'}"
    )
    try:
        if "startup" in sections:
            startup(results, 10 if quick else 30)
        if "bundled" in sections:
            bundled(results, 10 if quick else 25)
        if "yaml" in sections:
            yaml_text(results, 5 if quick else 15)
        if "peers" in sections:
            peers(results, 2 if quick else 5, tmp, args.peer_path)
        if "scaling" in sections:
            scaling(results, quick, tmp, [1_000, 10_000, 100_000])
        if "batch" in sections:
            batch(results, 2 if quick else 5, 30 if quick else 100, tmp)
            batch_resnets(results, 1 if quick else 3, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    heading("summary")
    print(results.table())
    failed = sum(f.verdict == "FAIL" for f in results.figures)
    print(
        f"\n{sum(f.verdict == 'PASS' for f in results.figures)} passed, {failed} failed, "
        f"{sum(f.verdict == 'SKIP' for f in results.figures)} skipped; {time.perf_counter() - started:.0f} s; "
        f"load average now {os.getloadavg()[0]:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
