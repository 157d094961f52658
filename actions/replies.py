"""Turns knowledge entries into chat messages: answer text, its source and follow-up buttons."""
from __future__ import annotations

from typing import Dict, List, Sequence

from actions import prompts
from si_joint import site_settings
from actions.knowledge import Entry, KnowledgeBase
from actions.questions import button_payload

MAX_BUTTONS = 3


def source_line(knowledge: KnowledgeBase, entries: Sequence[Entry]) -> str:
    citations: List[str] = []
    for entry in entries:
        citation = knowledge.citation(entry)
        if citation not in citations:
            citations.append(citation)
    return "Source: " + "; ".join(citations) + "."


def buttons_for(knowledge: KnowledgeBase, entry_ids: Sequence[str], exclude=()) -> List[Dict[str, str]]:
    chosen: List[str] = []
    for entry_id in entry_ids:
        if entry_id not in exclude and entry_id not in chosen:
            chosen.append(entry_id)
    entries = [knowledge.entry(entry_id) for entry_id in chosen[:MAX_BUTTONS]]
    return [{"title": entry.title, "payload": button_payload(entry)} for entry in entries]


def related_buttons(knowledge: KnowledgeBase, entries: Sequence[Entry]) -> List[Dict[str, str]]:
    related = [related_id for entry in entries for related_id in entry.related]
    return buttons_for(knowledge, related, exclude={e.id for e in entries})


def answer_message(knowledge: KnowledgeBase, entries: Sequence[Entry]) -> dict:
    text = "\n\n".join(entry.answer for entry in entries)
    urls = [site_settings.link_url(entry.link) for entry in entries if entry.link]
    text += "".join(" " + prompts.LEARN_MORE.format(url=url) for url in urls if url)
    return {
        "text": f"{text}\n\n{source_line(knowledge, entries)}",
        "buttons": related_buttons(knowledge, entries),
    }


def details_message(knowledge: KnowledgeBase, entry: Entry) -> dict:
    return {
        "text": f"{entry.details}\n\n{source_line(knowledge, [entry])}",
        "buttons": related_buttons(knowledge, [entry]),
    }


def covered_titles(knowledge: KnowledgeBase, entity_type: str) -> str:
    return spoken_list([e.title.lower() for e in knowledge.entries_for_entity(entity_type)])


def spoken_list(items: Sequence[str], separator: str = ", ") -> str:
    """'a, b and c'."""
    if len(items) < 2:
        return "".join(items)
    return separator.join(items[:-1]) + " and " + items[-1]
