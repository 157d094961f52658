"""How a message is read beyond its topic (si_joint/message_reading.py, content/knowledge/reading.yml)."""

from pathlib import Path

import pytest
import yaml

from si_joint.knowledge import ASPECTS
from si_joint.message_limits import MAX_CLASSIFIED_CHARS
from si_joint.message_reading import (
    READING_FILE,
    ReadingError,
    advice_turned_down,
    classified_part,
    load_reading_rules,
    question_focus,
    question_sentences,
    quoted_words,
    read_message,
    reading_rules,
)


@pytest.mark.parametrize(
    "text",
    [
        "could this be my SI joint?",
        "my mum cant sit for long on one side, is that normal?",
        "I've had pain in my left buttock for 3 months after a fall on ice",
        "what should i do, the pain wakes me up every night",
        "is it my si jont or a disc",
        "can it wait until my appointment?",
        "my 15 yo son has groin pain after football",
        "Anyone else get this? pain when I stand up from the couch",
        "my mum is 70 and cant sit on her left side in church anymore. SI?",
        "so theres a 30% chance mine is si?",
    ],
)
def test_questions_about_a_case_are_own_case(text):
    assert read_message(text).own_case


@pytest.mark.parametrize(
    "text",
    [
        "what is the SI joint",
        "what are the treatments for SI joint pain",
        "how common is SI joint pain",
        "how is it diagnosed",
        "which study is the 30% figure from?",
        # The page's own nouns with a person are no story: reported speech, a how-to, a purchase.
        "my friend said the SI is the biggest joint in the spine, is she making that up",
        "where can i buy an SI belt",
        "can the si implants be taken out later if i hate them",
    ],
)
def test_general_questions_are_not_own_case(text):
    assert not read_message(text).own_case


@pytest.mark.parametrize(
    "text, aspect",
    [
        ("how long does physical therapy take to work?", "how_long"),
        ("how many injections will I need", "how_long"),
        ("what is the success rate of si joint fusion", "how_well"),
        ("will PT take the pain away?", "how_well"),
        ("what are the risks of fusion surgery", "risks"),
        ("what if the fusion fails", "risks"),
        ("how long is recovery after the surgery", "how_long"),
        ("when can I go back to work after fusion?", "recovery"),
        ("is it covered by insurance", "cost"),
        ("how do I wear the pelvic belt", "how_to_use"),
        ("heat or ice for SI pain?", "self_care"),
        ("will it go away on its own", "prognosis"),
        ("I'm 30 weeks pregnant, is SI pain normal?", "pregnancy"),
        ("is there any newer research on SI joint pain?", "research"),
        ("can this wait or should I go to the ER?", "urgency"),
        ("why does it hurt more when I get up from a chair?", "why"),
        ("¿por qué me duele más al sentarme?", "why"),
        ("where can I buy one?", "where_to_get"),
        ("¿dónde puedo comprar la faja?", "where_to_get"),
        ("what kind of surgeon does the fusion, ortho or neuro?", "who_to_see"),
        ("y a qué médico la llevo?", "who_to_see"),
        ("¿cuántos días de hospital son?", "procedure"),
        ("can the fusion be reversed?", "procedure"),
        ("does a chiropractor help SI pain?", "research"),
        ("which medications do they use for SI pain?", "medicines"),
        ("¿qué pastillas son buenas para esto?", "medicines"),
        ("is it ok to mix his pain pills with beer?", "medicines"),
        ("is there an age limit for the fusion? my dad's 84", "age"),
        ("¿Y la infiltración esa duele?", "procedure"),
        ("does the injection hurt?", "procedure"),
        ("does the injection into the SI joint hurt", "procedure"),
        ("can I drive home after the SI injection", "procedure"),
        ("is the SI injection the same as an epidural?", "comparison"),
        ("¿la infiltración es lo mismo que una epidural?", "comparison"),
        ("is it safe with blood thinners?", "medicines"),
        ("¿Dónde puedo conseguir una segunda opinión?", "who_to_see"),  # not where to buy a belt
        ("¿no está muy mayor para operarse?", "age"),
        ("is SI joint trouble something that runs in families?", "heredity"),
        ("¿eso se hereda?", "heredity"),
        ("how many of those shots can a person get per year?", "how_often"),
        ("¿cada cuánto me pueden poner la infiltración?", "how_often"),
        ("is the fusion a major operation?", "procedure"),
        ("¿la cirugía es una operación muy grande?", "procedure"),
        ("after the fusion will I be cured?", "how_well"),
        ("my doctor says I'm too young for this, is that right?", "age"),
        ("what questions should I ask the spine surgeon on Monday?", "appointment"),
        ("¿qué le pregunto al traumatólogo en la cita?", "appointment"),
        ("how do I prepare for my appointment with the specialist?", "appointment"),
    ],
)
def test_the_aspect_a_question_asks_about(text, aspect):
    assert aspect in read_message(text).aspects


