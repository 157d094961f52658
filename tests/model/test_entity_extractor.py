"""KnowledgeEntityExtractor inside the trained model: lemmas, longest match, typos, no false friends."""

import asyncio

import pytest


@pytest.fixture(scope="module")
def parse(trained_model):
    from rasa.core.agent import Agent

    agent = Agent.load(str(trained_model))

    def entities(text):
        parsed = asyncio.run(agent.parse_message(text))
        return [(e["entity"], e["value"], text[e["start"] : e["end"]]) for e in parsed["entities"]]

    return entities


@pytest.mark.parametrize(
    "text, expected",
    [
        ("i had two car crashes", [("cause", "motor_vehicle_accident", "car crashes")]),
        ("my leg keeps giving way", [("symptom", "single_leg_instability", "giving way")]),
        ("does it hurt getting up from sitting", [("symptom", "sit_to_stand_pain", "getting up from sitting")]),
        ("what is a diagnostic injection", [("diagnostic_method", "diagnostic_injection", "diagnostic injection")]),
        ("do steroid injections help", [("treatment", "injection_therapy", "steroid injections")]),
        ("i had a lumbar fusion", [("cause", "prior_lumbar_fusion", "lumbar fusion")]),
        # "the fusion" refers back to the lumbar fusion, not to SI joint fusion
        ("had a lumbar fusion, can the fusion cause it?", [("cause", "prior_lumbar_fusion", "lumbar fusion")]),
        ("Is PT any good?", [("treatment", "physical_therapy", "PT")]),
        ("would an X-Ray show it", [("diagnostic_method", "imaging", "X-Ray")]),
    ],
)
def test_aliases_are_found_on_lemmas_with_the_longest_match(parse, text, expected):
    assert parse(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("does phsyical therapy help", ("treatment", "physical_therapy", "phsyical therapy")),
        ("what about a pelvic blet", ("treatment", "pelvic_belt", "pelvic blet")),
        ("can a car acident cause it", ("cause", "motor_vehicle_accident", "car acident")),
        ("is tinglling a symptom", ("symptom", "lower_extremity_pain", "tinglling")),
    ],
)
def test_typos_in_longer_aliases_are_tolerated(parse, text, expected):
    assert parse(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "where is that 30% number from",
        "how does the si joint get damaged",
        "what is the setting for this chat",
        "hi there",
    ],
)
def test_ordinary_words_are_not_taken_for_aliases(parse, text):
    assert parse(text) == []
