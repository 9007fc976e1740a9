"""Vietnamese text folding for accent-insensitive search.

SQLite's unicode61 tokenizer strips tone marks but keeps "đ", and PostgreSQL's unaccent is
not IMMUTABLE, so we index a folded copy of the text ourselves and fold the query the same way
(see shared/notes/dependencies.md, "Search without accents").
"""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s/\-.,;:()\[\]\"'_]+")


def fold(text: str) -> str:
    """Lower-case, strip diacritics, đ→d, and turn symbol separators into single spaces.

    >>> fold("Sở Nội vụ — 15/QĐ-UBND")
    'so noi vu — 15 qd ubnd'
    """
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SEPARATORS.sub(" ", stripped.lower()).strip()


def search_terms(query: str, *, limit: int = 8) -> list[str]:
    """Split a user's query into folded words; a bounded number so a hostile query stays cheap."""
    return [term for term in fold(query).split(" ") if term][:limit]