@pytest.mark.parametrize(
    "text",
    [
        "mi vieja tiene dolor en la cola hace meses, le cuesta sentarse, qué puede ser?",  # hard, not a price
        "tengo la pompi dormida de tanto manejar, se me quita al bajar",  # goes away when ..., not "will it?"
        "estoy en silla de ruedas por otra cosa y me duele la zona sacra, puede ser esto?",
        "what does saddle anesthesia mean?",  # a warning sign, not the surgery's anaesthesia
        "¿qué es la anestesia en silla de montar?",
        "Mi hija de 22 baila ballet y le truena la cadera por atrás, ¿le hará daño?",  # a grown daughter
        "¿Que se te doble la pierna es síntoma de la sacroilíaca?",
        "I slipped on the ice at the bus stop, could that have caused this?",  # a fall, not an ice pack
        "¿por qué no me puedes decir si es la sacroilíaca?",  # about the assistant, not why it hurts
        "could you help me fill in a job application?",  # a request for help, not "will it help?"
    ],
)
def test_words_that_only_look_like_an_aspect(text):
    assert read_message(text).aspects == ()


def test_aspects_are_read_in_the_question_not_in_the_story():
    reading = read_message("I hurt my back lifting at the gym last year. Could it be my SI joint?")
    assert reading.own_case and reading.aspects == ()


@pytest.mark.parametrize(
    "text",
    [
        "I'm 30 weeks pregnant and my pelvis and lower back are agony when I turn in bed. What can I do?",
        "Desde que di a luz me duele la nalga izquierda al sentarme, ¿qué hago?",
    ],
)
def test_a_pregnancy_told_in_the_story_is_what_the_page_doesnt_say_first(text):
    reading = read_message(text)
    assert reading.own_case and reading.aspects[:1] == ("pregnancy",)


@pytest.mark.parametrize(
    "text, first",
    [
        ("can losing weight help SI joint pain?", "self_care"),
        ("does kinesiology tape work for SI?", "research"),
        ("¿Sirven las células madre para el sacroilíaco?", "research"),
    ],
)
def test_a_subject_the_page_never_mentions_comes_before_how_well_it_works(text, first):
    assert read_message(text).aspects[0] == first


def test_a_story_without_a_question_asks_nothing_but_a_short_message_is_its_own_question():
    assert question_sentences("i fell. it hurts a lot. my doctor said rest.") == []
    assert question_sentences("how long does it last") == ["how long does it last"]
    # A short question asks about the sentence before it; a request asks without a question mark.
    assert question_sentences("i fell. it hurts. how long") == ["it hurts.", "how long"]
    assert question_sentences("i fell. it hurts. please let me know what helps.") == ["please let me know what helps."]
    assert read_message("los médicos lo están viendo, solo quería saber si la fusión es una operación grande").asks


def test_a_story_stating_an_age_asks_nothing_about_age():
    assert "age" not in read_message("my mum is 70 and has had this ache for ages, what do we do").aspects


def test_medicines_are_noticed():
    assert read_message("I take ibuprofen 400mg, is that ok with SI pain?").medicines
    assert not read_message("does PT help?").medicines


