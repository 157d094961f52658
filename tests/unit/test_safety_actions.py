"""Safety, fallback, hand-off and self-check actions against Tracker fixtures and a CollectingDispatcher."""

import re

import pytest
from rasa_sdk.events import Restarted, SlotSet

from actions import prompts, prompts_es
from actions.contact_actions import ActionContactPeople
from actions.fallback_actions import ActionFallback
from actions.safety_actions import ActionEmergency, ActionRedFlags
from actions.self_check_actions import (
    ActionAskSelfCheckAnswer,
    ActionSelfCheckSummary,
    ActionStopSelfCheck,
    ValidateSelfCheckForm,
)
from actions.session_actions import ActionRestart
from si_joint.conversation_language import LANGUAGE_SLOT, REPLY_LANGUAGE
from si_joint.emergency_signs import load_emergency_signs
from si_joint.knowledge import load_knowledge
from si_joint.reply_rules import turn_violations
from si_joint.site_settings import SettingsError, emergency_settings
from si_joint.wording import wording

KNOWLEDGE = load_knowledge()
SYMPTOMS = KNOWLEDGE.self_check_symptoms()
CLEARED = [SlotSet("self_check_answer", None), SlotSet("self_check_answers", None)]


def run(action, dispatcher, tracker, domain):
    return action.run(dispatcher, tracker, domain), dispatcher.messages


def user(intent):
    return {"event": "user", "parse_data": {"intent": {"name": intent}}}


def action(name):
    return {"event": "action", "name": name}


RANKING = [
    {"name": "nlu_fallback", "confidence": 1.0},
    {"name": "ask_symptoms", "confidence": 0.35},
    {"name": "ask_symptom_check", "confidence": 0.3},
    {"name": "ask_diagnosis", "confidence": 0.2},
    {"name": "greet", "confidence": 0.1},
    {"name": "ask_treatments", "confidence": 0.01},
]


# --- Emergency -----------------------------------------------------------------------------------


def test_emergency_advice_names_the_configured_number_and_the_sign(make_tracker, dispatcher, domain):
    signs = [{"sign": "fever_or_chills", "category": "infection", "matched": "fever"}]
    tracker = make_tracker("emergency", emergency_signs=signs, slots={"self_check_answers": {"a": "yes"}})
    events, messages = run(ActionEmergency(), dispatcher, tracker, domain)
    text = messages[0]["text"]
    assert text.startswith("Please get medical help now: call 911")
    assert load_emergency_signs().categories["infection"].advice in text
    assert "988" not in text and not messages[0]["buttons"]
    assert events == CLEARED


def test_self_harm_gets_the_crisis_line_first(make_tracker, dispatcher, domain):
    signs = [
        {"sign": "thoughts_of_suicide_or_self_harm", "category": "self_harm", "matched": "kill myself"},
        {"sign": "chest_pain", "category": "chest_pain", "matched": "chest pain"},
    ]
    _, messages = run(ActionEmergency(), dispatcher, make_tracker("emergency", emergency_signs=signs), domain)
    text = messages[0]["text"]
    assert text.index("call or text 988") < text.index("Please get medical help now")
    assert "call 911" in text


def test_an_overdose_already_taken_gets_the_emergency_number_before_the_crisis_line(make_tracker, dispatcher, domain):
    signs = [
        {"sign": "overdose_by_amount", "category": "self_harm", "matched": "took all my pills"},
        {"sign": "too_much_of_a_medicine", "category": "overdose", "matched": "took all my pills"},
    ]
    _, messages = run(ActionEmergency(), dispatcher, make_tracker("emergency", emergency_signs=signs), domain)
    text = messages[0]["text"]
    assert text.startswith("Please get medical help now: call 911") and "988" in text


def test_an_overdose_sign_inside_a_thought_of_suicide_is_that_thought(make_tracker, dispatcher, domain):
    signs = [
        {"sign": "thoughts_of_suicide_or_self_harm", "category": "self_harm", "matched": "think about not waking up"},
        {"sign": "signs_of_an_overdose", "category": "overdose", "matched": "not waking up"},
    ]
    _, messages = run(ActionEmergency(), dispatcher, make_tracker("emergency", emergency_signs=signs), domain)
    text = messages[0]["text"]
    assert "988" in text and "overdose" not in text.split("988")[0]


def test_an_emergency_the_classifier_found_alone_gets_advice_for_every_case(make_tracker, dispatcher, domain):
    _, messages = run(ActionEmergency(), dispatcher, make_tracker("emergency"), domain)
    assert "call 911" in messages[0]["text"] and "988" in messages[0]["text"]


def test_a_possible_sign_gets_conditional_advice_for_its_kind_then_the_answer(make_tracker, dispatcher, domain):
    signs = [
        {
            "sign": "possible_cauda_equina",
            "category": "cauda_equina",
            "matched": "",
            "certainty": "possible",
            "probability": 0.5,
        }
    ]
    tracker = make_tracker("emergency", emergency_signs=signs, question_intent="ask_causes")
    events, messages = run(ActionEmergency(), dispatcher, tracker, domain)
    warning = load_emergency_signs().categories["cauda_equina"].warning
    assert messages[0]["text"].startswith("If you, or the person you're writing about, have " + warning)
    assert "call 911" in messages[0]["text"]
    assert KNOWLEDGE.entry("causes").answer in messages[1]["text"]
    assert SlotSet("last_topic", "causes") in events and events[-2:] == CLEARED


def test_a_possible_crisis_gets_the_crisis_line(make_tracker, dispatcher, domain):
    signs = [{"sign": "possible_self_harm", "category": "self_harm", "certainty": "possible"}]
    _, messages = run(ActionEmergency(), dispatcher, make_tracker("emergency", emergency_signs=signs), domain)
    assert len(messages) == 1 and "call or text 988" in messages[0]["text"]


