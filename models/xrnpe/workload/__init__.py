# SPDX-License-Identifier: Apache-2.0
"""Mixed-precision QAT workload: a small digits CNN whose every layer is a co-processor matmul.

Modules: ``data`` (digits splits), ``net`` (layers, im2col, host ops), ``qat`` (quantizer,
calibration, STE training), ``mixed`` (sensitivity and format selection), ``api`` (inference
engines, ``evaluate``), ``common`` (training cache, logging, stage times, RTL check bookkeeping;
shared with ``vio``), ``run`` (``make workload``).  See docs/workload.md.
"""

from .api import evaluate, infer, quantize_aware_train, weight_bits  # noqa: F401
from .net import Layer, Net, conv, dense, digits_cnn  # noqa: F401
from .qat import LayerQuant, calibrate  # noqa: F401
