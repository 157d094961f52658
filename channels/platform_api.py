"""HTTP calls to the messaging platforms' APIs.

A failed delivery is logged and not raised: raising would make Rasa drop the turn from the tracker
and make the platform retry the webhook, so the patient would get the same answer again and again.
Logs name the platform, the API method and the status, never the message text.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, Optional

import aiohttp

logger = logging.getLogger(__name__)

TIMEOUT = aiohttp.ClientTimeout(total=15)


async def post(
    platform: str,
    url: str,
    *,
    json: Optional[Dict[str, Any]] = None,
    data: Optional[Dict[str, Any]] = None,
    headers: Optional[Dict[str, str]] = None,
    auth: Optional[aiohttp.BasicAuth] = None,
) -> Optional[Dict[str, Any]]:
    """POSTs to a platform API; returns its JSON answer, or None when the call failed."""
    method = url.split("?")[0].rsplit("/", 1)[-1]
    try:
        async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
            async with session.post(url, json=json, data=data, headers=headers, auth=auth) as response:
                answer = await response.json(content_type=None)
                if response.status >= 400 or (isinstance(answer, dict) and answer.get("ok") is False):
                    error = answer.get("error") or answer.get("description") if isinstance(answer, dict) else None
                    logger.error("%s API %s failed: HTTP %s %s", platform, method, response.status, error or "")
                    return None
                return answer if isinstance(answer, dict) else {}
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
        logger.error("%s API %s failed: %s", platform, method, type(error).__name__)
        return None
