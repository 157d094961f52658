"""A Redis lock store whose ticket operations are atomic across Rasa instances.

Rasa's `RedisLockStore` reads a conversation's lock, changes it in Python and writes it back. Two
instances handling two messages of one conversation at the same moment can both read the same lock
and both take ticket 1, so both turns run at once and one of them is lost from the tracker store;
and its clean-up ("remove my ticket, then delete the lock if nobody waits") can delete a ticket
another instance has just taken. Here every read-change-write of a lock is one Redis transaction
(WATCH the key, MULTI, EXEC; retried when another instance changed the key in between), with
Rasa's own `TicketLock` logic inside, so Rasa's behaviour is unchanged on one instance. `lock()`
is the whole of what Rasa uses: it takes a ticket, waits for its turn and gives the ticket back,
each step one transaction (Rasa's non-atomic `update_lock` and `finish_serving` are not called).

When Redis is down, a patient is still answered: the instance locks the conversation in its own
memory and logs an error on every such turn. The web chat keeps a conversation on one instance
(HAProxy's stickiness), so only two messages of one REST conversation sent at the same moment to
two instances could then overlap. A ticket left by an instance killed mid-turn expires after
TICKET_LOCK_LIFETIME seconds (serving/endpoint_settings.py).

endpoints.yml:
    lock_store:
      type: serving.lock_store.AtomicRedisLockStore
      url: ${SI_REDIS_HOST}
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import deque
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Callable, Optional, Tuple, TypeVar

from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

Result = TypeVar("Result")
# A change of a lock: the lock as stored (None: no lock) -> the lock to store (None: delete), result.
LockChange = Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], Result]]
MAX_ATTEMPTS = 100
REDIS_TIMEOUT_S = 2.0  # a Redis that does not answer must not hold up the patient's turn for long
logger = logging.getLogger(__name__)
_SETTINGS = {"port", "db", "username", "password", "key_prefix", "socket_timeout"}


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        """From endpoints.yml (Rasa passes a custom store its `endpoint_config`: `url` is the host,
        and every other value arrives as a string) or from keyword arguments, as Rasa's store."""
        if endpoint_config is not None:
            settings = {k: v for k, v in endpoint_config.kwargs.items() if k in _SETTINGS and v not in (None, "")}
            kwargs = {"host": endpoint_config.url or "localhost", **settings, **kwargs}
        for name in ("port", "db"):
            if name in kwargs:
                kwargs[name] = int(kwargs[name])
        kwargs["socket_timeout"] = float(kwargs.get("socket_timeout") or REDIS_TIMEOUT_S)
        super().__init__(**kwargs)
        self.in_this_process = InMemoryLockStore()

    @asynccontextmanager
    async def lock(
        self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME, wait_time_in_seconds: float = 1
    ) -> AsyncIterator[TicketLock]:
        import redis

        try:
            ticket = self.issue_ticket(conversation_id, lock_lifetime)
        except LockError as error:
            if not isinstance(error.__cause__, redis.RedisError):
                raise
            logger.error(
                "Lock store unavailable (%s): this conversation is locked in this process only",
                type(error.__cause__).__name__,
            )
            async with self.in_this_process.lock(conversation_id, lock_lifetime, wait_time_in_seconds) as lock:
                yield lock
            return
        try:
            yield await self._wait_for_turn(conversation_id, ticket, lock_lifetime, wait_time_in_seconds)
        finally:
            try:
                self.cleanup(conversation_id, ticket)
            except redis.RedisError as error:  # the turn is done; the ticket expires by itself
                logger.error("Lock store unavailable (%s) when giving a ticket back", type(error).__name__)

    def _change(self, conversation_id: str, change: LockChange[Result]) -> Result:
        import redis

        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            for _ in range(MAX_ATTEMPTS):
                try:
                    pipe.watch(key)
                    stored = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(stored)) if stored else None
                    new_lock, result = change(lock)
                    pipe.multi()
                    if new_lock is None:
                        pipe.delete(key)
                    else:
                        pipe.set(key, new_lock.dumps())
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue
        raise LockError(f"The lock of a conversation changed {MAX_ATTEMPTS} times while being updated.")

    async def _wait_for_turn(self, conversation_id: str, ticket: int, lifetime: float, wait_s: float) -> TicketLock:
        """Rasa's `_acquire_lock`, except that a waiting message renews its own ticket on every check.
        In Rasa, a ticket issued behind one left by a killed instance expires at about the same
        time as it, and then the lock serves nobody: the conversation is stuck until no message
        waits any more. Here only the tickets of processes that stopped checking expire."""
        while True:
            lock = self._change(conversation_id, renewing(conversation_id, ticket, lifetime))
            if not lock.is_locked(ticket):
                return lock
            await asyncio.sleep(wait_s)

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def take_ticket(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, take_ticket)
        except Exception as error:  # as Rasa's: the processor expects a LockError
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Gives the ticket back and deletes the lock when nobody waits, in one transaction."""

        def give_back_and_delete_if_unused(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock:
                lock.remove_ticket_for(ticket_number)
                if not lock.is_someone_waiting():
                    return None, None
            return lock, None

        self._change(conversation_id, give_back_and_delete_if_unused)


def renewing(conversation_id: str, ticket: int, lifetime: float) -> LockChange[TicketLock]:
    """A change that drops the expired tickets and gives `ticket` a new lifetime (back in its
    place in the queue if it had expired)."""

    def renew(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], TicketLock]:
        lock = lock or TicketLock(conversation_id)
        lock.remove_expired_tickets()
        others = [t for t in lock.tickets if t.number != ticket]
        lock.tickets = deque(sorted([*others, Ticket(ticket, time.time() + lifetime)], key=lambda t: t.number))
        return lock, lock

    return renew
