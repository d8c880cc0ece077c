"""Per-conversation workers: in order within a conversation, concurrent across conversations."""

from __future__ import annotations

import asyncio
import random

from bot.ordering import OrderedWorkers


async def test_items_of_one_key_run_in_order_and_keys_run_concurrently() -> None:
    done: list[tuple[str, int]] = []
    running: set[str] = set()
    overlap = False

    async def handle(item: tuple[str, int]) -> None:
        nonlocal overlap
        key, _ = item
        assert key not in running, "two items of one conversation ran at once"
        running.add(key)
        overlap = overlap or len(running) > 1
        await asyncio.sleep(random.uniform(0, 0.01))
        running.discard(key)
        done.append(item)

    workers: OrderedWorkers[tuple[str, int]] = OrderedWorkers(handle)
    for n in range(30):
        for key in ("a", "b", "c"):
            workers.submit(key, (key, n))
    await workers.wait_idle()
    for key in ("a", "b", "c"):
        assert [n for k, n in done if k == key] == list(range(30))
    assert overlap
    assert workers.busy == 0


async def test_a_failing_item_does_not_stop_the_ones_after_it() -> None:
    done: list[int] = []

    async def handle(item: int) -> None:
        if item == 1:
            raise RuntimeError("boom")
        done.append(item)

    workers: OrderedWorkers[int] = OrderedWorkers(handle)
    for item in range(4):
        workers.submit("k", item)
    await workers.wait_idle()
    assert done == [0, 2, 3]
