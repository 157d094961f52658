"""The website chat widget in a real browser: Debian's Chromium, headless, driven by Playwright,
on the demo page served by serving/demo_server.py, talking to the real Rasa server over socket.io.

Expected answers come from the knowledge file, so the tests follow content edits. A screenshot of
the open widget and the axe-core report are saved in tests/artifacts/. The acknowledgement tests
stop and start a stack of their own (serving/stack.py) on fixed ports and one conversations file.
"""

import json
import os
import re
import signal
import subprocess
import sys
import time
from contextlib import contextmanager

import pytest
from playwright.sync_api import expect

from actions.questions import button_payload
from serving.stack import StackConfig, answers, start_stack
from si_joint_dev.browser_patient import (
    DISCLAIMER,
    KNOWLEDGE,
    REPLY_TIMEOUT_MS,
    Patient,
    first_sentence,
)
from si_joint_dev.running_assistant import TEST_ACTION_TOKEN, TEST_SECRET_KEY, RunningAssistant, free_port
from tests import ARTIFACTS, ROOT
from tests.e2e import IMPLANTS_URL

AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
MARKUP = "<img src=x onerror=alert(1)>"
MESSAGE_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
TYPING = "The assistant is typing…"
# The widget's state in sessionStorage (its key is "si-chat:" and the server URL).
STORED_STATE = """() => {
  const key = Object.keys(sessionStorage).find(name => name.startsWith("si-chat:"));
  return key ? JSON.parse(sessionStorage.getItem(key)) : null;
}"""
NOTHING_PENDING = (
    f"() => {{ const state = ({STORED_STATE})();"
    " return !!state && Array.isArray(state.pending) && state.pending.length === 0; }"
)
# Every pending list the widget stores, in order (window.__storedPending); the real setItem stores it.
RECORD_STORED_PENDING = """
(() => {
  const setItem = Storage.prototype.setItem;
  window.__storedPending = [];
  Storage.prototype.setItem = function (key, value) {
    if (this === window.sessionStorage && key.startsWith("si-chat:")) {
      window.__storedPending.push(JSON.parse(value).pending);
    }
    return setItem.call(this, key, value);
  };
})();
"""


@pytest.fixture
def patient(browser, assistant):
    visitor = Patient(browser, assistant.demo_url).visit()
    yield visitor
    visitor.close()


def test_patient_asks_follows_a_quick_reply_and_the_chat_survives_a_reload(patient, assistant):
    page = patient.page
    expect(page.get_by_role("heading", name="The sacroiliac (SI) joint", exact=True)).to_be_visible()
    expect(patient.launcher).to_have_accessible_name(re.compile("chat", re.I))

    patient.open_chat()
    patient.ask("what is the SI joint")
    expect(patient.bot_message(first_sentence("si_joint"))).to_be_visible(timeout=REPLY_TIMEOUT_MS)

    related = KNOWLEDGE.entry(KNOWLEDGE.entry("si_joint").related[0])
    page.get_by_role("button", name=related.title, exact=True).click()
    expect(page.locator(".si-chat-message--user").filter(has_text=related.title)).to_be_visible()
    expect(patient.bot_message(first_sentence(related.id))).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    assert "/ask" not in page.locator(".si-chat-log").inner_text()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "widget_open.png"))

    page.reload()
    expect(patient.bot_message(first_sentence("si_joint"))).to_be_visible()
    expect(patient.bot_message(first_sentence(related.id))).to_be_visible()
    expect(page.locator(".si-chat-message--user").filter(has_text="what is the SI joint")).to_be_visible()
    assert patient.bot_message(DISCLAIMER).count() == 1

    patient.ask("how is it treated")
    expect(patient.bot_message(first_sentence("treatments"))).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    session_id = page.evaluate("() => JSON.parse(sessionStorage.getItem(Object.keys(sessionStorage)[0])).sessionId")
    events = assistant.tracker("web:" + session_id.split(".")[0])["events"]
    said = [e.get("text") for e in events if e["event"] == "user"]
    assert said == ["/greet", "what is the SI joint", button_payload(related), "how is it treated"]


def test_markup_is_shown_as_text_and_never_run(patient):
    patient.open_chat()
    patient.ask(MARKUP)
    user_message = patient.page.locator(".si-chat-message--user .si-chat-text").last
    expect(user_message).to_have_text(MARKUP)
    expect(patient.page.locator(".si-chat-message--bot")).to_have_count(3, timeout=REPLY_TIMEOUT_MS)
    patient.page.wait_for_timeout(500)
    assert patient.page.locator(".si-chat img, .si-chat script").count() == 0
    assert patient.dialogs == []


