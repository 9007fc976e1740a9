"""Who may chase a line: whoever assigned it, and the leaders who oversee its holder, as on the
status board: the leader of the line's agency; the leader of the province or of the province
office, for every agency of the province; the head of the line's unit. The rule is the work
engine's (`work.overseers.may_chase`), which the item page also reads to offer the button.
"""

from __future__ import annotations

from eoffice.work.overseers import may_chase as may_remind

__all__ = ["may_remind"]
