"""The messaging channels end to end, offline: the real Rasa server (trained model, action server)
receives each platform's webhook requests, signed as the platform signs them, and replies to local
stand-ins of the platform APIs (si_joint_dev/fake_platforms.py).

Each test checks that the patient's message and the assistant's answer are in the conversation's
tracker, and what the platform was asked to show. Payloads such as `/ask_symptoms` may travel as
button data, but never in text a patient sees.
"""

import json
import time
import urllib.parse
import uuid

import pytest

from si_joint.knowledge import load_knowledge
from si_joint_dev.channel_requests import (
    CHANNEL_SECRETS,
    facebook_message,
    facebook_post,
    http,
    slack_button_press,
    slack_event,
    slack_post,
    telegram_button_press,
    telegram_message,
    telegram_post,
    twilio_message,
    twilio_post,
)
from si_joint_dev.running_assistant import conversation_id

KNOWLEDGE = load_knowledge()
SI_JOINT_ANSWER = KNOWLEDGE.entry("si_joint").answer
GREETING_TOPICS = 5  # utter_greet's topic menu


def webhook(assistant, channel):
    return f"{assistant.rasa_url}/webhooks/{channel}/webhook"


def turns(assistant, sender):
    """[(user text, intent, [bot texts that followed])] from the tracker."""
    result = []
    for event in assistant.tracker(sender)["events"]:
        if event["event"] == "user":
            result.append((event.get("text"), (event.get("parse_data") or {}).get("intent", {}).get("name"), []))
        elif event["event"] == "bot" and result:
            result[-1][2].append(event.get("text") or "")
    return result


def bot_texts_of(assistant, sender):
    """Everything the assistant said in the conversation, the disclaimer that precedes the
    patient's first message included."""
    return [e.get("text") or "" for e in assistant.tracker(sender)["events"] if e["event"] == "bot"]


