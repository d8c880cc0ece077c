"""Whatever a caller sends, the back office answers with a JSON error of the contract, never a 500.

Bodies and query values are generated (hypothesis): wrong types, missing and
unknown fields, huge strings, nested junk, non-JSON bytes.
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from test_support.backoffice import BackOffice

POST_ROUTES = ["/applications/lookup", "/residents/check", "/licences/lookup", "/bookings",
               "/bookings/TGL-AAAAAA/cancel"]
GET_ROUTES = ["/mpps", "/mpps/nearest", "/kiosks", "/mobile-services", "/mpps/mpp-kab-tegal/availability",
              "/bookings/TGL-AAAAAA"]
QUERY_NAMES = ["region_code", "service", "date", "citizen_ref", "from", "x"]
FIELD_NAMES = ["number", "birth_date", "nik", "mpp_id", "service", "date", "citizen_ref", "extra"]
ERROR_STATUSES = {400, 404, 405, 409, 413, 422, 429}

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                    st.text(max_size=40), st.sampled_from(["2026-02-30", "3328051205900001", "PMH-250703-0002",
                                                           "mpp-kab-tegal", "ktp_el", "33.28", "' OR 1=1 --"]))
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
    st.sampled_from(FIELD_NAMES), inner, max_size=4), max_leaves=8)
bodies = st.one_of(
    st.dictionaries(st.sampled_from(FIELD_NAMES), json_values, max_size=6).map(lambda body: json.dumps(body).encode()),
    json_values.map(lambda value: json.dumps(value).encode()),
    st.binary(max_size=200),
)


def assert_contract_answer(status: int, payload: Any, request: str) -> None:
    assert status < 500, f"{request} -> {status} {payload}"
    if status in ERROR_STATUSES:
        assert isinstance(payload, dict) and isinstance(payload.get("error"), dict), f"{request} -> {payload}"
        assert payload["error"]["code"] and payload["error"]["message"], f"{request} -> {payload}"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(route=st.sampled_from(POST_ROUTES), body=bodies, key=st.one_of(st.none(), st.text(max_size=120)))
async def test_posted_junk_gets_a_json_error(backoffice: BackOffice, route: str, body: bytes, key: str | None) -> None:
    headers = {"Content-Type": "application/json"}
    if key is not None and key.isprintable() and key.isascii():
        headers["Idempotency-Key"] = key
    async with aiohttp.ClientSession() as http, http.post(f"{backoffice.url}{route}", data=body,
                                                          headers=headers) as response:
        assert_contract_answer(response.status, await response.json(content_type=None), f"POST {route} {body!r}")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(route=st.sampled_from(GET_ROUTES),
       query=st.dictionaries(st.sampled_from(QUERY_NAMES), st.text(max_size=30), max_size=3))
async def test_queried_junk_gets_a_json_error(backoffice: BackOffice, route: str, query: dict[str, str]) -> None:
    async with aiohttp.ClientSession() as http, http.get(f"{backoffice.url}{route}", params=query) as response:
        assert_contract_answer(response.status, await response.json(content_type=None), f"GET {route} {query!r}")
