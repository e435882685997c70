"""SMS segment counting: GSM-7 (160/153 septets) or UCS-2 (70/67 code units).

A character of GSM 03.38's extension table costs two septets (escape + character); a character
outside the Basic Multilingual Plane costs two UCS-2 code units (a surrogate pair). Multi-part
messages never split an escape pair or a surrogate pair across segments, as handsets and carriers do.
"""
from __future__ import annotations

from dataclasses import dataclass

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

LIMITS = {"GSM-7": (160, 153), "UCS-2": (70, 67)}


@dataclass(frozen=True)
class Segments:
    """How a text travels as SMS: encoding, number of segments, and units (septets or code units)."""

    encoding: str
    segments: int
    units: int

    @property
    def per_segment(self) -> int:
        """Units that fit in one segment of a multi-part message (153 or 67), or of a single one."""
        single, multi = LIMITS[self.encoding]
        return single if self.segments <= 1 else multi


def is_gsm7(text: str) -> bool:
    """True when every character is in GSM 03.38's basic set or its extension table."""
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def _costs(text: str, encoding: str) -> list[int]:
    if encoding == "GSM-7":
        return [2 if ch in GSM7_EXTENSION else 1 for ch in text]
    return [2 if ord(ch) > 0xFFFF else 1 for ch in text]


def count_segments(text: str) -> Segments:
    """Count the SMS segments and units `text` needs (an empty text needs no segment)."""
    encoding = "GSM-7" if is_gsm7(text) else "UCS-2"
    costs = _costs(text, encoding)
    units = sum(costs)
    single, multi = LIMITS[encoding]
    if units == 0:
        return Segments(encoding, 0, 0)
    if units <= single:
        return Segments(encoding, 1, units)
    segments, used = 1, 0
    for cost in costs:
        if used + cost > multi:
            segments += 1
            used = 0
        used += cost
    return Segments(encoding, segments, units)


def estimated_cost(text: str, price_per_segment: float) -> float:
    """Price of sending `text` to one recipient (segments × price per segment)."""
    return round(count_segments(text).segments * price_per_segment, 4)
