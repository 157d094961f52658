"""Replies built from what a message contains (actions/composed_replies.py), through the actions:
their own case, what the page doesn't say, "can it wait?", list follow-ups, calibrated alarms."""

import pytest
from rasa_sdk.events import ActionExecuted, SlotSet, UserUttered

from actions import prompts
from actions.answer_actions import ActionAnswerQuestion
from actions.composed_replies import asks_off_page, composed_messages
from actions.context_actions import ActionAnswerListItem, ActionNotCovered
from actions.fallback_actions import ActionFallback
from actions.safety_actions import ActionEmergency
from si_joint.knowledge import load_knowledge
from si_joint.message_reading import read_message
from si_joint.reply_rules import turn_violations

KNOWLEDGE = load_knowledge()


def ent(entity, value):
    return {"entity": entity, "value": value}


def texts(dispatcher):
    return [m.get("text") or "" for m in dispatcher.messages]


def test_an_own_case_question_says_it_cannot_assess_then_what_the_page_says(make_tracker, dispatcher, domain):
    tracker = make_tracker(
        "ask_symptom_check",
        [ent("symptom", "pelvis_buttock_pain")],
        text="I've had pain in my left buttock for months, could this be my SI joint?",
    )
    events = ActionAnswerQuestion().run(dispatcher, tracker, domain)
    lead, answer = texts(dispatcher)
    assert lead.startswith(prompts.CANNOT_ASSESS) and prompts.WHO_TO_ASK in lead
    assert answer.startswith(KNOWLEDGE.entry("pelvis_buttock_pain").answer)
    assert events == [SlotSet("last_topic", "pelvis_buttock_pain")]
    assert turn_violations(dispatcher.messages) == []


def test_a_general_question_is_answered_as_before(make_tracker, dispatcher, domain):
    ActionAnswerQuestion().run(dispatcher, make_tracker("ask_treatments", text="what are the treatments"), domain)
    assert texts(dispatcher)[0].startswith(KNOWLEDGE.entry("treatments").answer)


def test_an_aspect_the_page_does_not_answer_is_said_first(make_tracker, dispatcher, domain):
    tracker = make_tracker(
        "ask_treatment_check",
        [ent("treatment", "physical_therapy")],
        text="how long does physical therapy take to work?",
    )
    ActionAnswerQuestion().run(dispatcher, tracker, domain)
    lead, answer = texts(dispatcher)
    assert lead.startswith("The page doesn't say how long physical therapy takes")
    assert answer.startswith(prompts.WHAT_THE_PAGE_SAYS + " " + KNOWLEDGE.entry("physical_therapy").answer)


def test_medicines_name_a_pharmacist(make_tracker, dispatcher, domain):
    tracker = make_tracker("ask_not_covered", text="is it safe to take ibuprofen every day for my SI pain?")
    ActionNotCovered().run(dispatcher, tracker, domain)
    assert prompts.WHO_TO_ASK_MEDICINES in texts(dispatcher)[0]


def test_can_it_wait_gets_the_signs_that_cannot(make_tracker, dispatcher, domain):
    tracker = make_tracker(
        "nlu_fallback", text="my back and hip have hurt for a week, can it wait until my appointment?"
    )
    ActionFallback().run(dispatcher, tracker, domain)
    lead = texts(dispatcher)[0]
    assert lead.startswith("I can't tell you whether this can wait.") and "bladder or bowel" in lead
    assert prompts.CANNOT_ASSESS in lead


def test_an_unclear_story_about_their_case_is_not_a_menu(make_tracker, dispatcher, domain):
    tracker = make_tracker(
        "nlu_fallback", text="my mum is 70 and has had this ache for ages, she's fed up, what do we do"
    )
    ActionFallback().run(dispatcher, tracker, domain)
    lead, answer = texts(dispatcher)
    assert lead.startswith(prompts.CANNOT_ASSESS)
    assert answer.startswith(KNOWLEDGE.entry("other_sources_of_pain").answer)
    assert not any(
        m.get("buttons") and prompts.DID_YOU_MEAN_QUESTION in (m.get("text") or "") for m in dispatcher.messages
    )


