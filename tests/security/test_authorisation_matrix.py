"""The authorisation matrix: every route of the app, for every role, against setting A's objects.

Routes come from the URL map, so a new route is in the matrix at once, and the test fails until
it has a row in ROWS below. Each row gives the status each role must get:

    LOGIN  a redirect to the staff login page (not logged in as staff)
    302    any other redirect
    200 / 400 / 403 / 404 / 422 ...  as returned (403: a role, or a room, that may not; 404: an
                                     object of another setting, or not the parent's)

Roles: anon (no session), parent (family A's parent through a real personal link; of the purpose
in `link=` for pages that need one), the four staff roles of setting A (the key person is family
A's child's key person; the practitioner works in another room), and manager_b (setting B's
manager, who must never reach setting A's objects). POSTs are sent with an empty form (CSRF is
off in the test config); what a valid form does is tested by each feature's own tests.

To add a route: run this file; test_every_route_has_a_row prints the row to paste with what each
role got, so check every status against what the role should get before pasting it. A route with a
new kind of URL parameter needs an object in tests/security/world.py and a line in BY_NAME or
BY_ENDPOINT (tests/security/harness.py); the test says which.

All requests share one seeded database (tests/security/world.py); each runs in a savepoint that is
rolled back after it (tests/security/harness.py), so the order of rows does not matter.
"""
from __future__ import annotations

import re

from dataclasses import dataclass

import pytest

from tests.security.conftest import ROLES
from tests.security.harness import (LOGIN, Route, WriteWatch, all_routes, changes, outcome, row_counts, snapshot,
                                   url_for_route)
from tests.security.world import NAMES_A, NAMES_B


@dataclass(frozen=True)
class Expected:
    """One row of the table: the status of each role, and the link purpose the parent uses."""

    statuses: dict
    link: str = "family"


def R(method: str, rule: str, anon, parent, manager, pico, key_person, practitioner, manager_b,
      link: str = "family") -> tuple[tuple[str, str], Expected]:
    """A row: method, rule, then the status for each role in ROLES order."""
    statuses = dict(zip(ROLES, (anon, parent, manager, pico, key_person, practitioner, manager_b)))
    return (method, rule), Expected(statuses, link)


