"""What a customer adds to a question that no article says: their own web address, an order
or account number, an introduction. "This is Tom from Norvella Inc. Why is there no data
on https://shop.norvella-example.com/checkout? (order #48213)" asks why there is no data;
unknown to the help center, the rest would weigh in the question as many words a missing
article lacks, and the answer would go (bench/RESULTS.md, "The customer's own words").

Each part is read for what it is, and no more is left out:

- pleasantries go: a greeting that opens the question, a plea for help, thanks, haste and
  apologies ("Good morning, could you help me? … Thanks in advance!", "Добрый день!
  Подскажите, пожалуйста…", "สวัสดีค่ะ รบกวนสอบถามค่ะ…", "URGENT:"), unless nothing
  would remain;

- a web address whose site the help center never names is one word, its domain
  ("basecampcom"), instead of its scheme, host and path; an address whose host or name
  the help center uses (pi.hole, plausible.io, trello.com) stays as written;
- an identifier (a number, or a code such as "INV-2024-0042", after #, №, or a word
  such as order, account, заказ, ออเดอร์) the help center never uses goes, its label
  stays; an error code, a status, a port or a year stays: "error #1603", "error 50105",
  "port 27017", "Event ID 1000";
- a date, day, month and year ("31.01.2024", "2024-01-31", "1/31/2024"), goes: when it
  happened is the customer's, and its numbers are no article's words ("2.14.1", a
  version, "2024", a year, and a date in quotes, an example of a format, stay);
- an amount of money ("$49.99", "49.99 USD", "1 490 ₽", "499 บาท") goes, with its
  currency: what the customer paid is theirs ("charged $49.99 twice" asks what
  "charged twice" asks);
- a phone number goes (kb.gaps.redact tells one from an address, a version or a date);
- a file's name the help center never uses is read as its type: "report_q3.xlsx" is
  "xlsx";
- an introduction ("My name is Sarah", "I'm Tom from Norvella Inc", "Меня зовут Ольга",
  "ผมชื่อ…") with a name the help center does not know goes, and only the introduction:
  "My name is Sarah and I cannot reset my password" keeps its question. A sentence that
  asks is left alone, and so is one about the setup ("This is Arch Linux with KDE").

Leaving words out can make a wrong answer look certain: "#48213 failed" would be one
generic word. So each of these goes only when what remains holds analysis.TELLING_WORDS
words that tell articles apart. An address still says its site, as one word: it needs no
such guard.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from deflection import analysis
from kb.gaps.redact import without_phones

_THAI = "\u0e00-\u0e7f"
_LABEL = rf"[\w{_THAI}-]{{1,63}}"  # Thai vowel marks are no \w: "ร้านค้า" is one label
_HOST = rf"{_LABEL}(?:\.{_LABEL}){{0,9}}"
_TLD = (r"(?-i:com|org|net|io|co|ru|th|de|uk|app|dev|info|biz|me|us|eu|xyz|site|online|"
        r"shop|store|ai|рф)")
# A web address: with a scheme, from "www.", or a host under a common top-level domain
# written in lower case ("failed.App" is a missing space); with its port, path and query,
# up to a space or Thai text. Repetitions are bounded, so a run of "a.a.a." is linear.
_WEB_ADDRESS = re.compile(
    rf"(?:\b[a-z][a-z0-9+.-]{{0,15}}://(?P<scheme>{_HOST})|\bwww\.(?P<www>{_HOST})"
    rf"|\b(?P<bare>(?:{_LABEL}\.){{1,9}}{_TLD})\b)(?:[:/?#][^\s{_THAI}]{{0,2000}})?",
    re.IGNORECASE)
_TRAILING = ".,;:!?)]}»\"'"
# Second-level domains under a country's: shop.norvella.co.uk is norvella.co.uk
_SECOND_LEVEL = {"co", "com", "org", "net", "ac", "gov", "edu", "or", "in"}
# An identifier: a number of 3 digits or more after #, № or a word that labels one
# ("order 48213", "account number 7741023", "заказ № 7741023", "ออเดอร์ 48213"), not part
# of a version, an address or a time. A ticket or case number is no such label: "ticket
# 4521 no reply" follows up, and without its number says nothing an article answers
_ID_LABEL = (r"(?<!\w)(?:order|account|invoice|reference|ref|id|заказ\w*|сч[её]т\w*"
             r"|аккаунт\w*|договор\w*|клиент\w*)|ออเดอร์|คำสั่งซื้อ|บัญชี|เลขที่")
_IDENTIFIER = re.compile(
    rf"(?i:(?P<label>{_ID_LABEL})(?:\s+(?:no\.?|number|id|номер))?\s*[:#№]?\s*|(?<![\w&])[#№]\s?)"
    r"(?P<digits>(?:[A-Za-z]{1,5}[-_]?)?\d{3,}(?:[-_/]\d+)*)(?!\w|[.,:/-]\d)")
# ...but a code: "error #1603", "Event ID 1000", "ошибка №1603"
# A date with its year (a Buddhist one too: 2567): day and month either way round, or ISO;
# not in quotes, where it is an example of a format ("convert '31.01.2024' to a date")
_YEAR = r"(?:19|20|25)\d\d"
_DATE = re.compile(
    rf"(?<![\w.:/'\"`«“„‘-])(?:\d{{1,2}}([./])\d{{1,2}}\1{_YEAR}|{_YEAR}([-/])\d{{1,2}}\2\d{{1,2}})"
    r"(?![\w:/-]|\.\d)")
# An amount of money: a number (thousands apart by a comma, a dot or a space; cents) after
# a currency's sign, or before its sign, code or name
_AMOUNT_NUMBER = r"\d{1,3}(?:[ \u00a0\u202f,.]\d{3})*(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_CURRENCY = (r"(?:[$€£¥₽฿₹]|(?i:usd|eur|gbp|rub|thb|dollars?|euros?|bucks|руб\w*|р\.|"
             r"бат\w*|евро|доллар\w*)(?!\w)|บาท)")
_AMOUNT = re.compile(
    rf"(?<![\w.,])(?:[$€£¥₽฿₹]\s?(?:{_AMOUNT_NUMBER})|(?:{_AMOUNT_NUMBER})\s?{_CURRENCY})"
    r"(?![\w$€£¥₽฿₹])")
# A file's name with a common type ("report_q3_final.xlsx", "Счёт-42.pdf")
_FILE = re.compile(
    r"(?<![\w./\\-])(?P<name>[\w-]+(?:\.[\w-]+){0,3}?)\."
    r"(?P<type>(?i:xlsx|xls|csv|pdf|docx|doc|pptx|png|jpe?g|gif|txt|json|xml|zip))(?![\w.]|\.\w)")
_CODE_BEFORE = re.compile(r"(?i:error|code|event|status|ошибк\w*|код\w*|ข้อผิดพลาด)\W{0,3}$")
# Introductions: a wording, a name (capitalised, not an acronym such as CSV) the help
# center does not know, and where they work: a company, capitalised ("from Norvella Inc",
# "at Kaloo Systems", "из компании Техноплюс", ", ООО Вектор"), so that no lower-case
# word of the question ("from accounting who cannot download invoices") is taken with it
_NAME_WORD = r"[A-ZА-ЯЁ][a-zа-яё'][\w'-]*"
_NAME = rf"(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}})"
_FIRST_NAME = rf"(?P<name>{_NAME_WORD})"  # "Linux Mint here, …" is the setup
_COMPANY = r"[A-ZА-ЯЁ][\w&'-]*(?:\s+[A-ZА-ЯЁ][\w&.'-]*){0,3}"


# Pleasantries: a greeting, a request for help, thanks, haste and apologies ("Good
# morning, could you help me? … Thanks in advance!", "Добрый день! Подскажите,
# пожалуйста: …", "URGENT: …", "สวัสดีค่ะ รบกวนสอบถามค่ะ …"), with the punctuation
# right after them. Their stop words went already; "morning", "help", "advance", "день",
# "подсказать", "สอบถาม" weighed as the question's words, which no article that answers it
# holds. A greeting only opens the text; "help desk", "help center" and a "thank-you page"
# stay, and so does a Thai word inside a longer one (เมนูสอบถามยอดเงิน, "balance inquiry").
# "Urgent" may be the help center's word (a ticket's priority; Thai ด่วน is also "quick"),
# and "Hey" a product's name: they go only where the help center does not hold them;
# opening the question ("URGENT:", "Срочно!"), or as "very urgent", urgency goes.
_PARTICLE = r"(?:ครับ|ค่ะ|คะ|จ้ะ|จ้า)?"  # a Thai pleasantry's polite ending
_URGENT = ("urgent", "urgently", "срочно")
_OPENING = (r"^\W*(?i:(?:hi|hello|hiya|greetings|good\s+(?:morning|afternoon|evening|day)"
            r"|здравствуйте|привет|добр(?:ый|ого)\s+(?:день|дня|вечер|вечера)|доброе\s+утро"
            r"|доброго\s+(?:утра|времени\s+суток))\b(?![-‐])"
            # whom it greets, when punctuation ends it: "Hello, support tickets…" is a question
            r"(?:(?:[\s,]+(?:there|team|all|everyone|folks|guys|support|коллеги|команда"
            r"|поддержка)){1,2}(?=\s*[,!.:;]|\s*$))?"
            rf"|(?:{'|'.join(_URGENT)})\s*[:!]+)|^\W*สวัสดี(?:ตอน(?:เช้า|บ่าย|เย็น))?{_PARTICLE}")
_HELP = r"help(?!\s*(?:desk|center|centre|widget|scout|docs?|page|button|menu|articles?)\b)"
_PLEASANT_WORDINGS = (
    r"(?:could|can|would|will)\s+(?:you|u|someone|anyone|somebody|anybody)"
    rf"(?:\s+(?:please|pls|kindly))?\s+(?:{_HELP}|assist|advise|tell|explain)"
    r"(?:\s+(?:me|us))?(?:\s+(?:out|with|on))?",
    rf"(?:i\s+)?need\s+(?:some\s+)?{_HELP}(?:\s+(?:with|on))?",
    rf"please\s+{_HELP}(?:\s+(?:me|us))?(?:\s+(?:with|on))?",
    r"i\s+(?:have|had|got)\s+a\s+(?:quick\s+)?question(?:\s+(?:about|regarding|on))?",
    r"quick\s+question", r"i(?:\s+(?:was|am)|['’]m)\s+wondering(?:\s+(?:if|whether))?",
    r"(?:thanks|thank\s+you)(?:\s+(?:so|very)\s+much)?(?:\s+in\s+advance)?(?![\s-]*pages?\b)",
    r"many\s+thanks", r"(?:best|kind|warm)\s+regards",
    r"any\s+help\s+(?:is|would\s+be)\s+(?:much\s+|greatly\s+|really\s+)?appreciated",
    r"asap", r"as\s+soon\s+as\s+possible",
    r"(?:sorry|apologies)(?:\s+(?:to\s+bother(?:\s+you)?"
    r"|for\s+the\s+(?:trouble|inconvenience|bother)))?",
    r"(?:подскажите|скажите|помогите|посоветуйте|объясните)(?:[\s,]+пожалуйста)?",
    r"(?:не\s+)?(?:могли\s+бы\s+вы|можете)\s+(?:подсказать|помочь|объяснить|сказать)",
    r"у\s+меня\s+(?:такой\s+)?вопрос", r"вопрос\s+такой", r"срочный\s+вопрос",
    r"(?:хотел[аи]?|хочу)\s+(?:бы\s+)?(?:узнать|спросить|уточнить)",
    r"(?:нужна|требуется)\s+помощь", r"прошу\s+(?:помочь|помощи|подсказать)",
    r"(?:заранее\s+)?(?:спасибо|благодарю)(?:\s+(?:большое|заранее))?", r"с\s+уважением",
    r"(?:извините|простите)(?:\s+за\s+беспокойство)?",
)
_THAI_PLEASANTRIES = (r"(?:(?:รบกวน|ขอ|อยาก)?สอบถาม(?:หน่อย|นิดนึง)?|ขอความช่วยเหลือ|ช่วยด้วย"
                      r"|ขอบคุณ(?:ล่วงหน้า|มาก)?|ด่วนมาก|ด่วนที่สุด|ขอโทษ(?:ที่รบกวน)?)")


def _first_letters(wording: str) -> set[str]:
    """The letters `wording` (words, `(?:…)` groups of alternatives, each group optional
    or not) may start with, either case: a lookahead on them fails most places of a text
    at once, where each wording tried in turn took 0.4 ms a page of a ticket."""
    if not wording.startswith("(?:"):
        if not wording[0].isalpha():  # a shape the lookahead would silently switch off
            raise ValueError(f"a wording starts with a word or a (?:…) group: {wording!r}")
        return {wording[0].lower(), wording[0].upper()}
    depth, alternatives, start = 0, [], 3
    for end, char in enumerate(wording):
        depth += (char == "(") - (char == ")")
        if char == "|" and depth == 1:
            alternatives.append(wording[start:end])
            start = end + 1
        elif depth == 0:
            break
    alternatives.append(wording[start:end])
    letters = set().union(*map(_first_letters, alternatives))
    after = wording[end + 1:]
    return letters | _first_letters(after[1:]) if after.startswith("?") else letters


def _any_of(wordings: tuple[str, ...]) -> str:
    """Whole words: any of `wordings`, either case, with a lookahead on their first letters."""
    letters = "".join(sorted(set().union(*map(_first_letters, wordings))))
    return rf"\b(?=[{letters}])(?i:(?:{'|'.join(wordings)})\b)"


_PLEASANTRIES = re.compile(
    rf"(?:{_OPENING}|{_any_of(_PLEASANT_WORDINGS)}|(?<![\u0e00-\u0e7f])"
    rf"(?=[{''.join(_first_letters(_THAI_PLEASANTRIES))}]){_THAI_PLEASANTRIES}{_PARTICLE})"
    r"[^\w\s]*")
# the words that go only where the help center does not hold them
_UNLESS_HELD = re.compile(rf"{_any_of(_URGENT)}|^\W*ด่วน{_PARTICLE}|^\W*(?i:hey)\b(?![-‐])")


# A sentence of story: what the customer tried, when it last worked, that nothing changed
# ("I already tried restarting", "It was working fine until yesterday", "Уже пробовал
# перезапустить", "เมื่อวานยังใช้ได้ปกติ"). Its words are no article's ("yesterday",
# "couldn't") or any article's ("working", "find"): weighed as the question's, they took
# the answer, and made an answered question look unanswered (bench/RESULTS.md, "A story
# around the question"). A sentence that asks is never story, and words that may say what
# is asked ("suddenly drops", "recently deleted", "no longer") mark none.
_STORY_WORDINGS = (
    r"yesterday", r"(?:this|last)\s+(?:morning|night|week|month)",
    r"(?:a\s+few|a\s+couple\s+of|two|three|several)\s+(?:hours?|days?|weeks?|months?)\s+ago",
    r"(?:i|we)(?:\s+(?:have|had)|['’](?:ve|d))?\s+(?:already\s+)?(?:tried|attempted|restarted"
    r"|rebooted|reinstalled|searched|googled|followed)",
    r"already\s+(?:tried|restarted|rebooted|reinstalled|searched)",
    r"(?:was|were|been)\s+working", r"worked\s+(?:fine|well|perfectly|before|until)",
    r"used\s+to\s+work", r"nothing\s+(?:has\s+)?changed", r"no\s+luck",
    r"(?:didn['’]?t|did\s+not|haven['’]?t|have\s+not)\s+changed?\s+anything",
    r"вчера",
    r"(?:уже\s+)?(?:по)?(?:пробовал|пытал(?:ся|ась|ись))\w*",
    r"(?:перезагружал|перезапускал|переустанавливал|искал|гуглил)\w*",
    r"(?:всё|все)\s+работал\w*", r"работал\w*\s+(?:нормально|хорошо|без\s+проблем)",
    r"ничего\s+не\s+(?:менял|изменял|помог|помога)\w*", r"не\s+помогл?\w*",
    r"до\s+(?:вчерашнего|этого|обновления)\b",
)
_THAI_STORY = r"(?:เมื่อวาน|ก่อนหน้านี้|เมื่อก่อน|ไม่ได้เปลี่ยน|ใช้ได้ปกติ|ลอง\S{0,40}แล้ว)"
_STORY = re.compile(rf"{_any_of(_STORY_WORDINGS)}|{_THAI_STORY}"
                    r"|\b\d+\s+(?i:hours?|days?|weeks?|months?)\s+ago\b")


def questions_of(text: str, lang: str) -> list[str] | None:
    """The sentences of a short question that are not story, when some are and some are
    not: "Port 53 is in use. I already tried restarting" asks about port 53. None when no
    sentence tells a story, or every one does (then the story is all there is to ask).
    Thai sentences are its spaced phrases (analysis.sentences)."""
    found = analysis.sentences(text, lang)
    asked = [s for s in found if analysis.asks(s) or not _STORY.search(s)]
    return asked if 0 < len(asked) < len(found) else None


def _works(markers: str) -> str:
    return (rf"(?:,?\s*(?i:{markers})\s+(?:(?i:компании|фирмы|the)\s+)?(?:(?:ООО|АО|ИП)\s+)?"
            rf"|,\s*(?:ООО|АО|ИП)\s+)(?P<company>{_COMPANY})")


_WORKS = _works(r"from|at|of|with|из|,\s*компания|,\s*company")
_WORKS_AT = _works(r"from|at")  # "This is Arch Linux with KDE" is the setup
_INTRODUCTIONS = [re.compile(wording) for wording in (
    rf"(?i:\bmy name is)\s+{_NAME}(?:{_WORKS})?",
    rf"(?i:\b(?:i'?m|i am|this is))\s+{_NAME}{_WORKS_AT}",
    rf"^\W*{_FIRST_NAME}\s+(?i:here)\s*,\s*(?:(?P<company>{_COMPANY})(?=\s*[.!]|$))?",
    rf"(?i:\bменя зовут)\s+{_NAME}(?:{_WORKS})?",
    rf"(?i:\bэто)\s+{_NAME}{_WORKS}",
    rf"^\W*(?i:на связи|пишет)\s+{_NAME}(?:{_WORKS})?",
    # Thai writes no capitals: a short name, and at most a short company after จาก
    # ("from"), as the whole run of text; "ดิฉันชื่อนิดลืมรหัสผ่าน" runs on into the question
    rf"^(?:ผม|ดิฉัน|ฉัน|หนู)ชื่อ(?P<name>[{_THAI}]{{1,12}}?)(?:ค่ะ|ครับ|คะ)?"
    rf"(?:จาก(?P<company>[{_THAI}]{{1,15}}))?$",
)]


def question_part(text: str, lang: str, holds: Callable[[str], bool],
                  tells: Callable[[str], bool]) -> str:
    """`text` with each web address of a site the help center never names read as its
    words, without its pleasantries, and without introductions, identifiers, dates,
    amounts, phone numbers and file names when what remains still tells articles apart.
    `holds(term)`: the help center uses exactly this analysed term; `tells(term)`: it
    tells articles apart (analysis.tells)."""
    rest = _addresses_as_words(text, lang, holds) if "." in text else text
    rest = without_pleasantries(rest, lang, holds)
    for leave_out in (_without_introductions, _without_identifiers, _without_dates,
                      _without_amounts, _without_phones, _file_types):
        shorter = leave_out(rest, lang, holds)
        if shorter != rest and sum(map(tells, set(analysis.terms(shorter, lang)))) \
                >= analysis.TELLING_WORDS:
            rest = shorter
    return rest


def without_pleasantries(text: str, lang: str, holds: Callable[[str], bool]) -> str:
    """`text` without its greeting, pleas for help, thanks, haste and apologies: they say
    nothing of the question, so what remains is all it asks (unless nothing would)."""
    plain = _UNLESS_HELD.sub(lambda match: _unless_held(match, lang, holds),
                             _PLEASANTRIES.sub(" ", text))
    # more than a few words left hold a term; a ticket's body is not analysed twice
    if plain != text and (len(plain.split()) > 8 or analysis.terms(plain, lang)):
        return plain.strip()
    return text


def _unless_held(match: re.Match, lang: str, holds: Callable[[str], bool]) -> str:
    """The matched words when the help center holds each of them, else a space."""
    terms = analysis.terms(match.group(0), lang)
    return match.group(0) if terms and all(map(holds, terms)) else " "


def _merged(text: str, lang: str) -> str:
    """A host or a name as one analysed term: "plausible.io" → "plausibleio"."""
    found = analysis.terms(re.sub(r"[.-]", "", text), lang)
    return found[0] if len(found) == 1 else ""


def _addresses_as_words(text: str, lang: str, holds: Callable[[str], bool]) -> str:
    def word(match: re.Match) -> str:
        address = match.group(0)
        cut = len(address.rstrip(_TRAILING))
        address, after = address[:cut], address[cut:]
        host = (match.group("scheme") or match.group("www") or match.group("bare")).lower()
        labels = host.removeprefix("www.").split(".")
        second = len(labels) > 2 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2
        domain = labels[-3:] if second else labels[-2:]
        merged = _merged(".".join(domain), lang)
        named = (_merged(host, lang), merged, _merged(domain[0], lang))
        if any(term and holds(term) for term in named):
            return address + after  # the product's, or a site its articles speak of
        # a subdomain the help center knows is a word ("login.", "api."), the site is one:
        # "login microsoftonlinecom"; "shop.norvella.com" is "norvellacom"
        words = [label for label in labels[:len(labels) - len(domain)]
                 if (term := _merged(label, lang)) and holds(term)]
        return f" {' '.join([*words, merged or domain[0]])}{after} "

    return _WEB_ADDRESS.sub(word, text)


def _without_identifiers(text: str, lang: str, holds: Callable[[str], bool]) -> str:
    def label(match: re.Match) -> str:
        if all(map(holds, analysis.terms(match.group("digits"), lang))) \
                or _CODE_BEFORE.search(text[max(0, match.start() - 24):match.start()]):
            return match.group(0)
        return f" {match.group('label') or ''} "

    return _IDENTIFIER.sub(label, text)


def _without_dates(text: str, lang: str, holds: Callable[[str], bool]) -> str:
    return _DATE.sub(" ", text)


def _without_phones(text: str, lang: str, holds: Callable[[str], bool]) -> str:
    return without_phones(text)


def _file_types(text: str, lang: str, holds: Callable[[str], bool]) -> str:
    """A file's name the help center never uses read as its type: "report_q3.xlsx" is
    "xlsx"; "script.js", a name its articles use, stays."""
    def kind(match: re.Match) -> str:
        if all(map(holds, analysis.terms(match.group("name"), lang))):
            return match.group(0)
        return f" {match.group('type')}"

    return _FILE.sub(kind, text)


def _without_amounts(text: str, lang: str, holds: Callable[[str], bool]) -> str:
    return _AMOUNT.sub(" ", text)


def _without_introductions(text: str, lang: str, holds: Callable[[str], bool]) -> str:
    """`text` without its introductions, in the sentences that do not ask. An introduction
    stays when its name is words the help center knows ("This is Windows Server…"); its
    company goes up to the first word the help center knows, which is the question's:
    "Anna here, Slack." stays, "at Norvella Zapier zaps stopped" keeps "Zapier"."""
    def known(words: str) -> bool:
        # a Thai name is often words ("สมชาย": สม, ชาย); a written capital marks a name
        terms = analysis.terms(words, lang) if any(map(str.isupper, words)) else []
        return bool(terms) and all(map(holds, terms))

    def unknown(match: re.Match) -> str:
        if known(match.group("name") or ""):
            return match.group(0)
        company = (match.groupdict().get("company") or "").split()
        for i, word in enumerate(company):
            if known(word):
                return " " + " ".join(company[i:])
        return " "

    said = analysis.sentences(text, lang)
    out = []
    for sentence in said:
        if not analysis.asks(sentence):
            for wording in _INTRODUCTIONS:
                sentence = wording.sub(unknown, sentence)
        out.append(sentence)
    return text if out == said else " ".join(out)
