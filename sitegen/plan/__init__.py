"""Plan: the list of pages the site publishes, decided before anything is rendered."""

from sitegen.plan.pages import Page, plan_pages

__all__ = ["Page", "plan_pages"]
