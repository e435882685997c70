"""Use-cases of home learning: areas, the weekly digest message, "we tried it", staff figures."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.activities.models import Activity, ActivityTry, ActivityVersion, Digest, DigestVersion
from app.extensions import db
from app.families.models import Room
from app.i18n import in_language
from app.messaging import outbox
from app.messaging.costs import compose_costs
from app.messaging.models import SUPPRESSED, Delivery
from app.messaging.render import PERSONAL_LINK
from app.messaging.services import create_message, send_now
from app.newsletters.content import file_url
from app.versioned import APPROVED

PURPOSE = "activities"
# The seven areas of learning and development of the EYFS.
AREAS = {
    "communication": _l("Communication and language"),
    "physical": _l("Physical development"),
    "psed": _l("Personal, social and emotional development"),
    "literacy": _l("Literacy"),
    "maths": _l("Mathematics"),
    "world": _l("Understanding the world"),
    "arts": _l("Expressive arts and design"),
}
AGE_BANDS = {"0-1": _l("Babies (up to 1 year)"), "1-2": _l("1 to 2 years"), "2-3": _l("2 to 3 years"),
             "3-5": _l("3 to 5 years")}


def version_for(activity: Activity, language: str, default: str) -> ActivityVersion | None:
    """The approved version in `language`, else the default language's."""
    return activity.approved_or_default(language, default)


def activities_of(digest: Digest) -> list[Activity]:
    """The digest's activities, in the order chosen."""
    found = {a.id: a for a in db.session.scalars(select(Activity).where(Activity.id.in_(digest.activity_ids or [])))}
    return [found[i] for i in digest.activity_ids or [] if i in found]


def problems(setting, room_id: int | None, activity_ids: list[int]) -> list[str]:
    """Why a digest cannot go (empty when it can), in plain words for staff."""
    from app.i18n import _s

    out = []
    activities = [db.session.get(Activity, i) for i in activity_ids]
    if not 1 <= len(activities) <= 3:
        out.append(_s("Choose one to three activities."))
    for a in activities:
        if a is None or a.setting_id != setting.id or not (v := a.version(setting.default_language)) \
                or v.status != APPROVED:
            out.append(_s("Each activity needs an approved version in the default language."))
            break
    if room_id is None or not sum(outbox.language_counts(setting.id, {"rooms": [room_id]}).values()):
        out.append(_s("Nobody is in this audience (no current family can be reached)."))
    return out


def digest_problems(digest: Digest) -> list[str]:
    """Why a draft digest cannot be sent yet (empty when it can)."""
    from app.i18n import _s

    out = problems(digest.setting, digest.room_id, list(digest.activity_ids or []))
    default = digest.setting.default_language
    v = digest.version(default)
    if v is None or not v.explored.strip() or v.status != APPROVED:
        out.append(_s("What the children explored needs an approved version in the default language (%(lang)s).",
                      lang=default))
    return out


def create_digest(setting, room: Room, explored: str, activity_ids: list[int]) -> Digest:
    """A draft digest, with what the children explored in the default language (approved: staff wrote it)."""
    digest = Digest(setting_id=setting.id, room_id=room.id, activity_ids=activity_ids)
    digest.versions.append(DigestVersion(language=setting.default_language, explored=explored.strip(),
                                         status=APPROVED))
    db.session.add(digest)
    db.session.flush()
    return digest


def _audience(digest: Digest) -> dict:
    return {"rooms": [digest.room_id]}


def family_needs(digest: Digest) -> dict[str, int]:
    """Families of the digest's room by language."""
    return outbox.family_language_counts(digest.setting_id, _audience(digest))


def _languages(digest: Digest, activities: list[Activity]) -> set[str]:
    """Languages the digest is sent in: the default, and any with an approved text or activity."""
    owners = [digest, *activities]
    return {digest.setting.default_language} | {v.language for o in owners for v in o.versions if v.status == APPROVED}


def sms_costs(digest: Digest, needs: dict[str, int]) -> list:
    """Segments and estimated cost of the digest's text message in each language it is sent in."""
    activities, default = activities_of(digest), digest.setting.default_language
    languages = _languages(digest, activities)
    texts = {lang: _content(digest, activities, lang, default)["sms_text"] for lang in languages}
    return compose_costs(texts, needs, default)


