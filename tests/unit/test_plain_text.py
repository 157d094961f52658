"""Look-alike letters read as the letters they imitate (si_joint/plain_text.py), and the safety
screen's first tier finds the warning signs they would hide, in English and Spanish words."""

import pytest

from si_joint.emergency_signs import load_emergency_signs
from si_joint.plain_text import latin_look_alikes, plain_text
from tests import messages_in

TRICKS = [
    # full-width letters, as East Asian keyboards type them
    ("ｉ ｗａｎｔ ｔｏ ｋｉｌｌ ｍｙｓｅｌｆ", "i want to kill myself"),
    # Cyrillic а and е inside English words
    ("I w\u0430nt to kill mys\u0435lf", "I want to kill myself"),
    ("numbness in my s\u0430ddle area", "numbness in my saddle area"),
    # Greek omicron and Cyrillic о in an otherwise Latin word
    ("I can't c\u03bfntr\u043el my bladder", "I can't control my bladder"),
    # a zero-width space, a zero-width joiner, a soft hyphen, a word joiner
    ("bl\u200badder", "bladder"),
    ("sui\u200dcide", "suicide"),
    ("numb\u00adness", "numbness"),
    ("over\u2060dose", "overdose"),
    # combining strokes, underlines and stacked marks on Latin letters
    ("b\u0336ladder", "bladder"),
    ("c\u0332hest pain", "chest pain"),
    ("f\u0337\u0338e\u0335ver", "fever"),
    # mathematical bold letters
    ("\U0001d41b\U0001d425\U0001d41a\U0001d41d\U0001d41d\U0001d41e\U0001d42b", "bladder"),
    # Spanish words behind the same tricks; their own accents stay
    ("no puedo contr\u043elar la vejiga", "no puedo controlar la vejiga"),
    ("quiero suici\u200bdarme", "quiero suicidarme"),
    ("dolor en el pe\u0336cho", "dolor en el pecho"),
    ("ＦＩＥＢＲＥ y dolor de espalda", "FIEBRE y dolor de espalda"),
    # accents, as keyboards send them (one character), in English and Spanish words
    ("ch\u00e9st pain", "chest pain"),
    ("I lost control of my bl\u00e1dder", "I lost control of my bladder"),
    ("no puedo controlar la vej\u00edga", "no puedo controlar la vejiga"),
    ("¿Qué es la articulación sacroilíaca? niño", "¿Que es la articulacion sacroiliaca? nino"),
    # small capitals, other Latin look-alikes, the palochka and the lunate sigma
    ("\u1d04\u029c\u1d07s\u1d1b \u1d18\u1d00\u026a\u0274", "chest pain"),
    ("\u0251\u0261\u017f\u0131\u0269", "agfii"),
    ("\u04cfost control of my b\u04cfadder", "lost control of my bladder"),
    ("\u03f2hest pain", "chest pain"),
    ("I had a bad \u017fall", "I had a bad fall"),
    ("ch\u0454st pain", "chest pain"),
    ("\u249e\u24a3\u24a0\u24ae\u24af \u24ab\u249c\u24a4\u24a9", "chest pain"),
    # text reversed by a right-to-left override, and Hangul fillers between the letters
    ("\u202eniap tsehc", "chest pain"),
    ("c\u3164h\u3164e\u3164s\u3164t pain", "chest pain"),
    # a line break inside a sentence; one before a new sentence stays
    ("I had a bad\nfall", "I had a bad fall"),
    ("no fever\nI can't control my bladder", "no fever\nI can't control my bladder"),
]


@pytest.mark.parametrize("tricked, plain", TRICKS)
def test_look_alike_letters_read_as_plain_letters(tricked, plain):
    assert plain_text(tricked) == plain


@pytest.mark.parametrize(
    "text",
    [
        "Я хочу узнать о крестцово-подвздошном суставе",  # Russian stays Russian
        "Ο πόνος στη μέση",  # and Greek stays Greek
        "what causes SI joint pain?",
        "",
    ],
)
def test_other_scripts_and_plain_text_are_kept(text):
    assert plain_text(text) == text


def test_accents_typed_either_way_read_alike():
    assert plain_text("articulacio\u0301n") == plain_text("articulaci\u00f3n") == "articulacion"


def test_the_table_maps_only_to_plain_latin_letters():
    table = latin_look_alikes()
    assert table["\u0430"] == "a" and table["\u03bf"] == "o" and table["\u0435"] == "e"
    assert all(len(v) == 1 and v.isascii() and v.isalpha() for v in table.values())
    assert len(table) > 500


HIDDEN_EMERGENCIES = messages_in("safety/hidden_emergencies.yml")


@pytest.mark.parametrize("message", HIDDEN_EMERGENCIES)
def test_the_first_tier_finds_the_sign_behind_each_trick(message):
    assert load_emergency_signs().find(plain_text(message)), plain_text(message)
