"""Personal data out of excerpts: table tests for what must go and what must stay, and
property tests over generated text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.gaps.redact import luhn_valid, redact, requester_key, without_phones


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("write to ann.lee+kb@example.co.uk now", "write to [email] now"),
        ("почта иван@пример.рф", "почта [email]"),
        ("card 4111 1111 1111 1111.", "card [card]."),
        ("card 5555-5555-5555-4444", "card [card]"),
        ("amex 3782 822463 10005", "amex [card]"),
        ("no card 4111-1111-1111-1112", "no card 4111-1111-1111-1112"),  # fails Luhn
        ("call +1 (555) 123-4567", "call [phone]"),
        ("+44 20 7946 0958", "[phone]"),
        ("8 (495) 123-45-67 or 8 916 123-45-67", "[phone] or [phone]"),
        ("+7 (495) 123-45-67 доб. 123", "[phone]"),
        ("89161234567", "[phone]"),
        ("Thai 02-123-4567 / 081-234-5678 / 0812345678", "Thai [phone] / [phone] / [phone]"),
        ("US (555) 123-4567 and 555-123-4567", "US [phone] and [phone]"),
        ("call me at 4155550132 or 415.555.0132", "call me at [phone] or [phone]"),
        ("phone: 4155550132, tel:+14155550132", "phone: [phone], [phone]"),
        ("мой телефон 9161234567", "мой телефон [phone]"),
        ("My phone number is 4155550132. Contact number 4155550199",
         "My phone number is [phone]. Contact number [phone]"),
        ("телефон для связи 9161234567, звоните на 9161234568",
         "телефон для связи [phone], звоните на [phone]"),
        ("โทร 812345678 ได้เลย", "โทร [phone] ได้เลย"),
        ("ip 192.168.1.10 and 10.0.0.1:8080", "ip [ip] and [ip]"),
        ("v6 2001:db8::7:1 and fe80::1%eth0", "v6 [ip] and [ip]"),
        ("from 2001:db8::7:1. Then ::ffff:192.0.2.1.", "from [ip]. Then [ip]."),
        ("IP: 8.8.8.8.", "IP: [ip]."),
        ("ip 192.168.001.010", "ip [ip]"),
    ],
)
def test_personal_data_goes(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "on 2025-07-14 at 15:42, or 14.07.2025, or 14/07/2025",
        "version 1.2.3, v10.15.7, build 20250714, 2.34.0.1234",
        "order #123456789, ORD-2025-000123, ticket 12345, INV-2025-0042",
        "order 4155550132 was charged, call log 1234567",  # no phone word before the digits
        "Order ID 12345678, call ID 87654321",
        "amount 1 000 000 RUB, 12 500,00 ₽, years 2024-2025",
        "time 15:42:00, ratio 16:9, see section 3.2.1",
        "id 1234567890123456",  # 16 digits, not Luhn-valid: an id, not a card
        "ขอบคุณครับ ราคา 1,500 บาท วันที่ 14/07/2568",
        "Счёт № 2025/0714 от 14.07.2025 на 12 000 руб.",
    ],
)
def test_ordinary_numbers_stay(text):
    assert redact(text) == text


def test_luhn():
    assert luhn_valid("4111111111111111") and luhn_valid("378282246310005")
    assert not luhn_valid("4111111111111112")


def test_requester_key_is_salted_and_normalised():
    salt = b"s" * 16
    key = requester_key("Ann@Example.com ", salt)
    assert key == requester_key("ann@example.com", salt)
    assert key != requester_key("ann@example.com", b"t" * 16)
    assert key != requester_key("bob@example.com", salt)
    assert "ann" not in key and re.fullmatch(r"[0-9a-f]{20}", key)


WORDS = st.text(
    alphabet=st.characters(whitelist_categories=("L", "Zs"), whitelist_characters=".,!?-"),
    max_size=40,
)
EMAILS = st.from_regex(
    r"[a-z][a-z0-9._]{0,10}[a-z0-9]@[a-z]{2,8}\.(com|org|ru|co\.th)", fullmatch=True
)
_D = st.integers(0, 9).map(str)
PHONES = st.one_of(
    st.sampled_from(
        [
            "+1 555 010 4477",
            "+7 (495) 123-45-67",
            "081-234-5678",
            "+66 81 234 5678",
            "(555) 014-2290",
        ]
    ),
    # +CC (AAA) BBB-CC-DD, +CC AA BBB BBBB, 0AA-BBB-CCCC with random digits
    st.builds(
        lambda cc, groups, sep: f"+{cc} " + sep.join(groups),
        st.integers(1, 99),
        st.lists(st.text(alphabet="0123456789", min_size=3, max_size=4), min_size=3, max_size=3),
        st.sampled_from([" ", "-"]),
    ),
    st.builds(
        lambda a, b, c: f"0{a}-{b}-{c}",
        st.text(alphabet="0123456789", min_size=2, max_size=2),
        st.text(alphabet="0123456789", min_size=3, max_size=3),
        st.text(alphabet="0123456789", min_size=4, max_size=4),
    ),
)
CARDS = st.sampled_from(["4111 1111 1111 1111", "5555555555554444", "4242-4242-4242-4242"])
IPS = st.one_of(
    st.tuples(*[st.integers(1, 254)] * 4).map(lambda t: ".".join(map(str, t))),
    st.ip_addresses(v=6).filter(lambda a: not (a.is_unspecified or a.is_loopback)).map(str),
)
SECRETS = st.one_of(EMAILS, PHONES, CARDS, IPS)


@settings(max_examples=300, deadline=None)
@given(before=WORDS, secret=SECRETS, after=WORDS)
def test_planted_personal_data_never_survives(before, secret, after):
    text = f"{before} {secret} {after}"
    out = redact(text)
    assert secret not in out
    digits = re.sub(r"\D", "", secret)
    assert digits not in re.sub(r"\D", "", out) or len(digits) < 4


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_redact_is_idempotent_and_total(text):
    once = redact(text)
    assert redact(once) == once


@settings(max_examples=200, deadline=None)
@given(WORDS)
def test_text_without_digits_or_at_is_unchanged(text):
    assert redact(text) == text


def test_a_git_remote_is_no_address_and_addresses_go_for_analysis():
    from kb.gaps.redact import without_addresses

    assert redact("push to git@github.com:acme/app.git failed") == (
        "push to git@github.com:acme/app.git failed")
    assert without_addresses("reset for jane.doe@example.com, 10.2.3.4") == "reset for  , 10.2.3.4"


def test_without_phones_blanks_only_phone_numbers():
    """For the search: a customer's phone goes; an address, a version, a date, a port and
    an error code are what a question may be about."""
    assert without_phones("call me at +1 415 555 0100 about a refund").split() == \
        ["call", "me", "at", "about", "a", "refund"]
    assert "123-45-67" not in without_phones("мой телефон 8 (916) 123-45-67")
    for kept in ["pihole on 192.168.1.10", "broke in 10.2.3.4567", "since 12.07.2025",
                 "port 8080", "error 0x80070005", "error 50105"]:
        assert without_phones(kept) == kept
