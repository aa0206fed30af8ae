"""Resolve: check everything across files and build the one site model.

`resolve_site` is the only producer of `sitegen.model.Site`.
"""

from sitegen.resolve.site import BuildOptions, resolve_site

__all__ = ["BuildOptions", "resolve_site"]
