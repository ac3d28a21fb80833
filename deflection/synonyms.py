"""Synonyms writers keep per language: `<docs_dir>/_synonyms/<lang>.yml`.

    # Words customers use for the same thing: one group per line.
    - [sign in, log in, login]
    - [2fa, two-factor, mfa]

The folder is never published (kb/site leaves it out of the site).

Built in, for every help center: the English words of software that Russian and Thai
customers type as they are or transliterated ("dashboard", "дашборд", "แดชบอร์ด"), and the
colloquial words customers type for what articles call otherwise ("picture", "картинка"
for "image", "изображение"), each with the word the articles use. Writers' groups are
added to them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from deflection import analysis
from kb.errors import KBError
from kb.yamlload import SafeLoader


class SynonymsError(KBError):
    """A synonyms file kb cannot read: `kb check` lists it, `kb index` and `kb build` stop
    on it (before, the search broke only when it was first asked)."""

    def __init__(self, path: Path, line: int, problem: str, fix: str, more: int = 0) -> None:
        # `more`: the other problems `kb check` lists, when `kb index` names only this one
        also = f" ({more} more problem{'s' * (more > 1)}: kb check lists every one)" if more else ""
        super().__init__(f"{f'{path}:{line}' if line else path}: {problem}; {fix}{also}")
        self.path, self.line, self.problem, self.fix = path, line, problem, fix
        self.more = more

    def __reduce__(self):  # raised in `kb build`'s index process, shown by its caller
        return type(self), (self.path, self.line, self.problem, self.fix, self.more)


@dataclass(frozen=True)
class Synonyms:
    groups: tuple[tuple[tuple[str, ...], ...], ...] = ()  # each member analysed to terms
    one_way: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = ()  # (alias, word)

    def expand(self, query_terms: list[str]) -> list[tuple[tuple[int, ...], tuple[str, ...]]]:
        """(positions of a member in the query, another member of its group), for
        every group with a member among the query's terms, unless the question says the
        other member too: "Maximum number of queries reached (max: 150)" credits no page
        twice for "maximum"."""
        out = []
        for group in self.groups:
            for member in group:
                at = _find(query_terms, member)
                if at is not None:
                    out += [(at, other) for other in group
                            if other != member and _find(query_terms, other) is None]
        for alias, word in self.one_way:
            at = _find(query_terms, alias)
            if at is not None and _find(query_terms, word) is None:
                out.append((at, word))
        return out

    def used_by(self, df: Callable[[str], int]) -> Synonyms:
        """These synonyms in one help center (`df`: how many of its articles hold a term):
        a word customers type stands for the articles' word only where the articles use it
        less than that word. Where they write "admin" more than "administrator", "admin"
        is their own word: widening it would rank other articles up, and cost time."""
        def used(phrase: tuple[str, ...]) -> int:
            return min(df(term) for term in phrase)

        return Synonyms(self.groups, tuple(
            (alias, word) for alias, word in self.one_way if used(alias) < used(word)))


def _find(terms: list[str], phrase: tuple[str, ...]) -> tuple[int, ...] | None:
    n = len(phrase)
    for i in range(len(terms) - n + 1):
        if tuple(terms[i:i + n]) == phrase:
            return tuple(range(i, i + n))
    return None


# The word articles use ← what customers type instead (the English word, a
# transliteration, a common misspelling, a colloquial word). One way only: a question in
# the articles' own words is not widened to English ones, which match file names and code.
BUILT_IN: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "image": ("picture", "pic", "photo"), "password": ("pw", "pwd", "passwd"),
        "delete": ("wipe", "erase"), "reset": ("wipe",), "restore": ("undelete", "undo"),
        "administrator": ("admin",), "admin": ("administrator",),
        "computer": ("laptop", "pc"), "mobile": ("smartphone", "cellphone"),
        "invoice": ("receipt",), "member": ("coworker", "colleague", "teammate"),
        "time zone": ("timezone",), "timezone": ("time zone",),
        "username": ("user name",), "user name": ("username",),
        "two-factor": ("2fa", "mfa"), "price": ("cost",), "error": ("glitch",),
        "allowlist": ("whitelist",), "denylist": ("blacklist",), "blocklist": ("blacklist",),
        # the short forms customers type
        "maximum": ("max",), "configuration": ("config",), "information": ("info",),
        "authentication": ("auth",), "repository": ("repo",),
        "documentation": ("docs",), "environment": ("env",), "database": ("db",),
        "message": ("msg",), "directory": ("dir",), "certificate": ("cert",),
        "statistics": ("stats",), "organization": ("org",),
        # phrasal verbs (analysis.PHRASAL): "sign out" is "log out"
        "login": ("signin", "logon"), "signin": ("login",), "logout": ("signout", "logoff"),
        "signout": ("logout",), "register": ("signup",), "signup": ("register",),
    },
    "ru": {
        "изображение": ("картинка", "пикча"), "программа": ("прога",),
        "компьютер": ("комп",), "интернет": ("инет",), "обновление": ("апдейт",),
        "пользователь": ("юзер",),
        "дашборд": ("dashboard",), "чарт": ("chart",), "датасет": ("dataset",),
        "воркбук": ("workbook",), "объединение": ("join", "джойн"),
        "селектор": ("selector",), "экспорт": ("export",), "выгрузка": ("export",),
        "фильтр": ("filter",), "пароль": ("password",), "отчет": ("report",),
        "настройки": ("settings",), "ссылка": ("link",),
        "учетная запись": ("account", "аккаунт"), "почта": ("email", "имейл"),
        "удалить": ("снести",), "отключить": ("вырубить", "выключить"),
        "включить": ("врубить",), "войти": ("залогиниться",), "выйти": ("разлогиниться",),
        "ошибка": ("глюк", "баг"), "администратор": ("админ",), "сбросить": ("обнулить",),
        "приложение": ("прилога", "приложуха"), "excel": ("эксель",),
        "зарегистрироваться": ("зарегаться", "зарегиться"), "информация": ("инфа",),
        "скриншот": ("скрин",),
    },
    "th": {
        "แดชบอร์ด": ("dashboard", "แดชบอด"), "รายงาน": ("report", "รีพอร์ต"),
        "ไทล์": ("tile",), "ส่งออก": ("export", "เอ็กซ์พอร์ต"), "แชร์": ("share",),
        "แอป": ("app", "แอพ"), "ข้อคิดเห็น": ("comment", "คอมเมนต์"),
        "พื้นที่ทำงาน": ("workspace", "เวิร์กสเปซ"), "ชุดข้อมูล": ("dataset", "ดาต้าเซ็ต"),
        "วิชวล": ("visual",), "ตัวกรอง": ("filter", "ฟิลเตอร์"),
        "ดาวน์โหลด": ("download",), "มือถือ": ("mobile",), "ออฟไลน์": ("offline",),
        "ใบอนุญาต": ("license", "ไลเซนส์"), "เผยแพร่": ("publish",),
        "สมัครใช้งาน": ("subscribe",), "การแจ้งเตือน": ("notification",),
        "รหัสผ่าน": ("password", "พาสเวิร์ด"), "เข้าสู่ระบบ": ("login", "ล็อกอิน"),
        "อีเมล": ("email", "อีเมล์"), "การตั้งค่า": ("settings",), "อัปเดต": ("update",),
        "ลงชื่อเข้าใช้": ("เข้าสู่ระบบ", "login", "ล็อกอิน"),
        "ลงชื่อออก": ("ออกจากระบบ", "logout", "ล็อกเอาต์"),
    },
}


def _analysed(groups, lang: str) -> list[tuple[tuple[str, ...], ...]]:
    out = []
    for group in groups:
        analysed = tuple(dict.fromkeys(
            t for t in (tuple(analysis.terms(str(m), lang)) for m in group) if t))
        if len(analysed) > 1:
            out.append(analysed)
    return out


def built_in(lang: str) -> Synonyms:
    pairs = []
    for word, aliases in BUILT_IN.get(lang.split("-")[0], {}).items():
        target = tuple(analysis.terms(word, lang))
        for alias in aliases:
            source = tuple(analysis.terms(alias, lang))
            if target and source and source != target:
                pairs.append((source, target))
    return Synonyms(one_way=tuple(pairs))


def load(folder: Path | None, lang: str) -> Synonyms:
    """The built-in groups for `lang` and the writers' own from `folder`."""
    base = built_in(lang)
    file = folder / f"{lang}.yml" if folder else None
    if file is None or not file.is_file():
        return base
    return Synonyms(tuple(_analysed(read(file), lang)), base.one_way)


