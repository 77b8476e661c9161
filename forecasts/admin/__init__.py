"""The editors' admin. Every write goes through forecasts.services; see base.py for how.

Importing the modules registers their ModelAdmins with the default admin site.
"""

from django.contrib import admin

from forecasts.admin import catalogue, derived, predictions, questions, tokens

# The masthead editors see on every admin page, instead of "Django administration".
admin.site.site_header = "Forecast Ledger"
admin.site.site_title = "Forecast Ledger admin"
admin.site.index_title = "Sources, experts, questions and predictions"
# The home page leads first to logging an article (source-first screen, extraction).
admin.site.index_template = "admin/forecasts/index.html"

__all__ = ["catalogue", "derived", "predictions", "questions", "tokens"]
