"""Wording of the messages the actions compose around knowledge entries (no medical facts here)."""

from actions import prompts_es

NOT_COVERED = (
    "The information I have doesn't cover that. On {topic}, it covers {covered}. "
    "A health care professional can answer questions about your own situation."
)
SOURCE_OF_ANSWER = "My answer about {title} comes from {citation}."
ALL_SOURCES = "My answers come from {citations}."
LEARN_MORE = "Learn more: {url}"
NO_LINK = (
    "I don't have a web address to give you here. My answers come from {citation}; a health care "
    "professional can point you to more reading."
)
# Items named together are answered one at a time (a chat bubble is not a page): the rest as options.
ALSO_NAMED = "You also mentioned {items}: choose {which} from the options below to read about {them}."
SAID_AGAIN = "That's all the page says about {title}:"
NO_MORE_DETAILS = (
    "That's all the information I have about {title}. "
    "A health care professional can tell you more about your own situation."
)
NOT_COVERED_ABOUT = (
    "The information I have doesn't cover that about {title}, so I can't answer it reliably. "
    "A health care professional can answer it for your situation."
)
# Follow-ups the page does not answer, said about the topic they refer to.
NOT_RANKED = (
    "The page lists the {group} without ranking them, and it doesn't say which one is most common "
    "or most likely. A health care professional can tell you what applies in your situation."
)
NOT_RANKED_ANY = (
    "The page doesn't rank the causes, symptoms or treatments it lists, or say which one is most "
    "common. A health care professional can tell you what applies in your situation."
)
COMPARISON_NOT_ON_PAGE = (
    "The page doesn't compare SI joint pain with {other} directly, so I can't tell them apart for you. "
    "Here is what it does say:"
)
# "The second one" with no list in the conversation, or past its end.
WHICH_LIST = "Which list do you mean? Ask me about the causes, the symptoms, the tests or the treatments first."
NO_SUCH_ITEM = "The page lists {count} {group}. Which one would you like to read about?"
# A request for personal advice, with something named that the page covers (the rest of the reply).
CANNOT_ADVISE = (
    "I'm sorry, I can't tell whether you have an SI joint problem, and I can't recommend a treatment, a "
    "medicine or a dose for you: only a health care professional who examines you can, and a pharmacist "
    "can help with medicines. Here is what the page says about what you mentioned."
)
# Composed replies (actions/composed_replies.py): their own case, and what the page doesn't say.
NOT_SAID = "The page doesn't say {what}."
WHAT_THE_PAGE_SAYS = "What it does say:"
NOT_ANSWERED = "The page I answer from doesn't answer that question."
NOT_MENTIONED = "The page I answer from doesn't mention {words}, so it can't answer that."
CANNOT_ASSESS = "I can't assess your situation, or anyone else's, from a chat."
LIKE_OTHER_BACK_PAIN = (
    "SI joint pain can feel like other low back pain, so a health care professional needs to find the source."
)
WHO_TO_ASK = "Your doctor, or the professional treating you, can answer it."
WHO_TO_ASK_MEDICINES = "Your doctor, or a pharmacist, is the right person to ask about medicines and doses."
CANNOT_TELL_IF_IT_CAN_WAIT = (
    "I can't tell you whether this can wait. Get medical help right away (call {emergency_number} or go "
    "to the nearest emergency department) if there is {warnings}. Otherwise, your doctor's office can "
    "tell you how soon to be seen."
)
UNSURE_BUT_NAMED = "I'm not sure I understood your question, but here is what I can tell you about what you mentioned:"

