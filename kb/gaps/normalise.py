"""Ticket text and fields made plain: HTML to text, quoted replies and signatures
dropped, dates to aware UTC datetimes, languages to two-letter codes.

Pure functions over strings; the importers call them once per record.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from html.parser import HTMLParser

__all__ = [
    "clean_subject",
    "clean_text",
    "html_to_text",
    "language_code",
    "parse_datetime",
    "split_tags",
    "strip_quotes_and_signatures",
]

# Elements whose text is never message content.
_SKIP = frozenset({"script", "style", "head", "title", "template", "noscript"})
# Quoted replies in HTML mail: the whole element goes.
_QUOTE_CLASSES = ("gmail_quote", "yahoo_quoted", "moz-cite-prefix", "zd-quoted", "quote")
_BLOCK = frozenset(
    {
        "p", "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5",
        "h6", "pre", "hr", "section", "article", "header", "footer", "dd", "dt", "blockquote",
    }
)  # fmt: skip
_HTML_HINT = re.compile(
    r"</?(?:p|div|br|span|a|b|i|u|strong|em|ul|ol|li|table|tr|td|img|blockquote|html|body"
    r"|font|h[1-6]|pre|code)\b[^>]*>",
    re.IGNORECASE,
)
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]{2,8});")
# Terminal escape sequences (colours "ESC[31m", titles "ESC]0;...BEL") pasted from a
# console: whole, or "31mred" becomes a word. Other control characters become spaces.
# an OSC sequence (a terminal title) ends at BEL, ST or, unterminated, the line's end:
# a pasted fragment must not take the customer's question after it
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x9b[0-?]*[ -/]*[@-~]"
                      r"|\x1b\][^\x07\x1b\n]*(?:\x07|\x1b\\)?|\x1b[ -/]*[0-~]?")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x9f]")


def _printable(text: str) -> str:
    if "\x1b" in text or "\x9b" in text:
        text = _ESCAPES.sub("", text)
    return _CONTROL.sub(" ", text)


class _TextExtractor(HTMLParser):
    """Text of an HTML fragment, one line per block element; quoted parts skipped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0  # inside <script>, <blockquote>, a gmail_quote div...
        self._stack: list[tuple[str, bool]] = []  # open elements: (tag, starts a skip?)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.parts.append("\n")
        if tag in ("br", "hr", "img", "meta", "link", "input", "wbr"):
            return  # void elements never close
        classes = " ".join(v or "" for k, v in attrs if k == "class")
        skipped = (
            tag in _SKIP
            or tag == "blockquote"
            or any(name in classes.split() for name in _QUOTE_CLASSES)
            or (tag == "div" and any(k == "id" and v == "divRplyFwdMsg" for k, v in attrs))
        )
        self._stack.append((tag, skipped))
        if skipped:
            self._skip_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK:
            self.parts.append("\n")
        if not any(open_tag == tag for open_tag, _ in self._stack):
            return  # a stray end tag
        while self._stack:  # also closes elements left open inside this one
            open_tag, skipped = self._stack.pop()
            self._skip_depth -= skipped
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.parts.append(data)


def html_to_text(fragment: str) -> str:
    """The visible text of an HTML fragment, block elements on their own lines.

    Quoted replies marked up as such (`<blockquote>`, Gmail's `gmail_quote`, Outlook's
    `divRplyFwdMsg`) are dropped; entities are decoded. Malformed HTML never raises.
    """
    if not _NEEDS_PARSER.search(fragment):
        # Plain markup (paragraphs, line breaks, inline styles): tags out, blocks to lines.
        # Ten times faster than the parser, and the same text for such fragments.
        text = _TAG.sub(lambda m: "\n" if m.group(1).lower() in _BLOCK else "", fragment)
        return html.unescape(text).replace("\xa0", " ")
    parser = _TextExtractor()
    parser.feed(fragment)
    parser.close()
    return "".join(parser.parts).replace("\xa0", " ")


# Markup only the parser handles right: skipped elements, quotes, comments, CDATA, and
# attribute values holding ">" (which end a tag for the simple pattern).
_NEEDS_PARSER = re.compile(
    r"<(?:blockquote|script|style|head|title|template|noscript|!|\?)"
    r"|gmail_quote|yahoo_quoted|moz-cite-prefix|zd-quoted|divRplyFwdMsg|class=[\"']?quote"
    r"|<[^>]*[\"'][^\"']*>[^<]*[\"']",
    re.IGNORECASE,
)
_TAG = re.compile(r"</?([a-zA-Z][^\s/>]*)[^>]*>")  # a tag name ends as html.parser ends it


