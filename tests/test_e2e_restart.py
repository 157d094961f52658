"""A restart keeps conversations: `make run`'s stack stores them in an SQLite file, and after a
restart the same patient's follow-up is answered in context."""
from si_joint.knowledge import load_knowledge
from si_joint_dev.local_servers import reply_text, running_assistant

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