def test_links_in_answers_are_clickable(patient):
    patient.open_chat()
    patient.ask("tell me about alevio implants")
    link = patient.page.locator(".si-chat-message--bot a").filter(has_text=IMPLANTS_URL)
    expect(link).to_have_attribute("href", IMPLANTS_URL, timeout=REPLY_TIMEOUT_MS)
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    with patient.page.expect_popup() as popup:
        link.click()
    assert popup.value.url == IMPLANTS_URL


def test_the_widget_works_with_the_keyboard_alone(patient):
    page = patient.page
    for _ in range(40):
        page.keyboard.press("Tab")
        if patient.focused("el => el.classList.contains('si-chat-launcher')"):
            break
    else:
        pytest.fail("the chat launcher cannot be reached with Tab")
    page.keyboard.press("Enter")
    expect(patient.bot_message(DISCLAIMER)).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    assert patient.focused("el => el.id") == "si-chat-input"

    page.keyboard.type("what are the symptoms")
    page.keyboard.press("Enter")
    expect(patient.bot_message(first_sentence("symptoms"))).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    # the answer's options come with its last message, a few milliseconds after its first
    expect(page.locator(".si-chat-quick-reply").first).to_be_visible(timeout=REPLY_TIMEOUT_MS)

    page.keyboard.press("Shift+Tab")
    assert patient.focused("el => el.className") == "si-chat-quick-reply"
    option = patient.focused("el => el.textContent")
    page.keyboard.press("Enter")
    expect(page.locator(".si-chat-message--user").filter(has_text=option)).to_be_visible()
    option_entry = next(e for e in KNOWLEDGE.entries.values() if e.title == option)
    expect(patient.bot_message(first_sentence(option_entry.id))).to_be_visible(timeout=REPLY_TIMEOUT_MS)

    page.keyboard.press("Escape")
    expect(page.locator("#si-chat-panel")).to_be_hidden()
    assert patient.focused("el => el.classList.contains('si-chat-launcher')")


def test_the_widget_fits_a_375_pixel_wide_screen(browser, assistant):
    patient = Patient(browser, assistant.demo_url, width=375, height=667).visit()
    try:
        patient.open_chat()
        patient.ask("how is SI joint pain diagnosed")
        expect(patient.bot_message(first_sentence("diagnosis"))).to_be_visible(timeout=REPLY_TIMEOUT_MS)
        page = patient.page
        for selector in ("#si-chat-panel", ".si-chat-input", ".si-chat-send", ".si-chat-close", ".si-chat-quick-reply"):
            box = page.locator(selector).first.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 375, (selector, box)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
        page.screenshot(path=str(ARTIFACTS / "widget_375px.png"))
    finally:
        patient.close()


def test_no_serious_or_critical_accessibility_violations_with_the_chat_open(patient):
    patient.open_chat()
    patient.ask("what causes SI joint pain")
    expect(patient.bot_message(first_sentence("causes"))).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    patient.page.evaluate(AXE.read_text() + "\n;true")
    violations = patient.page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "axe_widget_open.json").write_text(json.dumps(violations, indent=2))
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]])
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


