"""`sitegen ci due`: has a scheduled CI run anything to publish?

A schedule runs every 5 minutes; most runs find nothing new, and should stop before
building. The last deploy from this folder left a record beside the build store
(`.sitegen-cache/deploy/last-deploy.json`, carried between CI runs with the cache): the
sources' content digest and the next moment the clock alone changes the site (what
`sitegen next-change` prints: an embargo lifting, an article's date coming). A run is
due when the sources differ, that moment has come, or there is no record (a cache lost
is a build too many, never a lift missed). With `--wait`, a change due within that many
seconds is waited for, so that the embargo lifts on its minute rather than at the next
run.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sitegen.deploy.run import RECORD, sources_digest


def due(site: Path, now: datetime, wait: int = 0,
        sleep: Callable[[float], None] = time.sleep) -> tuple[bool, str]:
    """(whether to build and deploy, why), for a person reading CI's log."""
    try:
        record = json.loads((site / RECORD).read_text(encoding="utf-8"))
        last = datetime.fromisoformat(record["deployed_at"])
        moment = datetime.fromisoformat(record["next_change"]) \
            if record.get("next_change") else None
        sources = str(record["sources"])
    except (OSError, ValueError, KeyError, TypeError):
        return True, f"no record of a deploy in {RECORD}: building and deploying"
    if sources != sources_digest(site):
        return True, "the sources changed since the last deploy: building and deploying"
    if moment is not None and moment <= now:
        return True, (f"the site changes at {moment:%Y-%m-%d %H:%M} UTC (an embargo lifts or "
                      "an article's date comes): building and deploying")
    if moment is not None and (moment - now).total_seconds() <= wait:
        seconds = (moment - now).total_seconds()
        sleep(max(0.0, seconds) + 1)  # the build after it must see the moment passed
        return True, (f"waited {seconds:.0f} s for {moment:%Y-%m-%d %H:%M:%S} UTC (an embargo "
                      "lifts or an article's date comes): building and deploying")
    after = f"; the next change is at {moment:%Y-%m-%d %H:%M} UTC" if moment else \
        "; nothing waits for a time"
    return False, f"nothing changed since the last deploy at {last:%Y-%m-%d %H:%M} UTC{after}"
