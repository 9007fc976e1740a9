"""Every process of a harness installation calls `enable()` at start: its threads' stacks go to its
log on SIGUSR2 (what `diagnosis.describe` asks for) and on a crash in a C extension."""

from __future__ import annotations

import faulthandler
import signal


def enable() -> None:
    faulthandler.enable(all_threads=True)
    faulthandler.register(signal.SIGUSR2, all_threads=True)
