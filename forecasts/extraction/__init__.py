"""The extraction assistant: from a news article to candidate predictions for an editor.

Deterministic and offline: rules over sentences, quotations and attribution phrases, and the
verbal probability table; no network model, no downloaded weights. See docs/extraction.md.
"""
