"""The website chat widget in a real browser: Debian's Chromium, headless, driven by Playwright,
on the demo page served by serving/demo_server.py, talking to the real Rasa server over socket.io.

Expected answers come from the knowledge file, so the tests follow content edits. A screenshot of
the open widget and the axe-core report are saved in tests/artifacts/.
"""
import json
import os
import re
import subprocess
import sys
import time
import urllib.request

import pytest
from conftest import ARTIFACTS, IMPLANTS_URL, ROOT
from playwright.sync_api import expect

from actions.questions import button_payload
from si_joint_dev.browser_patient import (
    DISCLAIMER,
    KNOWLEDGE,
    REPLY_TIMEOUT_MS,
    Patient,
    first_sentence,
)
from si_joint_dev.local_servers import free_port

AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
MARKUP = "<img src=x onerror=alert(1)>"


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
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]]) for v in violations
               if v["impact"] in ("serious", "critical")]
    assert serious == []


def test_the_widget_says_when_it_cannot_reach_the_assistant(browser, tmp_path):
    port = free_port()
    env = {**os.environ, "DEMO_PORT": str(port), "SI_CHAT_SERVER_URL": f"http://127.0.0.1:{free_port()}"}
    demo = subprocess.Popen([sys.executable, "-m", "serving.demo_server"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/"
        for _ in range(50):
            try:
                urllib.request.urlopen(url, timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        patient = Patient(browser, url).visit()
        patient.page.get_by_role("button", name=re.compile("open chat", re.I)).click()
        patient.ask("what is the SI joint")
        expect(patient.page.locator(".si-chat-message--user")).to_have_text(re.compile("what is the SI joint"))
        expect(patient.page.get_by_role("status")).to_contain_text(re.compile("reach|Connecting"), timeout=15_000)
        patient.close()
    finally:
        demo.terminate()
        demo.wait(timeout=10)