def flagged(category, language="en", matched="m"):
    """A message the screen flagged for `category`, in `language`."""
    signs = [{"sign": "s", "category": category, "matched": matched, "certainty": "certain", "language": language}]
    return {"event": "user", "parse_data": {"intent": {"name": "emergency"}, "emergency_signs": signs}}


def after_alarm(make_tracker, category, text, language="en"):
    """A tracker whose latest message `text` answers urgent advice for `category`."""
    earlier = [flagged(category, language), action("action_emergency"), action("action_listen")]
    return make_tracker("nlu_fallback", text=text, events=earlier + [user("nlu_fallback")])


@pytest.mark.parametrize(
    "text, language, wording, number",
    [("what do i do?", "en", prompts, "call 911"), ("y que hago?", "es", prompts_es, "llame al 911")],
)
def test_a_short_reply_after_urgent_advice_gets_the_same_advice_again(
    make_tracker, dispatcher, domain, text, language, wording, number
):
    tracker = after_alarm(make_tracker, "infection", text, language)
    events, messages = run(ActionEmergency(), dispatcher, tracker, domain)
    text = messages[0]["text"]
    assert text.startswith(wording.EMERGENCY_AGAIN) and number in text
    assert load_emergency_signs().categories_in(language)["infection"].advice in text
    assert events == []


# Words of the English replies that a Spanish reply must not contain.
ENGLISH_WORDS = re.compile(r"\b(the|please|call|you|your|help|now|if|and)\b", re.IGNORECASE)


@pytest.mark.parametrize("category", sorted(load_emergency_signs().categories))
def test_a_spanish_emergency_gets_the_advice_in_spanish_with_the_numbers(make_tracker, dispatcher, domain, category):
    signs = [{"sign": "s", "category": category, "matched": "m", "certainty": "certain", "language": "es"}]
    _, messages = run(ActionEmergency(), dispatcher, make_tracker("emergency", emergency_signs=signs), domain)
    (text,) = [m["text"] for m in messages]
    spanish = load_emergency_signs().categories_in("es")[category]
    assert spanish.advice in text and "911" in text and "Estados Unidos" in text
    assert not ENGLISH_WORDS.search(text.replace(emergency_settings(language="es")["crisis_line"], "")), text
    if spanish.crisis:
        assert "988 y marque 2" in text


def test_a_sign_in_a_message_as_much_in_one_language_as_the_other_is_answered_in_the_conversations(
    make_tracker, dispatcher, domain
):
    # "my leg just gave out esta mañana y no la puedo mover bien": the screen cannot tell (language None).
    signs = [{"sign": "s", "category": "leg_weakness", "matched": "m", "certainty": "certain", "language": "en"}]
    token = REPLY_LANGUAGE.set("es")
    try:
        unclear = make_tracker("emergency", emergency_signs=signs, language=None)
        _, messages = run(ActionEmergency(), dispatcher, unclear, domain)
        assert load_emergency_signs().categories_in("es")["leg_weakness"].advice in messages[0]["text"]
        dispatcher.messages.clear()
        english = make_tracker("emergency", emergency_signs=signs, language="en")
        _, messages = run(ActionEmergency(), dispatcher, english, domain)
        assert load_emergency_signs().categories["leg_weakness"].advice in messages[0]["text"]
    finally:
        REPLY_LANGUAGE.reset(token)


def test_a_flagged_message_that_corrects_the_earlier_alarm_stands_it_down(make_tracker, dispatcher, domain):
    text = "lol no that was like 15 years ago, he's fine, he just wants to know if that old fall could be why"
    earlier = [flagged("major_trauma"), action("action_emergency"), action("action_listen")]
    latest = flagged("major_trauma")
    tracker = make_tracker(
        "emergency", text=text, emergency_signs=latest["parse_data"]["emergency_signs"], events=earlier + [latest]
    )
    _, messages = run(ActionEmergency(), dispatcher, tracker, domain)
    assert messages[0]["text"].startswith("Thanks for correcting me.")
    assert not messages[0]["text"].startswith("Please get medical help now")


@pytest.mark.parametrize(
    "text, opening",
    [
        ("no no, eso fue hace meses, ya me recupere, camino normal", "Gracias por aclararlo."),
        ("perdon me equivoque, no tengo fiebre, el autocorrector puso eso", "Gracias por aclararlo."),
        ("ya llamamos al 911, la ambulancia viene en camino", "Buscar ayuda de emergencia es lo correcto."),
    ],
)
def test_a_spanish_reply_to_urgent_advice_is_read_and_answered_in_spanish(
    make_tracker, dispatcher, domain, text, opening
):
    _, messages = run(ActionEmergency(), dispatcher, after_alarm(make_tracker, "infection", text, "es"), domain)
    assert messages[0]["text"].startswith(opening)
    # A correction names the sign to watch for; help already coming is not told signs it never had.
    named = load_emergency_signs().categories_in("es")["infection"].warning in messages[0]["text"]
    assert named is opening.startswith("Gracias")


def test_help_coming_after_a_sign_said_to_be_happening_is_answered_in_the_conversations_language(
    make_tracker, dispatcher, domain
):
    """A sign asked about ("¿qué pasaría si alguien ...?"), then said to be happening: no sign was
    flagged, so the language is the conversation's."""
    from si_joint.conversation_language import REPLY_LANGUAGE

    mention = {"category": "cauda_equina", "language": "es"}
    earlier = [
        {"event": "user", "parse_data": {"intent": {"name": "ask_symptom_check"}, "mentioned_signs": [mention]}},
        action("action_emergency"),
        action("action_listen"),
        user("nlu_fallback"),
        action("action_emergency"),
        action("action_listen"),
    ]
    tracker = make_tracker("nlu_fallback", text="ya viene la ambulancia", events=earlier + [user("nlu_fallback")])
    token = REPLY_LANGUAGE.set("es")
    try:
        _, messages = run(ActionEmergency(), dispatcher, tracker, domain)
    finally:
        REPLY_LANGUAGE.reset(token)
    assert messages[0]["text"].startswith("Buscar ayuda de emergencia es lo correcto.")


