"""NIKs, STR numbers and application numbers are told apart by their context."""

from nlu.number_entities import find_numbers


def kinds(text: str) -> list[tuple[str, str]]:
    return [(found.entity, found.value) for found in find_numbers(text)]


def test_a_nik_with_spaces_is_one_nik() -> None:
    text = "nik saya 3217 0157 0890 0003 valid ga"
    [found] = find_numbers(text)
    assert (found.entity, found.value) == ("nik", "3217015708900003")
    assert text[found.start : found.end] == "3217 0157 0890 0003"


def test_the_nearest_keyword_decides_between_nik_and_str() -> None:
    assert kinds("no str 3121100220145699 dan nik 3217015708900003") == [
        ("str_number", "3121100220145699"),
        ("nik", "3217015708900003"),
    ]


def test_a_bare_number_in_a_licence_question_is_an_str_number() -> None:
    assert kinds("cek status sip saya 3121100220145699") == [("str_number", "3121100220145699")]


def test_a_bare_sixteen_digit_number_is_a_nik() -> None:
    assert kinds("tolong cek 3217015708900003") == [("nik", "3217015708900003")]


def test_a_too_short_nik_is_still_found_so_the_citizen_can_be_told() -> None:
    assert kinds("nik ku 32170157089") == [("nik", "32170157089")]


def test_application_numbers_are_normalised_to_the_back_office_format() -> None:
    assert kinds("status pmh 261129 0042?") == [("application_number", "PMH-261129-0042")]
    assert kinds("PMH2611290042") == [("application_number", "PMH-261129-0042")]


def test_phone_numbers_and_short_numbers_are_not_identifiers() -> None:
    assert kinds("anak saya umur 5 tahun") == []
    assert kinds("rt 03 rw 12") == []
