"""What every messaging channel's webhook shares: the blueprint with its health check, and
constant-time comparison of the secrets platforms send."""

from __future__ import annotations

import hmac
from typing import Any

from sanic import Blueprint, response


def webhook_blueprint(name: str) -> Blueprint:
    """A channel's blueprint, answering `GET /webhooks/<channel>/` with {"status": "ok"} as Rasa's
    channels do."""
    blueprint = Blueprint(name, __name__)

    @blueprint.route("/", methods=["GET"])
    async def health(_: Any) -> Any:
        return response.json({"status": "ok"})

    return blueprint


def same_secret(given: str, expected: str) -> bool:
    return hmac.compare_digest((given or "").encode(), expected.encode())
