"""Custom actions against Tracker fixtures and a CollectingDispatcher: messages, buttons and events."""

import json
import re

import pytest
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet

from actions import prompts
from actions.answer_actions import (
    ActionAnswerQuestion,
    ActionAnswerSource,
    ActionDeclinePersonalAdvice,
    ActionTellMore,
)
from actions.context_actions import (
    ActionAnswerComparison,
    ActionAnswerMostCommon,
    ActionClassifyOffTopic,
    ActionNotCovered,
)
from actions.fallback_actions import ActionFallback
from actions.privacy_actions import ActionPrivacyNotice
from actions.questions import QUESTION_TYPES
from actions.session_actions import ActionSessionStart
from si_joint.knowledge import load_knowledge
from si_joint.message_reading import read_message
from si_joint.site_settings import retention_days

KNOWLEDGE = load_knowledge()
PAYLOAD = re.compile(r"^/(\w+)(\{.*\})?$")


def run(action, dispatcher, tracker, domain):
    events = action.run(dispatcher, tracker, domain)
    return events, dispatcher.messages


def answer(entry_id):
    return KNOWLEDGE.entry(entry_id).answer


def ent(entity, value):
    return {"entity": entity, "value": value}


@pytest.mark.parametrize("intent", [i for i, q in QUESTION_TYPES.items() if not q.specific])
def test_each_general_question_is_answered_from_its_entry_with_source_and_buttons(
    intent, make_tracker, dispatcher, domain
):
    topic = QUESTION_TYPES[intent].topic
    events, messages = run(ActionAnswerQuestion(), dispatcher, make_tracker(intent), domain)
    assert len(messages) == 1
    text = messages[0]["text"]
    assert text.startswith(answer(topic))
    assert text.endswith("Source: " + KNOWLEDGE.citation(KNOWLEDGE.entry(topic)) + ".")
    assert 2 <= len(messages[0]["buttons"]) <= 3
    assert events == [SlotSet("last_topic", topic)]


@pytest.mark.parametrize(
    "intent, entity, value",
    [
        ("ask_cause_check", "cause", "motor_vehicle_accident"),
        ("ask_symptom_check", "symptom", "single_leg_instability"),
        ("ask_diagnosis_check", "diagnostic_method", "imaging"),
        ("ask_treatment_check", "treatment", "physical_therapy"),
    ],
)
def test_a_named_item_gets_its_own_answer(intent, entity, value, make_tracker, dispatcher, domain):
    events, messages = run(ActionAnswerQuestion(), dispatcher, make_tracker(intent, [ent(entity, value)]), domain)
    assert messages[0]["text"].startswith(answer(value))
    assert events == [SlotSet("last_topic", value)]


@pytest.mark.parametrize(
    "entity",
    [ent("cause", "prior_lumbar_fusion"), ent("treatment", "physical_therapy")],
)
def test_general_question_gets_the_overview_whatever_it_names(entity, make_tracker, dispatcher, domain):
    # "how is SI joint pain treated after a lumbar fusion? my physio said ..." asks about treatments
    tracker = make_tracker("ask_treatments", [entity])
    _, messages = run(ActionAnswerQuestion(), dispatcher, tracker, domain)
    assert messages[0]["text"].startswith(answer("treatments"))


def test_specific_question_answers_its_own_kind_first(make_tracker, dispatcher, domain):
    tracker = make_tracker("ask_treatment_check", [ent("symptom", "lower_back_pain"), ent("treatment", "pelvic_belt")])
    _, messages = run(ActionAnswerQuestion(), dispatcher, tracker, domain)
    assert messages[0]["text"].startswith(answer("pelvic_belt"))


def test_specific_question_answers_an_item_of_another_kind(make_tracker, dispatcher, domain):
    # "can it cause leg tingling?" may be read as a cause question naming a symptom
    tracker = make_tracker("ask_cause_check", [ent("symptom", "lower_extremity_pain")])
    _, messages = run(ActionAnswerQuestion(), dispatcher, tracker, domain)
    assert messages[0]["text"].startswith(answer("lower_extremity_pain"))


