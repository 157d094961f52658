"""The stores' live trackers (in memory and SQL): a turn's work does not grow with the
conversation, and nothing the store keeps is lost or changed by that (serving/tracker_store.py)."""

import asyncio

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from serving import tracker_store
from serving.tracker_store import WORKING_EVENTS, PrivateInMemoryTrackerStore, PrivateSQLTrackerStore

DOMAIN = Domain.from_dict(
    {
        "slots": {"last_topic": {"type": "text", "mappings": [{"type": "custom"}]}},
        "forms": {"self_check_form": {"required_slots": []}},
    }
)


@pytest.fixture(params=["memory", "sqlite"])
def new_store(request, tmp_path):
    """Makes a store; SQL stores made by one test share one database, like instances of a cluster."""
    if request.param == "memory":
        return lambda: PrivateInMemoryTrackerStore(DOMAIN)
    return lambda: PrivateSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "trackers.db"))


def run(coroutine):
    return asyncio.new_event_loop().run_until_complete(coroutine)


def turn(text, topic=None):
    events = [
        UserUttered(text, {"name": "ask_causes", "confidence": 1.0}),
        ActionExecuted("action_answer_question"),
        BotUttered(f"answer to {text}"),
    ]
    if topic:
        events.append(SlotSet("last_topic", topic))
    return events + [ActionExecuted("action_listen")]


def session_start():
    return [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]


def user_texts(tracker):
    return [e.text for e in tracker.events if isinstance(e, UserUttered)]


def chat(store, sender, texts, topic=None):
    """Each text as one turn the way Rasa's processor runs it: retrieve, add events, save."""
    for text in texts:
        tracker = run(store.retrieve(sender)) or DialogueStateTracker.from_events(sender, session_start(), DOMAIN.slots)
        for event in turn(text, topic):
            tracker.update(event)
        run(store.save(tracker))


def test_a_long_conversation_keeps_every_event_but_works_on_its_recent_turns(new_store):
    store = new_store()
    texts = [f"question {n}" for n in range(150)]
    chat(store, "rest:long", texts[:1], topic="causes")
    chat(store, "rest:long", texts[1:])
    working = run(store.retrieve("rest:long"))
    assert len(working.events) <= WORKING_EVENTS + len(DOMAIN.slots)
    assert user_texts(working)[-1] == "question 149"
    carried, listen, message = list(working.events)[:3]  # the slots, then whole turns
    assert carried == SlotSet("last_topic", "causes")
    assert isinstance(listen, ActionExecuted) and isinstance(message, UserUttered)
    assert working.get_slot("last_topic") == "causes"  # set in the first turn, long trimmed away
    # Rasa copies a tracker by replaying its events (for each action and the policies' history):
    assert working.copy().get_slot("last_topic") == "causes"
    assert user_texts(run(store.retrieve_full_tracker("rest:long"))) == texts


def test_the_store_hands_out_the_same_tracker_between_turns_and_rebuilds_after_a_failed_turn(new_store):
    store = new_store()
    chat(store, "rest:a", ["first", "second"], topic="causes")
    tracker = run(store.retrieve("rest:a"))
    assert run(store.retrieve("rest:a")) is tracker
    tracker.update(UserUttered("a turn that failed half way"))  # changed, never saved
    rebuilt = run(store.retrieve("rest:a"))
    assert rebuilt is not tracker
    assert user_texts(rebuilt) == ["first", "second"]
    assert rebuilt.get_slot("last_topic") == "causes"


def test_a_tracker_the_in_memory_store_did_not_hand_out_replaces_the_conversation():
    store = PrivateInMemoryTrackerStore(DOMAIN)  # as Rasa's; Rasa's SQL store appends instead
    chat(store, "rest:a", ["first", "second"])
    replacement = DialogueStateTracker.from_events("rest:a", session_start() + turn("only this"), DOMAIN.slots)
    run(store.save(replacement))
    assert user_texts(run(store.retrieve_full_tracker("rest:a"))) == ["only this"]