def test_the_file_names_every_aspect_once(tmp_path: Path):
    data = yaml.safe_load(READING_FILE.read_text(encoding="utf-8"))
    assert sorted(data["aspects"]) == sorted(ASPECTS)
    del data["aspects"]["cost"]
    broken = tmp_path / "reading.yml"
    broken.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ReadingError, match="missing \\['cost'\\]"):
        load_reading_rules(broken)


def test_a_bad_pattern_is_reported_with_its_place(tmp_path: Path):
    data = yaml.safe_load(READING_FILE.read_text(encoding="utf-8"))
    data["aspects"]["risks"]["patterns"] = ["risk(s"]
    broken = tmp_path / "reading.yml"
    broken.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ReadingError, match="aspects: risks"):
        load_reading_rules(broken)


@pytest.mark.parametrize(
    "text, coming",
    [
        ("the ambulance is on its way, he cant feel his legs", True),
        ("we're at the ER now with my dad, chest pain", True),
        ("I called 911 already", True),
        ("911 already called, the ambulance is 5 minutes away", True),
        ("we have already phoned an ambulance for my mum", True),
        ("I was at the ER yesterday and they sent me home, now I cant feel my legs", False),
        ("should I call 911? my leg went numb", False),
        ("update: at urgent care now, they're starting antibiotics", True),
        ("my husband's driving me to the maternity unit now", True),
        ("he was admitted yesterday with a high fever, he's on IV antibiotics", True),
        ("my neighbour's driving me to A&E now", True),  # "&" read as "and"
        ("she's already driven me to A&E, we're in triage now", True),
        ("the home nurse is here and she's calling the doctor now", True),
        ("fine, husband's taking me", True),
        ("my husband is taking me to physio next week", False),
        ("my mum's in hospital after her fall, she's stable", True),
        ("already phoned 999 for my husband, they're ten minutes away", True),
        ("the paramedics are with my mum now", True),
        ("a neighbour has called an ambulance for him", True),
        ("it's on its way", True),
    ],
)
def test_help_already_coming_and_help_in_the_past(text, coming):
    assert read_message(text).help_coming is coming


@pytest.mark.parametrize(
    "text", ["no, that was 6 months ago", "nope", "that was years ago and it cleared up", "he doesnt have that"]
)
def test_corrections(text):
    assert read_message(text).correction


def test_a_new_sign_is_no_correction():
    assert not read_message("my legs went weak this morning").correction


@pytest.mark.parametrize(
    "text",
    [
        "no no, eso fue hace meses, ya me recupere",
        "perdon me equivoque, no tengo fiebre",
        "lol no that was like 15 years ago, he's fine now",
    ],
)
def test_corrections_in_spanish_and_in_passing(text):
    assert read_message(text).correction


@pytest.mark.parametrize(
    "text",
    [
        "Can SI joint problems ever cause incontinence?",
        "is it true numbness in the groin is an emergency with back pain?",
        "my physio asked about numbness in the groin - i haven't - why would she ask that?",
        "el doctor me pregunto si tenia fiebre y le dije que no, por que preguntan eso?",
        "¿el dolor de pecho puede venir de la sacroilíaca? es curiosidad",
        "si uno pierde el control de la orina, eso es grave?",
        "my mate had numbness down there. can SI problems do that?",
        "¿El dolor de la sacroilíaca se puede sentir en el pecho?",
        "¿qué tan fuerte tiene que ser una caída para dañarla?",
    ],
)
def test_a_sign_asked_about_is_general(text):
    assert read_message(text).general


@pytest.mark.parametrize(
    "text, coming",
    [
        ("ya llamamos al 911", True),
        ("la ambulancia ya viene en camino", True),
        ("debo llamar al 911?", False),
        ("mi mamá ya va en la ambulancia al hospital", True),
        ("mi marido ya está ingresado en el hospital por la caída", True),
        ("ya me va a llevar mi hijo a urgencias", True),
        ("ya llegaron, gracias", True),
        ("mi hermano viene a llevarme a urgencias", True),
        ("ok la vamos a llevar, gracias", True),
        ("mi hermano está en cuidados intensivos", True),
        ("mi esposo me va a llevar al doctor la próxima semana", False),
        ("ya llamé, vienen en camino", True),
        ("la ambulancia ya se lo llevó y voy detrás", True),
    ],
)
def test_help_already_coming_in_spanish(text, coming):
    assert read_message(text).help_coming is coming


