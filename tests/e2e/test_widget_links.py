"""Which URLs the chat widget makes links: the real web/widget/si-chat.js in headless Chromium (as in
test_widget_browser.py), on a page served by Playwright itself with a stand-in for socket.io, so no
server or trained model is needed. Also the demo page's data-link-hosts attribute."""

import html
import json
import re

import pytest

from serving import demo_server
from tests import ROOT

ORIGIN = "http://widget.test"
WIDGET_JS = ROOT / "web" / "widget" / "si-chat.js"
WIDGET_CSS = ROOT / "web" / "widget" / "si-chat.css"
ALLOWED = "https://www.example.org/a"

# Stands in for socket.io-client: confirms a session, records what the widget sends, and lets the
# test deliver bot messages with window.botSays(text).
FAKE_SOCKET_IO = """
window.sent = [];
window.io = function () {
  var handlers = {};
  var socket = {
    on: function (event, handler) { handlers[event] = handler; },
    emit: function (event, data) {
      window.sent.push([event, data]);
      if (event === "session_request") { setTimeout(function () { handlers.session_confirm("session-1"); }, 0); }
    }
  };
  window.botSays = function (text) { handlers.bot_uttered({ text: text }); };
  setTimeout(function () { handlers.connect(); }, 0);
  return socket;
};
"""


