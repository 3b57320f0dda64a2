"""Pausing Python's cyclic garbage collector while large specs are read and counted.

Reading a YAML file and counting it allocate hundreds of thousands of small,
acyclic objects; each allocation burst makes the collector walk everything alive,
again and again, which more than doubles the time for a 100,000-layer file.
Nothing here makes reference cycles worth collecting, so the collector is paused
for the duration and restored afterwards (reference counting still frees memory).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """Disable the cyclic collector inside the block; nested uses are fine."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
