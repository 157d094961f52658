"""Tracker stores that delete what the assistant tells patients it deletes.

Rasa keeps every event of a conversation forever, even after a restart. These stores add two
rules to Rasa's in-memory and SQL stores (endpoints.yml names one of them):

- Forgetting: when a turn ends with a `Restarted` event ("start over", "delete my conversation"),
  every stored event of that conversation up to it is deleted, not just hidden.
- Retention: a conversation with no activity for `retention_days` (SI_RETENTION_DAYS, settings
  privacy.retention_days, default 30) is deleted; the server checks every
  PURGE_INTERVAL_S seconds, and `make purge` runs the same deletion once.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from typing import Any, Dict, Iterator, List, Optional, Tuple

from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.events import ActionExecuted, Event, Restarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from si_joint.site_settings import retention_days

PURGE_INTERVAL_S = 3600
MAX_CONVERSATIONS = 20_000
# A live tracker keeps about the last 12 turns: more than the policies (5 turns) and the actions
# (the previous turns) look at.
WORKING_EVENTS = 100
MAX_LIVE_TRACKERS = 1_000
DAY_S = 86400
logger = logging.getLogger(__name__)


def events_after_last_restart(events: List[Event]) -> Optional[List[Event]]:
    """The events after the last `Restarted`, or None when the conversation was not restarted."""
    for index in range(len(events) - 1, -1, -1):
        if isinstance(events[index], Restarted):
            return list(events[index + 1 :])
    return None


class ForgettingStore:
    """What both stores add; a subclass provides `delete_conversation` and `inactive_since`."""

    retention_s: float

    def _start_retention(self, days: Optional[Any]) -> None:
        self.retention_s = float(days or retention_days()) * DAY_S
        try:
            asyncio.get_running_loop().create_task(self._purge_periodically())
        except RuntimeError:
            pass  # no server running (make purge): purges only when asked

    async def save(self, tracker: DialogueStateTracker) -> None:
        remaining = events_after_last_restart(list(tracker.events))
        if remaining is None:
            await super().save(tracker)  # type: ignore[misc]
            return
        await self.delete_conversation(tracker.sender_id)
        if remaining:
            fresh = DialogueStateTracker.from_events(tracker.sender_id, remaining, list(tracker.slots.values()))
            await super().save(fresh)  # type: ignore[misc]

    async def purge_inactive(self, now: Optional[float] = None) -> int:
        """Deletes every conversation inactive for longer than the retention; returns how many."""
        cutoff = (now or time.time()) - self.retention_s
        expired = await self.inactive_since(cutoff)
        for sender_id in expired:
            await self.delete_conversation(sender_id)
        if expired:
            logger.info("Retention: deleted %d conversation(s) inactive since the cutoff", len(expired))
        return len(expired)

    async def _purge_periodically(self) -> None:
        while True:
            try:
                await self.purge_inactive()
            except Exception:  # noqa: BLE001 - keep purging on the next round; say so loudly
                logger.exception("Retention purge failed")
            await asyncio.sleep(PURGE_INTERVAL_S)

    async def delete_conversation(self, sender_id: str) -> None:
        raise NotImplementedError

    async def inactive_since(self, cutoff: float) -> List[str]:
        raise NotImplementedError


def trim_to_recent_turns(tracker: DialogueStateTracker, keep: int = WORKING_EVENTS) -> None:
    """Drops a live tracker's oldest events, whole turns at a time, down to about `keep`, and puts
    the slot values they had set in front of the rest as `SlotSet` events. Rasa copies a tracker
    (for every action, and for the policies' history) by replaying its events from empty slots,
    so the slots must be in the events, as after a session start that carries slots over. Nothing
    is dropped while a form is active, so a form's history stays whole."""
    events = tracker.events
    if len(events) <= keep or tracker.active_loop_name:
        return
    cut = next(
        (
            index
            for index in range(len(events) - keep, len(events) - 1)
            if _listens_before_a_message(events[index], events[index + 1])
        ),
        None,
    )
    if not cut:
        return
    before_cut = tracker.init_copy()
    for _ in range(cut):
        before_cut.update(events.popleft())
    timestamp = events[0].timestamp
    carried = [
        SlotSet(name, slot.value, timestamp=timestamp)
        for name, slot in before_cut.slots.items()
        if slot.value != slot.initial_value
    ]
    events.extendleft(reversed(carried))


def _listens_before_a_message(event: Event, following: Event) -> bool:
    return (
        isinstance(event, ActionExecuted)
        and event.action_name == ACTION_LISTEN_NAME
        and isinstance(following, UserUttered)
    )


class LiveTrackers:
    """The trackers a store handed out, kept live between turns (at most MAX_LIVE_TRACKERS, least
    recently used dropped first). Each tracker carries its number of events at its last save, and
    is kept with the store's version of the conversation then: it is handed out again only while
    both still match, so a turn that failed half way makes the store load the conversation again."""

    SAVED_EVENTS = "_si_saved_events"  # set on the tracker object itself, so eviction cannot lose it

    def __init__(self) -> None:
        self._trackers: OrderedDict[str, Tuple[DialogueStateTracker, Any]] = OrderedDict()

    def keep(self, tracker: DialogueStateTracker, version: Any) -> None:
        trim_to_recent_turns(tracker)
        setattr(tracker, self.SAVED_EVENTS, len(tracker.events))
        self._trackers[tracker.sender_id] = (tracker, version)
        self._trackers.move_to_end(tracker.sender_id)
        while len(self._trackers) > MAX_LIVE_TRACKERS:
            self._trackers.popitem(last=False)

    def get(self, sender_id: str, version: Any) -> Optional[DialogueStateTracker]:
        kept = self._trackers.get(sender_id)
        if kept and kept[1] == version and len(kept[0].events) == getattr(kept[0], self.SAVED_EVENTS):
            self._trackers.move_to_end(sender_id)
            return kept[0]
        return None

    def new_events(self, tracker: DialogueStateTracker) -> Optional[List[Event]]:
        """The events added since this tracker was handed out, or None when it is not one of ours."""
        saved = getattr(tracker, self.SAVED_EVENTS, None)
        return None if saved is None else list(tracker.events)[saved:]

    def forget(self, sender_id: str) -> None:
        self._trackers.pop(sender_id, None)


class LiveInMemoryTrackerStore(InMemoryTrackerStore):
    """Rasa's in-memory store rebuilds a conversation's tracker from all its events on every turn
    and re-serialises all of them on every save, so each turn costs more than the one before. This
    one stores each conversation's events as a list, appended to on save, and keeps the tracker it
    handed out live until the next turn (`LiveTrackers`), trimmed to its recent turns: a turn's work
    does not grow with the conversation. A tracker the store did not hand out replaces the stored
    conversation, as in Rasa."""

    def __init__(self, domain=None, event_broker=None, **kwargs: Any) -> None:
        super().__init__(domain, event_broker, **kwargs)
        self.store: Dict[str, List[Dict[str, Any]]] = {}  # type: ignore[assignment]
        self.live = LiveTrackers()

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        sender = tracker.sender_id
        new = self.live.new_events(tracker)
        if new is not None and sender in self.store:
            self.store[sender].extend(e.as_dict() for e in new)
        else:
            self.store[sender] = [e.as_dict() for e in tracker.events]
        self.live.keep(tracker, len(self.store[sender]))

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        events = self.store.get(sender_id)
        if not events:
            return None
        tracker = self.live.get(sender_id, len(events))
        if tracker is None:
            tracker = self._tracker(sender_id, events[_last_session_start(events) :])
            self.live.keep(tracker, len(events))
        return tracker

    async def retrieve_full_tracker(self, sender_id: str) -> Optional[DialogueStateTracker]:
        events = self.store.get(sender_id)
        return self._tracker(sender_id, events) if events else None

    def _tracker(self, sender_id: str, events: List[Dict[str, Any]]) -> DialogueStateTracker:
        slots = self.domain.slots if self.domain else None
        return DialogueStateTracker.from_dict(sender_id, events, slots, self.max_event_history)


class LiveSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQL store, with the same live trackers: a turn reads one number (the conversation's
    newest event id, an indexed query) instead of the whole session, and a save writes only the
    turn's new events without counting the stored ones. When another instance has written to the
    conversation since, its newest id differs and the session is loaded from the database."""

    def __init__(self, domain=None, **kwargs: Any) -> None:
        super().__init__(domain, **kwargs)
        self.live = LiveTrackers()

    def _newest_event_id(self, sender_id: str) -> Optional[int]:
        import sqlalchemy as sa

        with self.session_scope() as session:
            return session.query(sa.func.max(self.SQLEvent.id)).filter(self.SQLEvent.sender_id == sender_id).scalar()

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        newest = self._newest_event_id(sender_id)
        if newest is None:
            return None
        tracker = self.live.get(sender_id, newest)
        if tracker is None:
            tracker = await super().retrieve(sender_id)
            if tracker is not None:
                self.live.keep(tracker, newest)
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(tracker)
        self.live.keep(tracker, self._newest_event_id(tracker.sender_id))

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator[Event]:
        new = self.live.new_events(tracker)
        return iter(new) if new is not None else super()._additional_events(session, tracker)


def _last_session_start(events: List[Dict[str, Any]]) -> int:
    for index in range(len(events) - 1, -1, -1):
        if events[index].get("event") == "action" and events[index].get("name") == ACTION_SESSION_START_NAME:
            return index
    return 0


class PrivateInMemoryTrackerStore(ForgettingStore, LiveInMemoryTrackerStore):
    """Also holds at most `max_conversations` (default MAX_CONVERSATIONS): past that, the least
    recently active conversation is deleted, so a flood of new conversations cannot exhaust the
    memory every patient's emergency answer needs. Production uses the SQL store."""

    def __init__(
        self,
        domain=None,
        event_broker=None,
        retention_days: Optional[Any] = None,
        max_conversations: Optional[Any] = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(domain, event_broker, **kwargs)
        self.last_activity: Dict[str, float] = {}
        self.max_conversations = int(max_conversations or MAX_CONVERSATIONS)
        self._start_retention(retention_days)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(tracker)
        if tracker.sender_id in self.store:
            self.last_activity.pop(tracker.sender_id, None)  # re-inserted last: dicts keep order
            self.last_activity[tracker.sender_id] = tracker.events[-1].timestamp if tracker.events else time.time()
        while len(self.last_activity) > self.max_conversations:
            await self.delete_conversation(next(iter(self.last_activity)))
            logger.warning(
                "In-memory store full (%d conversations): deleted the least recently active", self.max_conversations
            )

    async def delete_conversation(self, sender_id: str) -> None:
        self.store.pop(sender_id, None)
        self.live.forget(sender_id)
        self.last_activity.pop(sender_id, None)

    async def inactive_since(self, cutoff: float) -> List[str]:
        return [sender for sender, last in self.last_activity.items() if last < cutoff]


class PrivateSQLTrackerStore(ForgettingStore, LiveSQLTrackerStore):
    def __init__(self, domain=None, retention_days: Optional[Any] = None, **kwargs: Any) -> None:
        # endpoints.yml gives every setting as a string, and an unset variable as "" (sqlite needs
        # no host, port or user): "" means "not set" here.
        kwargs = {key: None if value == "" else value for key, value in kwargs.items()}
        if kwargs.get("port") is not None:
            kwargs["port"] = int(kwargs["port"])
        super().__init__(domain, **kwargs)
        self._start_retention(retention_days)

    async def delete_conversation(self, sender_id: str) -> None:
        self.live.forget(sender_id)
        with self.session_scope() as session:
            session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).delete()
            session.commit()

    async def inactive_since(self, cutoff: float) -> List[str]:
        import sqlalchemy as sa

        with self.session_scope() as session:
            rows = (
                session.query(self.SQLEvent.sender_id)
                .group_by(self.SQLEvent.sender_id)
                .having(sa.func.max(self.SQLEvent.timestamp) < cutoff)
                .all()
            )
        return [row[0] for row in rows]
