"""Spanish wording of the emergency replies and of the language notice (actions/prompts.py has the
English; the same names, the same placeholders; tests/test_prompts_es.py checks both). A translation
for the company's medical review, like safety/emergency_signs.es.yml."""

EMERGENCY_FIRST = (
    "Busque ayuda médica ahora: llame al {emergency_number} o vaya a la sala de emergencias más cercana. {advice}"
)
CRISIS_FIRST = (
    "{advice} Si está pensando en el suicidio o en hacerse daño, por favor {crisis_line} ahora. "
    "Si pudiera actuar según esos pensamientos o está en peligro, llame al {emergency_number} ahora."
)
CRISIS_FIRST_SOMEONE_ELSE = (
    "{advice} Si la persona de quien escribe pudiera actuar según pensamientos de suicidio o está en "
    "peligro, llame al {emergency_number} ahora y quédese con ella si puede. Para pedir ayuda, para esa "
    "persona o para usted, {crisis_line}."
)
EMERGENCY_UNSPECIFIED = "Lo que describe puede necesitar atención médica urgente."
CRISIS_ANY = "Si está pensando en el suicidio o en hacerse daño, por favor {crisis_line} ahora."
POSSIBLE_EMERGENCY = (
    "Si usted, o la persona de quien escribe, tiene {warning}, busque ayuda médica ahora: llame al "
    "{emergency_number} o vaya a la sala de emergencias más cercana."
)
POSSIBLE_CRISIS = (
    "Si usted, o la persona de quien escribe, tiene {warning}, por favor {crisis_line} ahora, o llame al "
    "{emergency_number} si hay algún peligro. No tiene que pasar por esto a solas."
)
HELP_ON_THE_WAY = (
    "Buscar ayuda de emergencia es lo correcto. Siga lo que le indique el equipo de emergencias y "
    "cuénteles todo lo que haya notado; ellos pueden responder sus preguntas mucho mejor que yo."
)
STAND_DOWN = (
    "Gracias por aclararlo. Si eso no está pasando ahora, no es la emergencia de la que le advertí. "
    "Si alguna vez tiene {warning}, busque ayuda médica de inmediato ({emergency_number} o la sala de "
    "emergencias más cercana). Un profesional de la salud puede revisar lo que pasó antes."
)
INJURY_ALREADY_CHECKED = (
    "Qué bueno que ya lo revisaron. Si el dolor empeora mucho, o nota {warnings}, busque ayuda médica de "
    "inmediato ({emergency_number} o la sala de emergencias más cercana)."
)
ANY_WARNING_SIGN = "señales de alarma"
CRISIS_STILL_HERE = (
    "Gracias por contármelo. Un dolor que no se va es agotador. Si esos pensamientos vuelven o se hacen "
    "más fuertes, por favor {crisis_line}: no tiene que pasar por esto a solas."
)
EMERGENCY_AGAIN = "Esto no puede esperar a que yo le dé más información."
RED_FLAGS = (
    "Si el dolor de espalda viene con cualquiera de estas señales, busque ayuda médica ahora (llame al "
    "{emergency_number} o vaya a la sala de emergencias más cercana): {warnings}."
)
RED_FLAGS_OTHERWISE = "{crisis} Si no, un profesional de la salud puede ayudar a encontrar el origen de su dolor."
RED_FLAGS_CRISIS = "Si tiene {warning}, {crisis_line} ahora."
EMERGENCY_LAST = (
    "Soy un asistente automático y no puedo evaluar síntomas, así que no espere a una cita ni a que yo le "
    "dé más información. (Números para {emergency_region}; si está en otro país, llame al número de "
    "emergencias local.)"
)
# Until the assistant answers in Spanish (issue 20): what it can do, and the emergency number first.
OTHER_LANGUAGE = (
    "Si usted o alguien tiene una emergencia, llame al {emergency_number} ahora. Por ahora solo puedo "
    "responder preguntas en inglés. Un profesional de la salud puede responder sus preguntas en español."
)
