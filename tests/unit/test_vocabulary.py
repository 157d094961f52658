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
    "change, named",
    [
        ({"other_conditions": []}, "other_conditions: lists no words"),
        ({"health_words": ["Knee"]}, "'Knee' is not lower-case words"),
        ({"topic_words": ["x-ray"]}, "'x-ray' is not lower-case words"),
        ({"compared_with": [{"words": ["hip"]}]}, "compared_with entry 1 has no name"),
    ],
)
def test_a_broken_vocabulary_is_refused_naming_the_list(tmp_path, change, named):
    data = yaml.safe_load(VOCABULARY_FILE.read_text(encoding="utf-8"))
    data.update(change)
    path = tmp_path / "vocabulary.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(VocabularyError, match=named.replace("*", r"\*")):
        load_vocabulary(path)