# fmt: off
ROWS = [
    #  method  rule                                                        anon parent manager pico  key  prac mgr_b
    R("GET",   "/",                                                         LOGIN, LOGIN,   302,   302,   302,   302,   302),  # home.index
    R("GET",   "/activities",                                               LOGIN, LOGIN,   200,   200,   200,   403,   200),  # activities.library
    R("POST",  "/activities",                                               LOGIN, LOGIN,   200,   200,   200,   403,   200),  # activities.library
    R("GET",   "/activities/<int:activity_id>/versions/<language>",         LOGIN, LOGIN,   200,   200,   200,   403,   404),  # activities.version
    R("POST",  "/activities/<int:activity_id>/versions/<language>",         LOGIN, LOGIN,   200,   200,   200,   403,   404),  # activities.version
    R("GET",   "/activities/digest",                                        LOGIN, LOGIN,   200,   200,   200,   403,   200),  # activities.digest
    R("POST",  "/activities/digest",                                        LOGIN, LOGIN,   200,   200,   200,   403,   200),  # activities.digest
    R("GET",   "/activities/tries",                                         LOGIN, LOGIN,   200,   200,   200,   403,   200),  # activities.tries
    R("POST",  "/activities/<int:activity_id>/translate/<language>",        LOGIN, LOGIN,   302,   302,   302,   403,   404),  # activities.translate
    R("GET",   "/activities/digests/<int:digest_id>",                       LOGIN, LOGIN,   200,   200,   200,   403,   404),  # activities.digest_show
    R("POST",  "/activities/digests/<int:digest_id>/send",                  LOGIN, LOGIN,   302,   302,   302,   403,   404),  # activities.digest_send
    R("POST",  "/activities/digests/<int:digest_id>/translate",             LOGIN, LOGIN,   302,   302,   302,   403,   404),  # activities.digest_translate
    R("GET",   "/activities/digests/<int:digest_id>/versions/<language>",   LOGIN, LOGIN,   302,   302,   302,   403,   404),  # activities.digest_version
    R("POST",  "/activities/digests/<int:digest_id>/versions/<language>",   LOGIN, LOGIN,   302,   302,   302,   403,   404),  # activities.digest_version
    R("GET",   "/alerts/<int:alert_id>",                                    LOGIN, LOGIN,   200,   200,   200,   403,   404),  # alerts.show
    R("POST",  "/alerts/<int:alert_id>/cancel",                             LOGIN, LOGIN,   302,   302,   302,   403,   404),  # alerts.cancel
    R("POST",  "/alerts/<int:alert_id>/collected",                          LOGIN, LOGIN,   422,   422,   422,   403,   404),  # alerts.collected
    R("GET",   "/alerts/<int:alert_id>/live",                               LOGIN, LOGIN,   200,   200,   200,   403,   404),  # alerts.live
    R("POST",  "/alerts/<int:alert_id>/on-way",                             LOGIN, LOGIN,   302,   302,   302,   403,   404),  # alerts.on_way
    R("GET",   "/alerts/<int:alert_id>/record",                             LOGIN, LOGIN,   200,   200,   200,   403,   404),  # alerts.record
    R("GET",   "/alerts/child/<int:child_id>",                              LOGIN, LOGIN,   200,   200,   200,   403,   404),  # alerts.child_alerts
    R("GET",   "/alerts/home-time",                                         LOGIN, LOGIN,   200,   200,   200,   200,   200),  # alerts.home_time
    R("POST",  "/alerts/home-time/<int:child_id>/mark",                    LOGIN, LOGIN,   400,   400,   400,   403,   404),  # alerts.mark (empty form: no kind)
    R("POST",  "/alerts/home-time/<int:child_id>/unmark",                  LOGIN, LOGIN,   302,   302,   302,   403,   404),  # alerts.unmark
    R("GET",   "/alerts/illness-notice",                                    LOGIN, LOGIN,   200,   200,   403,   403,   200),  # alerts.illness_notice
    R("POST",  "/alerts/illness-notice",                                    LOGIN, LOGIN,   200,   200,   403,   403,   200),  # alerts.illness_notice
    R("GET",   "/alerts/illnesses",                                         LOGIN, LOGIN,   200,   403,   403,   403,   200),  # alerts.illnesses
    R("POST",  "/alerts/illnesses",                                         LOGIN, LOGIN,   200,   403,   403,   403,   200),  # alerts.illnesses
    R("GET",   "/alerts/illnesses/<int:illness_id>",                        LOGIN, LOGIN,   200,   403,   403,   403,   404),  # alerts.illnesses
    R("POST",  "/alerts/illnesses/<int:illness_id>",                        LOGIN, LOGIN,   200,   403,   403,   403,   404),  # alerts.illnesses
    R("GET",   "/alerts/options",                                           LOGIN, LOGIN,   200,   403,   403,   403,   200),  # alerts.options
    R("POST",  "/alerts/options",                                           LOGIN, LOGIN,   302,   403,   403,   403,   302),  # alerts.options
    R("GET",   "/alerts/raise/<int:child_id>",                              LOGIN, LOGIN,   302,   302,   302,   403,   404),  # alerts.raise_alert
    R("POST",  "/alerts/raise/<int:child_id>",                              LOGIN, LOGIN,   302,   302,   302,   403,   404),  # alerts.raise_alert
    R("GET",   "/alerts/urgent-notice",                                     LOGIN, LOGIN,   200,   200,   403,   403,   200),  # alerts.urgent_notice
    R("POST",  "/alerts/urgent-notice",                                     LOGIN, LOGIN,   200,   200,   403,   403,   200),  # alerts.urgent_notice
    R("GET",   "/audit",                                                    LOGIN, LOGIN,   200,   403,   403,   403,   200),  # audit.log
    R("GET",   "/calendar/<token>.ics",                                       200,   200,   200,   200,   200,   200,   200),  # workshops.feed
    R("GET",   "/children",                                                 LOGIN, LOGIN,   200,   200,   200,   200,   200),  # families.children
    R("GET",   "/children/<int:child_id>",                                  LOGIN, LOGIN,   200,   200,   200,   403,   404),  # families.child
    R("GET",   "/children/<int:child_id>/edit",                             LOGIN, LOGIN,   200,   200,   403,   403,   404),  # families.edit_child
    R("POST",  "/children/<int:child_id>/edit",                             LOGIN, LOGIN,   302,   302,   403,   403,   404),  # families.edit_child
    R("GET",   "/children/new",                                             LOGIN, LOGIN,   200,   200,   403,   403,   200),  # families.edit_child
    R("POST",  "/children/new",                                             LOGIN, LOGIN,   200,   200,   403,   403,   200),  # families.edit_child
    R("GET",   "/contacts",                                                 LOGIN, LOGIN,   200,   200,   200,   200,   200),  # families.contacts
    R("GET",   "/contacts/<int:contact_id>",                                LOGIN, LOGIN,   200,   200,   200,   403,   404),  # families.contact
    R("GET",   "/contacts/<int:contact_id>/edit",                           LOGIN, LOGIN,   200,   200,   200,   403,   404),  # families.edit_contact
    R("POST",  "/contacts/<int:contact_id>/edit",                           LOGIN, LOGIN,   302,   302,   302,   403,   404),  # families.edit_contact
    R("POST",  "/contacts/<int:contact_id>/family-link",                    LOGIN, LOGIN,   200,   200,   200,   403,   404),  # families.issue_family_link
    R("GET",   "/contacts/<int:contact_id>/links/<int:link_id>",            LOGIN, LOGIN,   200,   200,   200,   403,   404),  # families.edit_link
    R("POST",  "/contacts/<int:contact_id>/links/<int:link_id>",            LOGIN, LOGIN,   302,   302,   302,   403,   404),  # families.edit_link
    R("POST",  "/contacts/<int:contact_id>/links/<int:link_id>/delete",     LOGIN, LOGIN,   302,   302,   302,   403,   404),  # families.delete_link
    R("GET",   "/contacts/<int:contact_id>/links/new",                      LOGIN, LOGIN,   200,   200,   200,   403,   404),  # families.new_link
    R("POST",  "/contacts/<int:contact_id>/links/new",                      LOGIN, LOGIN,   200,   200,   200,   403,   404),  # families.new_link
    R("GET",   "/contacts/<int:contact_id>/restrict",                       LOGIN, LOGIN,   200,   200,   403,   403,   404),  # families.restrict
    R("POST",  "/contacts/<int:contact_id>/restrict",                       LOGIN, LOGIN,   200,   200,   403,   403,   404),  # families.restrict
    R("POST",  "/contacts/<int:contact_id>/revoke-links",                   LOGIN, LOGIN,   302,   302,   302,   403,   404),  # families.revoke_links
    R("GET",   "/contacts/<int:contact_id>/unrestrict",                     LOGIN, LOGIN,   302,   302,   403,   403,   404),  # families.unrestrict
    R("POST",  "/contacts/<int:contact_id>/unrestrict",                     LOGIN, LOGIN,   302,   302,   403,   403,   404),  # families.unrestrict
    R("GET",   "/contacts/new",                                             LOGIN, LOGIN,   200,   200,   403,   403,   200),  # families.new_contact
    R("POST",  "/contacts/new",                                             LOGIN, LOGIN,   200,   200,   403,   403,   200),  # families.new_contact
    R("GET",   "/family",                                                     403,   200,   403,   403,   403,   403,   403),  # parents.family
    R("POST",  "/family",                                                     403,   302,   403,   403,   403,   403,   403),  # parents.family
    R("GET",   "/family/feedback",                                            403,   200,   403,   403,   403,   403,   403),  # feedback.family_feedback
    R("POST",  "/family/feedback",                                            403,   200,   403,   403,   403,   403,   403),  # feedback.family_feedback
    R("POST",  "/family/leave",                                               200,   200,   200,   200,   200,   200,   200),  # parents.leave
    R("POST",  "/family/consent",                                             403,   302,   403,   403,   403,   403,   403),  # privacy.family_consent
    R("GET",   "/feedback/<slug>",                                            200,   200,   200,   200,   200,   200,   200),  # feedback.public
    R("POST",  "/feedback/<slug>",                                            200,   200,   200,   200,   200,   200,   200),  # feedback.public
    R("GET",   "/files/<key>/<path:filename>",                                200,   200,   200,   200,   200,   200,   200),  # newsletters.file
    R("GET",   "/home-learning",                                              403,   302,   403,   403,   403,   403,   403, link="activities"),  # activities.opened
    R("GET",   "/home-learning/<int:digest_id>",                              403,   200,   403,   403,   403,   403,   403),  # activities.week
    R("POST",  "/home-learning/<int:digest_id>/<int:activity_id>",            403,   302,   403,   403,   403,   403,   403),  # activities.tried
    R("GET",   "/import",                                                   LOGIN, LOGIN,   200,   200,   403,   403,   200),  # families.import_upload
    R("POST",  "/import",                                                   LOGIN, LOGIN,   200,   200,   403,   403,   200),  # families.import_upload
    R("POST",  "/import/cancel",                                            LOGIN, LOGIN,   302,   302,   403,   403,   302),  # families.import_cancel
    R("POST",  "/import/confirm",                                           LOGIN, LOGIN,   302,   302,   403,   403,   302),  # families.import_confirm
    R("GET",   "/import/errors.csv",                                        LOGIN, LOGIN,   302,   302,   403,   403,   302),  # families.import_errors
    R("GET",   "/import/map",                                               LOGIN, LOGIN,   302,   302,   403,   403,   302),  # families.import_map
    R("POST",  "/import/map",                                               LOGIN, LOGIN,   302,   302,   403,   403,   302),  # families.import_map
    R("GET",   "/import/result",                                            LOGIN, LOGIN,   302,   302,   403,   403,   302),  # families.import_result
    R("GET",   "/involved",                                                   403,   200,   403,   403,   403,   403,   403),  # involvement.page
    R("POST",  "/involved",                                                   403,   302,   403,   403,   403,   403,   403),  # involvement.page
    R("GET",   "/involvement",                                              LOGIN, LOGIN,   200,   200,   403,   403,   200),  # involvement.manage
    R("POST",  "/involvement",                                              LOGIN, LOGIN,   200,   200,   403,   403,   200),  # involvement.manage
    R("POST",  "/involvement/members/<int:member_id>",                      LOGIN, LOGIN,   302,   302,   403,   403,   404),  # involvement.member
    R("POST",  "/involvement/opportunities/<int:opportunity_id>/ask",       LOGIN, LOGIN,   302,   302,   403,   403,   404),  # involvement.ask
    R("POST",  "/involvement/signups/<int:signup_id>/confirm",              LOGIN, LOGIN,   302,   302,   403,   403,   404),  # involvement.confirm
    R("GET",   "/l/<path:token>",                                             302,   302,   302,   302,   302,   302,   302),  # parents.open_link
    R("POST",  "/language",                                                   302,   302,   302,   302,   302,   302,   302),  # home.choose_language
    R("GET",   "/lists",                                                    LOGIN, LOGIN,   200,   200,   403,   403,   200),  # lists.index
    R("GET",   "/lists/<int:list_id>",                                      LOGIN, LOGIN,   200,   200,   403,   403,   404),  # lists.show
    R("POST",  "/lists/<int:list_id>/add",                                  LOGIN, LOGIN,   302,   302,   403,   403,   404),  # lists.add
    R("POST",  "/lists/<int:list_id>/delete",                               LOGIN, LOGIN,   302,   302,   403,   403,   404),  # lists.delete
    R("GET",   "/lists/<int:list_id>/edit",                                 LOGIN, LOGIN,   200,   200,   403,   403,   404),  # lists.edit
    R("POST",  "/lists/<int:list_id>/edit",                                 LOGIN, LOGIN,   302,   302,   403,   403,   404),  # lists.edit
    R("POST",  "/lists/<int:list_id>/remove",                               LOGIN, LOGIN,   302,   302,   403,   403,   404),  # lists.remove
    R("GET",   "/lists/new",                                                LOGIN, LOGIN,   200,   200,   403,   403,   200),  # lists.new
    R("POST",  "/lists/new",                                                LOGIN, LOGIN,   200,   200,   403,   403,   200),  # lists.new
    R("GET",   "/login",                                                      200,   200,   302,   302,   302,   302,   302),  # auth.login
    R("POST",  "/login",                                                      200,   200,   302,   302,   302,   302,   302),  # auth.login
    R("POST",  "/logout",                                                   LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),  # auth.logout
    R("GET",   "/login/code",                                               LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),  # auth.login_code (no password step pending)
    R("POST",  "/login/code",                                               LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),  # auth.login_code
    R("GET",   "/account/two-step",                                         LOGIN, LOGIN,   200,   200,   200,   200,   200),  # auth.two_factor
    R("POST",  "/account/two-step/confirm",                                 LOGIN, LOGIN,   302,   302,   302,   302,   302),  # auth.two_factor_confirm
    R("POST",  "/account/two-step/off",                                     LOGIN, LOGIN,   302,   302,   302,   302,   302),  # auth.two_factor_off
    R("POST",  "/staff/<int:user_id>/two-step/off",                         LOGIN, LOGIN,   302,   403,   403,   403,   404),  # auth.staff_two_factor_off
    R("GET",   "/password/forgot",                                            200,   200,   200,   200,   200,   200,   200),  # auth.forgot_password
    R("POST",  "/password/forgot",                                            200,   200,   200,   200,   200,   200,   200),  # auth.forgot_password
    R("GET",   "/password/reset/<token>",                                     410,   410,   410,   410,   410,   410,   410),  # auth.reset_password (unknown link)
    R("POST",  "/password/reset/<token>",                                     410,   410,   410,   410,   410,   410,   410),  # auth.reset_password
    R("GET",   "/messages",                                                 LOGIN, LOGIN,   200,   200,   403,   403,   200),  # messaging.messages
    R("GET",   "/messages/<int:message_id>",                                LOGIN, LOGIN,   200,   200,   403,   403,   404),  # messaging.delivery_report
    R("GET",   "/messages/<int:message_id>/progress.json",                  LOGIN, LOGIN,   200,   200,   403,   403,   404),  # messaging.delivery_progress
    R("GET",   "/messages/replies",                                         LOGIN, LOGIN,   200,   200,   403,   403,   200),  # messaging.replies
    R("GET",   "/news",                                                       403,   302,   403,   403,   403,   403,   403, link="newsletter"),  # newsletters.opened
    R("GET",   "/news/<int:issue_id>",                                        403,   200,   403,   403,   403,   403,   403),  # newsletters.read
    R("POST",  "/news/<int:issue_id>/ack",                                    403,   302,   403,   403,   403,   403,   403),  # newsletters.acknowledge
    R("GET",   "/newsletters",                                              LOGIN, LOGIN,   200,   200,   403,   403,   200),  # newsletters.index
    R("GET",   "/newsletters/<int:issue_id>",                               LOGIN, LOGIN,   200,   200,   403,   403,   404),  # newsletters.show
    R("GET",   "/newsletters/<int:issue_id>/preview",                       LOGIN, LOGIN,   200,   200,   403,   403,   404),  # newsletters.show_preview
    R("POST",  "/newsletters/<int:issue_id>/remind",                        LOGIN, LOGIN,   302,   302,   403,   403,   404),  # newsletters.remind
    R("POST",  "/newsletters/<int:issue_id>/send",                          LOGIN, LOGIN,   302,   302,   403,   403,   404),  # newsletters.send
    R("GET",   "/newsletters/<int:issue_id>/settings",                      LOGIN, LOGIN,   200,   200,   403,   403,   404),  # newsletters.settings
    R("POST",  "/newsletters/<int:issue_id>/settings",                      LOGIN, LOGIN,   302,   302,   403,   403,   404),  # newsletters.settings
    R("POST",  "/newsletters/<int:issue_id>/test",                          LOGIN, LOGIN,   302,   302,   403,   403,   404),  # newsletters.test_send
    R("POST",  "/newsletters/<int:issue_id>/translate",                     LOGIN, LOGIN,   302,   302,   403,   403,   404),  # newsletters.translate
    R("POST",  "/newsletters/<int:issue_id>/unschedule",                    LOGIN, LOGIN,   302,   302,   403,   403,   404),  # newsletters.unschedule
    R("POST",  "/newsletters/<int:issue_id>/uploads",                       LOGIN, LOGIN,   302,   302,   403,   403,   404),  # newsletters.upload
    R("GET",   "/newsletters/<int:issue_id>/versions/<language>",           LOGIN, LOGIN,   200,   200,   403,   403,   404),  # newsletters.version
    R("POST",  "/newsletters/<int:issue_id>/versions/<language>",           LOGIN, LOGIN,   200,   200,   403,   403,   404),  # newsletters.version
    R("GET",   "/newsletters/new",                                          LOGIN, LOGIN,   200,   200,   403,   403,   200),  # newsletters.new
    R("POST",  "/newsletters/new",                                          LOGIN, LOGIN,   302,   302,   403,   403,   302),  # newsletters.new
    R("GET",   "/outbox",                                                   LOGIN, LOGIN,   200,   200,   403,   403,   200),  # messaging.dev_outbox
    R("GET",   "/outbox/<int:item_id>",                                     LOGIN, LOGIN,   200,   200,   403,   403,   404),  # messaging.dev_outbox_item
    R("GET",   "/poll",                                                       403,   302,   403,   403,   403,   403,   403, link="poll"),  # workshops.poll_landing
    R("GET",   "/poll/<int:poll_id>",                                         403,   200,   403,   403,   403,   403,   403),  # workshops.poll_answer
    R("POST",  "/poll/<int:poll_id>",                                         403,   200,   403,   403,   403,   403,   403),  # workshops.poll_answer
    R("GET",   "/polls",                                                    LOGIN, LOGIN,   200,   200,   403,   403,   200),  # workshops.polls
    R("GET",   "/polls/<int:poll_id>",                                      LOGIN, LOGIN,   200,   200,   403,   403,   404),  # workshops.poll_show
    R("POST",  "/polls/<int:poll_id>/choose/<int:slot_id>",                 LOGIN, LOGIN,   302,   302,   403,   403,   404),  # workshops.poll_choose
    R("POST",  "/polls/<int:poll_id>/send",                                 LOGIN, LOGIN,   302,   302,   403,   403,   404),  # workshops.poll_send
    R("GET",   "/polls/new",                                                LOGIN, LOGIN,   200,   200,   403,   403,   200),  # workshops.poll_new
    R("POST",  "/polls/new",                                                LOGIN, LOGIN,   200,   200,   403,   403,   200),  # workshops.poll_new
    R("GET",   "/rooms",                                                    LOGIN, LOGIN,   200,   200,   403,   403,   200),  # families.rooms
    R("POST",  "/rooms",                                                    LOGIN, LOGIN,   200,   200,   403,   403,   200),  # families.rooms
    R("GET",   "/rooms/<int:room_id>",                                      LOGIN, LOGIN,   200,   200,   403,   403,   404),  # families.edit_room
    R("POST",  "/rooms/<int:room_id>",                                      LOGIN, LOGIN,   302,   302,   403,   403,   404),  # families.edit_room
    R("GET",   "/rsvp",                                                       403,   302,   403,   403,   403,   403,   403, link="rsvp"),  # workshops.rsvp_landing
    R("GET",   "/rsvp/<int:workshop_id>",                                     403,   200,   403,   403,   403,   403,   403),  # workshops.rsvp
    R("POST",  "/rsvp/<int:workshop_id>",                                     403,   200,   403,   403,   403,   403,   403),  # workshops.rsvp
    R("GET",   "/s/<public_key>",                                             302,   302,   302,   302,   302,   302,   302),  # surveys.public
    R("GET",   "/setting",                                                  LOGIN, LOGIN,   200,   403,   403,   403,   200),  # settings.edit
    R("POST",  "/setting",                                                  LOGIN, LOGIN,   302,   403,   403,   403,   302),  # settings.edit
    R("GET",   "/staff",                                                    LOGIN, LOGIN,   200,   403,   403,   403,   200),  # auth.staff
    R("GET",   "/staff/<int:user_id>",                                      LOGIN, LOGIN,   200,   403,   403,   403,   404),  # auth.edit_staff
    R("POST",  "/staff/<int:user_id>",                                      LOGIN, LOGIN,   302,   403,   403,   403,   404),  # auth.edit_staff
    R("GET",   "/staff/feedback",                                           LOGIN, LOGIN,   200,   200,   200,   200,   200),  # feedback.inbox
    R("GET",   "/staff/feedback/<int:item_id>",                             LOGIN, LOGIN,   200,   200,   403,   403,   404),  # feedback.item
    R("POST",  "/staff/feedback/<int:item_id>",                             LOGIN, LOGIN,   200,   200,   403,   403,   404),  # feedback.item
    R("POST",  "/staff/feedback/<int:item_id>/complaint",                   LOGIN, LOGIN,   302,   302,   403,   403,   404),  # feedback.raise_complaint
    R("POST",  "/staff/feedback/<int:item_id>/outcome",                     LOGIN, LOGIN,   400,   403,   403,   403,   404),  # feedback.outcome
    R("POST",  "/staff/feedback/<int:item_id>/reply",                       LOGIN, LOGIN,   400,   400,   403,   403,   404),  # feedback.reply
    R("POST",  "/staff/feedback/<int:item_id>/step",                        LOGIN, LOGIN,   400,   403,   403,   403,   404),  # feedback.add_step
    R("GET",   "/staff/feedback/complaints",                                LOGIN, LOGIN,   200,   403,   403,   403,   200),  # feedback.complaints_view
    R("GET",   "/staff/feedback/log",                                       LOGIN, LOGIN,   200,   200,   200,   200,   200),  # feedback.log
    R("POST",  "/staff/feedback/log",                                       LOGIN, LOGIN,   200,   200,   200,   200,   200),  # feedback.log
    R("GET",   "/staff/feedback/poster",                                    LOGIN, LOGIN,   200,   200,   200,   200,   200),  # feedback.poster
    R("GET",   "/staff/feedback/register",                                  LOGIN, LOGIN,   200,   403,   403,   403,   200),  # feedback.register
    R("GET",   "/staff/feedback/you-said-we-did",                           LOGIN, LOGIN,   200,   200,   403,   403,   200),  # feedback.you_said_we_did
    R("POST",  "/staff/feedback/you-said-we-did",                           LOGIN, LOGIN,   200,   200,   403,   403,   200),  # feedback.you_said_we_did
    R("GET",   "/staff/new",                                                LOGIN, LOGIN,   200,   403,   403,   403,   200),  # auth.edit_staff
    R("POST",  "/staff/new",                                                LOGIN, LOGIN,   200,   403,   403,   403,   200),  # auth.edit_staff
    R("GET",   "/static/<path:filename>",                                     200,   200,   200,   200,   200,   200,   200),  # static
    R("GET",   "/survey",                                                     403,   302,   403,   403,   403,   403,   403, link="survey"),  # surveys.landing
    R("GET",   "/survey/<int:survey_id>",                                     302,   302,   302,   302,   302,   302,   302),  # surveys.start
    R("GET",   "/survey/<int:survey_id>/<int:number>",                        403,   200,   403,   403,   403,   403,   403),  # surveys.step
    R("POST",  "/survey/<int:survey_id>/<int:number>",                        403,   302,   403,   403,   403,   403,   403),  # surveys.step
    R("GET",   "/survey/<int:survey_id>/thanks",                              403,   200,   403,   403,   403,   403,   403),  # surveys.thanks
    R("GET",   "/surveys",                                                  LOGIN, LOGIN,   200,   200,   403,   403,   200),  # surveys.index
    R("GET",   "/surveys/<int:survey_id>",                                  LOGIN, LOGIN,   200,   200,   403,   403,   404),  # surveys.edit
    R("POST",  "/surveys/<int:survey_id>",                                  LOGIN, LOGIN,   200,   200,   403,   403,   404),  # surveys.edit
    R("POST",  "/surveys/<int:survey_id>/close",                            LOGIN, LOGIN,   302,   302,   403,   403,   404),  # surveys.close
    R("GET",   "/surveys/<int:survey_id>/export.<fmt>",                     LOGIN, LOGIN,   200,   200,   403,   403,   404),  # surveys.export
    R("POST",  "/surveys/<int:survey_id>/public",                           LOGIN, LOGIN,   302,   302,   403,   403,   404),  # surveys.public_link
    R("GET",   "/surveys/<int:survey_id>/questions/<int:question_id>",      LOGIN, LOGIN,   200,   200,   403,   403,   404),  # surveys.edit_question
    R("POST",  "/surveys/<int:survey_id>/questions/<int:question_id>",      LOGIN, LOGIN,   200,   200,   403,   403,   404),  # surveys.edit_question
    R("POST",  "/surveys/<int:survey_id>/questions/<int:question_id>/delete",LOGIN, LOGIN,   302,   302,   403,   403,   404),  # surveys.delete_question
    R("POST",  "/surveys/<int:survey_id>/questions/<int:question_id>/move", LOGIN, LOGIN,   302,   302,   403,   403,   404),  # surveys.move_question
    R("GET",   "/surveys/<int:survey_id>/results",                          LOGIN, LOGIN,   200,   200,   403,   403,   404),  # surveys.results_page
    R("POST",  "/surveys/<int:survey_id>/sections/<int:section_id>",        LOGIN, LOGIN,   302,   302,   403,   403,   404),  # surveys.rename_section
    R("POST",  "/surveys/<int:survey_id>/sections/<int:section_id>/delete", LOGIN, LOGIN,   302,   302,   403,   403,   404),  # surveys.delete_section
    R("POST",  "/surveys/<int:survey_id>/sections/<int:section_id>/move",   LOGIN, LOGIN,   302,   302,   403,   403,   404),  # surveys.move_section
    R("POST",  "/surveys/<int:survey_id>/send",                             LOGIN, LOGIN,   302,   302,   403,   403,   404),  # surveys.send
    R("GET",   "/surveys/<int:survey_id>/translate/<language>",             LOGIN, LOGIN,   200,   200,   403,   403,   404),  # surveys.translate
    R("POST",  "/surveys/<int:survey_id>/translate/<language>",             LOGIN, LOGIN,   302,   302,   403,   403,   404),  # surveys.translate
    R("POST",  "/surveys/new",                                              LOGIN, LOGIN,   302,   302,   403,   403,   302),  # surveys.new
    R("POST",  "/surveys/<int:survey_id>/unschedule",                       LOGIN, LOGIN,   302,   302,   403,   403,   404),  # surveys.unschedule
    R("GET",   "/unsubscribe/<token>",                                        200,   200,   200,   200,   200,   200,   200),  # webhooks.unsubscribe
    R("POST",  "/unsubscribe/<token>",                                        200,   200,   200,   200,   200,   200,   200),  # webhooks.unsubscribe
    R("POST",  "/webhooks/twilio/inbound",                                    403,   403,   403,   403,   403,   403,   403),  # webhooks.twilio_inbound
    R("POST",  "/webhooks/twilio/status",                                     403,   403,   403,   403,   403,   403,   403),  # webhooks.twilio_status
    R("GET",   "/workshops",                                                LOGIN, LOGIN,   200,   200,   403,   403,   200),  # workshops.index
    R("GET",   "/workshops/<int:workshop_id>",                              LOGIN, LOGIN,   200,   200,   403,   403,   404),  # workshops.show
    R("POST",  "/workshops/<int:workshop_id>/cancel",                       LOGIN, LOGIN,   302,   302,   403,   403,   404),  # workshops.cancel
    R("GET",   "/workshops/<int:workshop_id>/edit",                         LOGIN, LOGIN,   200,   200,   403,   403,   404),  # workshops.edit
    R("POST",  "/workshops/<int:workshop_id>/edit",                         LOGIN, LOGIN,   200,   200,   403,   403,   404),  # workshops.edit
    R("POST",  "/workshops/<int:workshop_id>/invite",                       LOGIN, LOGIN,   302,   302,   403,   403,   404),  # workshops.invite
    R("POST",  "/workshops/<int:workshop_id>/register",                     LOGIN, LOGIN,   302,   302,   403,   403,   404),  # workshops.register
    R("POST",  "/workshops/<int:workshop_id>/thanks",                       LOGIN, LOGIN,   302,   302,   403,   403,   404),  # workshops.thanks
    R("GET",   "/workshops/new",                                            LOGIN, LOGIN,   200,   200,   403,   403,   200),  # workshops.edit
    R("POST",  "/workshops/new",                                            LOGIN, LOGIN,   200,   200,   403,   403,   200),  # workshops.edit
    R("POST",  "/workshops/<int:workshop_id>/interested",                   LOGIN, LOGIN,   302,   302,   403,   403,   404),  # workshops.invite_interested
    R("GET",   "/privacy",                                                  LOGIN, LOGIN,   200,   403,   403,   403,   200),  # privacy.index
    R("POST",  "/privacy/<any(contact, family):kind>/<int:subject_id>/erase", LOGIN, LOGIN,   400,   403,   403,   403,   404),  # privacy.erase_subject
    R("POST",  "/privacy/<any(contact, family):kind>/<int:subject_id>/export", LOGIN, LOGIN,   302,   403,   403,   403,   404),  # privacy.start_export
    R("GET",   "/privacy/contacts/<int:contact_id>",                        LOGIN, LOGIN,   200,   403,   403,   403,   404),  # privacy.contact
    R("GET",   "/privacy/exports/<int:job_id>",                             LOGIN, LOGIN,   200,   403,   403,   403,   404),  # privacy.export
    R("POST",  "/privacy/exports/<int:job_id>/download",                    LOGIN, LOGIN,   404,   403,   403,   403,   404),  # privacy.download
    R("GET",   "/privacy/families/<int:child_id>",                          LOGIN, LOGIN,   200,   403,   403,   403,   404),  # privacy.family
    R("GET",   "/privacy/retention",                                        LOGIN, LOGIN,   200,   403,   403,   403,   200),  # privacy.retention_plan
    R("POST",  "/privacy/retention/run",                                    LOGIN, LOGIN,   302,   403,   403,   403,   302),  # privacy.retention_run
    R("GET",   "/evidence/",                                                LOGIN, LOGIN,   200,   200,   403,   403,   200),  # evidence.dashboard
    R("GET",   "/evidence/actions",                                         LOGIN, LOGIN,   200,   200,   403,   403,   200),  # evidence.actions
    R("POST",  "/evidence/actions/<int:action_id>/delete",                  LOGIN, LOGIN,   302,   302,   403,   403,   404),  # evidence.delete_action
    R("GET",   "/evidence/actions/<int:action_id>/edit",                    LOGIN, LOGIN,   200,   200,   403,   403,   404),  # evidence.edit_action
    R("POST",  "/evidence/actions/<int:action_id>/edit",                    LOGIN, LOGIN,   200,   200,   403,   403,   404),  # evidence.edit_action
    R("GET",   "/evidence/actions/new",                                     LOGIN, LOGIN,   200,   200,   403,   403,   200),  # evidence.new_action
    R("POST",  "/evidence/actions/new",                                     LOGIN, LOGIN,   200,   200,   403,   403,   200),  # evidence.new_action
    R("GET",   "/evidence/families/<int:child_id>",                         LOGIN, LOGIN,   200,   200,   200,   403,   404),  # evidence.family_ledger
    R("GET",   "/evidence/families/<int:child_id>/questionnaires/<int:survey_id>/<int:contact_id>", LOGIN, LOGIN,   404,   404,   404,   403,   404),  # evidence.named_answers
    R("GET",   "/evidence/not-engaged",                                     LOGIN, LOGIN,   200,   200,   403,   403,   200),  # evidence.not_engaged
    R("POST",  "/evidence/not-engaged/message",                             LOGIN, LOGIN,   302,   302,   403,   403,   302),  # evidence.message_not_engaged
    R("POST",  "/evidence/not-engaged/plan",                                LOGIN, LOGIN,   302,   302,   403,   403,   302),  # evidence.plan_for_not_engaged
    R("GET",   "/evidence/pack",                                            LOGIN, LOGIN,   200,   200,   403,   403,   200),  # evidence.pack
    R("GET",   "/evidence/pack.<fmt>",                                      LOGIN, LOGIN,   200,   200,   403,   403,   200),  # evidence.pack_export
    R("GET",   "/evidence/reach",                                           LOGIN, LOGIN,   200,   200,   403,   403,   200),  # evidence.reach_report
    R("POST",  "/evidence/reach/recount",                                   LOGIN, LOGIN,   302,   302,   403,   403,   302),  # evidence.recount_reach
    R("POST",  "/evidence/recount",                                         LOGIN, LOGIN,   302,   302,   403,   403,   302),  # evidence.recount
]
# fmt: on
ROUTES = dict(ROWS)
assert len(ROUTES) == len(ROWS), "a route appears twice in ROWS"

