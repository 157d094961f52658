"""Conversation ids, log redaction, deletion and retention in the tracker stores, the REST
channel's checks, without servers."""

import asyncio
import logging
import sqlite3
import time
import warnings
from types import SimpleNamespace

import pytest
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Restarted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from channels.rest import RestInput
from serving.tracker_store import PrivateInMemoryTrackerStore, PrivateSQLTrackerStore
from si_joint import log_privacy
from si_joint.conversation_ids import (
    SecretKeyError,
    messaging_conversation_id,
    new_web_session,
    rest_conversation_id,
    secret_key,
    web_conversation_id,
)

KEY = b"k" * 40
PHONE = "whatsapp:+15550001234"


def test_messaging_ids_are_stable_pseudonyms_without_the_phone_number():
    first = messaging_conversation_id("whatsapp", PHONE, KEY)
    assert first == messaging_conversation_id("whatsapp", PHONE, KEY)
    assert first.startswith("whatsapp:") and "555" not in first
    assert first != messaging_conversation_id("sms", PHONE, KEY)
    assert first != messaging_conversation_id("whatsapp", PHONE, b"other" * 10)


@pytest.mark.parametrize(
    "sender",
    [
        None,
        "",
        42,
        PHONE,
        "sms:abc",
        "../etc",
        "a/b",
        "bad\nsender",
        "tab\tsender",
        ".hidden",
        "x" * 65,
        "trailing-newline\n",
    ],
)
def test_rest_refuses_senders_outside_its_pattern(sender):
    assert rest_conversation_id(sender) is None


def test_rest_ids_have_their_own_prefix():
    assert rest_conversation_id("patient-1") == "rest:patient-1"


def test_web_sessions_are_the_servers_own():
    token = new_web_session(KEY)
    assert web_conversation_id(token, KEY) == "web:" + token.split(".")[0]
    session, signature = token.split(".")
    forged = session + "." + ("0" if signature[0] != "0" else "1") + signature[1:]
    assert web_conversation_id(forged, KEY) is None
    assert web_conversation_id(session, KEY) is None  # the old unsigned form
    assert web_conversation_id(token, b"another-key" * 4) is None
    assert web_conversation_id({"id": token}, KEY) is None


def test_the_secret_key_must_be_set_and_long():
    with pytest.raises(SecretKeyError):
        secret_key({})
    with pytest.raises(SecretKeyError):
        secret_key({"SI_SECRET_KEY": "short"})
    assert secret_key({"SI_SECRET_KEY": "s" * 32}) == b"s" * 32


def test_patient_text_is_redacted_from_logs_exceptions_and_warnings(caplog, capsys):
    log_privacy.install()
    canary = "my canary sentence about a swollen knee"
    logger = logging.getLogger("some.library")
    with caplog.at_level(logging.DEBUG), log_privacy.patient_text("/" + canary):
        logger.warning("Parsed an intent '%s' which is not in the domain", canary)
        try:
            raise ValueError(f"cannot handle {canary}")
        except ValueError:
            logger.exception("failed")
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.warn(f"odd message {canary}", stacklevel=1)
    logged = caplog.text + "".join(r.exc_text or "" for r in caplog.records)
    assert canary not in logged and log_privacy.REDACTED in logged
    assert canary not in capsys.readouterr().err
    logger.warning("outside a message: %s", canary)
    assert canary in caplog.records[-1].getMessage()  # nothing is redacted between messages


def run(coroutine):
    return asyncio.new_event_loop().run_until_complete(coroutine)


def conversation(sender_id, *texts, restart=False, at=None):
    events = [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]
    for text in texts:
        events += [UserUttered(text, {"name": "greet", "confidence": 1.0}), BotUttered("an answer")]
    if restart:
        events += [
            ActionExecuted("action_forget_conversation"),
            BotUttered("deleted"),
            Restarted(),
            ActionExecuted("action_listen"),
        ]
    for event in events:
        event.timestamp = at or time.time()
    return DialogueStateTracker.from_events(sender_id, events)


