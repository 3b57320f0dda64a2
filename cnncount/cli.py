"""The command line: options, reading input, choosing a renderer, printing, exit codes.

Everything else lives in the library.  Exit status: 0 on success; 2 for any
mistake in what the user gave (one line on stderr, nothing on stdout); 1 when
the output cannot be written (a closed pipe, a full disk); 130 on Ctrl-C.
"""

from __future__ import annotations

import errno
import gc
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import chain
from typing import IO, TYPE_CHECKING, Any

import click

from . import __version__
from .counts import BIAS_LAYOUTS, DTYPE_BYTES
from .errors import CnnCountError, SpecError, did_you_mean, printable, quote
from .layers import REGISTRY, layer_class
from .layers.base import Bool
from .render import FORMATS
from .shapes import LAYOUTS

if TYPE_CHECKING:
    from .render.styled import Styled

F = Callable[..., Any]


class _Whole(click.ParamType):
    """A whole number within a range, read as --layer words read them (``1_000`` and other
    scripts' digits are not numbers here, though int() takes them)."""

    name = "integer"

    def __init__(self, least: int, most: int) -> None:
        self.least, self.most = least, most

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        from .shapes import parse_int

        try:
            number = value if isinstance(value, int) else parse_int(str(value))
        except ValueError:
            self.fail(f"{quote(str(value))} is not a whole number", param, ctx)
        if not self.least <= number <= self.most:
            self.fail(f"{number} is not in the range {self.least}<=x<={self.most:,}", param, ctx)
        return number


#: count's and convert's: what to do with an op or a layer cnncount has no kind for.
_PASS_UNKNOWN = click.option(
    "--pass-unknown",
    is_flag=True,
    help="Pass an ONNX op or a Keras layer cnncount has no kind for through, on one input, with a warning.",
)


def _warn(passed: list[str] | None) -> None:
    """What --pass-unknown let through, one line each on stderr."""
    for line in passed or ():
        click.echo(f"warning: {line}", err=True)


def output_options(func: F) -> F:
    """The options every counting command shares: format, number format and batch, extras."""
    options = [
        click.option(
            "--format",
            "-f",
            "fmt",
            type=click.Choice(FORMATS),
            default="table",
            show_default=True,
            help="table for people; json (one document per spec, one per line when several), "
            "csv, markdown or latex for pasting.",
        ),
        click.option(
            "--dtype",
            type=click.Choice(list(DTYPE_BYTES)),
            help="Number format for bytes: adds activation columns.  [default: float32]",
        ),
        click.option(
            "--batch",
            type=_Whole(1, 10**18),
            help="Batch size for activations and FLOPs.  [default: 1]",
        ),
        click.option(
            "--depth",
            type=_Whole(1, 10**6),
            metavar="N",
            help="Show blocks N levels deep; deeper ones fold into their subtotal line (table, markdown, latex, dot, mermaid).",
        ),
        click.option(
            "--columns",
            "column_keys",
            metavar="KEY,...",
            help="The table's columns, in order, e.g. name,output_shape,params (see docs/output.md).",
        ),
        click.option(
            "--rf",
            is_flag=True,
            help="Add each layer's receptive field in the input: size, stride and padding (docs/output.md).",
        ),
        click.option("--wide", is_flag=True, help="Every column, however wide the table gets (a terminal wraps it)."),
        click.option("--chart", is_flag=True, help="Draw each layer's share of the parameters and MACs."),
        click.option(
            "--save",
            metavar="FILE.svg|FILE.html",
            help="Write the table (and chart) as a picture instead of printing it; with --format, print that too.",
        ),
    ]
    if isinstance(func, click.Command):  # a generated layer command: append, in order
        for option in options:
            option(func)
        return func
    for option in reversed(options):  # a function: decorators apply bottom-up
        func = option(func)
    return func


def _shapes(texts: Sequence[str]) -> list[tuple[int, ...]]:
    from .shapes import parse_shape

    shapes = []
    for text in texts:
        try:
            shapes.append(parse_shape(text))
        except CnnCountError as exc:
            raise exc.at("--input") from None
    return shapes


class View:
    """How the output options ask for reports to be shown (the options every counting command shares)."""

    __slots__ = ("fmt", "dtype", "batch", "depth", "keys", "rf", "wide", "chart", "save", "fmt_given")

    def __init__(
        self,
        fmt: str,
        dtype: str | None,
        batch: int | None,
        depth: int | None,
        column_keys: str | None,
        rf: bool,
        wide: bool,
        chart: bool,
        save: str | None,
    ) -> None:
        self.fmt = fmt
        self.dtype = dtype
        self.batch = batch
        self.depth = depth
        self.keys = None if column_keys is None else [k.strip() for k in column_keys.split(",") if k.strip()]
        self.rf = rf
        self.wide = wide
        self.chart = chart
        self.save = save
        ctx = click.get_current_context(silent=True)
        source = ctx.get_parameter_source("fmt") if ctx is not None else None
        self.fmt_given = source is not None and source.name != "DEFAULT"


