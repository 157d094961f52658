"""Starts the Rasa server (`rasa run` with its usual arguments) with the project's safeguards:

- it listens on SI_RASA_HOST (default 127.0.0.1) unless `--interface` says otherwise, and exports
  the address it listens on so the REST channel can insist on a token beyond loopback;
- request bodies are limited to REQUEST_MAX_BYTES (Sanic's REQUEST_MAX_SIZE), and a request whose
  length is ambiguous is refused before its body is read (serving/strict_http.py);
- `GET /` answers {"status": "ok"} without naming Rasa's version; `GET /ready` answers 200 once
  the model is loaded, with the state of the tracker and lock stores; `GET /metrics` (Prometheus);
- patients' words are redacted from every log line and warning (si_joint.log_privacy);
- it refuses to start without SI_SECRET_KEY, which the channels' conversation ids need;
- an action server's reply is checked against Rasa's schema by a validator built once: Rasa's own
  `jsonschema.validate` call re-checks the schema itself on every call, 23 ms of a 28 ms action
  call on this machine (scripts/profile_turn.py);
- when a custom action cannot run (the action server is down, times out or fails), the turn is
  answered from the domain, which needs no action server: `utter_emergency_without_actions` for
  an emergency, `utter_try_again` otherwise. Rasa would log the error and reply nothing at all;
- a turn that reaches Rasa's action limit is ended with a reply and `action_listen`: Rasa would leave
  the conversation silent for good (`end_turns_that_reach_the_action_limit`);
- the conversation's language is set in the `language` slot before each turn's actions, in this
  process (`set_the_language_before_each_turn`): the domain's responses and the action server follow it.

    python -m serving.rasa_server --model models/si_joint_assistant.tar.gz --port 5005 ...
"""

from __future__ import annotations

import copy
import hmac
import logging
import os
import sys
import threading
from typing import Any, Callable, Dict, List

from serving import strict_http
from si_joint import log_privacy
from si_joint.conversation_ids import SecretKeyError, secret_key
from si_joint.conversation_language import ENGLISH, LANGUAGE_SLOT, next_language, response_text
from si_joint.message_limits import REQUEST_MAX_BYTES
from si_joint.parse_data import EMERGENCY_INTENT

HOST_VARIABLE = "SI_RASA_HOST"
METRICS_TOKEN_VARIABLE = "SI_METRICS_TOKEN"
DRAIN_VARIABLE = "SI_DRAIN_SECONDS"
DRAINING = threading.Event()
EMERGENCY_RESPONSE = "utter_emergency_without_actions"
TRY_AGAIN_RESPONSE = "utter_try_again"
LOST_TRACK_RESPONSE = "utter_lost_track"
DISCLAIMER_RESPONSE = "utter_disclaimer"
logger = logging.getLogger(__name__)


def with_interface(args: List[str]) -> List[str]:
    """`args` with `--interface` set (from SI_RASA_HOST when absent); exports the address."""
    for flag in ("--interface", "-i"):
        if flag in args[:-1]:
            os.environ[HOST_VARIABLE] = args[args.index(flag) + 1]
            return args
    host = os.environ.setdefault(HOST_VARIABLE, "127.0.0.1")
    return [*args, "--interface", host]


def add_status_routes(app) -> None:
    """`GET /` for health checks, without Rasa's version; `GET /metrics` (Prometheus text) for
    this machine, or for callers with `Authorization: Bearer $SI_METRICS_TOKEN` when it is set."""
    from sanic import response

    from channels.rest import PROXY_HEADERS, is_loopback
    from si_joint.service_metrics import METRICS

    drain_before_stopping(app)

    @app.get("/")
    async def status(_request):
        return response.json({"status": "ok"})

    @app.get("/ready")
    async def ready(request):
        """200 once the model is loaded, until a stop begins. The stores' state is reported, not
        required: they are shared by every instance, and a patient is better served by a "try
        again" (or the emergency advice) from a running instance than by HAProxy's 503."""
        agent = getattr(request.app.ctx, "agent", None)
        if DRAINING.is_set():
            return response.json({"status": "stopping"}, status=503)
        if agent is None or not agent.is_ready():
            return response.json({"status": "loading"}, status=503)
        return response.json({"status": "ready", **await store_states(agent)})

    @app.get("/metrics")
    async def metrics(request):
        token = os.environ.get(METRICS_TOKEN_VARIABLE) or ""
        scheme, _, given = (request.headers.get("authorization") or "").partition(" ")
        allowed = (
            (hmac.compare_digest(given.encode(), token.encode()) and scheme.lower() == "bearer")
            if token
            else is_loopback(request.ip or "") and not any(request.headers.get(h) for h in PROXY_HEADERS)
        )
        if not allowed:
            return response.json({"error": "metrics are for operations"}, status=403)
        return response.text(METRICS.render(), content_type="text/plain; version=0.0.4")


