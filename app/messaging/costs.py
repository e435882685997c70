"""What an SMS costs per language, for compose screens (segments, estimated cost, over-3-segment warning)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from app.messaging.segments import Segments, count_segments

WARN_ABOVE_SEGMENTS = 3


@dataclass(frozen=True)
class LanguageCost:
    """One language's SMS text: its segments, the cost per parent, and the cost for its recipients."""

    language: str
    segments: Segments
    per_parent: float
    recipients: int
    total: float

    @property
    def too_long(self) -> bool:
        """More than 3 segments per parent: the compose screen warns."""
        return self.segments.segments > WARN_ABOVE_SEGMENTS


def sms_costs(texts: dict[str, str], recipients: dict[str, int] | None = None,
              price_per_segment: float | None = None) -> list[LanguageCost]:
    """Segments and estimated cost of each language's text ({lang: text}); recipients per language optional."""
    price = current_app.config["SMS_PRICE_PER_SEGMENT"] if price_per_segment is None else price_per_segment
    recipients = recipients or {}
    out = []
    for language, text in sorted(texts.items()):
        segments = count_segments(text or "")
        per_parent = round(segments.segments * price, 4)
        n = recipients.get(language, 0)
        out.append(LanguageCost(language, segments, per_parent, n, round(per_parent * n, 2)))
    return out


SAMPLE_NAMES = "Amira, Jan"  # what CHILDREN_MARK is estimated as: two first names


def as_sent(text: str) -> str:
    """An SMS text with its marks replaced by what a parent gets: a personal link of the real length
    (FAMILY_MARK, PERSONAL_LINK) and two children's first names (CHILDREN_MARK)."""
    from app.messaging.render import CHILDREN_MARK, FAMILY_MARK, PERSONAL_LINK
    from app.parents.links import RANDOM_BYTES, SIGNATURE_BYTES, link_url

    token = "x" * (-(-RANDOM_BYTES * 4 // 3)) + "." + "x" * (-(-SIGNATURE_BYTES * 4 // 3))
    link = link_url(token)
    return text.replace(PERSONAL_LINK, link).replace(FAMILY_MARK, link).replace(CHILDREN_MARK, SAMPLE_NAMES)


def compose_costs(texts: dict[str, str], needs: dict[str, int], default: str,
                  sent: set[str] | None = None) -> list[LanguageCost]:
    """Costs of each written language's SMS on a compose screen ({lang: text with marks}).

    `needs` counts recipients by preferred language; those whose language will not be sent (not in
    `sent`, by default the written languages) are counted under the default language."""
    sent = set(texts) if sent is None else sent
    recipients: dict[str, int] = {}
    for language, n in needs.items():
        target = language if language in sent else default
        recipients[target] = recipients.get(target, 0) + n
    return sms_costs({lang: as_sent(text) for lang, text in texts.items() if text.strip()}, recipients)