@pytest.mark.parametrize(
    "text, language, wording",
    [
        ("the ambulance is on its way, should I give him a pain pill meanwhile?", "en", prompts),
        ("ya viene la ambulancia, ¿le doy alguna pastilla para el dolor mientras llegan?", "es", prompts_es),
    ],
)
def test_a_medicine_asked_about_while_help_comes_is_for_the_emergency_team(
    make_tracker, dispatcher, domain, text, language, wording
):
    _, messages = run(ActionEmergency(), dispatcher, after_alarm(make_tracker, "leg_weakness", text, language), domain)
    said = [m["text"] for m in messages]
    assert said == [wording.HELP_ON_THE_WAY, wording.HELP_COMING_MEDICINES]


def test_a_sign_asked_about_in_general_in_spanish_gets_one_conditional_line(make_tracker, dispatcher, domain):
    text = "el doctor me pregunto si tenia fiebre y le dije que no, por que preguntan eso?"
    signs = flagged("infection", "es")["parse_data"]["emergency_signs"]
    tracker = make_tracker("emergency", text=text, emergency_signs=signs)
    _, messages = run(ActionEmergency(), dispatcher, tracker, domain)
    assert messages[0]["text"].startswith("Si usted, o la persona de quien escribe, tiene")


def test_pills_swallowed_by_someone_who_seems_fine_still_get_the_full_advice(make_tracker, dispatcher, domain):
    text = "mi hijo de 4 años se comió unas pastillas, no sé cuántas. parece que está bien"
    signs = flagged("overdose", "es")["parse_data"]["emergency_signs"]
    tracker = make_tracker("emergency", text=text, emergency_signs=signs)
    _, messages = run(ActionEmergency(), dispatcher, tracker, domain)
    assert not messages[0]["text"].startswith("Si usted") and "911" in messages[0]["text"]


@pytest.mark.parametrize(
    "text, language, words",
    [
        (
            "My dad gave away his rifle and said we'd be better off without him",
            "en",
            "If the person you're writing about may act on thoughts of suicide",
        ),
        ("Mi amiga se despidió de todos y no me contesta", "es", "Si la persona de quien escribe pudiera actuar"),
    ],
)
def test_crisis_advice_about_a_relative_speaks_of_that_person(make_tracker, dispatcher, domain, text, language, words):
    signs = flagged("self_harm", language)["parse_data"]["emergency_signs"]
    tracker = make_tracker("emergency", text=text, emergency_signs=signs)
    _, messages = run(ActionEmergency(), dispatcher, tracker, domain)
    assert words in messages[0]["text"] and "911" in messages[0]["text"] and "988" in messages[0]["text"]


@pytest.mark.parametrize(
    "text, language",
    [
        ("I'm not going to the ER, it's just my back acting up like always", "en"),
        ("no me puedo ir ahorita, estoy cuidando a mis hijos", "es"),
    ],
)
def test_refusing_to_go_gets_the_advice_again_not_a_stand_down(make_tracker, dispatcher, domain, text, language):
    _, messages = run(ActionEmergency(), dispatcher, after_alarm(make_tracker, "cauda_equina", text, language), domain)
    again = prompts.EMERGENCY_AGAIN if language == "en" else prompts_es.EMERGENCY_AGAIN
    assert messages[0]["text"].startswith(again) and "911" in messages[0]["text"]


def test_denying_the_sign_after_the_alarm_stands_it_down(make_tracker, dispatcher, domain):
    text = "sorry, wrong word, it is not numb at all, more of a dull ache, and my bladder is normal"
    _, messages = run(ActionEmergency(), dispatcher, after_alarm(make_tracker, "cauda_equina", text), domain)
    assert messages[0]["text"].startswith("Thanks for correcting me.")


def test_help_arriving_after_a_crisis_alarm_is_right_and_the_crisis_line_stays_offered(
    make_tracker, dispatcher, domain
):
    text = "the paramedics are with her now"
    _, messages = run(ActionEmergency(), dispatcher, after_alarm(make_tracker, "self_harm", text), domain)
    assert messages[0]["text"] == prompts.HELP_ON_THE_WAY
    assert "988" in messages[1]["text"] and "911" not in messages[1]["text"]


@pytest.mark.parametrize(
    "text, language",
    [
        ("lol no, it's just a figure of speech, I'm fine", "en"),
        ("no no tranqui, es forma de hablar, no me voy a hacer nada", "es"),
    ],
)
def test_a_crisis_phrase_said_as_a_figure_of_speech_keeps_the_line_offered_without_the_alarm(
    make_tracker, dispatcher, domain, text, language
):
    _, messages = run(ActionEmergency(), dispatcher, after_alarm(make_tracker, "self_harm", text, language), domain)
    expected = (prompts if language == "en" else prompts_es).FIGURE_OF_SPEECH
    assert messages[0]["text"].startswith(expected[:25]) and "988" in messages[0]["text"]
    assert "911" not in messages[0]["text"]