def test_the_second_one_is_the_second_item_of_the_last_list(make_tracker, dispatcher, domain):
    tracker = make_tracker("ask_list_item", text="the second one", slots={"last_topic": "symptoms"}, list_position=2)
    events = ActionAnswerListItem().run(dispatcher, tracker, domain)
    second = KNOWLEDGE.entries_for_entity("symptom")[1]
    assert texts(dispatcher)[0].startswith(second.answer)
    assert events == [SlotSet("last_topic", second.id)]


def test_the_next_item_follows_from_an_item(make_tracker, dispatcher, domain):
    first = KNOWLEDGE.entries_for_entity("treatment")[0]
    tracker = make_tracker("ask_list_item", text="and the third?", slots={"last_topic": first.id}, list_position=3)
    ActionAnswerListItem().run(dispatcher, tracker, domain)
    assert texts(dispatcher)[0].startswith(KNOWLEDGE.entries_for_entity("treatment")[2].answer)


def test_an_item_past_the_end_or_without_a_list_is_asked_about(make_tracker, dispatcher, domain):
    ActionAnswerListItem().run(
        dispatcher,
        make_tracker("ask_list_item", text="the 8th", slots={"last_topic": "causes"}, list_position=8),
        domain,
    )
    assert texts(dispatcher)[0].startswith("The page lists 5 causes of SI joint pain.")
    dispatcher.messages.clear()
    ActionAnswerListItem().run(
        dispatcher, make_tracker("ask_list_item", text="the second one", list_position=2), domain
    )
    assert texts(dispatcher)[0] == prompts.WHICH_LIST


CHEST = [{"sign": "chest_pain", "category": "chest_pain", "matched": "chest pain", "certainty": "certain"}]


def test_help_already_coming_is_not_told_to_call(make_tracker, dispatcher, domain):
    tracker = make_tracker(
        "emergency", text="my dad has chest pain, the ambulance is on its way", emergency_signs=CHEST
    )
    ActionEmergency().run(dispatcher, tracker, domain)
    (reply,) = texts(dispatcher)
    assert reply.startswith("Getting emergency help is the right thing to do") and "call 911" not in reply.lower()
    assert "Follow what the emergency team tells you" in reply


SADDLE = [{"sign": "saddle_numbness", "category": "cauda_equina", "language": "en"}]


@pytest.mark.parametrize(
    "intent, text, parse_data, opening",
    [
        (
            "emergency",
            "can SI pain cause chest pain? just asking in general, I'm fine",
            {
                "emergency_signs": CHEST,
                "intent_ranking": [
                    {"name": "emergency", "confidence": 1.0},
                    {"name": "ask_symptoms", "confidence": 0.5},
                ],
            },
            "If you, or the person you're writing about, have chest pain",
        ),
        # A sign the question only names: the intent stays the question's; no number, no alarm.
        (
            "ask_symptoms",
            "what are the symptoms? I don't have numbness in the groin",
            {"mentioned_signs": SADDLE},
            "If you ever have new loss of bladder",
        ),
    ],
)
def test_a_sign_asked_about_gets_one_conditional_line_then_the_answer(
    make_tracker, dispatcher, domain, intent, text, parse_data, opening
):
    ActionEmergency().run(dispatcher, make_tracker(intent, text=text, **parse_data), domain)
    first, answer = texts(dispatcher)
    assert first.startswith(opening)
    assert answer.startswith(KNOWLEDGE.entry("symptoms").answer)


def test_a_fall_already_checked_gets_one_conditional_line_and_the_answer(make_tracker, dispatcher, domain):
    fall = [{"sign": "major_accident_or_fall", "category": "major_trauma", "certainty": "certain"}]
    tracker = make_tracker(
        "emergency",
        text="Slipped on two steps last week, my GP checked and said bruising. So what is the SI joint exactly?",
        emergency_signs=fall,
        intent_ranking=[
            {"name": "emergency", "confidence": 1.0},
            {"name": "ask_treatments", "confidence": 0.5},
            {"name": "ask_si_joint", "confidence": 0.2},
        ],
    )
    ActionEmergency().run(dispatcher, tracker, domain)
    first, answer = texts(dispatcher)[:2]
    assert first.startswith("I'm glad it doesn't look serious so far.")
    assert "new loss of bladder or bowel control" in first
    # The question sentence names its kind, which the classifier ranks too, if not first.
    assert answer.startswith(KNOWLEDGE.entry("si_joint").answer)
    tracker = make_tracker("emergency", text="fell down the stairs, my leg went weak", emergency_signs=fall)
    ActionEmergency().run(dispatcher, tracker, domain)
    assert texts(dispatcher)[-1].startswith("Please get medical help now")