def test_several_named_items_get_one_answer_and_the_others_as_buttons(make_tracker, dispatcher, domain):
    tracker = make_tracker(
        "ask_cause_check", [ent("cause", "motor_vehicle_accident"), ent("cause", "cumulative_injury")]
    )
    events, messages = run(ActionAnswerQuestion(), dispatcher, tracker, domain)
    assert answer("motor_vehicle_accident") in messages[0]["text"]
    assert "Cumulative injury" in [b["title"] for b in messages[0]["buttons"]]
    assert events == [SlotSet("last_topic", "motor_vehicle_accident")]


@pytest.mark.parametrize(
    "intent, covered",
    [
        ("ask_cause_check", ["motor vehicle accident", "inflammatory arthropathy"]),
        ("ask_symptom_check", ["lower back pain", "pain going from sitting to standing"]),
        ("ask_diagnosis_check", ["imaging tests", "diagnostic injection"]),
        ("ask_treatment_check", ["physical therapy", "si joint fusion"]),
    ],
)
def test_something_the_page_does_not_cover_gets_an_honest_answer(intent, covered, make_tracker, dispatcher, domain):
    # "can gardening cause it?": no entity the knowledge file knows
    _, messages = run(ActionAnswerQuestion(), dispatcher, make_tracker(intent, text="can gardening cause it"), domain)
    text = messages[0]["text"]
    assert text.startswith("I couldn't find that in what the page says about")
    assert "the page doesn't say" in text
    assert "health care professional" in text
    for title in covered:
        assert title in text
    assert messages[0]["buttons"], "offers what it does cover"


def test_pregnancy_is_said_to_be_missing_from_the_page_then_the_overview(make_tracker, dispatcher, domain):
    tracker = make_tracker("ask_cause_check", text="can pregnancy cause it")
    _, messages = run(ActionAnswerQuestion(), dispatcher, tracker, domain)
    assert messages[0]["text"].startswith("The page doesn't say anything about SI joint pain in pregnancy")
    assert answer("causes") in messages[1]["text"]


def test_a_question_that_names_a_treatment_only_to_leave_it_out_gets_the_overview(make_tracker, dispatcher, domain):
    # "what are the options other than surgery?": the extractor lists fusion apart, as excluded
    tracker = make_tracker(
        "ask_treatment_check", text="what are the options other than surgery", excluded_entries=["si_joint_fusion"]
    )
    _, messages = run(ActionAnswerQuestion(), dispatcher, tracker, domain)
    assert answer("treatments") in messages[0]["text"]


def test_the_actions_read_the_whole_message_not_the_classifiers_text(make_tracker, dispatcher, domain):
    # The classifier may read a story's question alone; what else it asks is in the whole message.
    whole = "My insurance is awful. What are the treatments, and how much do they cost?"
    tracker = make_tracker("ask_treatments", text="What are the treatments?", full_text=whole)
    _, messages = run(ActionAnswerQuestion(), dispatcher, tracker, domain)
    assert messages[0]["text"].startswith("The page doesn't say anything about costs")


def test_two_plain_questions_in_one_message_are_both_answered(make_tracker, dispatcher, domain):
    tracker = make_tracker("ask_causes", text="hey, 2 qs: where is the si joint and what causes pain there?")
    _, messages = run(ActionAnswerQuestion(), dispatcher, tracker, domain)
    said = " ".join(m.get("text") or "" for m in messages)
    assert answer("causes") in said and answer("si_joint") in said


