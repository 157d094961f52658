"""The content team's report (si_joint/conversation_report.py, serving/report.py), from a real SQLite
tracker store filled with known conversations: every figure, and nothing that identifies anyone."""

import asyncio
import json
from datetime import datetime, timezone

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from serving import report as report_module
from serving.tracker_store import PrivateSQLTrackerStore
from si_joint.conversation_report import build_report, scrub, shares_contact_details, themes

DOMAIN = Domain.from_dict({"slots": {"language": {"type": "text", "mappings": [{"type": "custom"}]}}})
DAY_1 = datetime(2026, 11, 2, 10, tzinfo=timezone.utc).timestamp()
DAY_2 = datetime(2026, 11, 3, 10, tzinfo=timezone.utc).timestamp()
SECRET_IDS = ["web:9f1c2d3e4b5a", "telegram:8b7a6c5d4e3f", "rest:patient-jane-doe", "twilio:7766554433"]


def user(text, intent, channel, time, language="en", signs=()):
    parse = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": [], "language": language}
    if signs:
        parse["emergency_signs"] = [{"sign": s, "category": s, "matched": "x", "certainty": "certain"} for s in signs]
    return UserUttered(text, parse["intent"], [], parse, timestamp=time, input_channel=channel)


def action(name, time):
    return ActionExecuted(name, timestamp=time)


def bot(text, time, **metadata):
    return BotUttered(text, metadata=metadata, timestamp=time)


def conversations():
    t = DAY_1
    return {
        SECRET_IDS[0]: [  # web chat: two answers, feedback on the second, then what was missing
            user("what causes SI joint pain", "ask_causes", "web_chat", t),
            action("action_answer_question", t + 1),
            bot("Causes ...", t + 1, entry="causes"),
            user("and the symptoms?", "ask_symptoms", "web_chat", t + 10),
            action("action_answer_question", t + 11),
            bot("Symptoms ...", t + 11, entry="symptoms"),
            user("/feedback_not_helpful", "feedback_not_helpful", "web_chat", t + 20),
            action("action_record_feedback", t + 21),
            user(
                "how much does the fusion cost? my email is jane.doe@example.com", "ask_not_covered", "web_chat", t + 30
            ),
            action("action_not_covered", t + 31),
        ],
        SECRET_IDS[1]: [  # telegram, Spanish: an answer rated helpful, then an emergency
            user("que causa el dolor", "ask_causes", "telegram", t + 100, language="es"),
            action("action_answer_question", t + 101),
            bot("Causas ...", t + 101, entry="causes"),
            SlotSet("language", "es", timestamp=t + 101),
            user("/feedback_helpful", "feedback_helpful", "telegram", t + 110),
            action("action_record_feedback", t + 111),
            user(
                "no controlo la orina y me duele la espalda", "emergency", "telegram", t + 120, "es", ["cauda_equina"]
            ),
            action("action_emergency", t + 121),
        ],
        SECRET_IDS[2]: [  # REST on day 2: a fallback, a dose refused, a not-covered insurance question
            user("asdf qwerty", "nlu_fallback", "rest", DAY_2),
            action("action_fallback", DAY_2 + 1),
            user("how many mg of ibuprofen should I take", "ask_personal_advice", "rest", DAY_2 + 10),
            action("action_decline_personal_advice", DAY_2 + 11),
            user(
                "will my insurance pay for the surgery? call me on 555-123-4567", "ask_not_covered", "rest", DAY_2 + 20
            ),
            bot("The page doesn't say anything about costs or insurance.", DAY_2 + 21, not_covered=True),
            action("action_answer_question", DAY_2 + 21),
        ],
        SECRET_IDS[3]: [  # SMS on day 2: an answer, then a hand-off
            user("what is the SI joint", "ask_si_joint", "twilio", DAY_2 + 100),
            action("action_answer_question", DAY_2 + 101),
            bot("The SI joint ...", DAY_2 + 101, entry="si_joint"),
            user("can I talk to a person", "ask_human", "twilio", DAY_2 + 110),
            action("action_contact_people", DAY_2 + 111),
        ],
    }


@pytest.fixture
def endpoints(tmp_path):
    """A real SQLite tracker store with the conversations above, and an endpoints file naming it."""
    database = tmp_path / "conversations.db"
    store = PrivateSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(database))
    for sender, events in conversations().items():
        asyncio.new_event_loop().run_until_complete(
            store.save(DialogueStateTracker.from_events(sender, events, slots=DOMAIN.slots))
        )
    path = tmp_path / "endpoints.yml"
    path.write_text(f"tracker_store:\n  type: serving.tracker_store.PrivateSQLTrackerStore\n  db: {database}\n")
    return path


