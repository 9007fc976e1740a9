from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eoffice.core.errors import ValidationFailed
from eoffice.directory.identifiers import check_code, check_qd20


@pytest.mark.parametrize("code", ["000.00.00.G22", "000.00.00.H41", "001.00.10.H47", "999.99.99.Z99"])
def test_conforming_codes_pass_strict_and_loose(code: str) -> None:
    assert check_code(code, strict=True).conforms is True
    assert check_code(code, strict=False).conforms is True


@pytest.mark.parametrize(
    "code", ["28.22.H17", "01.02.G22", "999.010.01.H22", "00.22.W00", "H37.DN.001", "ABC"]
)
def test_legacy_axis_codes_are_accepted_by_import_only(code: str) -> None:
    assert check_code(code, strict=False).conforms is False
    with pytest.raises(ValidationFailed) as exc:
        check_code(code, strict=True)
    assert "NNN.NN.NN.Xnn" in exc.value.message
    assert exc.value.field == "code"


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("", "không được để trống"),
        ("000.00.00 .H99", "khoảng trắng"),
        ("000.00.00.h99", "chữ in hoa"),
        ("000.00.00.H99#", "ký tự không hợp lệ: «#»"),
        ("000.00.00.Ư99", "ký tự không hợp lệ"),
        ("1" * 33, "vượt quá giới hạn 32"),
        ("AB", "quá ngắn"),
        (".000.00", "dấu chấm"),
        ("000..00.H99", "dấu chấm"),
        ("000.00.00.", "dấu chấm"),
    ],
)
def test_garbage_codes_are_refused_with_a_precise_message(code: str, fragment: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        check_code(code, strict=False)
    assert fragment in exc.value.message
    assert exc.value.code == "invalid_code"


def test_strict_check_suggests_upper_case() -> None:
    with pytest.raises(ValidationFailed) as exc:
        check_code("000.00.00.h99", strict=True)
    assert "000.00.00.H99" in exc.value.message


@given(st.text(max_size=40))
def test_loose_check_never_accepts_spaces_or_lowercase(text: str) -> None:
    try:
        result = check_code(text, strict=False)
    except ValidationFailed:
        return
    assert result.code == text
    assert 3 <= len(text) <= 32
    assert all(ch.isdigit() or ch == "." or "A" <= ch <= "Z" for ch in text)


def test_qd20_code_is_loose_and_optional() -> None:
    assert check_qd20("") == ""
    assert check_qd20("G22.34-abc_1") == "G22.34-abc_1"
    for bad in ("có dấu", "x y", "-lead", "a" * 65, "x/y"):
        with pytest.raises(ValidationFailed) as exc:
            check_qd20(bad)
        assert exc.value.field == "code_qd20"


@given(st.text(alphabet=st.sampled_from(list("aáàảãạăắđĐ ƯỨ/-.,;:()_Q1 \t—")) | st.characters(), max_size=60))
def test_word_by_word_fold_equals_core_fold(text: str) -> None:
    from eoffice.core.text import fold
    from eoffice.directory.models import fold_words

    assert fold_words(text) == fold(text)
