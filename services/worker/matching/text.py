"""Dutch text similarity on the normalised words (hashed TF-IDF, cosine).

The IDF weights are fitted once per vocabulary version on a reference corpus (the vocabulary's
labels and the demo data, see bench/text_weights.py) and shipped as text_weights.json. Every
run, targeted or full, weighs words the same way, so a pair's score never depends on which
other needs happened to be in the run.
"""

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.preprocessing import normalize

WEIGHTS_FILE = Path(__file__).with_name("text_weights.json")

_VECTORIZER = HashingVectorizer(analyzer=str.split, n_features=2**18, alternate_sign=False,
                                norm=None)


@dataclass(frozen=True)
class TextWeights:
    """Inverse document frequencies of a reference corpus, for one vocabulary version."""

    version: str
    documents: int
    idf: dict[str, float]
    _vector: list = field(default_factory=list, compare=False, repr=False)

    @property
    def unseen(self) -> float:
        """A word the reference corpus never had is as telling as the rarest one."""
        return float(np.log(1 + self.documents) + 1)

    def vector(self) -> np.ndarray:
        """The IDF per hashed column (unseen words get the highest weight)."""
        if not self._vector:
            out = np.full(_VECTORIZER.n_features, self.unseen)
            if self.idf:
                words = list(self.idf)
                columns = _VECTORIZER.transform(words).indices
                out[columns] = [self.idf[w] for w in words]
            self._vector.append(out)
        return self._vector[0]

    def to_json(self) -> str:
        return json.dumps({"version": self.version, "documents": self.documents,
                           "idf": dict(sorted(self.idf.items()))},
                          ensure_ascii=False, indent=0) + "\n"


def fit(documents: list[str], version: str) -> TextWeights:
    """Smoothed IDF (as scikit-learn computes it) of every word in the normalised documents."""
    frequency: dict[str, int] = {}
    for doc in documents:
        for word in set(doc.split()):
            frequency[word] = frequency.get(word, 0) + 1
    n = len(documents)
    idf = {w: round(float(np.log((1 + n) / (1 + df)) + 1), 6) for w, df in frequency.items()}
    return TextWeights(version, n, idf)


@cache
def stored() -> TextWeights:
    """The shipped weights."""
    raw = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
    return TextWeights(raw["version"], raw["documents"], raw["idf"])


def vectorise(*corpora: list[str], weights: TextWeights | None = None
              ) -> list[sparse.csr_matrix]:
    """L2-normalised TF-IDF rows (sublinear term frequency) for each corpus, weighed by the
    fixed weights rather than by the corpora themselves."""
    idf = (weights or stored()).vector()
    out = []
    for corpus in corpora:
        if not len(corpus):
            out.append(sparse.csr_matrix((0, _VECTORIZER.n_features), dtype=np.float64))
            continue
        counts = _VECTORIZER.transform(corpus).tocsr()
        counts.data = (1 + np.log(counts.data)) * idf[counts.indices]
        out.append(normalize(counts, norm="l2", copy=False))
    return out


def pair_cosine(left: sparse.csr_matrix, right: sparse.csr_matrix, li: np.ndarray,
                ri: np.ndarray, chunk: int = 200_000) -> np.ndarray:
    """Cosine similarity of row li[k] of left with row ri[k] of right, for every k."""
    out = np.empty(len(li), dtype=np.float32)
    for start in range(0, len(li), chunk):
        a = left[li[start:start + chunk]]
        b = right[ri[start:start + chunk]]
        out[start:start + chunk] = np.asarray(a.multiply(b).sum(axis=1)).ravel()
    return out