def test_after_the_alarm_stood_down_a_later_question_is_just_a_question(make_tracker, dispatcher, domain):
    stood_down = {"event": "bot", "text": prompts.STAND_DOWN.format(warning="w", emergency_number="911")}
    answered = {"event": "bot", "text": "an answer about causes"}
    events = [flagged("cauda_equina"), action("action_emergency"), action("action_listen"), user("deny")]
    events += [stood_down, action("action_listen"), user("ask_causes"), answered, action("action_listen")]
    tracker = make_tracker("ask_red_flags", text="so should i get it checked?", events=events + [user("ask_red_flags")])
    _, messages = run(ActionEmergency(), dispatcher, tracker, domain)
    assert not messages[0]["text"].startswith(prompts.EMERGENCY_AGAIN)


def test_fear_while_help_comes_gets_a_kind_word_and_when_to_call_again(make_tracker, dispatcher, domain):
    events = [flagged("overdose"), action("action_emergency"), action("action_listen"), user("affirm")]
    events += [{"event": "bot", "text": prompts.HELP_ON_THE_WAY}, action("action_listen")]
    tracker = make_tracker("express_feelings", text="im so scared", events=events + [user("express_feelings")])
    _, messages = run(ActionEmergency(), dispatcher, tracker, domain)
    assert messages[0]["text"].startswith("It's understandable to feel scared") and "911" in messages[0]["text"]


def test_thanks_once_help_has_come_gets_a_thank_you_not_a_menu(make_tracker, dispatcher, domain):
    events = [flagged("major_trauma"), action("action_emergency"), action("action_listen"), user("affirm")]
    events += [{"event": "bot", "text": prompts.HELP_ON_THE_WAY}, action("action_listen")]
    tracker = make_tracker("thanks", text="thank you for staying with me", events=events + [user("thanks")])
    _, messages = run(ActionEmergency(), dispatcher, tracker, domain)
    assert [m.get("response") for m in messages] == ["utter_thanks"]


def test_the_spanish_wording_has_every_emergency_text():
    spanish = wording("es")  # si_joint/wording.py checks its names and placeholders against the English
    emergency_texts = {name for name in wording("en") if name.startswith(("EMERGENCY", "CRISIS", "RED_FLAGS"))}
    emergency_texts -= {"EMERGENCY_LINE_IN"}  # other languages' own lines
    assert len(emergency_texts) >= 8 and set(emergency_texts) <= set(spanish)


def test_the_spanish_crisis_line_is_a_setting(make_tracker, dispatcher, domain, monkeypatch):
    monkeypatch.setenv("SI_CRISIS_LINE_ES", "llame a la línea de prueba")
    signs = [{"sign": "s", "category": "self_harm", "matched": "m", "certainty": "certain", "language": "es"}]
    _, messages = run(ActionEmergency(), dispatcher, make_tracker("emergency", emergency_signs=signs), domain)
    assert "llame a la línea de prueba" in messages[0]["text"]


def test_a_red_flags_guess_without_a_real_contender_asks_for_a_topic(dispatcher, make_tracker, domain):
    ranking = [
        {"name": "ask_red_flags", "confidence": 0.66},
        {"name": "ask_more", "confidence": 0.13},
        {"name": "ask_prevalence", "confidence": 0.02},
    ]
    tracker = make_tracker("ask_red_flags", text="how much water should I drink a day", intent_ranking=ranking)
    ActionRedFlags().run(dispatcher, tracker, domain)
    assert [m.get("response") for m in dispatcher.messages] == ["utter_ask_topic"]


@pytest.mark.parametrize(
    "text, matched, explained",
    [
        ("What does saddle anesthesia mean? I saw it on a list, I don't have it", "saddle anesthesia", True),
        (
            "It lists a car accident as a cause. I carry a heavy bag at work. What does 'atraumatic' mean there?",
            "car accident",
            False,
        ),
    ],
)
def test_what_a_sign_means_is_asked_only_by_a_question_that_names_it(
    make_tracker, dispatcher, domain, text, matched, explained
):
    mention = {"category": "cauda_equina" if explained else "major_trauma", "matched": matched, "language": "en"}
    tracker = make_tracker("ask_causes", text=text, mentioned_signs=[mention])
    _, messages = run(ActionEmergency(), dispatcher, tracker, domain)
    said = " ".join(m.get("text") or "" for m in messages)
    assert messages[0]["text"].startswith("If you ever have")
    assert (prompts.SIGN_NOT_EXPLAINED in said) is explained


def test_red_flags_are_the_reviewed_warning_signs(dispatcher, make_tracker, domain):
    tracker = make_tracker("ask_red_flags", text="when should back pain send me to the ER?")
    _, messages = run(ActionRedFlags(), dispatcher, tracker, domain)
    assert turn_violations(messages) == []
    text = " ".join(m["text"] for m in messages)
    for category in load_emergency_signs().categories.values():
        assert category.warning in text
    assert "call 911" in text and "988" in text
    assert KNOWLEDGE.entry("symptoms").answer not in text


def test_a_message_that_asks_nothing_about_urgency_is_answered_as_its_next_question(make_tracker, dispatcher, domain):
    ranking = [{"name": "ask_red_flags", "confidence": 0.6}, {"name": "ask_prevalence", "confidence": 0.3}]
    tracker = make_tracker(
        "ask_red_flags", text="not an emergency, just curious - how common is it?", intent_ranking=ranking
    )
    _, messages = run(ActionRedFlags(), dispatcher, tracker, domain)
    assert KNOWLEDGE.entry("prevalence").answer in messages[0]["text"]
    assert "911" not in messages[0]["text"]


def test_emergency_numbers_come_from_configuration(make_tracker, dispatcher, domain, monkeypatch):
    monkeypatch.setenv("SI_EMERGENCY_NUMBER", "112")
    monkeypatch.setenv("SI_EMERGENCY_REGION", "European Union")
    signs = [{"sign": "chest_pain", "category": "chest_pain", "matched": "chest pain"}]
    _, messages = run(ActionEmergency(), dispatcher, make_tracker("emergency", emergency_signs=signs), domain)
    assert "call 112" in messages[0]["text"] and "911" not in messages[0]["text"]
    assert "European Union" in messages[0]["text"]


