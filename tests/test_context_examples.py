"""The generated questions-in-context training data (si_joint/context_examples.py)."""
from si_joint.context_examples import AFTERWORDS, PREAMBLES, training_questions, with_context
from si_joint.emergency_signs import load_emergency_signs
from si_joint.knowledge import PROJECT_ROOT

QUESTIONS = training_questions()


def test_generation_is_reproducible_and_only_wraps_real_training_questions():
    generated = with_context(QUESTIONS)
    assert generated == with_context(QUESTIONS)
    assert set(generated) == set(QUESTIONS) and "ask_personal_advice" not in generated
    for intent, examples in generated.items():
        for example in examples:
            assert any(example.endswith(" " + q) or example.startswith(q + ", ") for q in QUESTIONS[intent]), example


def test_the_context_words_hold_no_warning_sign():
    signs = load_emergency_signs(PROJECT_ROOT / "safety" / "emergency_signs.yml")
    assert not [p for p in PREAMBLES + AFTERWORDS if signs.find(p)]
