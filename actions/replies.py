"""Turns knowledge entries into chat messages: answer text, its source and follow-up buttons."""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence

from actions import prompts
from actions.questions import button_payload
from si_joint import site_settings
from si_joint.conversation_report import ANSWERED_ENTRY
from si_joint.knowledge import Entry, KnowledgeBase
from si_joint.reply_rules import MAX_BUTTONS as MAX_BUTTONS_PER_MESSAGE
from si_joint.reply_rules import near_identical_pairs

MAX_BUTTONS = 3  # related topics offered with an answer
# An answer's text (answers, links, source) is at most this long, so that a sentence an action puts
# before it ("The page doesn't compare ...", "The page doesn't say how well ...") still fits a
# message of MAX_MESSAGE_CHARS (si_joint/reply_rules.py).
ANSWER_BUDGET = 440


def source_line(knowledge: KnowledgeBase, entries: Sequence[Entry]) -> str:
    citations: List[str] = []
    for entry in entries:
        citation = knowledge.citation(entry)
        if citation not in citations:
            citations.append(citation)
    return prompts.SOURCE_LINE.format(citations="; ".join(citations))


def buttons_for(
    knowledge: KnowledgeBase, entry_ids: Sequence[str], exclude=(), limit: int = MAX_BUTTONS
) -> List[Dict[str, str]]:
    """Buttons asking for these entries (at most `limit`), none twice: not the same entry, title or
    payload."""
    buttons: List[Dict[str, str]] = []
    for entry_id in entry_ids:
        if len(buttons) >= limit:
            break
        if entry_id in exclude:
            continue
        entry = knowledge.entry(entry_id)
        button = {"title": entry.title, "payload": button_payload(entry)}
        if any(b["title"].lower() == button["title"].lower() or b["payload"] == button["payload"] for b in buttons):
            continue
        buttons.append(button)
    return buttons


def related_buttons(knowledge: KnowledgeBase, entries: Sequence[Entry], exclude=()) -> List[Dict[str, str]]:
    related = [related_id for entry in entries for related_id in entry.related]
    return buttons_for(knowledge, related, exclude={e.id for e in entries} | set(exclude))


def _answer_text(knowledge: KnowledgeBase, entries: Sequence[Entry], extra: str = "") -> str:
    text = "\n\n".join(entry.answer for entry in entries)
    urls = [site_settings.link_url(entry.link) for entry in entries if entry.link]
    text += "".join(" " + prompts.LEARN_MORE.format(url=url) for url in urls if url)
    if extra:
        text += "\n\n" + extra
    return f"{text}\n\n{source_line(knowledge, entries)}"


def _also_named(entries: Sequence[Entry]) -> str:
    if not entries:
        return ""
    one = len(entries) == 1
    said = prompts.ALSO_NAMED_ONE if one else prompts.ALSO_NAMED_MANY
    return said.format(items=spoken_list([lower_first(e.title) for e in entries]))


def answered_together(knowledge: KnowledgeBase, entries: Sequence[Entry]) -> List[Entry]:
    """The first entry, and each next one while the answers read as one message: within
    ANSWER_BUDGET, and without near-identical sentences stacked ("X is one of the causes ... Y is
    one of the causes ..."). The others are offered as options (answer_message)."""
    shown = list(entries[:1])
    for entry in entries[1:]:
        trial = shown + [entry]
        rest = [e for e in entries if e not in trial]
        text = _answer_text(knowledge, trial, _also_named(rest))
        if len(text) > ANSWER_BUDGET or near_identical_pairs([e.answer for e in trial]):
            break
        shown = trial
    return shown


def answer_message(knowledge: KnowledgeBase, entries: Sequence[Entry]) -> dict:
    """The answer to the entries a question selected. Several named items are not stacked: those
    that do not fit one message (answered_together) are named in one sentence and offered as
    buttons, before the related topics."""
    shown = answered_together(knowledge, entries)
    rest = [e for e in entries if e not in shown]
    buttons = buttons_for(knowledge, [e.id for e in rest], limit=len(rest))
    related = [
        b
        for b in related_buttons(knowledge, shown, exclude={e.id for e in rest})
        if b["payload"] not in {r["payload"] for r in buttons}
    ]
    return {
        "text": _answer_text(knowledge, shown, _also_named(rest)),
        "buttons": (buttons + related)[:MAX_BUTTONS_PER_MESSAGE],
        ANSWERED_ENTRY: shown[0].id,  # kept with the message: "Was this helpful?" and the report
    }


def details_message(knowledge: KnowledgeBase, entry: Entry) -> dict:
    return {
        "text": f"{entry.details}\n\n{source_line(knowledge, [entry])}",
        "buttons": related_buttons(knowledge, [entry]),
    }


def covered_titles(knowledge: KnowledgeBase, entity_type: Optional[str]) -> str:
    return spoken_list([e.title.lower() for e in knowledge.entries_for_entity(entity_type)])


def spoken_list(items: Sequence[str], separator: str = ", ", or_word: bool = False) -> str:
    """'a, b and c' ('a, b or c')."""
    if len(items) < 2:
        return "".join(items)
    return separator.join(items[:-1]) + (prompts.LIST_OR if or_word else prompts.LIST_AND) + items[-1]


def lower_first(title: str) -> str:
    """'SI joint fusion' stays, 'Physical therapy' -> 'physical therapy'."""
    if len(title) > 1 and title[1].isupper():
        return title
    return title[:1].lower() + title[1:]
