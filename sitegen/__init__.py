"""sitegen: a static news and press-release site generator for bilingual newsrooms."""

__version__ = "0.1.0"
