"""End to end, as patients write (issue 19): their own case, what the page doesn't say, follow-ups,
privacy in lay words, and alarms that fit what was said. Through the trained model and both
servers over REST; replies are checked against the knowledge file and the actions' own wording."""

import pytest

from actions import prompts, prompts_es
from si_joint.knowledge import DEFAULT_KNOWLEDGE_FILE, load_knowledge, translation_path
from si_joint_dev.running_assistant import reply_text

KNOWLEDGE = load_knowledge()


def chat(assistant, *messages):
    conversation = assistant.conversation()
    return [reply_text(conversation.say(m)) for m in messages]


def test_a_story_about_their_case_says_it_cannot_assess_and_who_can(assistant):
    _, reply = chat(
        assistant,
        "hi",
        "I'm 42 and for about three months I've had a deep ache in my right buttock, worse when I sit at work. "
        "Could this be my SI joint? Should I be worried?",
    )
    # Declined as a request for a diagnosis, or composed as an own-case question: either says so.
    assert prompts.CANNOT_ASSESS in reply or "I can't tell whether you have an SI joint problem" in reply
    assert "health care professional" in reply or "doctor" in reply
    assert (
        KNOWLEDGE.entry("pelvis_buttock_pain").answer in reply or KNOWLEDGE.entry("disturbed_sitting").answer in reply
    )


def test_how_long_is_said_to_be_missing_from_the_page_before_the_answer(assistant):
    _, reply = chat(assistant, "hi", "how many weeks of physical therapy does it usually take to work?")
    assert reply.startswith("The page doesn't say how long physical therapy")
    assert KNOWLEDGE.entry("physical_therapy").answer in reply


def test_a_long_story_is_never_taken_for_a_request_to_delete_or_start_over(assistant):
    conversation = assistant.conversation()
    conversation.say("what causes SI joint pain")
    reply = reply_text(
        conversation.say(
            "Hopefully someone here can help me, I can't get an appointment for two weeks and I don't know what to "
            "do anymore, it has been going on for a while and nothing I try helps. Any help is useful. Thanks."
        )
    )
    assert prompts.CONVERSATION_DELETED.split(":")[0] not in reply
    assert "automated educational assistant" not in reply  # no fresh start


@pytest.mark.parametrize("question", ["who can see what I type", "do you sell my info", "is this chat encrypted?"])
def test_privacy_questions_in_lay_words_get_the_privacy_notice(assistant, question):
    _, reply = chat(assistant, "hi", question)
    assert reply.startswith("What this chat keeps")


def test_link_gives_no_made_up_address(assistant):
    _, _, reply = chat(assistant, "hi", "what is the SI joint", "link?")
    assert reply.startswith("I don't have a web address to give you here.")


def test_no_i_meant_the_hip_answers_about_the_hip(assistant):
    _, _, reply = chat(assistant, "hi", "what are the symptoms", "no I meant the hip")
    assert KNOWLEDGE.entry("hip_groin_pain").answer in reply


def test_help_on_the_way_is_not_told_to_call_and_a_correction_stands_the_alarm_down(assistant):
    _, alarm, coming = chat(
        assistant, "hi", "my husband just fell off a ladder and can't get up", "the ambulance is on its way"
    )
    assert alarm.startswith("Please get medical help now")
    assert coming.startswith("Getting emergency help is the right thing to do") and "call" not in coming.lower()
    _, _, corrected, next_question = chat(
        assistant,
        "hi",
        "I fell down the stairs and hurt my back",
        "no, that was 6 months ago",
        "what are the treatments?",
    )
    assert corrected.startswith("Thanks for correcting me.")
    assert KNOWLEDGE.entry("treatments").answer in next_question and "911" not in next_question


def test_signs_of_an_overdose_get_urgent_advice_first(assistant):
    _, reply = chat(assistant, "hi", "my son took some of my oxycodone and now his lips look blue and he wont wake up")
    assert reply.startswith("Please get medical help now")
    assert "overdose" in reply


def test_what_the_page_never_mentions_is_named_before_what_it_does_say(assistant):
    _, reply = chat(assistant, "hi", "What tendons are involved in lower back pain?")
    assert reply.startswith(prompts.NOT_MENTIONED.format(words="tendons"))
    assert prompts.WHAT_THE_PAGE_SAYS in reply


def test_a_fall_already_checked_gets_what_to_watch_for_and_a_correction_gets_its_answer(assistant):
    _, checked = chat(
        assistant,
        "hi",
        "I fell down the stairs last week, my GP checked it and said it's just bruising. Is the SI joint easy to hurt?",
    )
    assert checked.startswith("I'm glad it doesn't look serious so far.") and "911" in checked
    _, alarm, corrected = chat(
        assistant,
        "hi",
        "I lost control of my bladder with the back pain",
        "no sorry, that was 2 years ago when I had an infection, it's fine now. what causes SI joint pain?",
    )
    assert alarm.startswith("Please get medical help now")
    assert corrected.startswith("Thanks for correcting me.") and KNOWLEDGE.entry("causes").answer in corrected


def test_a_short_follow_up_put_out_of_scope_is_about_the_last_answer(assistant):
    _, _, reply = chat(assistant, "hi", "tell me about the pelvic belt", "ok and where would i get one")
    assert reply.startswith("The page doesn't say where to get it") or "pelvic belt" in reply.lower(), reply
    assert "I can only help with questions about the sacroiliac" not in reply
    _, _, reply = chat(assistant, "hi", "tell me about the pelvic belt", "any good pizza places in dayton")
    assert "I can only help with questions about the sacroiliac" in reply


def test_a_sign_a_doctor_checked_and_found_fine_gets_what_to_watch_for_not_the_alarm(assistant):
    _, reply = chat(
        assistant,
        "hi",
        "I had chills after my injection last week, my doctor examined me and everything was fine. "
        "Is it normal for the injection to wear off?",
    )
    assert reply.startswith("I'm glad it doesn't look serious so far."), reply
    _, reply = chat(assistant, "hi", "I have chills and a fever since last night and my back is worse")
    assert reply.startswith("Please get medical help now"), reply


@pytest.mark.parametrize(
    "question",
    [
        "Does SI joint pain ever cause loss of bladder control, or is that something else?",
        "can SI joint problems give you a fever?",
    ],
)
def test_whether_the_si_joint_causes_a_warning_sign_is_answered_from_the_symptom_list(assistant, question):
    _, reply = chat(assistant, "hi", question)
    assert reply.startswith("If you ever have")
    assert "Please get medical help now" not in reply
    assert prompts.SIGN_NOT_LISTED in reply
    assert KNOWLEDGE.entry("symptoms").answer in reply


def test_what_the_joint_is_after_every_sign_denied_is_about_the_joint_not_a_sign(assistant):
    spanish = load_knowledge(translation_path(DEFAULT_KNOWLEDGE_FILE, "es"))
    _, reply = chat(
        assistant,
        "hola",
        "no tengo fiebre, ni problemas para orinar, ni se me duermen las partes. ¿Qué es el sacroilíaco exactamente?",
    )
    assert reply.startswith("Si alguna vez tiene")
    assert prompts_es.SIGN_NOT_EXPLAINED not in reply
    assert spanish.entry("si_joint").answer in reply
