"""The NIK registry: registered only with a second factor, and a stranger learns nothing more than format validity.

Each test runs on SQLite and on PostgreSQL. Every failed lookup counts against
its NIK and its citizen for 15 minutes and the back offices live for the whole
session, so each test uses NIKs and citizens of its own (docs/demo-data.md).
"""

from __future__ import annotations

import statistics
import time
import uuid
from typing import Any

import aiohttp
import pytest

from backend.attempts import MAX_FAILURES
from test_support.backoffice import BackOffice
from test_support.backoffice_helpers import post_json

OFFICES = ["backoffice", "backoffice_pg"]
# demo residents (backend/demo_data.yml): key -> (NIK, KK number, mother's maiden name)
DEMO = {
    "r03": ("7313012101880001", "7313010305120004", "Hasnah"),
    "r04": ("7313027011990001", "7313021109180002", "Nurhayati"),
    "r05": ("3217015402020003", "3217012804030009", "Euis Komariah"),
    "r06": ("1106020707750001", "1106020101990003", "Cut Rahmah"),
    "r07": ("7402026512830002", "7402021406110005", "Wa Ode Hasni"),
    "r08": ("1605010909000001", "1605012210010006", "Suparmi"),
    "r09": ("3671014104920005", "3671010908160011", "Ratna Sari"),
    "r10": ("6112011010690001", "6112011703950002", "Yohana Lusi"),
    "r11": ("7202015806970001", "7202010512190001", "Martha Lamba"),
    "r14": ("1216021708790001", "1216023010000004", "Rosmaida Sihombing"),
    "r15": ("7310046802910001", "7310041808130006", "Sitti Hawa"),
}
WRONG_KK = "3328059999999999"


@pytest.fixture(params=OFFICES)
def office(request: pytest.FixtureRequest) -> BackOffice:
    found: BackOffice = request.getfixturevalue(request.param)
    return found


def unregistered(nik: str, serial: int) -> str:
    """A NIK of the same structure (region, birth date) that is in no registry: another serial."""
    return f"{nik[:12]}{serial:04d}"


def citizen() -> str:
    return f"citizen-{uuid.uuid4().hex[:12]}"


async def check(http: aiohttp.ClientSession, office: BackOffice, nik: str, **factor: str) -> tuple[int, Any]:
    return await post_json(http, f"{office.url}/residents/check", {"nik": nik, "citizen_ref": citizen(), **factor})


async def full_answer(http: aiohttp.ClientSession, url: str, body: dict[str, Any]) -> tuple[int, Any, str | None]:
    """Status, body and whether a Retry-After came: everything a caller sees but the clock."""
    async with http.post(url, json=body) as response:
        return response.status, await response.json(), response.headers.get("Retry-After") and "Retry-After"


async def test_the_right_kk_number_confirms_the_registration(office: BackOffice, http: aiohttp.ClientSession) -> None:
    nik, kk, _ = DEMO["r03"]
    assert await check(http, office, nik, kk_number=kk) == (200, {"registered": True, "demo": True})


@pytest.mark.parametrize("name", ["Nurhayati", "nurhayati", " NUR hayati ", "NurHayati\t"])
async def test_the_mothers_maiden_name_is_compared_ignoring_case_and_spaces(
        office: BackOffice, http: aiohttp.ClientSession, name: str) -> None:
    nik, _, _ = DEMO["r04"]
    assert await check(http, office, nik, mother_maiden_name=name) == (200, {"registered": True, "demo": True})


async def test_wrong_factor_unknown_nik_and_missing_factor_get_the_same_answer(
        office: BackOffice, http: aiohttp.ClientSession) -> None:
    nik, kk, name = DEMO["r05"]
    other_kk, other_name = DEMO["r06"][1:]
    answers = [
        await check(http, office, nik, kk_number=other_kk),
        await check(http, office, nik, mother_maiden_name=other_name),
        await check(http, office, nik),
        await check(http, office, unregistered(nik, 77), kk_number=kk),
        await check(http, office, unregistered(nik, 77), mother_maiden_name=name),
    ]
    assert answers[0][0] == 404 and answers[0][1]["error"]["code"] == "not_found"
    assert all(answer == answers[0] for answer in answers), answers
    assert "demo" not in answers[0][1] and "registered" not in answers[0][1]


@pytest.mark.parametrize(("body", "fields"), [
    ({"nik": "12345"}, {"nik"}),
    ({"nik": "33280512059000011"}, {"nik"}),
    ({"nik": "3328O51205900001"}, {"nik"}),
    ({"nik": 3328051205900001}, {"nik"}),
    ({"kk_number": "3328"}, {"kk_number"}),
    ({"kk_number": "7313010305120004", "mother_maiden_name": "Hasnah"}, {"mother_maiden_name"}),
    ({"mother_maiden_name": ""}, {"mother_maiden_name"}),
    ({"citizen_ref": None}, {"citizen_ref"}),
])
async def test_malformed_requests_are_refused_before_any_lookup(
        office: BackOffice, http: aiohttp.ClientSession, body: dict[str, Any], fields: set[str]) -> None:
    status, answer = await post_json(http, f"{office.url}/residents/check",
                                     {k: v for k, v in {"nik": DEMO["r03"][0], "citizen_ref": citizen(), **body}.items()
                                      if v is not None})
    assert (status, answer["error"]["code"], set(answer["error"]["fields"])) == (422, "invalid_request", fields)


