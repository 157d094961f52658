"""How much work one message may cost, so that no message can slow the service for others.

- A request body is at most REQUEST_MAX_BYTES (Sanic's REQUEST_MAX_SIZE, socket.io's buffer);
  larger ones get HTTP 413 before they are read. Only Rasa may call the action server (with its
  token), with up to ACTION_CALL_MAX_BYTES.
- A message is at most MAX_SCREENED_CHARS characters. Every channel refuses a longer one before
  any processing, with `too_long_reply` (which names the emergency number), so the emergency screen
  sees every character of every message it is given, in time linear in its length.
- A message of up to MAX_ANSWERED_CHARS characters is answered: a patient's story of years, with
  its question at the end, is often over 1,000. The classifier reads at most MAX_CLASSIFIED_CHARS of
  it: its question sentences, or its last sentences (si_joint/message_reading.py, `classified_part`).
  A longer message is answered with a request for a shorter question (after the emergency screen
  has read it whole).
"""

from __future__ import annotations

REQUEST_MAX_BYTES = 64 * 1024
# Rasa's calls to the action server carry the conversation's live tracker: its recent turns, every
# answer with its text and buttons. Twenty long answers passed 64 KB, and the 20th got "try again".
ACTION_CALL_MAX_BYTES = 4 * 1024 * 1024
MAX_SCREENED_CHARS = 20_000
MAX_CLASSIFIED_CHARS = 1_000
MAX_ANSWERED_CHARS = 6_000


def too_long_reply(length: int, emergency_number: str) -> str:
    return (
        f"Your message is too long for me to read ({length:,} characters; I can read up to "
        f"{MAX_SCREENED_CHARS:,}). If you or someone you care for might need urgent help, call "
        f"{emergency_number} or go to the nearest emergency department now. Otherwise, please send "
        "a shorter question."
    )
