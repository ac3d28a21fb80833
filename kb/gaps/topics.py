"""Recurring ticket topics: link first, then group what no article answers.

Tickets linked to the same article form that article's topic: wording alone would
split "charged twice" from "invoice is wrong", which one billing article answers.
The tickets no article answers are grouped by wording, per language: TF-IDF over the
terms the search analyzers produced (stemmed, stop words out; the helpdesk's tags
added as features), cut to a few hundred dimensions, then average-linkage clustering
under a cosine distance threshold, so the number of topics comes from the data. Past
a few thousand tickets, MiniBatchKMeans first condenses them into many small groups
that the same clustering then merges. Groups under `min_size` tickets are one-offs,
not topics.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from deflection import analysis
from kb.gaps.link import Linked
from kb.gaps.model import Ticket
from kb.gaps.wording import terms

MIN_SIZE = 3
DISTANCE = 0.75  # cosine distance under which two groups of wording are one topic
MEMBER_SIMILARITY = 0.2  # a ticket this far from its topic's centre is a one-off
DIRECT_LIMIT = 2000  # up to here tickets are clustered one by one
MICRO_SIZE = 20  # tickets per MiniBatchKMeans group past DIRECT_LIMIT
MAX_MICRO = 300
DIMENSIONS = 64
IDF_FLOOR = 0.1  # a term every ticket shares still counts a little (one topic only)
TAG_WEIGHT = 0.5  # tags weigh a fifth of the wording (0.5² against 1): a hint, not a topic
LABEL_TERMS = 3
SUBJECTS = 3


@dataclass
class Group:
    """A recurring topic before its verdict: its tickets (indexes into the input)."""

    lang: str
    members: list[int]
    article: str | None
    label: str = ""
    subjects: list[str] = field(default_factory=list)
    # members that belong here through their topic's wording, not their own link
    joined: set[int] = field(default_factory=set)
    # what the shared wording of a group found by wording links to: (article, score)
    wording: tuple[str | None, float] | None = None


def find_topics(
    tickets: Sequence[Ticket],
    links: Sequence[Linked],
    titles: dict[str, str] | None = None,
    min_size: int = MIN_SIZE,
    seed: int = 0,
    articles: Sequence[str | None] | None = None,
    frequencies: Callable[[str], TicketFrequency] | None = None,
) -> list[Group]:
    """The recurring topics of `tickets` (aligned with `links`), labelled. `articles`, when
    given, says which article's topic each ticket belongs to (default: its link's);
    `frequencies`, each language's ticket frequencies (default: counted here)."""
    groups: list[Group] = []
    by_article: dict[tuple[str, str], list[int]] = {}
    unanswered: dict[str, list[int]] = {}
    for i, link in enumerate(links):
        article = link.article if articles is None else articles[i]
        if article is not None:
            by_article.setdefault((link.lang, article), []).append(i)
        else:
            unanswered.setdefault(link.lang, []).append(i)
    df = frequencies or ticket_frequencies(links, seed)
    for (lang, article), members in sorted(by_article.items()):
        if len(members) >= min_size:
            group = Group(lang, members, article)
            group.label = (titles or {}).get(article) or _label(
                tickets, links, members, lang, df(lang)
            )
            groups.append(group)
    for lang, members in sorted(unanswered.items()):
        for cluster in cluster_by_wording(tickets, links, members, min_size, seed, df(lang)):
            group = Group(lang, cluster, None)
            group.label = _label(tickets, links, cluster, lang, df(lang))
            groups.append(group)
    for group in groups:
        group.subjects = representative_subjects(tickets, links, group.members)
    _unique_labels(groups)
    return groups


