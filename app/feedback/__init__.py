"""Feedback, suggestions, concerns and complaints (with the 28-day complaints record)."""