# Emergencies. The warning-sign advice itself is in safety/emergency_signs.yml; numbers in settings.
EMERGENCY_FIRST = (
    "Please get medical help now: call {emergency_number} or go to the nearest emergency department. {advice}"
)
CRISIS_FIRST = (
    "{advice} If you are thinking about suicide or harming yourself, please {crisis_line} now. "
    "If you might act on these thoughts or are in danger, call {emergency_number} now."
)
# When the message is about someone else ("my dad said we'd be better off without him").
CRISIS_FIRST_SOMEONE_ELSE = (
    "{advice} If the person you're writing about may act on thoughts of suicide or is in danger, call "
    "{emergency_number} now and stay with them if you can. For help, for them or for yourself, {crisis_line}."
)
EMERGENCY_UNSPECIFIED = "What you describe may need urgent medical care."
CRISIS_ANY = "If you are thinking about suicide or harming yourself, please {crisis_line} now."
POSSIBLE_EMERGENCY = (
    "If you, or the person you're writing about, have {warning}, please get medical help now: call "
    "{emergency_number} or go to the nearest emergency department."
)
POSSIBLE_CRISIS = (
    "If you, or the person you're writing about, are having {warning}, please {crisis_line} now, or call "
    "{emergency_number} if there is any danger. You don't have to face this alone."
)
HELP_ON_THE_WAY = (
    "Getting emergency help is the right thing to do. Follow what the emergency team tells you, and tell "
    "them everything you've noticed; they can answer questions about this situation far better than I can."
)
STAND_DOWN = (
    "Thanks for correcting me. If that is not happening now, this isn't the emergency I warned about. "
    "If you ever have {warning}, get medical help right away ({emergency_number} or the nearest "
    "emergency department). A health care professional can look at what happened before."
)
# A fall a professional has already checked ("my GP checked, just bruising"): what to watch for.
INJURY_ALREADY_CHECKED = (
    "It's good that it was checked. If the pain gets much worse, or you notice {warnings}, get medical "
    "help right away ({emergency_number} or the nearest emergency department)."
)
ANY_WARNING_SIGN = "warning signs"
CRISIS_STILL_HERE = (
    "Thank you for telling me, and I'm glad you said it. Pain that goes on and on is exhausting. If "
    "those thoughts come back or get stronger, please {crisis_line}: you don't have to face this alone. "
    "I'm here for questions about the SI joint whenever you want."
)
EMERGENCY_AGAIN = "This can't wait for more information from me."
RED_FLAGS = (
    "If back pain comes with any of these, get medical help now (call {emergency_number} or go to the "
    "nearest emergency department): {warnings}."
)
RED_FLAGS_OTHERWISE = "{crisis} Otherwise, a health care professional can help find the source of your pain."
RED_FLAGS_CRISIS = "For {warning}, {crisis_line} now."
EMERGENCY_LAST = (
    "I'm an automated assistant and can't assess symptoms, so please don't wait for an appointment "
    "or for more information from me. (Numbers for the {emergency_region}; if you are elsewhere, call your "
    "local emergency number.)"
)

# Did-you-mean labels: intent the classifier suggested -> (intent the button asks, its label).
DID_YOU_MEAN = {
    "ask_si_joint": ("ask_si_joint", "What the SI joint is"),
    "ask_causes": ("ask_causes", "Causes of SI joint pain"),
    "ask_cause_check": ("ask_causes", "Causes of SI joint pain"),
    "ask_symptoms": ("ask_symptoms", "Symptoms of SI joint pain"),
    "ask_symptom_check": ("ask_symptoms", "Symptoms of SI joint pain"),
    "ask_prevalence": ("ask_prevalence", "How common SI joint pain is"),
    "ask_source": ("ask_source", "Where my information comes from"),
    "ask_who_can_help": ("ask_who_can_help", "Who can help with SI joint pain"),
    "ask_diagnosis": ("ask_diagnosis", "How SI joint pain is diagnosed"),
    "ask_diagnosis_check": ("ask_diagnosis", "How SI joint pain is diagnosed"),
    "ask_treatments": ("ask_treatments", "Treatment options"),
    "ask_treatment_check": ("ask_treatments", "Treatment options"),
    "ask_fusion_candidate": ("ask_fusion_candidate", "When fusion surgery may be an option"),
    "ask_implants": ("ask_implants", "Alevio's implants"),
    "ask_comparison": ("ask_comparison", "SI joint pain and other back pain"),
    "ask_fusion_surgery": ("ask_fusion_surgery", "What kind of surgery fusion is"),
    "ask_human": ("ask_human", "Talk to a person"),
    "start_self_check": ("start_self_check", "Go through the symptoms (self-check)"),
}
DID_YOU_MEAN_QUESTION = "Sorry, I'm not sure I understood. Did you mean one of these?"
SOMETHING_ELSE = "Something else"
ASK_REPHRASE_FIRST = (
    "Sorry, I didn't understand that. Could you say it another way? For example: "
    '"What are the symptoms?" or "How is SI joint pain treated?"'
)
ASK_REPHRASE = (
    "Sorry, I still didn't understand. Could you say it another way? For example: "
    '"What are the symptoms?" or "How is SI joint pain treated?"'
)
GIVE_UP = (
    "I'm sorry, I can't help with that one. These are the topics I can explain. For anything else, "
    "or for questions about your own health, please talk to a health care professional."
)
INPUT_PROBLEMS = {
    "empty": "I didn't get any text. What would you like to know about the SI joint?",
    "no_words": ("I can only read words, not symbols or emoji. What would you like to know about the SI joint?"),
    "too_long": (
        "That message is too long for me to read ({length:,} characters). Please send your question "
        "in a shorter message, up to {limit:,} characters."
    ),
    "unknown_words": ASK_REPHRASE_FIRST,
    "other_language": (
        "If you or someone else may be having an emergency, call {emergency_number} now. Sorry, I can only "
        "understand and answer in English. Please ask your question in English, or talk to a health care "
        "professional in your language."
    ),
    "spanish": prompts_es.OTHER_LANGUAGE,
}

