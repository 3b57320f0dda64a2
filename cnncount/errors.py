"""The errors cnncount raises for bad input.

Every user mistake is a :class:`CnnCountError`.  The library raises it with the
plain problem ("kernel 7 does not fit input 3x5x5") and each layer of code that
knows more about *where* adds it with :meth:`CnnCountError.at`, so the message
that reaches the user reads like a compiler's::

    vgg.yaml:12:5: layers[3] (conv): kernel 7 does not fit input 3x5x5 (padding 0)

The CLI turns every CnnCountError into that one line on stderr and exit status 2;
anything else escaping is a bug in cnncount.
"""

from __future__ import annotations


class CnnCountError(Exception):
    """Base class of every error caused by what the user gave cnncount."""

    def __init__(self, message: str, *, key: str | None = None, where: object = None) -> None:
        super().__init__(message)
        self.message = message
        #: The key of a layer or file mapping the problem is about, if any; lets
        #: the YAML reader point at that key's own line instead of the layer's.
        self.key = key
        #: Where the problem is: ``vgg.yaml:12:5: layers[3] (conv)``, ``--input``...; text, or an
        #: object that spells it out only when the message is made (a walker's location).
        self.where = where

    def at(self, where: object) -> CnnCountError:
        """Prefix the location, once: the innermost caller knows it best."""
        if self.where is None:
            self.where = where
        return self

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


def printable(text: str) -> str:
    """``text`` with every character a terminal would act on, or not show, spelt out.

    Escape sequences (``\\x1b]0;...\\x07`` sets a window's title, ``\\x1b[2J`` clears the
    screen), line breaks, tabs, bidirectional overrides and other invisible characters
    become ``\\x1b``, ``\\n``, ``\\u202e``, as Python's ``repr`` writes them; everything
    else, any script included, is kept.  Every user-given string that cnncount prints
    (in a message, a table, a picture, a document) goes through here.
    """
    if text.isprintable():  # the common case costs one C call
        return text
    return "".join(char if char.isprintable() else _ESCAPES.get(char) or _escape(char) for char in text)


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def shorten(text: str, most: int = 40) -> str:
    """``text`` printable and at most about ``most`` characters: a 1 MB type is quoted in 40."""
    if len(text) > most:
        text = text[: most - 3] + "..."
    return printable(text)


def quote(value: object, depth: int = 2) -> str:
    """A rejected value as a message quotes it: short, whatever it is.

    Bounded in length and depth, because a value from a YAML file can be an
    alias bomb (a list of ten aliases of a list of ten aliases ...) that would
    take forever to print whole; and a huge integer is described, not printed.
    """
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:37] + "...")
    if isinstance(value, bool) or value is None:
        return "nothing" if value is None else str(value)
    if isinstance(value, int):
        digits = int(value.bit_length() * 0.30103) + 1
        return str(value) if digits <= 30 else f"a number of about {digits:,} digits"
    if isinstance(value, (list, tuple)):
        if depth == 0:
            return "[...]"
        items = [quote(item, depth - 1) for item in value[:6]]
        return "[" + ", ".join(items) + (", ...]" if len(value) > 6 else "]")
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, float):
        return repr(value)
    return type(value).__name__


def did_you_mean(word: str, known: list[str]) -> str:
    """`` (did you mean 'stride'?)`` when a known word is close to ``word``, else ``""``."""
    if len(word) > 100:  # nothing known is that long, and difflib's time grows with it
        return ""
    import difflib  # only on error paths: start-up time matters

    close = difflib.get_close_matches(word, known, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


class SpecError(CnnCountError):
    """What the user wrote is malformed: unknown key, wrong type, bad value."""


class ShapeError(CnnCountError):
    """What the user wrote is well formed but does not fit the shapes reaching it."""
