"""With Spanish served (`SI_LANGUAGES=es`), the conversation's language is kept by the Rasa server
(serving/rasa_server.py) and followed by the domain's responses and the action server: a Spanish
message turns the conversation Spanish, with the disclaimer in Spanish once a session, after any
urgent advice; "in English please" turns it back; the widget on the Spanish page (data-lang="es")
speaks Spanish from its first words. The model is the shipped one: these tests check the language,
not how well it understands Spanish."""

import json
import os

import pytest
import yaml
from playwright.sync_api import expect

from si_joint.wording import Texts
from si_joint_dev.browser_patient import REPLY_TIMEOUT_MS, Patient
from si_joint_dev.running_assistant import reply_text, running_assistant
from tests import ARTIFACTS, ROOT

AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"

SPANISH_QUESTION = "hola, me duele la nalga derecha desde hace meses, que puede causar eso?"


@pytest.fixture(scope="module")
def spanish_assistant(trained_model):
    token = "test-api-" + os.urandom(8).hex()
    with running_assistant(
        ARTIFACTS / "e2e_spanish_logs", {"SI_LANGUAGES": "es"}, demo=True, api_token=token
    ) as running:
        yield running


def domain_text(name, language):
    variations = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"][name]
    for variation in variations:
        values = [c["value"] for c in variation.get("condition") or [] if c["name"] == "language"]
        if values == [language] or (not values and language == "en"):
            return " ".join(variation["text"].split())
    raise AssertionError(f"{name} has no {language} variation")


def texts(messages):
    return [" ".join((m.get("text") or "").split()) for m in messages]


def language_slot(assistant, conversation):
    return assistant.tracker(f"rest:{conversation.sender}")["slots"]["language"]


def test_a_spanish_message_turns_the_conversation_spanish_with_the_disclaimer_once(spanish_assistant):
    conversation = spanish_assistant.conversation()
    spanish_disclaimer = domain_text("utter_disclaimer", "es")
    first = texts(conversation.say(SPANISH_QUESTION))
    # Opened in Spanish: the session's opening disclaimer is in Spanish, and only in Spanish.
    assert first[0] == spanish_disclaimer and domain_text("utter_disclaimer", "en") not in first, first
    assert language_slot(spanish_assistant, conversation) == "es"
    greeting = texts(conversation.say("/greet"))
    assert greeting == [domain_text("utter_greet", "es")], greeting  # no second disclaimer
    assert spanish_disclaimer not in texts(conversation.say("ok"))


def test_a_conversation_opened_with_hola_hears_the_disclaimer_in_spanish_only(spanish_assistant):
    first = texts(spanish_assistant.conversation().say("Hola"))
    assert first[0] == domain_text("utter_disclaimer", "es"), first
    assert domain_text("utter_disclaimer", "en") not in first, first


def test_in_english_please_turns_it_back(spanish_assistant):
    conversation = spanish_assistant.conversation()
    conversation.say(SPANISH_QUESTION)
    conversation.say("in English please")
    assert language_slot(spanish_assistant, conversation) == "en"
    assert texts(conversation.say("/greet")) == [domain_text("utter_greet", "en")]


def test_urgent_advice_comes_before_the_spanish_disclaimer(spanish_assistant):
    conversation = spanish_assistant.conversation()
    conversation.say("/greet")
    urgent = reply_text(conversation.say("desde ayer no puedo controlar la orina y me duele mucho la espalda"))
    assert urgent.startswith("Busque ayuda médica ahora"), urgent
    assert domain_text("utter_disclaimer", "es") not in urgent
    assert texts(conversation.say("/greet"))[0] == domain_text("utter_disclaimer", "es")


def test_the_action_server_answers_in_the_conversation_language(spanish_assistant):
    conversation = spanish_assistant.conversation()
    conversation.say(SPANISH_QUESTION)
    reply = reply_text(conversation.say("/ask_causes"))
    assert Texts("es").SOURCE_LINE.split("{")[0].strip() in reply, reply


def test_the_widget_on_the_spanish_page_speaks_spanish_and_passes_axe(browser, spanish_assistant):
    patient = Patient(browser, spanish_assistant.demo_url + "/es/").visit()
    try:
        page = patient.page
        expect(page.locator("html")).to_have_attribute("lang", "es")
        page.get_by_role("button", name="Abrir el chat con el Asistente de la articulación sacroilíaca").click()
        expect(patient.bot_message(domain_text("utter_disclaimer", "es")[:60])).to_be_visible(timeout=REPLY_TIMEOUT_MS)
        expect(patient.bot_message(domain_text("utter_greet", "es")[:40])).to_be_visible(timeout=REPLY_TIMEOUT_MS)
        assert patient.bot_message(domain_text("utter_disclaimer", "en")[:60]).count() == 0
        box = page.get_by_label("Escriba su pregunta")
        box.press("Enter")
        expect(page.locator(".si-chat-status")).to_have_text("Escriba primero una pregunta.")
        page.evaluate(AXE.read_text() + "\n;true")
        violations = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "axe_widget_spanish.json").write_text(json.dumps(violations, indent=2))
        assert [(v["id"], v["impact"]) for v in violations if v["impact"] in ("serious", "critical")] == []
    finally:
        patient.close()