def test_the_advice_said_without_the_action_server_names_the_configured_numbers(domain):
    """utter_emergency_without_actions is static text in the domain: it must say what the
    settings say (change both together for another country)."""
    text = " ".join(domain["responses"]["utter_emergency_without_actions"][0]["text"].split())
    settings = emergency_settings()
    assert f"call {settings['emergency_number']} " in text
    assert settings["crisis_line"].split(" (")[0] in text


def test_missing_emergency_settings_are_refused(tmp_path):
    settings = tmp_path / "site.yml"
    settings.write_text("emergency:\n  emergency_region: Nowhere\n  emergency_number: ''\n")
    with pytest.raises(SettingsError, match="emergency_number, crisis_line not set"):
        emergency_settings(settings)


# --- Fallback ------------------------------------------------------------------------------------


def test_first_fallback_offers_did_you_mean_buttons_from_the_top_intents(make_tracker, dispatcher, domain):
    tracker = make_tracker("nlu_fallback", text="sympt stuff", intent_ranking=RANKING, events=[user("nlu_fallback")])
    events, messages = run(ActionFallback(), dispatcher, tracker, domain)
    assert messages[0]["text"] == prompts.DID_YOU_MEAN_QUESTION
    assert messages[0]["buttons"] == [
        {"title": "Symptoms of SI joint pain", "payload": "/ask_symptoms"},
        {"title": "How SI joint pain is diagnosed", "payload": "/ask_diagnosis"},
        {"title": "Something else", "payload": "/none_of_these"},
    ]
    assert events == []


def test_second_fallback_asks_to_rephrase(make_tracker, dispatcher, domain):
    history = [
        user("greet"),
        action("utter_greet"),
        user("nlu_fallback"),
        action("action_fallback"),
        user("none_of_these"),
    ]
    tracker = make_tracker("none_of_these", intent_ranking=RANKING, events=history)
    _, messages = run(ActionFallback(), dispatcher, tracker, domain)
    assert messages == [dict(messages[0], text=prompts.ASK_REPHRASE)]


def test_third_fallback_shows_the_topics_and_a_professional(make_tracker, dispatcher, domain):
    history = [
        user("nlu_fallback"),
        action("action_fallback"),
        user("nlu_fallback"),
        action("action_fallback"),
        user("nlu_fallback"),
    ]
    tracker = make_tracker("nlu_fallback", intent_ranking=RANKING, events=history)
    _, messages = run(ActionFallback(), dispatcher, tracker, domain)
    assert messages[0]["text"] == prompts.GIVE_UP
    assert messages[1]["response"] == "utter_ask_topic"


def test_an_understood_message_resets_the_fallback_stages(make_tracker, dispatcher, domain):
    history = [
        user("nlu_fallback"),
        action("action_fallback"),
        user("ask_symptoms"),
        action("action_answer_question"),
        user("nlu_fallback"),
    ]
    tracker = make_tracker("nlu_fallback", intent_ranking=RANKING, events=history)
    _, messages = run(ActionFallback(), dispatcher, tracker, domain)
    assert messages[0]["text"] == prompts.DID_YOU_MEAN_QUESTION


@pytest.mark.parametrize(
    "problem, expected",
    [
        ({"kind": "empty", "length": 0}, "didn't get any text"),
        ({"kind": "no_words", "length": 2}, "only read words"),
        ({"kind": "too_long", "length": 12345}, "(12,345 characters)"),
        ({"kind": "other_language", "length": 30}, "only understand and answer in English"),
        ({"kind": "spanish", "length": 30}, "llame al 911 ahora. Por ahora solo puedo responder preguntas en inglés"),
    ],
)
def test_unreadable_input_is_told_why(make_tracker, dispatcher, domain, problem, expected):
    _, messages = run(ActionFallback(), dispatcher, make_tracker("nlu_fallback", input_problem=problem), domain)
    assert expected in messages[0]["text"]


def test_an_unplaced_message_that_names_one_kind_of_question_gets_that_answer(make_tracker, dispatcher, domain):
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.4},
        {"name": "ask_symptom_check", "confidence": 0.33},
        {"name": "greet", "confidence": 0.22},
    ]
    tracker = make_tracker(
        "nlu_fallback",
        text="hey what are the symptoms of SI joint trouble",
        intent_ranking=ranking,
        events=[user("nlu_fallback")],
    )
    _, messages = run(ActionFallback(), dispatcher, tracker, domain)
    assert KNOWLEDGE.entry("symptoms").answer in " ".join(m.get("text") or "" for m in messages)


def test_named_words_the_classifier_does_not_agree_with_still_get_the_menu(make_tracker, dispatcher, domain):
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.4},
        {"name": "ask_causes", "confidence": 0.33},
        {"name": "ask_prevalence", "confidence": 0.2},
    ]
    text = "hey there, quick one then, what are the usual symptoms of it"
    tracker = make_tracker("nlu_fallback", text=text, intent_ranking=ranking, events=[user("nlu_fallback")])
    _, messages = run(ActionFallback(), dispatcher, tracker, domain)
    assert messages[0]["text"] == prompts.DID_YOU_MEAN_QUESTION


def test_a_short_question_that_names_its_kind_is_answered_whatever_the_classifier_says(
    make_tracker, dispatcher, domain
):
    ranking = [{"name": "nlu_fallback", "confidence": 0.4}, {"name": "ask_source", "confidence": 0.33}]
    tracker = make_tracker(
        "nlu_fallback", text="¿y qué estudios le harían?", intent_ranking=ranking, events=[user("nlu_fallback")]
    )
    _, messages = run(ActionFallback(), dispatcher, tracker, domain)
    assert messages[0]["text"] != prompts.DID_YOU_MEAN_QUESTION
    assert "diagnos" in " ".join(m.get("text") or "" for m in messages).lower()


