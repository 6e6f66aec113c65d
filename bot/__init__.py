"""Lotse core: knowledge, matching, answers and conversations; it knows no network."""
