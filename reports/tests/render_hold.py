"""Loaded into the worker of test_killed_render.py with `-I`: the real render, held on a file between the PDF and
the xlsx (the PDF exists only in memory then) so that the test can kill the worker in the middle of a render.

Each render that reaches the hold writes a line to REPORT_HOLD_DIR/started; it waits while REPORT_HOLD_DIR/hold
exists, then goes on with the real xlsx rendering. Nothing else is changed."""

import os
import time
from pathlib import Path

from reports import services

FOLDER = Path(os.environ["REPORT_HOLD_DIR"])
_render_xlsx = services.render_xlsx


def held_render_xlsx(content):
    with open(FOLDER / "started", "a") as log:
        log.write(f"pid={os.getpid()}\n")
    while (FOLDER / "hold").exists():
        time.sleep(0.1)
    return _render_xlsx(content)


services.render_xlsx = held_render_xlsx
