# SPDX-License-Identifier: Apache-2.0
"""Fixtures for the model tests; reference helpers live in tests/reference_tables.py.

(Test modules import helpers from `reference_tables`, not from `conftest`: one pytest run
collects tb/ too.)
"""

import numpy as np
import pytest


@pytest.fixture(scope="session")
def rng():
    return np.random.default_rng(20261128)
