"""The small per-language intent classifier (si_joint/intent_model.py)."""

from si_joint.intent_model import IntentModel

EXAMPLES = [
    ("que causa el dolor", "ask_causes"),
    ("por que me duele la sacroiliaca", "ask_causes"),
    ("de donde viene este dolor", "ask_causes"),
    ("cuales son los sintomas", "ask_symptoms"),
    ("que se siente cuando es la sacroiliaca", "ask_symptoms"),
    ("sintomas del dolor sacroiliaco", "ask_symptoms"),
    ("hola", "greet"),
    ("buenas tardes", "greet"),
    ("buenos dias", "greet"),
]


def test_ranks_every_intent_by_probability_most_likely_first():
    ranking = IntentModel.fit(EXAMPLES).ranking("y los sintomas cuales son?")
    assert [intent for intent, _ in ranking][0] == "ask_symptoms"
    assert {intent for intent, _ in ranking} == {"ask_causes", "ask_symptoms", "greet"}
    assert [p for _, p in ranking] == sorted((p for _, p in ranking), reverse=True)
    assert abs(sum(p for _, p in ranking) - 1.0) < 1e-6


def test_reads_missing_accents_and_typos_like_the_examples():
    model = IntentModel.fit(EXAMPLES)
    assert model.ranking("qué causá el dolór")[0][0] == "ask_causes"
    assert model.ranking("sintomaz")[0][0] == "ask_symptoms"


def test_a_saved_model_ranks_as_the_trained_one_and_training_is_repeatable(tmp_path):
    model = IntentModel.fit(EXAMPLES)
    model.save(tmp_path / "model.pkl")
    text = "por que pasa esto"
    assert IntentModel.load(tmp_path / "model.pkl").ranking(text) == model.ranking(text)
    assert IntentModel.fit(EXAMPLES).ranking(text) == model.ranking(text)
