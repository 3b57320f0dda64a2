"""The generator of the bundled torchvision zoo specs: one module per family, each with a ``SPECS`` table.

Each family module (``resnet.py``, ``efficientnet.py``, ...) builds its networks from
their config tables, as torchvision's own builders do, and maps each spec's name to a
function returning its YAML text. ``tests/test_zoo.py`` checks that the files in
``specs/`` are exactly what these functions write, and rewrites them when
``CNNCOUNT_UPDATE_ZOO=1`` is set::

    CNNCOUNT_UPDATE_ZOO=1 python -m pytest tests/test_zoo.py

The members of a bundled family file (``specs/resnet.yaml``: resnet18 to wide_resnet101_2;
``vgg.yaml``, ``efficientnet.yaml``, ...) are not written to ``specs/``: there the generator's
text is the oracle that each variant of the family must equal row for row
(``test_family_variants_are_the_flat_specs_row_for_row``).

The hand-written torchvision specs (alexnet, mobilenet_v2, squeezenet1_0, googlenet, and
docs/examples/vgg16.yaml, vgg16_bn.yaml, resnet18.yaml and resnet50.yaml) are not generated:
they show how a spec is written by hand, with anchors and comments.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable

#: spec name -> a function returning its YAML text, from every family module.
GENERATED: dict[str, Callable[[], str]] = {}

#: family module -> the names of the specs it writes.
FAMILIES: dict[str, list[str]] = {}

for _module in pkgutil.iter_modules(__path__):
    if _module.name not in ("emit", "published"):
        _specs = importlib.import_module(f"{__name__}.{_module.name}").SPECS
        GENERATED.update(_specs)
        FAMILIES[_module.name] = list(_specs)


def representative(names: list[str]) -> list[str]:
    """The bundled specs that tests of the format and its renderers need: every hand-written one, and
    one member of each generated family (the others are the same code on other numbers, each checked
    against PyTorch by tests/test_zoo.py)."""
    first = {members[0] for members in FAMILIES.values()}
    return [name for name in names if name not in GENERATED or name in first]
