# SPDX-License-Identifier: Apache-2.0
"""Learned inertial odometry on real KITTI data through the co-processor (docs/vio.md)."""
