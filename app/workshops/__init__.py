"""Workshops and events: invitations with a personal RSVP link, waiting lists, calendars, reminders,
the register on the day, follow-up, and meeting-time polls."""