@pytest.mark.parametrize(
    "text, first",
    [
        ("Il a de la fièvre depuis hier et son dos lui fait très mal", "En cas d'urgence, appelez le 911"),
        ("Brustschmerzen seit einer Stunde, hat das mit dem ISG zu tun?", "Im Notfall rufen Sie jetzt die 911 an."),
        ("Я хочу узнать о суставе", "If you or someone else may be having an emergency, call 911 now."),
    ],
)
def test_a_language_not_served_gets_the_emergency_number_first(make_tracker, dispatcher, domain, text, first):
    problem = {"kind": "other_language", "length": len(text)}
    tracker = make_tracker("nlu_fallback", text=text, input_problem=problem)
    _, messages = run(ActionFallback(), dispatcher, tracker, domain)
    assert messages[0]["text"].startswith(first)


# --- Hand-off ------------------------------------------------------------------------------------


def test_hand_off_without_contacts_says_so_and_names_no_number(make_tracker, dispatcher, domain, monkeypatch):
    for key in ("CONTACT_PHONE", "CONTACT_EMAIL", "CONTACT_PAGE_URL", "FIND_PROVIDER_URL"):
        monkeypatch.delenv(f"SI_{key}", raising=False)
    _, messages = run(
        ActionContactPeople(), dispatcher, make_tracker("ask_human", text="can I talk to a person?"), domain
    )
    text = messages[0]["text"]
    assert prompts.CONTACT_NOT_CONFIGURED in text and prompts.FIND_PROVIDER_NOT_CONFIGURED in text
    assert "In an emergency, call your local emergency number." in text


def test_hand_off_lists_the_configured_contacts(make_tracker, dispatcher, domain, monkeypatch):
    monkeypatch.setenv("SI_CONTACT_PHONE", "+1 555 0100")
    monkeypatch.setenv("SI_CONTACT_EMAIL", "patients@example.com")
    monkeypatch.setenv("SI_CONTACT_PAGE_URL", "https://example.com/contact")
    monkeypatch.setenv("SI_FIND_PROVIDER_URL", "javascript:alert(1)")
    _, messages = run(
        ActionContactPeople(), dispatcher, make_tracker("ask_human", text="how do I contact the company"), domain
    )
    text = messages[0]["text"]
    assert "Phone: +1 555 0100" in text and "Email: patients@example.com" in text
    assert "Contact page: https://example.com/contact" in text
    assert "javascript" not in text and prompts.FIND_PROVIDER_NOT_CONFIGURED in text


def test_a_long_story_taken_for_a_request_for_a_person_is_answered_as_a_story(make_tracker, dispatcher, domain):
    story = (
        "My lower back and left buttock have ached for six years, worse after sitting, and the pain now "
        "wakes me most nights. Scans showed nothing and every doctor says something different. I have no "
        "idea what to ask any more to get somewhere with this. Please help me"
    )
    _, messages = run(ActionContactPeople(), dispatcher, make_tracker("ask_human", text=story), domain)
    assert prompts.CANNOT_ASSESS in messages[0]["text"]
    assert prompts.CONTACT_NOT_CONFIGURED not in " ".join(m.get("text") or "" for m in messages)


@pytest.mark.parametrize(
    "text",
    [
        "can it wait till after christmas? the surgeon offered me the fusion in december",
        "I was told to call someone at the pain clinic, and the team there keep changing my appointment. "
        "My back has hurt for three years and nobody has found the cause. What percentage of patients get "
        "better after SI joint fusion, and how many need a second operation?",
    ],
)
def test_a_message_that_asks_for_no_person_does_not_get_the_contacts(make_tracker, dispatcher, domain, text):
    _, messages = run(ActionContactPeople(), dispatcher, make_tracker("ask_human", text=text), domain)
    assert prompts.CONTACT_NOT_CONFIGURED not in " ".join(m.get("text") or "" for m in messages)


def test_a_short_request_for_a_person_gets_the_contacts(make_tracker, dispatcher, domain):
    _, messages = run(
        ActionContactPeople(), dispatcher, make_tracker("ask_human", text="can I talk to someone"), domain
    )
    assert prompts.CONTACT_NOT_CONFIGURED in messages[0]["text"] or "Phone:" in messages[0]["text"]


# --- Self-check ----------------------------------------------------------------------------------


def test_self_check_first_question_comes_with_the_introduction(make_tracker, dispatcher, domain):
    _, messages = run(ActionAskSelfCheckAnswer(), dispatcher, make_tracker("start_self_check"), domain)
    assert "it can't tell whether you have SI joint dysfunction" in messages[0]["text"]
    assert messages[1]["text"] == f"Question 1 of 8: {SYMPTOMS[0].self_check}"
    assert [b["payload"] for b in messages[1]["buttons"]] == ["/affirm", "/deny", "/unsure", "/stop"]


def test_self_check_asks_the_next_unanswered_symptom(make_tracker, dispatcher, domain):
    answered = {SYMPTOMS[0].id: "yes", SYMPTOMS[1].id: "no"}
    tracker = make_tracker("affirm", slots={"self_check_answers": answered})
    _, messages = run(ActionAskSelfCheckAnswer(), dispatcher, tracker, domain)
    assert messages == [dict(messages[0], text=f"Question 3 of 8: {SYMPTOMS[2].self_check}")]


