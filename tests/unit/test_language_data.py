"""Every other language's training examples (data/nlu_<code>, read by its own classifier) cover the
intents the English examples cover, and none that the domain does not know."""

from collections import Counter

import pytest
from rasa.shared.nlu.training_data.loading import load_data

from si_joint.training_inputs import LANGUAGE_DATA as LANGUAGES
from si_joint.training_inputs import RASA_DATA
from tests import ROOT

ENGLISH = Counter(m.get("intent") for m in load_data(str(ROOT / "data" / "nlu")).intent_examples)


@pytest.fixture(scope="module", params=sorted(LANGUAGES))
def counts(request):
    return Counter(m.get("intent") for m in load_data(str(ROOT / LANGUAGES[request.param])).intent_examples)


def test_every_english_intent_has_at_least_20_examples_in_the_language(counts):
    assert {intent: counts[intent] for intent in ENGLISH if counts[intent] < 20} == {}


def test_the_language_has_no_intent_english_lacks(counts, domain):
    assert set(counts) - set(ENGLISH) == set()
    assert set(counts) - set(domain["intents"]) == set()


def test_rasa_never_trains_dialogue_or_diet_on_the_language_folders():
    inside = {folder for folder in LANGUAGES.values() for data in RASA_DATA if f"{folder}/".startswith(f"{data}/")}
    assert inside == set()
