from tests.live_reply_rules import web_chat_replies_keep_the_reply_rules  # noqa: F401 - used by every test here