def widget_page(link_hosts=None):
    attribute = "" if link_hosts is None else f' data-link-hosts="{html.escape(link_hosts)}"'
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Widget test</title>
<script src="/fake-socket.io.js"></script>
<script src="/widget/si-chat.js" defer data-server-url="{ORIGIN}"{attribute}></script>
</head><body><h1>Widget test</h1></body></html>"""


@pytest.fixture
def open_widget(browser):
    """Opens the widget on a page whose script tag has `link_hosts` (None: no attribute)."""
    contexts = []

    def open_with(link_hosts=None):
        files = {
            "/": (widget_page(link_hosts), "text/html"),
            "/fake-socket.io.js": (FAKE_SOCKET_IO, "text/javascript"),
            "/widget/si-chat.js": (WIDGET_JS.read_text(), "text/javascript"),
            "/widget/si-chat.css": (WIDGET_CSS.read_text(), "text/css"),
        }
        context = browser.new_context()
        contexts.append(context)
        # Nothing leaves the machine: the page and the widget come from here, anything else fails.
        context.route("**/*", lambda route: route.abort())

        def serve(route):
            path = route.request.url[len(ORIGIN) :].split("?")[0]
            if path not in files:
                return route.fulfill(status=404)
            body, content_type = files[path]
            return route.fulfill(body=body, content_type=content_type + "; charset=utf-8")

        context.route(f"{ORIGIN}/**", serve)
        page = context.new_page()
        page.goto(ORIGIN + "/")
        page.get_by_role("button", name=re.compile("open chat", re.I)).click()
        page.wait_for_function("() => window.sent.some(([event]) => event === 'user_uttered')")
        return page

    yield open_with
    for context in contexts:
        context.close()


def bot_says(page, text):
    before = page.locator(".si-chat-message--bot").count()
    page.evaluate("text => window.botSays(text)", text)
    page.locator(".si-chat-message--bot").nth(before).wait_for()
    return page.locator(".si-chat-message--bot").last


def links(message):
    return message.locator("a").evaluate_all("links => links.map(a => [a.getAttribute('href'), a.textContent])")


def test_only_a_bare_url_on_an_allowed_host_becomes_a_link_showing_itself(open_widget):
    page = open_widget("www.example.org, example.org")
    text = f"see [click here](https://evil.example/x) and https://evil.example/y and {ALLOWED}."
    message = bot_says(page, text)
    assert links(message) == [[ALLOWED, ALLOWED]]
    assert message.locator(".si-chat-text").inner_text() == text
    link = message.locator("a")
    assert link.get_attribute("rel") == "noopener noreferrer" and link.get_attribute("target") == "_blank"


@pytest.mark.parametrize(
    "text",
    [
        "[the implants page](https://www.example.org/a)",  # a markdown label could say anything
        "https://www.example.org@evil.example/a",  # looks like the allowed host, goes to evil.example
        "https://www.example.org.evil.example/a",
        "https://evil.example/?next=https://www.example.org/a",
        "https://www.exаmple.org/a",  # Cyrillic "а"
        "HTTPS://EVIL.EXAMPLE/a",
    ],
)
def test_look_alikes_and_markdown_links_stay_text(open_widget, text):
    page = open_widget("www.example.org")
    message = bot_says(page, text)
    assert links(message) == []
    assert message.locator(".si-chat-text").inner_text() == text


def test_nothing_the_patient_writes_becomes_a_link(open_widget):
    page = open_widget("www.example.org")
    mine = f"is {ALLOWED} right? [me](https://www.example.org/b)"
    box = page.get_by_label("Type your question")
    box.fill(mine)
    box.press("Enter")
    message = page.locator(".si-chat-message--user").last
    assert message.locator(".si-chat-text").inner_text() == mine
    assert page.locator(".si-chat-message--user a").count() == 0
    sent = [data for event, data in page.evaluate("window.sent") if event == "user_uttered"]
    assert {"message": mine, "session_id": "session-1"} in [
        {key: data[key] for key in ("message", "session_id")} for data in sent
    ]
    page.reload()  # the stored conversation is shown the same way
    assert page.locator(".si-chat-message--user .si-chat-text").last.inner_text() == mine
    assert page.locator(".si-chat-message--user a").count() == 0


@pytest.mark.parametrize("link_hosts", [None, "", " , "])
def test_without_link_hosts_no_link_is_made(open_widget, link_hosts):
    page = open_widget(link_hosts)
    message = bot_says(page, f"Read more at {ALLOWED}")
    assert links(message) == []
    assert message.inner_text().endswith(f"Read more at {ALLOWED}")


# --- The demo page's allow-list ------------------------------------------------------------------


def script_tag_link_hosts(page: str) -> str:
    return html.unescape(re.search(r'data-link-hosts="([^"]*)"', page).group(1))


def test_the_demo_page_allows_the_hosts_of_the_configured_urls(monkeypatch, tmp_path):
    settings = tmp_path / "site.yml"
    settings.write_text(
        json.dumps(
            {
                "links": {"implants_url": "", "brochure": "https://Docs.Example.net/brochure.pdf"},
                "emergency": {"emergency_number": "911"},
                "contact": {
                    "contact_email": "help@mail.example.com",
                    "contact_page_url": "https://www.example.org/contact",
                    "find_provider_url": "not a web address",
                },
                "privacy": {"privacy_page_url": ""},
            }
        )
    )
    for key in (
        "IMPLANTS_URL",
        "BROCHURE",
        "CONTACT_PAGE_URL",
        "FIND_PROVIDER_URL",
        "PRIVACY_PAGE_URL",
        "CONTACT_EMAIL",
        "EMERGENCY_NUMBER",
    ):
        monkeypatch.delenv(f"SI_{key}", raising=False)
    monkeypatch.setenv("SI_IMPLANTS_URL", "https://implants.example.com:8443/si?from=chat")
    monkeypatch.setenv("SI_LINK_HOSTS", "extra.example.org,  www.example.org ")
    hosts = demo_server.link_hosts(settings)
    assert hosts == ["implants.example.com", "docs.example.net", "www.example.org", "extra.example.org"]
    page = demo_server.render_page(demo_server.load_knowledge(), "http://localhost:5005", hosts)
    assert script_tag_link_hosts(page) == "implants.example.com docs.example.net www.example.org extra.example.org"


def test_the_demo_page_allows_no_host_when_no_url_is_configured(monkeypatch, tmp_path):
    settings = tmp_path / "site.yml"
    settings.write_text(json.dumps({"links": {"implants_url": ""}, "contact": {"contact_page_url": ""}}))
    for key in ("IMPLANTS_URL", "CONTACT_PAGE_URL", "LINK_HOSTS"):
        monkeypatch.delenv(f"SI_{key}", raising=False)
    assert demo_server.link_hosts(settings) == []
    page = demo_server.render_page(demo_server.load_knowledge(), "http://localhost:5005", [])
    assert script_tag_link_hosts(page) == ""


@pytest.mark.parametrize(
    "value", ["https://www.example.org/", "evil.example/x", '"><script>alert(1)</script>', "*.example.org"]
)
def test_link_hosts_must_be_host_names(monkeypatch, tmp_path, value):
    settings = tmp_path / "site.yml"
    settings.write_text("{}")
    monkeypatch.setenv("SI_LINK_HOSTS", value)
    with pytest.raises(SystemExit, match="SI_LINK_HOSTS"):
        demo_server.link_hosts(settings)
