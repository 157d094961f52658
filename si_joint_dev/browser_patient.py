"""A patient at the demo page in headless Chromium (Debian's, driven by Playwright): used by the
browser tests and by `make check-demo` against a running `make run`."""

from __future__ import annotations

import os
import re
import shutil
from contextlib import contextmanager

from playwright.sync_api import expect, sync_playwright

from si_joint.knowledge import load_knowledge
from si_joint.reply_rules import turn_violations

KNOWLEDGE = load_knowledge()
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REPLY_TIMEOUT_MS = 30_000
DISCLAIMER = "automated educational assistant"


def chromium_path() -> str:
    path = shutil.which(os.environ.get("CHROMIUM", "chromium")) or shutil.which("chromium-browser")
    if not path:
        raise RuntimeError("Chromium is missing: run `make test` (it installs Debian's chromium) or set CHROMIUM")
    return path


@contextmanager
def headless_chromium():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        try:
            yield chromium
        finally:
            chromium.close()


# Reports every socket.io event the widget receives or emits to Python (window.__siReplyRules), so
# each turn the page gets can be checked against the reply rules. It wraps window.io as the
# socket.io client sets it; the widget itself is unchanged.
RECORD_SOCKET_EVENTS = """
(() => {
  let real;
  function recordingIo(...args) {
    const socket = real(...args);
    const on = socket.on.bind(socket), emit = socket.emit.bind(socket);
    socket.on = (event, handler) => on(event, event === "bot_uttered"
      ? (data) => { window.__siReplyRules("bot", data); return handler(data); } : handler);
    socket.emit = (event, ...rest) => {
      if (event === "user_uttered") { window.__siReplyRules("user", null); }
      return emit(event, ...rest);
    };
    return socket;
  }
  Object.defineProperty(window, "io", {
    configurable: true,
    get() { return real && Object.assign(recordingIo, real); },
    set(value) { real = value; },
  });
  window.__siReplyRules("page", null);
})();
"""


def first_sentence(entry_id: str) -> str:
    return KNOWLEDGE.entry(entry_id).answer.split(". ")[0]


class Patient:
    """One patient at the demo page, in a fresh browser profile."""

    def __init__(self, browser, demo_url: str, width: int = 1280, height: int = 900):
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.context.route("https://www.example.org/**", lambda route: route.fulfill(body="Implants page"))
        self.page = self.context.new_page()
        self.dialogs = []
        self.page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        self.demo_url = demo_url
        self.turns = [[]]  # the bot messages the page received, one list per turn
        self.context.expose_binding("__siReplyRules", lambda source, kind, data: self._record(kind, data))
        self.context.add_init_script(RECORD_SOCKET_EVENTS)

    def _record(self, kind, data):
        if kind == "bot" and isinstance(data, dict):
            self.turns[-1].append(data)
        elif self.turns[-1]:  # a message sent or a page (re)loaded: a new turn
            self.turns.append([])

    def reply_rule_violations(self):
        """The reply rules (si_joint/reply_rules.py) the turns received so far break."""
        return [f"turn {n}: {problem}" for n, turn in enumerate(self.turns) for problem in turn_violations(turn)]

    def visit(self):
        self.page.goto(self.demo_url)
        return self

    @property
    def launcher(self):
        return self.page.locator(".si-chat-launcher")

    @property
    def message_box(self):
        return self.page.get_by_label("Type your question")

    def bot_message(self, text):
        return self.page.locator(".si-chat-message--bot").filter(has_text=text)

    def open_chat(self):
        self.page.get_by_role("button", name=re.compile("open chat", re.I)).click()
        expect(self.bot_message(DISCLAIMER)).to_be_visible(timeout=REPLY_TIMEOUT_MS)

    def ask(self, question):
        self.message_box.fill(question)
        self.message_box.press("Enter")

    def focused(self, script="el => el"):
        return self.page.evaluate(f"(() => {{ const el = document.activeElement; return ({script})(el); }})()")

    def close(self):
        """Closes the browser profile; fails if any reply the page received broke a reply rule."""
        self.context.close()
        problems = self.reply_rule_violations()
        assert not problems, "the web chat's replies break the reply rules:\n- " + "\n- ".join(problems)