@pytest.mark.parametrize(
    "text, types",
    [
        ("hey what are the symptoms of SI joint trouble", ("ask_symptoms",)),
        ("how do they actually figure out which one it is?", ("ask_diagnosis",)),
        ("¿Qué pruebas le harán?", ("ask_diagnosis",)),
        ("¿Se puede tratar sin operarse?", ("ask_treatments",)),
        ("what can I do besides surgery?", ("ask_treatments",)),
        ("while we wait, can a fall like that damage the SI joint?", ("ask_causes",)),
        ("¿Un choque de carro puede dejar dolor en la sacroilíaca?", ("ask_causes",)),
        ("cuando llegue qué le van a hacer para ver si es la sacroilíaca?", ("ask_diagnosis",)),
        ("my back hurts. my symptoms started after a fall. it got worse in may.", ()),  # a story asks nothing
    ],
)
def test_the_kind_of_question_its_words_name(text, types):
    assert read_message(text).question_types == types


def test_question_words_must_name_question_types(tmp_path):
    data = yaml.safe_load(READING_FILE.read_text(encoding="utf-8"))
    data["question_words"]["ask_horoscope"] = ["stars"]
    broken = tmp_path / "reading.yml"
    broken.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ReadingError, match="ask_horoscope"):
        load_reading_rules(broken)


def test_private_parts_are_not_a_privacy_question():
    assert not read_message("her bottom and private area feel numb").asks_privacy
    assert read_message("is this chat private?").asks_privacy


@pytest.mark.parametrize(
    "text, about_someone_else",
    [
        ("My dad gave his rifle to my uncle and told me we'd all be better off without him", True),
        ("my best friend texted me 'thanks for everything, I'm done' and now she won't answer. what do i do", True),
        ("Mi amiga se despidió de todos y no me contesta", True),
        ("soy la hija de la paciente. hoy le encontré cortes en las piernas", True),
        ("soy mamá de una chica de 16 y en su celular le encontré búsquedas de cómo morir", True),
        ("I'm a dad of a 14 year old and he told me he wants to die", True),
        ("I'm 81 and I am a burden to my daughter", False),
        ("i wrote letters to my kids last night", False),
        ("I want to kill myself", False),
    ],
)
def test_a_crisis_about_someone_else(text, about_someone_else):
    assert read_message(text).someone_else is about_someone_else


@pytest.mark.parametrize(
    "text, checked",
    [
        ("slipped on the stairs last week, my GP checked and said bruising. is the SI joint easy to hurt?", True),
        ("fell off my bike on monday, got it x rayed, nothing broken", True),
        ("I fell off a ladder an hour ago and haven't been checked", False),
        ("I fell off a ladder an hour ago", False),
    ],
)
def test_an_injury_already_checked(text, checked):
    assert read_message(text).already_checked is checked


@pytest.mark.parametrize(
    "text, own_case",
    [
        ("I've had SI pain for years. What treatments are there?", False),  # a general question after a story
        ("where does the 30% come from? I want to read the study", False),
        ("why is it so hard to tell if it's the SI joint or something else?", False),
        ("I've had buttock pain for months. What could cause this?", True),  # about their case
        ("my mum can't sit for long, is that normal?", True),
        ("I have had SI pain for 3 years and nothing helps", True),  # a story without a question
    ],
)
def test_own_case_is_read_in_what_the_message_asks(text, own_case):
    assert read_message(text).own_case is own_case


def test_an_adult_age_is_no_question_about_children():
    assert (
        "children"
        in read_message("my 15 year old has SI pain, how long does it last?").aspects
        + read_message("is SI pain common in a 15 year old?").aspects
    )
    assert "children" not in read_message("I'm a 29 year old mom 3 months postpartum, is this my SI joint?").aspects


