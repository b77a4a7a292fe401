# SPDX-License-Identifier: Apache-2.0
"""``python -m xrnpe``: the ``xrnpe`` command line (see ``xrnpe.cli``)."""

import sys

from .cli import main

sys.exit(main())
