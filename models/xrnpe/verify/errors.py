# SPDX-License-Identifier: Apache-2.0
"""The two ways ``xrnpe verify exhaustive`` fails, shared by every stage."""


class VerifyInputError(ValueError):
    """Bad input: one line on stderr, exit status 2, nothing written."""


class VerifyRunError(RuntimeError):
    """The run could not complete (exit status 3)."""


__all__ = ["VerifyInputError", "VerifyRunError"]
