"""A restart keeps conversations: `make run`'s stack stores them in an SQLite file, and after a
restart the same patient's follow-up is answered in context."""

from si_joint.knowledge import load_knowledge
from si_joint_dev.running_assistant import reply_text, running_assistant
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
