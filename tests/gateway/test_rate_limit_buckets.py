"""Token buckets and the client address, without a server."""

from __future__ import annotations

from aiohttp.test_utils import make_mocked_request

from bot.rate_limits import MAX_TRACKED, TokenBuckets, client_ip


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_then_the_rate_and_one_notice_per_streak() -> None:
    clock = FakeClock()
    buckets = TokenBuckets(per_minute=6, burst=3, clock=clock)  # one more every 10 s
    assert [buckets.check("chat").allowed for _ in range(3)] == [True, True, True]
    refused = [buckets.check("chat") for _ in range(3)]
    assert [(d.allowed, d.tell) for d in refused] == [(False, True), (False, False), (False, False)]
    assert 9 < refused[0].retry_after_s <= 10
    assert buckets.check("another chat").allowed  # keys do not share buckets
    clock.now += 10
    assert buckets.check("chat").allowed
    refused_again = buckets.check("chat")
    assert (refused_again.allowed, refused_again.tell) == (False, True)  # a new streak is told again


def test_zero_disables_the_limit() -> None:
    buckets = TokenBuckets(per_minute=0, burst=0)
    assert all(buckets.check("chat").allowed for _ in range(1000))


def test_idle_buckets_are_forgotten_when_many_are_tracked() -> None:
    clock = FakeClock()
    buckets = TokenBuckets(per_minute=60, burst=5, clock=clock)
    for number in range(MAX_TRACKED):
        buckets.check(f"chat-{number}")
    clock.now += 60
    buckets.check("newcomer")
    assert len(buckets.buckets) == 1


def test_the_client_address_behind_our_proxy_is_the_rightmost_forwarded_one() -> None:
    request = make_mocked_request("GET", "/chat", headers={"X-Forwarded-For": "6.6.6.6, 203.0.113.7"})
    assert client_ip(request, trust_forwarded=True) == "203.0.113.7"
    # not behind a proxy: the header is the client's own word and is ignored
    assert client_ip(request, trust_forwarded=False) != "203.0.113.7"