# GETs that may write, and what: {(method, rule): {table: reason}}. Anything else a GET writes fails.
GET_WRITES = {
    ("GET", "/l/<path:token>"): {
        "link_token": "opening a personal link stamps its last use (last_used_at)"},
    ("GET", "/news/<int:issue_id>"): {
        "issue_read": "a parent opening the web version of a newsletter is its read receipt"},
    **{("GET", rule): {"figure_snapshot": "the term figures are counted once and kept (a cache of derived counts)"}
       for rule in ("/evidence/", "/evidence/pack", "/evidence/pack.<fmt>")},
    ("GET", "/evidence/reach"): {
        "reach_snapshot": "the reach report's lists are counted once and kept (a cache of derived counts)",
        "reach_row": "the rows of those lists, kept in order (ids, reasons and counts, no names)"},
}

# What each role must never see (NAMES_B for the other roles of setting A). The practitioner works
# in another room than family A's child, so family A is not theirs either.
FORBIDDEN = {"anon": NAMES_A + NAMES_B, "manager_b": NAMES_A, "practitioner": NAMES_A + NAMES_B}
# ... and what each role does see somewhere, so that the check above cannot pass by seeing nothing.
OWN = {"parent": NAMES_A, "manager": NAMES_A, "pico": NAMES_A, "key_person": NAMES_A, "manager_b": NAMES_B}


