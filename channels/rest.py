"""REST: `POST /webhooks/rest/webhook` with `{"sender": "...", "message": "..."}`, answered with the
list of bot messages. Replaces Rasa's `rest` channel, which takes any sender and any body.

- Conversations are `rest:<sender>`: a REST client can never continue a web chat or messaging
  conversation. The sender must follow REST_SENDER_RULE and is required.
- With SI_REST_TOKEN set, every request needs `Authorization: Bearer <token>`. Without it, only
  direct requests from this machine are served (no proxy headers), and the server refuses to
  start when Rasa listens beyond loopback (SI_RASA_HOST).
- Bodies must be JSON (`Content-Type: application/json`, so a web page cannot post in a visitor's
  name with a simple form); every malformed request gets a 4xx with a short reason.
"""

from __future__ import annotations

import ipaddress
import json
import os
from typing import Any, Dict, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel
from sanic import Blueprint, response
from sanic.request import Request

from channels.conversations import OnNewMessage, deliver
from channels.webhooks import same_secret, webhook_blueprint
from si_joint.conversation_ids import REST_SENDER_RULE, rest_conversation_id
from si_joint.message_limits import MAX_SCREENED_CHARS

TOKEN_VARIABLE = "SI_REST_TOKEN"
HOST_VARIABLE = "SI_RASA_HOST"
PROXY_HEADERS = ("forwarded", "x-forwarded-for", "x-real-ip")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def error(status: int, reason: str) -> Any:
    return response.json({"error": reason}, status=status)


class RestInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        token = os.environ.get(TOKEN_VARIABLE) or None
        host = os.environ.get(HOST_VARIABLE) or "127.0.0.1"
        if token is None and not is_loopback(host):
            raise ValueError(
                f"REST would answer anyone on {host} without a token: set {TOKEN_VARIABLE} "
                f"or listen on 127.0.0.1 ({HOST_VARIABLE})"
            )
        return cls(token)

    def __init__(self, token: Optional[str] = None) -> None:
        self.token = token

    def refusal(self, request: Request) -> Optional[Any]:
        """Why this request may not use REST, as a response; None when it may."""
        if self.token:
            scheme, _, given = (request.headers.get("authorization") or "").partition(" ")
            if scheme.lower() != "bearer" or not same_secret(given, self.token):
                return error(401, "a valid 'Authorization: Bearer <SI_REST_TOKEN>' header is required")
            return None
        if any(request.headers.get(name) for name in PROXY_HEADERS) or not is_loopback(request.ip or ""):
            return error(403, f"REST is only open to this machine; set {TOKEN_VARIABLE} to serve others")
        return None

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        rest_webhook = webhook_blueprint("rest_webhook")

        @rest_webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Any:
            refused = self.refusal(request)
            if refused:
                return refused
            content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
            if content_type != "application/json":
                return error(415, "Content-Type must be application/json")
            try:
                body = json.loads(request.body or b"")
            except ValueError:
                return error(400, "the body must be a JSON object")
            if not isinstance(body, dict):
                return error(400, "the body must be a JSON object")
            conversation_id = rest_conversation_id(body.get("sender"))
            if conversation_id is None:
                return error(400, f"'sender' is required: {REST_SENDER_RULE}")
            text = body.get("message")
            if not isinstance(text, str):
                return error(400, "'message' is required and must be a string")
            if len(text) > MAX_SCREENED_CHARS:
                return error(413, f"'message' is longer than {MAX_SCREENED_CHARS} characters")
            collector = CollectingOutputChannel()
            await deliver(request, on_new_message, text, collector, conversation_id, self.name())
            return response.json(collector.messages)

        return rest_webhook
