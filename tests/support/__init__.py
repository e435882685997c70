"""Real peers for tests: an aiosmtpd sink and the Prism mock of Twilio's API."""
