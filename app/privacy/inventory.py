"""Every table that holds data about a contact or a child, and what an export does with it.

tests/privacy/test_export.py walks the metadata: a table that refers to a contact or a child, directly or
through another such table, and is in none of EXPORTED, WITHIN and EXCLUDED fails the test, so a new
feature's table cannot be forgotten.
"""
from __future__ import annotations

# table → file in the export ZIP
EXPORTED = {
    "contact": "contact.json",
    "child": "children.json",
    "child_contact": "children_links.json",
    "consent_event": "consent_history.json",
    "delivery": "messages_received.json",
    "unsubscribe": "unsubscribes.json",
    "contact_problem": "contact_problems.json",
    "inbound_sms": "texts_sent_to_us.json",
    "rsvp": "workshop_replies.json",
    "session_attendance": "workshop_sessions_attended.json",
    "poll_answer": "meeting_time_answers.json",
    "forum_member": "forum_membership.json",
    "volunteer_signup": "volunteering.json",
    "skill_offer": "skills_offered.json",
    "interest_signup": "course_interests.json",
    "feedback_item": "feedback_and_complaints.json",
    "issue_read": "newsletters_read.json",
    "acknowledgement": "notices_acknowledged.json",
    "activity_try": "activities_tried.json",
    "survey_invitation": "questionnaire_invitations.json",
    "survey_response": "questionnaire_answers_named.json",
    "alert": "late_collection_alerts.json",
    "alert_event": "late_collection_steps.json",
    "home_time_mark": "home_time_marks.json",
    "action_link": "involvement_plan_actions.json",
    "saved_list_member": "saved_lists.json",
    "audit_entry": "audit_entries.json",
}

# table → the exported table whose file holds its rows too
WITHIN = {
    "feedback_reply": "feedback_item",
    "complaint_step": "feedback_item",
    "survey_answer": "survey_response",
}

# table → why it is not exported on its own
EXCLUDED = {
    "link_token": "only a hash of each personal link; the links themselves are access, not information",
    "export_job": "the exports themselves",
    "opt_out_hash": "keyed hashes of erased addresses: not linked to anyone",
    "complaint_reminder": "staff's reminders of a complaint's deadlines; the complaint record itself is exported",
    "dev_outbox_item": "copies of messages kept only in development, with no mail or SMS server; "
                       "the messages themselves are exported",
}