def _features(
    tickets: Sequence[Ticket],
    links: Sequence[Linked],
    members: list[int],
    df: TicketFrequency | None,
):
    """TF-IDF rows: subject terms count twice; IDF from all of the language's tickets
    (`df`), so greetings and signatures every ticket shares weigh nothing even when
    few tickets are left to cluster."""
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    words = TfidfVectorizer(
        analyzer=_identity,
        sublinear_tf=True,
        min_df=2,
        use_idf=df is None,
        norm=None,
        dtype=np.float32,
    )
    docs = [links[i].terms[: links[i].subject_terms] + links[i].terms for i in members]
    try:
        x = words.fit_transform(docs)
    except ValueError:  # no term shared by two tickets
        return None
    if df is not None:
        n = df.total_docs
        idf = np.array(
            [
                math.log((1 + n) / (1 + df.get(t, 0))) + IDF_FLOOR
                for t in words.get_feature_names_out()
            ],
            dtype=np.float32,
        )
        x = (x @ sparse.diags(idf)).tocsr()
    if any(tickets[i].tags for i in members):
        tags = TfidfVectorizer(analyzer=_identity, min_df=2, dtype=np.float32)
        try:
            t = tags.fit_transform([tickets[i].tags for i in members]) * TAG_WEIGHT
            x = sparse.hstack([normalize(x), t]).tocsr()
        except ValueError:  # no tag on two tickets
            pass
    return normalize(x)


def _identity(items):
    return list(items)


def cluster_by_wording(
    tickets: Sequence[Ticket],
    links: Sequence[Linked],
    members: list[int],
    min_size: int = MIN_SIZE,
    seed: int = 0,
    df: TicketFrequency | None = None,
) -> list[list[int]]:
    """Groups of `members` (indexes) that share wording, each of at least `min_size`."""
    if len(members) < min_size:
        return []
    x = _features(tickets, links, members, df)
    if x is None or x.shape[1] < 2:
        return []
    vectors = _reduced(x, seed)
    # a ticket sharing no term with any other is a one-off (and has no direction)
    worded = np.flatnonzero(np.linalg.norm(vectors, axis=1) > 0)
    if len(worded) < min_size:
        return []
    vectors = vectors[worded]
    members = [members[i] for i in worded]
    labels = _cluster(vectors, seed)
    out = []
    for label in np.unique(labels):
        rows = np.flatnonzero(labels == label)
        if len(rows) < min_size:
            continue
        centre = vectors[rows].mean(axis=0)
        centre /= np.linalg.norm(centre) or 1.0
        # float32 matmul now and then warns "invalid value" on finite unit vectors (a BLAS
        # kernel's spurious flag; seen once in about ten runs): float64 gives the same
        # similarities without it
        close = rows[vectors[rows].astype(np.float64) @ centre.astype(np.float64)
                     >= MEMBER_SIMILARITY]
        if len(close) >= min_size:
            out.append([members[r] for r in close])
    out.sort(key=lambda c: (-len(c), c[0]))
    return out


def _reduced(x, seed: int) -> np.ndarray:
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize

    k = min(DIMENSIONS, x.shape[1] - 1, x.shape[0] - 1)
    if k >= 2 and x.shape[1] > DIMENSIONS:
        x = TruncatedSVD(n_components=k, n_iter=3, random_state=seed).fit_transform(x)
    else:
        x = x.toarray()
    return normalize(x).astype(np.float32)


def _cluster(vectors: np.ndarray, seed: int) -> np.ndarray:
    """A topic number per row; the number of topics comes from DISTANCE."""
    from sklearn.cluster import AgglomerativeClustering, MiniBatchKMeans

    n = len(vectors)
    if n <= DIRECT_LIMIT:
        units, assign = vectors, np.arange(n)
    else:
        k = min(MAX_MICRO, n // MICRO_SIZE)
        km = MiniBatchKMeans(
            n_clusters=k,
            init="random",
            random_state=seed,
            n_init=1,
            batch_size=4096,
            max_iter=5,
        )
        assign = km.fit_predict(vectors)
        units = km.cluster_centers_
        units = units / np.maximum(np.linalg.norm(units, axis=1, keepdims=True), 1e-9)
    if len(units) < 2:
        return np.zeros(n, dtype=np.int64)
    merged = AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=DISTANCE
    ).fit_predict(units)
    return merged[assign]


