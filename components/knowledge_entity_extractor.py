"""Finds the causes, symptoms, tests and treatments a patient names, using the knowledge file's aliases.

A spaCy PhraseMatcher on lemmas matches every alias in the message ("car crashes", "my leg gave
way"), keeps the longest match where matches overlap, and returns the entry id as the entity value,
so the actions never see raw patient wording. A mention the words before it leave out ("options
other than surgery") is listed apart, as `excluded_entries`. Words left unmatched get a second, typo-tolerant pass
against the longer aliases ("phsyical therapy", "pelvic blet").
"""

from __future__ import annotations

import json
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any, Dict, List, Optional, Set, Text, Tuple, Type

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.file_backed import FileBackedComponent
from si_joint.knowledge import alias_table_in_every_language
from si_joint.message_reading import reading_rules
from si_joint.parse_data import EXCLUDED_ENTRIES

ALIASES_FILE = "aliases.json"
# A typo must leave most of the word intact: "injecton" matches "injection" (0.94), while
# "setting" does not match "sitting" (0.86). Short aliases ("hip", "pt") are matched exactly only.
FUZZY_MIN_RATIO = 0.88
FUZZY_MIN_ALIAS_CHARS = 7
FUZZY_MIN_WORD_RATIO = 0.75  # and every word alike, so "si joint get" is not "si joint belt"
Alias = Tuple[str, str, str]  # (alias, entity type, entry id)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True, model_from="SpacyNLP")
class KnowledgeEntityExtractor(FileBackedComponent, EntityExtractorMixin):
    @classmethod
    def required_components(cls) -> List[Type]:
        return [SpacyNLP]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"knowledge_file": "content/knowledge/si_joint.yml"}

    @staticmethod
    def required_packages() -> List[Text]:
        return ["spacy"]

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource) -> None:
        super().__init__(config, model_storage, resource)
        self._aliases: List[Alias] = []
        self._matcher: Optional[Any] = None  # spaCy's PhraseMatcher, built on first use
        self._matcher_ids: Dict[int, Tuple[str, str]] = {}
        self._fuzzy_aliases: List[Tuple[str, Tuple[str, ...], str, str, SequenceMatcher]] = []

    def read_files(self, directory: Path) -> None:
        aliases = json.loads((directory / ALIASES_FILE).read_text(encoding="utf-8"))
        self._aliases = [(alias, entity_type, entry_id) for alias, entity_type, entry_id in aliases]

    def train(self, training_data: TrainingData, model: SpacyModel) -> Resource:
        self._aliases = alias_table_in_every_language(self.project_path("knowledge_file"))
        with self._model_storage.write_to(self._resource) as directory:
            (Path(directory) / ALIASES_FILE).write_text(json.dumps(self._aliases), encoding="utf-8")
        return self._resource

    def process(self, messages: List[Message], model: SpacyModel) -> List[Message]:
        for message in messages:
            doc = message.get(SPACY_DOCS[TEXT])
            if doc is None:
                continue
            found = self._extract(doc, model)
            kept = [e for e in found if not reading_rules().leaves_out(doc.text[: e["start"]])]
            if len(kept) < len(found):
                excluded = [e["value"] for e in found if e not in kept]
                message.set(EXCLUDED_ENTRIES, excluded, add_to_output=True)
            message.set(ENTITIES, message.get(ENTITIES, []) + self.add_extractor_name(kept), add_to_output=True)
        return messages

    def _extract(self, doc, model: SpacyModel) -> List[Dict[Text, Any]]:
        from spacy.util import filter_spans

        matcher = self._phrase_matcher(model)
        spans = []
        for match_id, start, end in matcher(doc):
            span = doc[start:end]
            span.label = match_id
            spans.append(span)
        exact = filter_spans(spans)
        found = [(span, *self._matcher_ids[span.label], 1.0) for span in exact]
        found += self._fuzzy_matches(doc, {i for span in exact for i in range(span.start, span.end)})
        found = _without_references_back(sorted(found, key=lambda f: f[0].start))
        return [
            {
                "entity": entity_type,
                "value": entry_id,
                "start": span.start_char,
                "end": span.end_char,
                "confidence": round(confidence, 3),
            }
            for span, entity_type, entry_id, confidence in found
        ]

    def _fuzzy_matches(self, doc, taken: set) -> list:
        candidates = []
        windows = _free_windows(doc, taken, {len(alias[1]) for alias in self._fuzzy_aliases})
        for alias, words, entity_type, entry_id, matcher in self._fuzzy_aliases:
            # A typo keeps the first letter ("phsyical therapy", "pelvic blet"): 1/26th of the tries.
            for start, text in windows.get((len(words), alias[0]), ()):
                if 2 * min(len(text), len(alias)) / (len(text) + len(alias)) < FUZZY_MIN_RATIO:
                    continue
                matcher.set_seq1(text)
                if matcher.quick_ratio() < FUZZY_MIN_RATIO:
                    continue
                ratio = matcher.ratio()
                span = doc[start : start + len(words)]
                if ratio >= FUZZY_MIN_RATIO and _each_word_alike(span, words):
                    candidates.append((ratio, span, entity_type, entry_id))
        matches = []
        for ratio, span, entity_type, entry_id in sorted(candidates, key=lambda c: -c[0]):
            if not taken.intersection(range(span.start, span.end)):
                taken.update(range(span.start, span.end))
                matches.append((span, entity_type, entry_id, ratio))
        return matches

    def _phrase_matcher(self, model: SpacyModel):
        if self._matcher is None:
            from spacy.matcher import PhraseMatcher

            nlp = model.model
            matcher = PhraseMatcher(nlp.vocab, attr="LEMMA")
            for alias, entity_type, entry_id in self._aliases:
                key = f"{entity_type}:{entry_id}"
                pattern = nlp(alias.lower())
                matcher.add(key, [pattern])
                self._matcher_ids[nlp.vocab.strings[key]] = (entity_type, entry_id)
                if len(alias) >= FUZZY_MIN_ALIAS_CHARS:
                    words = tuple(t.text for t in pattern)
                    # The alias is the matcher's second sequence: its index is built once, not per try.
                    fuzzy = SequenceMatcher(None, "", pattern.text)
                    self._fuzzy_aliases.append((pattern.text, words, entity_type, entry_id, fuzzy))
            self._matcher = matcher
        return self._matcher