def _content(digest: Digest, activities: list[Activity], language: str, default: str) -> dict:
    with in_language(language):
        heading = _("This week's learning")
        explored = _("What the children explored")
        text = digest.approved_or_default(language, default).explored
        lines, html = [heading, "", explored + ":", text, ""], [f"<h1>{heading}</h1>", f"<h2>{explored}</h2>"]
        html.append("<p>" + _escape(text) + "</p>")
        titles = []
        for a in activities:
            v = version_for(a, language, default)
            titles.append(v.title)
            parts = [(_("What you need"), v.what_you_need), (_("What to do"), v.what_to_do),
                     (_("Why it helps"), v.why_it_helps)]
            lines += [v.title, *[f"{k}: {t}" for k, t in parts if t.strip()], ""]
            picture = f'<p><img src="{file_url(a.picture)}" alt="{_escape(v.title)}"></p>' if a.picture else ""
            html.append(f"<h2>{_escape(v.title)}</h2>" + picture + "".join(
                f"<p><strong>{k}:</strong> {_escape(t)}</p>" for k, t in parts if t.strip()))
        tried = _("Tell us if you tried it: %(url)s", url=PERSONAL_LINK)
    lines.append(tried)
    html.append(f'<p><a href="{PERSONAL_LINK}">{_escape(tried.replace(PERSONAL_LINK, "").rstrip(": "))}</a></p>')
    return {"subject": heading, "body_text": "\n".join(lines), "body_html": "\n".join(html),
            "sms_text": f"{heading}: {'; '.join(titles)}. {PERSONAL_LINK}"}


def _escape(text: str) -> str:
    from markupsafe import escape

    return str(escape(text)).replace("\n", "<br>")


def send_digest(digest: Digest, user=None) -> None:
    """Send a draft digest to its room's families by email and SMS, each part in their language (commits)."""
    activities = activities_of(digest)
    default = digest.setting.default_language
    versions = {lang: _content(digest, activities, lang, default) for lang in _languages(digest, activities)}
    message = create_message(digest.setting, category="activities", channels="both", audience=_audience(digest),
                             audience_label=digest.room.name, versions=versions, created_by=user,
                             link_purpose=PURPOSE, link_scope_id=digest.id)
    digest.message_id = message.id
    db.session.commit()
    send_now(message.id)


def received(digest: Digest, contact_id: int) -> bool:
    """True when the digest was sent to this contact (only they may open it)."""
    return bool(digest.message_id) and (db.session.scalar(select(func.count()).select_from(Delivery).where(
        Delivery.message_id == digest.message_id, Delivery.contact_id == contact_id,
        Delivery.status != SUPPRESSED)) or 0) > 0


def tried(contact_id: int, activity_ids: list[int]) -> dict[int, ActivityTry]:
    """The contact's tries of these activities."""
    return {t.activity_id: t for t in db.session.scalars(select(ActivityTry).where(
        ActivityTry.contact_id == contact_id, ActivityTry.activity_id.in_(activity_ids)))}


def record_try(digest: Digest, activity: Activity, contact, note: str) -> bool:
    """'We tried it' (once per contact per activity); False when already recorded."""
    if tried(contact.id, [activity.id]):
        return False
    try:
        with db.session.begin_nested():
            db.session.add(ActivityTry(setting_id=digest.setting_id, activity_id=activity.id, contact_id=contact.id,
                                       digest_id=digest.id, room_id=digest.room_id, note=note.strip()[:1000]))
        return True
    except IntegrityError:
        return False


def tries_by_room_and_area(setting_id: int) -> dict[tuple[str, str], int]:
    """Number of tries per (room name, area code)."""
    rows = db.session.execute(select(Room.name, Activity.areas).select_from(ActivityTry)
                              .join(Activity, Activity.id == ActivityTry.activity_id)
                              .outerjoin(Room, Room.id == ActivityTry.room_id)
                              .where(ActivityTry.setting_id == setting_id)).all()
    out: dict[tuple[str, str], int] = {}
    for room, areas in rows:
        for area in areas or []:
            key = (room or "-", area)
            out[key] = out.get(key, 0) + 1
    return out


def recent_notes(setting_id: int, default: str, limit: int = 50) -> list[tuple[str, str, str]]:
    """(activity title, room, note) of the latest tries that came with a note."""
    rows = db.session.execute(select(ActivityTry.activity_id, Room.name, ActivityTry.note)
                              .outerjoin(Room, Room.id == ActivityTry.room_id)
                              .where(ActivityTry.setting_id == setting_id, ActivityTry.note != "")
                              .order_by(ActivityTry.at.desc()).limit(limit)).all()
    titles = {v.activity_id: v.title for v in db.session.scalars(select(ActivityVersion).where(
        ActivityVersion.language == default, ActivityVersion.activity_id.in_({r[0] for r in rows})))}
    return [(titles.get(a, ""), room or "-", note) for a, room, note in rows]
