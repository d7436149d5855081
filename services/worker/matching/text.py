"""Dutch text similarity on the normalised words (hashed TF-IDF, cosine)."""

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer

_VECTORIZER = HashingVectorizer(analyzer=str.split, n_features=2**18, alternate_sign=False,
                                norm=None)


def vectorise(*corpora: list[str]) -> list[sparse.csr_matrix]:
    """L2-normalised TF-IDF rows for each corpus, with IDF learnt over all of them together."""
    width = _VECTORIZER.n_features
    counts = [_VECTORIZER.transform(corpus) if len(corpus) else
              sparse.csr_matrix((0, width), dtype=np.float64) for corpus in corpora]
    stacked = sparse.vstack(counts)
    if stacked.shape[0] == 0:
        return [c.tocsr() for c in counts]
    tfidf = TfidfTransformer(sublinear_tf=True).fit(stacked)
    return [tfidf.transform(c).tocsr() if c.shape[0] else c.tocsr() for c in counts]


def pair_cosine(left: sparse.csr_matrix, right: sparse.csr_matrix, li: np.ndarray,
                ri: np.ndarray, chunk: int = 200_000) -> np.ndarray:
    """Cosine similarity of row li[k] of left with row ri[k] of right, for every k."""
    out = np.empty(len(li), dtype=np.float32)
    for start in range(0, len(li), chunk):
        a = left[li[start:start + chunk]]
        b = right[ri[start:start + chunk]]
        out[start:start + chunk] = np.asarray(a.multiply(b).sum(axis=1)).ravel()
    return out