@pytest.mark.parametrize(
    "value, stored",
    [
        ("yes", "yes"),
        ("not sure", "not sure"),
        ("  only <b>at night</b>  ", "only at night"),
        ("x" * 500, "x" * 199 + "…"),
    ],
)
def test_self_check_records_the_answer_for_the_current_symptom(make_tracker, dispatcher, domain, value, stored):
    tracker = make_tracker("affirm", slots={"self_check_answers": {SYMPTOMS[0].id: "no"}})
    result = ValidateSelfCheckForm().validate_self_check_answer(value, dispatcher, tracker, domain)
    assert result == {"self_check_answer": None, "self_check_answers": {SYMPTOMS[0].id: "no", SYMPTOMS[1].id: stored}}


def test_self_check_completes_on_the_last_answer(make_tracker, dispatcher, domain):
    answered = {s.id: "no" for s in SYMPTOMS[:-1]}
    tracker = make_tracker("deny", slots={"self_check_answers": answered})
    result = ValidateSelfCheckForm().validate_self_check_answer("no", dispatcher, tracker, domain)
    assert result["self_check_answer"] == "complete"
    assert set(result["self_check_answers"]) == {s.id for s in SYMPTOMS}


def test_self_check_rejects_an_unreadable_answer(make_tracker, dispatcher, domain):
    tracker = make_tracker("nlu_fallback", input_problem={"kind": "no_words", "length": 1})
    result = ValidateSelfCheckForm().validate_self_check_answer("\U0001f937", dispatcher, tracker, domain)
    assert result == {"self_check_answer": None}
    assert dispatcher.messages[0]["text"] == prompts.SELF_CHECK_UNREADABLE


def test_self_check_summary_lists_the_answers_and_forgets_them(make_tracker, dispatcher, domain):
    answers = {s.id: "no" for s in SYMPTOMS}
    answers[SYMPTOMS[3].id] = "yes"
    answers[SYMPTOMS[4].id] = "when I climb stairs"
    tracker = make_tracker("deny", slots={"self_check_answers": answers})
    events, messages = run(ActionSelfCheckSummary(), dispatcher, tracker, domain)
    text = messages[0]["text"]
    assert f"- {SYMPTOMS[3].title}: Yes" in text
    assert f"- {SYMPTOMS[4].title}: \u201cwhen I climb stairs\u201d" in text
    assert "only a health care professional" in text
    assert "you have" not in text.lower()
    assert events == CLEARED


def test_stopping_the_self_check_clears_the_answers(make_tracker, dispatcher, domain):
    events, messages = run(ActionStopSelfCheck(), dispatcher, make_tracker("stop"), domain)
    assert messages[0]["text"] == prompts.SELF_CHECK_STOPPED
    assert events == CLEARED


def test_start_over_restarts_in_the_conversation_s_language(make_tracker, dispatcher, domain):
    tracker = make_tracker("restart", text="empezar de nuevo", slots={LANGUAGE_SLOT: "es"})
    events, messages = run(ActionRestart(), dispatcher, tracker, domain)
    assert messages[0]["text"] == prompts.STARTING_OVER
    assert events == [Restarted(), SlotSet(LANGUAGE_SLOT, "es")]


def test_the_self_check_asks_about_every_symptom_in_the_knowledge_file():
    assert [s.id for s in SYMPTOMS] == [e.id for e in KNOWLEDGE.entries_for_entity("symptom")]
    assert all(s.self_check.endswith("?") for s in SYMPTOMS)


def test_a_spanish_question_about_when_to_go_to_the_er_gets_the_warning_signs(dispatcher, make_tracker, domain):
    token = REPLY_LANGUAGE.set("es")
    try:
        tracker = make_tracker("ask_red_flags", text="¿en qué casos tengo que ir a urgencias por un dolor lumbar?")
        _, messages = run(ActionRedFlags(), dispatcher, tracker, domain)
    finally:
        REPLY_LANGUAGE.reset(token)
    text = " ".join(m.get("text") or "" for m in messages)
    for category in load_emergency_signs().categories_in("es").values():
        assert category.warning in text


def test_after_crisis_support_for_just_venting_a_later_question_is_just_a_question(make_tracker, dispatcher, domain):
    still_here = {"event": "bot", "text": prompts.CRISIS_STILL_HERE.format(crisis_line="call or text 988")}
    events = [flagged("self_harm"), action("action_emergency"), action("action_listen"), user("deny")]
    events += [still_here, action("action_listen")]
    text = "what else can I try besides injections?"
    tracker = make_tracker("ask_treatments", text=text, events=events + [user("ask_treatments")])
    _, messages = run(ActionEmergency(), dispatcher, tracker, domain)
    assert not messages[0].get("text", "").startswith(prompts.EMERGENCY_AGAIN)


def test_the_writers_own_crisis_is_spoken_to_them_though_a_relative_is_named(make_tracker, dispatcher, domain):
    text = "ya me quiero morir con este dolor, tengo la pistola de mi papá aquí en el cajón"
    signs = flagged("self_harm", "es", matched="me quiero morir")["parse_data"]["emergency_signs"]
    tracker = make_tracker("emergency", text=text, emergency_signs=signs)
    _, messages = run(ActionEmergency(), dispatcher, tracker, domain)
    assert "persona de quien escribe" not in messages[0]["text"] and "911" in messages[0]["text"]


@pytest.mark.parametrize(
    "text, stands_down",
    [
        ("nah ya se me pasa, solo quiero dormir", False),
        ("nah I'm fine, just really want to sleep now", False),
        ("no, sorry, I only took my normal dose, I misread the box", True),
        ("I didn't take them in the end, they're still in the drawer", True),
    ],
)
def test_after_an_overdose_alarm_only_a_correction_of_the_dose_stands_it_down(
    make_tracker, dispatcher, domain, text, stands_down
):
    _, messages = run(ActionEmergency(), dispatcher, after_alarm(make_tracker, "overdose", text), domain)
    assert messages[0]["text"].startswith(prompts.EMERGENCY_AGAIN) is not stands_down


