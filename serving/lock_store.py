"""A Redis lock store whose ticket operations are atomic across Rasa instances.

Rasa's `RedisLockStore` reads a conversation's lock, changes it in Python and writes it back. Two
instances handling two messages of one conversation at the same moment can both read the same lock
and both take ticket 1, so both turns run at once and one of them is lost from the tracker store;
and its clean-up ("remove my ticket, then delete the lock if nobody waits") can delete a ticket
another instance has just taken. Here every read-change-write of a lock is one Redis transaction
(WATCH the key, MULTI, EXEC; retried when another instance changed the key in between), with
Rasa's own `TicketLock` logic inside, so Rasa's behaviour is unchanged on one instance.

endpoints.yml:
    lock_store:
      type: serving.lock_store.AtomicRedisLockStore
      url: ${SI_REDIS_HOST}
"""
from __future__ import annotations

import json
from typing import Any, Callable, Optional, Tuple, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

Result = TypeVar("Result")
# A change of a lock: the lock as stored (None: no lock) -> the lock to store (None: delete), result.
LockChange = Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], Result]]
MAX_ATTEMPTS = 100
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
        if "socket_timeout" in kwargs:
            kwargs["socket_timeout"] = float(kwargs["socket_timeout"])
        super().__init__(**kwargs)

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

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def take_ticket(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, take_ticket)
        except Exception as error:  # as Rasa's: the processor expects a LockError
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: str) -> None:
        def drop_expired(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        def give_back(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._change(conversation_id, give_back)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Gives the ticket back and deletes the lock when nobody waits, in one transaction."""

        def give_back_and_delete_if_unused(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock:
                lock.remove_ticket_for(ticket_number)
                if not lock.is_someone_waiting():
                    return None, None
            return lock, None

        self._change(conversation_id, give_back_and_delete_if_unused)
