"""Each channel's output at the output-channel level (what it asks the platform to show), the
numbered-reply logic, and which channels the credentials file turns on."""

import asyncio
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException

from channels import platform_api
from channels.conversations import TURNS_AT_ONCE, TurnQueue, deliver
from channels.credentials import CredentialsError, build_credentials, write_credentials
from channels.facebook import FacebookInput, MessengerOutput, messaging_events, valid_signature
from channels.options import chosen_payload, message_parts, numbered_menu, offered_buttons, shorten
from channels.slack import SlackOutput
from channels.telegram import TelegramOutput
from channels.twilio import TwilioOutput
from channels.web_chat import WebChatInput, page_language_metadata, parse_origins
from si_joint_dev.channel_requests import CHANNEL_SECRETS

BUTTONS = [
    {"title": "Causes of SI joint pain", "payload": "/ask_causes"},
    {"title": "Symptoms of SI joint pain", "payload": "/ask_symptoms"},
    {"title": "How common SI joint pain is", "payload": "/ask_prevalence"},
    {"title": "How SI joint pain is diagnosed", "payload": "/ask_diagnosis"},
]
MARKUP = "<img src=x onerror=alert(1)> & <script>alert(2)</script>"


@pytest.fixture
def sent(monkeypatch):
    """The platform API calls an output channel makes, instead of making them."""
    calls = []

    async def record(platform, url, **request):
        calls.append({"platform": platform, "url": url, **request})
        return {}

    monkeypatch.setattr(platform_api, "post", record)
    return calls


def run(coroutine):
    return asyncio.run(coroutine)


# --- Facebook -----------------------------------------------------------------------------------


def test_facebook_three_buttons_use_the_button_template(sent):
    run(MessengerOutput("page-token").send_text_with_buttons("user-1", "Pick one", BUTTONS[:3]))
    message = sent[-1]["json"]["message"]
    template = message["attachment"]["payload"]
    assert template["template_type"] == "button" and template["text"] == "Pick one"
    assert [b["payload"] for b in template["buttons"]] == ["/ask_causes", "/ask_symptoms", "/ask_prevalence"]
    assert all(len(b["title"]) <= 20 for b in template["buttons"])
    assert sent[-1]["json"]["recipient"] == {"id": "user-1"}
    assert sent[-1]["headers"] == {"Authorization": "Bearer page-token"}


def test_facebook_four_buttons_become_quick_replies(sent):
    run(MessengerOutput("page-token").send_text_with_buttons("user-1", "Pick one", BUTTONS))
    message = sent[-1]["json"]["message"]
    assert "attachment" not in message
    assert [q["payload"] for q in message["quick_replies"]] == [b["payload"] for b in BUTTONS]
    assert [q["title"] for q in message["quick_replies"]] == [
        "Causes of SI joint\u2026",
        "Symptoms of SI\u2026",
        "How common SI joint\u2026",
        "How SI joint pain\u2026",
    ]


def test_facebook_long_text_with_buttons_and_more_than_13_options(sent):
    many = [{"title": f"Option {n}", "payload": f"/option{n}"} for n in range(20)]
    run(MessengerOutput("page-token").send_text_with_buttons("user-1", "word " * 200, many[:2]))
    assert "quick_replies" in sent[-1]["json"]["message"]  # 1,000 characters: too long for a template
    run(MessengerOutput("page-token").send_text_with_buttons("user-1", "Pick one", many))
    assert len(sent[-1]["json"]["message"]["quick_replies"]) == 13