def test_is_this_my_si_joint_and_can_it_wait_says_when_to_get_help_first(make_tracker, dispatcher, domain):
    text = "my butt and groin ache, sitting is the worst. is this my SI joint?? can it wait till my appt in 6 weeks"
    tracker = make_tracker("ask_personal_advice", [ent("symptom", "pelvis_buttock_pain")], text=text)
    _, messages = run(ActionDeclinePersonalAdvice(), dispatcher, tracker, domain)
    assert messages[0]["text"].startswith("I can't tell you whether this can wait.") and "911" in messages[0]["text"]
    assert "I can't assess your situation" in messages[0]["text"]
    assert answer("pelvis_buttock_pain") in messages[1]["text"]


def test_an_entity_value_the_knowledge_does_not_know_is_not_covered(make_tracker, dispatcher, domain):
    tracker = make_tracker("ask_cause_check", [ent("cause", "pregnancy")])
    _, messages = run(ActionAnswerQuestion(), dispatcher, tracker, domain)
    assert messages[0]["text"].startswith("I couldn't find that in what the page says about")


def test_source_of_the_figure_without_context(make_tracker, dispatcher, domain):
    tracker = make_tracker("ask_source", text="which study is that figure from")
    _, messages = run(ActionAnswerSource(), dispatcher, tracker, domain)
    assert messages[0]["text"].startswith(answer("source_of_figure"))


def test_sources_in_general_without_context(make_tracker, dispatcher, domain):
    tracker = make_tracker("ask_source", text="where does your info come from")
    _, messages = run(ActionAnswerSource(), dispatcher, tracker, domain)
    assert messages[0]["text"] == (
        "My answers come from " + KNOWLEDGE.sources["si_joint_page"] + " and " + KNOWLEDGE.sources["weksler_2007"] + "."
    )


def test_source_of_the_last_answer(make_tracker, dispatcher, domain):
    tracker = make_tracker("ask_source", text="where is that from", slots={"last_topic": "symptoms"})
    events, messages = run(ActionAnswerSource(), dispatcher, tracker, domain)
    assert messages[0]["text"] == (
        "My answer about symptoms of si joint pain comes from " + KNOWLEDGE.sources["si_joint_page"] + "."
    )
    assert events == []


def test_asking_for_the_study_wins_over_context(make_tracker, dispatcher, domain):
    tracker = make_tracker("ask_source", text="which study is the 30% from", slots={"last_topic": "symptoms"})
    _, messages = run(ActionAnswerSource(), dispatcher, tracker, domain)
    assert "Weksler" in messages[0]["text"]


def test_tell_me_more_gives_the_details(make_tracker, dispatcher, domain):
    tracker = make_tracker("ask_more", slots={"last_topic": "diagnosis"})
    _, messages = run(ActionTellMore(), dispatcher, tracker, domain)
    assert messages[0]["text"].startswith(KNOWLEDGE.entry("diagnosis").details)
    assert messages[0]["buttons"]


def test_tell_me_more_when_the_page_has_nothing_more(make_tracker, dispatcher, domain):
    tracker = make_tracker("ask_more", slots={"last_topic": "pelvic_belt"})
    _, messages = run(ActionTellMore(), dispatcher, tracker, domain)
    assert messages[0]["text"].startswith("That's all the information I have about pelvic belt.")


def test_tell_me_more_without_a_topic_asks_for_one(make_tracker, dispatcher, domain):
    _, messages = run(ActionTellMore(), dispatcher, make_tracker("ask_more"), domain)
    assert messages == [dict(messages[0], response="utter_ask_topic")]


def test_implants_link_only_when_configured(make_tracker, dispatcher, domain, monkeypatch):
    monkeypatch.setenv("SI_IMPLANTS_URL", "")
    _, messages = run(ActionAnswerQuestion(), dispatcher, make_tracker("ask_implants"), domain)
    assert "http" not in messages[0]["text"]
    assert "Alevio" in messages[0]["text"]


def test_implants_link_from_configuration(make_tracker, dispatcher, domain, monkeypatch):
    monkeypatch.setenv("SI_IMPLANTS_URL", "https://example.org/si-joint-fusion")
    _, messages = run(ActionAnswerQuestion(), dispatcher, make_tracker("ask_implants"), domain)
    assert "Learn more: https://example.org/si-joint-fusion" in messages[0]["text"]