def _surface_words(texts: list[str], lang: str) -> dict[str, str]:
    """Stemmed term → the word customers wrote most often for it."""
    seen: dict[str, Counter] = {}
    for text in texts:
        for word in analysis.words(text, lang):
            for term in terms(word, lang):
                seen.setdefault(term, Counter())[word] += 1
    return {term: counts.most_common(1)[0][0] for term, counts in seen.items()}


class TicketFrequency(Counter):
    total_docs: int = 0  # tickets counted (a sample past DF_SAMPLE)
    tickets: int = 0  # all of the language's tickets


DF_SAMPLE = 5000


def ticket_frequencies(links: Sequence[Linked], seed: int = 0) -> Callable[[str], TicketFrequency]:
    """Each language's ticket frequencies, counted once, when first asked for."""
    found: dict[str, TicketFrequency] = {}

    def of(lang: str) -> TicketFrequency:
        if lang not in found:
            found[lang] = ticket_frequency(links, lang, seed)
        return found[lang]

    return of


def ticket_frequency(links: Sequence[Linked], lang: str, seed: int) -> TicketFrequency:
    """How many of (a sample of) the language's tickets use each term."""
    import random

    rows = [i for i, link in enumerate(links) if link.lang == lang]
    df = TicketFrequency()
    df.tickets = len(rows)
    if len(rows) > DF_SAMPLE:
        rows = random.Random(seed).sample(rows, DF_SAMPLE)
    for i in rows:
        df.update(set(links[i].terms))
    df.total_docs = len(rows)
    return df


def _label(
    tickets: Sequence[Ticket],
    links: Sequence[Linked],
    members: list[int],
    lang: str,
    df: TicketFrequency,
) -> str:
    """The topic's most frequent subject terms, as customers spell them; from redacted
    subjects, so no address or number can become a label."""
    from kb.gaps.redact import without_personal

    subjects = [without_personal(tickets[i].subject) for i in members[:200]]
    counts: Counter = Counter()
    for subject in subjects:
        counts.update(set(terms(subject, lang)))
    # distinctive: frequent here, rare among the language's tickets (df from a sample)
    n = max(1, df.total_docs)
    ranked = sorted(
        (
            (c * math.log(1 + n / (1 + df.get(t, 0))), t)
            for t, c in counts.items()
            if c >= 2 and not t.isdigit()
        ),
        reverse=True,
    )
    top = [t for _, t in ranked[: LABEL_TERMS * 3]]
    if not top:
        return " ".join(subjects[0].split())[:80] or "(no subject)"
    surface = _surface_words(subjects[:50], lang)
    return " ".join(list(dict.fromkeys(surface.get(t, t) for t in top))[:LABEL_TERMS])


def representative_subjects(
    tickets: Sequence[Ticket], links: Sequence[Linked], members: list[int], limit: int = SUBJECTS
) -> list[str]:
    """The subjects that share the most terms with the rest of the topic, redacted."""
    from kb.gaps.redact import redact

    counts: Counter = Counter()
    for i in members:
        counts.update(set(links[i].terms))
    scored = []
    for i in members[:500]:
        terms = set(links[i].terms)
        if terms and tickets[i].subject.strip():
            scored.append((-sum(counts[t] for t in terms) / len(terms), tickets[i].subject))
    scored.sort()
    out: list[str] = []
    for _, subject in scored:
        text = redact(" ".join(subject.split()))[:120]
        if text not in out:
            out.append(text)
        if len(out) == limit:
            break
    return out


def _unique_labels(groups: list[Group]) -> None:
    """Labels name topics in the tickets list: two topics never share one."""
    seen: Counter = Counter()
    for group in groups:
        seen[group.label] += 1
        if seen[group.label] > 1:
            group.label = f"{group.label} ({seen[group.label]})"