def _view(given: dict[str, Any]) -> View:
    """The output options, taken out of a command's keyword arguments."""
    names = ("fmt", "dtype", "batch", "depth", "column_keys", "rf", "wide", "chart", "save")
    return View(*(given.pop(name) for name in names))


def _emit(reports: Iterable[Any], view: View, *, explain: bool = False, many: bool = False) -> None:
    """Print reports to stdout in the chosen format, or save a picture, or both.

    Everything that can fail is done before the first byte is printed, so a
    failure leaves stdout empty. ``many`` says ``reports`` come one per SPEC, counted
    as they are asked for: JSON, CSV and tables then :func:`_stream` them.
    """
    from .memory import Memory

    fmt, save = view.fmt, view.save
    asked = view.dtype is not None or view.batch is not None
    memory = Memory(view.dtype or "float32", view.batch or 1)
    if save is not None and not save.lower().endswith((".svg", ".html", ".htm")):
        raise SpecError(f"{quote(save)} must end in .svg or .html", where="--save")
    if (view.chart or explain) and fmt != "table" and save is None:
        raise SpecError(f"--chart and --explain draw under the table: use --format table or --save, not --format {fmt}")
    if fmt in ("json", "csv") and (view.depth is not None or view.keys is not None):
        raise SpecError(
            f"--depth and --columns shape tables and pictures; --format {fmt} lists every layer, every column"
        )
    if view.keys == []:
        raise SpecError("give at least one column, e.g. --columns name,params", where="--columns")
    printed = fmt != "table" or save is None or view.fmt_given
    if many and save is None and fmt in ("json", "csv", "table"):
        _stream(reports, view, memory, asked, explain)
        return
    reports = list(reports)
    text = None
    pieces: Iterable[str] = ()
    if fmt == "json":
        pieces = (piece for report in reports for piece in _json_pieces(report, memory, view.rf))
    elif fmt != "table":
        from importlib import import_module

        if view.rf and fmt not in ("csv", "markdown", "latex"):
            raise SpecError(f"--rf adds columns to a table: --format table, csv, markdown, latex or json, not {fmt}")
        module = import_module(f".render.as_{fmt}", __package__)
        extra = {"rf": True} if view.rf else {}
        text = module.render(reports, memory if asked else None, depth=view.depth, keys=view.keys, **extra)
    if (fmt == "table" and printed) or save is not None:
        from .render import as_table

        def shown(width: int | None) -> Any:
            return as_table.render(reports, width=width, **_table_options(view, memory if asked else None, explain))

        if save is not None:
            _save(shown(None), save)  # a picture at its natural width: a browser scrolls, it never folds
        if fmt == "table" and printed:
            _print_laid_out(lambda width: shown(None if view.wide else width))
    if text is not None:
        click.echo(text, nl=False)
    _echo_pieces(pieces)


def _json_pieces(report: Any, memory: Any, rf: bool) -> Iterable[str]:
    """A report's JSON as stdout gets it, a line after it: pretty for a person at a terminal; into
    pipes and files one line (JSON Lines), made a layer at a time, never whole in memory."""
    from .render import as_json

    if _stdout_is_terminal():
        return (as_json.render(report, memory, rf=rf), "\n")
    return chain(as_json.pieces(report, memory, rf=rf), ("\n",))


def _table_options(view: View, memory: Any, explain: bool) -> dict[str, Any]:
    """What the output options ask of the table format (as_table.render and as_table.sections)."""
    return {
        "memory": memory,
        "depth": view.depth,
        "keys": view.keys,
        "explain": explain,
        "show_chart": view.chart,
        "rf": view.rf,
    }


def _stream(reports: Iterable[Any], view: View, memory: Any, asked: bool, explain: bool) -> None:
    """Write each report as soon as it is counted, and let it go: what is kept is the output
    (in a spool: memory up to a few MB, then a temporary file) and, for a table, each report's
    line of the comparison. The spool is printed once every report is counted, so that an
    error in the last leaves stdout empty, as for one."""
    fmt = view.fmt
    if fmt == "table":
        from .render import as_table

        width, draw, styled = _table_target()
        if view.wide:
            width = None
        summaries: list[tuple[str, tuple[str, ...]]] = []
        options = _table_options(view, memory if asked else None, explain)
        with _spooled(color=styled) as spool:
            for report in reports:
                shown = as_table.sections(report, width=width, **options)
                spool.write(("\n\n" if summaries else "") + draw(shown))
                summaries.append((report.name or "", as_table.summary_cells(report)))
            spool.write("\n\n" + draw(as_table.closing(summaries, width)) + "\n")
        return
    from .render import as_csv

    with _spooled() as spool:
        if fmt == "csv":
            spool.write(as_csv.header(view.rf))
        for number, report in enumerate(reports):
            if fmt == "json":
                spool.writelines(_json_pieces(report, memory, view.rf))
            else:
                spool.write(as_csv.lines(report, number, memory if asked else None, rf=view.rf))