def test_a_configured_link_that_is_not_a_web_address_is_ignored(make_tracker, dispatcher, domain, monkeypatch):
    monkeypatch.setenv("SI_IMPLANTS_URL", "javascript:alert(1)")
    _, messages = run(ActionAnswerQuestion(), dispatcher, make_tracker("ask_implants"), domain)
    assert "javascript" not in messages[0]["text"]


def test_conversation_starts_with_the_disclaimer(make_tracker, dispatcher, domain):
    events, messages = run(ActionSessionStart(), dispatcher, make_tracker("greet"), domain)
    assert [m["response"] for m in messages] == ["utter_disclaimer"]
    assert events == [SessionStarted(), SlotSet("language", "en"), ActionExecuted("action_listen")]
    disclaimer = domain["responses"]["utter_disclaimer"][0]["text"]
    assert "automated educational assistant" in disclaimer and "emergency" in disclaimer


def test_every_button_payload_asks_a_known_intent_about_a_known_entry(make_tracker, domain):
    from actions.replies import related_buttons

    for entry in KNOWLEDGE.entries.values():
        for button in related_buttons(KNOWLEDGE, [entry]):
            intent, entities = PAYLOAD.match(button["payload"]).groups()
            assert intent in domain["intents"]
            for entity, value in json.loads(entities or "{}").items():
                assert entity in domain["entities"]
                assert KNOWLEDGE.entry(value).entity == entity


def test_every_answer_fits_a_chat_bubble(make_tracker, domain):
    from actions.replies import answer_message

    for entry in KNOWLEDGE.entries.values():
        message = answer_message(KNOWLEDGE, [entry])
        shown = message["text"] + "".join(b["title"] for b in message["buttons"])
        assert len(shown) <= 900, entry.id


def test_every_knowledge_intent_has_a_question_type_and_every_topic_exists(domain):
    asked = {i for i in domain["intents"] if i.startswith("ask_")}
    handled_elsewhere = {
        "ask_more",
        "ask_capabilities",
        "ask_disclaimer",
        "ask_personal_advice",
        "ask_not_covered",
        "ask_human",
        "ask_privacy",
        "ask_most_common",
        "ask_red_flags",
        "ask_list_item",
    }
    assert asked - handled_elsewhere == set(QUESTION_TYPES)
    for question in QUESTION_TYPES.values():
        assert question.topic in KNOWLEDGE.entries


def test_fallback_answers_a_question_about_what_it_names_without_doubt(make_tracker, dispatcher, domain):
    text = "can si joint cause hip pain"
    named = [{**ent("symptom", "hip_groin_pain"), "start": 20, "end": 27}]
    events, messages = run(ActionFallback(), dispatcher, make_tracker("nlu_fallback", named, text=text), domain)
    assert messages[0]["text"].startswith(answer("hip_groin_pain"))
    assert events == [SlotSet("last_topic", "hip_groin_pain")]


def test_fallback_answers_what_the_patient_named(make_tracker, dispatcher, domain):
    tracker = make_tracker("nlu_fallback", [ent("symptom", "disturbed_sleep")], text="is sleep bad with it")
    events, messages = run(ActionFallback(), dispatcher, tracker, domain)
    assert messages[0]["text"].startswith("I'm not sure I understood")
    assert messages[1]["text"].startswith(answer("disturbed_sleep"))
    assert events == [SlotSet("last_topic", "disturbed_sleep")]


