"""Saved lists of contacts: named audiences the PICO keeps and reuses."""