def test_a_fever_a_doctor_already_checked_gets_what_to_watch_for_not_the_alarm(make_tracker, dispatcher, domain):
    fever = [{"sign": "fever_or_chills", "category": "infection", "certainty": "certain"}]
    text = (
        "I had chills for a day after my shot last week, my doctor checked me and everything was fine. Is that normal?"
    )
    ActionEmergency().run(dispatcher, make_tracker("emergency", text=text, emergency_signs=fever), domain)
    first = texts(dispatcher)[0]
    assert first.startswith("I'm glad it doesn't look serious so far.") and "fever or chills" in first
    tracker = make_tracker("emergency", text="I have chills and my back is on fire", emergency_signs=fever)
    ActionEmergency().run(dispatcher, tracker, domain)
    assert texts(dispatcher)[-1].startswith("Please get medical help now")


def test_a_sign_that_is_over_gets_one_line_then_the_question_framed_as_their_case(make_tracker, dispatcher, domain):
    fever = [{"sign": "fever_or_chills", "category": "infection", "certainty": "certain"}]
    text = "had a fever last week with a cold, it's gone now. could a cold cause back pain?"
    ActionEmergency().run(dispatcher, make_tracker("emergency", text=text, emergency_signs=fever), domain)
    first, lead = texts(dispatcher)[:2]
    assert first.startswith("If you ever have a fever or chills with back pain, get medical help right away")
    assert prompts.CANNOT_ASSESS in lead


@pytest.mark.parametrize(
    "text, calm",
    [
        ("had a fever last week with a cold, it's gone now. could a cold cause back pain?", True),
        # A check that found nothing is not said: the surgery is no check of the breathing.
        ("me cuesta mucho respirar y me operaron de la sacroiliaca la semana pasada", False),
        ("my GP saw me last month for my back, now I have a fever and chills", False),
    ],
)
def test_a_sign_that_is_over_or_was_found_fine_is_calm_and_any_other_gets_the_alarm(
    text, calm, make_tracker, dispatcher, domain
):
    category = "chest_pain" if "respirar" in text else "infection"
    signs = [{"sign": "some_sign", "category": category, "certainty": "certain"}]
    ActionEmergency().run(dispatcher, make_tracker("emergency", text=text, emergency_signs=signs), domain)
    first = texts(dispatcher)[0]
    alarm = first.startswith(("Please get medical help now", "Busque ayuda médica ahora"))
    assert alarm is not calm, first


def after_alarm(text, first="my legs went weak and I can't hold my pee", category="cauda_equina"):
    return [
        UserUttered(
            first,
            parse_data={
                "intent": {"name": "emergency", "confidence": 1.0},
                "emergency_signs": [{"sign": "x", "category": category, "certainty": "certain"}],
            },
        ),
        ActionExecuted("action_emergency"),
        UserUttered(text, parse_data={"intent": {"name": "deny"}}),
    ]


def test_a_correction_after_the_alarm_stands_it_down(make_tracker, dispatcher, domain):
    text = "no, that was 6 months ago"
    ActionEmergency().run(dispatcher, make_tracker("deny", text=text, events=after_alarm(text)), domain)
    (reply,) = texts(dispatcher)
    assert reply.startswith("Thanks for correcting me.") and "If you ever have new loss of bladder" in reply


def test_a_short_reply_to_the_alarm_gets_it_again(make_tracker, dispatcher, domain):
    text = "what do i do"
    ActionEmergency().run(dispatcher, make_tracker("unsure", text=text, events=after_alarm(text)), domain)
    assert texts(dispatcher)[0].startswith(prompts.EMERGENCY_AGAIN)


