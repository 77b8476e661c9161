"""The editors' admin. Every write goes through forecasts.services; see base.py for how.

Importing the modules registers their ModelAdmins with the default admin site.
"""

from forecasts.admin import catalogue, derived, predictions, questions

__all__ = ["catalogue", "derived", "predictions", "questions"]
