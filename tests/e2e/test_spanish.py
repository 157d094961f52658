"""End to end in Spanish (issue 20), with the default settings (`languages: en es`): a Spanish
emergency gets urgent advice in Spanish first; Spanish questions are classified by the Spanish
classifier and answered from the Spanish knowledge file, read with the Spanish reading rules; an
English question in the same stack is answered in English (docs/languages.md)."""

import pytest
import yaml

from si_joint.knowledge import load_knowledge
from si_joint_dev.running_assistant import reply_text
from tests import ROOT

SPANISH = load_knowledge(ROOT / "content" / "knowledge" / "si_joint.es.yml")
ENGLISH = load_knowledge(ROOT / "content" / "knowledge" / "si_joint.yml")
WORDING = yaml.safe_load((ROOT / "content" / "replies" / "es.yml").read_text(encoding="utf-8"))


def first_words(text, count=8):
    return " ".join(text.split()[:count])


def test_an_overdose_already_taken_is_answered_in_spanish_with_the_emergency_number_first(assistant):
    conversation = assistant.conversation()
    conversation.say("hola")
    reply = reply_text(conversation.say("me tome todas las pastillas para el dolor"))
    assert reply.startswith("Busque ayuda médica ahora: llame al 911"), reply
    assert "988" in reply


@pytest.mark.parametrize(
    "message, entry",
    [
        ("q causa el dolor en la articulacion sacroiliaca", "causes"),
        ("cuales son los sintomas del dolor sacroiliaco?", "symptoms"),
        ("como saben los doctores si el dolor viene de la SI?", "diagnosis"),
        ("que tratamientos hay para la sacroiliaca", "treatments"),
    ],
)
def test_a_spanish_question_is_answered_from_the_spanish_knowledge(assistant, message, entry):
    reply = reply_text(assistant.conversation().say(message))
    assert first_words(SPANISH.entries[entry].answer) in reply, reply
    assert first_words(ENGLISH.entries[entry].answer) not in reply


def spanish_reply(assistant, message):
    """The reply to `message` in a conversation opened with "hola" (after the Spanish disclaimer)."""
    conversation = assistant.conversation()
    conversation.say("hola")
    return reply_text(conversation.say(message))


@pytest.mark.parametrize(
    "message",
    ["a mi mama le duele la nalga desde hace meses, sera la sacroiliaca?", "me duele la cadera al caminar, es normal?"],
)
def test_a_spanish_own_case_question_hears_first_that_no_one_can_be_assessed_in_a_chat(assistant, message):
    reply = spanish_reply(assistant, message)
    assert reply.startswith((WORDING["CANNOT_ASSESS"], " ".join(WORDING["CANNOT_ADVISE"].split()[:12]))), reply


def test_what_the_page_does_not_say_is_said_in_spanish(assistant):
    reply = spanish_reply(assistant, "cuanto cuesta la fusion sacroiliaca y lo cubre el seguro?")
    assert reply.startswith("La página no dice nada sobre el costo"), reply


def test_an_english_question_beside_them_is_answered_in_english(assistant):
    reply = reply_text(assistant.conversation().say("what causes si joint pain?"))
    assert first_words(ENGLISH.entries["causes"].answer) in reply, reply


def test_a_deleted_spanish_conversation_starts_again_in_spanish(assistant):
    reply = spanish_reply(assistant, "borren mi conversacion por favor")
    assert "Soy el asistente" in reply and "I'm the SI joint assistant" not in reply, reply


def test_el_link_keeps_the_conversation_in_spanish(assistant):
    conversation = assistant.conversation()
    conversation.say("que es la articulacion sacroiliaca?")
    reply = reply_text(conversation.say("el link?"))
    assert reply.startswith(" ".join(WORDING["NO_LINK"].split()[:6])), reply


def test_not_knowing_whom_to_call_after_crisis_advice_hears_the_ways_to_get_support_in_spanish(assistant):
    from actions.safety_actions import WORDING as SAFETY_WORDING
    from actions.safety_actions import emergency_settings

    conversation = assistant.conversation()
    conversation.say("hola")
    alarm = reply_text(conversation.say("si no me puedo pagar la cirugia mejor me quito la vida"))
    assert "988" in alarm
    reply = reply_text(conversation.say("no sé a quién llamar"))
    assert reply.strip() == SAFETY_WORDING["es"].CRISIS_OTHER_WAYS.format(**emergency_settings(language="es"))
