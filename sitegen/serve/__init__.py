"""`sitegen serve`: a live preview for editors.

watch.py decides what a changed path is and when a burst of saves is over (pure);
server.py serves the output folder and adds live reload to HTML responses;
session.py ties the watcher, the Builder and the server together.
"""

from sitegen.serve.session import BuildOutcome, ServeOptions, serve

__all__ = ["BuildOutcome", "ServeOptions", "serve"]
