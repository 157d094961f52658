"""Wording of the messages the actions compose around knowledge entries (no medical facts here)."""

NOT_COVERED = (
    "The information I have doesn't cover that. On {topic}, it covers {covered}. "
    "A health care professional can answer questions about your own situation."
)
SOURCE_OF_ANSWER = "My answer about {title} comes from {citation}."
ALL_SOURCES = "My answers come from {citations}."
LEARN_MORE = "Learn more: {url}"
NO_MORE_DETAILS = (
    "That's all the information I have about {title}. "
    "A health care professional can tell you more about your own situation."
)
NOT_UNDERSTOOD = "Sorry, I didn't quite understand that. Could you rephrase it?"
UNSURE_BUT_NAMED = "I'm not sure I understood your question, but here is what I can tell you about what you mentioned:"
