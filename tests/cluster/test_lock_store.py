"""The atomic Redis lock store against a real redis-server on 127.0.0.1: tickets stay unique and
turns of one conversation never overlap across instances (serving/lock_store.py)."""

import asyncio
import threading

import pytest
import redis
from rasa.core.lock_store import RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from serving.databases import Redis
from serving.lock_store import AtomicRedisLockStore
from si_joint_dev.running_assistant import free_port

INSTANCES = 8
TICKETS_EACH = 40


@pytest.fixture(scope="module")
def redis_port():
    server = Redis(free_port())
    server.start()
    yield server.port
    server.stop()


def tickets_from_instances(make_store, conversation):
    """Each thread is one Rasa instance with its own connection, taking tickets at the same time."""
    tickets, start = [], threading.Barrier(INSTANCES)

    def instance():
        store = make_store()
        start.wait()
        taken = [store.issue_ticket(conversation) for _ in range(TICKETS_EACH)]
        tickets.extend(taken)

    threads = [threading.Thread(target=instance) for _ in range(INSTANCES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tickets


def test_rasa_s_own_store_hands_out_the_same_ticket_twice(redis_port):
    """Why this store exists."""
    tickets = tickets_from_instances(lambda: RedisLockStore(port=redis_port, db=2), "rest:race")
    assert len(set(tickets)) < len(tickets)


def test_tickets_are_unique_across_instances(redis_port):
    tickets = tickets_from_instances(lambda: AtomicRedisLockStore(port=redis_port, db=3), "rest:race")
    assert sorted(tickets) == list(range(INSTANCES * TICKETS_EACH))


def test_turns_of_one_conversation_never_overlap_across_instances(redis_port):
    inside, overlaps, done = [0], [], []

    def instance():
        store = AtomicRedisLockStore(port=redis_port, db=4)

        async def turns():
            for _ in range(5):
                async with store.lock("rest:turns", wait_time_in_seconds=0.01):
                    inside[0] += 1
                    if inside[0] > 1:
                        overlaps.append(True)
                    await asyncio.sleep(0.005)
                    inside[0] -= 1
                    done.append(1)

        asyncio.new_event_loop().run_until_complete(turns())

    threads = [threading.Thread(target=instance) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not overlaps and len(done) == 20
    assert redis.Redis(port=redis_port, db=4).keys("*") == []  # the last one out deleted the lock


def test_settings_from_endpoints_yml_arrive_as_strings(redis_port):
    config = EndpointConfig(
        url="127.0.0.1", type="serving.lock_store.AtomicRedisLockStore", port=str(redis_port), db="5", key_prefix="si"
    )
    store = AtomicRedisLockStore(endpoint_config=config)
    assert store.issue_ticket("rest:a") == 0
    assert redis.Redis(port=redis_port, db=5).keys("*") == [b"si:lock:rest:a"]
