"""Use-cases of newsletters and notices: audience, versions, what may be sent, sending, reads, acks."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.i18n import _s, in_language
from app.messaging import audience_form, outbox
from app.messaging.costs import compose_costs
from app.messaging.audience_form import PER_CHILD
from app.messaging.models import CANCELLED, SCHEDULED, SUPPRESSED, Delivery, Message
from app.messaging.render import CHILDREN_MARK, PERSONAL_LINK
from app.messaging.services import counts, create_message, send_now
from app.newsletters.content import file_url, to_html, to_text
from app.newsletters.models import APPROVED, ISSUE_CATEGORIES, Acknowledgement, Issue, IssueRead, IssueVersion

PURPOSE = "newsletter"


def messaging_audience(issue: Issue) -> dict:
    """The issue's audience in the shape app.messaging.outbox understands."""
    return audience_form.to_outbox(issue.audience)


def language_needs(issue: Issue) -> dict[str, int]:
    """Contacts (parents and carers) the audience would reach, by preferred language."""
    return outbox.language_counts(issue.setting_id, messaging_audience(issue))


def family_needs(issue: Issue) -> dict[str, int]:
    """Families the audience would reach, by language (see outbox.family_language_counts)."""
    return outbox.family_language_counts(issue.setting_id, messaging_audience(issue))


def status(issue: Issue) -> str:
    """draft, scheduled, sending or sent (from the message that carries it)."""
    m = issue.message
    if m is None or m.status == CANCELLED:
        return "draft"
    if m.status == SCHEDULED:
        return "scheduled"
    return "sent" if m.status == "done" else "sending"


def editable(issue: Issue) -> bool:
    """Only a draft can be changed (a scheduled issue goes back to draft first)."""
    return status(issue) == "draft"


def problems(issue: Issue) -> list[str]:
    """Why the issue cannot be sent yet (empty when it can), in plain words for staff."""
    out = []
    default = issue.setting.default_language
    version = issue.version(default)
    if version is None or not version.title.strip() or not version.body_md.strip():
        out.append(_s("There is no version in the default language (%(lang)s) yet.", lang=default))
    elif version.status != APPROVED:
        out.append(_s("The default-language version (%(lang)s) is not approved yet.", lang=default))
    if issue.channels in ("sms", "both") and version is not None and not version.sms_text.strip():
        out.append(_s("The text message version is empty."))
    if not sum(language_needs(issue).values()):
        out.append(_s("Nobody is in this audience (no current family can be reached)."))
    return out


def _content(issue: Issue, version: IssueVersion) -> dict:
    """Subject, text, HTML and SMS of one approved version, with marks for links and child names."""
    with in_language(version.language):
        about = _("About: %(children)s", children=CHILDREN_MARK)
        online = _("Read this online: %(url)s", url=PERSONAL_LINK)
        files_heading = _("Attachments")
        ack = _("Please open the link and confirm you have read and understood it.")
    per_child = (issue.audience or {}).get("kind", "all") in PER_CHILD
    files = [u for u in issue.uploads if not u.is_image]
    text = [about] if per_child else []
    text += [to_text(version.body_md)]
    html = [f"<p><strong>{about}</strong></p>"] if per_child else []
    html.append(to_html(version.body_md))
    if files:
        text.append(files_heading + ":\n" + "\n".join(f"- {u.filename}: {file_url(u)}" for u in files))
        items = "".join(f'<li><a href="{file_url(u)}">{u.filename}</a></li>' for u in files)
        html.append(f"<h2>{files_heading}</h2><ul>{items}</ul>")
    if issue.requires_ack:
        text.append(ack)
        html.append(f"<p><strong>{ack}</strong></p>")
    text.append(online)
    html.append(f'<p><a href="{PERSONAL_LINK}">{online.replace(PERSONAL_LINK, "").rstrip(": ")}</a></p>')
    sms = version.sms_text.strip()
    if per_child:
        sms = f"{CHILDREN_MARK}: {sms}"
    return {"subject": version.title, "body_text": "\n\n".join(text), "body_html": "\n".join(html),
            "sms_text": f"{sms} {PERSONAL_LINK}"}


