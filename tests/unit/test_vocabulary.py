"""content/knowledge/vocabulary.yml: loaded and checked in one place (si_joint/vocabulary.py)."""

import pytest
import yaml

from si_joint.vocabulary import VOCABULARY_FILE, VocabularyError, load_vocabulary


def test_the_project_s_vocabulary_loads_and_reads_words_as_written():
    words = load_vocabulary()
    assert words.other_conditions.search("is coughing a sign of anything")
    assert not words.other_conditions.search("my backache")
    assert words.si_joint_words.search("pain in my left buttock")
    assert words.topic_words.search("can an x  ray show it")
    assert words.compared_with_name("is it osteoarthritis or my SI joint?") == "arthritis"
    assert words.compared_with_name("is it the same as sciatica?") == "sciatica"
    assert words.compared_with_name("is it like gout?") is None


@pytest.mark.parametrize(
    "text, condition",
    [
        ("How to treat l1-5 bulged discs significant pain?", "disc problems such as a herniated or bulging disc"),
        ("I have acute arthritic spinal stenosis. What treatment is recommended?", "spinal stenosis"),
        ("multiple fractures in the middle of my spine, any solution?", "fractures and broken bones"),
        ("Can ankylosing spondylitis be treated with your implant?", "ankylosing spondylitis"),
        # The SI joint named: a question about it, or a comparison.
        ("is SI joint pain the same as sciatica?", None),
        ("I had a lumbar fusion and my surgeon says it's my sacroiliac joint now", None),
        # A symptom the page lists, a muscle or a nerve: not a condition the page doesn't cover.
        ("my hip hurts at night, what can I do?", None),
        ("is it a pulled muscle?", None),
    ],
)
def test_a_question_about_a_condition_the_page_does_not_cover_is_told_by_name(text, condition):
    assert load_vocabulary().condition_not_on_page(text) == condition


@pytest.mark.parametrize(
    "change, named",
    [
        ({"other_conditions": []}, "other_conditions: lists no words"),
        ({"health_words": ["Knee"]}, "'Knee' is not lower-case words"),
        ({"topic_words": ["x-ray"]}, "'x-ray' is not lower-case words"),
        ({"named_conditions": [{"words": ["hip"]}]}, "named_conditions entry 1 has no name"),
    ],
)
def test_a_broken_vocabulary_is_refused_naming_the_list(tmp_path, change, named):
    data = yaml.safe_load(VOCABULARY_FILE.read_text(encoding="utf-8"))
    data.update(change)
    path = tmp_path / "vocabulary.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(VocabularyError, match=named.replace("*", r"\*")):
        load_vocabulary(path)
