"""Finds emergency warning signs in a patient's message, deterministically, from safety/emergency_signs.yml.

Used by the NLU pipeline (components/safety_screen.py), which makes a flagged message's intent
`emergency` whatever the classifier said, and by the action that answers it. The data file's header
explains the matching rules; this module only implements them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, List, Sequence, Set, Tuple

import yaml

from actions.knowledge import PROJECT_ROOT

DEFAULT_SIGNS_FILE = PROJECT_ROOT / "safety" / "emergency_signs.yml"
NEGATION_WINDOW = 8
NEGATION_AFTER_WINDOW = 3
FUZZY_MIN_CHARS = 6
FUZZY_MIN_RATIO = 0.85
SENTENCE_BREAKS = frozenset(".!?;\n") | {"but", "however", "although", "though"}
CLAUSE_BREAKS = SENTENCE_BREAKS | {",", "and", "so", "because"}
SEGMENT_BREAKS = CLAUSE_BREAKS | {"now"}
_TOKEN = re.compile(r"[a-z0-9]+|[.!?;,\n]")
APOSTROPHES = re.compile(r"['\u2019\u2018`\u00b4]")

Phrase = Tuple[str, ...]
Span = Tuple[int, int]


class EmergencySignsError(ValueError):
    """The emergency signs file cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class Sign:
    id: str
    category: str
    all_of: Tuple[str, ...]
    history_counts: bool = False


@dataclass(frozen=True)
class Finding:
    sign: str
    category: str
    matched: str  # the words of the message that showed the sign


@dataclass(frozen=True)
class Occurrence:
    span: Span
    negated: bool
    past: bool


@dataclass(frozen=True)
class Category:
    advice: str
    crisis: bool = False


def tokenize(text: str) -> List[Tuple[str, int, int]]:
    """Lower-cased words and sentence/clause punctuation, with their character offsets."""
    lowered = APOSTROPHES.sub("", text.lower())
    # Dropping apostrophes shifts offsets; map each kept character back to the original text.
    kept = [i for i, ch in enumerate(text.lower()) if not APOSTROPHES.match(ch)]
    return [(m.group(), kept[m.start()], kept[m.end() - 1] + 1) for m in _TOKEN.finditer(lowered)]


def _phrase(text: str) -> Phrase:
    return tuple(token for token, _, _ in tokenize(str(text)))


class EmergencySigns:
    def __init__(self, path: Path, categories: Dict[str, Category], signs: Sequence[Sign],
                 terms: Dict[str, FrozenSet[Phrase]], negations: FrozenSet[Phrase],
                 negations_after: FrozenSet[Phrase], not_negations: FrozenSet[Phrase],
                 history: FrozenSet[Phrase], ignore: FrozenSet[Phrase]) -> None:
        self.path = path
        self.categories = categories
        self.signs = tuple(signs)
        self._terms = terms
        self._negations = negations
        self._negations_after = negations_after
        self._not_negations = not_negations
        self._history = history
        self._ignore = ignore
        self._fuzzy = {
            term: [p[0] for p in phrases if len(p) == 1 and len(p[0]) >= FUZZY_MIN_CHARS]
            for term, phrases in terms.items()
        }

    def find(self, text: str) -> List[Finding]:
        """Every sign the message shows, one finding per category, in the order of the signs file."""
        tokens, words, occurrences = self._analyse(text)
        findings: Dict[str, Finding] = {}
        for sign in self.signs:
            if sign.category in findings:
                continue
            for sentence in _ranges(words, SENTENCE_BREAKS):
                chosen = []
                for term in sign.all_of:
                    usable = [
                        o.span for o in occurrences[term]
                        if o.span[0] in sentence and not o.negated and (sign.history_counts or not o.past)
                    ]
                    if not usable:
                        break
                    chosen.append(usable[0])
                else:
                    start = min(tokens[s][1] for s, _ in chosen)
                    end = max(tokens[e - 1][2] for _, e in chosen)
                    findings[sign.category] = Finding(sign.id, sign.category, text[start:end])
                    break
        return list(findings.values())

    def _analyse(self, text: str):
        tokens = tokenize(text or "")
        words = [t for t, _, _ in tokens]
        ignored = _covered(_matches(words, self._ignore))
        spans = {term: self._occurrences(words, term, ignored) for term in self._terms}
        inside = _covered(span for found in spans.values() for span in found)
        pseudo = _covered(_matches(words, self._not_negations))
        cues = [span for span in _matches(words, self._negations) if not (_covered([span]) & (inside | pseudo))]
        after_cues = _matches(words, self._negations_after)
        history = _covered(_matches(words, self._history))
        occurrences = {
            term: [
                Occurrence(span, _negated(words, span, cues, after_cues), _in_past(words, span, history))
                for span in found
            ]
            for term, found in spans.items()
        }
        return tokens, words, occurrences

    def _occurrences(self, words: List[str], term: str, ignored: Set[int]) -> List[Span]:
        spans = [s for s in _matches(words, self._terms[term]) if not (_covered([s]) & ignored)]
        exact = _covered(spans)
        for i, word in enumerate(words):
            if i in exact or i in ignored or len(word) < FUZZY_MIN_CHARS or not word.isalpha():
                continue
            if any(_typo_of(word, known) for known in self._fuzzy[term]):
                spans.append((i, i + 1))
        return sorted(spans)