# A line from which everything below is an earlier message in the thread.
_QUOTE_HEADER = re.compile(
    r"^\s*(?:"
    r"-{2,}\s*(?:original message|forwarded message|исходное сообщение|пересылаемое сообщение"
    r"|ข้อความต้นฉบับ)\s*-{0,}"
    r"|_{10,}"
    r"|on\s.{4,200}\bwrote:"
    r"|.{0,200}(?:пишет|писал\(а\)|написал\(а\)|написала|написал|писала|писал):"
    r"|.{0,200}เขียนว่า:"
    r")\s*$",
    re.IGNORECASE,
)
# "On Mon, 14 Jul 2025 at 15:42, Ann <ann@example.com>" with "wrote:" on the next line.
_ON_START = re.compile(r"^\s*on\s.{4,200}$", re.IGNORECASE)
_WROTE = re.compile(r"^\s*.{0,80}wrote:\s*$", re.IGNORECASE)
_OUTLOOK_FROM = re.compile(r"^\s*(?:from|от|จาก):\s*\S", re.IGNORECASE)
_OUTLOOK_NEXT = re.compile(
    r"^\s*(?:sent|date|to|subject|отправлено|дата|кому|тема|ส่ง|ถึง|เรื่อง):", re.IGNORECASE
)
# A line that always starts a signature, wherever it is.
_SIGNATURE = re.compile(
    r"^\s*(?:--|—|-- )\s*$"
    r"|^\s*(?:sent from my\b.*|get outlook for\b.*|sent from (?:mail|outlook|yahoo)\b.*"
    r"|отправлено (?:с|из)\b.*|ส่งจาก.*ของฉัน)\s*$",
    re.IGNORECASE,
)
# A closing line: starts a signature when only a few short lines follow it.
_CLOSING = re.compile(
    r"^\s*(?:(?:best|kind|warm|many)?\s*regards|best|cheers|thanks(?: in advance)?"
    r"|thank you(?: in advance)?|many thanks|sincerely|yours(?: sincerely| truly)?"
    r"|с уважением|с наилучшими пожеланиями|спасибо(?: заранее)?|заранее спасибо|всего доброго"
    r"|ขอบคุณ(?:ครับ|ค่ะ|คะ|มาก(?:ครับ|ค่ะ)?)?|ด้วยความเคารพ|ขอแสดงความนับถือ)"
    r"\s*[,.!]*\s*$",
    re.IGNORECASE,
)
_CLOSING_TAIL = 6  # at most this many lines after a closing line are a signature
# A greeting on a line of its own at the top: "Hi team,", "Dear Sir or Madam,", "Hello
# Anna!", "Здравствуйте, коллеги!", "สวัสดีค่ะ", "เรียนฝ่ายบริการลูกค้า". After the greeting
# only whom it greets: "Hi, the export fails" or "Здравствуйте, не работает экспорт" is
# the message.
_ADDRESSEE = (
    r"(?:(?i:there|all|everyone|everybody|folks|guys|team|support|sir|madam|or|and|the"
    r"|коллеги|команда|поддержка|друзья|все|службы?|техподдержк[аи])|[A-Z][a-z]+|[А-ЯЁ][а-яё]+)"
)
_GREETING = re.compile(
    r"^\s*(?i:hi|hello|hey|dear|greetings|good (?:morning|afternoon|evening|day)"
    r"|здравствуй(?:те)?|привет|добр(?:ый|ое|ого) (?:день|утро|вечер)|уважаем(?:ый|ая|ые)"
    rf")(?:[\s,]+{_ADDRESSEE}){{0,4}}\s*[,.!:]*\s*$"
    r"|^\s*สวัสดี(?:ตอน\S{2,6})?(?:ค่ะ|ครับ|คะ|จ้ะ|จ้า)?(?:ทีมงาน|เจ้าหน้าที่|ทุกคน|ทุกท่าน)?"
    r"(?:ค่ะ|ครับ|คะ)?\s*$"
    r"|^\s*เรียน\s*(?:ฝ่าย|ทีม|เจ้าหน้าที่|คุณ|ผู้)\S{0,25}\s*$"
)


_SIGNATURE_STARTS = ("sent from", "get outlook", "отправлено", "ส่งจาก")