def _without_references_back(found: list) -> list:
    """Drops a one-word match that repeats the last word of an earlier, longer match of another
    entry: in "I had an L4-L5 fusion ... can the fusion cause SI problems?", "the fusion" is the
    lumbar fusion, not SI joint fusion."""
    heads: Dict[str, str] = {}
    kept = []
    for match in found:
        span, _, entry_id, _ = match
        words = span.text.lower().split()
        if len(words) == 1 and heads.get(words[0], entry_id) != entry_id:
            continue
        if len(words) > 1:
            heads.setdefault(words[-1], entry_id)
        kept.append(match)
    return kept


def _free_windows(doc, taken: set, widths: Set[int]) -> Dict[Tuple[int, str], List[Tuple[int, str]]]:
    """By (width, first letter), the (start, lower-cased text) of every run of that many tokens that
    starts with a letter and overlaps no exact match. Cut from the text by character offsets, once
    per message, since every alias of that width is tried at every position."""
    whole = doc.text  # spaCy joins the tokens again on every `doc.text`
    starts = [token.idx for token in doc]
    ends = [token.idx + len(token.text) for token in doc]
    windows: Dict[Tuple[int, str], List[Tuple[int, str]]] = {}
    for width in widths:
        for start in range(len(doc) - width + 1):
            if whole[starts[start] : starts[start] + 1].isalpha() and taken.isdisjoint(range(start, start + width)):
                text = whole[starts[start] : ends[start + width - 1]].lower()
                windows.setdefault((width, text[0]), []).append((start, text))
    return windows


def _each_word_alike(span, words: Tuple[str, ...]) -> bool:
    tokens = [t.text.lower() for t in span]
    return all(
        SequenceMatcher(None, token, word).ratio() >= FUZZY_MIN_WORD_RATIO
        for token, word in zip(tokens, words, strict=False)
    )
