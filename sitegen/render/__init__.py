"""Render: pure functions from (site model, page) to bytes. Nothing here writes files."""