@pytest.fixture(params=["memory", "sqlite"])
def store(request, tmp_path):
    domain = Domain.empty()
    if request.param == "memory":
        return PrivateInMemoryTrackerStore(domain, retention_days=30)
    return PrivateSQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "trackers.db"), retention_days=30)


def stored_texts(store, sender_id):
    tracker = run(store.retrieve_full_tracker(sender_id))
    return [e.text for e in tracker.events if isinstance(e, UserUttered)] if tracker else []


def test_forgetting_deletes_every_stored_event_before_the_restart(store, tmp_path):
    run(store.save(conversation("rest:a", "my private words")))
    run(store.save(conversation("rest:b", "someone else's words")))
    assert stored_texts(store, "rest:a") == ["my private words"]
    run(store.save(conversation("rest:a", "my private words", "delete my conversation", restart=True)))
    assert stored_texts(store, "rest:a") == []
    assert stored_texts(store, "rest:b") == ["someone else's words"]
    if isinstance(store, PrivateSQLTrackerStore):
        rows = sqlite3.connect(tmp_path / "trackers.db").execute("select data from events").fetchall()
        assert not any("my private words" in row[0] or "delete my conversation" in row[0] for row in rows)


def test_retention_deletes_conversations_inactive_for_longer_than_the_setting(store):
    old = time.time() - 31 * 86400
    run(store.save(conversation("rest:old", "words from last month", at=old)))
    run(store.save(conversation("rest:new", "words from today")))
    assert run(store.purge_inactive()) == 1
    assert stored_texts(store, "rest:old") == []
    assert stored_texts(store, "rest:new") == ["words from today"]


def test_the_in_memory_store_is_bounded_and_drops_the_least_recently_active():
    store = PrivateInMemoryTrackerStore(Domain.empty(), max_conversations=3)
    for sender in ("rest:a", "rest:b", "rest:c"):
        run(store.save(conversation(sender, "hello")))
    run(store.save(conversation("rest:a", "hello", "again")))
    run(store.save(conversation("rest:d", "hello")))
    assert sorted(store.store) == ["rest:a", "rest:c", "rest:d"]


def test_rasa_s_own_store_keeps_everything_after_a_restart():
    """Why the stores above exist: Rasa's store keeps the words a patient asked it to forget."""
    plain = InMemoryTrackerStore(Domain.empty())
    run(plain.save(conversation("rest:a", "my private words", restart=True)))
    assert "my private words" in plain.store["rest:a"]


def request(headers=None, ip="127.0.0.1"):
    return SimpleNamespace(headers=headers or {}, ip=ip)


def test_rest_without_a_token_serves_only_direct_local_requests():
    channel = RestInput(token=None)
    assert channel.refusal(request()) is None
    assert channel.refusal(request(ip="10.1.2.3")).status == 403
    assert channel.refusal(request({"x-forwarded-for": "203.0.113.9"})).status == 403


def test_rest_with_a_token_needs_it_on_every_request():
    channel = RestInput(token="t" * 40)
    assert channel.refusal(request({"authorization": "Bearer " + "t" * 40}, ip="10.1.2.3")) is None
    assert channel.refusal(request({"authorization": "Bearer wrong"})).status == 401
    assert channel.refusal(request()).status == 401


def test_rest_refuses_to_listen_beyond_loopback_without_a_token(monkeypatch):
    monkeypatch.delenv("SI_REST_TOKEN", raising=False)
    monkeypatch.setenv("SI_RASA_HOST", "0.0.0.0")
    with pytest.raises(ValueError, match="SI_REST_TOKEN"):
        RestInput.from_credentials({})
    monkeypatch.setenv("SI_REST_TOKEN", "t" * 40)
    assert RestInput.from_credentials({}).token == "t" * 40


def test_every_form_of_the_patients_message_is_kept_out_of_the_action_servers_logs():
    from serving.action_server import latest_texts

    sent = "my SIJ hurts. <b>what causes it?</b>"
    forms = latest_texts({"tracker": {"latest_message": {"text": "what causes it?", "full_text": sent}}})
    assert set(forms) == {sent, "my si joint hurts. what causes it?", "what causes it?"}
