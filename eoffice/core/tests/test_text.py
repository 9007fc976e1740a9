from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from eoffice.core.text import fold, search_terms


def test_fold_strips_marks_and_d() -> None:
    assert fold("Sở Nội vụ") == "so noi vu"
    assert fold("ĐỒNG TÂM") == "dong tam"
    assert fold("Quyết định") == "quyet dinh"
    assert fold("15/QĐ-UBND") == "15 qd ubnd"


def test_search_terms_are_bounded() -> None:
    assert search_terms("  Sở   Nội vụ ") == ["so", "noi", "vu"]
    assert len(search_terms("a " * 100)) == 8


@given(st.text())
def test_fold_is_idempotent_and_ascii_for_vietnamese(text: str) -> None:
    once = fold(text)
    assert fold(once) == once
    assert "đ" not in once