def _echo_pieces(pieces: Iterable[str]) -> None:
    """Print ``pieces`` to stdout in writes of about a MB each."""
    batch: list[str] = []
    size = 0
    for piece in pieces:
        batch.append(piece)
        size += len(piece)
        if size >= 1 << 20:
            click.echo("".join(batch), nl=False)
            batch, size = [], 0
    if batch:
        click.echo("".join(batch), nl=False)


@contextmanager
def _spooled(color: bool = False) -> Iterator[IO[str]]:
    """A file to write output to, printed to stdout when the block ends without an error (and
    never otherwise): held in memory up to 8 MB, beyond that in a temporary file."""
    import tempfile

    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024, mode="w+", encoding="utf-8") as spool:
        yield spool
        spool.seek(0)
        while chunk := spool.read(1 << 20):
            click.echo(chunk, nl=False, color=color)


def _table_target() -> tuple[int | None, Callable[[Styled], str], bool]:
    """Where a table goes: the width to lay it out for (on a terminal, the terminal's; piped, its
    natural width, or $COLUMNS when that is set), how to draw it (in the terminal's styles, or
    plain text), and whether that is with styles."""
    environ = os.environ
    if _styles_wanted(environ):
        colour = not environ.get("NO_COLOR")
        return _terminal_width(), lambda shown: shown.ansi(colour=colour), True
    width = _terminal_width() if _stdout_is_terminal() else _columns_env()
    return width, lambda shown: shown.plain, False


def _print_laid_out(lay_out: Callable[[int | None], Styled]) -> None:
    """Print what ``lay_out`` draws for the width the table goes to, as it goes there."""
    width, draw, styled = _table_target()
    click.echo(draw(lay_out(width)), color=styled)


def _styles_wanted(environ: Mapping[str, str]) -> bool:
    """Whether to draw bold, dim and colours: as rich decides, on a terminal that is not dumb,
    or wherever TTY_COMPATIBLE=1 or a non-empty FORCE_COLOR (https://force-color.org) says so."""
    compatible = environ.get("TTY_COMPATIBLE", "")
    if compatible in ("0", "1"):
        wanted = compatible == "1"
    elif "FORCE_COLOR" in environ:
        wanted = environ["FORCE_COLOR"] != ""
    else:
        wanted = _stdout_is_terminal()
    return wanted and environ.get("TERM", "").lower() not in ("dumb", "unknown")


def _terminal_width() -> int:
    """The terminal's width, asked of the terminal itself (with TERM=dumb, Emacs' shell, $COLUMNS
    may say 80 whatever the window is); else $COLUMNS, else 80."""
    try:
        return os.get_terminal_size(sys.stdout.fileno()).columns or 80
    except (OSError, ValueError, AttributeError):
        return _columns_env() or 80


def _stdout_is_terminal() -> bool:
    isatty = getattr(sys.stdout, "isatty", None)
    return bool(isatty and isatty())


def _columns_env() -> int | None:
    """$COLUMNS, the width a piped table is drawn at, when it is set to a number."""
    import os

    text = os.environ.get("COLUMNS", "")
    return int(text) if text.isdigit() and 0 < int(text) <= 100_000 else None


def _save(shown: Any, path: str) -> None:
    """Write the table output as an SVG or HTML picture."""
    from .render import as_picture

    picture = as_picture.svg(shown) if path.lower().endswith(".svg") else as_picture.html(shown)
    _write(path, picture, "--save")


def _write(path: str, text: str, option: str) -> None:
    """Write ``text`` to the file ``path`` names; OutputError (exit 1) when it cannot be."""
    import os

    try:
        # Opened without blocking: a FIFO that nothing reads is refused (ENXIO), not waited on for ever.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NONBLOCK, 0o666)
        os.set_blocking(fd, True)
        with open(fd, "w", encoding="utf-8") as out:
            out.write(text)
    except OSError as exc:
        reason = "a FIFO that nothing reads" if exc.errno == errno.ENXIO else exc.strerror or str(exc)
        raise OutputError(f"{option}: cannot write {quote(path)}: {reason}") from None


class OutputError(Exception):
    """What cnncount was asked to write could not be written (exit status 1)."""


