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
