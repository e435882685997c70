"""Messaging core: the outbox, channels, queue, webhooks, opt-outs, SMS segment counting.

How a feature sends (never call SMTP or Twilio directly):

    from app.messaging.services import create_message, send_now
    message = create_message(setting, category="newsletter", channels="email",   # email | sms | both
                             audience={"rooms": [room.id]}, audience_label="Pre-school room",
                             versions={"en": {"subject": ..., "body_text": ..., "body_html": ...,
                                              "sms_text": ...}, "pl": {...}},
                             created_by=current_user)                               # flushes
    db.session.commit()
    send_now(message.id)   # claims it, queues the expansion job; returns False if already sent

Audiences: {"all": True}, {"rooms": [...]}, {"children": [...]}, {"contacts": [...]},
{"key_groups": [key person user ids]}, {"starting": days}, {"leaving": days} (children starting / leaving
within that many days); add "pr_only": True (only contacts with parental responsibility for those
children) and/or "one_per_family": True (each child's first-priority contact who may be contacted).
Put `render.CHILDREN_MARK` in the text to name, per recipient, their children the message is about.
`scheduled_at=` makes it wait for `flask scheduler`; `urgency="urgent"` (alerts) jumps the queue and
expires after URGENT_VALID_MINUTES. The report is at /messages/<id>; costs for compose screens come
from app.messaging.costs.sms_costs and the macro in messaging/_sms_cost.html.
"""