def test_facebook_signatures_and_event_parsing():
    body = b'{"object":"page"}'
    import hashlib
    import hmac

    good = "sha256=" + hmac.new(b"secret", body, hashlib.sha256).hexdigest()
    assert valid_signature("secret", body, {"X-Hub-Signature-256": good})
    assert not valid_signature("other", body, {"X-Hub-Signature-256": good})
    assert not valid_signature("secret", body, {})
    events = messaging_events(
        {
            "entry": [
                {
                    "messaging": [
                        {"sender": {"id": "1"}, "message": {"text": "hi"}},
                        {
                            "sender": {"id": "2"},
                            "message": {"text": "Symptoms", "quick_reply": {"payload": "/ask_symptoms"}},
                        },
                        {"sender": {"id": "3"}, "postback": {"payload": "/ask_causes"}},
                        {"sender": {"id": "4"}, "message": {"attachments": [{"type": "image"}]}},
                        {"sender": {"id": "5"}, "message": {"text": "echo", "is_echo": True}},
                        {"sender": {"id": "6"}, "delivery": {"mids": []}},
                    ]
                }
            ]
        }
    )
    assert events == [("1", "hi"), ("2", "/ask_symptoms"), ("3", "/ask_causes"), ("4", "")]
    assert messaging_events("not a dict") == []


def test_facebook_accepts_only_sha256_signatures():
    import hashlib
    import hmac

    body = b'{"object":"page","entry":[]}'
    sha1 = "sha1=" + hmac.new(b"secret", body, hashlib.sha1).hexdigest()
    sha256 = "sha256=" + hmac.new(b"secret", body, hashlib.sha256).hexdigest()
    assert not valid_signature("secret", body, {"X-Hub-Signature": sha1})  # correctly signed, but with SHA-1
    assert not valid_signature("secret", body, {"X-Hub-Signature-256": sha1})
    assert not valid_signature("secret", body, {"X-Hub-Signature-256": "", "X-Hub-Signature": sha1})
    assert not valid_signature("secret", body, {"X-Hub-Signature-256": sha256.split("=")[1]})  # no "sha256="
    assert not valid_signature("secret", body + b" ", {"X-Hub-Signature-256": sha256})
    assert valid_signature("secret", body, {"X-Hub-Signature-256": sha256})
    assert valid_signature("secret", body, {"X-Hub-Signature-256": sha256, "X-Hub-Signature": "sha1=wrong"})


def test_facebook_webhook_refuses_an_event_signed_only_with_sha1():
    import hashlib
    import hmac
    import json
    from types import SimpleNamespace

    received = []

    async def on_new_message(message):
        received.append(message)

    blueprint = FacebookInput("verify", "secret", "page-token").blueprint(on_new_message)
    webhook = next(r.handler for r in blueprint._future_routes if r.uri == "/webhook" and "POST" in r.methods)

    def post(event, headers):
        body = json.dumps(event).encode()
        signed = {
            name: f"{algorithm}=" + hmac.new(b"secret", body, getattr(hashlib, algorithm)).hexdigest()
            for name, algorithm in headers.items()
        }
        return run(webhook(SimpleNamespace(body=body, json=event, headers=signed)))

    message = {"object": "page", "entry": [{"messaging": [{"sender": {"id": "1"}, "message": {"text": "hi"}}]}]}
    refused = post(message, {"X-Hub-Signature": "sha1"})
    assert refused.status == 403 and received == []
    accepted = post({"object": "page", "entry": []}, {"X-Hub-Signature-256": "sha256"})
    assert accepted.status == 200 and accepted.body == b"EVENT_RECEIVED"


def test_facebook_needs_all_three_secrets():
    with pytest.raises(RasaException, match="credentials"):
        FacebookInput.from_credentials({"verify": "v", "secret": "s"})


# --- Telegram -----------------------------------------------------------------------------------


def test_telegram_inline_keyboard_one_option_per_row(sent):
    run(TelegramOutput("123:abc", "http://telegram.test").send_text_with_buttons("42", "Pick one", BUTTONS))
    call = sent[-1]
    assert call["url"] == "http://telegram.test/bot123:abc/sendMessage"
    keyboard = call["json"]["reply_markup"]["inline_keyboard"]
    assert keyboard == [[{"text": b["title"], "callback_data": b["payload"]}] for b in BUTTONS]
    assert call["json"]["text"] == "Pick one"