async def test_a_stranger_who_knows_only_a_nik_learns_nothing_more_than_its_format_validity(
        office: BackOffice, http: aiohttp.ClientSession) -> None:
    """Every open path, for a demo resident's NIK and for an unregistered NIK of the same structure."""
    registered, _, _ = DEMO["r07"]
    stranger_guesses: list[tuple[str, dict[str, Any]]] = [
        ("/residents/check", {}),
        ("/residents/check", {"kk_number": WRONG_KK}),
        ("/residents/check", {"mother_maiden_name": "Siti"}),
        ("/residents/check", {"kk_number": "123"}),  # 422: refused before the registry is read
        # the NIK encodes the birth date: as an application number, as a licence number
        ("/applications/lookup", {"birth_date": "1983-12-25"}),
        ("/licences/lookup", {}),
        ("/residents/check", {"kk_number": WRONG_KK}),
        ("/residents/check", {"mother_maiden_name": "Wa Ode"}),
        ("/residents/check", {}),  # the 6th failure of the NIK: locked
        ("/residents/check", {"mother_maiden_name": "Wa Ode Hasni"}),  # even the right factor now waits
    ]
    answers: dict[str, list[tuple[int, Any, str | None]]] = {}
    for nik in (registered, unregistered(registered, 88)):
        caller = citizen()
        answers[nik] = []
        for route, extra in stranger_guesses:
            body: dict[str, Any] = {"nik": nik, "citizen_ref": caller, **extra}
            if route != "/residents/check":
                body = {"number": nik, **extra}
            answers[nik].append(await full_answer(http, f"{office.url}{route}", body))
    assert answers[registered] == answers[unregistered(registered, 88)]
    statuses = [status for status, _, _ in answers[registered]]
    assert statuses == [404, 404, 404, 422, 404, 404, 404, 404, 429, 429]
    assert answers[registered][-1][1]["error"]["code"] == "too_many_attempts"


async def test_a_nik_is_locked_after_five_failures_from_any_citizens(
        office: BackOffice, http: aiohttp.ClientSession) -> None:
    nik, kk, _ = DEMO["r08"]
    for _ in range(MAX_FAILURES):
        status, _ = await check(http, office, nik, kk_number=WRONG_KK)  # a new citizen every time
        assert status == 404
    async with http.post(f"{office.url}/residents/check",
                         json={"nik": nik, "kk_number": kk, "citizen_ref": citizen()}) as response:
        assert response.status == 429
        assert 0 < int(response.headers["Retry-After"]) <= 15 * 60
        assert (await response.json())["error"]["code"] == "too_many_attempts"


async def test_a_citizen_is_locked_after_five_failures_on_any_niks(
        office: BackOffice, http: aiohttp.ClientSession) -> None:
    caller = citizen()
    nik, kk, _ = DEMO["r09"]
    for serial in range(MAX_FAILURES):
        status, _ = await post_json(http, f"{office.url}/residents/check",
                                    {"nik": unregistered(nik, 60 + serial), "kk_number": kk, "citizen_ref": caller})
        assert status == 404
    status, body = await post_json(http, f"{office.url}/residents/check",
                                   {"nik": nik, "kk_number": kk, "citizen_ref": caller})
    assert (status, body["error"]["code"]) == (429, "too_many_attempts")
    assert await check(http, office, nik, kk_number=kk) == (200, {"registered": True, "demo": True}), \
        "another citizen is not locked, and the NIK itself was not guessed at"


async def test_a_success_does_not_count_as_a_failure(office: BackOffice, http: aiohttp.ClientSession) -> None:
    nik, kk, name = DEMO["r10"]
    caller = citizen()
    for factor in ({"kk_number": kk}, {"mother_maiden_name": name}) * MAX_FAILURES:
        body = {"nik": nik, "citizen_ref": caller, **factor}
        status, _ = await post_json(http, f"{office.url}/residents/check", body)
        assert status == 200


async def test_an_unregistered_nik_takes_as_long_as_a_wrong_factor(
        office: BackOffice, http: aiohttp.ClientSession) -> None:
    """Both cost one scrypt (~30 ms): the clock does not tell a registered NIK either."""
    known = [DEMO[key][0] for key in ("r11", "r14", "r15")] * 2  # 2 failures each: far from the lock
    timings: dict[bool, list[float]] = {True: [], False: []}
    for index, nik in enumerate(known):  # interleaved, so that both see the same load
        for is_known, probe in ((True, nik), (False, unregistered(nik, 90 + index))):
            started = time.perf_counter()
            status, _ = await check(http, office, probe, kk_number=WRONG_KK)
            timings[is_known].append(time.perf_counter() - started)
            assert status == 404
    known_median, unknown_median = statistics.median(timings[True]), statistics.median(timings[False])
    assert unknown_median > 0.5 * known_median, timings  # no fast path for an unknown NIK
    assert abs(known_median - unknown_median) < max(0.02, 0.5 * known_median), timings


async def test_nik_and_factors_never_reach_the_log(office: BackOffice, http: aiohttp.ClientSession) -> None:
    nik, kk, _ = DEMO["r03"]
    await check(http, office, nik, kk_number=kk)
    await check(http, office, nik, mother_maiden_name="Hasnah Binti Rahasia")
    log = office.log_path.read_text(encoding="utf-8")
    assert nik not in log and kk not in log and "Rahasia" not in log