async def store_states(agent: Any) -> dict:
    """ "ok" or "unavailable" for the tracker store and the lock store, each checked with one query."""
    import asyncio

    def tracker_store() -> None:
        store = getattr(agent.tracker_store, "_tracker_store", agent.tracker_store)
        if hasattr(store, "session_scope"):
            import sqlalchemy as sa

            with store.session_scope() as session:
                session.execute(sa.text("SELECT 1"))

    def lock_store() -> None:
        if hasattr(agent.lock_store, "red"):
            agent.lock_store.red.ping()

    states = {}
    for name, check in (("conversations", tracker_store), ("locks", lock_store)):
        try:
            await asyncio.get_running_loop().run_in_executor(None, check)
            states[name] = "ok"
        except Exception:  # noqa: BLE001 - the state is the answer
            states[name] = "unavailable"
    return states


def drain_before_stopping(app) -> None:
    """With SI_DRAIN_SECONDS (`make cluster`: 12), SIGTERM or SIGINT first makes `/ready` fail, so
    the load balancer stops sending new turns (3 failed checks 3 s apart), while every turn still
    arriving is answered; only then does Sanic stop, finishing the turns in flight. Without the
    wait, Sanic closes the balancer's idle keep-alive connections just as it sends a turn on one."""
    import asyncio
    import signal

    seconds = float(os.environ.get(DRAIN_VARIABLE) or 0)
    if seconds <= 0:
        return

    @app.listener("after_server_start")
    async def replace_stop_signals(app, loop):
        def drain() -> None:
            if not DRAINING.is_set():
                DRAINING.set()
                logger.info("Stopping: not ready for new turns; stopping in %.0f s", seconds)
                loop.call_later(seconds, app.stop)

        for stop_signal in (signal.SIGTERM, signal.SIGINT):
            asyncio.get_running_loop().add_signal_handler(stop_signal, drain)


def count_replies_by_kind() -> None:
    """Counts the fallback, not-covered and emergency replies as Rasa runs their actions."""
    from rasa.core.processor import MessageProcessor

    from si_joint.service_metrics import METRICS

    run_action = MessageProcessor._run_action

    async def counted(self, action, tracker, output_channel, nlg, prediction):
        METRICS.count_action(action.name(), tracker.get_latest_input_channel())
        return await run_action(self, action, tracker, output_channel, nlg, prediction)

    MessageProcessor._run_action = counted


def response_when_actions_fail(tracker: Any) -> str:
    intent = (tracker.latest_message.intent or {}).get("name") if tracker.latest_message else None
    return EMERGENCY_RESPONSE if intent == EMERGENCY_INTENT else TRY_AGAIN_RESPONSE


# Rasa's words when aiohttp could not send a request to the action server.
CONNECTION_CLOSED = "Couldn't connect to the server"


