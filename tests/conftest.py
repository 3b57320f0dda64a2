"""Shared fixtures."""

from __future__ import annotations

import os
import warnings
from types import ModuleType

import pytest


@pytest.fixture(scope="session")
def torch() -> ModuleType:
    """The torch module, for tests that check cnncount against PyTorch.

    Without torch such a test is skipped, saying why; with the environment
    variable CNNCOUNT_REQUIRE_TORCH=1 (CI jobs that install torch) it fails
    instead (pytest reports a fixture failure as an ERROR at setup; the run
    fails either way), so that a broken install cannot pass for a green run.
    """
    try:
        with warnings.catch_warnings():
            # CPU wheels without numpy warn "Failed to initialize NumPy" on import.
            warnings.simplefilter("ignore")
            import torch as module
    except ImportError as exc:
        problem = str(exc)
    else:
        return module
    # Outside the except block, so the report is one line, not a chained traceback.
    if os.environ.get("CNNCOUNT_REQUIRE_TORCH") == "1":
        pytest.fail(f"CNNCOUNT_REQUIRE_TORCH=1 but torch cannot be imported: {problem}", pytrace=False)
    pytest.skip(f"torch is not installed ({problem}); set CNNCOUNT_REQUIRE_TORCH=1 to fail instead")
