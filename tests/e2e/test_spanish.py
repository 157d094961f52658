"""End to end in Spanish (issue 20), with the default settings: Spanish is screened for warning
signs and a Spanish emergency gets urgent advice in Spanish first; Spanish questions are answered
once `languages` serves "es" (docs/languages.md)."""

from si_joint_dev.running_assistant import reply_text


def test_an_overdose_already_taken_is_answered_in_spanish_with_the_emergency_number_first(assistant):
    conversation = assistant.conversation()
    conversation.say("hola")
    reply = reply_text(conversation.say("me tome todas las pastillas para el dolor"))
    assert reply.startswith("Busque ayuda médica ahora: llame al 911"), reply
    assert "988" in reply
