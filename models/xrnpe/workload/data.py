# SPDX-License-Identifier: Apache-2.0
"""The digits data set (sklearn's bundled copy, no download) and its fixed splits.

1,797 8x8 grey images, pixel values 0..16, scaled to [0, 1] (``x / 16``) and kept as
NHWC float32 arrays of shape (n, 8, 8, 1).  Splits are stratified and seeded:
test = 20 % (360 images), validation = 180 images taken from the rest, train = 1,257 images.
The validation set is the only data the mixed-precision selection looks at; the test set is
only used for the reported accuracies.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SPLIT_SEED = 0
TEST_SIZE = 360
VAL_SIZE = 180


@dataclass(frozen=True)
class Splits:
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def load_digits_nhwc() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits

    d = load_digits()
    x = (d.images.astype(np.float32) / np.float32(16.0))[..., None]
    return x, d.target.astype(np.int64)


def load_splits(seed: int = SPLIT_SEED) -> Splits:
    from sklearn.model_selection import train_test_split

    x, y = load_digits_nhwc()
    x_rest, x_test, y_rest, y_test = train_test_split(
        x, y, test_size=TEST_SIZE, stratify=y, random_state=seed
    )
    x_train, x_val, y_train, y_val = train_test_split(
        x_rest, y_rest, test_size=VAL_SIZE, stratify=y_rest, random_state=seed
    )
    return Splits(x_train, y_train, x_val, y_val, x_test, y_test)


def shift_augment(x: np.ndarray, y: np.ndarray, copies: int = 3, seed: int = 0):
    """The training set plus ``copies`` randomly shifted copies (-1, 0 or +1 pixel in each
    direction, zero fill), seeded.  Returns (x_aug, y_aug) with (copies + 1) * len(x) rows."""
    rng = np.random.default_rng(seed)
    n, h, w, _ = x.shape
    xp = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    xs, ys = [x], [y]
    for _ in range(copies):
        dy = rng.integers(0, 3, n)
        dx = rng.integers(0, 3, n)
        out = np.empty_like(x)
        for i in range(n):
            out[i] = xp[i, dy[i] : dy[i] + h, dx[i] : dx[i] + w]
        xs.append(out)
        ys.append(y)
    return np.concatenate(xs), np.concatenate(ys)