def test_declining_advice_explains_the_named_items_in_one_reply(make_tracker, dispatcher, domain):
    tracker = make_tracker("ask_personal_advice", [ent("symptom", "hip_groin_pain")], text="is my groin pain my SI?")
    events, messages = run(ActionDeclinePersonalAdvice(), dispatcher, tracker, domain)
    decline, message = messages
    assert decline == {"text": prompts.CANNOT_ADVISE_TREATMENT, **{k: v for k, v in decline.items() if k != "text"}}
    assert not decline.get("buttons") and message["text"].startswith(answer("hip_groin_pain"))
    assert events == [SlotSet("last_topic", "hip_groin_pain")]


def test_declining_advice_names_medicines_only_when_the_patient_asks_about_one(make_tracker, dispatcher, domain):
    text = "should I take ibuprofen for my groin pain?"
    tracker = make_tracker("ask_personal_advice", [ent("symptom", "hip_groin_pain")], text=text)
    _, messages = run(ActionDeclinePersonalAdvice(), dispatcher, tracker, domain)
    assert messages[0]["text"] == prompts.CANNOT_ADVISE


@pytest.mark.parametrize(
    "text, lead",
    [
        ("should i use ice or heat", "The page doesn't say anything about exercises"),
        ("is it safe for me to get a second injection", "The page doesn't say anything about the risks"),
    ],
)
def test_declining_advice_says_first_what_the_page_does_not_say(text, lead, make_tracker, dispatcher, domain):
    _, messages = run(ActionDeclinePersonalAdvice(), dispatcher, make_tracker("ask_personal_advice", text=text), domain)
    assert messages[0]["text"].startswith(lead) and prompts.CANNOT_ASSESS in messages[0]["text"]


def test_declining_advice_with_nothing_named_is_the_full_refusal(make_tracker, dispatcher, domain):
    events, messages = run(ActionDeclinePersonalAdvice(), dispatcher, make_tracker("ask_personal_advice"), domain)
    assert (events, [m.get("response") for m in messages]) == ([], ["utter_cannot_advise"])


# --- Context: follow-ups, comparisons, not covered, off topic -------------------------------------


def user_event(intent):
    return {"event": "user", "parse_data": {"intent": {"name": intent}}}


def test_first_unclear_message_does_not_say_still(make_tracker, dispatcher, domain):
    tracker = make_tracker("nlu_fallback", events=[user_event("nlu_fallback")])
    _, messages = run(ActionFallback(), dispatcher, tracker, domain)
    assert "say it another way" in messages[0]["text"]
    assert "still" not in messages[0]["text"]


def test_second_unclear_message_says_still(make_tracker, dispatcher, domain):
    events = [user_event("nlu_fallback"), {"event": "action", "name": "action_fallback"}, user_event("nlu_fallback")]
    _, messages = run(ActionFallback(), dispatcher, make_tracker("nlu_fallback", events=events), domain)
    assert messages[0]["text"].startswith("Sorry, I still didn't understand")


@pytest.mark.parametrize(
    ("text", "kind", "said"),
    [
        ("can you give me your recipe for chili?", "general", "that's not something I can help with"),
        ("my wisdom tooth hurts, what do I take?", "medical", "please ask a health care professional"),
    ],
)
def test_a_question_the_classifier_guesses_out_of_scope_hears_so_not_a_request_to_rephrase(
    make_tracker, dispatcher, domain, text, kind, said
):
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.4},
        {"name": "ask_personal_advice", "confidence": 0.39},
        {"name": "out_of_scope", "confidence": 0.3},
    ]
    tracker = make_tracker("nlu_fallback", text=text, intent_ranking=ranking)
    events, messages = run(ActionFallback(), dispatcher, tracker, domain)
    assert len(messages) == 1 and said in " ".join(messages[0]["text"].split()) and messages[0]["buttons"]
    assert events == [SlotSet("off_topic", kind)]


def test_fallbacks_of_an_earlier_session_do_not_count(make_tracker, dispatcher, domain):
    events = [
        user_event("nlu_fallback"),
        {"event": "action", "name": "action_fallback"},
        {"event": "session_started"},
        user_event("nlu_fallback"),
    ]
    _, messages = run(ActionFallback(), dispatcher, make_tracker("nlu_fallback", events=events), domain)
    assert "still" not in messages[0]["text"]