def answer_from_the_domain_when_actions_fail() -> None:
    from rasa.core.actions.action import ActionExecutionRejection, RemoteAction, create_bot_utterance
    from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
    from rasa.shared.core.events import ActionExecuted, FollowupAction, SessionStarted
    from rasa.shared.exceptions import RasaException

    run_remote = RemoteAction.run

    async def run_once_more_if_the_connection_closed(self, output_channel, nlg, tracker, domain):
        try:
            return await run_remote(self, output_channel, nlg, tracker, domain)
        except RasaException as error:
            if CONNECTION_CLOSED not in str(error):
                raise
            # A kept-alive connection the action server closed as it was reused: the request never left.
            logger.warning("Custom action %s: connection to the action server closed; tried once more", self.name())
            return await run_remote(self, output_channel, nlg, tracker, domain)

    async def run(self, output_channel, nlg, tracker, domain):
        try:
            return await run_once_more_if_the_connection_closed(self, output_channel, nlg, tracker, domain)
        except ActionExecutionRejection:
            raise  # a form's validation said no: Rasa's normal flow
        except Exception as error:  # noqa: BLE001 - any failure: the patient still gets an answer
            if self.name() == ACTION_SESSION_START_NAME:  # start the session as the action would
                message = await nlg.generate("utter_disclaimer", tracker, output_channel.name())
                opening = [create_bot_utterance(message)] if message else []
                return opening + [SessionStarted(), ActionExecuted(ACTION_LISTEN_NAME)]
            response = response_when_actions_fail(tracker)
            logger.error("Custom action %s failed (%s); answered with %s", self.name(), type(error).__name__, response)
            message = await nlg.generate(response, tracker, output_channel.name())
            answer = [create_bot_utterance(message)] if message else []
            return answer + [FollowupAction(ACTION_LISTEN_NAME)]  # and wait for the patient

    RemoteAction.run = run


def end_turns_that_reach_the_action_limit() -> None:
    """Rasa stops a turn that predicts more than MAX_NUMBER_OF_PREDICTIONS actions without logging
    `action_listen`. Its limit counts the actions since the last `action_listen`, so every later
    turn of that conversation stopped at once, with no reply, for good, "start over" included. Here
    such a turn ends as a turn should: any form is stopped, the patient is answered from the domain
    (`utter_lost_track`, or the emergency advice for an emergency) and `action_listen` is logged."""
    from rasa.core.actions.action import create_bot_utterance
    from rasa.core.processor import MessageProcessor
    from rasa.shared.core.constants import ACTION_LISTEN_NAME, REQUESTED_SLOT
    from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet

    run_loop = MessageProcessor._run_prediction_loop

    async def run(self, output_channel, tracker):
        await run_loop(self, output_channel, tracker)
        if not self.is_action_limit_reached(tracker, True):
            return
        logger.error("A turn reached Rasa's action limit; it was ended and the patient asked to say it again")
        name = EMERGENCY_RESPONSE if response_when_actions_fail(tracker) == EMERGENCY_RESPONSE else LOST_TRACK_RESPONSE
        message = await self.nlg.generate(name, tracker, output_channel.name())
        events = [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None)] if tracker.active_loop_name else []
        if message:
            events.append(create_bot_utterance(message))
        await self.execute_side_effects(events, tracker, output_channel)
        for event in [*events, ActionExecuted(ACTION_LISTEN_NAME)]:
            tracker.update(event)

    MessageProcessor._run_prediction_loop = run


def set_the_language_before_each_turn() -> None:
    """Sets the `language` slot after Rasa's slot extraction, before the turn's actions, so the
    domain's responses (each has a variation for `language: es`) and the action server answer in the
    conversation's language. A conversation that turns to another language hears the disclaimer in
    it once a session, after any urgent advice. In this process: an action-server call at every turn
    cost 1.55x a question's latency (docs/performance.md)."""
    from rasa.core.actions.action import ActionExtractSlots
    from rasa.shared.core.constants import ACTION_SESSION_START_NAME
    from rasa.shared.core.events import ActionExecuted, BotUttered, Restarted, SlotSet

    from si_joint.site_settings import served_languages

    served = served_languages()
    extract_slots = ActionExtractSlots.run

    def said_this_session(tracker: Any, text: str) -> bool:
        # The session's opening disclaimer comes after action_session_start, before SessionStarted.
        for event in reversed(tracker.events):
            if isinstance(event, Restarted) or (
                isinstance(event, ActionExecuted) and event.action_name == ACTION_SESSION_START_NAME
            ):
                return False
            if isinstance(event, BotUttered) and event.text == text:
                return True
        return False

    async def run(self, output_channel, nlg, tracker, domain):
        events = await extract_slots(self, output_channel, nlg, tracker, domain)
        current = tracker.get_slot(LANGUAGE_SLOT)
        message = tracker.latest_message
        if message is None:
            return events
        language = next_language(message.parse_data, current, served, message.metadata)
        if language != current:
            events.append(SlotSet(LANGUAGE_SLOT, language))
        # Urgent advice first: after a warning sign the disclaimer waits for the next turn.
        if language == ENGLISH or (message.intent or {}).get("name") == EMERGENCY_INTENT:
            return events
        disclaimer = response_text(domain.responses, DISCLAIMER_RESPONSE, language)
        if disclaimer and not said_this_session(tracker, disclaimer):
            events.insert(0, BotUttered(disclaimer, metadata={"utter_action": DISCLAIMER_RESPONSE}))
        return events

    ActionExtractSlots.run = run


