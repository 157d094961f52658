"""What the messaging platforms send to the assistant's webhooks: test secrets, signed requests."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Dict, List, Optional, Tuple

# Made-up secrets the test servers run with; real ones only ever come from the environment.
CHANNEL_SECRETS = {
    "SI_TELEGRAM_TOKEN": "123456:test-telegram-token",
    "SI_TELEGRAM_SECRET_TOKEN": "test-telegram-secret",
    "SI_FACEBOOK_VERIFY_TOKEN": "test-verify-token",
    "SI_FACEBOOK_APP_SECRET": "test-app-secret",
    "SI_FACEBOOK_PAGE_ACCESS_TOKEN": "test-page-token",
    "SI_SLACK_BOT_TOKEN": "xoxb-test-token",
    "SI_SLACK_SIGNING_SECRET": "test-signing-secret",
    "SI_TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "SI_TWILIO_AUTH_TOKEN": "test-twilio-auth-token",
    "SI_TWILIO_SMS_NUMBER": "+15550100000",
    "SI_TWILIO_WHATSAPP_NUMBER": "+15550100001",
}


# When each webhook request was sent (time.monotonic()): the boundaries between the turns of the
# replies the fake platforms receive (conftest.py checks them against the reply rules).
WEBHOOK_POSTS: List[float] = []
REST_WEBHOOK = "/webhooks/rest/webhook"


def http(method: str, url: str, body: bytes = b"", headers: Optional[Dict[str, str]] = None) -> Tuple[int, str]:
    request = urllib.request.Request(url, data=body if method == "POST" else None, method=method, headers=headers or {})
    if method == "POST" and "/webhooks/" in url:
        WEBHOOK_POSTS.append(time.monotonic())
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, text = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    if method == "POST" and url.split("?")[0].endswith(REST_WEBHOOK) and status == 200:
        _check_rest_reply(body, text)
    return status, text


def _check_rest_reply(body: bytes, text: str) -> None:
    """A REST reply (a list of bot messages: one turn) must keep the reply rules."""
    from si_joint_dev.running_assistant import assert_reply_rules

    try:
        messages = json.loads(text)
        sent = str(json.loads(body).get("message"))[:80]
    except (ValueError, AttributeError):
        return
    if isinstance(messages, list):
        assert_reply_rules(messages, f"REST reply to {sent!r}")


def facebook_post(url: str, event: dict, secret: str = CHANNEL_SECRETS["SI_FACEBOOK_APP_SECRET"]) -> Tuple[int, str]:
    body = json.dumps(event).encode()
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return http("POST", url, body, {"Content-Type": "application/json", "X-Hub-Signature-256": signature})


def facebook_message(sender: str, text: str = "", *, quick_reply: str = "", postback: str = "") -> dict:
    event: dict = {"sender": {"id": sender}, "recipient": {"id": "page-1"}, "timestamp": 1}
    if postback:
        event["postback"] = {"title": "button", "payload": postback}
    else:
        event["message"] = {"mid": "m-1", "text": text}
        if quick_reply:
            event["message"]["quick_reply"] = {"payload": quick_reply}
    return {"object": "page", "entry": [{"id": "page-1", "time": 1, "messaging": [event]}]}


def slack_post(
    url: str,
    body: bytes,
    content_type: str,
    secret: str = CHANNEL_SECRETS["SI_SLACK_SIGNING_SECRET"],
    timestamp: Optional[int] = None,
) -> Tuple[int, str]:
    stamp = str(timestamp if timestamp is not None else int(time.time()))
    digest = hmac.new(secret.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256).hexdigest()
    return http(
        "POST",
        url,
        body,
        {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": "v0=" + digest,
        },
    )


def slack_event(user: str, text: str, channel: str = "D0TEST") -> bytes:
    return json.dumps(
        {
            "type": "event_callback",
            "team_id": "T0TEST",
            "authorizations": [{"user_id": "U0BOT"}],
            "event": {
                "type": "message",
                "channel_type": "im",
                "channel": channel,
                "user": user,
                "text": text,
                "ts": "1700000000.000200",
            },
        }
    ).encode()


def slack_button_press(user: str, value: str, channel: str = "D0TEST") -> bytes:
    payload = {
        "type": "block_actions",
        "user": {"id": user},
        "channel": {"id": channel},
        "message": {"ts": "1700000000.000300"},
        "actions": [{"type": "button", "action_id": "option_1", "value": value}],
    }
    return urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()


def telegram_post(url: str, update: dict, secret: str = CHANNEL_SECRETS["SI_TELEGRAM_SECRET_TOKEN"]) -> Tuple[int, str]:
    return http(
        "POST",
        url,
        json.dumps(update).encode(),
        {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret},
    )


def telegram_message(chat_id: int, text: str) -> dict:
    return {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": 1700000000,
            "text": text,
            "chat": {"id": chat_id, "type": "private"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "Pat"},
        },
    }


def telegram_button_press(chat_id: int, data: str) -> dict:
    return {
        "update_id": 2,
        "callback_query": {
            "id": "cb-1",
            "data": data,
            "from": {"id": chat_id, "is_bot": False, "first_name": "Pat"},
            "message": {"message_id": 2, "date": 1700000000, "chat": {"id": chat_id, "type": "private"}},
        },
    }


def twilio_post(
    url: str, form: Dict[str, str], auth_token: str = CHANNEL_SECRETS["SI_TWILIO_AUTH_TOKEN"]
) -> Tuple[int, str]:
    signed = url + "".join(key + form[key] for key in sorted(form))
    signature = base64.b64encode(hmac.new(auth_token.encode(), signed.encode(), hashlib.sha1).digest()).decode()
    return http(
        "POST",
        url,
        urllib.parse.urlencode(form).encode(),
        {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature},
    )


def twilio_message(sender: str, body: str) -> Dict[str, str]:
    return {
        "From": sender,
        "To": CHANNEL_SECRETS["SI_TWILIO_SMS_NUMBER"],
        "Body": body,
        "MessageSid": "SM" + "1" * 32,
        "AccountSid": CHANNEL_SECRETS["SI_TWILIO_ACCOUNT_SID"],
    }
