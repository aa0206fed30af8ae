"""Load: read each source file alone into a typed record, collecting problems.

Nothing here looks at another file: cross-file checks belong to `sitegen.resolve`.
"""
