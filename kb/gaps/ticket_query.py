"""A ticket read as a query of one language's articles (kb.gaps.link scores it): the
subject's terms, then the body's most informative terms the help center knows.

A ticket is long: its query is every term of the subject, plus the body's most
informative terms the help center knows (highest tf × idf), up to the engine's cap of
terms. A subject of nothing but the words of support mail ("Need help", "Вопрос") gives
way to the body's first sentence with two telling words of the help center. A compound
("DNS-rebind") is analysed as its parts and the whole; the whole weighs less, so it is not
counted twice.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from deflection import analysis, own_words

# the search engine's own caps: a ticket links as a search ranks
from deflection.plan import MAX_TERMS, unheld_joins
from kb.gaps.matrix import MORPH, ArticleMatrix
from kb.gaps.redact import without_addresses
from kb.gaps.wording import (
    BODY_CHARS,
    analysed,
    joined_terms,
    question_of,
    ticket_noise,
    written,
)

SUBJECT_WEIGHT = 1.0
BODY_WEIGHT = 0.5  # body terms carry the question less surely than the subject
SUBJECT_CHARS = 1000  # a subject is a line; past this it is pasted text

# A compound's joined form ("dnsrebind" beside "dns", "rebind") weighs this share of its
# IDF: the parts already say it, and an article that writes the parts apart lacks it.
# bench/RESULTS.md, "Gaps linking": against 1 (counted in full, as before), 0.5 put two
# development and held-out tickets right and none wrong.
JOINED_WEIGHT = 0.5

# A subject's own share of its weight counts (when higher than the whole ticket's) from
# this many distinct terms on.
SUBJECT_TERMS = 2


@dataclass
class Query:
    terms: list[str]
    weights: list[float]  # subject / body weight × IDF
    all_terms: tuple[str, ...]  # every term of subject and body, for the topics
    subject_terms: int = 0  # how many of all_terms the subject gave
    text: str = ""  # what the search reads: the subject, then the body's chosen terms
    asked: int = -1  # how many of `terms` (the first ones) ask on their own; -1: all


def bare(q: Query) -> bool:
    """A ticket with no body: the search's question exactly, so the search knows as much."""
    return q.subject_terms == len(q.all_terms)


def ticket_query(model: ArticleMatrix, subject: str, body: str, lang: str,
                 told: bool = False) -> Query:
    """The subject's terms, then the body's most informative known terms; a subject of
    support-mail words only gives way to the body's first sentence that asks and says
    something, else to its first that says more (the body without pleasantries). A
    subject that tells a story (more than MAX_TERMS terms: a question pasted whole, as
    labeled questions and chat transcripts are) is a message: the sentences that ask
    are its subject, the rest joins the body; so does a shorter subject's sentence of
    story ("Port 53 is in use. I already tried restarting": own_words.questions_of)."""
    if not told:
        if len(set(analysed(subject[:SUBJECT_CHARS], lang))) > MAX_TERMS:
            sentences = analysis.sentences(subject[: 100 * BODY_CHARS], lang)
            asked = [s for s in sentences if analysis.asks(s)]
        else:
            sentences, asked = analysis.sentences(subject, lang), []
            if len(sentences) > 1:  # pleasantries first: "could you help me?" asks nothing
                plain = own_words.without_pleasantries(subject, lang,
                                                       model.vocab.__contains__)
                sentences = analysis.sentences(plain, lang)
                asked = own_words.questions_of(plain, lang) or []
        question = " ".join(asked)
        # the asking sentences must say something ("how do I get back in?" does not):
        # two words that tell the help center's articles apart
        if sum(telling(model, t) for t in set(analysed(question, lang))) \
                >= analysis.TELLING_WORDS:
            rest = " ".join(s for s in sentences if s.strip() not in asked)
            return ticket_query(model, question, f"{rest}\n{body}", lang, told=True)
    subject = own_words.question_part(
        without_addresses(subject[:SUBJECT_CHARS]), lang, model.vocab.__contains__,
        lambda term: telling(model, term))
    body = own_words.without_pleasantries(
        without_addresses(body[: 100 * BODY_CHARS]), lang, model.vocab.__contains__)
    subject_terms = analysed(subject, lang)
    unheld = unheld_joins(subject_terms, model.vocab.__contains__, model.synonyms_of)
    subject_terms = [t for t in subject_terms if t not in unheld]
    noise = ticket_noise(lang)
    vague = all(t in noise for t in subject_terms)
    if vague:  # "Need help": the body's sentence that asks is the question
        sentence = question_of(body[:BODY_CHARS], lang, lambda said: sum(
            telling(model, t) for t in set(said) - noise))
        if sentence is not None:
            return ticket_query(model, sentence, body.replace(sentence, " ", 1), lang, told=True)
    body_terms = analysed(body, lang, BODY_CHARS)
    chosen = list(dict.fromkeys(subject_terms))[:MAX_TERMS]
    joined = joined_terms(subject, lang)
    weights = [
        SUBJECT_WEIGHT * model.idf(t) * (JOINED_WEIGHT if t in joined else 1.0) for t in chosen
    ]
    # "Need help" alone answers nothing, nor "Export": one word is a heading
    asked = len(chosen) if not vague and len(chosen) >= SUBJECT_TERMS else 0
    if len(chosen) < MAX_TERMS and body_terms:
        counts = Counter(t for t in body_terms if t not in chosen)
        # only words the help center uses: a customer's name or order number says
        # nothing about which article answers
        known = [
            (c * model.idf(t), t)
            for t, c in counts.items()
            if t in model.vocab or MORPH + analysis.morph(t) in model.vocab
        ]
        known.sort(key=lambda item: (-item[0], item[1]))
        for _, term in known[: MAX_TERMS - len(chosen)]:
            chosen.append(term)
            weights.append(BODY_WEIGHT * model.idf(term))
    text = ""
    if subject_terms:  # the search reads words, as a customer types them
        added = chosen[len(dict.fromkeys(subject_terms)):]
        words = written(body, lang, set(added))
        # a Thai run gives several terms: its words once
        text = " ".join(dict.fromkeys([subject, *(words.get(t, t) for t in added)]))
    elif chosen:  # only the body says something: the search reads its chosen words
        words = written(body, lang, set(chosen))
        text = " ".join(dict.fromkeys(words.get(t, t) for t in chosen))
    return Query(chosen, weights, tuple(subject_terms + body_terms), len(subject_terms), text,
                 asked)


def telling(model: ArticleMatrix, term: str) -> bool:
    """A word that tells the help center's articles apart (analysis.tells)."""
    i = model.vocab.get(term)
    if i is None:
        i = model.vocab.get(MORPH + analysis.morph(term))
    return i is not None and analysis.tells(int(model.df[i]), model.n)