def _shown(status) -> str:
    return "LOGIN" if status == LOGIN else str(status)


def row_text(route: Route, statuses: dict, link: str = "family") -> str:
    """A row of ROWS as source text (used in the failure messages, ready to paste)."""
    values = ", ".join(_shown(statuses[r]) for r in ROLES)
    extra = "" if link == "family" else f', link="{link}"'
    return f'    R("{route.method}", "{route.rule}", {values}{extra}),  # {route.endpoint}'


NO_URL = "no URL"  # the route's URL parameters have no seeded value yet


@dataclass
class Seen:
    """What one role got from one route."""

    status: object
    crash: str = ""
    changed: tuple = ()
    leaked: tuple = ()
    own: bool = False  # the page shows the role's own family


@pytest.fixture(scope="module")
def seen(matrix):
    """Request every route once per role; returns {(method, rule): {role: Seen}}."""
    app, ids, connection = matrix.app, matrix.world.ids, matrix.tx.connection
    baseline = State(row_counts(connection), snapshot(connection), WriteWatch(connection))
    results = {}
    for route in all_routes(app):
        by_role = results[route.key] = {}
        try:
            url = url_for_route(app, route, ids)
        except KeyError as exc:  # a new kind of URL parameter: reported by test_every_route_has_a_row
            by_role.update({role: Seen(status=NO_URL, crash=exc.args[0]) for role in ROLES})
            continue
        link = ROUTES.get(route.key, Expected({})).link
        for role in ROLES:
            with matrix.tx.each():
                writes = baseline.watch.writes
                response = matrix.browser(role, link).open(route.method, url, data={})
                body = response.get_data(as_text=True) if response.status_code == 200 else ""
                forbidden = FORBIDDEN.get(role, NAMES_B)
                by_role[role] = Seen(
                    status=outcome(response),
                    crash=getattr(response, "error", ""),
                    changed=tuple(_unexpected_writes(route, baseline, connection, writes)),
                    leaked=tuple(name for name in forbidden if name in body),
                    own=any(name in body for name in OWN.get(role, ())))
    return results


