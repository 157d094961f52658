"""Follow-ups that point into the last answer's list (si_joint/list_references.py)."""

import pytest

from si_joint.list_references import list_position


@pytest.mark.parametrize(
    "text, position",
    [
        ("the second one", 2),
        ("and the third?", 3),
        ("number 2", 2),
        ("the last one", -1),
        ("tell me about the 2nd", 2),
        ("what about the first", 1),
        ("#4", 4),
        ("¿y la segunda?", 2),
        ("¿y la segunda cuál era? explícame más", 2),
        ("the second one? what was it", 2),
        ("y la tercera opción", 3),
        ("el último", -1),
        ("la 2da por favor", 2),
        ("whats the last step again", -1),
        ("what does the first one mean, traumatic?", 1),
    ],
)
def test_references_into_a_list(text, position):
    assert list_position(text) == position


@pytest.mark.parametrize(
    "text",
    [
        "first of all my back hurts",
        "the second reason is what",
        "I had a second injection",
        "what is the SI joint",
        "",
        "segunda vez que me duele",
        "la primera inyeccion me ayudo",
        "the first one, my back, then my hip hurt",
    ],
)
def test_other_messages_are_no_reference(text):
    assert list_position(text) is None