def _show_help(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(ctx.get_help(), color=ctx.color)
        ctx.exit()


class _Command(click.Command):
    """A click command whose --help option is made without gettext.

    click builds the help option on every run with a translated help text, and
    the first translation imports locale: a millisecond of start-up, on every
    command, for a message that is only shown with --help.
    """

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        names = self.get_help_option_names(ctx)
        if not names or not self.add_help_option:
            return None
        return click.Option(
            names,
            is_flag=True,
            is_eager=True,
            expose_value=False,
            callback=_show_help,
            help="Show this message and exit.",
        )


class _Group(click.Group):
    """A click group whose commands make their --help option without gettext (see _Command)."""

    command_class = _Command
    get_help_option = _Command.get_help_option


def _print_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    # click.version_option would do, but it calls gettext at import time, which
    # imports locale: a millisecond of start-up for every command.
    if value:
        click.echo(f"cnncount {__version__}")
        ctx.exit()


class _Main(click.Group):
    """The top-level group: builds layer subcommands on demand and lists them apart."""

    command_class = _Command
    get_help_option = _Command.get_help_option

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*self._commands(), *REGISTRY]

    def _commands(self) -> list[str]:
        """The commands that are not one layer's: count, the main one, first, then the others by name."""
        return sorted({*self.commands, *_LATER}, key=lambda name: (name != "count", name))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.commands:
            return self.commands[name]
        if name in _LATER:
            self.commands[name] = _LATER[name]()
            return self.commands[name]
        if name in REGISTRY:
            return _layer_command(name)
        return None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        found = [(name, self.get_command(ctx, name)) for name in self._commands()]
        rows = [(name, command.get_short_help_str(60)) for name, command in found if command is not None]
        with formatter.section("Commands"):
            formatter.write_dl(rows)
        with formatter.section("Layer commands (one layer, with its formulas)"):
            formatter.write_dl([(kind, layer_class(kind).summary) for kind in REGISTRY])


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version and exit.",
)
def cli() -> None:
    """Exact parameter counts of convolutional networks, tied and untied biases side by side.

    \b
    Examples:
      cnncount conv --input 3x32x32 --filters 32 --kernel 5
      cnncount count resnet50 --depth 2
      cnncount count --input 3x32x32 --layer "conv filters=32 kernel=5" \\
          --layer flatten --layer "dense units=10"

    \b
    Shell completion (one line in the shell's start-up file):
      bash  eval "$(_CNNCOUNT_COMPLETE=bash_source cnncount)"
      zsh   eval "$(_CNNCOUNT_COMPLETE=zsh_source cnncount)"
      fish  _CNNCOUNT_COMPLETE=fish_source cnncount | source
    """


