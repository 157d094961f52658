"""A restart keeps conversations: `make run`'s stack stores them in an SQLite file, and after a
restart the same patient's follow-up is answered in context."""

import os

import pytest

from serving.stack import StackConfig, free_port, start_stack
from si_joint.knowledge import load_knowledge
from si_joint_dev.running_assistant import TEST_ACTION_TOKEN, TEST_SECRET_KEY, reply_text, running_assistant
from si_joint_dev.web_chat_patient import WebChatPatient

KNOWLEDGE = load_knowledge()


def test_a_follow_up_after_a_restart_is_answered_in_context(tmp_path, trained_model):
    env = {"SI_CONVERSATIONS_DB": str(tmp_path / "conversations.db")}
    with running_assistant(tmp_path / "before", env) as assistant:
        conversation = assistant.conversation()
        first = reply_text(conversation.say("how is si joint pain diagnosed?"))
        assert KNOWLEDGE.entry("diagnosis").answer in first
    with running_assistant(tmp_path / "after", env) as assistant:
        conversation.assistant = assistant
        follow_up = reply_text(conversation.say("tell me more"))
    assert KNOWLEDGE.entry("diagnosis").details in follow_up  # "more" about the topic before the restart
    assert "automated educational assistant" not in follow_up  # the same session, no new disclaimer


def test_a_web_chat_follow_up_after_a_restart_is_answered_in_context(tmp_path, trained_model):
    """The widget keeps its signed session token in the tab; after the restart it asks for the same
    session, and the follow-up is answered in the conversation's context."""
    env = {"SI_CONVERSATIONS_DB": str(tmp_path / "conversations.db")}
    with running_assistant(tmp_path / "before", env, demo=True) as assistant:
        patient = WebChatPatient(assistant.rasa_url, assistant.demo_url).connect()
        first = reply_text(patient.say("how is si joint pain diagnosed?"))
        patient.close()
        demo_port = assistant.demo_url.rsplit(":", 1)[1]
    assert KNOWLEDGE.entry("diagnosis").answer in first
    origins = {"SI_ALLOWED_ORIGINS": f"http://127.0.0.1:{demo_port}"}
    with running_assistant(tmp_path / "after", {**env, **origins}) as assistant:
        again = WebChatPatient(assistant.rasa_url, f"http://127.0.0.1:{demo_port}", patient.session_token).connect()
        follow_up = reply_text(again.say("tell me more"))
        again.close()
    assert again.conversation_id == patient.conversation_id
    assert KNOWLEDGE.entry("diagnosis").details in follow_up


def test_a_model_that_cannot_load_stops_the_start_with_a_clear_error(tmp_path, trained_model):
    """Rasa serves without a model it cannot load, answering every patient "try again": `make run`
    must say so instead of "The SI joint assistant is running"."""
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(b"not a model")
    config = StackConfig(
        free_port(), free_port(), credentials=tmp_path / "credentials.yml", extra_rasa_args=["--model", str(broken)]
    )
    env = {**os.environ, "SI_SECRET_KEY": TEST_SECRET_KEY, "SI_ACTION_TOKEN": TEST_ACTION_TOKEN}
    env.update({"SI_CONVERSATIONS_DB": str(tmp_path / "conversations.db"), "SI_ALLOWED_ORIGINS": "http://127.0.0.1:1"})
    stack = start_stack(config, env, tmp_path)
    try:
        with pytest.raises(RuntimeError, match="model did not load"):
            stack.wait_until_up()
    finally:
        stack.stop()