@contextmanager
def demo_page(chat_server_url, port=None):
    """serving/demo_server.py on its own (on `port`, or a free one), its widget talking to
    `chat_server_url`; yields the page's URL."""
    port = port or free_port()
    env = {**os.environ, "DEMO_PORT": str(port), "SI_CHAT_SERVER_URL": chat_server_url}
    demo = subprocess.Popen(
        [sys.executable, "-m", "serving.demo_server"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 30
        while not answers(url):
            assert demo.poll() is None and time.monotonic() < deadline, "the demo page did not come up"
            time.sleep(0.1)
        yield url
    finally:
        demo.terminate()
        demo.wait(timeout=10)


def test_the_widget_says_when_it_cannot_reach_the_assistant(browser, tmp_path):
    with demo_page(f"http://127.0.0.1:{free_port()}") as url:
        patient = Patient(browser, url).visit()
        patient.page.get_by_role("button", name=re.compile("open chat", re.I)).click()
        patient.ask("what is the SI joint")
        expect(patient.page.locator(".si-chat-message--user")).to_have_text(re.compile("what is the SI joint"))
        expect(patient.page.get_by_role("status")).to_contain_text(re.compile("reach|Connecting"), timeout=15_000)
        patient.close()


# --- Acknowledgements: each message stays pending (in sessionStorage) until the server acknowledges
# it after its turn, and is sent again after a reconnection or a reload (web/widget/si-chat.js).


def stored_state(page):
    return page.evaluate(STORED_STATE)


def user_messages(running, page):
    """What the patient said, as the tracker of the page's conversation stores it."""
    conversation = "web:" + stored_state(page)["sessionId"].split(".")[0]
    return [e.get("text") for e in running.tracker(conversation)["events"] if e["event"] == "user"]


def test_a_message_is_pending_with_its_own_id_until_the_server_acknowledges_it(browser, assistant):
    patient = Patient(browser, assistant.demo_url)
    patient.context.add_init_script(RECORD_STORED_PENDING)
    patient.visit()
    try:
        page = patient.page
        patient.open_chat()
        patient.ask("what are the symptoms")
        expect(patient.bot_message(first_sentence("symptoms"))).to_be_visible(timeout=REPLY_TIMEOUT_MS)
        page.wait_for_function(NOTHING_PENDING, timeout=10_000)

        ids = {}  # message -> the ids it was stored with
        for pending in page.evaluate("window.__storedPending"):
            for item in pending:
                ids.setdefault(item["message"], set()).add(item["id"])
        assert set(ids) == {"/greet", "what are the symptoms"}
        assert all(len(found) == 1 and MESSAGE_ID.match(next(iter(found))) for found in ids.values()), ids
        assert ids["/greet"] != ids["what are the symptoms"]
        assert user_messages(assistant, page) == ["/greet", "what are the symptoms"]
    finally:
        patient.close()


@contextmanager
def stack_on(config, env, log_dir):
    """serving/stack.py's action server and Rasa server on `config`'s ports, up."""
    log_dir.mkdir(parents=True)
    stack = start_stack(config, env, log_dir)
    try:
        stack.wait_until_up()
        yield stack
    finally:
        stack.stop()


def test_messages_the_server_did_not_acknowledge_are_sent_again_and_answered_once(browser, tmp_path, trained_model):
    """The Rasa server dies as the patient sends: the message, sent but never acknowledged, is sent
    again when the widget reconnects to the restarted server (same ports, same conversations file).
    Then a message typed while the server is down survives a reload and is sent once it is back."""
    demo_port = free_port()
    config = StackConfig(
        free_port(), free_port(), credentials=tmp_path / "credentials.yml", api_token="test-api-" + os.urandom(8).hex()
    )
    env = {
        **os.environ,
        "SI_ALLOWED_ORIGINS": f"http://127.0.0.1:{demo_port}",
        "SI_SECRET_KEY": TEST_SECRET_KEY,
        "SI_ACTION_TOKEN": TEST_ACTION_TOKEN,
        "SI_CONVERSATIONS_DB": str(tmp_path / "conversations.db"),
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }
    first, second = "how is SI joint pain diagnosed", "what causes SI joint pain"
    with demo_page(config.rasa_url, demo_port) as url:
        patient = Patient(browser, url)
        try:
            page = patient.page
            status = page.get_by_role("status")
            with stack_on(config, env, tmp_path / "logs-1") as stack:
                patient.visit()
                patient.open_chat()
                page.wait_for_function(NOTHING_PENDING, timeout=10_000)
                rasa = stack.processes["rasa server"]
                rasa.send_signal(signal.SIGSTOP)  # the server holding the socket hangs ...
                try:
                    patient.ask(first)
                    expect(status).to_have_text(TYPING)  # sent over the open connection
                    page.wait_for_timeout(500)
                    assert [item["message"] for item in stored_state(page)["pending"]] == [first]
                finally:
                    rasa.kill()  # ... and dies with the message unanswered
                    rasa.wait(timeout=10)
            expect(status).to_contain_text(re.compile("Reconnecting|reach"), timeout=15_000)

            with stack_on(config, env, tmp_path / "logs-2") as stack:
                running = RunningAssistant(
                    config.rasa_url, config.actions_url, stack.processes, api_token=config.api_token
                )
                expect(patient.bot_message(first_sentence("diagnosis"))).to_have_count(1, timeout=REPLY_TIMEOUT_MS)
                page.wait_for_function(NOTHING_PENDING, timeout=10_000)
                assert user_messages(running, page) == ["/greet", first]

            expect(status).to_contain_text(re.compile("Reconnecting|reach"), timeout=15_000)
            patient.ask(second)
            assert [item["message"] for item in stored_state(page)["pending"]] == [second]
            page.reload()
            expect(page.locator(".si-chat-message--user").filter(has_text=second)).to_be_visible()
            assert [item["message"] for item in stored_state(page)["pending"]] == [second]

            with stack_on(config, env, tmp_path / "logs-3") as stack:
                running = RunningAssistant(
                    config.rasa_url, config.actions_url, stack.processes, api_token=config.api_token
                )
                expect(patient.bot_message(first_sentence("causes"))).to_have_count(1, timeout=REPLY_TIMEOUT_MS)
                page.wait_for_function(NOTHING_PENDING, timeout=10_000)
                page.wait_for_timeout(2_000)  # time for a second answer, if one were coming
                expect(patient.bot_message(first_sentence("diagnosis"))).to_have_count(1)
                expect(patient.bot_message(first_sentence("causes"))).to_have_count(1)
                assert user_messages(running, page) == ["/greet", first, second]
        finally:
            patient.close()
