"""What the classifier sees: markup stripped and abbreviations spelt out; the raw text is kept."""
import pytest

from components.input_checks import text_for_classification


@pytest.mark.parametrize("raw, seen", [
    ("<i>how is it treated</i>", "how is it treated"),
    ("**what causes it**", "what causes it"),
    ("<p>What is <b>SIJD</b>?</p>", "What is si joint dysfunction?"),
    ("# symptoms?", "symptoms?"),
    ("__what are the symptoms__", "what are the symptoms"),
    ("is SIJ pain common in LBP", "is si joint pain common in lower back pain"),
    ("what causes sij pain", "what causes si joint pain"),
])
def test_markup_and_abbreviations(raw, seen):
    assert text_for_classification(raw) == seen


@pytest.mark.parametrize("raw", ["*", "<b></b>", "pain 3*4 < 5", "<3 thanks", "pt_belt", "sijoint"])
def test_text_without_markup_or_only_markup_is_left_alone(raw):
    assert text_for_classification(raw) == raw


@pytest.mark.parametrize("text, other_only", [
    ("how do I treat a sore throat", True),
    ("what's good for a cough", True),
    ("my elbow hurts what causes it", True),
    ("how do i treat sciatica", True),
    ("is sciatica the same as si joint pain", False),
    ("can the si joint cause knee pain", False),
    ("what causes pain in the back of my hip", False),
    ("how is it treated", False),
])
def test_questions_about_other_conditions_only(text, other_only):
    from components.off_topic_guard import names_another_condition_only

    assert names_another_condition_only(text) is other_only


@pytest.mark.parametrize("text", ["what is lupus", "how do i know if my wrist is broken", "what is parkinsons"])
def test_unplaced_questions_about_other_conditions(text):
    from components.off_topic_guard import KNOWLEDGE_INTENTS, names_another_condition_only

    assert "nlu_fallback" in KNOWLEDGE_INTENTS and names_another_condition_only(text)
