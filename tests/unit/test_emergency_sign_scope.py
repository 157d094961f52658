"""How far a cue reaches in the emergency screen (si_joint/emergency_signs.py): a `frame` puts its
whole sentence in someone else's story, a `long_ago` phrase that opens a sentence dates all of it,
but a part that says it is happening now still counts; a sign asked and answered "no" is denied."""

import pytest

from si_joint.emergency_signs import load_emergency_signs

SIGNS = load_emergency_signs()


def categories(text: str) -> set:
    return {finding.category for finding in SIGNS.find(text)}


@pytest.mark.parametrize(
    "text",
    [
        "Was watching Holby and a man lost control of his bladder and they rushed him into theatre. Real?",
        "My friend said her mum went numb in the saddle area and needed surgery. Is that SI related?",
        "My D&D character got a bad fall from a tower, the DM said she'd break her pelvis. What's the sacrum?",
        "En la serie que estoy viendo a una paciente se le durmió la zona de la silla de montar. ¿Es real?",
        "Mi vecina me dijo que su prima perdió el control de la vejiga. ¿Eso es de la sacroilíaca?",
    ],
)
def test_a_frame_puts_its_sentence_in_someone_elses_story(text):
    assert categories(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "Eight years ago, during a bad time, I took an overdose. I'm doing well now. What helps SI pain?",
        "Some background: in 2017 I couldn't pee and was numb in the saddle area, had surgery, all fine now.",
        "I had some bladder leaking, physio sorted it, that was 8 years ago. Are the two connected?",
        "Hace unos seis años, con mucho dolor, tomé una sobredosis y terminé en urgencias. Hoy estoy bien.",
    ],
)
def test_a_sentence_that_opens_long_ago_is_in_the_past(text):
    assert categories(text) == set()


@pytest.mark.parametrize(
    "text, category",
    [
        ("Years ago I hurt my back, and since this morning I can't feel my groin when I wipe", "cauda_equina"),
        ("In 2018 I had a fusion, now I can't feel my groin when I wipe", "cauda_equina"),
        ("Hace años me operaron de la espalda y desde hoy no siento la zona de la silla de montar", "cauda_equina"),
    ],
)
def test_what_is_happening_now_still_counts_in_such_a_sentence(text, category):
    assert category in categories(text)


def test_a_sign_asked_and_answered_no_is_denied():
    assert categories("numb? no. incontinence? no. just an ache when I sit") == set()
    assert "infection" in categories("fever? yes, 39 since last night, and my back is throbbing")


@pytest.mark.parametrize(
    "text",
    [
        "In last night's episode of the hospital drama a woman fell and couldn't feel her legs. Is that real?",
        "En la telenovela de anoche el protagonista se cayó del caballo y quedó en silla de ruedas, ¿pasa?",
        "For my school project: what does an overdose of painkillers do to the body?",
    ],
)
def test_a_time_in_a_story_is_the_storys(text):
    assert categories(text) == set()


@pytest.mark.parametrize(
    "text, category",
    [
        ("The nurse asked about fever, bladder and weak legs, and the answer to all was no. What is SI pain?", None),
        ("Me preguntó si tenía fiebre o si se me escapaba la orina, y a todo le dije que no. ¿Qué es eso?", None),
        ("No to all of those. But since this morning I can't control my bladder.", "cauda_equina"),
    ],
)
def test_every_sign_of_a_sentence_denied_at_once(text, category):
    assert categories(text) == ({category} if category else set())