@dataclass
class State:
    """The seeded database as every request starts from it."""

    counts: tuple
    rows: dict
    watch: WriteWatch


def _unexpected_writes(route: Route, baseline: State, connection, writes_before: int) -> list[str]:
    """Tables a GET changed, beyond GET_WRITES: rows counted after every GET, and compared row by
    row when the counts differ or any INSERT/UPDATE/DELETE was sent."""
    if route.method != "GET":
        return []
    if row_counts(connection) == baseline.counts and baseline.watch.writes == writes_before:
        return []
    allowed = GET_WRITES.get(route.key, {})
    return [c for c in changes(baseline.rows, snapshot(connection)) if c.split(" ")[0] not in allowed]


def test_every_route_has_a_row(matrix, seen):
    """A route missing from ROWS fails with the row to add (its observed statuses, to be checked)."""
    by_key = {r.key: r for r in all_routes(matrix.app)}
    unfilled = sorted({roles["anon"].crash for roles in seen.values() if roles["anon"].status == NO_URL})
    assert not unfilled, "\n".join(unfilled)
    missing = [row_text(by_key[key], {role: s.status for role, s in roles.items()})
               for key, roles in seen.items() if key not in ROUTES]
    stale = [f"{method} {rule}" for method, rule in ROUTES if (method, rule) not in by_key]
    message = []
    if missing:
        message.append("Routes missing from ROWS in tests/security/test_authorisation_matrix.py. Add these "
                       "rows (the statuses are what each role got now: check each one is what it should be; "
                       "use link=\"<purpose>\" for a page that needs a link of its own purpose):\n"
                       + "\n".join(missing))
    if stale:
        message.append("Rows for routes that no longer exist (remove them):\n" + "\n".join(stale))
    assert not message, "\n\n".join(message)


