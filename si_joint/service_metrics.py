"""What operations see of the service, in Prometheus' text format: turns, reply latency, fallbacks,
not-covered answers, emergency replies and errors, per channel. Only counts and times: no message
text and no conversation id ever becomes a label (labels are channel names and fixed kinds)."""

from __future__ import annotations

import threading
from collections import defaultdict
from typing import DefaultDict, Dict, List, Tuple

LATENCY_BUCKETS_S = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# Each reply kind and the action that gives it.
REPLY_KINDS = {"action_fallback": "fallback", "action_not_covered": "not_covered", "action_emergency": "emergency"}
KNOWN_CHANNELS = {"rest", "socketio", "web_chat", "telegram", "facebook", "slack", "twilio", "whatsapp", "sms"}


def channel_label(channel: object) -> str:
    """A channel name as a label; anything else is "other", so a label can never carry data."""
    name = str(channel or "").lower()
    return name if name in KNOWN_CHANNELS else "other"


class ServiceMetrics:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counters: DefaultDict[Tuple[str, str], float] = defaultdict(float)
        self._latency: Dict[str, List[float]] = {}  # channel -> bucket counts, then sum and count

    def count(self, name: str, channel: object) -> None:
        with self._lock:
            self._counters[(name, channel_label(channel))] += 1

    def observe_turn(self, channel: object, seconds: float) -> None:
        label = channel_label(channel)
        with self._lock:
            self._counters[("turns", label)] += 1
            buckets = self._latency.setdefault(label, [0.0] * (len(LATENCY_BUCKETS_S) + 2))
            for index, bound in enumerate(LATENCY_BUCKETS_S):
                if seconds <= bound:
                    buckets[index] += 1
            buckets[-2] += seconds
            buckets[-1] += 1

    def count_action(self, action_name: str, channel: object) -> None:
        kind = REPLY_KINDS.get(action_name)
        if kind:
            self.count(f"{kind}_replies", channel)

    def render(self) -> str:
        with self._lock:
            counters = dict(self._counters)
            latency = {channel: list(values) for channel, values in self._latency.items()}
        lines: List[str] = []
        for name in sorted({name for name, _ in counters}):
            metric = f"si_assistant_{name}_total"
            lines += [f"# TYPE {metric} counter"]
            lines += [
                f'{metric}{{channel="{channel}"}} {value:g}'
                for (counted, channel), value in sorted(counters.items())
                if counted == name
            ]
        lines.append("# TYPE si_assistant_turn_seconds histogram")
        for channel, values in sorted(latency.items()):
            for bound, cumulative in zip(LATENCY_BUCKETS_S, values[: len(LATENCY_BUCKETS_S)], strict=True):
                lines.append(f'si_assistant_turn_seconds_bucket{{channel="{channel}",le="{bound:g}"}} {cumulative:g}')
            lines.append(f'si_assistant_turn_seconds_bucket{{channel="{channel}",le="+Inf"}} {values[-1]:g}')
            lines.append(f'si_assistant_turn_seconds_sum{{channel="{channel}"}} {values[-2]:.6f}')
            lines.append(f'si_assistant_turn_seconds_count{{channel="{channel}"}} {values[-1]:g}')
        return "\n".join(lines) + "\n"


METRICS = ServiceMetrics()
