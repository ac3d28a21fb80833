"""Search quality on labeled questions: recall@k, MRR, and silence on unanswerable ones.

Pure: takes labeled questions and a search function, returns numbers. `ArticleNames`
reads a labels file's gold articles the ways people write them down.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from kb.errors import KBError

KS = (1, 5, 10)


class LabelsError(KBError):
    pass


@dataclass
class Question:
    query: str
    gold: list[str]
    lang: str | None = None
    line: int = 0


@dataclass
class Scores:
    questions: int = 0  # with a gold article
    unanswerable: int = 0  # with empty gold
    hits: dict[int, int] = field(default_factory=lambda: {k: 0 for k in KS})
    reciprocal: float = 0.0
    silent_on_unanswerable: int = 0
    failures: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        n = self.questions
        return {
            "questions": n,
            **{f"recall@{k}": round(self.hits[k] / n, 4) if n else None for k in KS},
            "mrr": round(self.reciprocal / n, 4) if n else None,
            "unanswerable": self.unanswerable,
            "nothing_returned_rate": round(self.silent_on_unanswerable / self.unanswerable, 4)
            if self.unanswerable else None,
        }


def json_lines(file: Path, error: type[KBError], shape: str) -> Iterator[tuple[int, object]]:
    """(line number, parsed JSON) for each non-blank line of a labels file.

    `error` is raised for a file that cannot be read or a line that is not JSON, with
    `shape` (what a line must look like) as the fix.
    """
    try:
        lines = file.read_text(encoding="utf-8-sig").split("\n")
    except OSError as exc:
        raise error(f"cannot read {file}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise error(f"{file} is not UTF-8; save it as UTF-8") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except ValueError as exc:
            raise error(f"{file}:{number}: not JSON ({exc.msg}); {shape}") from None
        yield number, data


def read_labels(file: Path) -> list[Question]:
    questions = []
    shape = 'each line must be {"query": "...", "gold": ["path.md"]}'
    for number, data in json_lines(file, LabelsError, shape):
        if not isinstance(data, dict) or not isinstance(data.get("query"), str) \
                or not isinstance(data.get("gold", []), list):
            raise LabelsError(f"{file}:{number}: needs \"query\" (text) and \"gold\" (a list "
                              "of article paths, empty when no article answers it)")
        questions.append(Question(data["query"], [str(g) for g in data.get("gold", [])],
                                  data.get("lang"), number))
    if not questions:
        raise LabelsError(f"{file} holds no questions")
    return questions


def evaluate(questions: Iterable[Question],
             search: Callable[[Question], tuple[str, list[str]]]) -> dict[str, Scores]:
    """Scores per language and under "all"; `search` returns (language, result paths)."""
    scores: dict[str, Scores] = {"all": Scores()}
    for q in questions:
        lang, paths = search(q)
        for bucket in (scores["all"], scores.setdefault(lang, Scores())):
            if not q.gold:
                bucket.unanswerable += 1
                if not paths:
                    bucket.silent_on_unanswerable += 1
                else:
                    bucket.failures.append({"line": q.line, "query": q.query,
                                            "expected": [], "got": paths[:3], "rank": None})
                continue
            bucket.questions += 1
            rank = next((i for i, p in enumerate(paths[:max(KS)], 1) if p in q.gold), None)
            for k in KS:
                if rank is not None and rank <= k:
                    bucket.hits[k] += 1
            if rank:
                bucket.reciprocal += 1 / rank
            if rank != 1:
                bucket.failures.append({"line": q.line, "query": q.query, "expected": q.gold,
                                        "got": paths[:3], "rank": rank})
    return scores


class ArticleNames:
    """How labels name an article, resolved to its path relative to docs_dir.

    People label with what they have at hand: the path (`en/billing/refunds.md`), the
    address of the built page (`https://help.example.com/en/billing/refunds/`), the path
    without `.md`, the path from the repository's root (`docs/en/…`: one of `prefixes`,
    the folders above docs_dir and the site address's path), or from a folder below
    docs_dir (`billing/refunds.md` when docs_dir holds `en/`) when one article ends so.
    Only an article in the question's language counts. A gold article that is no article
    of the help center would silently count as a miss, so what cannot be resolved is
    reported and kept as written.
    """

    def __init__(self, articles: Iterable[tuple[str, str, str]],
                 prefixes: Iterable[str] = ()) -> None:
        """`articles`: (path, url, language) of every article."""
        self.paths: set[str] = set()
        self._lang: dict[str, str] = {}
        self._by_key: dict[str, str] = {}
        self._by_ending: dict[str, set[str]] = {}
        self._prefixes = sorted({p.strip("/") for p in prefixes if p.strip("/")},
                                key=lambda p: -len(p))
        for path, url, lang in articles:
            self.paths.add(path)
            self._lang[path] = lang
            stem = path.removesuffix(".md")
            keys = [_key(url), _key(stem)]
            name = PurePosixPath(stem)
            if name.name in ("index", "README"):
                keys.append(_key(str(name.parent)))
            for key in keys:
                self._by_key.setdefault(key, path)
                segments = key.split("/")
                for i in range(1, len(segments)):
                    self._by_ending.setdefault("/".join(segments[i:]), set()).add(path)

    def resolve(self, name: str, lang: str | None = None) -> str | None:
        found = self.candidates(name, lang)
        return found[0] if len(found) == 1 else None

    def candidates(self, name: str, lang: str | None = None) -> list[str]:
        """The articles `name` may mean (in `lang` when given): one, several (a path that
        several end with), or none."""
        found = self._candidates(name)
        return [p for p in found if lang is None or self._lang.get(p) == lang]

    def _candidates(self, name: str) -> list[str]:
        if name in self.paths:
            return [name]
        key = _key(urlsplit(name.strip().replace("\\", "/")).path)
        if not key and not name.strip():
            return []
        for prefix in self._prefixes:  # written from a folder above docs_dir
            if key.startswith(prefix + "/"):
                key = _key(key[len(prefix) + 1:])
                break
        if key in self._by_key:
            return [self._by_key[key]]
        # or from one below it: the articles whose path ends so
        return sorted(self._by_ending.get(key, ()))

    def resolve_all(self, names: Iterable[str], where: str, unknown: list[str],
                    lang: str | None = None) -> list[str]:
        """Each name resolved among the articles in `lang` (the question's language); one
        it cannot is kept, with a message in `unknown`."""
        out = []
        for name in names:
            found = self.candidates(name, lang)
            if len(found) > 1:
                unknown.append(f"{where}: gold {name!r} may be any of {', '.join(found[:3])}"
                               f"{', …' if len(found) > 3 else ''}, so it counts as a miss; "
                               "write the article's full path relative to docs_dir")
            elif not found:
                unknown.append(f"{where}: gold {name!r} is no article of this help center"
                               f"{f' in {lang}' if lang else ''}, so it counts as a miss; "
                               "write the article's path relative to docs_dir (as `kb search "
                               "--json` shows it) or its address")
            out.append(found[0] if len(found) == 1 else name)
        return out


def _key(path: str) -> str:
    """A page's path or address compared without `.md`, `index.html`, slashes at the ends,
    and the anchor and query the address may carry."""
    path = path.split("#", 1)[0].split("?", 1)[0].strip().strip("/")
    path = path.removeprefix("./")
    for suffix in (".md", "/index.html", ".html"):
        path = path.removesuffix(suffix)
    return "" if path in ("index", ".") else path
