"""SMS and WhatsApp through Twilio: signed webhooks, options as a numbered list.

Neither medium has buttons, so options go out as "Reply 1 for ..." lines and a reply of "1" (or of
an option's title) is turned back into that option. One webhook serves both: a sender written
"whatsapp:+..." gets answers from the WhatsApp number, any other from the SMS number.
Compared with Rasa's built-in channel: every request must carry a valid X-Twilio-Signature, a
message without text (a photo, a location) gets the assistant's "no text" answer instead of an
error, and sending does not block the server.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text
from urllib.parse import parse_qsl

import aiohttp
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from twilio.request_validator import RequestValidator

from channels import platform_api
from channels.conversations import ReplyTo, deliver
from channels.options import message_parts, numbered_menu
from channels.webhooks import webhook_blueprint
from si_joint.conversation_ids import messaging_conversation_id

logger = logging.getLogger(__name__)

API_URL = "https://api.twilio.com"
WHATSAPP_PREFIX = "whatsapp:"
MAX_TEXT = 1600
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def with_menu(text: str, buttons: List[Dict[str, Any]]) -> str:
    return f"{text}\n\n{numbered_menu(buttons)}" if buttons else text


class TwilioOutput(OutputChannel):
    @classmethod
    def name(cls) -> Text:
        return "twilio"

    def __init__(
        self,
        account_sid: Text,
        auth_token: Text,
        sms_number: Optional[Text],
        whatsapp_number: Optional[Text],
        api_url: Text = API_URL,
    ) -> None:
        self.messages_url = f"{api_url.rstrip('/')}/2010-04-01/Accounts/{account_sid}/Messages.json"
        self.auth = aiohttp.BasicAuth(account_sid, auth_token)
        self.sms_number = sms_number
        self.whatsapp_number = whatsapp_number

    def sender_number(self, recipient_id: str) -> Optional[str]:
        if recipient_id.startswith(WHATSAPP_PREFIX):
            return self.whatsapp_number and WHATSAPP_PREFIX + self.whatsapp_number.removeprefix(WHATSAPP_PREFIX)
        return self.sms_number

    async def send_body(self, recipient_id: Text, body: str, media_url: Optional[str] = None) -> None:
        sender = self.sender_number(recipient_id)
        if not sender:
            logger.error("Twilio: no sending number configured for this medium (SMS or WhatsApp)")
            return
        form = {"To": recipient_id, "From": sender, "Body": body}
        if media_url:
            form["MediaUrl"] = media_url
        await platform_api.post("Twilio", self.messages_url, data=form, auth=self.auth)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        for part in message_parts(text, MAX_TEXT):
            await self.send_body(recipient_id, part)

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.send_text_message(recipient_id, with_menu(text, buttons))

    async def send_image_url(self, recipient_id: Text, image: Text, **kwargs: Any) -> None:
        await self.send_body(recipient_id, "", media_url=image)

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        await self.send_body(recipient_id, str(json_message.get("body") or json_message.get("text") or ""))


class TwilioInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "twilio"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = credentials or {}
        if not credentials.get("account_sid") or not credentials.get("auth_token"):
            cls.raise_missing_credentials_exception()
        if not credentials.get("sms_number") and not credentials.get("whatsapp_number"):
            raise ValueError("Twilio needs SI_TWILIO_SMS_NUMBER or SI_TWILIO_WHATSAPP_NUMBER (or both)")
        return cls(
            credentials["account_sid"],
            credentials["auth_token"],
            credentials.get("sms_number"),
            credentials.get("whatsapp_number"),
            credentials.get("api_url") or API_URL,
            credentials.get("public_url"),
        )

    def __init__(
        self,
        account_sid: Text,
        auth_token: Text,
        sms_number: Optional[Text],
        whatsapp_number: Optional[Text],
        api_url: Text = API_URL,
        public_url: Optional[Text] = None,
    ):
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.sms_number = sms_number
        self.whatsapp_number = whatsapp_number
        self.api_url = api_url
        self.public_url = (public_url or "").rstrip("/")
        self.validator = RequestValidator(auth_token)

    def get_output_channel(self) -> TwilioOutput:
        return TwilioOutput(self.account_sid, self.auth_token, self.sms_number, self.whatsapp_number, self.api_url)

    def signed_url(self, request: Request) -> str:
        """The URL Twilio signed: the public address when the server sits behind a proxy."""
        if not self.public_url:
            return request.url
        query = f"?{request.query_string}" if request.query_string else ""
        return f"{self.public_url}{request.path}{query}"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        twilio_webhook = webhook_blueprint("twilio_webhook")

        @twilio_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> Any:
            form = dict(parse_qsl(request.body.decode(errors="replace"), keep_blank_values=True))
            signature = request.headers.get("X-Twilio-Signature", "")
            if not self.validator.validate(self.signed_url(request), form, signature):
                logger.warning("Twilio request with a missing or wrong signature")
                return response.text("invalid signature", status=403)
            sender_id = form.get("From")
            if not sender_id:
                return response.text("no sender", status=400)
            medium = "whatsapp" if sender_id.startswith(WHATSAPP_PREFIX) else "sms"
            conversation_id = messaging_conversation_id(medium, sender_id)
            text = (form.get("Body") or "").strip()
            output = ReplyTo(self.get_output_channel(), sender_id)
            await deliver(request, on_new_message, text, output, conversation_id, self.name(), options_by_title=True)
            return response.text(EMPTY_TWIML, content_type="text/xml")

        return twilio_webhook
