"""SMS segment counting: GSM-7 and UCS-2, single and multi-part boundaries."""
import math

from hypothesis import given
from hypothesis import strategies as st

from app.messaging.segments import GSM7_BASIC, GSM7_EXTENSION, count_segments, estimated_cost


def test_plain_english_is_gsm7_one_segment():
    s = count_segments("Nursery closes at 3pm on Friday. Thank you!")
    assert (s.encoding, s.segments, s.units) == ("GSM-7", 1, 43)


def test_gsm7_basic_set_accents_stay_gsm7():
    s = count_segments("Café? No: É, ñ, ü, à, £5 @ Ø")
    assert s.encoding == "GSM-7"
    assert s.units == len("Café? No: É, ñ, ü, à, £5 @ Ø")


def test_extension_characters_count_two():
    s = count_segments("€5 [a] {b} ~ | \\ ^")
    assert s.encoding == "GSM-7"
    # 8 extension chars (€ [ ] { } ~ | \ ^ = 9) — count them explicitly
    ext = sum(ch in GSM7_EXTENSION for ch in "€5 [a] {b} ~ | \\ ^")
    assert ext == 9
    assert s.units == len("€5 [a] {b} ~ | \\ ^") + ext


def test_gsm7_single_segment_boundary_160():
    assert count_segments("a" * 160) == count_segments("a" * 160)
    assert count_segments("a" * 160).segments == 1
    s = count_segments("a" * 161)
    assert (s.segments, s.units) == (2, 161)


def test_gsm7_multi_segment_boundary_153():
    assert count_segments("a" * 306).segments == 2
    assert count_segments("a" * 307).segments == 3


def test_extension_character_counts_two_at_the_160_boundary():
    assert count_segments("a" * 158 + "€").segments == 1  # 160 septets
    assert count_segments("a" * 159 + "€").segments == 2  # 161 septets


def test_escape_pair_is_not_split_across_segments():
    # 152 septets then a two-septet character: it cannot straddle, so it opens segment 2.
    text = "a" * 152 + "€" + "a" * 152
    s = count_segments(text)
    assert s.units == 306
    assert s.segments == 3


def test_non_gsm_character_switches_to_ucs2():
    s = count_segments("Dziękujemy")  # ę is not in GSM-7
    assert (s.encoding, s.segments, s.units) == ("UCS-2", 1, 10)


def test_ucs2_boundaries_70_and_67():
    assert count_segments("ę" * 70).segments == 1
    assert count_segments("ę" * 71).segments == 2
    assert count_segments("ę" * 134).segments == 2
    assert count_segments("ę" * 135).segments == 3


def test_astral_characters_count_two_units():
    s = count_segments("Well done 🎉")
    assert s.encoding == "UCS-2"
    assert s.units == len("Well done ") + 2
    assert count_segments("🎉" * 35).segments == 1  # 70 units
    assert count_segments("🎉" * 36).segments == 2  # 72 units


def test_surrogate_pair_is_not_split():
    text = "a" * 66 + "🎉" + "a" * 66 + "ę"
    s = count_segments(text)
    assert s.units == 135
    assert s.segments == 3  # 66 | 🎉+65 | 1+ę …


def test_arabic_and_bengali_are_ucs2():
    assert count_segments("مرحبا").encoding == "UCS-2"
    assert count_segments("স্বাগতম").encoding == "UCS-2"


def test_empty_text_needs_no_segment():
    assert count_segments("").segments == 0


def test_estimated_cost():
    assert estimated_cost("a" * 161, 0.04) == 0.08


basic = st.sampled_from(sorted(GSM7_BASIC))
ext = st.sampled_from(sorted(GSM7_EXTENSION))


@given(st.text(alphabet=basic, min_size=1, max_size=1000))
def test_basic_gsm7_matches_the_formula(text):
    s = count_segments(text)
    assert s.encoding == "GSM-7"
    assert s.units == len(text)
    assert s.segments == (1 if len(text) <= 160 else math.ceil(len(text) / 153))


@given(st.text(alphabet=st.one_of(basic, ext), min_size=1, max_size=600))
def test_gsm7_units_count_extension_twice_and_segments_fit(text):
    s = count_segments(text)
    assert s.units == len(text) + sum(ch in GSM7_EXTENSION for ch in text)
    capacity = 160 if s.segments == 1 else 153 * s.segments
    assert s.units <= capacity
    assert s.segments >= (1 if s.units <= 160 else math.ceil(s.units / 153))


@given(st.text(min_size=1, max_size=400))
def test_any_text_is_counted_consistently(text):
    s = count_segments(text)
    if s.encoding == "UCS-2":
        assert s.units == len(text.encode("utf-16-le")) // 2
        capacity = 70 if s.segments == 1 else 67 * s.segments
        assert s.units <= capacity
    assert count_segments(text + "x").segments >= s.segments