def test_telegram_payload_over_64_bytes_is_sent_as_its_number(sent):
    long_payload = '/ask_cause{"cause":"' + "x" * 60 + '"}'
    buttons = [BUTTONS[0], {"title": "Long", "payload": long_payload}]
    run(TelegramOutput("123:abc").send_text_with_buttons("42", "Pick", buttons))
    keyboard = sent[-1]["json"]["reply_markup"]["inline_keyboard"]
    assert keyboard[1][0]["callback_data"] == "2"


def test_telegram_splits_paragraphs_and_long_text(sent):
    run(TelegramOutput("123:abc").send_text_message("42", "First.\n\n" + "word " * 1000))
    texts = [call["json"]["text"] for call in sent]
    assert texts[0] == "First." and len(texts) == 3 and all(len(t) <= 4096 for t in texts)


# --- Slack --------------------------------------------------------------------------------------


def test_slack_blocks_escape_markup_and_hold_every_button(sent):
    many = [{"title": f"Option {n} " + "x" * 80, "payload": f"/option{n}"} for n in range(7)]
    run(SlackOutput("xoxb-1", "http://slack.test/api").send_text_with_buttons("D1", MARKUP, many))
    call = sent[-1]
    assert call["url"] == "http://slack.test/api/chat.postMessage"
    section, *actions = call["json"]["blocks"]
    assert section["text"]["text"] == "&lt;img src=x onerror=alert(1)&gt; &amp; &lt;script&gt;alert(2)&lt;/script&gt;"
    assert "<" not in call["json"]["text"]
    assert [len(block["elements"]) for block in actions] == [5, 2]
    buttons = [e for block in actions for e in block["elements"]]
    assert [b["value"] for b in buttons] == [b["payload"] for b in many]
    assert all(len(b["text"]["text"]) <= 75 for b in buttons)


def test_slack_replies_in_thread_when_asked(sent):
    run(SlackOutput("xoxb-1", channel="C1", thread_id="1.2").send_text_message("U1", "Hello"))
    assert sent[-1]["json"] == {"channel": "C1", "text": "Hello", "thread_ts": "1.2"}


# --- Twilio (SMS, WhatsApp) ---------------------------------------------------------------------


def twilio_output():
    return TwilioOutput("AC1", "token", "+15550100000", "+15550100001", "http://twilio.test")


def test_sms_options_are_a_numbered_list_without_payloads(sent):
    run(twilio_output().send_text_with_buttons("+15551234567", "Pick one", BUTTONS))
    bodies = [call["data"]["Body"] for call in sent]
    assert bodies == ["Pick one", "\n".join(f"Reply {n} for {b['title']}" for n, b in enumerate(BUTTONS, 1))]
    assert all("/ask" not in body for body in bodies)
    assert {call["data"]["From"] for call in sent} == {"+15550100000"}
    assert sent[0]["url"] == "http://twilio.test/2010-04-01/Accounts/AC1/Messages.json"


def test_whatsapp_recipients_get_the_whatsapp_number(sent):
    run(twilio_output().send_text_message("whatsapp:+15551234567", "Hello"))
    assert sent[-1]["data"] == {"To": "whatsapp:+15551234567", "From": "whatsapp:+15550100001", "Body": "Hello"}


def test_sms_without_a_configured_number_is_not_sent(sent):
    run(TwilioOutput("AC1", "token", None, "+15550100001").send_text_message("+15551234567", "Hello"))
    assert sent == []


def test_sms_bodies_stay_under_twilio_limit(sent):
    run(twilio_output().send_text_message("+15551234567", "word " * 700))
    assert len(sent) == 3 and all(len(call["data"]["Body"]) <= 1600 for call in sent)


