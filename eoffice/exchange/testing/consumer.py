"""The Huey consumer of a harness installation: `manage.py run_huey ARGS`, which also prints every
thread's stack to its log on SIGUSR2 — what a failed test's report shows of a consumer that stopped
draining (`diagnosis.describe`). Run as `python -m eoffice.exchange.testing.consumer ARGS`."""

from __future__ import annotations

import sys

from eoffice.exchange.testing import stacks


def main() -> None:
    stacks.enable()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["manage.py", "run_huey", *sys.argv[1:]])


if __name__ == "__main__":
    main()