def test_only_the_current_session_is_loaded_after_a_rebuild(new_store):
    store = new_store()
    events = session_start() + turn("yesterday") + session_start() + turn("today")
    run(store.save(DialogueStateTracker.from_events("rest:a", events, DOMAIN.slots)))
    store.live = type(store.live)()  # as after a restart of the cache
    assert user_texts(run(store.retrieve("rest:a"))) == ["today"]
    assert user_texts(run(store.retrieve_full_tracker("rest:a"))) == ["yesterday", "today"]


def test_nothing_is_trimmed_while_a_form_is_active(new_store):
    store = new_store()
    events = (
        session_start()
        + turn("start the check")[:-1]
        + [ActiveLoop("self_check_form"), ActionExecuted("action_listen")]
    )
    tracker = DialogueStateTracker.from_events("rest:form", events, DOMAIN.slots)
    run(store.save(tracker))
    chat(store, "rest:form", [f"answer {n}" for n in range(40)])
    assert len(run(store.retrieve("rest:form")).events) > 4 * 40


def test_forgetting_still_deletes_a_live_conversation(new_store):
    store = new_store()
    chat(store, "rest:a", ["my private words"])
    run(store.delete_conversation("rest:a"))
    assert run(store.retrieve("rest:a")) is None
    assert run(store.retrieve_full_tracker("rest:a")) is None


def test_a_turn_whose_tracker_left_the_cache_still_appends(new_store, monkeypatch):
    """Busy servers drop live trackers while a turn runs: its save must still only append."""
    monkeypatch.setattr(tracker_store, "MAX_LIVE_TRACKERS", 2)
    store = new_store()
    texts = [f"question {n}" for n in range(40)]
    chat(store, "rest:a", texts)
    tracker = run(store.retrieve("rest:a"))
    chat(store, "rest:b", ["hello"])
    chat(store, "rest:c", ["hello"])  # rest:a's tracker is no longer cached
    for event in turn("one more"):
        tracker.update(event)
    run(store.save(tracker))
    assert user_texts(run(store.retrieve_full_tracker("rest:a"))) == texts + ["one more"]


def test_another_instance_s_turn_is_read_from_the_database(tmp_path):
    first, second = (PrivateSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "shared.db")) for _ in range(2))
    chat(first, "rest:a", ["asked on the first instance"], topic="causes")
    chat(second, "rest:a", ["asked on the second instance"])
    tracker = run(first.retrieve("rest:a"))
    assert user_texts(tracker) == ["asked on the first instance", "asked on the second instance"]
    assert tracker.get_slot("last_topic") == "causes"


def test_a_copy_of_a_trimmed_tracker_has_each_slot_as_it_was_last_set(new_store):
    store = new_store()
    chat(store, "rest:a", ["first"], topic="causes")
    chat(store, "rest:a", [f"question {n}" for n in range(60)])
    chat(store, "rest:a", ["later"], topic="symptoms")
    chat(store, "rest:a", [f"more {n}" for n in range(60)])
    working = run(store.retrieve("rest:a"))
    assert len(working.events) <= WORKING_EVENTS + len(DOMAIN.slots)
    assert working.copy().get_slot("last_topic") == "symptoms"
    assert [e for e in run(store.retrieve_full_tracker("rest:a")).events if isinstance(e, SlotSet)] == [
        SlotSet("last_topic", "causes"),
        SlotSet("last_topic", "symptoms"),
    ]  # nothing carried is stored


def test_a_load_reads_only_the_current_session(tmp_path):
    """A conversation left longer than `session_config` allows starts a new session; the SQL store
    then loads that session only (the earlier one stays stored until retention or deletion)."""

    def new_store():
        return PrivateSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "trackers.db"))

    store = new_store()
    chat(store, "rest:returning", ["first visit"])
    tracker = run(store.retrieve("rest:returning"))
    for event in session_start():
        tracker.update(event)
    run(store.save(tracker))
    chat(store, "rest:returning", ["second visit"])
    assert user_texts(run(new_store().retrieve("rest:returning"))) == ["second visit"]
    assert user_texts(run(new_store().retrieve_full_tracker("rest:returning"))) == ["first visit", "second visit"]