def test_venting_after_crisis_support_is_met_kindly_with_the_line_still_offered(make_tracker, dispatcher, domain):
    text = "I'm not going to do anything, I'm just venting"
    events = after_alarm(text, "sometimes I think everyone would be better off without me", "self_harm")
    ActionEmergency().run(dispatcher, make_tracker("deny", text=text, events=events), domain)
    (reply,) = texts(dispatcher)
    assert reply.startswith("Thank you for telling me") and "988" in reply
    assert not reply.startswith(prompts.EMERGENCY_AGAIN)


def test_a_fever_last_week_is_a_correction():
    from si_joint.message_reading import read_message

    assert read_message("no the fever was last week, it's gone").correction
    assert read_message("the chest pain is from coughing, I saw my doctor").correction


def test_a_question_of_their_own_the_page_does_not_answer_says_so(make_tracker, dispatcher, domain):
    tracker = make_tracker(
        "nlu_fallback",
        text="my lower back aches after a long day at work, every single day for the last three years now, and "
        "it is worse on the left side. Which muscles are involved in that?",
    )
    ActionFallback().run(dispatcher, tracker, domain)
    lead = texts(dispatcher)[0]
    assert lead.startswith(prompts.NOT_ANSWERED + " " + prompts.CANNOT_ASSESS)


def test_could_this_be_my_si_joint_is_answered_by_the_page_not_said_missing(make_tracker, dispatcher, domain):
    tracker = make_tracker("nlu_fallback", text="my lower back aches after work. Could this be my SI joint?")
    ActionFallback().run(dispatcher, tracker, domain)
    assert texts(dispatcher)[0].startswith(prompts.CANNOT_ASSESS)


def test_every_composition_fits_the_reply_rules():
    """Every aspect, own case or not, medicines or not, about each entry or none: within a chat
    bubble and a turn (the web chat fuzz found "can it wait?" with medicines over 600 characters)."""
    from actions.composed_replies import composed_messages
    from si_joint.knowledge import ASPECTS
    from si_joint.message_reading import Reading

    for aspect in (*ASPECTS, None):
        for own_case in (True, False):
            for medicines in (True, False):
                for entry in (None, *KNOWLEDGE.entries.values()):
                    reading = Reading(own_case, (aspect,) if aspect else (), medicines, asks=True)
                    messages = composed_messages(KNOWLEDGE, reading, [entry] if entry else [])
                    assert turn_violations(messages) == [], (aspect, own_case, medicines, entry and entry.id)


def test_words_the_page_never_uses_are_named_before_what_it_does_say(make_tracker, dispatcher, domain):
    tracker = make_tracker(
        "ask_symptom_check",
        [ent("symptom", "lower_back_pain")],
        text="What muscles contribute to lower back pain?",
        off_page_words=["muscles"],
    )
    ActionAnswerQuestion().run(dispatcher, tracker, domain)
    lead, answer = texts(dispatcher)
    assert lead.startswith(prompts.NOT_MENTIONED.format(words="muscles"))
    assert answer.startswith(prompts.WHAT_THE_PAGE_SAYS + " " + KNOWLEDGE.entry("lower_back_pain").answer)


@pytest.mark.parametrize(
    "text, off_page",
    [
        ("My lower back hurts all the time. Is badminton a bad idea?", True),
        ("I wake up with a sore back every day. Is a memory foam topper any good?", True),
        ("My surgeon wrote adjacent segment disorder in my notes. Is that connected?", False),  # the story's
        ("My physio keeps saying SI joint. Where even is it?", False),
        ("I never had an injury. Can SI joint pain come on by itself?", False),  # about the joint itself
        ("I've had SI pain for a year. Is this my SI joint?", False),  # about their case
        ("My back hurts. What are the symptoms of SI joint pain?", False),  # a question the page answers
        ("My back hurts. Would a pelvic belt help?", False),  # names a treatment it lists
        ("My back hurts. How long does it last?", False),  # an aspect, said by name
        ("Sharp pains in my lower back since this morning. Help?", False),  # a plea, not a question
    ],
)
def test_a_question_that_names_nothing_the_page_answers(text, off_page):
    assert asks_off_page(KNOWLEDGE, read_message(text)) is off_page