def wait_for_answer(assistant, sender, count=1, timeout=60):
    """The tracker's turns once `count` user messages have been answered."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = turns(assistant, sender)
        if len(found) >= count and found[count - 1][2]:
            return found
        time.sleep(0.3)
    raise AssertionError(f"no answer in the tracker of {sender}: {turns(assistant, sender)}")


def visible_texts(value):
    """Every string a patient could see in a platform request (not button data)."""
    if isinstance(value, dict):
        hidden = {"payload", "callback_data", "value", "action_id", "recipient", "chat_id", "channel"}
        return [t for key, item in value.items() if key not in hidden for t in visible_texts(item)]
    if isinstance(value, list):
        return [t for item in value for t in visible_texts(item)]
    return [value] if isinstance(value, str) else []


def assert_no_payload_shown(calls):
    for call in calls:
        for text in visible_texts(call.body):
            assert not text.lstrip().startswith("/") and "/ask_" not in text, text


def unique(prefix=""):
    return prefix + uuid.uuid4().hex[:10]


# --- Facebook Messenger -------------------------------------------------------------------------


def test_facebook_webhook_verification_handshake(assistant):
    query = {
        "hub.mode": "subscribe",
        "hub.verify_token": CHANNEL_SECRETS["SI_FACEBOOK_VERIFY_TOKEN"],
        "hub.challenge": "1158201444",
    }
    status, body = http("GET", webhook(assistant, "facebook") + "?" + urllib.parse.urlencode(query))
    assert (status, body) == (200, "1158201444")

    query["hub.verify_token"] = "not-the-token"
    status, body = http("GET", webhook(assistant, "facebook") + "?" + urllib.parse.urlencode(query))
    assert status == 403 and "1158201444" not in body


def test_facebook_signed_message_is_answered_with_at_most_three_buttons(assistant, fake_platforms):
    sender = unique("fb-")
    # The session's first answer also offers "Was this helpful?" (five options: quick replies).
    facebook_post(webhook(assistant, "facebook"), facebook_message(sender, "what are the symptoms"))
    wait_for_answer(assistant, conversation_id("facebook", sender))
    status, _ = facebook_post(webhook(assistant, "facebook"), facebook_message(sender, "what is the SI joint"))
    assert status == 200

    (_, (user_text, intent, bot_texts)) = wait_for_answer(assistant, conversation_id("facebook", sender), count=2)
    assert (user_text, intent) == ("what is the SI joint", "ask_si_joint")
    assert any(SI_JOINT_ANSWER in text for text in bot_texts)

    calls = fake_platforms.wait_for(
        "facebook", lambda c: c.body["recipient"]["id"] == sender and "attachment" in c.body["message"]
    )
    template = calls[-1].body["message"]["attachment"]["payload"]
    assert template["template_type"] == "button"
    assert 1 <= len(template["buttons"]) <= 3
    assert all(len(b["title"]) <= 20 and b["type"] == "postback" for b in template["buttons"])
    sent = fake_platforms.calls_to("facebook", lambda c: c.body["recipient"]["id"] == sender)
    assert any(SI_JOINT_ANSWER in t for t in visible_texts([c.body for c in sent]))
    assert all(
        c.headers.get("Authorization") == "Bearer " + CHANNEL_SECRETS["SI_FACEBOOK_PAGE_ACCESS_TOKEN"] for c in sent
    )
    assert_no_payload_shown(sent)


def test_facebook_more_than_three_options_go_out_as_quick_replies(assistant, fake_platforms):
    sender = unique("fb-")
    facebook_post(webhook(assistant, "facebook"), facebook_message(sender, "hello"))
    wait_for_answer(assistant, conversation_id("facebook", sender))
    calls = fake_platforms.wait_for(
        "facebook", lambda c: c.body["recipient"]["id"] == sender and "quick_replies" in c.body["message"]
    )
    quick_replies = calls[-1].body["message"]["quick_replies"]
    assert len(quick_replies) == GREETING_TOPICS
    assert all(len(q["title"]) <= 20 for q in quick_replies)
    assert_no_payload_shown(calls)


def test_facebook_button_press_is_understood(assistant):
    sender = unique("fb-")
    facebook_post(webhook(assistant, "facebook"), facebook_message(sender, postback="/ask_symptoms"))
    ((_, intent, bot_texts),) = wait_for_answer(assistant, conversation_id("facebook", sender))
    assert intent == "ask_symptoms"
    assert any(KNOWLEDGE.entry("symptoms").answer in text for text in bot_texts)


def test_facebook_rejects_a_wrongly_signed_event(assistant):
    sender = unique("fb-")
    status, _ = facebook_post(webhook(assistant, "facebook"), facebook_message(sender, "hello"), secret="wrong")
    assert status == 403
    time.sleep(1)
    assert turns(assistant, conversation_id("facebook", sender)) == []


# --- Slack --------------------------------------------------------------------------------------


def test_slack_url_verification_challenge(assistant):
    body = json.dumps({"type": "url_verification", "token": "x", "challenge": "3eZbrw1aBm2rZgRNFdxV"}).encode()
    status, answer = slack_post(webhook(assistant, "slack"), body, "application/json")
    assert status == 200 and json.loads(answer) == {"challenge": "3eZbrw1aBm2rZgRNFdxV"}

    status, _ = slack_post(webhook(assistant, "slack"), body, "application/json", secret="wrong")
    assert status == 401


def test_slack_signed_event_is_answered_with_blocks(assistant, fake_platforms):
    user = unique("U").upper()
    status, _ = slack_post(webhook(assistant, "slack"), slack_event(user, "what is the SI joint"), "application/json")
    assert status == 200

    ((user_text, intent, bot_texts),) = wait_for_answer(assistant, conversation_id("slack", user))
    assert (user_text, intent) == ("what is the SI joint", "ask_si_joint")
    assert any(SI_JOINT_ANSWER in text for text in bot_texts)

    calls = fake_platforms.wait_for(
        "slack", lambda c: c.body.get("blocks") and c.body["channel"] == "D0TEST" and "Source:" in c.body["text"]
    )
    blocks = calls[-1].body["blocks"]
    assert blocks[0]["type"] == "section" and blocks[0]["text"]["type"] == "mrkdwn"
    buttons = [element for block in blocks[1:] for element in block["elements"]]
    assert buttons and all(b["type"] == "button" and b["value"].startswith("/") for b in buttons)
    assert calls[-1].headers["Authorization"] == "Bearer " + CHANNEL_SECRETS["SI_SLACK_BOT_TOKEN"]
    assert_no_payload_shown(calls)


def test_slack_button_press_is_understood(assistant):
    user = unique("U").upper()
    status, _ = slack_post(
        webhook(assistant, "slack"), slack_button_press(user, "/ask_treatments"), "application/x-www-form-urlencoded"
    )
    assert status == 200
    ((_, intent, bot_texts),) = wait_for_answer(assistant, conversation_id("slack", user))
    assert intent == "ask_treatments"
    assert any(KNOWLEDGE.entry("treatments").answer in text for text in bot_texts)


def test_slack_rejects_replayed_or_unsigned_events(assistant):
    user = unique("U").upper()
    old = int(time.time()) - 3600
    status, _ = slack_post(webhook(assistant, "slack"), slack_event(user, "hello"), "application/json", timestamp=old)
    assert status == 401
    headers = {"Content-Type": "application/json"}
    status, _ = http("POST", webhook(assistant, "slack"), slack_event(user, "hello"), headers)
    assert status == 401
    time.sleep(1)
    assert turns(assistant, conversation_id("slack", user)) == []


# --- Telegram -----------------------------------------------------------------------------------


def test_telegram_update_is_answered_with_an_inline_keyboard(assistant, fake_platforms):
    chat_id = int(time.time() * 1000) % 10**9
    status, _ = telegram_post(webhook(assistant, "telegram"), telegram_message(chat_id, "what is the SI joint"))
    assert status == 200

    ((user_text, intent, bot_texts),) = wait_for_answer(assistant, conversation_id("telegram", str(chat_id)))
    assert (user_text, intent) == ("what is the SI joint", "ask_si_joint")
    assert any(SI_JOINT_ANSWER in text for text in bot_texts)

    calls = fake_platforms.wait_for(
        "telegram", lambda c: c.body.get("chat_id") == str(chat_id) and "reply_markup" in c.body
    )
    keyboard = calls[-1].body["reply_markup"]["inline_keyboard"]
    assert keyboard and all(len(row) == 1 for row in keyboard)
    assert all(len(row[0]["callback_data"].encode()) <= 64 for row in keyboard)
    assert calls[-1].path.startswith(f"/telegram/bot{CHANNEL_SECRETS['SI_TELEGRAM_TOKEN']}/sendMessage")
    assert_no_payload_shown(fake_platforms.calls_to("telegram", lambda c: c.body.get("chat_id") == str(chat_id)))


def test_telegram_button_press_and_start_command(assistant, fake_platforms):
    chat_id = int(time.time() * 1000) % 10**9 + 1
    telegram_post(webhook(assistant, "telegram"), telegram_message(chat_id, "/start"))
    ((_, intent, _),) = wait_for_answer(assistant, conversation_id("telegram", str(chat_id)))
    assert intent == "greet"
    texts = bot_texts_of(assistant, conversation_id("telegram", str(chat_id)))
    assert any("automated educational assistant" in text for text in texts)

    telegram_post(webhook(assistant, "telegram"), telegram_button_press(chat_id, "/ask_diagnosis"))
    found = wait_for_answer(assistant, conversation_id("telegram", str(chat_id)), count=2)
    assert found[1][1] == "ask_diagnosis"
    assert any(KNOWLEDGE.entry("diagnosis").answer in text for text in found[1][2])
    fake_platforms.wait_for("telegram", lambda c: c.method == "answerCallbackQuery")


def test_telegram_offers_was_this_helpful_once_and_stores_the_answer(assistant, fake_platforms):
    """The session's first answer offers "Helpful" / "Not helpful" among its options; the second
    answer does not ask again; a press is stored as the feedback intent."""
    chat_id = int(time.time() * 1000) % 10**9 + 3
    conversation = conversation_id("telegram", str(chat_id))

    def keyboard_titles(count):
        """The option titles of the `count`th message that came with options."""
        deadline = time.monotonic() + 60
        while True:
            calls = fake_platforms.calls_to(
                "telegram", lambda c: c.body.get("chat_id") == str(chat_id) and "reply_markup" in c.body
            )
            if len(calls) >= count or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert len(calls) >= count, calls
        return [row[0]["text"] for row in calls[count - 1].body["reply_markup"]["inline_keyboard"]]

    telegram_post(webhook(assistant, "telegram"), telegram_message(chat_id, "what causes SI joint pain"))
    wait_for_answer(assistant, conversation)
    assert keyboard_titles(1)[-2:] == ["Helpful", "Not helpful"]
    telegram_post(webhook(assistant, "telegram"), telegram_button_press(chat_id, "/feedback_helpful"))
    found = wait_for_answer(assistant, conversation, count=2)
    assert found[1][1] == "feedback_helpful"
    telegram_post(webhook(assistant, "telegram"), telegram_message(chat_id, "what are the symptoms"))
    wait_for_answer(assistant, conversation, count=3)
    assert "Helpful" not in keyboard_titles(2)


def test_telegram_rejects_a_request_without_the_secret_token(assistant):
    chat_id = int(time.time() * 1000) % 10**9 + 2
    status, _ = telegram_post(webhook(assistant, "telegram"), telegram_message(chat_id, "hello"), secret="wrong")
    assert status == 403
    time.sleep(1)
    assert turns(assistant, conversation_id("telegram", str(chat_id))) == []


# --- Twilio: SMS and WhatsApp -------------------------------------------------------------------


def test_sms_gets_a_numbered_list_and_reply_1_picks_the_first_option(assistant, fake_platforms):
    phone = "+1555" + str(int(time.time() * 1000))[-7:]
    status, body = twilio_post(webhook(assistant, "twilio"), twilio_message(phone, "what is the SI joint"))
    assert status == 200 and "<Response>" in body

    ((user_text, intent, bot_texts),) = wait_for_answer(assistant, conversation_id("sms", phone))
    assert (user_text, intent) == ("what is the SI joint", "ask_si_joint")
    assert any(SI_JOINT_ANSWER in text for text in bot_texts)

    sms = fake_platforms.wait_for("twilio", lambda c: c.body["To"] == phone and "Reply 1 for" in c.body["Body"])
    related = [KNOWLEDGE.entry(r) for r in KNOWLEDGE.entry("si_joint").related]
    assert f"Reply 1 for {related[0].title}" in sms[-1].body["Body"]
    assert f"Reply 2 for {related[1].title}" in sms[-1].body["Body"]
    assert sms[-1].body["From"] == CHANNEL_SECRETS["SI_TWILIO_SMS_NUMBER"]
    assert all(len(c.body["Body"]) <= 1600 for c in fake_platforms.calls_to("twilio"))
    assert_no_payload_shown(fake_platforms.calls_to("twilio", lambda c: c.body["To"] == phone))

    twilio_post(webhook(assistant, "twilio"), twilio_message(phone, "1"))
    second = wait_for_answer(assistant, conversation_id("sms", phone), count=2)[1]
    assert any(related[0].answer in text for text in second[2])

    twilio_post(webhook(assistant, "twilio"), twilio_message(phone, related[1].title.lower()))
    third = wait_for_answer(assistant, conversation_id("sms", phone), count=3)[2]
    assert any(related[1].answer in text for text in third[2])


def test_whatsapp_is_answered_from_the_whatsapp_number(assistant, fake_platforms):
    sender = "whatsapp:+1555" + str(int(time.time() * 1000))[-7:]
    twilio_post(webhook(assistant, "twilio"), twilio_message(sender, "hello"))
    wait_for_answer(assistant, conversation_id("whatsapp", sender))
    calls = fake_platforms.wait_for("twilio", lambda c: c.body["To"] == sender and "Reply" in c.body["Body"])
    assert calls[-1].body["From"] == "whatsapp:" + CHANNEL_SECRETS["SI_TWILIO_WHATSAPP_NUMBER"]
    assert all(f"Reply {n} for" in calls[-1].body["Body"] for n in range(1, GREETING_TOPICS + 1))


def test_twilio_message_without_text_gets_an_answer(assistant, fake_platforms):
    phone = "+1555" + str(int(time.time() * 1000) + 7)[-7:]
    form = twilio_message(phone, "")
    form["NumMedia"] = "1"
    status, _ = twilio_post(webhook(assistant, "twilio"), form)
    assert status == 200
    ((_, _, bot_texts),) = wait_for_answer(assistant, conversation_id("sms", phone))
    assert any("didn't get any text" in text for text in bot_texts)


def test_twilio_rejects_a_wrongly_signed_request(assistant):
    phone = "+1555" + str(int(time.time() * 1000) + 9)[-7:]
    status, _ = twilio_post(webhook(assistant, "twilio"), twilio_message(phone, "hello"), auth_token="wrong")
    assert status == 403
    time.sleep(1)
    assert turns(assistant, conversation_id("sms", phone)) == []


@pytest.mark.parametrize("channel", ["facebook", "slack", "telegram", "twilio"])
def test_each_channel_answers_its_health_check(assistant, channel):
    status, body = http("GET", f"{assistant.rasa_url}/webhooks/{channel}/")
    assert status == 200 and json.loads(body) == {"status": "ok"}