def _ends_message(lines: list[str], i: int) -> bool:
    """Whether line `i` starts a quoted earlier message or the signature.

    Cheap character tests go first: most lines end in none of the markers' shapes.
    """
    line = lines[i].strip()
    if not line:
        return False
    lowered = line[:12].lower()
    if (line.endswith(":") or line[0] in "-_—") and _QUOTE_HEADER.match(line):
        return True
    if (line[0] in "-—" or lowered.startswith(_SIGNATURE_STARTS)) and _SIGNATURE.match(line):
        return True
    if lowered.startswith("on ") and i + 1 < len(lines) and _ON_START.match(line):
        return bool(_WROTE.match(lines[i + 1]))
    if ":" in line[:8] and _OUTLOOK_FROM.match(line):
        return any(_OUTLOOK_NEXT.match(following) for following in lines[i + 1 : i + 4])
    return False


def strip_quotes_and_signatures(text: str) -> str:
    """`text` without quoted earlier messages, "> " lines, the sender's signature and a
    greeting line at the top."""
    lines = text.splitlines()
    kept: list[str] = []
    for i, line in enumerate(lines):
        if _ends_message(lines, i):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line)
    content = [i for i, line in enumerate(kept) if line.strip()]
    if len(content) > 1 and len(kept[content[0]]) <= 60 and _GREETING.match(kept[content[0]]):
        kept = kept[content[0] + 1 :]
        content = [i for i, line in enumerate(kept) if line.strip()]
    for position, i in enumerate(content[1:], 1):
        if len(content) - position - 1 > _CLOSING_TAIL:
            continue  # too much follows: a closing word inside the message, not a signature
        if len(kept[i]) < 60 and _CLOSING.match(kept[i]):
            kept = kept[:i]
            break
    return "\n".join(kept)


def clean_text(raw: object, is_html: bool | None = None) -> str:
    """Plain one-line text: HTML stripped (when it looks like HTML, or `is_html`),
    entities decoded, quoted replies and signatures dropped, whitespace collapsed."""
    if raw is None:
        return ""
    text = _printable(str(raw))
    if is_html or (is_html is None and "<" in text and _HTML_HINT.search(text)):
        text = html_to_text(text)
    elif "&" in text and _ENTITY.search(text):
        text = html.unescape(text)
    if "\n" in text or "\r" in text or ">" in text:
        text = strip_quotes_and_signatures(text.replace("\r\n", "\n").replace("\r", "\n"))
    elif text.lstrip().startswith(_SIGNATURE_STARTS) and _SIGNATURE.match(text):
        return ""
    return " ".join(text.split())


# What mail puts before a subject: reply and forward markers, as many as the thread went
# round ("Re: Fwd: RE[2]:", Outlook's "AW:", "WG:", "SV:", "Ответ:", "ตอบกลับ:"), and a mail
# gateway's tag ("[EXTERNAL]"). "re" and "fwd" were the commonest words of a thread's
# subjects, and words no article holds.
# (The subject's whitespace is collapsed first: each part eats only what follows it.)
_MAIL_PREFIX = re.compile(
    r"^(?:(?:(?i:re|fwd?|aw|wg|sv|antw|tr|ответ|отв|пересл\w*)(?:\s?[\[(]\d+[\])])?"
    r"|ตอบกลับ|ส่งต่อ) ?:(?: |$)|\[(?i:external|ext|spam|suspected spam)\] ?:? ?)+"
)


def clean_subject(raw: object) -> str:
    """A subject line: entities decoded, control characters out, whitespace collapsed,
    reply and forward markers gone."""
    if raw is None:
        return ""
    text = _printable(str(raw))
    if "&" in text and _ENTITY.search(text):
        text = html.unescape(text)
    return _MAIL_PREFIX.sub("", " ".join(text.split()))