@pytest.mark.parametrize(
    "before, left_out",
    [
        ("what are the options other than ", True),
        ("long story short, I do NOT want ", True),
        ("hey so what can they do for SI joint pain besides ", True),
        ("fine, what else besides ", True),
        ("is there a way to avoid ", True),
        ("what can I try instead of an ", True),
        ("what is ", False),
        ("my doctor wants ", False),
        ("does the belt work better than ", False),
        ("I had no falls. is ", False),
    ],
)
def test_words_before_a_mention_that_leave_it_out(before, left_out):
    assert reading_rules().leaves_out(before) is left_out


@pytest.mark.parametrize(
    "text, own_case, aspects, help_coming",
    [
        ("mi mama tiene dolor en la nalga, sera la sacroiliaca?", True, (), False),
        ("Tengo dolor desde hace años. ¿Cuáles son los tratamientos?", False, (), False),
        ("cuanto cuesta la fusion y lo cubre el seguro?", False, ("cost",), False),
        ("ya viene la ambulancia", False, (), True),
        ("what does the fusion cost?", False, ("cost",), False),
    ],
)
def test_spanish_messages_are_read_with_the_spanish_rules_and_english_ones_as_before(
    text, own_case, aspects, help_coming
):
    reading = reading_rules().read(text)
    assert (reading.own_case, reading.aspects, reading.help_coming) == (own_case, aspects, help_coming)


def test_what_the_page_does_not_say_is_said_in_the_reply_s_language():
    rules = reading_rules()
    assert rules.not_said("cost", "SI joint fusion", "en").startswith("anything about the cost of SI joint fusion")
    assert rules.not_said("cost", "fusión sacroilíaca", "es").startswith("nada sobre el costo de fusión sacroilíaca")
    assert rules.not_said("how_long", None, "fr") == rules.not_said("how_long", None, "en")


def test_a_request_for_help_with_the_insurance_is_no_general_question():
    assert not read_message("mi pregunta es si ustedes me pueden ayudar con el seguro").general


@pytest.mark.parametrize(
    "text, reaches_out, asks_who",
    [
        ("ok. I'll call my sister and tell her", True, False),
        ("voy a llamar a mi hermana", True, False),
        ("no sé a quién llamar", False, True),
        ("who do I even call", False, True),
        ("I don't want a hotline. I just want the pain to stop", False, False),
    ],
)
def test_what_a_patient_says_after_crisis_advice(text, reaches_out, asks_who):
    reading = read_message(text)
    assert (reading.reaches_out, reading.asks_who_to_call) == (reaches_out, asks_who)


@pytest.mark.parametrize(
    "text, asks_how_to_help",
    [
        ("what do I even say to her?", True),
        ("how can I help him", True),
        ("ok, she's with me now", True),
        ("¿qué le digo?", True),
        ("ya está conmigo", True),
        ("what do you mean by instability?", False),
    ],
)
def test_a_parent_asking_how_to_help_after_crisis_advice(text, asks_how_to_help):
    assert read_message(text).asks_how_to_help is asks_how_to_help


@pytest.mark.parametrize(
    "text",
    [
        "since im on messenger are you sharing my health info with facebook??",
        "¿se va a enterar mi jefe?",
        "hang on, is everything I typed being kept somewhere? I don't want my boss finding out",
        "before we start, does this chat get stored?",
        "¿me pueden enviar esta conversación a mi correo?",
        "can you forward this conversation to my physio?",
    ],
)
def test_questions_about_who_gets_the_chat_are_privacy_questions(text):
    assert read_message(text).asks_privacy


def test_someone_asking_if_they_should_do_something_is_asking():
    assert read_message("she's asking if she should take her pain tablets now").asks


