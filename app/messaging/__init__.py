"""Messaging core: outbox, channels, queue, webhooks, SMS segment counting."""
