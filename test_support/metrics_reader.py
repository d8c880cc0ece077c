"""Reading a service's Prometheus ``/metrics`` in tests: one value per (name, labels)."""

from __future__ import annotations

from collections.abc import Mapping

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


async def scrape(base_url: str, token: str = "") -> Samples:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with aiohttp.ClientSession() as http, http.get(f"{base_url}/metrics", headers=headers) as answer:
        assert answer.status == 200, await answer.text()
        assert answer.content_type == "text/plain"
        text = await answer.text()
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def value(samples: Samples, name: str, **labels: str) -> float:
    """The sample ``name`` with exactly ``labels`` (0 when it was never recorded)."""
    return samples.get((name, frozenset(labels.items())), 0.0)


def total(samples: Samples, name: str, **labels: str) -> float:
    """The sum of the samples ``name`` whose labels include ``labels``."""
    wanted = set(labels.items())
    return sum(number for (sample, have), number in samples.items() if sample == name and wanted <= have)


def grew(before: Samples, after: Samples, name: str, **labels: str) -> float:
    return total(after, name, **labels) - total(before, name, **labels)


def labels_of(samples: Samples, name: str) -> list[Mapping[str, str]]:
    return [dict(have) for (sample, have) in samples if sample == name]
