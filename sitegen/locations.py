"""Fixed places: where sitegen keeps its cache, its default theme, the site's settings.

A module of constants only, so that the quick paths (a no-op build) import nothing heavy.
"""

from pathlib import Path

CONFIG_NAME = "site.toml"
CACHE_DIR = ".sitegen-cache"
DEFAULT_THEME = Path(__file__).resolve().parent / "themes" / "default"
