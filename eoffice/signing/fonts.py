"""Times-metric fonts for stamps and filled fields, at 1000 units per em.

pyHanko lays text out as if every font had 1000 units/em; Liberation Serif (Times New Roman
metrics, full Vietnamese) has 2048, so its glyphs come out about twice too far apart
(shared/notes/signing.md). We rescale it once with fontTools and cache the result on disk.
Noto Serif (already 1000 upem) is the fallback.
"""

from __future__ import annotations

import logging
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem

# The subsetter logs every glyph list at INFO and each dropped table at WARNING, once per stamp.
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)

LIBERATION = Path("/usr/share/fonts/truetype/liberation2")
NOTO = Path("/usr/share/fonts/truetype/noto")
_STYLES = {
    "regular": ("LiberationSerif-Regular.ttf", "NotoSerif-Regular.ttf"),
    "italic": ("LiberationSerif-Italic.ttf", "NotoSerif-Italic.ttf"),
    "bold": ("LiberationSerif-Bold.ttf", "NotoSerif-Bold.ttf"),
}


@lru_cache(maxsize=8)
def times_font(style: str = "regular") -> str:
    """Path of a Times-metric TrueType font with 1000 units/em."""
    liberation, noto = _STYLES[style]
    source = LIBERATION / liberation
    if not source.exists():
        return str(NOTO / noto)
    cache = Path(tempfile.gettempdir()) / "eoffice-fonts"
    target = cache / f"{source.stem}-1000upm-{int(source.stat().st_mtime)}.ttf"
    if not target.exists():
        cache.mkdir(parents=True, exist_ok=True)
        font = TTFont(source)
        scale_upem(font, 1000)
        partial = target.with_name(f"{target.stem}.{os.getpid()}.tmp")
        font.save(partial)
        # Atomic rename: two workers rescaling at once never read a half-written file.
        partial.replace(target)
    return str(target)
