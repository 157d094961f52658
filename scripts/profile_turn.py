"""Where a question turn's time goes: the trained model loaded in this process as the Rasa server
(serving/rasa_server.py) loads it (same tracker store, same action endpoint, the real action server
on a free port), with timers around each part of a turn. Prints a table of mean milliseconds per turn by part.

Parts: each NLU component and policy (Rasa's graph nodes), the tracker store's reads and writes,
each custom action's round trip to the action server, and, inside that, the action code itself
(timed in this process by rasa_sdk's executor on the same request body).
usage: python scripts/profile_turn.py [--turns N] [--conversation-length N]
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import logging
import os
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable, Dict, List

from serving import rasa_server
from serving.endpoint_settings import with_endpoint_defaults
from si_joint import PROJECT_ROOT as ROOT
from si_joint_dev.nlu_evaluation import holdout_examples
from si_joint_dev.running_assistant import TEST_ACTION_TOKEN, TEST_SECRET_KEY, running_assistant

SPENT: Dict[str, float] = defaultdict(float)


def timed(owner: Any, name: str, label: Callable[..., str]) -> None:
    """Adds the time of every call of `owner.name` (a function or a coroutine function) to SPENT."""
    original = getattr(owner, name)

    if asyncio.iscoroutinefunction(original):

        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return await original(*args, **kwargs)
            finally:
                SPENT[label(*args, **kwargs)] += time.perf_counter() - started
    else:

        def wrapper(*args: Any, **kwargs: Any) -> Any:  # type: ignore[misc]  # one name, either kind
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                SPENT[label(*args, **kwargs)] += time.perf_counter() - started

    setattr(owner, name, wrapper)


class ActionRecorder:
    """Keeps a copy of every action server request body, to time the action code on its own
    afterwards with rasa_sdk's executor (no HTTP, no Rasa)."""

    def __init__(self) -> None:
        from rasa_sdk.executor import ActionExecutor

        self.bodies: List[Dict[str, Any]] = []
        self.executor = ActionExecutor()
        self.executor.register_package("actions")

    def install(self) -> None:
        from rasa.core.actions.action import RemoteAction

        format_call = RemoteAction._action_call_format

        def format_and_record(action: Any, tracker: Any, domain: Any) -> Dict[str, Any]:
            body = format_call(action, tracker, domain)
            self.bodies.append(copy.deepcopy(body))
            return body

        RemoteAction._action_call_format = format_and_record

    async def time_action_code(self) -> Dict[str, float]:
        spent: Dict[str, float] = defaultdict(float)
        for body in self.bodies:
            started = time.perf_counter()
            await self.executor.run(body)
            spent[f"action code: {body['next_action']}"] += time.perf_counter() - started
        return spent


def install_timers() -> ActionRecorder:
    from rasa.core.actions.action import RemoteAction
    from rasa.core.tracker_store import TrackerStore
    from rasa.engine.graph import GraphNode

    from serving.tracker_store import PrivateInMemoryTrackerStore

    timed(GraphNode, "__call__", lambda node, *a, **k: f"graph: {node._node_name}")
    timed(PrivateInMemoryTrackerStore, "retrieve", lambda *a, **k: "tracker store: retrieve")
    timed(PrivateInMemoryTrackerStore, "save", lambda *a, **k: "tracker store: save")
    timed(TrackerStore, "get_or_create_tracker", lambda *a, **k: "tracker store: get_or_create")
    timed(RemoteAction, "run", lambda action, *a, **k: f"action round trip: {action.name()}")
    timed(RemoteAction, "_action_call_format", lambda *a, **k: "action request body (tracker to JSON)")
    recorder = ActionRecorder()
    recorder.install()
    return recorder


async def run_turns(agent: Any, questions: List[str], conversation_length: int) -> int:
    turns = 0
    for index, text in enumerate(questions):
        sender = f"rest:profile-{index // conversation_length}"
        started = time.perf_counter()
        await agent.handle_text(text, sender_id=sender)
        SPENT["whole turn (handle_message)"] += time.perf_counter() - started
        turns += 1
    return turns


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--conversation-length", type=int, default=1, help="turns per conversation")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    questions = [m.get("text") for m in holdout_examples() if m.get("intent", "").startswith("ask_")]
    questions = (questions * (args.turns // len(questions) + 1))[: args.turns]
    with running_assistant(ROOT / "benchmarks" / "logs") as assistant:
        # endpoints.yml reads its stores from the environment (serving/endpoint_settings.py): a
        # throw-away SQLite file here, so profiling never touches `make run`'s conversations.
        scratch = tempfile.mkdtemp(prefix="si-profile-")
        os.environ.update(
            with_endpoint_defaults(
                {
                    **os.environ,
                    "ACTION_SERVER_PORT": assistant.actions_url.rsplit(":", 1)[1],
                    "SI_CONVERSATIONS_DB": str(Path(scratch) / "conversations.db"),
                    "SI_ACTION_TOKEN": TEST_ACTION_TOKEN,
                    "SI_SECRET_KEY": TEST_SECRET_KEY,
                }
            )
        )
        from rasa.core.agent import load_agent
        from rasa.core.utils import AvailableEndpoints

        endpoints = AvailableEndpoints.read_endpoints(str(ROOT / "endpoints.yml"))
        rasa_server.answer_from_the_domain_when_actions_fail()  # as serving/rasa_server.py runs Rasa
        rasa_server.validate_action_replies_with_one_validator()
        recorder = install_timers()
        agent = asyncio.run(
            load_agent(model_path=str(ROOT / "models" / "si_joint_assistant.tar.gz"), endpoints=endpoints)
        )
        asyncio.run(run_turns(agent, questions[:5], 1))  # warm
        SPENT.clear()
        recorder.bodies.clear()
        turns = asyncio.run(run_turns(agent, questions, args.conversation_length))
    SPENT.update(asyncio.run(recorder.time_action_code()))
    print(f"{turns} turns, {args.conversation_length} per conversation; mean ms per turn:")
    for part, seconds in sorted(SPENT.items(), key=lambda item: -item[1]):
        if seconds * 1000 / turns >= 0.05:
            print(f"  {seconds * 1000 / turns:8.2f}  {part}")


if __name__ == "__main__":
    main()
