"""Patterns of requests for a personal diagnosis, treatment choice, medicine or dose
(content/safety/personal_advice.yml), which the safety screen always routes to the polite refusal."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Tuple

import yaml

from si_joint.emergency_signs import APOSTROPHES


class PersonalAdviceError(ValueError):
    """The patterns file cannot be used; the message names the file and the pattern."""


@dataclass(frozen=True)
class PersonalAdvicePatterns:
    patterns: Tuple[Tuple[str, re.Pattern], ...]  # (kind, compiled pattern)

    def matches(self, text: str) -> Optional[str]:
        """The kind of request the message makes (diagnosis, treatment_choice, medicine_or_dose), or None."""
        plain = APOSTROPHES.sub("", text or "")
        return next((kind for kind, pattern in self.patterns if pattern.search(plain)), None)


def load_personal_advice_patterns(path: Path) -> PersonalAdvicePatterns:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise PersonalAdviceError(f"{path}: cannot be read: {error}") from error
    compiled = []
    for kind, patterns in (data.get("patterns") or {}).items():
        for pattern in patterns or []:
            try:
                compiled.append((kind, re.compile(str(pattern), re.IGNORECASE)))
            except re.error as error:
                raise PersonalAdviceError(f"{path}: {kind}: {pattern!r}: {error}") from error
    if not compiled:
        raise PersonalAdviceError(f"{path}: lists no patterns")
    return PersonalAdvicePatterns(tuple(compiled))
