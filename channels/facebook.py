"""Facebook Messenger: verified webhook, signed events, at most 3 buttons.

Messenger's button template takes at most 3 buttons with titles of 20 characters and 640
characters of text; more options, or a longer text, go out as quick replies (up to 13).
Compared with Rasa's built-in channel: events must carry a valid X-Hub-Signature-256 (HMAC-SHA256
of the body with the app secret; the older SHA-1 X-Hub-Signature alone is refused), bad tokens and
signatures get HTTP 403, every event of a batch is handled, and sending does not block the server.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Tuple

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request

from channels import platform_api
from channels.conversations import ReplyTo, deliver
from channels.options import message_parts, shorten
from channels.webhooks import same_secret, webhook_blueprint
from si_joint.conversation_ids import messaging_conversation_id

logger = logging.getLogger(__name__)

API_URL = "https://graph.facebook.com/v19.0"
MAX_BUTTONS = 3
MAX_BUTTON_TEXT = 640
MAX_QUICK_REPLIES = 13
MAX_TITLE = 20
MAX_TEXT = 2000


def button_message(text: str, buttons: List[Dict[str, Any]]) -> Dict[str, Any]:
    if len(buttons) <= MAX_BUTTONS and len(text) <= MAX_BUTTON_TEXT:
        template_buttons = [
            {"type": "postback", "title": shorten(b["title"], MAX_TITLE), "payload": b["payload"]} for b in buttons
        ]
        return {
            "attachment": {
                "type": "template",
                "payload": {"template_type": "button", "text": text, "buttons": template_buttons},
            }
        }
    return {
        "text": text,
        "quick_replies": [
            {"content_type": "text", "title": shorten(b["title"], MAX_TITLE), "payload": b["payload"]}
            for b in buttons[:MAX_QUICK_REPLIES]
        ],
    }


class MessengerOutput(OutputChannel):
    @classmethod
    def name(cls) -> Text:
        return "facebook"

    def __init__(self, page_access_token: Text, api_url: Text = API_URL) -> None:
        self.messages_url = f"{api_url.rstrip('/')}/me/messages"
        self.page_access_token = page_access_token

    async def send_message(self, recipient_id: Text, message: Dict[str, Any]) -> None:
        await platform_api.post(
            "Facebook",
            self.messages_url,
            json={"recipient": {"id": recipient_id}, "messaging_type": "RESPONSE", "message": message},
            headers={"Authorization": f"Bearer {self.page_access_token}"},
        )

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        for part in message_parts(text, MAX_TEXT):
            await self.send_message(recipient_id, {"text": part})

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        *first, last = message_parts(text, MAX_TEXT)
        for part in first:
            await self.send_message(recipient_id, {"text": part})
        await self.send_message(recipient_id, button_message(last, buttons))

    async def send_image_url(self, recipient_id: Text, image: Text, **kwargs: Any) -> None:
        await self.send_message(
            recipient_id, {"attachment": {"type": "image", "payload": {"url": image, "is_reusable": True}}}
        )

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        await self.send_message(recipient_id, json_message)


def valid_signature(app_secret: str, body: bytes, headers) -> bool:
    """True when X-Hub-Signature-256 is "sha256=" + the HMAC-SHA256 of `body` with the app secret.
    Only that header counts: a request signed only with SHA-1 (X-Hub-Signature) is refused."""
    given = str(headers.get("X-Hub-Signature-256") or "").strip().lower().encode()
    expected = b"sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest().encode()
    return hmac.compare_digest(given, expected)


def messaging_events(payload: Any) -> List[Tuple[str, str]]:
    """(sender id, text) for each patient message, quick reply or postback in a webhook batch;
    text is "" for attachments (the assistant then asks for words); echoes are skipped."""
    events = []
    entries = payload.get("entry") if isinstance(payload, dict) else None
    for entry in entries or []:
        for event in (entry or {}).get("messaging") or []:
            sender = ((event or {}).get("sender") or {}).get("id")
            message = event.get("message") or {}
            if not sender or message.get("is_echo"):
                continue
            if event.get("postback"):
                text = event["postback"].get("payload") or event["postback"].get("title") or ""
            elif message.get("quick_reply"):
                text = message["quick_reply"].get("payload") or message.get("text") or ""
            elif message:
                text = message.get("text") or ""
            else:
                continue  # delivery and read receipts
            events.append((str(sender), str(text)))
    return events


class FacebookInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "facebook"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        needed = ("verify", "secret", "page-access-token")
        if not credentials or not all(credentials.get(key) for key in needed):
            cls.raise_missing_credentials_exception()
        assert credentials is not None  # the call above raises
        return cls(
            credentials["verify"],
            credentials["secret"],
            credentials["page-access-token"],
            credentials.get("api_url") or API_URL,
        )

    def __init__(self, verify_token: Text, app_secret: Text, page_access_token: Text, api_url: Text = API_URL):
        self.verify_token = verify_token
        self.app_secret = app_secret
        self.page_access_token = page_access_token
        self.api_url = api_url

    def get_output_channel(self) -> MessengerOutput:
        return MessengerOutput(self.page_access_token, self.api_url)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        fb_webhook = webhook_blueprint("fb_webhook")

        @fb_webhook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> Any:
            token = request.args.get("hub.verify_token") or ""
            if request.args.get("hub.mode") == "subscribe" and same_secret(token, self.verify_token):
                return response.text(request.args.get("hub.challenge") or "")
            logger.warning("Facebook webhook verification with a wrong verify token")
            return response.text("invalid verify token", status=403)

        @fb_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> Any:
            if not valid_signature(self.app_secret, request.body, request.headers):
                logger.warning("Facebook event with a missing or wrong signature")
                return response.text("invalid signature", status=403)
            for sender_id, text in messaging_events(request.json):
                conversation_id = messaging_conversation_id("facebook", sender_id)
                output = ReplyTo(self.get_output_channel(), sender_id)
                await deliver(request, on_new_message, text, output, conversation_id, self.name())
            return response.text("EVENT_RECEIVED")

        return fb_webhook
