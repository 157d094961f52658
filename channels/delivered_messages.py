"""Which web chat messages were already answered, so that a message the widget sends again is not
answered twice.

The widget numbers each message (`message_id`) and sends it again when no acknowledgement came
back: the Rasa instance holding its socket may have died mid-turn, or the connection dropped. The
server acknowledges a message only after its turn is done, and remembers its id for an hour: in
Redis when the cluster has one (every instance sees it), else in this process. A resent message
that was answered is acknowledged again without a second turn. When Redis is unavailable the ids
are kept in this process, and the error is logged.
"""
from __future__ import annotations

import logging
import re
from collections import OrderedDict
from typing import Any, Optional

logger = logging.getLogger(__name__)
MESSAGE_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
REMEMBER_S = 3600
MAX_LOCAL_IDS = 50_000
KEY_PREFIX = "si:answered:"


def valid_message_id(value: Any) -> Optional[str]:
    return value if isinstance(value, str) and MESSAGE_ID.match(value) else None


class DeliveredMessages:
    def __init__(self, redis: Any = None) -> None:
        self.redis = redis  # a redis.asyncio client, or None
        self.local: OrderedDict[str, None] = OrderedDict()

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
