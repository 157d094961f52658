"""Checks the running demo page as a patient uses it, in headless Chromium (`make check-demo`,
with `make run` running): open the chat and see the disclaimer, ask "what is the SI joint" and see
the answer, press a related-topic quick reply and see its answer, reload and still see the
conversation, send markup and see it as text with no script run.

usage: python scripts/check_demo.py [URL]     (default http://localhost:$DEMO_PORT/)
"""

import os
import sys
import time
from pathlib import Path

from playwright.sync_api import expect

from si_joint_dev.browser_patient import KNOWLEDGE, REPLY_TIMEOUT_MS, Patient, first_sentence, headless_chromium

ROOT = Path(__file__).resolve().parent.parent

MARKUP = "<img src=x onerror=alert(1)>"


def check(url: str) -> None:
    with headless_chromium() as chromium:
        patient = Patient(chromium, url).visit()
        page = patient.page
        patient.open_chat()
        print("opened the chat: disclaimer shown")
        started = time.monotonic()
        patient.ask("what is the SI joint")
        expect(patient.bot_message(first_sentence("si_joint"))).to_be_visible(timeout=REPLY_TIMEOUT_MS)
        print(f"asked 'what is the SI joint': answered in {(time.monotonic() - started) * 1000:.0f} ms")
        related = KNOWLEDGE.entry(KNOWLEDGE.entry("si_joint").related[0])
        page.get_by_role("button", name=related.title, exact=True).click()
        expect(patient.bot_message(first_sentence(related.id))).to_be_visible(timeout=REPLY_TIMEOUT_MS)
        print(f"pressed '{related.title}': answered")
        page.reload()
        expect(patient.bot_message(first_sentence("si_joint"))).to_be_visible()
        expect(patient.bot_message(first_sentence(related.id))).to_be_visible()
        print("reloaded: the conversation is still there")
        patient.ask(MARKUP)
        expect(page.locator(".si-chat-message--user .si-chat-text").last).to_have_text(MARKUP)
        page.wait_for_timeout(2000)
        images, dialogs = page.locator(".si-chat img").count(), patient.dialogs
        if images or dialogs:
            raise AssertionError(f"markup was run: {images} images, dialogs {dialogs}")
        print("sent markup: shown as text, no script ran")
        patient.close()


def main() -> int:
    url = sys.argv[1] if len(sys.argv) > 1 else f"http://localhost:{os.environ.get('DEMO_PORT', '8080')}/"
    try:
        check(url)
    except Exception as error:  # noqa: BLE001 - report any failure as the check's result
        print(f"demo check FAILED at {url}: {error}", file=sys.stderr)
        return 1
    print(f"demo check passed at {url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
