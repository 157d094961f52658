"""PostgreSQL goes down in the middle of a conversation: the patient is told to try again (an
emergency still gets the emergency advice), never silence or a stack trace, and no turn is kept in
a memory store that forgets it; when the database is back, the conversation goes on in context."""

import pytest

from serving.databases import postgres_server
from si_joint.knowledge import load_knowledge
from si_joint_dev.running_assistant import reply_text, running_assistant

KNOWLEDGE = load_knowledge()


@pytest.fixture(scope="module")
def database():
    with postgres_server() as server:
        yield server


def test_a_database_outage_is_said_and_survived(tmp_path, database, trained_model):
    with running_assistant(tmp_path / "logs", database.environment) as assistant:
        patient = assistant.conversation()
        assert KNOWLEDGE.entry("diagnosis").answer in reply_text(patient.say("how is si joint pain diagnosed?"))
        database.stop()
        during = reply_text(patient.say("what are the treatments?"))
        emergency = reply_text(patient.say("I suddenly can't control my bladder"))
        database.start()
        replies = [reply_text(patient.say("tell me more")) for _ in range(2)]  # the first may find a stale connection
    assert "try again in a moment" in during
    assert "Traceback" not in during and KNOWLEDGE.entry("treatments").answer not in during
    assert "911" in emergency and "emergency" in emergency.lower()
    assert KNOWLEDGE.entry("diagnosis").details in replies[-1]  # the topic from before the outage
    log = (tmp_path / "logs" / "rasa_server.log").read_text()
    assert "Tracker store unavailable" in log
