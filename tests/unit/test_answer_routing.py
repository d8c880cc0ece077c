"""Routing a classified message to the answer about what it names (nlu/answer_routing.py),
on a small catalogue written here and on the real one."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from nlu.answer_routing import AnswerRouting, NamedThing, Route
from nlu.gazetteer import Gazetteer
from service_catalogue.loading import load_catalogue, load_questions, parse_catalogue

SOURCE = {"id": "s", "title": "A page", "url": "https://example.go.id/page", "kind": "official", "published": None}
ANSWER = {"text": "Umumnya membawa formulir.", "verified": True, "sources": ["s"]}


def record(service_id: str, names: list[str], *, intents: dict[str, str] | None = None,
           refines: list[str] | None = None, agency: str = "dukcapil",
           bring: list[str] | None = None, qualifiers: list[str] | None = None) -> dict[str, Any]:
    answer = {**ANSWER, "items": bring or []}
    return {"id": service_id, "name": service_id.upper(), "agency": agency, "names": names,
            "refines": refines or [], "summary": "Sebuah layanan.", "intents": intents or {}, "counter": None,
            "answers": {"requirements": answer}, "sources": [SOURCE], "reviewed": date(2026, 12, 4),
            "unverified": [], **({"qualifiers": qualifiers} if qualifiers else {})}


AGENCY = {"name": "Disdukcapil", "short": "Disdukcapil", "offices": "kantor Disdukcapil", "contact": None,
          "contact_source": None}
CATALOGUE = parse_catalogue({
    "agencies": [{"id": agency, **AGENCY} for agency in ("dukcapil", "polri", "bpjs", "kemenag")],
    "services": [
        record("ktp_el", ["ktp", "e-ktp"], intents={"ktp_new": "requirements", "ktp_replace": "lost"}),
        record("ktp_wna", ["ktp wna"], refines=["ktp_el"], qualifiers=["kitap", "orang asing"]),
        record("sip", ["sip", "izin praktik"], intents={"sip_new": "requirements", "sip_renew": "renewal"}),
        record("sim", ["sim", "sim a", "sim c"], agency="polri"),
        record("bpjs_kesehatan", ["bpjs kesehatan", "kartu bpjs", "kis"], agency="bpjs"),
        record("bpjs_tk", ["bpjs tk", "jht"], agency="bpjs"),
        record("police_letter", ["surat kehilangan"], agency="polri"),
        record("kk", ["kk", "kartu keluarga"], intents={"kk_new": "requirements"},
               bring=["Buku nikah", "Tidak perlu surat pengantar RT"]),
        record("nikah_kua", ["buku nikah", "nikah di kua"], agency="kemenag"),
    ],
    "shared_names": [{"name": "bpjs", "choices": {"bpjs_kesehatan": "BPJS Kesehatan", "bpjs_tk": "BPJS TK"}}],
})


@pytest.fixture(scope="module")
def routing() -> AnswerRouting:
    return AnswerRouting.of(CATALOGUE, load_questions())


def named_in(text: str) -> list[NamedThing]:
    gazetteer = Gazetteer({"service": CATALOGUE.names()})
    return [NamedThing(match.entity, match.value, match.start, match.end) for match in gazetteer.find(text)]


def route(routing: AnswerRouting, intent: str, text: str) -> Route | None:
    return routing.route(intent, named_in(text), text)


def test_another_service_gets_its_own_question(routing: AnswerRouting) -> None:
    # SIM is not SIP: the renewal question about the SIM, not the SIP answer
    assert route(routing, "sip_renew", "perpanjang sim a dimana") == Route("service_renewal", service="sim")
    assert route(routing, "ktp_replace", "kartu bpjs saya hilang") == Route("service_lost", service="bpjs_kesehatan")


def test_a_service_with_its_own_intent_gets_that_intent(routing: AnswerRouting) -> None:
    # misclassified as a new KK, but it names the KTP: the KTP's own answer
    assert route(routing, "kk_new", "syarat ktp baru") == Route("ktp_new", service="ktp_el")
    assert route(routing, "service_requirements", "syarat bikin kk") == Route("kk_new", service="kk")


def test_the_intent_that_already_answers_what_is_named_is_kept(routing: AnswerRouting) -> None:
    assert route(routing, "ktp_replace", "ktp saya hilang") is None
    assert route(routing, "kk_new", "bikin kk dan ktp baru") is None  # one of the named is the KK
    assert route(routing, "greet", "halo min, soal sim") is None  # not a question about a service


def test_a_service_named_as_something_to_bring_keeps_the_intent(routing: AnswerRouting) -> None:
    # the KK's answer lists the buku nikah: a KK question that mentions it is still a KK question
    assert route(routing, "kk_new", "buku nikah udah ada mau urus kk sendiri") is None
    assert route(routing, "ktp_replace", "buku nikah saya hilang") == Route("service_lost", service="nikah_kua")


def test_a_more_specific_service_wins_over_the_one_it_refines(routing: AnswerRouting) -> None:
    assert route(routing, "ktp_new", "saya wna pemegang kitap mau bikin e-ktp") == \
        Route("service_requirements", service="ktp_wna")


def test_a_generic_question_keeps_its_intent_with_the_service(routing: AnswerRouting) -> None:
    assert route(routing, "service_fee", "biaya sim c berapa") == Route("service_fee", service="sim")
    assert route(routing, "mpp_location", "bisa urus sim di mpp tegal?") == Route("service_location", service="sim")


def test_a_document_the_catalogue_does_not_know_is_named(routing: AnswerRouting) -> None:
    found = route(routing, "ktp_replace", "kartu tani saya hilang gimana")
    assert found is not None and found.intent == "service_lost" and found.service is None
    assert found.document is not None and found.document.value == "kartu tani"
    found = route(routing, "kk_new", "cara bikin surat keterangan ahli waris")
    assert found is not None and found.document is not None
    assert found.document.value == "surat keterangan ahli waris"


def test_words_after_a_head_that_name_nothing_are_no_document(routing: AnswerRouting) -> None:
    assert route(routing, "ktp_replace", "kartu saya hilang kemarin") is None
    assert route(routing, "birth_certificate", "akta anak saya belum jadi") is None
    assert route(routing, "ktp_replace", "surat keterangan hilang dari polisi") is None


def test_a_service_named_in_a_message_not_understood_gets_the_best_ranked_question(routing: AnswerRouting) -> None:
    ranking = ["nlu_fallback", "greet", "ktp_replace", "sip_new"]
    assert routing.route("nlu_fallback", named_in("sim saya kecebur"), "sim saya kecebur", ranking) == \
        Route("service_lost", service="sim")
    assert routing.route("out_of_scope", named_in("info sim dong"), "info sim dong", ["out_of_scope"]) == \
        Route("service_requirements", service="sim")
    assert routing.route("out_of_scope", [], "cuaca besok", ["out_of_scope", "ktp_new"]) is None


def test_the_first_thing_named_is_the_topic(routing: AnswerRouting) -> None:
    assert route(routing, "kk_new", "syarat sim a apa, kk perlu?") == Route("service_requirements", service="sim")
    assert route(routing, "kk_new", "bikin kk, ktp juga perlu?") is None


def test_a_known_document_said_another_way_is_no_unknown_document(routing: AnswerRouting) -> None:
    # "ktp" and "keluarga" are words of catalogue names: these name known documents
    assert route(routing, "ktp_replace", "kartu ktpnya hilang") is None
    assert route(routing, "kk_new", "surat keluarganya belum ada") is None


def test_every_contract_question_of_the_real_catalogue_has_a_question_type() -> None:
    routing = AnswerRouting.of(load_catalogue(), load_questions())
    for intent in ["ktp_new", "ktp_replace", "sip_renew", "birth_certificate", "service_fee", "mpp_location"]:
        assert routing.question_of(intent) is not None, intent


def test_another_agencys_service_named_in_a_first_party_question_gets_its_own_answer(routing: AnswerRouting) -> None:
    # the application status check is for Dukcapil and licence applications, not a SIM
    assert routing.route("check_application_status", named_in("status sim saya"), "status sim saya",
                         ["check_application_status", "sip_renew"]) == Route("service_renewal", service="sim")
    assert routing.route("check_application_status", named_in("status ktp saya"), "status ktp saya",
                         ["check_application_status"]) is None


def test_a_service_name_inside_a_false_friend_names_no_service(routing: AnswerRouting) -> None:
    text = "pas registrasi kartu sim katanya nik tidak valid"
    assert routing.route("nik_activation", named_in(text), text, ["nik_activation"]) is None


def test_a_document_the_intents_own_answer_speaks_of_is_no_unknown_document(routing: AnswerRouting) -> None:
    assert route(routing, "kk_new", "surat pengantar rt masih perlu gak") is None
    found = route(routing, "kk_new", "surat keterangan waris perlu gak")
    assert found is not None and found.document is not None


def test_a_document_nobody_knows_in_a_first_party_question_gets_the_honest_answer(routing: AnswerRouting) -> None:
    found = routing.route("mobile_service", [], "kartu lansia buat ortu bikin di mana", ["mobile_service"])
    assert found is not None and found.document is not None and found.document.value == "kartu lansia"
    assert routing.route("mobile_service", [], "jadwal keliling di desa saya", ["mobile_service"]) is None


def test_the_situation_named_picks_the_records_answer_for_it(routing: AnswerRouting) -> None:
    # the small catalogue's KTP answers "lost" through ktp_replace: a lost KTP classified as a new one
    assert route(routing, "ktp_new", "ktp saya hilang") == Route("ktp_replace", service="ktp_el")
    # the SIM record answers only requirements here: "hilang" names a situation it cannot answer
    assert route(routing, "service_requirements", "sim saya hilang") == Route("service_requirements", service="sim")


def test_a_qualifier_said_with_a_general_service_names_the_service_that_refines_it(routing: AnswerRouting) -> None:
    assert route(routing, "ktp_new", "ktp buat orang asing syaratnya") == \
        Route("service_requirements", service="ktp_wna")
    # "orang asing" with no KTP named qualifies nothing
    assert route(routing, "greet", "halo, saya orang asing") is None


def test_a_qualifier_inside_a_false_friend_qualifies_nothing() -> None:
    catalogue = load_catalogue()
    routing, names = AnswerRouting.of(catalogue, load_questions()), Gazetteer({"service": catalogue.names()})
    text = "akta perceraian untuk pasangan non muslim"
    named = [NamedThing(match.entity, match.value, match.start, match.end) for match in names.find(text)]
    assert routing.route("service_requirements", named, text) == \
        Route("marriage_certificate", service="akta_perceraian")


def test_another_agencys_permit_named_alone_gets_the_honest_answer(routing: AnswerRouting) -> None:
    # a KITAP qualifies a KTP question; alone, it is Imigrasi's permit, which no record answers
    found = route(routing, "service_renewal", "perpanjang kitap ke mana")
    assert found is not None and found.service is None
    assert found.document is not None and found.document.value == "kitap"


def test_a_prerequisite_named_alone_is_asked_about_itself(routing: AnswerRouting) -> None:
    # the KK's answer lists the buku nikah, but this message does not ask about a KK
    assert route(routing, "kk_new", "syarat bikin buku nikah") == Route("service_requirements", service="nikah_kua")
    assert route(routing, "kk_new", "buku nikah udah ada mau urus kk sendiri") is None


def test_a_situation_said_only_inside_a_name_asks_no_question_about_that_situation(routing: AnswerRouting) -> None:
    # "kehilangan" belongs to the letter's name: what the citizen asks is how to get the letter
    assert route(routing, "ktp_replace", "surat kehilangan dari polsek gimana dapetnya") == \
        Route("service_requirements", service="police_letter")
    assert route(routing, "ktp_replace", "sim saya hilang") == Route("service_lost", service="sim")


def test_a_name_of_several_services_asks_which_one(routing: AnswerRouting) -> None:
    assert route(routing, "ktp_replace", "bpjs saya hilang") == \
        Route("service_lost", candidates=("bpjs_kesehatan", "bpjs_tk"))
    assert route(routing, "mpp_location", "urus bpjs di mpp mana") == \
        Route("service_location", candidates=("bpjs_kesehatan", "bpjs_tk"))
    # an answer about the assistant's own services keeps a message that only may mean another's
    assert routing.route("nik_check", [], "cek nik buat daftar bpjs", ["nik_check"]) is None
    # a name of one of them decides
    assert route(routing, "ktp_replace", "kartu bpjs saya hilang") == Route("service_lost", service="bpjs_kesehatan")
    assert route(routing, "greet", "halo, soal bpjs") is None


def test_an_abbreviation_nobody_taught_names_an_unknown_document() -> None:
    known = frozenset({"syarat", "bikin", "apa", "yg", "rt", "kk"})
    routing = AnswerRouting.of(CATALOGUE, load_questions(), known)
    found = routing.route("service_requirements", [], "syarat bikin pkh apa", ["service_requirements"])
    assert found is not None and found.document is not None and found.document.value == "pkh"
    # a known abbreviation ("yg", "rt") is no document; a catalogue name ("kk") is the service
    assert routing.route("service_requirements", [], "syarat yg rt apa", ["service_requirements"]) is None
    # without the taught words (an untrained router) nothing is guessed
    assert AnswerRouting.of(CATALOGUE, load_questions()).route(
        "service_requirements", [], "syarat bikin pkh apa", ["service_requirements"]) is None


def test_a_document_the_citizen_already_has_is_what_they_bring_not_what_they_ask(routing: AnswerRouting) -> None:
    # "udah punya KK, mau bikin KTP": the KTP is asked about, whatever the classifier thought
    assert route(routing, "kk_new", "udah punya kk, sekarang mau bikin ktp") == Route("ktp_new", service="ktp_el")
    # the only thing named besides the one held is a document nobody knows: the honest answer
    found = route(routing, "service_requirements", "sim saya sudah ada, mau bikin kartu ojol syaratnya")
    assert found is not None and found.service is None
    assert found.document is not None and found.document.value == "kartu ojol"
    # named alone, what the citizen has stays the topic
    assert route(routing, "ktp_replace", "ktp saya sudah jadi tapi hilang lagi") is None


def test_one_of_our_documents_named_with_another_agencys_service_that_needs_it_is_a_prerequisite(
        routing: AnswerRouting) -> None:
    # a shared name whose choices need the KTP ("pajak": the vehicle tax asks for the owner's KTP):
    # the KTP is what the citizen has, the "pajak" what they ask about
    catalogue = load_catalogue()
    real, names = AnswerRouting.of(catalogue, load_questions()), Gazetteer({"service": catalogue.names()})
    text = "ktp pemilik lama hilang, bisa bayar pajak ga"
    named = [NamedThing(match.entity, match.value, match.start, match.end) for match in names.find(text)]
    found = real.route("service_fee", named, text)
    assert found is not None and "pajak_kendaraan" in found.candidates
    # between the assistant's own documents the first named stays the topic
    text = "syarat kk baru, ktp perlu?"
    named = [NamedThing(match.entity, match.value, match.start, match.end) for match in names.find(text)]
    assert real.route("service_requirements", named, text) == Route("kk_new", service="kk")
