"""Which web chat messages were already answered, so that a message the widget sends again is not
answered twice.

The widget numbers each message (`message_id`) and sends it again when no acknowledgement came
back: the Rasa instance holding its socket may have died mid-turn, or the connection dropped. The
server claims a message's id before its turn (for at most CLAIM_S, so a turn lost with a killed
instance is taken up again by a later copy), acknowledges it after the turn, and remembers it for
an hour: in Redis when the cluster has one (every instance sees it), else in this process. A copy
of a message that was answered is acknowledged without a second turn; a copy of one still being
answered gets `{"answered": false}`, and the widget sends it again later. When Redis is
unavailable the ids are kept in this process, and the error is logged.
"""
from __future__ import annotations

import logging
import re
import time
from collections import OrderedDict
from typing import Any, Optional

logger = logging.getLogger(__name__)
MESSAGE_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
REMEMBER_S = 3600
CLAIM_S = 20  # longer than a turn waiting for a lock (TICKET_LOCK_LIFETIME, 15 s) and answering
MAX_LOCAL_IDS = 50_000
KEY_PREFIX = "si:answered:"
CLAIM_PREFIX = "si:answering:"
ANSWERED, ANSWERING, CLAIMED = "answered", "answering", "claimed"


def valid_message_id(value: Any) -> Optional[str]:
    return value if isinstance(value, str) and MESSAGE_ID.match(value) else None


class DeliveredMessages:
    def __init__(self, redis: Any = None) -> None:
        self.redis = redis  # a redis.asyncio client, or None
        self.local: OrderedDict[str, None] = OrderedDict()
        self.local_claims: OrderedDict[str, float] = OrderedDict()

    async def claim(self, conversation_id: str, message_id: str) -> str:
        """ANSWERED, ANSWERING (another copy is being answered), or CLAIMED (this copy answers)."""
        if await self.answered(conversation_id, message_id):
            return ANSWERED
        key = CLAIM_PREFIX + conversation_id + ":" + message_id
        now = time.monotonic()
        if self.local_claims.get(key, 0) > now:
            return ANSWERING
        self.local_claims[key] = now + CLAIM_S
        while len(self.local_claims) > MAX_LOCAL_IDS:
            self.local_claims.popitem(last=False)
        if self.redis is not None:
            try:
                if not await self.redis.set(key, 1, nx=True, ex=CLAIM_S):
                    return ANSWERING
            except Exception as error:  # noqa: BLE001 - Redis down: this process's claim only
                logger.error("Redis unavailable for web chat message ids (%s)", type(error).__name__)
        return CLAIMED

    async def answered(self, conversation_id: str, message_id: str) -> bool:
        key = KEY_PREFIX + conversation_id + ":" + message_id
        if key in self.local:
            return True
        if self.redis is not None:
            try:
                return bool(await self.redis.exists(key))
            except Exception as error:  # noqa: BLE001 - Redis down: this process's memory only
                logger.error("Redis unavailable for web chat message ids (%s)", type(error).__name__)
        return False

    async def remember(self, conversation_id: str, message_id: str) -> None:
        key = KEY_PREFIX + conversation_id + ":" + message_id
        self.local[key] = None
        while len(self.local) > MAX_LOCAL_IDS:
            self.local.popitem(last=False)
        if self.redis is not None:
            try:
                await self.redis.set(key, 1, ex=REMEMBER_S)
            except Exception as error:  # noqa: BLE001
                logger.error("Redis unavailable for web chat message ids (%s)", type(error).__name__)