def test_every_role_gets_the_expected_status(matrix, seen):
    """Each role gets exactly the status its row says, on every route (all mismatches listed)."""
    by_key = {r.key: r for r in all_routes(matrix.app)}
    wrong = []
    for key, roles in seen.items():
        expected = ROUTES.get(key)
        if expected is None or roles["anon"].status == NO_URL:
            continue  # reported by test_every_route_has_a_row
        bad = [f"{role}: expected {_shown(expected.statuses[role])}, got {_shown(s.status)}"
               f"{' (' + s.crash + ')' if s.crash else ''}"
               for role, s in roles.items() if s.status != expected.statuses[role]]
        if bad:
            wrong.append(f"{key[0]} {key[1]} ({by_key[key].endpoint}): " + "; ".join(bad)
                         + "\n  observed row: " + row_text(by_key[key], {r: s.status for r, s in roles.items()},
                                                            expected.link).strip())
    assert not wrong, f"{len(wrong)} routes answer differently from the table:\n" + "\n".join(wrong)


def test_no_get_changes_state(seen):
    """No GET, for any role, adds, removes or changes a row (except the writes in GET_WRITES)."""
    found = [f"GET {key[1]} as {role}: {', '.join(s.changed)}"
             for key, roles in seen.items() for role, s in roles.items() if s.changed]
    assert not found, "GET requests that changed the database:\n" + "\n".join(found)


