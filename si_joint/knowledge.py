"""Loads and validates the knowledge file: the one source of the assistant's medical text."""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import yaml

from si_joint import PROJECT_ROOT
from si_joint.conversation_language import REPLY_LANGUAGE
from si_joint.site_settings import served_languages

DEFAULT_KNOWLEDGE_FILE = PROJECT_ROOT / "content" / "knowledge" / "si_joint.yml"
ENTITY_TYPES = ("cause", "symptom", "diagnostic_method", "treatment")
# What a question asks about a topic, beyond what it is. The page answers few of these: an entry
# names those it answers in `answers`; for the others the assistant says the page doesn't say
# (patterns and wording in content/knowledge/reading.yml).
ASPECTS = (
    "appointment",
    "who_to_see",
    "medicines",
    "how_long",
    "how_often",
    "how_well",
    "risks",
    "recovery",
    "cost",
    "how_to_use",
    "self_care",
    "prognosis",
    "pregnancy",
    "children",
    "age",
    "heredity",
    "research",
    "comparison",
    "procedure",
    "urgency",
    "why",
    "where_to_get",
)

logger = logging.getLogger(__name__)
_REQUIRED = ("id", "title", "answer", "related", "source")
_OPTIONAL = ("details", "entity", "aliases", "link", "self_check", "answers", "listed")
_ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


class KnowledgeError(ValueError):
    """The knowledge file cannot be used; the message names the file, the entry and the field."""


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    answer: str
    related: Tuple[str, ...]
    source: str
    details: Optional[str] = None
    entity: Optional[str] = None
    aliases: Tuple[str, ...] = ()
    link: Optional[str] = None  # name of a site link (content/settings/site.yml) offered with the answer
    self_check: Optional[str] = None  # the symptom self-check's yes/no question, symptoms only
    answers: Tuple[str, ...] = ()  # the ASPECTS of this topic that the page answers
    # False: named by its aliases, but not one of the page's list of its kind ("a fall" is the
    # page's "single (traumatic) event", not a sixth named cause).
    listed: bool = True


@dataclass(frozen=True)
class KnowledgeBase:
    path: Path
    sources: Dict[str, str]
    entries: Dict[str, Entry] = field(default_factory=dict)

    def entry(self, entry_id: str) -> Entry:
        return self.entries[entry_id]

    def citation(self, entry: Entry) -> str:
        return self.sources[entry.source]

    def self_check_symptoms(self) -> List[Entry]:
        """The symptoms the self-check asks about, in file order."""
        return self.entries_for_entity("symptom")

    def entries_for_entity(self, entity_type: Optional[str]) -> List[Entry]:
        """The page's list of this kind (causes, symptoms, ...), in file order."""
        return [e for e in self.entries_named(entity_type) if e.listed]

    def entries_named(self, entity_type: Optional[str]) -> List[Entry]:
        """Every entry a message can name as this kind, listed or not."""
        return [e for e in self.entries.values() if e.entity == entity_type]

    def names_an_item(self, text: str) -> bool:
        """Whether lower-case `text` names a cause, symptom, test or treatment the page lists, by one
        of its aliases (a plural too)."""
        return any(
            re.search(rf"(?<!\w){re.escape(alias.lower())}(s|es)?(?!\w)", text) for alias, _, _ in self.alias_table()
        )

    def alias_table(self) -> List[Tuple[str, str, str]]:
        """(alias, entity type, entry id) for every alias, in file order."""
        return [(alias, e.entity, e.id) for e in self.entries.values() if e.entity for alias in e.aliases]


def knowledge_in_every_language(path: Optional[Path] = None) -> List[KnowledgeBase]:
    """The knowledge file and its translations in the served languages, English first."""
    english = Path(path or knowledge_file_path())
    return [load_knowledge(english)] + [
        load_knowledge(translation_path(english, language)) for language in served_languages()[1:]
    ]


