"""Matching: from a newcomer's text to a decision (answer, clarify, handover, ...)."""
