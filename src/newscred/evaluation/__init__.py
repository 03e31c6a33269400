"""Evaluation: metrics and honest splits."""

from .metrics import binary_metrics, expected_calibration_error

__all__ = ["binary_metrics", "expected_calibration_error"]
