"""How big an input cnncount accepts, and the interpreter settings that make big ones fast.

The limits exist so that no file, however hostile (an alias bomb, a typo like
``repeat: 1000000000``, a 50 MB upload), can make cnncount hang or eat the
machine: it refuses them at once with a message naming the limit.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

#: Largest spec file read, in bytes.  The largest real networks take a few
#: hundred kilobytes; a 100,000-layer generated spec about 6 MB.  Parsing costs
#: about a second per megabyte, so this bounds the time any file can take.
MAX_FILE_BYTES = 8 * 1024 * 1024

#: Largest model file read (ONNX): 2 GiB, the most one protobuf message holds; its weights make
#: a model large, and onnx reads them whole (cnncount looks only at their shapes).
MAX_MODEL_BYTES = 2 * 1024**3

#: Most places a YAML value can start in a spec file: its line breaks, commas,
#: colons, brackets and list dashes (see ``spec.count_values``), each a node or two
#: for the parser to build.  Measured, a value costs up to 2.8 us and 660 bytes to
#: read, however the file is shaped (lists, flow or block mappings, nesting), and
#: 5 us to read and count as layers: the most any accepted file costs is about 2 s and
#: 480 MB of junk, or 3.5 s and 350 MB of real layers.  A 100,000-layer spec has
#: about 670,000 (docs/performance.md).
MAX_VALUES = 700_000

#: Largest size or option value (filters, units, kernel, a shape's size, --batch): far
#: beyond any network, small enough that every product of them prints in any format
#: (Python refuses to turn integers of more than 4,300 digits into text).
MAX_VALUE = 10**18

#: Most leaf layers a network may expand to, repetitions included.
MAX_LAYERS = 200_000

#: Most entries and names reading a file may look at, an aliased list each time it is
#: used: more than a network within MAX_LAYERS and MAX_EDGES can need, and about a
#: second of reading at most.
MAX_LOOKS = 2_000_000

#: Most inputs one layer may name with ``from`` (a merge of a DenseNet block has a few dozen).
MAX_INPUTS = 10_000

#: Most inputs all the layers of a network may read in all, repetitions included: what a
#: network's names cost to look up (a 200,000-layer chain reads 200,000).
MAX_EDGES = 1_000_000

#: Most characters the qualified names of a network's layers may take in all: blocks nested
#: 1,000 deep, used again and again, would otherwise make gigabytes of names.
MAX_NAME_TEXT = 20_000_000

#: Longest name a ``from`` or ``share`` may give, in characters.
MAX_NAME = 1_000

#: Deepest nesting of blocks inside blocks.
MAX_NESTING = 1_000

#: What a network nested deeper than that is told.
TOO_DEEP = f"blocks are nested too deeply (at most {MAX_NESTING:,} levels)"


@contextmanager
def big_input() -> Iterator[None]:
    """Pause the cyclic garbage collector while reading and counting a large spec.

    Reading a YAML file and counting it allocate hundreds of thousands of small
    acyclic objects, and each burst made the collector walk everything alive
    again and again (more than doubling the time of a 100,000-layer file).
    Reference counting still frees memory.  (Nothing that reads or walks a
    network recurses, so however deep blocks nest, the Python stack does not.)
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
