"""Import generated module source in memory, beside the real runtime modules it imports.

Used where the generator checks its own output without writing a package to disk (lint,
validator tests): the hand-written runtime module stands in for the package's copy.
"""

from __future__ import annotations

import itertools
import sys
import types
from collections.abc import Mapping

_serial = itertools.count(1)


def import_source(
    name: str, source: str, runtime: Mapping[str, types.ModuleType]
) -> types.ModuleType:
    """Execute ``source`` as ``<fresh package>.<name>`` whose siblings are ``runtime``."""
    package = f"_contractgen_inmemory_{next(_serial)}"
    parent = types.ModuleType(package)
    parent.__path__ = []
    sys.modules[package] = parent
    for sibling, module in runtime.items():
        sys.modules[f"{package}.{sibling}"] = module
    module = types.ModuleType(f"{package}.{name}")
    module.__package__ = package
    module.__dict__["__source__"] = source
    sys.modules[module.__name__] = module
    exec(compile(source, f"<{module.__name__}>", "exec"), module.__dict__)
    return module
