"""Which words of a question the page never uses (si_joint/page_words.py)."""

import pytest

from si_joint.page_words import PageWords, english_word_lists, stems_of, word_stem

PAGE = stems_of(
    [
        "Causes of SI joint pain include a prior lumbar fusion, pregnancy and an accident.",
        "Symptoms: lower back pain, buttock pain, disturbed sleep and trouble sitting.",
        "Treatments include physical therapy, a pelvic belt, injections and SI joint fusion.",
    ]
)


@pytest.fixture(scope="module")
def page_words():
    return PageWords(PAGE, **english_word_lists())


@pytest.mark.parametrize(
    "text, words",
    [
        ("What tendons are involved in lower back pain?", ["tendons"]),
        ("which mattress or pillows are best for sleeping with SI joint pain?", ["mattress", "pillows"]),
        ("Frequent unbearable leg cramps, what is the fastest way to relieve pain?", ["cramps"]),
        ("Diverticulitis cause lower backache?", ["diverticulitis", "backache"]),
    ],
)
def test_a_subject_the_page_never_names_is_off_the_page(page_words, text, words):
    assert page_words.off_page(text) == words


@pytest.mark.parametrize(
    "text",
    [
        "what causes si joint pain?",
        "can sitting for a long time make my buttock pain worse?",  # common words: "make", "worse"
        "does physical therapy help? how do they figure out where it comes from",
        "symtoms of si joint pain?",  # a typo of a page word
        "what severely contributes to it?",  # verbs and adjectives name no subject
        "i fell off my bike last year and hurt my knee. it hurts. my doctor said rest.",  # no question
        "Can you help me please Dr. Eric Kelts? My buttock hurts.",  # a name
        "When I started college I played rugby in division 1. Now my hip hurts. Now what?",  # the story
        "I woke up and hobbled to the bathroom, my back was on fire. is it my SI joint?",  # verb forms
    ],
)
def test_common_words_page_words_and_their_typos_are_not(page_words, text):
    assert page_words.off_page(text) == []


def test_the_words_of_a_request_and_of_the_story_before_a_short_question_are_read(page_words):
    story = "I can barely walk. I live alone on the third floor. "
    assert page_words.off_page(story + "If you have any suggestions on what stretches to do, please let me know.") == [
        "stretches"
    ]
    assert page_words.off_page("I read that swimming helps with a bulging hernia. Any tips?") == ["hernia"]


def test_words_round_trip_through_the_model_files(tmp_path, page_words):
    page_words.save(tmp_path, "{}.txt")
    loaded = PageWords.load(tmp_path, "{}.txt")
    assert (loaded.page, loaded.common, loaded.nouns) == (page_words.page, page_words.common, page_words.nouns)


def test_stems_match_forms_of_one_word():
    assert word_stem("stretches") == word_stem("stretch")
    assert word_stem("muscles") == word_stem("muscle") and word_stem("injuries") == word_stem("injury")