def first_words(text: str, limit: int = 80) -> str:
    """A subject made from a body: its first `limit` characters, cut at a word."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return (cut or text[:limit]) + "…"


_MONTH_NAMES = (
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
    # Jira writes month abbreviations in the exporting user's language.
    ("янв", "фев", "мар", "апр", "мая", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"),
)
_MONTHS = {name: i for names in _MONTH_NAMES for i, name in enumerate(names, 1)} | {"май": 5}
# Jira's CSV dates: 14/Jul/25 3:42 PM (also with a four-digit year, or 24-hour time).
_JIRA_DATE = re.compile(
    r"^(\d{1,2})/([^\W\d_]{3})\.?/(\d{2}|\d{4})"
    r"(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$"
)
_OFFSET_NO_COLON = re.compile(r"([+-]\d{2})(\d{2})$")


def parse_datetime(value: object, fmt: str | None = None) -> dt.datetime | None:
    """An aware UTC datetime from an export's date, or None when it is empty.

    Accepts ISO 8601 (`Z`, `+13:00`, `+1300`, a space instead of `T`, a bare date),
    Jira's `14/Jul/25 3:42 PM`, Unix epoch seconds, and `fmt` (strptime) when given.
    Dates without a timezone are taken as UTC. Raises ValueError saying what it expected.
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a date")
    if isinstance(value, int | float):
        return dt.datetime.fromtimestamp(value, dt.UTC)
    text = str(value).strip()
    if not text:
        return None
    parsed: dt.datetime | None = None
    if fmt:
        try:
            parsed = dt.datetime.strptime(text, fmt)
        except ValueError:
            raise ValueError(f"{text!r} does not match the date format {fmt!r}") from None
    elif match := _JIRA_DATE.match(text):
        parsed = _jira_date(match)
    elif text.isdigit() and len(text) >= 9:
        return dt.datetime.fromtimestamp(int(text), dt.UTC)
    else:
        iso = text.replace(" UTC", "Z").replace(" +", "+").replace(" -", "-")
        iso = _OFFSET_NO_COLON.sub(r"\1:\2", iso) if "T" in iso or " " in iso else iso
        try:
            parsed = dt.datetime.fromisoformat(iso)
        except ValueError:
            raise ValueError(
                f"{text!r} is not a date kb reads (ISO 8601 such as 2025-07-14T15:42:00Z, "
                "or Jira's 14/Jul/25 3:42 PM)"
            ) from None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def _jira_date(match: re.Match[str]) -> dt.datetime:
    day, mon, year, hour, minute, second, ampm = match.groups()
    month = _MONTHS.get(mon.lower())
    if month is None:
        raise ValueError(f"{match.group(0)!r}: {mon!r} is not a month abbreviation (Jul, июл)")
    h = int(hour or 0)
    if ampm:
        if not 1 <= h <= 12:
            raise ValueError(f"{match.group(0)!r}: hour {h} with AM/PM")
        h = h % 12 + (12 if ampm.lower() == "pm" else 0)
    y = int(year) + (2000 if len(year) == 2 else 0)
    return dt.datetime(y, month, int(day), h, int(minute or 0), int(second or 0))


_LANGUAGE_NAMES = {
    "english": "en", "russian": "ru", "русский": "ru", "thai": "th", "ไทย": "th",
    "ภาษาไทย": "th", "german": "de", "deutsch": "de", "french": "fr", "français": "fr",
    "spanish": "es", "español": "es", "portuguese": "pt", "italian": "it", "dutch": "nl",
    "japanese": "ja", "chinese": "zh", "korean": "ko", "ukrainian": "uk", "polish": "pl",
    "eng": "en", "rus": "ru", "tha": "th", "deu": "de", "ger": "de", "fra": "fr", "fre": "fr",
    "spa": "es", "por": "pt", "ita": "it", "nld": "nl", "jpn": "ja", "zho": "zh", "chi": "zh",
}  # fmt: skip
_LOCALE = re.compile(r"^([A-Za-z]{2})(?:[-_][A-Za-z0-9]+)*$")


def language_code(value: object) -> str | None:
    """Two-letter language code from a locale (`en-US`, `pt_BR`), an ISO 639-2 code or an
    English/native name (`Russian`, `ไทย`); None when empty or unknown."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if match := _LOCALE.match(text):
        return match.group(1).lower()
    return _LANGUAGE_NAMES.get(text.casefold())


def split_tags(value: object, separator: str = ",") -> tuple[str, ...]:
    """Tags from a list, or from a string split on `separator`; blanks dropped, order kept,
    duplicates removed."""
    if value is None:
        return ()
    if isinstance(value, str):
        items: list[object] = value.split(separator) if separator else [value]
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        items = [value]
    tags: dict[str, None] = {}
    for item in items:
        if isinstance(item, dict):  # Help Scout 2.0: {"id", "tag", "color"}
            item = item.get("tag") or item.get("name")
        text = str(item).strip() if item is not None else ""
        if text:
            tags[text] = None
    return tuple(tags)
