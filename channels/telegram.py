"""Telegram: webhook input checked by Telegram's secret-token header, inline-keyboard replies.

Unlike Rasa's built-in Telegram channel, nothing calls Telegram at start-up (the webhook is
registered once, see the README) and no API call is made per incoming message.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request

from channels import platform_api
from channels.conversations import ReplyTo, deliver
from channels.options import message_parts
from channels.webhooks import same_secret, webhook_blueprint
from si_joint.conversation_ids import messaging_conversation_id

logger = logging.getLogger(__name__)

API_URL = "https://api.telegram.org"
MAX_TEXT = 4096
MAX_CALLBACK_DATA_BYTES = 64
START_COMMAND = "/start"
START_PAYLOAD = "/greet"


def inline_keyboard(buttons: List[Dict[str, Any]]) -> Dict[str, Any]:
    """One button per row (titles are phrases); a payload too long for Telegram's 64-byte callback
    data is sent as the option's number, which the input turns back into the payload."""
    rows = []
    for number, button in enumerate(buttons, 1):
        payload = button["payload"]
        data = payload if len(payload.encode()) <= MAX_CALLBACK_DATA_BYTES else str(number)
        rows.append([{"text": button["title"], "callback_data": data}])
    return {"inline_keyboard": rows}


class TelegramOutput(OutputChannel):
    @classmethod
    def name(cls) -> Text:
        return "telegram"

    def __init__(self, access_token: Text, api_url: Text = API_URL) -> None:
        self.method_url = f"{api_url.rstrip('/')}/bot{access_token}/"

    async def call(self, method: str, payload: Dict[str, Any]) -> None:
        await platform_api.post("Telegram", self.method_url + method, json=payload)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        for part in message_parts(text, MAX_TEXT):
            await self.call("sendMessage", {"chat_id": recipient_id, "text": part})

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        *first, last = message_parts(text, MAX_TEXT)
        for part in first:
            await self.call("sendMessage", {"chat_id": recipient_id, "text": part})
        await self.call(
            "sendMessage", {"chat_id": recipient_id, "text": last, "reply_markup": inline_keyboard(buttons)}
        )

    async def send_image_url(self, recipient_id: Text, image: Text, **kwargs: Any) -> None:
        await self.call("sendPhoto", {"chat_id": recipient_id, "photo": image})

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        await self.call("sendMessage", {"chat_id": recipient_id, **json_message})


class TelegramInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        if not credentials or not credentials.get("access_token") or not credentials.get("secret_token"):
            cls.raise_missing_credentials_exception()
        assert credentials is not None  # the call above raises
        return cls(credentials["access_token"], credentials["secret_token"], credentials.get("api_url") or API_URL)

    def __init__(self, access_token: Text, secret_token: Text, api_url: Text = API_URL) -> None:
        self.access_token = access_token
        self.secret_token = secret_token
        self.api_url = api_url

    def get_output_channel(self) -> TelegramOutput:
        return TelegramOutput(self.access_token, self.api_url)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        telegram_webhook = webhook_blueprint("telegram_webhook")

        @telegram_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> Any:
            given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
            if not same_secret(given, self.secret_token):
                return response.text("invalid secret token", status=403)
            update = request.json if isinstance(request.json, dict) else {}
            chat_id, text = await self.read_update(update)
            if chat_id is None:
                return response.text("ignored")
            conversation_id = messaging_conversation_id("telegram", str(chat_id))
            if text == START_COMMAND:
                text = START_PAYLOAD
            output = ReplyTo(self.get_output_channel(), str(chat_id))
            await deliver(request, on_new_message, text, output, conversation_id, self.name())
            return response.text("ok")

        return telegram_webhook

    async def read_update(self, update: Dict[str, Any]):
        """(chat id, text) of a message or button press; text is "" for stickers, photos and the
        like, which the assistant answers by asking for words."""
        callback = update.get("callback_query")
        if isinstance(callback, dict):
            await self.get_output_channel().call("answerCallbackQuery", {"callback_query_id": callback.get("id")})
            chat = ((callback.get("message") or {}).get("chat") or {}).get("id")
            return chat, str(callback.get("data") or "")
        message = update.get("message") or update.get("edited_message")
        if not isinstance(message, dict):
            return None, ""
        return (message.get("chat") or {}).get("id"), str(message.get("text") or "")
