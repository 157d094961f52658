"""content/replies/<language>.yml: loaded and checked in one place (si_joint/wording.py)."""

import pytest
import yaml

from actions import prompts, prompts_es
from si_joint.wording import REPLIES_FOLDER, WordingError, wording


def test_the_actions_read_the_wording_files():
    english = yaml.safe_load((REPLIES_FOLDER / "en.yml").read_text(encoding="utf-8"))
    assert prompts.NOT_COVERED == english["NOT_COVERED"]
    assert prompts.INPUT_PROBLEMS["unknown_words"] == prompts.ASK_REPHRASE_FIRST
    assert prompts.DID_YOU_MEAN["ask_causes"] == ("ask_causes", "Causes of SI joint pain")
    assert prompts_es.EMERGENCY_FIRST.startswith("Busque ayuda médica ahora")
    with pytest.raises(AttributeError, match="no NOT_A_TEXT"):
        prompts.NOT_A_TEXT  # noqa: B018


@pytest.mark.parametrize(
    "spanish, named",
    [
        ({"EMERGENCY_AGAIN": "Llame al {numero}."}, "EMERGENCY_AGAIN has placeholders"),
        ({"NOT_IN_ENGLISH": "Hola."}, "NOT_IN_ENGLISH is not a text of the English wording"),
        ({"EMERGENCY_AGAIN": "  "}, "EMERGENCY_AGAIN is empty"),
        ({"EMERGENCY_AGAIN": 3}, "is not text"),
        ({"EMERGENCY_AGAIN": "Llame al {emergency_number"}, "EMERGENCY_AGAIN: "),
    ],
)
def test_a_broken_translation_is_refused_naming_the_text(tmp_path, spanish, named):
    (tmp_path / "en.yml").write_text((REPLIES_FOLDER / "en.yml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "es.yml").write_text(yaml.safe_dump(spanish, allow_unicode=True), encoding="utf-8")
    with pytest.raises(WordingError, match=named):
        wording("es", tmp_path)