def test_a_story_whose_question_the_page_does_not_answer_is_told_so_before_what_it_says():
    reading = read_message("My lower back hurts all the time. Is badminton a bad idea?")
    lower_back = KNOWLEDGE.entry("lower_back_pain")
    lead, answer = composed_messages(KNOWLEDGE, reading, [lower_back])
    assert lead["text"].startswith(prompts.NOT_ANSWERED)
    assert answer["text"].startswith(prompts.WHAT_THE_PAGE_SAYS)


def test_a_question_about_a_condition_the_page_does_not_cover_is_told_so_by_name(make_tracker, dispatcher, domain):
    tracker = make_tracker(
        "ask_not_covered",
        text="I have spinal stenosis, what treatment is recommended?",
        condition_not_on_page="spinal stenosis",
    )
    ActionNotCovered().run(dispatcher, tracker, domain)
    (reply,) = dispatcher.messages
    assert reply["text"].startswith(prompts.CONDITION_NOT_ON_PAGE.format(condition="spinal stenosis"))
    assert prompts.WHO_TO_ASK in reply["text"]
    assert reply["buttons"], "what the assistant can tell about instead"


def test_what_the_page_says_follows_when_the_question_names_something_it_covers(make_tracker, dispatcher, domain):
    text = "Can ankylosing spondylitis be helped with a pelvic belt?"
    start = text.index("pelvic belt")
    tracker = make_tracker(
        "ask_not_covered",
        [{"entity": "treatment", "value": "pelvic_belt", "start": start, "end": start + len("pelvic belt")}],
        text=text,
        condition_not_on_page="ankylosing spondylitis",
    )
    ActionNotCovered().run(dispatcher, tracker, domain)
    lead, answer = texts(dispatcher)
    assert lead.startswith(prompts.CONDITION_NOT_ON_PAGE.format(condition="ankylosing spondylitis"))
    assert answer.startswith(prompts.WHAT_THE_PAGE_SAYS + " " + KNOWLEDGE.entry("pelvic_belt").answer)


def test_a_sign_only_named_then_said_to_be_happening_gets_the_full_advice(make_tracker, dispatcher, domain):
    asked = {"intent": {"name": "ask_symptom_check"}, "mentioned_signs": SADDLE}
    tracker = make_tracker(
        "nlu_fallback",
        text="asking because it's happening to me right now",
        events=[
            UserUttered("what does it mean if back pain comes with numbness in the groin?", parse_data=asked),
            ActionExecuted("action_emergency"),
            UserUttered("asking because it's happening to me right now"),
        ],
    )
    ActionEmergency().run(dispatcher, tracker, domain)
    (advice,) = texts(dispatcher)
    assert advice.startswith("Please get medical help now: call 911")


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("I slipped on the ice last year, could that have caused my pain?", "causes"),
        ("my mum has had this for years, what else can they do besides pills for her?", "treatments"),
    ],
)
def test_an_own_case_question_that_names_only_a_kind_of_question_hears_that_answer(text, topic):
    reading = read_message(text)
    messages = composed_messages(KNOWLEDGE, reading, [])
    assert reading.own_case and prompts.CANNOT_ASSESS in messages[0]["text"]
    assert KNOWLEDGE.entry(topic).answer.split(".")[0] in messages[-1]["text"]
    assert "self-care" not in messages[0]["text"]


def test_someone_who_already_had_a_fusion_is_not_told_whether_they_may_be_a_candidate(make_tracker, dispatcher, domain):
    text = "I had my SI joint fusion five weeks ago and I still get pain when I sit, is that normal?"
    tracker = make_tracker("ask_fusion_candidate", [ent("treatment", "si_joint_fusion")], text=text)
    ActionAnswerQuestion().run(dispatcher, tracker, domain)
    reply = " ".join(texts(dispatcher))
    assert KNOWLEDGE.entry("fusion_surgery_type").answer in reply
    assert "candidate" not in reply
