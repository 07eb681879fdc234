"""Units: exact parsing of parameter counts, context lengths, memory sizes and latencies."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from metagen.spec.errors import InvalidValue
from metagen.spec.units import (
    Latency,
    format_param_count,
    parse_byte_size,
    parse_context_length,
    parse_duration_ms,
    parse_latency,
    parse_param_count,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("86M", 86_000_000),
        ("8B", 8_000_000_000),
        ("1.5T", 1_500_000_000_000),
        ("1e9", 1_000_000_000),
        (86000000, 86_000_000),
        ("8 billion", 8_000_000_000),
        ("125k", 125_000),
        ("125K", 125_000),
        ("0.5B", 500_000_000),
        ("2 thousand", 2_000),
        ("3 million", 3_000_000),
        ("1 trillion", 10**12),
        ("7b", 7_000_000_000),
        ("125m", 125_000_000),  # lower-case m is million, as in "opt-125m"
        ("8G", 8_000_000_000),
        ("86_000_000", 86_000_000),
        ("1.5e+9", 1_500_000_000),
        (1.5e9, 1_500_000_000),
        (1e23, 10**23),  # read from the float's shortest repr, not its binary value
        ("  86M  ", 86_000_000),
        ("1.234567891B", 1_234_567_891),
        ("+5M", 5_000_000),
    ],
)
def test_param_count_parses_exactly(text, expected):
    result = parse_param_count(text)
    assert result == expected
    assert type(result) is int


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("1.5", "whole number"),
        ("-5M", "positive"),
        (0, "positive"),
        ("0M", "positive"),
        (True, "must be a number"),
        (False, "must be a number"),
        ("86Q", "unknown unit 'q'"),
        ("", "cannot read"),
        ("M", "cannot read"),
        ("lots", "cannot read"),
        ("8 billions of params", "cannot read"),
        ("1.5 thousand 2", "cannot read"),
        ("1.0000001k", "whole number"),
        (float("nan"), "finite"),
        (float("inf"), "out of range"),  # YAML reads 1.0e+400 as inf
        ([86], "must be a number"),
        (None, "must be a number"),
        ("1e400", "out of range"),
        ("1e999", "out of range"),
        ("1e99999999999", "out of range"),  # refused before any arithmetic could hang
        ("1e-400", "out of range"),
        ("1e299T", "out of range"),  # in range as written, not once the unit is applied
        (1e305, "out of range"),
        (10**301, "out of range"),
        ("٣M", "non-ASCII digit '٣'"),  # Arabic-Indic three
        ("８M", "non-ASCII digit '８'"),  # fullwidth eight
        ("8²M", "non-ASCII digit"),  # superscript two
        ("9" * 101, "over 100 characters"),
    ],
)
def test_param_count_errors_say_what_is_accepted(text, problem):
    with pytest.raises(InvalidValue) as info:
        parse_param_count(text)
    assert problem in info.value.summary
    assert '"86M"' in info.value.hint and '"8 billion"' in info.value.hint


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("256k", 262_144),
        ("32k", 32_768),
        ("32K", 32_768),
        ("1M", 1_048_576),
        ("1m", 1_048_576),
        (4096, 4096),
        ("4096", 4096),
        ("1.5k", 1536),
    ],
)
def test_context_length_is_binary(text, expected):
    assert parse_context_length(text) == expected


@pytest.mark.parametrize(
    ("text", "problem"), [("1B", "unknown unit"), ("0.1k", "whole"), (-1, "positive")]
)
def test_context_length_errors(text, problem):
    with pytest.raises(InvalidValue) as info:
        parse_context_length(text)
    assert problem in info.value.summary
    assert '"32k" (= 32768)' in info.value.hint


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12GB", 12_000_000_000),
        ("512MiB", 536_870_912),
        ("1KB", 1_000),
        ("1kB", 1_000),
        ("3MB", 3_000_000),
        ("2TB", 2 * 10**12),
        ("1KiB", 1024),
        ("16GiB", 16 * 2**30),
        ("1TiB", 2**40),
        ("12 GB", 12_000_000_000),
        ("1.5GB", 1_500_000_000),
        ("0.5KiB", 512),
        (1024, 1024),
        ("100B", 100),
        ("100", 100),
    ],
)
def test_byte_size_si_and_binary(text, expected):
    assert parse_byte_size(text) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("12G", "ambiguous"),
        ("512m", "ambiguous"),
        ("1.3B", "whole"),
        ("12PB", "unknown unit"),
        ("-1GB", "positive"),
        (True, "must be a number"),
        ("a lot", "cannot read"),
    ],
)
def test_byte_size_errors(text, problem):
    with pytest.raises(InvalidValue) as info:
        parse_byte_size(text)
    assert problem in info.value.summary
    assert '"12GB"' in info.value.hint and '"512MiB"' in info.value.hint


@pytest.mark.parametrize(
    ("text", "label", "ms"),
    [
        ("real-time", "real-time", None),
        ("interactive", "interactive", None),
        ("batch", "batch", None),
        ("offline", "offline", None),
        ("20ms", None, 20.0),
        ("1.5s", None, 1500.0),
        ("500us", None, 0.5),
        ("0.25 ms", None, 0.25),
    ],
)
def test_latency_keeps_label_and_milliseconds(text, label, ms):
    latency = parse_latency(text)
    assert latency == Latency(text=text, label=label, ms=ms)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("fast", "unknown latency"),
        (20, "no unit"),
        ("20", "no unit"),
        ("20 parsecs", "unknown time unit"),
        ("0ms", "positive"),
        (True, "no unit"),
        (["20ms"], "label or a duration"),
    ],
)
def test_latency_errors(value, problem):
    with pytest.raises(InvalidValue) as info:
        parse_latency(value)
    assert problem in info.value.summary
    assert "real-time" in info.value.hint and '"20ms"' in info.value.hint


def test_duration_units():
    assert parse_duration_ms("2s") == 2000.0
    assert parse_duration_ms("250µs") == 0.25


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (86_000_000, "86M"),
        (8_000_000_000, "8B"),
        (1_500_000_000_000, "1.5T"),
        (125_000, "125k"),
        (999, "999"),
        (100_000_000, "100M"),
        (86_123_457, "86.123457M"),
    ],
)
def test_format_param_count(count, text):
    assert format_param_count(count) == text


@given(st.integers(min_value=1, max_value=10**18))
def test_param_count_round_trips_through_format(count):
    assert parse_param_count(format_param_count(count)) == count
    assert parse_param_count(str(count)) == count


@given(
    st.decimals(min_value=Decimal("0.001"), max_value=Decimal(10**6), places=3),
    st.sampled_from([("k", 10**3), ("M", 10**6), ("B", 10**9), ("T", 10**12)]),
)
def test_decimal_with_suffix_is_exact(number, unit):
    suffix, scale = unit
    assert parse_param_count(f"{number}{suffix}") == int(number * scale)


@given(st.integers(min_value=1, max_value=2**20), st.sampled_from(["KiB", "MiB", "GiB"]))
def test_binary_memory_sizes_are_exact(number, suffix):
    scale = {"KiB": 2**10, "MiB": 2**20, "GiB": 2**30}[suffix]
    assert parse_byte_size(f"{number}{suffix}") == number * scale
