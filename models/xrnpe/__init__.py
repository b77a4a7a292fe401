# SPDX-License-Identifier: Apache-2.0
"""XR-NPE: exact number formats, reference models, driver and tools for the XR-NPE RTL."""

from .formats import FORMATS, INPUT_FORMATS, OUTPUT_FORMATS, get_format, k_max  # noqa: F401
from .matmul import Quire, matmul  # noqa: F401
from .vector import dequantize, quantize  # noqa: F401

__version__ = "0.1.0"
