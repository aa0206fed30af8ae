"""The engine's entry points for page digests, kept here where the engine looks for them.

What each page is made from is now declared by its kind (sitegen/kinds/), once, for
rendering and digests alike; see sitegen/kinds/digest.py.
"""

from __future__ import annotations

from sitegen.kinds.digest import FingerprintMemo, Fingerprints, page_digests, page_inputs

__all__ = ["FingerprintMemo", "Fingerprints", "page_digests", "page_inputs"]