@pytest.mark.parametrize(
    "text, other",
    [
        ("is si joint pain the same as sciatica", "sciatica"),
        ("si joint vs a herniated disc", "herniated"),
        ("how is it different from a hip problem", "hip"),
        ("does it mimic other things", "other conditions"),
    ],
)
def test_a_comparison_is_answered_from_the_page_and_names_what_was_compared(
    text, other, make_tracker, dispatcher, domain
):
    events, messages = run(ActionAnswerComparison(), dispatcher, make_tracker("ask_comparison", text=text), domain)
    reply = messages[0]["text"]
    assert other in reply.split("Here is what it does say:")[0]
    assert answer("other_sources_of_pain") in reply
    assert "I can only help" not in reply
    assert events == [SlotSet("last_topic", "other_sources_of_pain")]


def test_a_comparison_with_a_listed_symptom_adds_that_symptom(make_tracker, dispatcher, domain):
    tracker = make_tracker("ask_comparison", [ent("symptom", "hip_groin_pain")], text="hip or si joint?")
    _, messages = run(ActionAnswerComparison(), dispatcher, tracker, domain)
    offered = messages[0]["text"] + json.dumps(messages[0].get("buttons") or [])
    assert answer("hip_groin_pain") in offered or "hip_groin_pain" in offered


@pytest.mark.parametrize(
    "last_topic, group",
    [
        ("causes", "causes of si joint pain"),
        ("motor_vehicle_accident", "causes of si joint pain"),
        ("symptoms", "symptoms of si joint pain"),
        ("physical_therapy", "treatment options"),
    ],
)
def test_which_one_is_most_common_says_the_page_does_not_rank_that_list(
    last_topic, group, make_tracker, dispatcher, domain
):
    tracker = make_tracker("ask_most_common", text="which one happens most?", slots={"last_topic": last_topic})
    _, messages = run(ActionAnswerMostCommon(), dispatcher, tracker, domain)
    reply = messages[0]["text"]
    assert group in reply and "without ranking them" in reply
    assert not any(e.answer in reply for e in KNOWLEDGE.entries.values())
    assert messages[0]["buttons"]


def test_which_one_is_most_common_without_context(make_tracker, dispatcher, domain):
    tracker = make_tracker("ask_most_common", text="which is most common")
    _, messages = run(ActionAnswerMostCommon(), dispatcher, tracker, domain)
    assert "doesn't rank" in messages[0]["text"]


def test_will_that_make_the_pain_go_away_after_a_treatment(make_tracker, dispatcher, domain):
    tracker = make_tracker(
        "ask_not_covered", text="will that make the pain go away?", slots={"last_topic": "physical_therapy"}
    )
    events, messages = run(ActionNotCovered(), dispatcher, tracker, domain)
    reply = " ".join(m["text"] for m in messages)
    assert reply.startswith("The page doesn't say how well physical therapy works")
    assert answer("treatment_relief") in reply
    assert answer("physical_therapy") not in reply  # never the previous answer again


def test_not_covered_names_the_topic_in_question(make_tracker, dispatcher, domain):
    tracker = make_tracker("ask_not_covered", text="how long does it take", slots={"last_topic": "si_joint_fusion"})
    _, messages = run(ActionNotCovered(), dispatcher, tracker, domain)
    assert messages[0]["text"].startswith("The page doesn't say how long SI joint fusion takes")
    assert answer("si_joint_fusion") not in " ".join(m["text"] for m in messages)


def test_not_covered_without_context_is_the_general_reply(make_tracker, dispatcher, domain):
    _, messages = run(ActionNotCovered(), dispatcher, make_tracker("ask_not_covered", text="who invented it"), domain)
    assert messages[0]["response"] == "utter_not_covered"