def test_no_page_shows_the_other_setting(seen):
    """Setting A's staff and family A's parent never see family B's names, nor setting B's manager A's."""
    found = [f"{key[0]} {key[1]} as {role} shows {', '.join(s.leaked)}"
             for key, roles in seen.items() for role, s in roles.items() if s.leaked]
    assert not found, "\n".join(found)
    blind = [role for role in OWN if not any(roles[role].own for roles in seen.values())]
    assert not blind, f"these roles never saw their own family on any page, so the check proves nothing: {blind}"


def test_the_table_tells_roles_apart(seen):
    """The matrix is not vacuous: each staff role of A is both let in and kept out somewhere, and
    setting B's manager never gets a 200 on a route that names an object of setting A."""
    for role in ("parent", "manager", "pico", "key_person", "practitioner", "manager_b"):
        statuses = {s.status for roles in seen.values() for r, s in roles.items() if r == role}
        assert 200 in statuses and statuses & {403, 404, LOGIN}, (role, statuses)
    tokens = ("<path:token>", "<token>", "<key>", "<public_key>", "<slug>")
    no_object = {"<fmt>"}  # a parameter that names a format, not an object of setting A
    cross = [f"{method} {rule}" for (method, rule), roles in seen.items()
             if set(re.findall(r"<[^>]+>", rule)) - no_object and not any(t in rule for t in tokens)
             and not rule.startswith("/static") and roles["manager_b"].status == 200]
    assert not cross, "setting B's manager reached setting A's objects:\n" + "\n".join(cross)
