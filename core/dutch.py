"""Dutch text normalisation shared by the search index, the queries and the matching engine.

PostgreSQL's `dutch` snowball stemmer merges too little (fondsen/fonds, klusjes/klussen) and its
algorithm is due to change, so we lemmatise in Python with a pinned simplemma and fold a few
synonyms. Both databases then index the normalised words with a plain tokenizer and agree.
"""

import re
import unicodedata
from functools import lru_cache

import simplemma

_WORD = re.compile(r"[^\W_]+", re.UNICODE)

# Canonical forms for words the lemmatiser leaves apart although people mean the same thing.
SYNONYMS: dict[str, str] = {
    "klussen": "klus",
    "klusje": "klus",
    "klusjes": "klus",
    "klusser": "klus",
    "mantelzorger": "mantelzorg",
    "mantelzorgster": "mantelzorg",
    "vrijwilligster": "vrijwilliger",
    "oudere": "oud",
    "senior": "oud",
    "bejaarde": "oud",
    "subsidiëring": "subsidie",
    "subsidiering": "subsidie",
    "buddy": "maatje",
    "eenzaam": "eenzaamheid",
    "computer": "ict",
    "digitaal": "ict",
}

# Words too common to help a search; kept short on purpose.
STOPWORDS = frozenset(
    "de het een en of in op te van voor met aan bij door als om dat die dit er is zijn wordt "
    "worden ook nog naar uit over tot je u we wij ze zij hun hen ons onze niet geen wel maar "
    "dan zo al meer veel".split()
)


def fold(word: str) -> str:
    """Strip diacritics so that coöperatie and cooperatie are one word."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=65536)
def normalise_word(word: str) -> str:
    """Lowercase, lemmatise, fold synonyms and diacritics; '' for a stopword."""
    lowered = word.lower()
    if lowered in STOPWORDS:
        return ""
    lemma = simplemma.lemmatize(lowered, lang="nl").lower()
    lemma = SYNONYMS.get(lemma, SYNONYMS.get(lowered, lemma))
    return fold(lemma)


def tokens(text: str | None) -> list[str]:
    """Normalised words of a text, in order, stopwords dropped."""
    if not text:
        return []
    out = []
    for match in _WORD.finditer(text):
        # Split once more after folding: a folded word may still hold odd characters.
        for part in _WORD.findall(normalise_word(match.group())):
            if part.isascii() and part.isalnum():
                out.append(part)
    return out


def normalise(text: str | None) -> str:
    """The normalised text as space-separated ASCII words, ready for indexing."""
    return " ".join(tokens(text))


def query_terms(query: str | None) -> list[str]:
    """Distinct normalised terms of a search query, in order."""
    seen: dict[str, None] = {}
    for term in tokens(query):
        seen.setdefault(term, None)
    return list(seen)
