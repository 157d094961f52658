"""Privacy on a real stack with an SQL tracker store (SQLite file): deleting on request, retention,
what the assistant says about it, no patient text in any log, and answers when the action server
is down. The stack is this module's own, since its last tests stop its action server."""

import json
import re
import sqlite3
import subprocess
import sys
import time

import pytest

from si_joint_dev.channel_requests import CHANNEL_SECRETS, http, twilio_message, twilio_post
from si_joint_dev.running_assistant import ROOT, running_assistant

CANARY = "Zebra canary sentence 7f3a about my aching hip"
PHONE = "+15550009876"


@pytest.fixture(scope="module")
def stack(tmp_path_factory, fake_platforms, trained_model):
    folder = tmp_path_factory.mktemp("private_stack")
    database = folder / "trackers.db"
    endpoints = folder / "endpoints.yml"
    endpoints.write_text(
        "action_endpoint:\n"
        "  url: http://127.0.0.1:${ACTION_SERVER_PORT}/webhook\n"
        "  headers:\n"
        "    Authorization: Bearer ${SI_ACTION_TOKEN}\n"
        "tracker_store:\n"
        "  type: serving.tracker_store.PrivateSQLTrackerStore\n"
        "  dialect: sqlite\n"
        f"  db: {database}\n"
    )
    env = {**CHANNEL_SECRETS, "SI_TWILIO_API_URL": fake_platforms.api_url("twilio")}
    with running_assistant(folder / "logs", env, endpoints=endpoints) as running:
        running.database = database
        running.endpoints = endpoints
        running.log_dir = folder / "logs"
        yield running


def say(stack, sender, message):
    status, body = http(
        "POST",
        stack.rasa_url + "/webhooks/rest/webhook",
        json.dumps({"sender": sender, "message": message}).encode(),
        {"Content-Type": "application/json"},
    )
    assert status == 200, body
    return " ".join(m.get("text") or "" for m in json.loads(body))


def stored(stack, sender_id=None):
    with sqlite3.connect(stack.database) as db:
        if sender_id is None:
            return [row[0] for row in db.execute("select data from events")]
        return [row[0] for row in db.execute("select data from events where sender_id = ?", (sender_id,))]


def test_delete_my_conversation_deletes_it_from_the_store(stack):
    say(stack, "forgetful", "what causes SI joint pain")
    say(stack, "forgetful", CANARY)
    say(stack, "bystander", "what is the SI joint")
    assert any(CANARY in row for row in stored(stack, "rest:forgetful"))
    reply = say(stack, "forgetful", "please delete my conversation")
    assert "deleted this conversation" in reply
    assert not any(CANARY in row or "causes" in row.lower() for row in stored(stack, "rest:forgetful"))
    assert not any(CANARY in row for row in stored(stack))
    assert stored(stack, "rest:bystander")
    assert "tell me more" not in say(stack, "forgetful", "tell me more").lower()


def test_start_over_deletes_too(stack):
    say(stack, "restarter", CANARY + " again")
    reply = say(stack, "restarter", "start over")
    assert "deleted our conversation" in reply
    assert not any(CANARY in row for row in stored(stack, "rest:restarter"))


def test_the_assistant_says_what_it_keeps_and_for_how_long(stack):
    reply = say(stack, "curious", "is this chat private? do you store my messages")
    assert "30 days" in reply and "delete my conversation" in reply


def test_make_purge_deletes_conversations_past_the_retention(stack):
    say(stack, "long-gone", "what is the SI joint")
    old = time.time() - 40 * 86400
    with sqlite3.connect(stack.database) as db:
        db.execute("update events set timestamp = ? where sender_id = 'rest:long-gone'", (old,))
    result = subprocess.run(
        [sys.executable, "-m", "serving.purge", str(stack.endpoints)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert re.search(r"Deleted [1-9]\d* conversation", result.stdout)
    assert stored(stack, "rest:long-gone") == []
    assert stored(stack, "rest:bystander")


def test_canary_messages_on_every_path(stack, fake_platforms):
    """Plain REST, a "/"-prefixed text, a button payload carrying the text as an entity, SMS."""
    say(stack, "slasher", CANARY)
    say(stack, "slasher", "/" + CANARY)
    say(stack, "slasher", '/ask_symptoms{"symptom": "' + CANARY + '"}')
    twilio_post(f"{stack.rasa_url}/webhooks/twilio/webhook", twilio_message(PHONE, CANARY + " by sms"))
    fake_platforms.wait_for("twilio", lambda call: call.body["To"] == PHONE)


def test_an_emergency_is_answered_even_with_the_action_server_down(stack):
    say(stack, "before-outage", "hello")
    action_server = stack.processes["action server"]
    action_server.terminate()
    action_server.wait(timeout=30)
    reply = say(stack, "outage", f"{CANARY}: my dad can't control his bladder since this morning")
    assert reply.count("Please get medical help now") == 1 and "911" in reply
    reply = say(stack, "outage", "what is the SI joint")
    assert "try again" in reply


def test_no_patient_text_or_phone_number_in_any_log(stack):
    """Runs last: the canary went through every path above, with the action server up and down
    (failed action calls log errors); no log file of the stack may hold it or the phone number."""
    time.sleep(1)
    logs = {path.name: path.read_text(errors="replace") for path in stack.log_dir.glob("*.log")}
    assert set(logs) == {"action_server.log", "rasa_server.log"} and all(logs.values())
    assert "Failed to run custom action" in logs["rasa_server.log"]  # the outage was logged
    for name, text in logs.items():
        assert "canary" not in text.lower(), name
        assert PHONE not in text and PHONE[2:] not in text, name
