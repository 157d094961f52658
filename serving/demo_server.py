"""Serves the demo page (the approved SI joint content plus the chat widget) and the widget files.

    python -m serving.demo_server          # http://localhost:8080, widget talks to http://localhost:5005

Environment: DEMO_PORT (8080), DEMO_HOST (127.0.0.1), SI_CHAT_SERVER_URL (the Rasa server the
widget connects to; default http://localhost:$RASA_PORT), SI_LINK_HOSTS (more host names whose URLs
the widget may show as links, comma or space separated). The page text comes from the knowledge
file, so the demo shows exactly what the assistant answers from.

The widget makes links only to the hosts in its data-link-hosts attribute: here the hosts of the
web addresses configured in content/settings/site.yml (every `links` entry and every other `*_url` key, or
their SI_<KEY> environment variables) plus SI_LINK_HOSTS. Nothing else is ever a link.
"""

from __future__ import annotations

import html
import os
import re
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple
from urllib.parse import urlsplit

import yaml

from si_joint import PROJECT_ROOT
from si_joint.knowledge import KnowledgeBase, load_knowledge, translation_path
from si_joint.site_settings import SETTINGS_FILE, served_languages, web_address

WEB = PROJECT_ROOT / "web"

WIDGET_FILES: Dict[str, Tuple[Path, str]] = {
    "/widget/si-chat.js": (WEB / "widget" / "si-chat.js", "text/javascript; charset=utf-8"),
    "/widget/si-chat.css": (WEB / "widget" / "si-chat.css", "text/css; charset=utf-8"),
    "/widget/socket.io.min.js": (
        WEB / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js",
        "text/javascript; charset=utf-8",
    ),
}

# (topic entry, entity type whose entries are listed under it)
PAGE_SECTIONS: List[Tuple[str, Optional[str]]] = [
    ("si_joint", None),
    ("causes", "cause"),
    ("symptoms", "symptom"),
    ("prevalence", None),
    ("diagnosis", "diagnostic_method"),
    ("treatments", "treatment"),
]


def chat_server_url() -> str:
    default = f"http://localhost:{os.environ.get('RASA_PORT', '5005')}"
    url = os.environ.get("SI_CHAT_SERVER_URL", default).rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SystemExit(f"SI_CHAT_SERVER_URL must be an http(s) URL, got {url!r}")
    return url


HOST_NAME = re.compile(r"[\w-]+(\.[\w-]+)*", re.UNICODE)


def configured_link_urls(settings_file: Path = SETTINGS_FILE) -> List[str]:
    """The web addresses the assistant may show: each `links` entry and each other `*_url` key of
    the site settings, as configured (SI_<KEY> wins); unset ones are left out."""
    settings = yaml.safe_load(settings_file.read_text(encoding="utf-8")) or {}
    urls = []
    for section, values in settings.items():
        if not isinstance(values, dict):
            continue
        for key in map(str, values):
            url = web_address(section, key, settings_file) if section == "links" or key.endswith("_url") else None
            if url:
                urls.append(url)
    return urls


def link_hosts(settings_file: Path = SETTINGS_FILE) -> List[str]:
    """Host names the widget may link to: those of the configured web addresses, then SI_LINK_HOSTS."""
    hosts: List[str] = []
    for url in configured_link_urls(settings_file):
        host = (urlsplit(url).hostname or "").rstrip(".")
        if host and host not in hosts:
            hosts.append(host)
    for name in re.split(r"[\s,]+", os.environ.get("SI_LINK_HOSTS", "")):
        host = name.strip().rstrip(".").lower()
        if not host:
            continue
        if not HOST_NAME.fullmatch(host):
            raise SystemExit(f"SI_LINK_HOSTS must list host names like www.example.org, got {name!r}")
        if host not in hosts:
            hosts.append(host)
    return hosts


def content_security_policy(server_url: str) -> str:
    parts = urlsplit(server_url)
    socket_scheme = "wss" if parts.scheme == "https" else "ws"
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self'",
            f"connect-src 'self' {server_url} {socket_scheme}://{parts.netloc}",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )


# The demo page's own words; its medical text comes from the knowledge file in the page's language.
PAGE_WORDS: Dict[str, Dict[str, str]] = {
    "en": {
        "title": "The sacroiliac (SI) joint",
        "site": "Demo site",
        "source": "Source",
        "intro": "Questions about low back, buttock, hip or groin pain? Read about the SI joint below, or open the"
        " chat to ask the SI joint assistant.",
        "footer": "General information only, not medical advice. Talk to a health care professional about your own"
        " pain. In an emergency, call your local emergency number.",
    },
    "es": {
        "title": "La articulación sacroilíaca",
        "site": "Sitio de demostración",
        "source": "Fuente",
        "intro": "¿Preguntas sobre dolor en la parte baja de la espalda, la nalga, la cadera o la ingle? Lea sobre la"
        " articulación sacroilíaca abajo, o abra el chat para preguntarle al asistente.",
        "footer": "Solo información general, no consejo médico. Hable con un profesional de la salud sobre su propio"
        " dolor. En una emergencia, llame al número de emergencias local.",
    },
}
PAGE_PATHS = {"/": "en", "/index.html": "en", "/es/": "es"}