def test_a_question_whether_it_runs_in_families_hears_that_the_page_does_not_say(make_tracker, dispatcher, domain):
    _, messages = run(ActionNotCovered(), dispatcher, make_tracker("ask_not_covered", text="is it hereditary"), domain)
    assert messages[0]["text"].startswith("The page doesn't say whether SI joint problems run in families")


def test_is_that_a_major_surgery_says_what_the_page_says():
    assert "minimally invasive" in answer("fusion_surgery_type")
    assert QUESTION_TYPES["ask_fusion_surgery"].topic == "fusion_surgery_type"
    assert answer("fusion_surgery_type") != answer("si_joint_fusion")


@pytest.mark.parametrize(
    "text, kind",
    [
        ("what's good for a cough", "medical"),
        ("my elbow hurts", "medical"),
        ("how do I treat a sore throat", "medical"),
        ("what is sciatica", "medical"),
        ("tell me a joke", "general"),
        ("what's the weather going to be like", "general"),
        ("how do I bake bread", "general"),
        ("can you help me with my taxes", "general"),
        ("my old labrador's back legs keep giving out, is it her SI joint?", "animal"),
        ("mi gata tiene la cadera mal, ¿los gatos tienen articulación sacroilíaca?", "animal"),
        ("my horse threw me last year and my SI joint still hurts", "medical"),
    ],
)
def test_off_topic_messages_are_sorted_into_medical_and_general(text, kind, make_tracker, dispatcher, domain):
    events, messages = run(ActionClassifyOffTopic(), dispatcher, make_tracker("out_of_scope", text=text), domain)
    assert events == [SlotSet("off_topic", kind)] and messages == []


def test_off_topic_replies_both_state_the_scope_but_only_the_medical_one_points_to_a_professional(domain):
    animal, animal_es, general, medical, general_es, medical_es = domain["responses"]["utter_out_of_scope"]
    # An animal: the page is about people; a vet, in the conversation's language.
    assert [c["value"] for c in animal["condition"]] == ["animal", "en"] and "vet" in animal["text"]
    assert [c["value"] for c in animal_es["condition"]] == ["animal", "es"] and "veterinario" in animal_es["text"]
    spanish = {"type": "slot", "name": "language", "value": "es"}
    assert general["condition"] == [
        {"type": "slot", "name": "off_topic", "value": "general"},
        {**spanish, "value": "en"},
    ]
    for variant in (general, medical):
        assert "I can only help with questions about the sacroiliac (SI) joint" in variant["text"]
    assert "health care professional" in medical["text"] and "health care professional" not in general["text"]
    # In Spanish, one variation for each kind, so a Spanish conversation never hears the English ones.
    assert general_es["condition"] == [general["condition"][0], spanish]
    assert medical_es["condition"] == [{"type": "slot", "name": "off_topic", "value": "medical"}, spanish]
    assert "profesional de la salud" in medical_es["text"] and "profesional de la salud" not in general_es["text"]


def test_feelings_get_kindness_not_a_refusal(domain):
    text = domain["responses"]["utter_empathy"][0]["text"]
    assert text.startswith("I'm sorry you're going through this")
    assert "can't tell whether you have" not in text


def test_the_same_answer_is_never_given_twice_in_a_row(make_tracker, dispatcher, domain):
    events = [
        user_event("ask_diagnosis"),
        {"event": "action", "name": "action_answer_question"},
        {"event": "action", "name": "action_listen"},
        user_event("ask_diagnosis"),
    ]
    tracker = make_tracker(
        "ask_diagnosis", text="how can I tell for sure?", slots={"last_topic": "diagnosis"}, events=events
    )
    _, messages = run(ActionAnswerQuestion(), dispatcher, tracker, domain)
    assert answer("diagnosis") not in messages[0]["text"]
    assert messages[0]["text"].startswith(KNOWLEDGE.entry("diagnosis").details)


