"""The emergency screen on long messages: it finds what it finds in short ones, wherever in the
message, and its cost grows in proportion to the length screened, which is at most
MAX_SCREENED_CHARS (channels refuse longer messages with a reply naming the emergency number).

A 1 MB message used to keep the server busy for half an hour.
"""

import sys
import time

import pytest

from si_joint import emergency_signs
from si_joint.emergency_signs import MAX_SCREENED_CHARS, load_emergency_signs

SIGNS = load_emergency_signs()
ORDINARY = "My lower back aches after sitting at my desk for a long time, and walking helps a bit. "


def ordinary_text(chars: int) -> str:
    """About `chars` characters of ordinary SI joint talk, ending at a sentence end."""
    return ORDINARY * max(1, chars // len(ORDINARY))


def categories(text: str) -> list:
    return [finding.category for finding in SIGNS.find(text)]


def test_the_ordinary_text_shows_no_sign():
    assert SIGNS.find(ordinary_text(19_000)) == []


@pytest.mark.parametrize(
    "sign, category",
    [
        ("I can't move my legs", "leg_weakness"),
        ("I have a fevr", "infection"),  # a typo
        ("and I want to kill myself", "self_harm"),
    ],
)
def test_a_sign_at_the_very_end_of_a_long_message_is_found(sign, category):
    text = ordinary_text(19_000 - len(sign)) + sign
    assert len(text) <= 19_000
    assert text.endswith(sign) and category in categories(text)


@pytest.mark.parametrize(
    "short",
    [
        "I don't have a fever, just back pain",  # negated
        "my bladder is fine, it's my lower back that hurts",  # denied after
        "I had a car accident 5 years ago and since then my SI joint hurts",  # history
        "years ago I had a fever with a kidney infection, now I have back pain",  # history, then now
        "I can't fall asleep because the pain is bad",  # ignored
        "I tried to kill myself years ago",  # history counts for self-harm
        "no fever, but since this morning I can't feel my groin",
        "I had surgery years ago and now I suddenly can't move my legs",
    ],
)
@pytest.mark.parametrize("where", ["start", "middle", "end"])
def test_negations_and_history_cues_work_in_long_text_as_in_short(short, where):
    before = {"start": "", "middle": ordinary_text(9_000), "end": ordinary_text(18_000)}[where]
    after = {"start": ordinary_text(18_000), "middle": ordinary_text(9_000), "end": ""}[where]
    text = before + short + ". " + after
    assert len(text) <= MAX_SCREENED_CHARS
    assert SIGNS.find(text) == SIGNS.find(short)


def test_only_the_first_max_screened_chars_of_a_longer_message_are_screened():
    # Channels refuse messages longer than MAX_SCREENED_CHARS, with a reply naming the emergency
    # number; the bound is defence in depth, so a 1 MB message costs what a 20,000-character one does.
    early = "I have a fever. "
    late = " I can't move my legs"
    text = early + ordinary_text(1_000_000)
    text = text[: 1_000_000 - len(late)] + late
    assert len(text) == 1_000_000
    start = time.perf_counter()
    found = categories(text)
    assert time.perf_counter() - start < 5  # coarse: it took half an hour before
    assert found == ["infection"]
    assert categories(late) == ["leg_weakness"]


def test_the_screened_prefix_ends_exactly_at_max_screened_chars():
    sign = " I have a fever"
    filler = ordinary_text(2 * MAX_SCREENED_CHARS)[: MAX_SCREENED_CHARS - len(sign)]
    assert len(filler + sign) == MAX_SCREENED_CHARS
    assert categories(filler + sign) == ["infection"]
    assert categories(filler + " " + sign) == []  # the last "r" is cut off, and "feve" is no sign


def lines_run(call) -> int:
    """How many lines of si_joint/emergency_signs.py run during call(): a measure of the work done
    that, unlike the time taken, is the same on every machine and every run."""
    module_file = emergency_signs.__file__
    count = 0

    def trace(frame, event, arg):
        nonlocal count
        if frame.f_code.co_filename != module_file:
            return None
        if event == "line":
            count += 1
        return trace

    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        call()
    finally:
        sys.settrace(previous)
    return count


def test_the_cost_grows_in_proportion_to_the_length():
    paragraph = "My back hurts, no fever, I fell years ago but the numbness in my legs is new. "
    short, long = paragraph * 25, paragraph * 250  # about 2,000 and 20,000 characters
    assert len(long) <= MAX_SCREENED_CHARS
    # A fresh instance each time, so no typo check remembered from an earlier message helps.
    fresh_for_short, fresh_for_long = load_emergency_signs(), load_emergency_signs()
    short_cost = lines_run(lambda: fresh_for_short.find(short))
    long_cost = lines_run(lambda: fresh_for_long.find(long))
    assert short_cost > 1_000
    # 10 times the text takes about 10 times the work (it took about 100 times before).
    assert long_cost < 12 * short_cost
