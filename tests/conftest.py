"""Fixtures for the model tests; reference helpers live in tests/reference_tables.py.

(Test modules import helpers from `reference_tables`, not from `conftest`: tb/ has a
conftest of its own and one pytest run collects both folders.)
"""

import sys
from pathlib import Path

import numpy as np
import pytest

_HERE = Path(__file__).resolve().parent
for p in (_HERE, _HERE.parent / "models"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))


@pytest.fixture(scope="session")
def rng():
    return np.random.default_rng(20261128)
