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
from typing import Any, Optional, Tuple

logger = logging.getLogger(__name__)
MESSAGE_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
REMEMBER_S = 3600
CLAIM_S = 20  # longer than a turn waiting for a lock (TICKET_LOCK_LIFETIME, 15 s) and answering
MAX_LOCAL_IDS = 50_000
KEY_PREFIX = "si:message:"
ANSWERED, ANSWERING, CLAIMED = "answered", "answering", "claimed"


def valid_message_id(value: Any) -> Optional[str]:
    return value if isinstance(value, str) and MESSAGE_ID.match(value) else None


class DeliveredMessages:
    """One key per message, "answering" for CLAIM_S, then "answered" for REMEMBER_S."""

    def __init__(self, redis: Any = None) -> None:
        self.redis = redis  # a redis.asyncio client, or None
        self.local: OrderedDict[str, Tuple[str, float]] = OrderedDict()  # key -> (state, expiry)

    async def claim(self, conversation_id: str, message_id: str) -> str:
        """ANSWERED, ANSWERING (another copy is being answered), or CLAIMED (this copy answers)."""
        key = KEY_PREFIX + conversation_id + ":" + message_id
        state, expiry = self.local.get(key, ("", 0.0))
        if expiry > time.monotonic():
            return state
        if self.redis is not None:
            try:
                if not await self.redis.set(key, ANSWERING, nx=True, ex=CLAIM_S):
                    stored = await self.redis.get(key)
                    return ANSWERED if stored == ANSWERED.encode() else ANSWERING
            except Exception as error:  # noqa: BLE001 - Redis down: this process's memory only
                logger.error("Redis unavailable for web chat message ids (%s)", type(error).__name__)
        self._keep(key, ANSWERING, CLAIM_S)
        return CLAIMED

    async def remember(self, conversation_id: str, message_id: str) -> None:
        """The message was answered."""
        key = KEY_PREFIX + conversation_id + ":" + message_id
        self._keep(key, ANSWERED, REMEMBER_S)
        if self.redis is not None:
            try:
                await self.redis.set(key, ANSWERED, ex=REMEMBER_S)
            except Exception as error:  # noqa: BLE001
                logger.error("Redis unavailable for web chat message ids (%s)", type(error).__name__)

    def _keep(self, key: str, state: str, seconds: float) -> None:
        self.local[key] = (state, time.monotonic() + seconds)
        self.local.move_to_end(key)
        while len(self.local) > MAX_LOCAL_IDS:
            self.local.popitem(last=False)