@pytest.mark.parametrize(
    "text, question",
    [
        ("are you going to sell my info to insurance companies??", "who_sees"),
        ("¿Venden mis datos a las aseguradoras?", "who_sees"),
        ("si te mando foto de mi resonancia, ¿quién la ve?", "records"),
        ("will you remember me next time I come back?", None),
        ("¿eso que te dije queda guardado?", None),
        ("¿y esto lo ve alguien más?", None),
        ("is it safe to tell you my symptoms?", None),  # not a question about the risks of a treatment
        ("will my doctor or the company see this conversation?", "who_sees"),
        ("are you recording this conversation", None),
        ("is this anonymous? i dont want anyone knowing about my bladder stuff", None),
    ],
)
def test_privacy_questions_in_other_words(text, question):
    reading = read_message(text)
    assert reading.asks_privacy and reading.privacy_question == question


@pytest.mark.parametrize(
    "text, unrelated",
    [
        ("can you write me a cover letter", True),
        ("give me a lasagne recipe", True),
        ("hazme un poema", True),
        ("does cold weather make SI pain worse?", False),
        ("mi mamá se queja de dolor de cadera", False),
    ],
)
def test_a_request_for_something_else_entirely(text, unrelated):
    assert read_message(text).unrelated_request is unrelated


def test_a_link_asked_for_in_spanish():
    assert read_message("mandame el link").asks_link


def test_a_long_story_is_classified_by_its_last_sentences_where_its_question_is():
    story = "My lower back has hurt on the right since the accident and sitting makes it worse. " * 30
    text = story + "Is this my SI joint?"
    part = classified_part(text)
    assert len(text) > MAX_CLASSIFIED_CHARS >= len(part)
    assert part.endswith("Is this my SI joint?") and part.startswith("My lower back")


def test_a_question_about_something_in_the_story_is_classified_with_the_story():
    text = "Had a lumbar fusion L4-S1 in 2020, now the pain is lower down in my buttock. Is the fusion to blame?"
    assert question_focus(text) == text
    assert question_focus("Just got told I have SI joint pain. What are the treatments?") == "What are the treatments?"


@pytest.mark.parametrize(
    "text, sign",
    [
        # A remark before the story does not stand down what the story reports.
        (
            "The doctor says it may be from the SI joint. Last night he fell in the shower and can't walk. "
            "What happens to people who already had a lumbar fusion?",
            "he fell in the shower",
        ),
        # "He says he's fine" is his word after the fall, not a report that all is well.
        ("Both his legs gave way and he fell. He says he's fine, let's wait. Is that normal?", "legs gave way"),
        ("Las dos piernas no le respondieron. Dice que está bien, que esperemos. ¿Es normal?", "no le respondieron"),
    ],
)
def test_a_sign_reported_in_a_story_is_not_asked_about_in_general(text, sign):
    assert not reading_rules().general_about(text, [sign])


@pytest.mark.parametrize(
    "text, sign",
    [
        ("Numbness in the groin, that's the one to watch for, right? I don't have it.", "numbness in the groin"),
        (
            "Two years ago I had trouble peeing. Bladder and feeling came fully back and have been normal since.",
            "trouble peeing",
        ),
    ],
)
def test_a_sign_watched_for_or_gone_is_asked_about_in_general(text, sign):
    assert reading_rules().general_about(text, [sign])


def test_medicines_named_only_in_the_story_are_not_asked_about():
    assert not read_message("My dog ate one of my pain pills, he is fine. Can dogs get SI joint problems?").medicines


def test_a_check_counts_only_when_told_with_or_after_the_sign():
    rules = reading_rules()
    before = "Lo operaron de fusión lumbar en 2015. Ayer en la noche se cayó en la regadera y no puede caminar."
    assert not rules.checked_after(before, ["se cayó en la regadera"])
    after = "He fell off the ladder yesterday. The ER x-rayed him and said nothing was broken."
    assert rules.checked_after(after, ["fell off the ladder"])


@pytest.mark.parametrize(
    "text, small_talk",
    [
        ("g'day from Brisbane 🐨 you still up?", "greet"),
        ("anyone there??", "greet"),
        ("hi, could you help me with a quick question?", "greet"),
        ("¿sigues ahí?", "greet"),
        ("ok thanks, that helps a lot", "thanks"),
        ("cheers mate, appreciate it", "thanks"),
        ("vale, muchas gracias, muy amable", "thanks"),
        ("right, that's me done for today", "goodbye"),
        ("bueno, hasta luego", "goodbye"),
        ("which languages does this bot speak?", "asks_languages"),
        ("¿contestas en inglés?", "asks_languages"),
    ],
)
def test_a_message_that_is_only_small_talk(text, small_talk):
    assert read_message(text).small_talk == small_talk


