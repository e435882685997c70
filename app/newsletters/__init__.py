"""Newsletters and notices: compose in Markdown, language versions, preview, schedule, web version, read
and acknowledgement counts. Sending goes through app.messaging (never SMTP or Twilio directly)."""