def alias_table_in_every_language(path: Optional[Path] = None) -> List[Tuple[str, str, str]]:
    """Every language's aliases: the entity matcher finds "inyeccion" as it finds "injection" (the
    same entry id). An alias two languages share is listed once."""
    table: List[Tuple[str, str, str]] = []
    for knowledge in knowledge_in_every_language(path):
        known = {alias for alias, _, _ in table}
        table += [row for row in knowledge.alias_table() if row[0] not in known]
    return table


def knowledge_file_path() -> Path:
    return Path(os.environ.get("SI_KNOWLEDGE_FILE", DEFAULT_KNOWLEDGE_FILE))


def load_knowledge(path: Optional[Path] = None) -> KnowledgeBase:
    path = Path(path or knowledge_file_path())
    raw = _read_yaml(path)
    sources = _parse_sources(path, raw.get("sources"))
    entries: Dict[str, Entry] = {}
    raw_entries = raw.get("entries")
    if not isinstance(raw_entries, list) or not raw_entries:
        raise KnowledgeError(f"{path}: 'entries' must be a non-empty list")
    for index, item in enumerate(raw_entries):
        entry = _parse_entry(path, index, item, sources)
        if entry.id in entries:
            raise KnowledgeError(f"{path}: entry '{entry.id}': field 'id': duplicate id")
        entries[entry.id] = entry
    _check_cross_references(path, entries)
    return KnowledgeBase(path=path, sources=sources, entries=entries)


