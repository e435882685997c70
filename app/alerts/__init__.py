"""Urgent messages: late-collection alerts with escalation, illness notices, emergency closure.

Everything is sent through the messaging core (app.messaging.services) with urgency="urgent".
"""