def sms_costs(issue: Issue, needs: dict[str, int]) -> list:
    """Segments and estimated cost of each written version's text message (none for email-only issues);
    `needs` are contacts by language (those without an approved version get the default)."""
    if issue.channels not in ("sms", "both"):
        return []
    texts = {v.language: _content(issue, v)["sms_text"] for v in issue.versions if v.sms_text.strip()}
    approved = {v.language for v in issue.versions if v.status == APPROVED}
    return compose_costs(texts, needs, issue.setting.default_language, sent=approved)


def message_versions(issue: Issue) -> dict[str, dict]:
    """Every approved version as messaging content ({lang: {...}})."""
    return {v.language: _content(issue, v) for v in issue.versions if v.status == APPROVED}


def build_message(issue: Issue, audience: dict | None = None, scheduled_at: datetime | None = None,
                  created_by=None, channels: str | None = None) -> Message:
    """A message carrying the issue's approved versions to `audience` (the issue's own by default)."""
    return create_message(
        issue.setting, category=ISSUE_CATEGORIES.get(issue.kind, "general"),
        channels=channels or issue.channels, audience=audience or messaging_audience(issue),
        audience_label=issue_title(issue), versions=message_versions(issue), scheduled_at=scheduled_at,
        created_by=created_by, link_purpose=PURPOSE, link_scope_id=issue.id)


def issue_title(issue: Issue) -> str:
    """The title in the setting's default language."""
    version = issue.version(issue.setting.default_language)
    return version.title if version else ""


def send(issue: Issue, scheduled_at: datetime | None = None, user=None) -> Message:
    """Send now (commits and queues) or schedule; the caller checked `problems` first."""
    message = build_message(issue, scheduled_at=scheduled_at, created_by=user)
    issue.message_id = message.id
    issue.scheduled_at = scheduled_at
    db.session.flush()
    if scheduled_at is None:
        db.session.commit()
        send_now(message.id)
    return message


def unschedule(issue: Issue) -> bool:
    """Take a scheduled issue back to draft (atomically: False when it has already started)."""
    if issue.message_id is None:
        return False
    done = db.session.execute(update(Message).where(Message.id == issue.message_id, Message.status == SCHEDULED)
                              .values(status=CANCELLED).execution_options(synchronize_session=False)).rowcount
    if done:
        issue.message_id = None
        issue.scheduled_at = None
        db.session.flush()
    return bool(done)


def message_ids(issue: Issue) -> list[int]:
    """The issue's message and its reminders."""
    return [m for m in [issue.message_id, *(issue.reminder_message_ids or [])] if m]


def received(issue: Issue, contact_id: int) -> bool:
    """True when the contact was sent (or is being sent) this issue: only they may open it."""
    ids = message_ids(issue)
    return bool(ids) and db.session.scalar(select(func.count()).select_from(Delivery).where(
        Delivery.message_id.in_(ids), Delivery.contact_id == contact_id, Delivery.status != SUPPRESSED)) > 0


def version_for(issue: Issue, language: str) -> IssueVersion:
    """The approved version in `language`, else the default language's."""
    return issue.approved_or_default(language, issue.setting.default_language)


def _record_once(row) -> bool:
    """Insert a once-per-contact row; False when it was already there."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
        return True
    except IntegrityError:
        return False


def mark_read(issue: Issue, contact) -> bool:
    """Opening the web version counts as read (the first time only)."""
    if db.session.scalar(select(IssueRead.id).where(IssueRead.issue_id == issue.id,
                                                    IssueRead.contact_id == contact.id)):
        return False
    return _record_once(IssueRead(setting_id=issue.setting_id, issue_id=issue.id, contact_id=contact.id))


def acknowledged(issue: Issue, contact_id: int) -> Acknowledgement | None:
    """The contact's acknowledgement of a notice, if given."""
    return db.session.scalar(select(Acknowledgement).where(Acknowledgement.issue_id == issue.id,
                                                           Acknowledgement.contact_id == contact_id))


def acknowledge(issue: Issue, contact, language: str) -> bool:
    """'I have read and understood' (once per contact)."""
    if acknowledged(issue, contact.id):
        return False
    return _record_once(Acknowledgement(setting_id=issue.setting_id, issue_id=issue.id, contact_id=contact.id,
                                        language=language))