@pytest.mark.parametrize(
    "text",
    [
        "thanks, and what causes it?",
        "hi, my groin has been numb since this morning",
        "can you help me with my tax return",
        "I'm done with this pain",
        "night sweats and back pain",
        "gracias, ¿y la faja sirve?",
    ],
)
def test_small_talk_with_something_else_in_it_is_not_small_talk(text):
    assert read_message(text).small_talk is None


# From blind sets v23 and es12 (their kinds, in new words).
@pytest.mark.parametrize(
    "text, aspect",
    [
        ("¿y duele?", "procedure"),
        ("¿hay información más reciente?", "research"),
        ("is there anything more recent?", "research"),
        ("ok, ¿y cuál sería mejor?", "comparison"),
        ("¿me la puedo poner para dormir?", "how_to_use"),
        ("how many hours a day is it worn?", "how_to_use"),
        ("¿me quedaría renga?", "risks"),
        ("and after that?", "recovery"),
        ("¿y luego?", "recovery"),
    ],
)
def test_a_short_follow_up_asks_an_aspect(text, aspect):
    assert aspect in read_message(text).aspects


@pytest.mark.parametrize(
    "text, coming",
    [
        ("ok, llamo ya", True),
        ("listo, lo llevamos", True),
        ("my son's driving me in now", True),
        ("my son is driving me to the clinic on Friday", False),
    ],
)
def test_acting_on_urgent_advice_is_help_coming(text, coming):
    assert read_message(text).help_coming is coming


@pytest.mark.parametrize(
    "text",
    [
        "Can back pain with a fever be serious? I don't have either, just reading up.",
        "¿qué pasa si hay pérdida de control de la vejiga? no es mi caso, estudio enfermería",
    ],
)
def test_more_ways_to_ask_about_a_sign_in_general(text):
    assert read_message(text).general


def test_the_page_named_in_a_story_is_no_general_question():
    story = "My foot drags more every day. I reckon it's my SI joint like the page says. Should I rest?"
    assert not read_message(story).general
    assert read_message("the page says it can cause leg pain, is that so?").general


def test_someone_in_a_question_is_no_request_for_a_person():
    assert not read_message("is the surgery ok for someone who is 90?").asks_for_a_person
    assert read_message("is there someone I can talk to?").asks_for_a_person


def test_a_private_health_fund_is_no_privacy_question():
    assert not read_message("my private health fund covers part of it, what are the risks?").asks_privacy


def test_not_wanting_to_burden_anyone_after_crisis_advice_is_refusing_help():
    assert read_message("i don't want to burden anyone with it").refuses_help
    assert read_message("no quisiera preocupar a mi familia").refuses_help


def test_a_what_is_that_question_after_a_sentence_naming_the_si_joint():
    assert read_message("The nurse said my sacroiliac joint. What is it?").question_types == ("ask_si_joint",)


@pytest.mark.parametrize(
    "text, for_now",
    [
        ("i won't do anything today, i just had to tell someone", True),
        ("esta noche no me voy a hacer nada", True),
        ("no, I'm not going to hurt myself, I'm just worn out", False),
        ("no pienso hacerme daño, solo estoy agotada", False),
    ],
)
def test_a_no_after_crisis_advice_that_holds_only_for_now(text, for_now):
    assert read_message(text).only_for_now is for_now


@pytest.mark.parametrize(
    "text, had_fusion",
    [
        ("had my SI fusion 6 weeks ago and it still aches, normal?", True),
        ("since my fusion I can't sit for long", True),
        ("me operaron de fusión sacroilíaca hace un mes", True),
        ("my surgeon wants to do the fusion in March", False),
        ("should I have the fusion?", False),
        ("I had a lumbar fusion in 2018", False),  # the spine's, not the SI joint's
    ],
)
def test_someone_who_already_had_a_fusion(text, had_fusion):
    assert read_message(text).had_fusion is had_fusion


