"""How big an input cnncount accepts, and the interpreter settings that make big ones fast.

The limits exist so that no file, however hostile (an alias bomb, a typo like
``repeat: 1000000000``, a 50 MB upload), can make cnncount hang or eat the
machine: it refuses them at once with a message naming the limit.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager

#: Largest spec file read, in bytes.  The largest real networks take a few
#: hundred kilobytes; a 100,000-layer generated spec about 6 MB.
MAX_FILE_BYTES = 16 * 1024 * 1024

#: Most leaf layers a network may expand to, repetitions included.
MAX_LAYERS = 200_000

#: Deepest nesting of blocks inside blocks.
MAX_NESTING = 1_000

#: Python frames the reader and the walker need per level of nesting, with room to spare.
_FRAMES_PER_LEVEL = 8


@contextmanager
def big_input() -> Iterator[None]:
    """Settings for reading and counting a large spec, restored afterwards.

    The cyclic garbage collector is paused: reading a YAML file and counting it
    allocate hundreds of thousands of small acyclic objects, and each burst made
    the collector walk everything alive again and again (more than doubling the
    time of a 100,000-layer file).  Reference counting still frees memory.

    The recursion limit is raised so that blocks nested ``MAX_NESTING`` deep can
    be read and walked; deeper nesting is refused before it gets there.
    """
    was_enabled = gc.isenabled()
    old_limit = sys.getrecursionlimit()
    gc.disable()
    sys.setrecursionlimit(max(old_limit, 2_000 + _FRAMES_PER_LEVEL * MAX_NESTING))
    try:
        yield
    finally:
        sys.setrecursionlimit(old_limit)
        if was_enabled:
            gc.enable()