# --- Numbered replies ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "reply, payload",
    [
        ("1", "/ask_causes"),
        (" 2. ", "/ask_symptoms"),
        ("#3", "/ask_prevalence"),
        ("(4)", "/ask_diagnosis"),
        ("symptoms of si joint pain", "/ask_symptoms"),
        ("Causes of SI joint pain!", "/ask_causes"),
        ("number 2", "/ask_symptoms"),
        ("option 4", "/ask_diagnosis"),
        ("I'll take 1", "/ask_causes"),
        # An ordinal word points into the last answer's list, not at a button.
        ("the third one", None),
        ("2nd", None),
        ("I'll take the first one", None),
        ("5", None),
        ("0", None),
        ("symptoms", None),
        ("", None),
        ("3 weeks ago", None),
        ("now 3", None),
    ],
)
def test_a_reply_names_an_option_by_number_or_title(reply, payload):
    assert chosen_payload(reply, BUTTONS) == payload


def test_offered_options_are_those_since_the_patients_last_message():
    tracker = DialogueStateTracker.from_events(
        "p",
        [
            BotUttered("Old", {"buttons": BUTTONS[:1]}),
            UserUttered("hello"),
            BotUttered("Answer", {"buttons": BUTTONS[1:3]}),
            BotUttered("Source: the page."),
        ],
    )
    assert offered_buttons(tracker) == BUTTONS[1:3]
    tracker.update(UserUttered("something"))
    assert offered_buttons(tracker) == []
    assert offered_buttons(None) == []


def test_menu_and_text_helpers():
    assert numbered_menu(BUTTONS[:2]) == "Reply 1 for Causes of SI joint pain\nReply 2 for Symptoms of SI joint pain"
    assert shorten("Minimally invasive SI joint fusion", 20) == "Minimally invasive\u2026"
    assert shorten("Short", 20) == "Short"
    assert message_parts("a\n\n\n\nb", 100) == ["a", "b"]
    assert message_parts("", 100) == [""]


# --- Which channels are on ----------------------------------------------------------------------

BASE_ENV = {"SI_ALLOWED_ORIGINS": "http://localhost:8080"}


def test_without_channel_variables_only_rest_and_the_web_chat_start():
    document, enabled = build_credentials(BASE_ENV)
    assert enabled == []
    assert list(document) == ["channels.rest.RestInput", "channels.web_chat.WebChatInput"]


def test_a_channel_starts_when_its_variables_are_set():
    twilio = {k: v for k, v in CHANNEL_SECRETS.items() if k.startswith("SI_TWILIO") and "WHATSAPP" not in k}
    document, enabled = build_credentials({**BASE_ENV, **twilio})
    assert enabled == ["twilio"]
    assert "whatsapp_number" not in document["channels.twilio.TwilioInput"]
    _, enabled = build_credentials({**BASE_ENV, **CHANNEL_SECRETS})
    assert enabled == ["telegram", "facebook", "slack", "twilio"]


def test_a_half_configured_channel_is_an_error_naming_what_is_missing():
    with pytest.raises(CredentialsError, match="SI_SLACK_SIGNING_SECRET"):
        build_credentials({**BASE_ENV, "SI_SLACK_BOT_TOKEN": "xoxb-1"})
    with pytest.raises(CredentialsError, match="SI_ALLOWED_ORIGINS"):
        build_credentials({})


def test_the_written_file_holds_no_secret(tmp_path: Path):
    path = tmp_path / "credentials.yml"
    write_credentials(path, {**BASE_ENV, **CHANNEL_SECRETS})
    text = path.read_text()
    assert all(secret not in text for secret in CHANNEL_SECRETS.values())
    assert "${SI_TELEGRAM_TOKEN}" in text
    assert yaml.safe_load(text)["channels.telegram.TelegramInput"]["access_token"] == "${SI_TELEGRAM_TOKEN}"


@pytest.mark.parametrize("origins", ["*", "http://localhost:8080,*", "localhost:8080", "http://a.example/path"])
def test_the_web_chat_refuses_a_wildcard_or_malformed_origin(origins):
    with pytest.raises(ValueError):
        parse_origins(origins)


