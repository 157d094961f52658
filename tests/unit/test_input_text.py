"""What the classifier sees: markup stripped and abbreviations spelt out; the raw text is kept."""

import pytest
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from components.safety_screen import MessageLimiter
from si_joint.emergency_signs import load_emergency_signs
from si_joint.input_checks import gesture, input_problem, likely_language, text_for_classification
from si_joint.knowledge import PROJECT_ROOT
from si_joint.parse_data import FULL_TEXT

SIGNS = load_emergency_signs(PROJECT_ROOT / "content" / "safety" / "emergency_signs.yml")


@pytest.mark.parametrize(
    "raw, seen",
    [
        ("<i>how is it treated</i>", "how is it treated"),
        ("**what causes it**", "what causes it"),
        ("<p>What is <b>SIJD</b>?</p>", "What is si joint dysfunction?"),
        ("# symptoms?", "symptoms?"),
        ("__what are the symptoms__", "what are the symptoms"),
        ("is SIJ pain common in LBP", "is si joint pain common in lower back pain"),
        ("what causes sij pain", "what causes si joint pain"),
        ("dx of SIJ pain? tx options?", "diagnosis of si joint pain? treatment options?"),
        ("holaaa", "hola"),
        ("hiiii sooo much pain, 1000 mg", "hi so much pain, 1000 mg"),
    ],
)
def test_markup_and_abbreviations(raw, seen):
    assert text_for_classification(raw) == seen


@pytest.mark.parametrize("raw", ["*", "<b></b>", "pain 3*4 < 5", "<3 thanks", "pt_belt", "sijoint"])
def test_text_without_markup_or_only_markup_is_left_alone(raw):
    assert text_for_classification(raw) == raw


@pytest.mark.parametrize(
    "text, other_only",
    [
        ("how do I treat a sore throat", True),
        ("what's good for a cough", True),
        ("my elbow hurts what causes it", True),
        ("how do i treat sciatica", True),
        ("how many litres of water a day is healthy", True),
        ("is there a diet that helps si joint pain", False),
        ("is sciatica the same as si joint pain", False),
        ("can the si joint cause knee pain", False),
        ("what causes pain in the back of my hip", False),
        ("how is it treated", False),
    ],
)
def test_questions_about_other_conditions_only(text, other_only):
    from components.off_topic_guard import names_another_condition_only

    assert names_another_condition_only(text) is other_only


@pytest.mark.parametrize("text", ["what is lupus", "how do i know if my wrist is broken", "what is parkinsons"])
def test_unplaced_questions_about_other_conditions(text):
    from components.off_topic_guard import KNOWLEDGE_INTENTS, names_another_condition_only

    assert "nlu_fallback" in KNOWLEDGE_INTENTS and names_another_condition_only(text)


@pytest.mark.parametrize(
    "raw, seen",
    [
        ("no fever. my bladder's fine, what treatments are there?", "what treatments are there?"),
        ("I had a bad fall in 2015, could that cause it?", "could that cause it?"),
        ("what causes it? no numbness", "what causes it?"),
        (
            "she had a car crash last year and has no numbness. can a crash like that cause it?",
            "can a crash like that cause it?",
        ),
        ("I have no bladder control", "I have no bladder control"),  # nothing denied: all of it
        ("no fever", "no fever"),  # nothing left: all of it
        # a past sentence with a word of a sign ("lumbar", in Spanish), but no sign: what it asks about
        ("I had a lumbar fusion in 2018. Can that lead to SI joint pain?", None),
    ],
)
def test_the_classifier_reads_the_question_without_the_denied_or_past_signs(raw, seen):
    message = Message({TEXT: raw})
    MessageLimiter({}, None, None, SIGNS).process([message])
    assert message.get(TEXT) == (seen or raw)
    assert message.get(FULL_TEXT) == raw  # the safety screen reads all of it


@pytest.mark.parametrize(
    "text, nothing",
    [
        ("what is the best pizza place nearby", True),
        ("what is the weather like tomorrow", True),
        ("how common is it", False),
        ("what causes SI joint pain", False),
        ("and the belt?", False),
        ("hi there", False),
    ],
)
def test_a_message_that_names_nothing_of_the_subject_is_told_apart(text, nothing):
    from components.off_topic_guard import names_nothing_of_the_topic

    assert names_nothing_of_the_topic(text) is nothing


@pytest.mark.parametrize(
    "text, problem, language",
    [
        ("mi padre tiene fiebre y dolor de espalda muy fuerte", "spanish", "es"),
        ("que es la articulacion sacroiliaca?", "spanish", "es"),
        ("Il a de la fièvre depuis hier et son dos lui fait mal", "other_language", "fr"),
        ("Mijn vader is van de trap gevallen en heeft pijn", "other_language", "nl"),
        ("what is the SI joint and how is it treated?", None, None),
        ("hola", None, None),
    ],
)
def test_a_message_in_another_language_is_told_apart_and_its_language_guessed(text, problem, language):
    assert (input_problem(text), likely_language(text)) == (problem, language)


@pytest.mark.parametrize("text", ["<img src=x onerror=alert(1)>", "<script></script>", "<b></b> 😀"])
def test_a_message_of_markup_only_has_no_words_to_read(text):
    assert input_problem(text) == "no_words"


def test_markup_around_words_is_read_as_the_words():
    assert input_problem("<b>what causes it?</b>") is None


@pytest.mark.parametrize("text, intent", [("🙏🙏", "thanks"), ("👍🏽", "thanks"), ("❤️ ", "thanks"), ("👋", "greet")])
def test_a_message_of_gestures_is_read_as_their_words(text, intent):
    assert gesture(text) == intent


@pytest.mark.parametrize("text", ["😭😭", "🙏 thanks", "!!", ""])
def test_other_symbols_are_no_gesture(text):
    assert gesture(text) is None
