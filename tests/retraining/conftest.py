"""A seeded transcript database shared by the tests of one module (migrating takes half a second)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from test_support.transcript_seeding import Transcripts, seed_misunderstood


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Transcripts]:
    transcripts = Transcripts(tmp_path_factory.mktemp("gateway") / "gateway.db")
    seed_misunderstood(transcripts)
    yield transcripts
    transcripts.close()