def render_page(knowledge: KnowledgeBase, server_url: str, hosts: Sequence[str] = (), language: str = "en") -> str:
    escape = html.escape
    words = {key: escape(value) for key, value in PAGE_WORDS[language].items()}
    sections = []
    for topic_id, entity_type in PAGE_SECTIONS:
        topic = knowledge.entry(topic_id)
        items = "".join(f"<li>{escape(entry.title)}</li>" for entry in knowledge.entries_for_entity(entity_type or ""))
        sections.append(
            f'<section aria-labelledby="{topic_id}">'
            f'<h2 id="{topic_id}">{escape(topic.title)}</h2>'
            f"<p>{escape(topic.answer)}</p>"
            + (f"<ul>{items}</ul>" if items else "")
            + f'<p class="source">{words["source"]}: {escape(knowledge.citation(topic))}</p>'
            "</section>"
        )
    return f"""<!doctype html>
<html lang="{language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{words["title"]}</title>
<link rel="stylesheet" href="/demo.css">
<script src="/widget/socket.io.min.js" defer></script>
<script src="/widget/si-chat.js" defer
        data-server-url="{escape(server_url)}"
        data-lang="{language}"
        data-init-payload="/greet"
        data-link-hosts="{escape(" ".join(hosts))}"></script>
</head>
<body>
<header><p class="site">{words["site"]}</p></header>
<main>
<h1>{words["title"]}</h1>
<p>{words["intro"]}</p>
{"".join(sections)}
</main>
<footer><p>{words["footer"]}</p></footer>
</body>
</html>
"""


DEMO_CSS = """
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
       color: #1a1a1a; line-height: 1.5; }
header, main, footer { max-width: 46rem; margin: 0 auto; padding: 0 1rem; }
header .site { font-weight: 600; color: #0b4f8a; }
main { padding-bottom: 6rem; }
.source { font-size: 0.9rem; color: #4a4a4a; }
footer { border-top: 1px solid #c4c9cf; padding-bottom: 6rem; font-size: 0.9rem; }
"""


class DemoHandler(BaseHTTPRequestHandler):
    server_version = "SIJointDemo"
    sys_version = ""
    pages: Dict[str, bytes] = {}  # by language
    policy: str = ""

    def do_GET(self) -> None:
        self._respond(include_body=True)

    def do_HEAD(self) -> None:
        self._respond(include_body=False)

    def _respond(self, include_body: bool) -> None:
        path = urlsplit(self.path).path
        if PAGE_PATHS.get(path) in self.pages:
            body, content_type = self.pages[PAGE_PATHS[path]], "text/html; charset=utf-8"
        elif path == "/demo.css":
            body, content_type = DEMO_CSS.encode(), "text/css; charset=utf-8"
        elif path == "/favicon.ico":
            self.send_response(HTTPStatus.NO_CONTENT)
            self.end_headers()
            return
        elif path in WIDGET_FILES:
            file_path, content_type = WIDGET_FILES[path]
            try:
                body = file_path.read_bytes()
            except OSError:
                self._error(HTTPStatus.INTERNAL_SERVER_ERROR, f"{file_path.name} is missing: run `make setup`")
                return
        else:
            self._error(HTTPStatus.NOT_FOUND, "Not found")
            return
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if include_body:
            self.wfile.write(body)

    def _error(self, status: HTTPStatus, message: str) -> None:
        body = message.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def end_headers(self) -> None:
        """Every response carries the security headers, the server's own errors (400, 414, 431,
        501 from http.server's `send_error`) too."""
        self.send_header("Content-Security-Policy", self.policy)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        """Requests are not logged: page paths are harmless, but keep the demo quiet."""


def render_pages(server_url: str, hosts: Sequence[str]) -> Dict[str, bytes]:
    """The demo page in English and in each other served language (at /es/ for Spanish)."""
    english = load_knowledge()
    pages = {"en": render_page(english, server_url, hosts).encode()}
    for language in served_languages()[1:]:
        knowledge = load_knowledge(translation_path(english.path, language))
        pages[language] = render_page(knowledge, server_url, hosts, language).encode()
    return pages


def main() -> None:
    server_url = chat_server_url()
    DemoHandler.pages = render_pages(server_url, link_hosts())
    DemoHandler.policy = content_security_policy(server_url)
    host = os.environ.get("DEMO_HOST", "127.0.0.1")
    port = int(os.environ.get("DEMO_PORT", "8080"))
    server = ThreadingHTTPServer((host, port), DemoHandler)
    print(f"Demo page: http://localhost:{port}/ (chat server {server_url})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