def test_a_parent_keeping_their_child_safe_hears_how_to_help_her(make_tracker, dispatcher, domain):
    text = "she's calm now and safe with me tonight, we see the GP first thing tomorrow"
    _, messages = run(ActionEmergency(), dispatcher, after_alarm(make_tracker, "self_harm", text), domain)
    assert messages[0]["text"].startswith(prompts.CRISIS_HELPING_SOMEONE[:25]) and "988" in messages[0]["text"]


def test_saying_it_came_out_wrong_keeps_the_line_offered_without_the_alarm(make_tracker, dispatcher, domain):
    text = "no no, me expresé mal, quiero decir dejar los tratamientos, no de lastimarme. estoy bien."
    _, messages = run(ActionEmergency(), dispatcher, after_alarm(make_tracker, "self_harm", text, "es"), domain)
    assert messages[0]["text"].startswith(prompts_es.FIGURE_OF_SPEECH[:25])


def test_a_sign_told_of_someone_named_earlier_is_spoken_of_as_theirs(make_tracker, dispatcher, domain):
    text = "I found cuts on her arms tonight, she says it's because of the pain"
    signs = flagged("self_harm", matched="cuts on her arms")["parse_data"]["emergency_signs"]
    tracker = make_tracker("emergency", text=text, emergency_signs=signs)
    _, messages = run(ActionEmergency(), dispatcher, tracker, domain)
    assert "If the person you're writing about may act on thoughts of suicide" in messages[0]["text"]


def test_a_spanish_sign_of_ones_own_stays_the_writers(make_tracker, dispatcher, domain):
    text = "ya no le veo sentido a seguir, mi familia estaría mejor sin mí"
    signs = flagged("self_harm", "es", matched="ya no le veo sentido a seguir")["parse_data"]["emergency_signs"]
    tracker = make_tracker("emergency", text=text, emergency_signs=signs)
    _, messages = run(ActionEmergency(), dispatcher, tracker, domain)
    assert "persona de quien escribe" not in messages[0]["text"]


def test_a_sign_that_quotes_the_person_written_about_stays_theirs(make_tracker, dispatcher, domain):
    text = "My husband keeps saying 'I'm done' and I found letters he's written to each of our kids"
    matched = "I'm done' and I found letters he's written to each of our kids"
    signs = flagged("self_harm", matched=matched)["parse_data"]["emergency_signs"]
    tracker = make_tracker("emergency", text=text, emergency_signs=signs)
    _, messages = run(ActionEmergency(), dispatcher, tracker, domain)
    assert "If the person you're writing about may act on thoughts of suicide" in messages[0]["text"]


def test_a_question_for_the_emergency_team_while_help_comes_is_left_to_them(make_tracker, dispatcher, domain):
    events = [flagged("overdose", "es"), action("action_emergency"), action("action_listen"), user("affirm")]
    events += [{"event": "bot", "text": prompts_es.HELP_ON_THE_WAY}, action("action_listen")]
    text = "¿le doy agua o café para despertarla?"
    tracker = make_tracker("nlu_fallback", text=text, events=events + [user("nlu_fallback")])
    _, messages = run(ActionEmergency(), dispatcher, tracker, domain)
    assert [m["text"] for m in messages] == [prompts_es.HELP_ON_THE_WAY]


def test_a_question_after_help_was_turned_down_gets_the_advice_again_then_its_answer(make_tracker, dispatcher, domain):
    again = {"event": "bot", "text": f"{prompts.EMERGENCY_AGAIN} Please get medical help now: call 911."}
    events = [flagged("overdose"), action("action_emergency"), action("action_listen")]
    events += [{"event": "user", "text": "nah they're only ibuprofen", "parse_data": {"intent": {"name": "deny"}}}]
    events += [again, action("action_listen")]
    text = "whatever. what are the treatments?"
    tracker = make_tracker("ask_treatments", text=text, events=events + [user("ask_treatments")])
    _, messages = run(ActionEmergency(), dispatcher, tracker, domain)
    assert messages[0]["text"].startswith(prompts.EMERGENCY_AGAIN) and "911" in messages[0]["text"]
    assert KNOWLEDGE.entry("treatments").answer in " ".join(m.get("text") or "" for m in messages[1:])


@pytest.mark.parametrize(
    "text, language, wording",
    [("should I drive myself?", "en", prompts), ("¿me voy manejando?", "es", prompts_es)],
)
def test_asking_to_drive_after_urgent_advice_is_told_not_to(make_tracker, dispatcher, domain, text, language, wording):
    _, messages = run(ActionEmergency(), dispatcher, after_alarm(make_tracker, "chest_pain", text, language), domain)
    assert messages[0]["text"].startswith(wording.DONT_DRIVE.format(emergency_number="911"))


def test_turning_down_an_ambulance_after_pills_taken_in_despair_gets_the_overdose_advice_again(
    make_tracker, dispatcher, domain
):
    pills = {
        "event": "user",
        "parse_data": {
            "intent": {"name": "emergency"},
            "emergency_signs": [
                {"sign": "s", "category": "overdose", "matched": "m", "certainty": "certain", "language": "en"},
                {"sign": "s", "category": "self_harm", "matched": "m", "certainty": "certain", "language": "en"},
            ],
        },
    }
    events = [pills, action("action_emergency"), action("action_listen"), user("nlu_fallback")]
    text = "nah I don't want an ambulance, its fine"
    _, messages = run(ActionEmergency(), dispatcher, make_tracker("nlu_fallback", text=text, events=events), domain)
    assert messages[0]["text"].startswith(prompts.EMERGENCY_AGAIN) and "overdose" in messages[0]["text"]
    assert "988" in messages[1]["text"]