def for_index(ix, fields: Sequence[str], folder: Path | None, lang: str) -> Synonyms:
    """The synonyms of `lang` as the articles of its Whoosh index `ix` use their words
    (`Synonyms.used_by`: a document's frequency is its most used field's of `fields`)."""
    with ix.reader() as reader:
        return load(folder, lang).used_by(
            lambda term: max(reader.doc_frequency(f, term) for f in fields))


def read(file: Path) -> list[list]:
    """The groups of one synonyms file; SynonymsError names the line of the first bad one."""
    data, node = _load(file)
    raise_first(_bad_groups(file, data, node))
    return data or []


def raise_first(errors: list[SynonymsError]) -> None:
    """Stop on the first of `errors`, saying how many more `kb check` lists."""
    if errors:
        first = errors[0]
        raise SynonymsError(first.path, first.line, first.problem, first.fix,
                            more=len(errors) - 1)


def _load(file: Path) -> tuple[object, yaml.Node | None]:
    """The file's data and YAML node (for its lines); SynonymsError when it does not parse,
    where nothing after the error can be read."""
    try:
        text = file.read_text(encoding="utf-8-sig")
        node = yaml.compose(text)
        data = yaml.load(text, Loader=SafeLoader)  # noqa: S506 (a SafeLoader)
    except UnicodeDecodeError:
        raise SynonymsError(file, 0, "not UTF-8", "re-save the file as UTF-8") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise SynonymsError(file, mark.line + 1 if mark else 0,
                            f"not valid YAML ({getattr(exc, 'problem', exc)})",
                            "write one group per line: - [sign in, log in]") from None
    return data, node