def test_the_report_counts_every_conversation_turn_outcome_channel_and_language(endpoints, tmp_path):
    assert report_module.main(["--endpoints", str(endpoints), "--out", str(tmp_path / "out")]) == 0
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["conversations"] == 4
    assert report["turns"] == 10  # feedback clicks are not questions
    assert report["by_channel"] == {
        "rest": {"conversations": 1, "turns": 3},
        "telegram": {"conversations": 1, "turns": 2},
        "twilio": {"conversations": 1, "turns": 2},
        "web_chat": {"conversations": 1, "turns": 3},
    }
    assert report["by_language"] == {"en": {"conversations": 3, "turns": 8}, "es": {"conversations": 1, "turns": 2}}
    assert report["outcomes"] == {
        "answered": 4,
        "not_covered": 2,
        "emergency": 1,
        "fallback": 1,
        "hand_off": 1,
        "refused": 1,
    }
    assert report["emergencies"] == {"turns": 1, "by_kind": {"cauda_equina": 1}, "by_channel": {"telegram": 1}}
    assert report["answers_per_day"] == {"2026-11-02": 3, "2026-11-03": 1}


def test_the_report_ties_feedback_and_follow_ups_to_the_entry_answered(endpoints, tmp_path):
    report_module.main(["--endpoints", str(endpoints), "--out", str(tmp_path / "out")])
    entries = json.loads((tmp_path / "out" / "report.json").read_text())["entries"]
    assert entries["causes"] == {"answered": 2, "helpful": 1, "not_helpful": 0, "next": {"symptoms": 1, "emergency": 1}}
    assert entries["symptoms"] == {"answered": 1, "helpful": 0, "not_helpful": 1, "next": {"not_covered": 1}}
    assert entries["si_joint"] == {"answered": 1, "helpful": 0, "not_helpful": 0, "next": {"hand_off": 1}}


def test_a_period_keeps_only_its_turns(endpoints, tmp_path):
    report_module.main(["--endpoints", str(endpoints), "--since", "2026-11-03", "--out", str(tmp_path / "out")])
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert (report["conversations"], report["turns"]) == (2, 5)
    assert report["period"]["from"] == "2026-11-03T00:00:00+00:00"


def test_the_report_names_no_one(endpoints, tmp_path):
    report_module.main(["--endpoints", str(endpoints), "--out", str(tmp_path / "out")])
    written = (tmp_path / "out" / "report.json").read_text() + (tmp_path / "out" / "report.html").read_text()
    for secret in [*SECRET_IDS, "jane.doe@example.com", "555-123-4567", "5551234567", "Jane", "orina"]:
        assert secret not in written
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    examples = [e for theme in report["unanswered_themes"] for e in theme["examples"]]
    assert "how much does the fusion cost? my email is [e-mail]" in examples
    assert "will my insurance pay for the surgery? call me on [phone]" in examples


def test_paraphrases_of_one_question_share_a_theme():
    grouped = themes(
        [
            "how much does SI joint fusion cost",
            "will my insurance cover the fusion?",
            "is the surgery expensive",
            "what exercises can I do at home",
            "are there any stretches for SI pain",
            "can I do yoga with SI joint pain",
            "does the SI joint fusion set off airport metal detectors",
        ]
    )
    counts = {theme["theme"]: theme["count"] for theme in grouped}
    assert sorted(counts.values(), reverse=True)[:2] == [3, 3], counts
    assert len(grouped) == 3, counts


@pytest.mark.parametrize(
    "text, scrubbed",
    [
        ("My name is Maria Lopez and my hip hurts", "My name is [name] and my hip hurts"),
        ("Dr. Smith said it is my SI joint", "Dr [name] said it is my SI joint"),
        ("call me at +1 (555) 123-4567 or mail a.b@c.org", "call me at [phone] or mail [e-mail]"),
        ("surgery on 12/03/2025, and again on March 4th, 2026", "surgery on [date], and again on [date]"),
        ("I'm 45 and weigh 185 pounds", "I'm [number] and weigh [number] pounds"),
        ("I saw them at Mercy Hospital last week", "I saw them at [name] [name] last week"),
    ],
)
def test_scrubbing_removes_names_numbers_addresses_and_dates(text, scrubbed):
    assert scrub(text) == scrubbed


def test_an_empty_store_gives_an_empty_report():
    report = build_report([])
    assert (report["conversations"], report["turns"], report["unanswered_themes"]) == (0, 0, [])


@pytest.mark.parametrize(
    "text, shares",
    [
        ("mi numero es 55 1234 5678, me llaman?", True),
        ("call me on +44 7700 900123", True),
        ("write to me at ana.lopez@example.com", True),
        ("I had L4-L5 fused in 2018 and 2019", False),  # years and levels are no phone number
        ("took 10 ibuprofen and 6 tramadol", False),
    ],
)
def test_a_message_that_gives_a_phone_number_or_an_email(text, shares):
    assert shares_contact_details(text) is shares