def test_asked_again_without_details_the_answer_is_confirmed_as_all_the_page_says(make_tracker, dispatcher, domain):
    events = [
        user_event("ask_prevalence"),
        {"event": "action", "name": "action_answer_question"},
        {"event": "action", "name": "action_listen"},
        user_event("ask_prevalence"),
    ]
    tracker = make_tracker(
        "ask_prevalence",
        text="so basically one in three back pains?",
        slots={"last_topic": "prevalence"},
        events=events,
    )
    assert not KNOWLEDGE.entry("prevalence").details
    _, messages = run(ActionAnswerQuestion(), dispatcher, tracker, domain)
    assert messages[0]["text"].startswith("That's all the page says about")
    assert "30%" in messages[0]["text"] and "Weksler" in messages[0]["text"]


def test_the_same_topic_later_in_the_conversation_is_answered_again(make_tracker, dispatcher, domain):
    events = [
        user_event("ask_diagnosis"),
        {"event": "action", "name": "action_answer_question"},
        user_event("thanks"),
        {"event": "action", "name": "utter_thanks"},
        user_event("ask_diagnosis"),
    ]
    tracker = make_tracker("ask_diagnosis", slots={"last_topic": "diagnosis"}, events=events)
    _, messages = run(ActionAnswerQuestion(), dispatcher, tracker, domain)
    assert messages[0]["text"].startswith(answer("diagnosis"))


@pytest.mark.parametrize("languages, opening", [("en", "Si usted o alguien tiene una emergencia"), ("en es", "Claro")])
def test_asking_for_spanish_is_acknowledged_only_when_spanish_is_served(
    make_tracker, dispatcher, domain, monkeypatch, languages, opening
):
    from si_joint.conversation_language import REPLY_LANGUAGE

    monkeypatch.setenv("SI_LANGUAGES", languages)
    problem = {"kind": "spanish", "length": 20} if languages == "en" else None
    tracker = make_tracker("nlu_fallback", text="en español por favor", input_problem=problem)
    token = REPLY_LANGUAGE.set("es" if " es" in languages else "en")
    try:
        messages = run(ActionFallback(), dispatcher, tracker, domain)[1]
    finally:
        REPLY_LANGUAGE.reset(token)
    assert messages[0]["text"].startswith(opening), messages[0]["text"]


@pytest.mark.parametrize(
    "text, answer",
    [
        ("will my doctor see this chat?", "PRIVACY_WHO_SEES"),
        ("will my employer find out?", "PRIVACY_WHO_SEES"),
        ("does my doctor get a copy of this?", "PRIVACY_WHO_SEES"),
        ("do you use my messages to train your AI", "PRIVACY_TRAINING"),
        ("can you pull up my MRI results from the hospital", "PRIVACY_RECORDS"),
        ("what do you keep about me?", None),
    ],
)
def test_a_privacy_question_with_an_answer_of_its_own_gets_it_before_the_notice(
    make_tracker, dispatcher, domain, text, answer
):
    ActionPrivacyNotice().run(dispatcher, make_tracker("ask_privacy", text=text), domain)
    said = [m["text"] for m in dispatcher.messages]
    notice = prompts.PRIVACY_NOTICE.format(days=retention_days())
    assert said[: 2 if answer else 1] == ([getattr(prompts, answer)] if answer else []) + [notice]


def test_a_question_about_what_a_doctor_can_see_in_the_body_is_no_privacy_question():
    assert read_message("can my doctor see if I have SI joint dysfunction?").privacy_question is None
    assert not read_message("can they see it on an MRI?").asks_privacy


@pytest.mark.parametrize("text", ["can you speak Hindi?", "what languages do you speak?"])
def test_a_question_about_languages_is_answered_with_the_languages_served(make_tracker, dispatcher, domain, text):
    tracker = make_tracker("nlu_fallback", text=text, events=[user_event("nlu_fallback")])
    _, messages = run(ActionFallback(), dispatcher, tracker, domain)
    assert messages[0]["text"].startswith("I answer in English and Spanish")