def _typo_of(word: str, known: str) -> bool:
    if word[0] != known[0] or abs(len(word) - len(known)) > 2:
        return False
    return SequenceMatcher(None, word, known).ratio() >= FUZZY_MIN_RATIO


def _matches(words: List[str], phrases: Iterable[Phrase]) -> List[Span]:
    spans = []
    for phrase in phrases:
        width = len(phrase)
        for i in range(len(words) - width + 1):
            if words[i] == phrase[0] and tuple(words[i:i + width]) == phrase:
                spans.append((i, i + width))
    return spans


def _covered(spans: Iterable[Span]) -> Set[int]:
    return {i for start, end in spans for i in range(start, end)}


def _ranges(words: List[str], breaks: FrozenSet[str]) -> List[range]:
    ranges, start = [], 0
    for i, word in enumerate(words + ["."]):
        if word in breaks:
            if i > start:
                ranges.append(range(start, i))
            start = i + 1
    return ranges


def _no_break_between(words: List[str], first: int, last: int) -> bool:
    return not any(w in CLAUSE_BREAKS for w in words[first:last])


def _negated(words: List[str], span: Span, cues: List[Span], after_cues: List[Span]) -> bool:
    start, end = span
    before = any(
        start - NEGATION_WINDOW <= cue_end - 1 < start and _no_break_between(words, cue_end, start)
        for _, cue_end in cues
    )
    after = any(
        end <= cue_start < end + NEGATION_AFTER_WINDOW and _no_break_between(words, end, cue_start)
        for cue_start, _ in after_cues
    )
    return before or after


def _in_past(words: List[str], span: Span, history: Set[int]) -> bool:
    segment = next(r for r in _ranges(words, SEGMENT_BREAKS) if span[0] in r)
    return bool(history.intersection(segment))


def load_emergency_signs(path: Path = DEFAULT_SIGNS_FILE) -> EmergencySigns:
    """Reads and checks the signs file; raises EmergencySignsError naming the problem."""
    def fail(problem: str) -> EmergencySignsError:
        return EmergencySignsError(f"{path}: {problem}")

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise fail(f"cannot be read: {error}") from error
    if not isinstance(data, dict):
        raise fail("must be a mapping with categories, signs and terms")

    def phrases(key: str) -> FrozenSet[Phrase]:
        values = data.get(key) or []
        if not isinstance(values, list) or not all(isinstance(v, str) and _phrase(v) for v in values):
            raise fail(f"'{key}' must be a list of phrases")
        return frozenset(_phrase(v) for v in values)

    categories = {}
    for name, body in (data.get("categories") or {}).items():
        if not isinstance(body, dict) or not str(body.get("advice") or "").strip():
            raise fail(f"category '{name}' needs an advice text")
        categories[name] = Category(" ".join(str(body["advice"]).split()), bool(body.get("crisis")))
    terms = {}
    for name, values in (data.get("terms") or {}).items():
        if not isinstance(values, list) or not values:
            raise fail(f"term '{name}' must be a non-empty list of phrases")
        terms[name] = frozenset(_phrase(str(v)) for v in values if _phrase(str(v)))
    signs = []
    for raw in data.get("signs") or []:
        sign = Sign(str(raw.get("id")), str(raw.get("category")), tuple(raw.get("all_of") or ()),
                    bool(raw.get("history_counts", False)))
        if sign.category not in categories:
            raise fail(f"sign '{sign.id}' names unknown category '{sign.category}'")
        unknown = [t for t in sign.all_of if t not in terms]
        if not sign.all_of or unknown:
            raise fail(f"sign '{sign.id}' needs known terms in all_of, unknown: {unknown}")
        signs.append(sign)
    if not signs:
        raise fail("lists no signs")
    unused = set(categories) - {s.category for s in signs}
    if unused:
        raise fail(f"categories without signs: {sorted(unused)}")
    return EmergencySigns(
        Path(path), categories, signs, terms, phrases("negations"), phrases("negations_after"),
        phrases("not_negations"), phrases("history"), phrases("ignore"),
    )