def _read_yaml(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KnowledgeError(f"{path}: knowledge file not found") from None
    except OSError as error:
        raise KnowledgeError(f"{path}: cannot read knowledge file: {error}") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise KnowledgeError(f"{path}: invalid YAML: {error}") from None
    if not isinstance(raw, dict):
        raise KnowledgeError(f"{path}: expected a mapping with 'sources' and 'entries'")
    return raw


def _parse_sources(path: Path, raw) -> Dict[str, str]:
    if not isinstance(raw, dict) or not raw:
        raise KnowledgeError(f"{path}: 'sources' must be a non-empty mapping")
    sources = {}
    for source_id, value in raw.items():
        citation = value.get("citation") if isinstance(value, dict) else None
        if not isinstance(citation, str) or not citation.strip():
            raise KnowledgeError(f"{path}: source '{source_id}': field 'citation': missing or empty")
        sources[str(source_id)] = citation.strip()
    return sources


def _parse_entry(path: Path, index: int, item, sources: Dict[str, str]) -> Entry:
    label = item.get("id") if isinstance(item, dict) and item.get("id") else f"#{index + 1}"
    where = f"{path}: entry '{label}'"
    if not isinstance(item, dict):
        raise KnowledgeError(f"{where}: must be a mapping")
    for name in _REQUIRED:
        if item.get(name) in (None, "", []):
            raise KnowledgeError(f"{where}: field '{name}': missing or empty")
    unknown = set(item) - set(_REQUIRED) - set(_OPTIONAL)
    if unknown:
        raise KnowledgeError(f"{where}: field '{sorted(unknown)[0]}': unknown field")
    if not isinstance(item["id"], str) or not _ID_PATTERN.match(item["id"]):
        raise KnowledgeError(f"{where}: field 'id': must be snake_case")
    for name in ("title", "answer", "details", "self_check"):
        if name in item and not (isinstance(item[name], str) and item[name].strip()):
            raise KnowledgeError(f"{where}: field '{name}': must be non-empty text")
    if item["source"] not in sources:
        raise KnowledgeError(f"{where}: field 'source': unknown source '{item['source']}'")
    related = _string_list(where, item, "related")
    entity = item.get("entity")
    if entity is not None and entity not in ENTITY_TYPES:
        raise KnowledgeError(f"{where}: field 'entity': must be one of {', '.join(ENTITY_TYPES)}")
    link = item.get("link")
    if link is not None and not (isinstance(link, str) and _ID_PATTERN.match(link)):
        raise KnowledgeError(f"{where}: field 'link': must name a link in content/settings/site.yml")
    if (entity == "symptom") != ("self_check" in item):
        raise KnowledgeError(f"{where}: field 'self_check': required for symptoms, and only for them")
    aliases = _string_list(where, item, "aliases") if "aliases" in item else []
    answers = _string_list(where, item, "answers") if "answers" in item else []
    if set(answers) - set(ASPECTS):
        raise KnowledgeError(f"{where}: field 'answers': must name aspects of {', '.join(ASPECTS)}")
    if entity and not aliases:
        raise KnowledgeError(f"{where}: field 'aliases': required for an entry with an entity")
    if not isinstance(item.get("listed", True), bool):
        raise KnowledgeError(f"{where}: field 'listed': must be true or false")
    return Entry(
        id=item["id"],
        title=item["title"].strip(),
        answer=item["answer"].strip(),
        related=tuple(related),
        source=item["source"],
        details=item["details"].strip() if item.get("details") else None,
        entity=entity,
        aliases=tuple(a.strip().lower() for a in aliases),
        link=link,
        self_check=" ".join(item["self_check"].split()) if item.get("self_check") else None,
        answers=tuple(answers),
        listed=item.get("listed", True),
    )


def _string_list(where: str, item: dict, name: str) -> List[str]:
    value = item.get(name)
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise KnowledgeError(f"{where}: field '{name}': must be a list of non-empty strings")
    return value


def _check_cross_references(path: Path, entries: Dict[str, Entry]) -> None:
    owners: Dict[str, str] = {}
    for entry in entries.values():
        where = f"{path}: entry '{entry.id}'"
        for related_id in entry.related:
            if related_id not in entries:
                raise KnowledgeError(f"{where}: field 'related': unknown entry '{related_id}'")
            if related_id == entry.id:
                raise KnowledgeError(f"{where}: field 'related': an entry cannot relate to itself")
        for alias in entry.aliases:
            if alias in owners and owners[alias] != entry.id:
                raise KnowledgeError(f"{where}: field 'aliases': '{alias}' is already an alias of '{owners[alias]}'")
            owners[alias] = entry.id


class KnowledgeStore:
    """The knowledge base the action server answers from, reloaded when its file changes.

    An edit that does not validate is reported and the last good version keeps serving, so a
    content editor's typo never takes the assistant down.
    """

    def __init__(self, path: Optional[Path] = None, languages: Tuple[str, ...] = ()):
        self.path = Path(path or knowledge_file_path())
        self._knowledge = load_knowledge(self.path)
        self._mtime = self._stat()
        self.last_error: Optional[str] = None
        # The same entries in another language: si_joint.<language>.yml beside this file.
        self.translations = {language: KnowledgeStore(translation_path(self.path, language)) for language in languages}

    def current(self, language: Optional[str] = None) -> KnowledgeBase:
        """The knowledge in `language`, by default the language of the reply being composed."""
        translation = self.translations.get(language or REPLY_LANGUAGE.get())
        return translation.current() if translation else self._current()

    def _current(self) -> KnowledgeBase:
        mtime = self._stat()
        if mtime != self._mtime:
            self._mtime = mtime
            try:
                self._knowledge = load_knowledge(self.path)
                self.last_error = None
            except KnowledgeError as error:
                self.last_error = str(error)
                logger.error("Knowledge file change rejected, still serving the previous version: %s", error)
        return self._knowledge

    def _stat(self) -> Optional[float]:
        try:
            return self.path.stat().st_mtime_ns
        except OSError:
            return None


_shared_store: Optional[KnowledgeStore] = None


def shared_knowledge_store() -> KnowledgeStore:
    """The process-wide knowledge store, with the served languages' translations, opened on first use
    (KnowledgeError when a file is bad)."""
    global _shared_store
    if _shared_store is None:
        _shared_store = KnowledgeStore(languages=served_languages()[1:])
    return _shared_store


def translation_path(english: Path, language: str) -> Path:
    """The knowledge file in `language` beside `english` (si_joint.es.yml), else the project's own."""
    beside = english.with_name(f"{english.stem}.{language}{english.suffix}")
    return (
        beside if beside.exists() else DEFAULT_KNOWLEDGE_FILE.with_name(f"{DEFAULT_KNOWLEDGE_FILE.stem}.{language}.yml")
    )
