"""The action server: rasa_sdk's executor behind a stricter web front than `rasa run actions`.

- listens on ACTION_SERVER_HOST (default 127.0.0.1) and answers only requests that carry
  `Authorization: Bearer <SI_ACTION_TOKEN>` (endpoints.yml sends it), so nobody can post a forged
  tracker to run an action;
- bodies are at most ACTION_CALL_MAX_BYTES (a conversation's live tracker fits), and a
  deflate-compressed one may expand to at most as much (a "zip bomb" cannot fill the memory);
- errors answer {"error": ...} without exception texts; logs never carry the patient's words.

    python -m serving.action_server --port 5055
"""

from __future__ import annotations

import argparse
import hmac
import json
import logging
import os
import sys
import zlib
from typing import Any, Optional

from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException
from sanic import Sanic, response
from sanic.request import Request

from serving import strict_http
from si_joint import log_privacy
from si_joint.answer_feedback import with_feedback_options
from si_joint.conversation_language import REPLY_LANGUAGE, next_language
from si_joint.message_limits import ACTION_CALL_MAX_BYTES
from si_joint.parse_data import FULL_TEXT, message_text
from si_joint.site_settings import served_languages
from si_joint.wording import Texts

TOKEN_VARIABLE = "SI_ACTION_TOKEN"
MIN_TOKEN_CHARS = 32
MAX_INFLATED_BYTES = ACTION_CALL_MAX_BYTES
logger = logging.getLogger(__name__)


class BodyError(ValueError):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


def action_call(request: Request) -> dict:
    body = request.body or b""
    if request.headers.get("content-encoding") == "deflate":
        inflater = zlib.decompressobj()
        try:
            body = inflater.decompress(body, MAX_INFLATED_BYTES)
        except zlib.error as error:
            raise BodyError(400, "the body is not valid deflate data") from error
        if inflater.unconsumed_tail:
            raise BodyError(413, "the body inflates beyond the limit")
    try:
        call = json.loads(body)
    except ValueError as error:
        raise BodyError(400, "the body must be a JSON object") from error
    if not isinstance(call, dict) or not isinstance(call.get("next_action"), str):
        raise BodyError(400, "the body must name next_action")
    return call


def with_feedback(result: Any, tracker: dict) -> Any:
    """On a messaging channel, the session's first answer also offers 'Was this helpful?' options
    (si_joint/answer_feedback.py), in the reply's language."""
    if not isinstance(result, dict):
        return result
    wording = Texts(REPLY_LANGUAGE.get())
    titles = (wording.FEEDBACK_OPTION_HELPFUL, wording.FEEDBACK_OPTION_NOT_HELPFUL)
    channel = str(tracker.get("latest_input_channel") or "")
    result["responses"] = with_feedback_options(
        list(result.get("responses") or []), tracker.get("events") or [], channel, titles
    )
    return result


def latest_texts(call: dict) -> tuple:
    """Every form of the patient's message in the call (as sent, as read, as classified), to keep
    them all out of the logs."""
    latest = (call.get("tracker") or {}).get("latest_message") or {}
    if not isinstance(latest, dict):
        return ()
    return (str(latest.get(FULL_TEXT) or ""), message_text(latest), str(latest.get("text") or ""))


def create_app(token: str, package: str = "actions") -> Sanic:
    strict_http.install()
    app = Sanic("si_joint_actions", configure_logging=False)
    app.config.REQUEST_MAX_SIZE = ACTION_CALL_MAX_BYTES
    executor = ActionExecutor()
    executor.register_package(package)
    served = served_languages()

    def authorised(request: Request) -> bool:
        scheme, _, given = (request.headers.get("authorization") or "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(given.encode(), token.encode())

    @app.get("/health")
    async def health(_request: Request) -> Any:
        return response.json({"status": "ok"})

    @app.post("/webhook")
    async def webhook(request: Request) -> Any:
        if not authorised(request):
            return response.json({"error": "unauthorised"}, status=401)
        try:
            call = action_call(request)
        except BodyError as error:
            return response.json({"error": str(error)}, status=error.status)
        name = call["next_action"]
        tracker = call.get("tracker") or {}
        # The conversation's language, which the Rasa server set before this turn's actions; at a
        # session's start, the language of the page the first message came from.
        slots = tracker.get("slots") or {}
        language = next_language({}, slots.get("language"), served, slots.get("session_started_metadata"))
        reply_language = REPLY_LANGUAGE.set(language)  # the wording and knowledge of this turn's reply
        try:
            with log_privacy.patient_text(*latest_texts(call)):
                try:
                    return response.json(with_feedback(await executor.run(call), tracker))
                except ActionExecutionRejection as rejection:
                    return response.json({"error": "action rejected", "action_name": rejection.action_name}, status=400)
                except ActionNotFoundException:
                    return response.json({"error": "unknown action", "action_name": name}, status=404)
                except Exception:  # noqa: BLE001 - answered without the exception's text, logged redacted
                    logger.exception("Action %s failed", name)
                    return response.json({"error": "action failed", "action_name": name}, status=500)
        finally:
            REPLY_LANGUAGE.reset(reply_language)

    @app.exception(Exception)
    async def any_error(_request: Request, _exception: Exception) -> Any:
        return response.json({"error": "request failed"}, status=getattr(_exception, "status_code", 500))

    return app


def action_token() -> Optional[str]:
    token = os.environ.get(TOKEN_VARIABLE) or ""
    return token if len(token) >= MIN_TOKEN_CHARS else None


def main(argv: list) -> None:
    parser = argparse.ArgumentParser(description="the SI joint assistant's action server")
    parser.add_argument("--port", type=int, default=int(os.environ.get("ACTION_SERVER_PORT", "5055")))
    parser.add_argument("--host", default=os.environ.get("ACTION_SERVER_HOST", "127.0.0.1"))
    args = parser.parse_args(argv)
    token = action_token()
    if token is None:
        sys.exit(
            f"Cannot start the action server: set {TOKEN_VARIABLE} to a random string of at least "
            f"{MIN_TOKEN_CHARS} characters (`make run` makes one in build/)"
        )
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s - %(message)s")
    log_privacy.install()
    logger.info("Action server listening on http://%s:%s", args.host, args.port)
    create_app(token).run(host=args.host, port=args.port, workers=1, access_log=False, motd=False)


if __name__ == "__main__":
    main(sys.argv[1:])
