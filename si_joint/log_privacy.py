"""Keeps patients' words out of every log line and warning, at every level.

Each channel handles a message inside `patient_text(text)`; while it runs, every log record and
warning created in that task (Rasa's, the libraries', ours) has the message's text replaced by
[patient text]. Records are redacted when they are created, before any handler sees them, so it
holds for every handler and log file. Channels and actions also avoid logging text at all: this is
the net under them, not the only guard.
"""

from __future__ import annotations

import logging
import warnings
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator, Tuple

REDACTED = "[patient text]"
MIN_REDACTED_CHARS = 4  # shorter texts ("hi", "1") are not personal and would garble every line

_patient_texts: ContextVar[Tuple[str, ...]] = ContextVar("patient_texts", default=())
_installed = False


@contextmanager
def patient_text(*texts: str) -> Iterator[None]:
    """Redacts `texts` from everything logged while the block runs."""
    token = _patient_texts.set(_patient_texts.get() + _fragments(texts))
    try:
        yield
    finally:
        _patient_texts.reset(token)


def _fragments(texts: Tuple[str, ...]) -> Tuple[str, ...]:
    """The text, and the forms libraries log it in: without a leading "/", line by line."""
    found = set()
    for text in texts:
        text = str(text or "")
        for variant in (text, text.strip(), text.strip().lstrip("/"), *text.splitlines()):
            variant = variant.strip()
            if len(variant) >= MIN_REDACTED_CHARS:
                found.add(variant)
    return tuple(sorted(found, key=len, reverse=True))


def redact(message: str) -> str:
    for fragment in _patient_texts.get():
        message = message.replace(fragment, REDACTED)
    return message


def install() -> None:
    """Redacts every log record and warning from now on in this process (idempotent)."""
    global _installed
    if _installed:
        return
    _installed = True
    make_record = logging.getLogRecordFactory()

    def redacting_record(*args, **kwargs) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        if _patient_texts.get():
            _redact_record(record)
        return record

    logging.setLogRecordFactory(redacting_record)
    show = warnings.showwarning

    def redacting_showwarning(message, category, filename, lineno, file=None, line=None):
        show(redact(str(message)), category, filename, lineno, file, line)

    warnings.showwarning = redacting_showwarning


def _redact_record(record: logging.LogRecord) -> None:
    try:
        record.msg, record.args = redact(record.getMessage()), None
    except (TypeError, ValueError):
        record.msg, record.args = redact(str(record.msg)), None
    if record.exc_info:
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
