"""Latency figures the benchmark scripts record."""

from __future__ import annotations

import statistics
from typing import Dict, List


def percentile(values: List[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[round(fraction * (len(ordered) - 1))]


def summary(values: List[float], digits: int = 1) -> Dict[str, float]:
    return {
        "p50": round(statistics.median(values), digits),
        "p95": round(percentile(values, 0.95), digits),
        "n": len(values),
    }