def _bad_groups(file: Path, data: object, node: yaml.Node | None) -> list[SynonymsError]:
    """Every group of a file that parsed which is not a list of two or more words."""
    if node is None:  # empty, or comments only
        return []
    if not isinstance(data, list):
        return [SynonymsError(file, 1, "must be a list of groups",
                              "write one group per line: - [sign in, log in]")]
    errors = []
    for number, (group, item) in enumerate(zip(data, node.value, strict=True), 1):
        problem = _group_problem(group)
        if problem:
            errors.append(SynonymsError(file, item.start_mark.line + 1,
                                        f"group {number} ({group!r}) {problem[0]}", problem[1]))
    return errors


def _group_problem(group: object) -> tuple[str, str] | None:
    """What is wrong with one group, and the fix; None when it is a list of words."""
    if not isinstance(group, list):
        return "is not a list", f"put it in brackets with its synonyms: - [{group}, …]"
    if len(group) < 2:
        return "must list two or more words", "e.g. - [invoice, receipt, bill]"
    for member in group:
        if isinstance(member, bool):  # YAML reads yes, no, on, off as true / false
            return (f"holds {member!r}, not a word (YAML reads yes, no, on and off so)",
                    'quote it: - ["yes", agree]')
        if member is None:
            return "holds an empty entry (~ or null)", "remove it"
        if not isinstance(member, (str, int, float)):
            return (f"holds {member!r}, not a word",
                    'write words only; quote a word with ": " in it: - ["note: x", y]')
    return None


def check(folder: Path, languages: list[str]) -> list[SynonymsError]:
    """Everything wrong with the synonyms files of `languages` in `folder`: every bad
    group, or the one place a file stops parsing."""
    errors = []
    for lang in languages:
        file = folder / f"{lang}.yml"
        if file.is_file():
            try:
                errors += _bad_groups(file, *_load(file))
            except SynonymsError as exc:
                errors.append(exc)
    return errors


def one_word_readings(folder: Path, languages: list[str]) -> list[SynonymsError]:
    """The members of several words that search reads as one word: "turn off" is "turn"
    ("off" is a word search ignores), and would widen every question with "turn". For
    `kb check` to warn about; files that do not parse are `check`'s."""
    found = []
    for lang in languages:
        file = folder / f"{lang}.yml"
        try:
            data, node = _load(file) if file.is_file() else (None, None)
        except SynonymsError:
            continue
        if node is None or not isinstance(data, list) or _bad_groups(file, data, node):
            continue
        for group, item in zip(data, node.value, strict=True):
            for member in map(str, group):
                read = analysis.terms(member, lang)
                if len(read) == 1 and len(member.split()) > 1:
                    found.append(SynonymsError(
                        file, item.start_mark.line + 1,
                        f'"{member}" is read as "{read[0]}" alone (search ignores the other '
                        "words), so every question with that word gets this group",
                        "write it as one word the customers use, or leave it out"))
    return found
