"""Where to go: the nearest MPP, the mobile-service schedule and the ADM kiosks of a region.

The region comes from the NLU as an official name ("Kabupaten Tegal") or a
bare one ("Tegal", which may be the kabupaten or the kota: both are asked).
Addresses are only shown when the directory has them; otherwise the answer
says so instead of guessing.
"""

from __future__ import annotations

from abc import abstractmethod
from datetime import date
from itertools import groupby
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.backoffice_action import BackOfficeAction
from actions.calendar_dates import indonesian_date
from actions.clients.backoffice import BackOfficeClient
from regions.codes import load_region_codes
from regions.local_time import timezone_label

MAX_LINES = 5


def region_codes(name: str | None) -> tuple[str, ...]:
    """Every Kemendagri code the region name may mean (empty when unknown)."""
    return load_region_codes().codes_for_name(name) if name else ()


def hours_summary(hours: list[dict[str, Any]]) -> str:
    """'Senin-Kamis 08:00-15:00; Jumat 08:00-11:30' from the directory's weekday rows."""
    parts = []
    for (opens, closes), days in groupby(hours, key=lambda row: (row["opens"], row["closes"])):
        names = [row["day"] for row in days]
        span = names[0] if len(names) == 1 else f"{names[0]}-{names[-1]}"
        parts.append(f"{span} {opens}-{closes}")
    return "; ".join(parts) if parts else "belum ada data jam layanan"


def _mpp_line(mpp: dict[str, Any]) -> str:
    source = " (data contoh, mohon konfirmasi)" if mpp.get("hours_source") != "verified" else ""
    address = f", {mpp['address']}" if mpp.get("address") else ""
    return f"• {mpp['name']}{address}: {hours_summary(mpp['hours'])} {timezone_label(mpp['timezone'])}{source}"


def unique_by_id(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Items without repeats (a bare region name may find the same MPP through two codes)."""
    return list({item["id"]: item for item in items}.values())


def _has_demo(items: list[dict[str, Any]]) -> bool:
    return any(item.get("demo") for item in items)


class RegionAction(BackOfficeAction):
    """An answer about one region; the region is kept for the next question."""

    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                     backoffice: BackOfficeClient) -> list[EventType]:
        """Resolve the region name to codes, then answer for them."""
        region = tracker.get_slot("region")
        codes = region_codes(region)
        if not codes:
            dispatcher.utter_message(response="utter_unknown_region")
            return []
        items = await self.answer_region(dispatcher, str(region), codes, backoffice)
        if _has_demo(items):
            dispatcher.utter_message(response="utter_demo_data_note")
        return []

    @abstractmethod
    async def answer_region(self, dispatcher: CollectingDispatcher, region: str, codes: tuple[str, ...],
                            backoffice: BackOfficeClient) -> list[dict[str, Any]]:
        """Answer for the region's codes; return the items shown (to tell whether they are demo data)."""


class ActionFindMpp(RegionAction):
    """The MPP of the kab/kota, else the MPPs of its province."""

    def name(self) -> str:
        """The action name in the domain."""
        return "action_find_mpp"

    async def answer_region(self, dispatcher: CollectingDispatcher, region: str, codes: tuple[str, ...],
                            backoffice: BackOfficeClient) -> list[dict[str, Any]]:
        """Same kab/kota first, then the same province, else where to ask."""
        results = [await backoffice.nearest_mpps(code) for code in codes]
        local = [mpp for result in results if result["match"] == "kabkota" for mpp in result["mpps"]]
        nearby = [mpp for result in results if result["match"] == "province" for mpp in result["mpps"]]
        mpps = unique_by_id(local or nearby)
        if not mpps:
            dispatcher.utter_message(response="utter_no_mpp_in_region", region=region)
            return []
        intro = (f"MPP di {region}:" if local else
                 f"Di {region} belum ada MPP dalam data kami. MPP di provinsi yang sama:")
        missing_address = any(not mpp.get("address") for mpp in mpps)  # never guess one
        address_note = ("Alamat lengkap belum tersedia di data kami; mohon cek kanal resmi pemerintah daerah "
                        "setempat sebelum datang." if missing_address else "")
        dispatcher.utter_message(response="utter_mpp_found", intro=intro,
                                 mpps="\n".join(_mpp_line(mpp) for mpp in mpps[:MAX_LINES]),
                                 address_note=address_note)
        return mpps


class ActionFindMobileService(RegionAction):
    """The next mobile-service (layanan keliling) visits in the region."""

    def name(self) -> str:
        """The action name in the domain."""
        return "action_find_mobile_service"

    async def answer_region(self, dispatcher: CollectingDispatcher, region: str, codes: tuple[str, ...],
                            backoffice: BackOfficeClient) -> list[dict[str, Any]]:
        """Up to five upcoming visits, soonest first."""
        schedules = [schedule for code in codes
                     for schedule in (await backoffice.mobile_services(code))["schedules"]]
        schedules.sort(key=lambda schedule: (schedule["date"], schedule["start"]))
        if not schedules:
            dispatcher.utter_message(response="utter_mobile_service_none", region=region)
            return []
        lines = [f"• {indonesian_date(date.fromisoformat(item['date']))}, {item['start']}-{item['end']}: "
                 f"{item['location']}, Kec. {item['kecamatan_name']}" for item in schedules[:MAX_LINES]]
        dispatcher.utter_message(response="utter_mobile_service_found", region=region, schedules="\n".join(lines))
        return schedules


class ActionFindKiosks(RegionAction):
    """The ADM self-service kiosks of the region."""

    def name(self) -> str:
        """The action name in the domain."""
        return "action_find_kiosks"

    async def answer_region(self, dispatcher: CollectingDispatcher, region: str, codes: tuple[str, ...],
                            backoffice: BackOfficeClient) -> list[dict[str, Any]]:
        """Each kiosk with where it stands, its hours and the documents it prints."""
        kiosks = [kiosk for code in codes for kiosk in (await backoffice.kiosks(code))["kiosks"]]
        if not kiosks:
            dispatcher.utter_message(response="utter_kiosks_none", region=region)
            return []
        lines = [f"• {kiosk['name']} ({kiosk['location']}): {hours_summary(kiosk['hours'])}"
                 for kiosk in kiosks[:MAX_LINES]]
        dispatcher.utter_message(response="utter_kiosks_found", region=region, kiosks="\n".join(lines))
        return kiosks