def test_the_web_chat_needs_an_allowlist():
    with pytest.raises(ValueError):
        WebChatInput.from_credentials({"cors_allowed_origins": ""})
    channel = WebChatInput.from_credentials({"cors_allowed_origins": "https://www.example.com, http://localhost:8080/"})
    assert channel.allowed_origins == ["https://www.example.com", "http://localhost:8080"]


def test_a_platform_that_cannot_be_reached_is_logged_without_the_message(caplog):
    answer = run(platform_api.post("Twilio", "http://127.0.0.1:9/Messages.json", data={"Body": "my pain story"}))
    assert answer is None
    assert "Twilio API Messages.json failed" in caplog.text
    assert "my pain story" not in caplog.text


# --- every channel --------------------------------------------------------------------------


def test_at_most_turns_at_once_run_together_and_a_failed_turn_frees_its_place():
    """Thirty patients at once on one server: eight turns run, the rest wait; every patient is
    answered, the ten whose turn failed (more than the places) with "try again"."""
    server = SimpleNamespace(app=SimpleNamespace(ctx=SimpleNamespace()))
    failing = {f"rest:p{n}" for n in range(0, 30, 3)}
    running, most = 0, 0

    async def turn(message):
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.01)
        running -= 1
        if message.sender_id in failing:
            raise RuntimeError("the tracker store is down")
        await message.output_channel.send_text_message(message.sender_id, "an answer")

    async def patients():
        outputs = {f"rest:p{n}": CollectingOutputChannel() for n in range(30)}
        turns = (
            deliver(server, turn, "what is the SI joint", output, sender, "rest") for sender, output in outputs.items()
        )
        await asyncio.wait_for(asyncio.gather(*turns), timeout=10)
        return outputs

    outputs = run(patients())
    assert most == TURNS_AT_ONCE
    for sender, output in outputs.items():
        [message] = output.messages
        assert ("try again" in message["text"]) == (sender in failing), (sender, message)


def test_a_burst_from_one_conversation_holds_one_place_and_the_queue_forgets_it():
    """Twenty messages of one conversation sent at once, then seven other patients: the others are
    answered after at most one of the burst, not after eight."""
    server = SimpleNamespace(app=SimpleNamespace(ctx=SimpleNamespace()))
    answered: list = []

    async def turn(message):
        await asyncio.sleep(0.01)
        answered.append(message.sender_id)

    async def burst_then_others():
        burst = [deliver(server, turn, "hello", CollectingOutputChannel(), "rest:burst", "rest") for _ in range(20)]
        others = [deliver(server, turn, "hello", CollectingOutputChannel(), f"rest:p{n}", "rest") for n in range(7)]
        await asyncio.wait_for(asyncio.gather(*burst, *others), timeout=10)

    run(burst_then_others())
    assert answered.count("rest:burst") == 20
    assert max(answered.index(f"rest:p{n}") for n in range(7)) <= 7, answered
    queue: TurnQueue = server.app.ctx.turn_queue
    assert queue.conversations == {} and queue.waiting == {}


@pytest.mark.parametrize(
    "given, metadata",
    [("es", {"page_language": "es"}), ("en", {"page_language": "en"}), ("ES", None), ("spanish", None), (7, None)],
)
def test_the_widget_page_language_is_passed_on_only_as_a_language_code(given, metadata):
    assert page_language_metadata(given) == metadata


def test_a_message_clearly_in_spanish_stands_for_the_page_language_and_nothing_else_of_it_is_kept():
    from channels.conversations import with_language_guess

    assert with_language_guess(None, "Hola, tengo dolor en el glúteo derecho desde hace un año") == {
        "page_language": "es"
    }
    assert with_language_guess({"page_language": "en"}, "¿qué es la articulación sacroilíaca?") == {
        "page_language": "en"
    }
    assert with_language_guess(None, "my back hurts") is None
    assert with_language_guess(None, "¡Hola!") == {"page_language": "es"}  # a greeting alone names it
    assert with_language_guess(None, "buenas tardes") == {"page_language": "es"}
    assert with_language_guess(None, "hello") is None
    assert with_language_guess(None, "si") is None  # too short to tell