def validate_action_replies_with_one_validator() -> None:
    """Rasa's `RemoteAction._validate_action_result`, with the same schema and the same error,
    without compiling and re-checking the schema on every action call. A valid reply is checked
    event by event against the one event schema its name selects (`quickly_valid`), which is what
    the schema's `oneOf` comes to and a tenth of the work; any other reply goes through the whole
    schema, so its error is Rasa's."""
    from jsonschema.exceptions import best_match
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)
    quickly_valid = event_by_event_check(schema, validator_class)

    def validate(self, result: Any) -> bool:
        if quickly_valid(result):
            return True
        error = best_match(validator.iter_errors(result))
        if error is None:
            return True
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from "
            f"the Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error

    RemoteAction._validate_action_result = validate


def event_by_event_check(schema: Dict[str, Any], validator_class: Any) -> Callable[[Any], bool]:
    """True for a reply the whole schema accepts, False for one it may refuse. Every event schema
    in the `oneOf` requires its own constant `event` name, so an event is valid when the schema its
    name selects accepts it."""
    event_schema = schema["properties"]["events"]["items"]
    shared = {key: value for key, value in event_schema.items() if key != "oneOf"}
    by_name = {
        kind["properties"]["event"]["const"]: validator_class({"allOf": [shared, kind]})
        for kind in event_schema["oneOf"]
    }
    without_events = copy.deepcopy(schema)
    without_events["properties"]["events"] = {"type": "array"}
    outer = validator_class(without_events)

    def valid_event(event: Any) -> bool:
        name = event.get("event") if isinstance(event, dict) else None
        return isinstance(name, str) and name in by_name and by_name[name].is_valid(event)

    def quickly_valid(result: Any) -> bool:
        if not outer.is_valid(result):
            return False
        events = result.get("events", []) if isinstance(result, dict) else []
        return all(valid_event(event) for event in events)

    return quickly_valid


def fail_loudly_when_the_tracker_store_fails() -> None:
    """Rasa catches every tracker store error, starts the patient on a new, empty conversation and
    keeps the turn in memory only, saying so once in a log line. Here the error goes on to the
    channel, which answers the patient (`channels.conversations.unavailable_reply`), and the log
    says the store is unavailable on every turn until it is back."""
    from rasa.core.tracker_store import FailSafeTrackerStore

    def passing_on(name: str) -> Any:
        async def call(self, *args: Any) -> Any:
            try:
                return await getattr(self._tracker_store, name)(*args)
            except Exception as error:
                logger.error("Tracker store unavailable (%s in %s); the turn was refused", type(error).__name__, name)
                raise

        return call

    for name in ("retrieve", "retrieve_full_tracker", "save", "keys"):
        setattr(FailSafeTrackerStore, name, passing_on(name))


def main(args: List[str]) -> None:
    try:
        secret_key()
    except SecretKeyError as error:
        sys.exit(f"Cannot start the Rasa server: {error}")
    os.environ.setdefault("SANIC_REQUEST_MAX_SIZE", str(REQUEST_MAX_BYTES))
    log_privacy.install()
    strict_http.install()
    import rasa.server
    from rasa.__main__ import main as rasa_main

    rasa.server.add_root_route = add_status_routes  # Rasa's own names its version
    count_replies_by_kind()
    answer_from_the_domain_when_actions_fail()
    end_turns_that_reach_the_action_limit()
    set_the_language_before_each_turn()
    validate_action_replies_with_one_validator()
    fail_loudly_when_the_tracker_store_fails()
    sys.argv = ["rasa", "run", *with_interface(args)]
    rasa_main()


if __name__ == "__main__":
    main(sys.argv[1:])