@pytest.mark.parametrize(
    "text, coming",
    [
        ("ok midwife said to come in, we're going now", True),
        ("the GP said to go straight in, we're leaving now", True),
        ("my midwife said to come in next week for a check", False),
    ],
)
def test_told_to_come_in_and_on_the_way_is_help_coming(text, coming):
    assert read_message(text).help_coming is coming


def test_quotations_are_what_someone_said_not_the_apostrophes_of_a_word():
    assert quoted_words("she wrote 'nobody would notice if I was gone' in her notebook") == (
        "nobody would notice if i was gone"
    )
    assert quoted_words("she's been cutting her legs and doesn't want to be alive") == ""


@pytest.mark.parametrize(
    "text, asks",
    [
        ("Does SI joint pain ever cause loss of bladder control, or is that something else?", True),
        ("is numbness down there a symptom of SI?", True),
        ("¿El dolor sacroilíaco puede causar que uno no controle la orina?", True),
        ("what does the SI joint do?", False),
        ("I lost control of my bladder this morning", False),
        ("si un día no controlo la orina, ¿sería por la sacroilíaca?", True),
        ("no tengo fiebre, solo me duele la nalga al sentarme. ¿Es de la sacroilíaca?", False),
        ("no chills, no sweats. what percentage of low back pain comes from the SI joint?", False),
    ],
)
def test_a_question_whether_the_si_joint_causes_something(text, asks):
    assert read_message(text).asks_if_si_causes is asks


@pytest.mark.parametrize(
    "previous, last_reply, turned_down",
    [
        ("I don't want an ambulance, it's embarrassing", "Please get medical help now", True),
        ("no exageres, son solo ibuprofenos", "Esto no puede esperar a que yo le dé más información. Busque", True),
        ("ok, calling now", "Please get medical help now", False),
    ],
)
def test_urgent_advice_turned_down(previous, last_reply, turned_down):
    assert advice_turned_down(previous, last_reply) is turned_down


@pytest.mark.parametrize(
    "text, animal",
    [
        ("my old collie's back legs keep giving out, is it her SI joint?", True),
        ("does SI fusion work in horses?", True),
        ("mi perrita arrastra las patas de atrás, ¿puede ser la sacroilíaca?", True),
        ("got thrown off my horse at the show today and landed on my pelvis", False),
        ("my horse fell at a fence and I broke my pelvis", False),
        ("Me tumbó el caballo esta mañana y caí de nalgas", False),
        ("Hace 5 años tuve síndrome de cola de caballo", False),
    ],
)
def test_a_question_about_an_animal(text, animal):
    assert read_message(text).about_an_animal is animal


@pytest.mark.parametrize(
    "text, kind",
    [
        ("are you a real person?", "bot_challenge"),
        ("¿eres doctor?", "bot_challenge"),
        ("buenas, ¿con quién hablo?", "bot_challenge"),
        ("¿entonces para qué sirves?", "ask_capabilities"),
        ("what can you help with", "ask_capabilities"),
        ("is it a bad sign if my leg is numb", None),
    ],
)
def test_a_question_about_the_assistant(text, kind):
    assert read_message(text).about_the_assistant == kind


@pytest.mark.parametrize(
    "text, aspects",
    [
        (
            "does physio actually work, how much does it cost and how many sessions would I need?",
            ("how_well", "cost", "how_long"),
        ),
        ("how long does it take to recover from SI fusion", ("how_long",)),
        (
            "1) what's a diagnostic injection 2) does it hurt 3) how long does the relief last",
            ("procedure", "how_long"),
        ),
    ],
)
def test_the_aspects_each_part_of_a_question_asks(text, aspects):
    assert reading_rules().separate_aspects(read_message(text).question) == aspects


def test_questions_in_parts_separated_by_commas():
    text = "what causes it, how do they test it and is the fusion permanent?"
    assert reading_rules().separate_questions(text) == ("ask_causes", "ask_diagnosis")
