"""The search index: built from the Markdown sources, one Whoosh index per language.

Layout under the index folder (next to the config by default):

    builds/<build-id>/<lang>/   Whoosh index files
    builds/<build-id>/build.json
    current -> builds/<build-id>   swapped atomically (rename of a symlink)
    .lock                          one writer at a time

A build starts as hard links of the current one (Whoosh never rewrites a
segment file, so readers of the old build are undisturbed), re-analyses only
the articles whose source changed, then becomes `current`. The previous build
is kept for readers still holding it; older ones are removed.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import fields, index

from deflection import analysis, passages, ranking, semantic
from deflection.partials import THIN_WORDS, Partials, includes
from deflection.text import extract, lede, plain_title, strip_templates
from kb.errors import KBError
from kb.variables import substitute

KEEP_BUILDS = 2
FIELD_BOOSTS = {"title": 4.0, "keywords": 3.0, "headings": 2.0, "summary": 2.0, "tags": 1.5,
                "slug": 1.5, "body": 1.0, "morph": 0.5}
# Partials included into other pages (Diplodoc's _includes, Microsoft Docs' includes/):
# not answers on their own.
# A section page (index.md, README.md) is searchable when it says something of its own:
# in real help centers many are full articles, in kb's sample they introduce a list.
SECTION_MIN_WORDS = 80
PARTIAL_FOLDERS = re.compile(r"(^|/)(_[^/]*|includes)/")


class SearchIndexError(KBError):
    """The index cannot be built or opened."""


class IndexBusyError(SearchIndexError):
    """Another process is writing the index."""


@dataclass
class Document:
    path: str
    url: str
    lang: str
    title: str
    summary: str
    headings: str
    body: str
    tags: list[str]
    keywords: list[str]
    sections: list[str] = field(default_factory=list)


@dataclass
class Source:
    """An article as the index sees it before reading it: `load` runs only when its
    digest changed, so a rebuild re-analyses only what changed."""

    path: str
    lang: str
    digest: str
    load: Callable[[], Document | None]


def digest_of(*parts: str) -> str:
    return hashlib.sha1("\x1f".join((analysis.VERSION, *parts)).encode("utf-8")).hexdigest()


@dataclass
class BuildReport:
    build_id: str
    path: Path
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    left_out: int = 0  # not in the index: unreadable, or a section page with no text of its own
    languages: dict[str, int] = field(default_factory=dict)


def schema(lang: str) -> fields.Schema:
    text = analysis.analyzer(lang)
    return fields.Schema(
        path=fields.ID(stored=True, unique=True),
        url=fields.STORED(),
        digest=fields.STORED(),
        title=fields.TEXT(analyzer=text, stored=True, field_boost=FIELD_BOOSTS["title"]),
        summary=fields.TEXT(analyzer=text, stored=True, field_boost=FIELD_BOOSTS["summary"]),
        headings=fields.TEXT(analyzer=text, stored=True, field_boost=FIELD_BOOSTS["headings"]),
        body=fields.TEXT(analyzer=text, stored=True, field_boost=FIELD_BOOSTS["body"]),
        keywords=fields.TEXT(analyzer=text, field_boost=FIELD_BOOSTS["keywords"]),
        tags=fields.TEXT(analyzer=text, field_boost=FIELD_BOOSTS["tags"]),
        slug=fields.TEXT(analyzer=text, field_boost=FIELD_BOOSTS["slug"]),
        morph=fields.TEXT(analyzer=analysis.morph_analyzer(lang),
                          field_boost=FIELD_BOOSTS["morph"]),
        spell=fields.TEXT(analyzer=analysis.spelling_analyzer(lang), spelling=True),
        sections=fields.STORED(),  # which sections hold each term: ranking.section_masks
        passages=fields.STORED(),  # each section's first words, for deflection.passages
    )


def sources_from_site(site) -> Iterator[Source]:
    """Every article of a kb site, and the section pages with words of their own, read lazily."""
    from mkdocs.structure.files import get_files

    from kb.articles import INDEX_NAMES, read_article
    from kb.languages import language_of
    from kb.variables import Variables

    variables = Variables(site.config.docs_dir)
    partials = Partials(site.config.docs_dir)

    # plain strings and open(), not pathlib, per file: a rebuild reads every source to
    # find the changed ones, and at 10,000 articles pathlib alone cost a few tenths of a second
    for f in get_files(site.config).documentation_pages(inclusion=lambda i: i.is_included()):
        if PARTIAL_FOLDERS.search(f.src_uri):
            continue
        section = f.src_uri.rsplit("/", 1)[-1] in INDEX_NAMES
        try:
            with open(f.abs_src_path, "rb") as handle:
                raw = handle.read()
        except OSError:
            continue
        lang = language_of(f.src_uri, site.languages, site.default_language)

        def load(file=f.abs_src_path, path=f.src_uri, lang=lang, url=f.url, section=section):
            return _document(read_article(Path(file), path, lang), url, section,
                             variables.for_page(path), partials)

        # the page as it reads with its partials in: a partial's change, or a variable's
        # it uses, re-reads the page
        text = partials.expand(f.src_uri, raw.decode("utf-8", "replace"))
        yield Source(f.src_uri, lang,
                     digest_of(f.url, text, variables.fingerprint(f.src_uri, text)), load)


def _document(article, url: str, section: bool = False,
              variables: Mapping[str, str] | None = None,
              partials: Partials | None = None) -> Document | None:
    """The search document of an article; template variables read as the page shows them,
    and a page of few words of its own with the partials it includes (deflection.partials)."""
    if article.read_error or article.fm.error:
        return None  # `kb check` reports it; the index leaves it out
    meta, variables = article.meta, variables or {}
    body, title = substitute(article.fm.body, variables), substitute(article.title, variables)
    fields_ = extract(body)
    if partials and len(fields_.body.split()) < THIN_WORDS and includes(article.fm.body):
        body = substitute(partials.expand(article.path, article.fm.body), variables)
        fields_ = extract(body)
    if section and len(fields_.body.split()) < SECTION_MIN_WORDS:
        return None  # a section page that only introduces its articles
    # `description` is what Material, Docusaurus and Microsoft Docs call the summary
    summary = next((meta[k] for k in ("summary", "description") if isinstance(meta.get(k), str)),
                   "")
    summary = substitute(summary, variables) or lede(body, fields_, title)
    keywords = meta.get("keywords") if isinstance(meta.get("keywords"), list) else []
    return Document(
        path=article.path, url=url, lang=article.lang,
        title=analysis.normalize(plain_title(title)),
        summary=analysis.normalize(strip_templates(summary)),
        headings=analysis.normalize(fields_.headings), body=analysis.normalize(fields_.body),
        tags=article.tags, keywords=[analysis.normalize(str(k)) for k in keywords],
        sections=[analysis.normalize(s) for s in fields_.sections],
    )


def _fields(doc: Document, digest: str) -> dict:
    return {
        "path": doc.path, "url": doc.url, "digest": digest, "title": doc.title,
        "summary": doc.summary, "headings": doc.headings, "body": doc.body,
        "keywords": "\n".join(doc.keywords), "tags": " ".join(doc.tags),
        "slug": re.sub(r"[-_/.]+", " ", doc.path.rsplit(".", 1)[0]),
        "morph": "\n".join([doc.title, doc.summary, doc.headings, "\n".join(doc.keywords),
                            doc.body]),
        "spell": "\n".join([doc.title, doc.summary, doc.headings, "\n".join(doc.keywords),
                            doc.body]),
        "sections": ranking.section_masks(
            [analysis.terms(s, doc.lang) for s in doc.sections], analysis.morph),
        # the summary speaks with the text before the first heading, as on the page
        "passages": passages.passages(doc.title, [
            f"{doc.summary} {s}" if i == 0 else s
            for i, s in enumerate(doc.sections or [doc.body])]),
    }


@contextmanager
def writer_lock(root: Path) -> Iterator[None]:
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexBusyError(
                f"another kb build or kb index is writing {root} right now; wait for it "
                "to finish and run again") from None
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def current_build(root: Path) -> Path | None:
    link = root / "current"
    if not link.is_symlink() and not link.is_dir():
        return None
    target = link.resolve()
    return target if (target / "build.json").is_file() else None


def _hardlink_copy(source: Path, target: Path) -> None:
    def link(src: str, dst: str) -> None:
        if os.path.basename(src).endswith("WRITELOCK"):
            return
        os.link(src, dst)

    shutil.copytree(source, target, copy_function=link)


def build_index(root: Path, sources: list[Source], languages: list[str],
                progress: Callable[..., None] | None = None,
                vectors: bool = True) -> BuildReport:
    """Write a new build from `sources` (reusing the current one) and make it current. When
    nothing changed, the current build stays current, and nothing is written (not even
    the lock: a read-only index can be checked): readers keep their caches, and a report
    command can bring the index up to date before every run for nothing. With `vectors`
    (and the model installed), each language's articles get their vectors
    (deflection.semantic)."""
    unchanged = _unchanged(root, sources, languages, vectors)
    if unchanged is not None:
        return unchanged
    with writer_lock(root):
        build_id = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S.%fZ")
        target = root / "builds" / build_id
        previous = current_build(root)
        reuse = previous is not None and _manifest(previous).get("analysis") == analysis.VERSION
        known = _manifest(previous).get("digests", {}) if reuse else {}
        report = BuildReport(build_id=build_id, path=target)
        try:
            if reuse:
                _hardlink_copy(previous, target)
                (target / "build.json").unlink()
            else:
                target.mkdir(parents=True)
            by_lang: dict[str, list[Source]] = {}
            for source in sources:
                by_lang.setdefault(source.lang, []).append(source)
            counter = iter(range(1, len(sources) + 1))

            def tick() -> None:
                if progress:
                    progress(next(counter), len(sources))

            digests, left_out, changed = {}, {}, {}
            for lang in sorted(set(by_lang) | {p.name for p in target.iterdir() if p.is_dir()}):
                left_out[lang] = {}
                digests[lang], changed[lang] = _update_language(
                    target / lang, lang, by_lang.get(lang, []), known.get(lang, {}), report,
                    tick, left_out[lang])
                report.languages[lang] = len(digests[lang])
            for lang, articles in digests.items():
                _vectors(target / lang, articles, changed[lang], vectors,
                         (lambda done, total, lang=lang: progress(
                             done, total, f"Embedding {lang} articles")) if progress else None)
            manifest = {"build": build_id, "analysis": analysis.VERSION,
                        "languages": languages, "articles": report.languages,
                        "created": dt.datetime.now(dt.UTC).isoformat(), "digests": digests,
                        "left_out": left_out}
            (target / "build.json").write_text(json.dumps(manifest), encoding="utf-8")
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)  # never current, so nobody reads it
            raise
        _swap(root, target)
        _prune(root, keep={target, previous})
        return report


def _unchanged(root: Path, sources: list[Source], languages: list[str],
               vectors: bool = True) -> BuildReport | None:
    """The current build's report when it already holds `sources` as they are (its
    articles and the pages it left out, same digests, analysis and languages), else None.
    Reads only the manifest of the build `current` points to, which a writer swaps in
    whole."""
    previous = current_build(root)
    if previous is None:
        return None
    manifest = _manifest(previous)
    if manifest.get("analysis") != analysis.VERSION or manifest.get("languages") != languages:
        return None
    known = manifest.get("digests", {})
    seen = {lang: {**d, **manifest.get("left_out", {}).get(lang, {})} for lang, d in known.items()}
    wanted: dict[str, dict[str, str]] = {}
    for source in sources:
        wanted.setdefault(source.lang, {})[source.path] = source.digest
    if {lang: d for lang, d in seen.items() if d} != wanted:
        return None
    if any(semantic.present(previous / lang) != (vectors and semantic.available())
           for lang, d in known.items() if d):
        return None  # vectors wanted and missing or damaged (the model came later), or
        # the reverse
    return BuildReport(build_id=previous.name, path=previous,
                       unchanged=sum(len(d) for d in known.values()),
                       left_out=sum(len(d) for d in manifest.get("left_out", {}).values()),
                       languages={lang: len(d) for lang, d in known.items()})


def _update_language(folder: Path, lang: str, sources: list[Source], old: dict[str, str],
                     report: BuildReport, tick: Callable[[], None],
                     left_out: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """Bring one language's index in line with `sources`; returns path → digest of what it
    holds and path → vector text (deflection.semantic) of what it wrote anew, and puts the
    digests of the sources it leaves out (`_document`) in `left_out`."""
    if folder.is_dir() and index.exists_in(folder):
        ix = index.open_dir(folder)
    else:
        folder.mkdir(exist_ok=True)
        ix = index.create_in(folder, schema(lang))
    current: dict[str, str] = {}
    changed: dict[str, str] = {}  # path → the text of its vector
    writer = ix.writer()
    try:
        for path in old.keys() - {s.path for s in sources}:
            writer.delete_by_term("path", path)
            report.removed += 1
        for source in sources:
            tick()
            if old.get(source.path) == source.digest:
                current[source.path] = source.digest
                report.unchanged += 1
                continue
            doc = source.load()
            if doc is None:
                left_out[source.path] = source.digest
                report.left_out += 1
                if source.path in old:
                    writer.delete_by_term("path", source.path)
                    report.removed += 1
                continue
            document = _fields(doc, source.digest)
            changed[source.path] = semantic.doc_text(document)
            if source.path in old:
                writer.update_document(**document)
                report.updated += 1
            else:
                writer.add_document(**document)
                report.added += 1
            current[source.path] = source.digest
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    return current, changed


def _vectors(folder: Path, articles: Mapping[str, str], changed: dict[str, str], wanted: bool,
             progress: Callable[[int, int], None] | None) -> None:
    """The language's article vectors, or none when not `wanted`."""
    if not wanted:
        semantic.remove_vectors(folder)
        return

    def texts(paths: list[str]) -> dict[str, str]:  # articles a build before the model held
        with index.open_dir(folder).searcher() as searcher:
            return {p: semantic.doc_text(searcher.document(path=p) or {}) for p in paths}

    semantic.write_vectors(folder, list(articles), changed, texts, progress)


def _manifest(build: Path) -> dict:
    try:
        return json.loads((build / "build.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _swap(root: Path, target: Path) -> None:
    tmp = root / f".current.{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(os.path.relpath(target, root), tmp)
    os.replace(tmp, root / "current")


def _prune(root: Path, keep: set[Path | None]) -> None:
    builds = sorted((root / "builds").iterdir())
    for old in builds[: max(0, len(builds) - KEEP_BUILDS)]:
        if old not in keep:
            # best effort: a reader may still hold files of an old build open
            shutil.rmtree(old, ignore_errors=True)
