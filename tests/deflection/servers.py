"""What the tests that drive a real `kb serve-api` process share."""

from __future__ import annotations

import sys
from pathlib import Path

BROWSER = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/131.0.0.0 Safari/537.36")
KB = Path(sys.executable).parent / "kb"


def loadable_site(make_kb) -> Path:
    """The config of an indexed throwaway site that takes any number of events a minute."""
    from deflection.site_index import index_site
    from kb.settings import load_site

    config = make_kb()
    # one client sends far more than a person would: lift the per-visitor limit
    config.write_text(config.read_text().replace(
        "languages: [en, ru]", "languages: [en, ru]\n      events_per_minute: 100000000"))
    index_site(load_site(config))
    return config