# Said first to a message in a language the assistant does not serve, when it can tell which.
EMERGENCY_LINE_IN = {
    "fr": "En cas d'urgence, appelez le {emergency_number} maintenant.",
    "de": "Im Notfall rufen Sie jetzt die {emergency_number} an.",
    "pt": "Em caso de emergência, ligue agora para o {emergency_number}.",
    "it": "In caso di emergenza, chiami subito il {emergency_number}.",
    "nl": "Bel bij een noodgeval nu {emergency_number}.",
}

# Hand-off to people.
CONTACT_CONFIGURED = "You can reach a person at the company here:"
CONTACT_NOT_CONFIGURED = (
    "The information I have doesn't include the company's phone number or email address, so I won't "
    "guess one. Please use the contact page on the company's website to reach a person."
)
CONTACT_LINES = {
    "contact_phone": "Phone: {value}",
    "contact_email": "Email: {value}",
    "contact_page_url": "Contact page: {value}",
}
FIND_PROVIDER = "To find a health care professional who treats SI joint pain: {value}"
FIND_PROVIDER_NOT_CONFIGURED = (
    "To find a health care professional for your pain, your own doctor is a good place to start."
)
CONTACT_EMERGENCY = "In an emergency, call your local emergency number."

# Symptom self-check.
SELF_CHECK_INTRO = (
    "Let's go through the {count} symptoms of SI joint pain listed on the page, one at a time. "
    "Answer yes, no or not sure, or in your own words. At the end you get a summary to take to "
    "your appointment. This is not a test: it can't tell whether you have SI joint dysfunction. "
    'Type "stop" at any time to end it.'
)
SELF_CHECK_QUESTION = "Question {number} of {count}: {question}"
SELF_CHECK_UNREADABLE = "I couldn't read that answer. Please answer yes, no or not sure."
SELF_CHECK_NOT_UNDERSTOOD = (
    "Sorry, I didn't understand that during the self-check. Please answer yes, no or not sure, or "
    'type "stop" to end it.'
)
SELF_CHECK_SUMMARY_HEAD = "Thank you. Here is what you told me, to take to your appointment:"
SELF_CHECK_SUMMARY_TAIL = (
    "This summary is not a diagnosis. SI joint pain can feel like pain from other sources, and only "
    "a health care professional who examines you can find the source of your pain. To delete this "
    'conversation, your answers included, say "delete my conversation".'
)
SELF_CHECK_STOPPED = (
    "OK, I've stopped the self-check. You can ask me anything else about the SI joint, or say "
    '"delete my conversation" to delete your answers.'
)
SELF_CHECK_ANSWER_LABELS = {"yes": "Yes", "no": "No", "not sure": "Not sure"}

STARTING_OVER = "OK, let's start over. I've deleted our conversation so far."
CONVERSATION_DELETED = (
    "Done: I've deleted this conversation from the assistant's records. Your screen may still show "
    "it until you close the chat (or delete it in your messaging app). You can start again any time."
)
PRIVACY_NOTICE = (
    "What this chat keeps: the messages of this conversation, so that I can follow it, filed under a "
    "random code, not your name or phone number. They are deleted {days} days after your last "
    'message, or straight away when you say "delete my conversation". The server\'s logs never '
    "contain what you write. If you use a messaging app, it keeps its own copy under its own terms."
)
PRIVACY_PAGE = "The company's privacy notice: {url}"
