"""Slack: signed Events API and interactivity requests, replies as Block Kit blocks.

Request checks and event parsing are Rasa's (`SlackInput`); this channel answers Slack's
`url_verification` challenge the way Slack documents it, and replies with a mrkdwn section plus
button blocks (Rasa's channel drops every button when there are more than 5).
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.slack import SlackInput as RasaSlackInput
from sanic import Blueprint, response
from sanic.request import Request

from channels import platform_api
from channels.conversations import ReplyTo, deliver
from channels.options import message_parts, shorten
from channels.webhooks import webhook_blueprint
from si_joint.conversation_ids import messaging_conversation_id

logger = logging.getLogger(__name__)

API_URL = "https://slack.com/api"
MAX_SECTION_TEXT = 3000
MAX_BUTTON_TITLE = 75
BUTTONS_PER_ROW = 5
MAX_BUTTONS = 25


def escape_mrkdwn(text: str) -> str:
    """Slack's three control characters, so patient-facing text is never read as markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def button_blocks(text: str, buttons: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    blocks: List[Dict[str, Any]] = [{"type": "section", "text": {"type": "mrkdwn", "text": escape_mrkdwn(text)}}]
    buttons = buttons[:MAX_BUTTONS]
    for start in range(0, len(buttons), BUTTONS_PER_ROW):
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": shorten(b["title"], MAX_BUTTON_TITLE)},
                        "value": b["payload"],
                        "action_id": f"option_{start + offset + 1}",
                    }
                    for offset, b in enumerate(buttons[start : start + BUTTONS_PER_ROW])
                ],
            }
        )
    return blocks


class SlackOutput(OutputChannel):
    @classmethod
    def name(cls) -> Text:
        return "slack"

    def __init__(
        self, token: Text, api_url: Text = API_URL, channel: Optional[Text] = None, thread_id: Optional[Text] = None
    ) -> None:
        self.post_url = f"{api_url.rstrip('/')}/chat.postMessage"
        self.token = token
        self.channel = channel
        self.thread_id = thread_id

    async def post_message(self, recipient_id: Text, text: str, blocks: Optional[List[Dict[str, Any]]] = None) -> None:
        message: Dict[str, Any] = {"channel": self.channel or recipient_id, "text": escape_mrkdwn(text)}
        if blocks:
            message["blocks"] = blocks
        if self.thread_id:
            message["thread_ts"] = self.thread_id
        await platform_api.post("Slack", self.post_url, json=message, headers={"Authorization": f"Bearer {self.token}"})

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        for part in message_parts(text, MAX_SECTION_TEXT):
            await self.post_message(recipient_id, part)

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        *first, last = message_parts(text, MAX_SECTION_TEXT)
        for part in first:
            await self.post_message(recipient_id, part)
        await self.post_message(recipient_id, last, button_blocks(last, buttons))

    async def send_image_url(self, recipient_id: Text, image: Text, **kwargs: Any) -> None:
        await self.post_message(recipient_id, image, [{"type": "image", "image_url": image, "alt_text": "image"}])

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        await self.post_message(recipient_id, str(json_message.get("text", "")), json_message.get("blocks"))


class SlackInput(RasaSlackInput):
    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> SlackInput:
        if not credentials or not credentials.get("slack_token"):
            cls.raise_missing_credentials_exception()
        assert credentials is not None  # the call above raises
        channel = cls(
            credentials["slack_token"],
            slack_channel=credentials.get("slack_channel"),
            slack_retry_reason_header="x-slack-retry-reason",
            slack_retry_number_header="x-slack-retry-num",
            slack_signing_secret=credentials.get("slack_signing_secret", ""),
        )
        channel.api_url = credentials.get("api_url") or API_URL
        return channel

    api_url = API_URL

    def get_output_channel(self, channel: Optional[Text] = None, thread_id: Optional[Text] = None) -> SlackOutput:
        return SlackOutput(self.slack_token, self.api_url, channel or self.slack_channel, thread_id)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        slack_webhook = webhook_blueprint("slack_webhook")

        @slack_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> Any:
            if not self.is_request_from_slack_authentic(request):
                return response.text("invalid signature", status=HTTPStatus.UNAUTHORIZED)
            content_type = (request.headers.get("content-type") or "").split(";")[0].strip()
            if content_type == "application/json":
                return await self.handle_event(request, on_new_message)
            if content_type == "application/x-www-form-urlencoded":
                return await self.handle_interaction(request, on_new_message)
            return response.text("unsupported content type", status=HTTPStatus.BAD_REQUEST)

        return slack_webhook

    async def process_message(
        self, request: Request, on_new_message, text: Text, sender_id: Optional[Text], metadata: Optional[Dict]
    ) -> Any:
        """Rasa's retry handling; then the conversation is a pseudonym of Slack's conversation id
        and Slack's metadata (user and channel ids) stays out of the tracker."""
        retry_reason = request.headers.get(self.retry_reason_header)
        if request.headers.get(self.retry_num_header) and retry_reason in self.errors_ignore_retry:
            return response.text("", status=HTTPStatus.CREATED, headers={"X-Slack-No-Retry": "1"})
        if not sender_id:
            return response.text("ignored")
        metadata = metadata or {}
        thread_id = metadata.get("thread_id") if self.use_threads else None
        output = ReplyTo(self.get_output_channel(metadata.get("out_channel"), thread_id), sender_id)
        conversation_id = messaging_conversation_id("slack", sender_id)
        await deliver(request, on_new_message, text, output, conversation_id, self.name())
        return response.text("")

    async def handle_event(self, request: Request, on_new_message) -> Any:
        event_request = request.json if isinstance(request.json, dict) else {}
        if event_request.get("type") == "url_verification":
            return response.json({"challenge": event_request.get("challenge", "")})
        if not self._is_user_message(event_request):
            return response.text("ignored")
        metadata = self.get_metadata(request)
        if not self._is_supported_channel(event_request, metadata):
            return response.text("channel not supported")
        event = event_request["event"]
        sender_id = self._get_conversation_id(event.get("user"), metadata.get("out_channel"), metadata.get("thread_id"))
        text = self._sanitize_user_message(event.get("text", ""), metadata.get("users"))
        return await self.process_message(request, on_new_message, text, sender_id, metadata)

    async def handle_interaction(self, request: Request, on_new_message) -> Any:
        try:
            payload = json.loads(request.form.get("payload") or "{}")
        except ValueError:
            return response.text("payload is not JSON", status=HTTPStatus.BAD_REQUEST)
        if not self._is_interactive_message(payload):
            return response.text("ignored")
        text = self._get_interactive_response(payload["actions"][0])
        if text is None:
            return response.text("ignored")
        metadata = self.get_metadata(request)
        sender_id = self._get_conversation_id(
            (payload.get("user") or {}).get("id"), metadata.get("out_channel"), metadata.get("thread_id")
        )
        return await self.process_message(request, on_new_message, text, sender_id, metadata)
