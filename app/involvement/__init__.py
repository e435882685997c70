"""Involvement: the parents' forum, volunteering, skills sharing and interest sign-ups."""