def _complete_bundled(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    from .sources import bundled_families, bundled_names

    return sorted(n for n in {*bundled_names(), *bundled_families()} if n.startswith(incomplete))


def _complete_spec(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Bundled spec names, with the files and folders that start the same way; only files
    when no name does (the shell completes those itself).

    The names and the paths are given together because click's bash script drops
    every name when a "file" entry comes with them.
    """
    import os

    from click.shell_completion import CompletionItem

    names = [CompletionItem(n) for n in _complete_bundled(ctx, param, incomplete)]
    if not names:
        return [CompletionItem(incomplete, type="file")]
    folder = os.path.dirname(incomplete)
    try:
        entries = sorted(os.scandir(folder or "."), key=lambda entry: entry.name)
    except OSError:
        entries = []
    paths = [
        CompletionItem(os.path.join(folder, e.name) + ("/" if e.is_dir() else ""))
        for e in entries
        if os.path.join(folder, e.name).startswith(incomplete) and not e.name.startswith(".")
    ]
    return [*names, *paths]


def _complete_layer(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """Layer type names at the start of a --layer word."""
    return [kind for kind in REGISTRY if kind.startswith(incomplete)]


#: The options that say what network to read, as count and export take them.
_INPUT = click.option(
    "--input",
    "-i",
    "input_texts",
    multiple=True,
    metavar="SHAPE",
    help="Per-sample input shape, e.g. 3x224x224; once per input for a file with several.",
)
_LAYER = click.option(
    "--layer",
    "-l",
    "layer_words",
    multiple=True,
    metavar="'TYPE KEY=VALUE ...'",
    help="A layer, e.g. 'conv filters=32 kernel=5'; repeat for a stack.",
    shell_complete=_complete_layer,
)
_BIAS = click.option(
    "--bias", type=click.Choice(BIAS_LAYOUTS), help="Use this bias layout in every layer that has biases."
)


@cli.command()
@click.argument("specs", nargs=-1, metavar="[SPEC]...", shell_complete=_complete_spec)
@_INPUT
@_LAYER
@_BIAS
@click.option("--name", help="The network's name (a --layer stack's, or replacing one SPEC's).")
@click.option(
    "--layout",
    type=click.Choice(LAYOUTS),
    help="Shapes channels first (3x224x224) or last (224x224x3); a file says with input_layout.  [default: channels_first]",
)
@click.option(
    "--set",
    "-s",
    "set_texts",
    multiple=True,
    metavar="NAME=VALUE[,VALUE...]",
    help="Give a spec's argument (args:) a value; several values, comma-separated, count every combination (a sweep).",
)
@click.option("--explain", is_flag=True, help="Show every layer's formulas with its numbers under the table.")
@_PASS_UNKNOWN
@output_options
def count(
    specs: tuple[str, ...],
    input_texts: tuple[str, ...],
    layer_words: tuple[str, ...],
    bias: str | None,
    name: str | None,
    layout: str | None,
    set_texts: tuple[str, ...],
    explain: bool,
    pass_unknown: bool,
    **output: Any,
) -> None:
    """Count whole architectures: YAML specs, or a stack of --layer words.

    SPEC is a YAML file, - for standard input, or the name of a bundled spec
    (see 'cnncount specs'). --input replaces a file's input shape and --bias
    every layer's bias layout.

    \b
    Examples:
      cnncount count vgg16
      cnncount count resnet18 resnet50 --format json | jq .totals.params
      cnncount count --input 3x32x32 --layer "conv filters=32 kernel=5" \\
          --layer "maxpool kernel=2" --layer flatten --layer "dense units=10"
    """
    from .model import count as count_arch

    shapes = _shapes(input_texts)
    sets: dict[str, list[Any]] = {}
    if set_texts:
        from .template import parse_sets

        sets = parse_sets(set_texts)
        if layer_words:
            raise SpecError("--set gives a spec's arguments (args:); a --layer stack has none")
    if specs and layer_words:
        raise SpecError("give either SPEC files or --layer words, not both")
    if any(len(values) > 1 for values in sets.values()):
        if len(specs) != 1:
            raise SpecError("a sweep (--set NAME=V1,V2,...) counts one SPEC; give one")
        _sweep(specs[0], sets, shapes, bias, layout, name, _view(output), explain)
        return
    given = {key: values[0] for key, values in sets.items()}
    archs = _each_architecture(specs, shapes, layer_words, bias, name, layout, given, "count", pass_unknown)
    view = _view(output)
    _emit((count_arch(arch) for arch in archs), view, explain=explain, many=len(specs) > 1)


def _each_architecture(
    specs: Sequence[str],
    shapes: list[tuple[int, ...]],
    layer_words: Sequence[str],
    bias: str | None,
    name: str | None,
    layout: str | None,
    given: dict[str, Any],
    verb: str,
    pass_unknown: bool = False,
) -> Iterator[Any]:
    """The architectures SPECs or a --layer stack describe, with --input, --bias, --name, --layout
    and --set applied (and --pass-unknown, for models of other frameworks), each read when the
    one before has been used."""
    from .spec import from_words

    if name is not None and len(specs) > 1:
        raise SpecError("--name names one network: give one SPEC, or none with --layer words")
    if layer_words:
        if not shapes:
            raise SpecError("--input is required with --layer, e.g. --input 3x32x32")
        if len(shapes) > 1:
            raise SpecError(f"a --layer stack has one input; --input is given {len(shapes)} times")
        yield from_words(shapes[0], list(layer_words), bias=bias, name=name, layout=layout or "channels_first")
        return
    if not specs:
        raise SpecError(f"nothing to {verb}: give a SPEC file or bundled name, or --input with --layer words")
    from .spec import from_source

    for spec in specs:
        passed: list[str] | None = [] if pass_unknown else None
        try:
            arch = from_source(spec, passing=passed, input_shapes=shapes or None, bias=bias, layout=layout, sets=given)
        finally:  # said even when the spec then fails
            _warn(passed)
        yield arch if name is None else arch.replace(name=name)


def _export_command() -> click.Command:
    """The export command, made when it is asked for: its options cost the other commands' start-up nothing."""

    @click.command("export", cls=_Command)
    @click.argument("spec", required=False, metavar="[SPEC]", shell_complete=_complete_spec)
    @click.option(
        "--to", "target", type=click.Choice(["pytorch"]), default="pytorch", show_default=True, help="The framework."
    )
    @click.option("--output", "-o", "path", metavar="FILE", help="Write the code to FILE instead of standard output.")
    @_INPUT
    @_LAYER
    @_BIAS
    @click.option("--name", help="The network's name, which names the module's class.")
    @click.option("--layout", type=click.Choice(LAYOUTS), help="Shapes channels first or last, as for count.")
    @click.option(
        "--set", "-s", "set_texts", multiple=True, metavar="NAME=VALUE", help="Give a spec's argument a value."
    )
    def export(
        spec: str | None,
        target: str,
        path: str | None,
        input_texts: tuple[str, ...],
        layer_words: tuple[str, ...],
        bias: str | None,
        name: str | None,
        layout: str | None,
        set_texts: tuple[str, ...],
    ) -> None:
        """Write a spec as PyTorch code that counts what cnncount counts.

        SPEC is read as count reads it (a file, - or a bundled name), or give
        --input with --layer words. The code is one Python file that imports only
        torch: an nn.Module named after the spec, its submodules named after the
        spec's layers, untied biases included (docs/export.md).

        \b
        Examples:
          cnncount export resnet18 -o resnet18.py
          cnncount export conv5x5_cifar --bias untied
        """
        from .export import pytorch
        from .model import count as count_arch

        given: dict[str, Any] = {}
        if set_texts:
            from .template import parse_sets

            sets = parse_sets(set_texts)
            if layer_words:
                raise SpecError("--set gives a spec's arguments (args:); a --layer stack has none")
            if any(len(values) > 1 for values in sets.values()):
                raise SpecError("export writes one network: give --set one value per argument")
            given = {key: values[0] for key, values in sets.items()}
        if spec is not None and layer_words:
            raise SpecError("give either a SPEC or --layer words, not both")
        specs = () if spec is None else (spec,)
        (arch,) = _each_architecture(specs, _shapes(input_texts), layer_words, bias, name, layout, given, "export")
        source = pytorch(count_arch(arch)).source
        if path is None:
            click.echo(source, nl=False)
            return
        _write(path, source, "--output")

    return export


def _convert_command() -> click.Command:
    """The convert command, made when it is asked for: its options cost the other commands' start-up nothing."""

    @click.command("convert", cls=_Command)
    @click.argument("spec", metavar="FILE", shell_complete=_complete_spec)
    @click.option("--output", "-o", "path", metavar="OUT", help="Write the spec to OUT instead of standard output.")
    @click.option(
        "--input", "-i", "input_texts", multiple=True, metavar="SHAPE", help="Per-sample input shape, as for count."
    )
    @_PASS_UNKNOWN
    def convert(spec: str, path: str | None, input_texts: tuple[str, ...], pass_unknown: bool) -> None:
        """Write a model as a cnncount YAML spec that counts what the model counts.

        FILE is an ONNX model (model.onnx: pip install 'cnncount[onnx]'), a Keras
        model's JSON (model.to_json()), or a YAML spec, written again in the same
        layout: converting a converted spec changes nothing. A layer per node or
        layer call, named after it, reading the layers it reads by name
        (docs/import.md).

        \b
        Examples:
          cnncount convert model.onnx -o model.yaml
          cnncount convert model.onnx | cnncount count -
        """
        from .convert import to_yaml
        from .model import count as count_arch
        from .readers import read_model
        from .spec import from_dict

        passed: list[str] | None = [] if pass_unknown else None
        model = read_model(spec, passed) if spec != "-" else None
        _warn(passed)
        if model is not None:
            doc, source = model
        else:
            from .sources import read_spec
            from .spec import load_spec

            text, source = read_spec(spec)
            doc = load_spec(text, source)
            if not isinstance(doc, dict):
                raise SpecError("expected a mapping (input, layers, ...) at the top", where=source)
        shapes = _shapes(input_texts)
        if shapes:
            doc = {**doc}
            if len(shapes) == 1 and "inputs" not in doc:
                doc["input"] = list(shapes[0])
            else:
                raise SpecError("--input replaces the input of a model with one input; give it once")
        report = count_arch(from_dict(doc, source))
        totals = report.totals
        header = (
            f"{report.name or 'network'}: {len(report.rows)} layers, {totals.params:,} parameters "
            f"({totals.params_untied:,} with every bias untied), as cnncount counts them"
        )
        text = to_yaml(doc, header)
        if path is None:
            click.echo(text, nl=False)
            return
        _write(path, text, "--output")

    return convert


#: Commands made when they are asked for (see _Main.get_command).
_LATER: dict[str, Callable[[], click.Command]] = {"export": _export_command, "convert": _convert_command}


def _sweep(
    spec: str,
    sets: dict[str, list[Any]],
    shapes: list[tuple[int, ...]],
    bias: str | None,
    layout: str | None,
    name: str | None,
    view: View,
    explain: bool,
) -> None:
    """Count every combination of the --set values, one at a time, and print one line each
    (table, CSV) or one document each (JSON Lines, with its ``args``)."""
    from .model import count as count_arch
    from .sources import read_spec
    from .spec import load_spec, sweep

    if view.fmt not in ("table", "json", "csv") or view.chart or explain or view.depth or view.keys or view.rf:
        raise SpecError(
            "a sweep prints one line per combination: --format table, json or csv, "
            "without --chart, --explain, --depth, --columns or --rf"
        )
    if view.dtype is not None or view.batch is not None:
        raise SpecError("a sweep compares totals: --dtype and --batch add per-layer columns it does not show")
    text, source = read_spec(spec)
    doc = load_spec(text, source)
    from .template import for_combination

    def counted() -> Any:
        for combination, arch in sweep(doc, source, sets, input_shapes=shapes or None, bias=bias, layout=layout):
            try:
                yield combination, count_arch(arch if name is None else arch.replace(name=name))
            except CnnCountError as exc:
                raise for_combination(exc, combination) from None

    names = list(sets)
    if view.fmt == "json":
        from .memory import Memory

        # Every variant is counted before the first byte is printed (an error leaves stdout
        # empty), without holding them.
        with _spooled() as spool:
            for _, report in counted():
                spool.writelines(_json_pieces(report, Memory(), False))
        return
    from .render import as_csv, as_table
    from .template import format_arg

    # Only each variant's line is kept, never its report.
    lines: list[str] = []
    rows: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
    spec_names: set[str] = set()
    for combination, report in counted():
        spec_name = name or report.name or source  # a family's variants have their own names
        spec_names.add(spec_name)
        values = tuple(format_arg(combination[key]) for key in names)
        if view.fmt == "csv":
            lines.append(as_csv.sweep_line(spec_name, values, report))
        else:
            rows.append((values, as_table.summary_cells(report)))
    if view.fmt == "csv":
        click.echo(as_csv.sweep_header(names) + "".join(lines), nl=False)
        return

    def shown(width: int | None) -> Any:
        # the variants of a family sweep have names of their own: the file's is the title
        file_name = os.path.splitext(os.path.basename(source))[0]
        title = f"{printable(spec_names.pop() if len(spec_names) == 1 else file_name)}: {len(rows):,} combinations of {', '.join(names)}"
        return as_table.comparison(title, names, rows, width)

    if view.save is not None:
        _save(shown(None), view.save)
        if not view.fmt_given:
            return
    _print_laid_out(lambda width: shown(None if view.wide else width))


@cli.group(cls=_Group, invoke_without_command=True)
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table, or json: one document per spec, one per line.",
)
@click.pass_context
def specs(ctx: click.Context, fmt: str) -> None:
    """List the bundled architectures with their input shape and totals.

    \b
    Examples:
      cnncount specs
      cnncount specs show resnet18 > my_resnet.yaml
      cnncount count my_resnet.yaml
    """
    if ctx.invoked_subcommand is not None:
        return
    from .model import count as count_arch
    from .sources import bundled_names, read_spec
    from .spec import from_yaml

    reports = []
    for name in bundled_names():
        text, source = read_spec(name)
        reports.append((name, count_arch(from_yaml(text, source))))
    if fmt == "json":
        from .render import as_json

        for name, report in reports:
            click.echo(as_json.summary(name, report))
        return
    from .render import as_table

    _print_laid_out(lambda width: as_table.spec_list(reports, width))


@specs.command()
@click.argument("name", shell_complete=_complete_bundled)
def show(name: str) -> None:
    """Print a bundled spec's YAML, to copy and change.

    \b
    Example:
      cnncount specs show resnet18 > my_resnet.yaml
    """
    from .sources import bundled_families, bundled_names, read_bundled

    if name not in bundled_names() and name not in bundled_families():
        raise SpecError(
            f"no bundled spec {quote(name)}{did_you_mean(name, bundled_names())}; 'cnncount specs' lists them"
        )
    click.echo(read_bundled(name), nl=False)


@cli.command()
def schema() -> None:
    """Print a JSON Schema of the YAML spec format, for editors.

    \b
    Example:
      cnncount schema > cnncount.schema.json
    then start a spec file with:
      # yaml-language-server: $schema=./cnncount.schema.json
    """
    import json

    from .schema import spec_schema

    click.echo(json.dumps(spec_schema(), indent=2))


def _layer_command(kind: str) -> click.Command:
    """A subcommand for one layer kind, its options generated from the kind's description."""
    cls = layer_class(kind)
    merge = cls.arity[1] != 1
    options: list[click.Parameter] = [
        click.Option(
            ["--input", "-i", "input_texts"],
            required=True,
            multiple=True,
            metavar="SHAPE",
            help="Per-sample input shape, e.g. 3x32x32"
            + ("; once per input, e.g. --input 64x28x28 --input 32x28x28." if merge else "."),
        )
    ]
    for param in cls.params():
        flag = "--" + param.name.replace("_", "-")
        shown = None if param.required or param.default is None else str(param.default).lower()
        help_text = param.help[:1].upper() + param.help[1:] + (f"  [default: {shown}]" if shown is not None else "")
        if isinstance(param.value, Bool):
            options.append(click.Option([f"{flag}/--no-{flag[2:]}", param.name], default=None, help=help_text))
        else:
            options.append(
                click.Option([flag, param.name], required=param.required, metavar=param.value.metavar, help=help_text)
            )
    options.append(click.Option(["--name"], help="Name shown for the layer."))
    options.append(
        click.Option(
            ["--layout"],
            type=click.Choice(LAYOUTS),
            default="channels_first",
            show_default=True,
            help="Shapes channels first (3x32x32) or channels last (32x32x3).",
        )
    )

    def run(
        input_texts: tuple[str, ...],
        layout: str,
        **given: Any,
    ) -> None:
        from .model import count as count_arch
        from .spec import from_options

        shapes = _shapes(input_texts)
        if not merge and len(shapes) > 1:
            raise SpecError(f"{kind} reads one input; --input is given {len(shapes)} times")
        if len(shapes) < cls.arity[0]:
            raise SpecError(f"{kind} reads {cls.arity[0]} or more inputs: give --input once for each")
        view = _view(given)
        texts = {k: str(v).lower() if isinstance(v, bool) else v for k, v in given.items() if v is not None}
        report = count_arch(from_options(kind, shapes, texts, layout))
        _emit([report], view, explain=view.fmt == "table" or view.save is not None)

    command = _Command(
        kind,
        params=options,
        callback=run,
        help=f"{_dedent(cls.__doc__ or '')}\n\n\b\nExample:\n{_example(f'cnncount {kind} {cls.example}')}",
        short_help=cls.summary,
    )
    output_options(command)
    return command


def _example(line: str, width: int = 74) -> str:
    """A command line for a help text's example: indented, continued with a backslash where too long."""
    lines = [""]
    for word in line.split(" "):
        if lines[-1] and len(lines[-1]) + 1 + len(word) > width:
            lines[-1] += " \\"
            lines.append("    " + word)
        else:
            lines[-1] = f"{lines[-1]} {word}" if lines[-1] else word
    return "\n".join("  " + piece for piece in lines)


def _dedent(doc: str) -> str:
    """A docstring as help text: the lines after the first lose their common indent (which click
    would otherwise keep as runs of spaces inside the paragraphs it rewraps), and the runs of
    spaces inside a paragraph's lines (two after a full stop) become one.  Paragraphs marked
    with click's ``\\b`` keep their lines as written."""
    first, _, rest = doc.strip("\n").partition("\n")
    lines = rest.splitlines()
    indent = min((len(line) - len(line.lstrip()) for line in lines if line.strip()), default=0)
    out = [" ".join(first.split())]
    verbatim = False
    for line in lines:
        line = line[indent:]
        if not line.strip():
            verbatim = False
        elif line.strip() == "\b":
            verbatim = True
        elif not verbatim:
            line = " ".join(line.split())
        out.append(line)
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> None:
    """Console entry point: runs the CLI and turns user mistakes into one line and exit status 2."""
    # A short-lived process that makes no garbage cycles worth collecting: the
    # cyclic collector only costs time here (see limits.big_input).  Restored
    # for callers that run main() in-process, such as the tests.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        _run(argv)
    finally:
        if was_enabled:
            gc.enable()


def _run(argv: Sequence[str] | None) -> None:
    if sys.stdout is None:  # started with stdout closed (>&-): what is printed must fail, not vanish
        sys.stdout = _closed_stdout()
    elif hasattr(sys.stdout, "reconfigure"):  # an encoding that cannot show a name spells it out (\u7f51)
        sys.stdout.reconfigure(errors="backslashreplace")
    try:
        code = _invoke(argv)
        sys.stdout.flush()  # here, where a full disk can be reported, not while Python exits
    except CnnCountError as exc:
        _fail(str(exc) if exc.where else f"cnncount: {exc}", 2)
    except OutputError as exc:  # --save could not write its file
        _fail(str(exc), 1)
    except click.ClickException as exc:
        where = exc.ctx.command_path if getattr(exc, "ctx", None) else "cnncount"  # type: ignore[attr-defined]
        _fail(f"{where}: {exc.format_message()}", exc.exit_code)
    except (click.exceptions.Abort, KeyboardInterrupt):
        _fail("cnncount: interrupted", 130)
    except BrokenPipeError:
        # The reader went away (`| head`): say nothing more.
        _fail(None, 1, stdout_lost=True)
    except OSError as exc:  # writing the output failed: a full disk, a closed stdout
        _fail(f"cnncount: cannot write the output: {exc.strerror or exc}", 1, stdout_lost=True)
    sys.exit(code if isinstance(code, int) else 0)


def _invoke(argv: Sequence[str] | None) -> Any:
    """Run the click group; plain ``cnncount`` prints the help, as asked (status 0)."""
    try:
        return cli.main(args=list(argv) if argv is not None else None, prog_name="cnncount", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.ctx.get_help())
        return 0


#: Longest message printed, in characters: whatever it quotes, a message stays a line.
MAX_MESSAGE = 1_000


def _fail(message: str | None, status: int, *, stdout_lost: bool = False) -> None:
    """Say ``message`` as one line on stderr (user text in it escaped, its middle left out
    when long) and exit with ``status``, whatever state stdout and stderr are in."""
    import os

    if stdout_lost:  # what is still buffered for stdout goes nowhere, so Python does not fail at exit
        _to_devnull(sys.stdout)
    if message is not None:
        line = printable(" ".join(message.split()))
        if len(line) > MAX_MESSAGE:
            line = f"{line[: MAX_MESSAGE // 2]} ... {line[-MAX_MESSAGE // 2 :]}"
        try:
            if sys.stderr is None:
                raise OSError
            sys.stderr.write(line + "\n")
            sys.stderr.flush()
        except (OSError, ValueError):  # stderr full or closed: the status is all that can be said
            sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - kept open until the process ends
    sys.exit(status)


def _to_devnull(stream: Any) -> None:
    import os

    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())
    except (OSError, ValueError, AttributeError):  # no file descriptor (closed, or a test's buffer)
        pass


def _closed_stdout() -> Any:
    """A stdout that fails as writing to a closed one does."""
    import io

    class Closed(io.RawIOBase):
        def writable(self) -> bool:
            return True

        def write(self, data: Any) -> int:
            raise OSError(errno.EBADF, "standard output is closed")

    return io.TextIOWrapper(Closed(), encoding="utf-8")