def recipients(issue: Issue) -> list[int]:
    """Contacts the first send reached (not left out)."""
    if not issue.message_id:
        return []
    return list(db.session.scalars(select(Delivery.contact_id).distinct().where(
        Delivery.message_id == issue.message_id, Delivery.status != SUPPRESSED)))


def not_acknowledged(issue: Issue) -> list[int]:
    """Recipients who have not acknowledged yet."""
    done = set(db.session.scalars(select(Acknowledgement.contact_id).where(Acknowledgement.issue_id == issue.id)))
    return [c for c in recipients(issue) if c not in done]


def remind(issue: Issue, user=None, channels: str | None = None) -> Message | None:
    """Send the notice again, by email and/or SMS, to those who have not acknowledged it (None: nobody)."""
    rest = not_acknowledged(issue)
    if not rest:
        return None
    message = build_message(issue, audience={"contacts": rest}, created_by=user, channels=channels)
    issue.reminder_message_ids = [*(issue.reminder_message_ids or []), message.id]
    db.session.flush()
    db.session.commit()
    send_now(message.id)
    return message


def summary(issue: Issue) -> dict:
    """List/report figures: audience size, delivered, failed, read, acknowledged, fallbacks."""
    c = counts(issue.message_id) if issue.message_id else {"total": 0, "sent": 0, "failed": 0, "suppressed": 0}
    reads = db.session.scalar(select(func.count()).select_from(IssueRead).where(IssueRead.issue_id == issue.id))
    acks = db.session.scalar(select(func.count()).select_from(Acknowledgement)
                             .where(Acknowledgement.issue_id == issue.id))
    audience = c["total"] if issue.message_id else sum(language_needs(issue).values())
    return {"audience": audience, "delivered": c["sent"], "failed": c["failed"],
            "suppressed": c["suppressed"], "read": reads or 0, "acknowledged": acks or 0}


def fallbacks(issue: Issue) -> list[dict]:
    """Who got the default language because their own version was missing or not approved, by family:
    each contact with their language and the children they are linked to."""
    from app.families.models import Child, ChildContact, Contact

    if not issue.message_id:
        return []
    rows = db.session.execute(
        select(Contact.id, Contact.first_name, Contact.last_name, Contact.language, Child.first_name.label("child"),
               Child.last_name.label("child_last")).distinct()
        .join(Delivery, Delivery.contact_id == Contact.id)
        .outerjoin(ChildContact, ChildContact.contact_id == Contact.id)
        .outerjoin(Child, Child.id == ChildContact.child_id)
        .where(Delivery.message_id == issue.message_id, Delivery.fallback.is_(True),
               Delivery.status != SUPPRESSED)
        .order_by(Child.last_name, Child.first_name, Contact.last_name, Contact.first_name)).all()
    families: dict[tuple, dict] = {}
    for row in rows:
        contact = families.setdefault(row.id, {"name": f"{row.first_name} {row.last_name}",
                                               "language": row.language, "children": []})
        if row.child:
            contact["children"].append(f"{row.child} {row.child_last}")
    return list(families.values())


def acknowledgements(issue: Issue) -> list[Acknowledgement]:
    """Who acknowledged, first to last."""
    return list(db.session.scalars(select(Acknowledgement).where(Acknowledgement.issue_id == issue.id)
                                   .order_by(Acknowledgement.at)))


def received_issues(contact, limit: int = 50) -> list[Issue]:
    """Issues sent to this contact (the archive on their family page), newest first."""
    from app.messaging.models import DONE, EXPANDING, SENDING

    ids = select(Delivery.message_id).where(Delivery.contact_id == contact.id, Delivery.status != SUPPRESSED)
    return list(db.session.scalars(
        select(Issue).join(Message, Message.id == Issue.message_id)
        .where(Issue.setting_id == contact.setting_id, Message.status.in_((EXPANDING, SENDING, DONE)),
               Issue.message_id.in_(ids))
        .order_by(Message.started_at.desc(), Issue.id.desc()).limit(limit)))
