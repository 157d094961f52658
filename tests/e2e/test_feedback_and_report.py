"""'Was this helpful?' in the widget (Chromium, keyboard only, axe) stored in the real SQLite store,
and `make report` (serving/report.py) on a store filled by 200 conversations through REST: its
figures are the script's counts, and a deleted conversation's answers and feedback are gone. The
report page's screenshot is saved in tests/artifacts/."""

import json
import os
import sqlite3

import pytest
from playwright.sync_api import expect

from serving import report as report_module
from si_joint_dev.browser_patient import REPLY_TIMEOUT_MS, Patient, first_sentence
from si_joint_dev.running_assistant import running_assistant
from tests import ARTIFACTS, ROOT

AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
CONVERSATIONS = 200
EMERGENCY = "I can't control my bladder since this morning and my lower back hurts"
COST_QUESTIONS = [
    "how much does SI joint fusion cost?",
    "what is the price of the fusion surgery?",
    "is SI joint fusion expensive?",
]


def stored_rows(database, query, *arguments):
    with sqlite3.connect(database) as connection:
        return connection.execute(query, arguments).fetchall()


def test_an_answer_asks_was_this_helpful_and_the_keyboard_answer_is_stored(browser, assistant):
    patient = Patient(browser, assistant.demo_url).visit()
    try:
        page = patient.page
        patient.open_chat()
        patient.ask("what causes SI joint pain")
        expect(patient.bot_message(first_sentence("causes"))).to_be_visible(timeout=REPLY_TIMEOUT_MS)
        feedback = page.get_by_role("group", name="Was this helpful?")
        expect(feedback).to_be_visible(timeout=REPLY_TIMEOUT_MS)
        expect(page.locator(".si-chat-feedback")).to_have_count(1)  # once, under the answer

        page.evaluate(AXE.read_text() + "\n;true")
        violations = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "axe_widget_feedback.json").write_text(json.dumps(violations, indent=2))
        assert [(v["id"], v["impact"]) for v in violations if v["impact"] in ("serious", "critical")] == []

        for _ in range(12):  # from the message box, back to the answer's "No"
            page.keyboard.press("Shift+Tab")
            if patient.focused("el => el.getAttribute('aria-label')") == "No, this was not helpful":
                break
        else:
            pytest.fail("the feedback buttons cannot be reached with the keyboard")
        page.keyboard.press("Enter")
        expect(patient.bot_message("What was missing?")).to_be_visible(timeout=REPLY_TIMEOUT_MS)
        expect(page.locator(".si-chat-feedback")).to_have_count(0)
        assert patient.focused("el => el.id") == "si-chat-input"
    finally:
        patient.close()

    database = ARTIFACTS / "e2e_logs" / "conversations.db"
    rows = stored_rows(database, "SELECT sender_id, data FROM events WHERE intent_name = 'feedback_not_helpful'")
    assert len(rows) == 1
    sender, _ = rows[0]
    answers = stored_rows(database, "SELECT data FROM events WHERE sender_id = ? AND type_name = 'bot'", sender)
    assert "causes" in [json.loads(data).get("metadata", {}).get("entry") for (data,) in answers]


@pytest.fixture(scope="module")
def scripted_store(trained_model, tmp_path_factory):
    """A stack of its own, with an empty store, and the counts of what the script sent it."""
    logs = tmp_path_factory.mktemp("report_stack")
    token = "test-api-" + os.urandom(8).hex()
    counts = {"answered": 0, "not_covered": 0, "fallback": 0, "emergency": 0, "helpful": 0, "not_helpful": 0}
    with running_assistant(logs, api_token=token) as stack:
        for number in range(CONVERSATIONS):
            conversation = stack.conversation()
            conversation.say(["/ask_causes", "/ask_symptoms", "/ask_treatments", "/ask_diagnosis"][number % 4])
            counts["answered"] += 1
            if number % 5 == 0:
                conversation.say("/feedback_helpful")
                counts["helpful"] += 1
            if number % 7 == 0:
                conversation.say("/feedback_not_helpful")
                counts["not_helpful"] += 1
            if number % 4 == 1:
                conversation.say(COST_QUESTIONS[number % 3])
                counts["not_covered"] += 1
            if number % 10 == 2:
                conversation.say("/nlu_fallback")
                counts["fallback"] += 1
            if number % 20 == 3:
                conversation.say(EMERGENCY)
                counts["emergency"] += 1
        # One more patient answers "helpful", then deletes the conversation: the report has neither.
        deleted = stack.conversation()
        deleted.say("/ask_causes")
        deleted.say("/feedback_helpful")
        deleted.say("/forget_me")
        yield logs / "conversations.db", counts


def test_the_report_of_200_scripted_conversations_matches_the_script(scripted_store, tmp_path, browser):
    database, counts = scripted_store
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(f"tracker_store:\n  type: serving.tracker_store.PrivateSQLTrackerStore\n  db: {database}\n")
    out = ARTIFACTS / "report"
    assert report_module.main(["--endpoints", str(endpoints), "--out", str(out)]) == 0
    report = json.loads((out / "report.json").read_text())

    assert report["conversations"] == CONVERSATIONS
    assert report["by_channel"] == {"rest": {"conversations": CONVERSATIONS, "turns": report["turns"]}}
    outcomes = report["outcomes"]
    assert [outcomes.get(kind, 0) for kind in ("answered", "not_covered", "fallback", "emergency")] == [
        counts["answered"],
        counts["not_covered"],
        counts["fallback"],
        counts["emergency"],
    ], outcomes
    entries = report["entries"]
    assert sum(e["helpful"] for e in entries.values()) == counts["helpful"]
    assert sum(e["not_helpful"] for e in entries.values()) == counts["not_helpful"]
    assert report["emergencies"]["by_kind"] == {"cauda_equina": counts["emergency"]}
    cost = [t for t in report["unanswered_themes"] if t["count"] == counts["not_covered"]]
    assert len(cost) == 1 and set(cost[0]["examples"]) == set(COST_QUESTIONS), report["unanswered_themes"]

    page = browser.new_page(viewport={"width": 1100, "height": 900})
    try:
        page.goto((out / "report.html").as_uri())
        expect(page.get_by_role("heading", name="Questions the page does not answer")).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
    finally:
        page.close()
