"""The web chat's record of answered messages (channels/delivered_messages.py), shared by two
"instances" through a real redis-server, and in one process's memory when Redis is down."""

import asyncio

import redis.asyncio

from channels.delivered_messages import ANSWERED, ANSWERING, CLAIMED, DeliveredMessages
from serving.databases import Redis
from si_joint_dev.running_assistant import free_port


def run(coroutine):
    return asyncio.new_event_loop().run_until_complete(coroutine)


async def claims_on_two_instances(port: int) -> list:
    first = DeliveredMessages(redis.asyncio.Redis(port=port))
    second = DeliveredMessages(redis.asyncio.Redis(port=port))
    states = [
        await first.claim("web:a", "message-1"),
        await second.claim("web:a", "message-1"),
        await second.claim("web:b", "message-1"),
    ]
    await first.remember("web:a", "message-1")
    return states + [await second.claim("web:a", "message-1")]


def test_a_copy_is_answered_once_across_instances_and_conversations_stay_apart():
    server = Redis(free_port())
    server.start()
    try:
        states = run(claims_on_two_instances(server.port))
    finally:
        server.stop()
    assert states == [CLAIMED, ANSWERING, CLAIMED, ANSWERED]


async def claims_without_redis(port: int) -> list:
    memory = DeliveredMessages(redis.asyncio.Redis(port=port, socket_connect_timeout=1))
    states = [await memory.claim("web:a", "message-2"), await memory.claim("web:a", "message-2")]
    await memory.remember("web:a", "message-2")
    return states + [await memory.claim("web:a", "message-2")]


def test_with_redis_down_the_instance_remembers_its_own_messages():
    assert run(claims_without_redis(free_port())) == [CLAIMED, ANSWERING, ANSWERED]
