"""Whether a message has a word the assistant knows (si_joint/known_words.py)."""

from si_joint.known_words import KnownWords
from si_joint.language_words import WordTable


def test_a_word_of_a_served_language_s_dictionary_is_known_accents_or_not():
    spanish = WordTable.of_language("es")
    known = KnownWords(["sacroiliac"], [spanish])
    assert known.knows_any("¿qué está pasando?")
    assert not KnownWords(["sacroiliac"]).knows_any("¿qué está pasando?")


def test_nonsense_is_known_in_no_language():
    known = KnownWords(["sacroiliac"], [WordTable.of_language("es")])
    assert not known.knows_any("zxqv blorp wug")
    assert known.knows_any("sacroilliac")  # a typo of a training word
