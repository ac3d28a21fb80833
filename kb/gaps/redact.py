"""Personal data out of ticket excerpts, and requesters counted without being kept.

`redact` replaces emails, card numbers (Luhn-checked), IP addresses and phone numbers
with `[email]`, `[card]`, `[ip]` and `[phone]`. It errs on the side of the reader:
dates, versions, order ids and amounts stay; a run of digits without separators is a
phone number in the common mobile shapes, or where a word before it says so ("call me
at 4155550132", "tel:", "телефон", "โทร"). `requester_key` is a salted hash so
distinct requesters can be counted and never shown.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re

__all__ = ["luhn_valid", "redact", "requester_key", "without_addresses", "without_personal",
           "without_phones"]

# The local part is at most 64 characters (RFC 5321), which also keeps a long run of
# word characters and apostrophes (where a match may start) from costing quadratic time;
# "git@host:repo" is a remote, not an address.
_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+'-]{1,64}@(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[^\W\d_]{2,}"
    r"(?![\w-]|:\w)"
)
# 13-19 digits, optionally grouped by single spaces or dashes.
_CARD = re.compile(r"(?<![\w.,/-])\d(?:[ -]?\d){12,18}(?![\w/-]|[.,]\d)")
_IPV4 = re.compile(  # octets may be zero-padded: 192.168.001.010
    r"(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|[01]?\d?\d)\.){3}"
    r"(?:25[0-5]|2[0-4]\d|[01]?\d?\d)(?::\d{1,5})?(?![\w]|\.\d)"
)
_IPV6 = re.compile(
    r"(?<![\w:.])\[?(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f.]{0,15}(?:%\w+)?\]?(?![\w:])"
)
# A phone: "+" and digits, or local digits in groups; checked further in `_phone`.
_PHONE = re.compile(
    r"(?<![\w+#№/.:-])(?:\+|\b00)?\(?\d[\d \t().-]{5,20}\d(?:\s?(?:ext\.?|x|доб\.?)\s?\d{1,5})?"
    r"(?![\w/]|[.,:-]\d)"
)
_TEL_URI = re.compile(r"\btel:\+?\d[\d().-]{4,20}\d", re.IGNORECASE)
# Words that say the digits after them are a phone number ("call me at 4155550132").
_PHONE_WORD = re.compile(
    r"(?i)(?:\b(?:phone|telephone|tel|call|mobile|cell|whatsapp|sms|text me|ph|"
    r"contact number)\b|телефон\w*|\bтел\b|звон\w*|мобильн\w*|โทร|เบอร์|มือถือ)"
    # then at most three small words: "call me at", "phone number is", "для связи"
    r"\W*(?:(?:me|us|at|on|to|is|no|nr|num|number|for|back|на|по|мне|нам|для|связи|номер|"
    r"คือ|ที่)\W+){0,3}$"
)
_DATE = re.compile(
    r"^\s*(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})"
    r"(?:[ T]\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)?\s*$"
)
_SEPARATED = re.compile(r"[ \t().-]+")


def luhn_valid(digits: str) -> bool:
    """Whether a string of digits passes the Luhn check card numbers carry."""
    total = 0
    for i, char in enumerate(reversed(digits)):
        n = ord(char) - 48
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def _card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    if 13 <= len(digits) <= 19 and luhn_valid(digits) and len(set(digits)) > 1:
        return "[card]"
    return match.group(0)


def _ipv6(match: re.Match[str]) -> str:
    found = match.group(0)
    text = found.rstrip(".")  # a full stop ending the sentence
    try:
        ipaddress.IPv6Address(text.strip("[]").split("%", 1)[0])
    except ValueError:
        return found
    return "[ip]" + found[len(text) :]


def _phone(match: re.Match[str]) -> str:
    text = match.group(0)
    core = re.split(r"\s?(?:ext\.?|x|доб\.?)\s?\d", text)[0]
    digits = re.sub(r"\D", "", core)
    if text.count("(") != text.count(")") or _DATE.match(core):
        return text
    if core.startswith(("+", "00")):
        return "[phone]" if 8 <= len(digits) <= 15 else text
    groups = [g for g in _SEPARATED.split(core.strip()) if g]
    if re.fullmatch(r"\d{3}\.\d{3}\.\d{4}", core):  # 415.555.0132, the US dotted shape
        return "[phone]"
    if "." in core and "(" not in core and len(groups) > 2 and core.count(".") >= 2:
        # 10.2.3.4567 is a version, 12.07.2025 a date; a phone uses spaces or dashes.
        return text
    if len(groups) == 1:
        # Unseparated: the common mobile shapes (0812345678, 89161234567), or any 7-15
        # digits a word calls a phone ("call me at 4155550132"); else an id.
        if (digits.startswith("0") and 9 <= len(digits) <= 11) or re.fullmatch(r"89\d{9}", digits):
            return "[phone]"
        before = match.string[max(0, match.start() - 40):match.start()]
        if 7 <= len(digits) <= 15 and _PHONE_WORD.search(before):
            return "[phone]"
        return text
    if any(len(g) > 5 for g in groups[1:]):
        return text
    if 9 <= len(digits) <= 15 or re.fullmatch(r"\(?\d{3}\)?[ -]\d{3}-\d{4}|\d{3}-\d{4}", core):
        return "[phone]"
    return text


def redact(text: str) -> str:
    """`text` with emails, card numbers, IP addresses and phone numbers replaced."""
    if not text:
        return text
    text = _EMAIL.sub("[email]", text)
    if ":" not in text and not any(char.isdigit() for char in text):
        return text
    text = _CARD.sub(_card, text)
    if ":" in text:  # before IPv4: "::ffff:192.0.2.1" is one address
        text = _IPV6.sub(_ipv6, text)
    text = _IPV4.sub("[ip]", text)
    text = _TEL_URI.sub("[phone]", text)
    return _PHONE.sub(_phone, text)


_PLACEHOLDER = re.compile(r"\[(?:email|card|ip|phone)\]")


def without_personal(text: str) -> str:
    """`text` with the same personal data blanked, for a label made of customers' words
    ("[email]" would read as the word "email")."""
    return _PLACEHOLDER.sub(" ", redact(text)) if text else text


def without_addresses(text: str) -> str:
    """`text` with email addresses blanked, for the search and the linker: an address
    says nothing about which article answers, and its two unknown words would weigh in
    the question. Only addresses: a dotted quad may be a version, "401 403" error codes,
    and those can be what an article is about."""
    return _EMAIL.sub(" ", text) if "@" in text else text


def without_phones(text: str) -> str:
    """`text` with phone numbers blanked, for the search: a customer's own number says
    nothing about which article answers."""
    if not any(char.isdigit() for char in text):
        return text
    text = _TEL_URI.sub(" ", text)
    return _PHONE.sub(lambda match: " " if _phone(match) == "[phone]" else match.group(0),
                      text)


def requester_key(raw: str, salt: bytes) -> str:
    """A salted hash of a requester's identity (email, user id), equal for equal
    identities however they are cased or padded; the identity cannot be read back."""
    identity = raw.strip().casefold().encode("utf-8")
    return hmac.new(salt, identity, hashlib.sha256).hexdigest()[:20]
