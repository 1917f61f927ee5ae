"""The organizations' scoring features (``_OrgRec``) on disk as memory-mapped numpy arrays.

An index directory holds, beside the tantivy index, a *base* of compact columns written once by a
build (``FeatureWriter``, streaming: one record at a time into typed arrays, never a Python object
per organization) and a *delta* log of the records changed since (one JSON line per upsert or
delete, appended at each commit). Opening an index maps the base files read-only
(``np.load(mmap_mode="r")``, milliseconds whatever the size) and replays the delta; a record is
built only when a search reads it, from the arrays, with exactly the values the build computed.
See docs/decisions/0020-matching-index-on-disk.md.

Base layout (``features-<token>/``, named by the pointer file ``features.json``), n records in
insertion order::

    keys.npy u8[n]  order.npy i8[n] + sorted_keys.npy u8[n] (for key lookups)  id_off.npy i8[n+1] + ids.bin
    city/province/kind i4[n] (indices into strings.json)  kb/verified u1[n]  cert/track i8[n]
    cap_ptr i8[n+1]; per capability: cap_code i4, cap_w f8, cap_decl u1, ev_ptr i8[m+1]; ev_word i4
    vec f4[n, d] and has_vec u1[n] (only when embeddings were computed)

Without a directory (an in-RAM index) the store keeps every record in a dict, as before.
"""

from __future__ import annotations

import base64
import json
import os
import time
from array import array
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from .documents import _OrgRec, org_key

FORMAT = 1
POINTER = "features.json"
DELTA = "delta.jsonl"
NO_CERT = -1
#: records built from the arrays kept for reuse (about 1-2 KB each); cleared when full
CACHE_SIZE = 20_000


def _load(path: Path) -> np.ndarray:
    """A column mapped read-only, as a plain ndarray view of the mapping (slicing an ``np.memmap``
    builds a memmap object each time, several times slower)."""
    try:
        return np.load(path, mmap_mode="r").view(np.ndarray)
    except ValueError:  # an empty array cannot be mapped
        return np.load(path)


def _rec(oid: str, key: int, city, province, kind, kb, cert, caps, track, verified) -> _OrgRec:
    r = _OrgRec.__new__(_OrgRec)
    r.id, r.key, r.city, r.province, r.kind = oid, key, city, province, kind
    r.kb, r.cert, r.caps, r.track, r.verified = kb, cert, caps, track, verified
    return r


def rec_to_json(rec: _OrgRec, vec: np.ndarray | None = None) -> dict[str, Any]:
    out = {
        "id": rec.id,
        "city": rec.city,
        "province": rec.province,
        "kind": rec.kind,
        "kb": rec.kb,
        "cert": rec.cert,
        "caps": [[c, w, d, list(ev)] for c, (w, d, ev) in rec.caps.items()],
        "track": rec.track,
        "verified": rec.verified,
    }
    if vec is not None:
        out["vec"] = base64.b64encode(np.asarray(vec, dtype=np.float32).tobytes()).decode("ascii")
    return out


def rec_from_json(data: Mapping[str, Any]) -> tuple[_OrgRec, np.ndarray | None]:
    caps = {c: (float(w), bool(d), list(ev)) for c, w, d, ev in data["caps"]}
    rec = _rec(
        data["id"],
        org_key(data["id"]),
        data["city"],
        data["province"],
        data["kind"],
        bool(data["kb"]),
        data["cert"],
        caps,
        int(data["track"]),
        bool(data["verified"]),
    )
    vec = np.frombuffer(base64.b64decode(data["vec"]), dtype=np.float32) if data.get("vec") else None
    return rec, vec


class FeatureWriter:
    """Writes a base: records are appended to typed arrays (no object per record is kept)."""

    def __init__(self, root: Path):
        self.root = root
        self.token = f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**9}"
        self._strings: dict[str, int] = {}
        self.keys = array("Q")
        self.ids = bytearray()
        self.id_off = array("q", [0])
        self.city, self.province, self.kind = array("i"), array("i"), array("i")
        self.kb, self.verified = array("B"), array("B")
        self.cert, self.track = array("q"), array("q")
        self.cap_ptr = array("q", [0])
        self.cap_code, self.cap_w, self.cap_decl = array("i"), array("d"), array("B")
        self.ev_ptr = array("q", [0])
        self.ev_word = array("i")
        self.vecs: list[np.ndarray] = []  # only with embeddings (small sets in practice)
        self.has_vec = array("B")

    def _s(self, text: str) -> int:
        i = self._strings.get(text)
        if i is None:
            i = self._strings[text] = len(self._strings)
        return i

    def __len__(self) -> int:
        return len(self.keys)

    def add(self, rec: _OrgRec, vec: np.ndarray | None = None) -> None:
        self.keys.append(rec.key)
        self.ids += rec.id.encode("utf-8")
        self.id_off.append(len(self.ids))
        self.city.append(self._s(rec.city))
        self.province.append(self._s(rec.province))
        self.kind.append(self._s(rec.kind))
        self.kb.append(1 if rec.kb else 0)
        self.verified.append(1 if rec.verified else 0)
        self.cert.append(NO_CERT if rec.cert is None else rec.cert)
        self.track.append(rec.track)
        for code, (w, declared, ev) in rec.caps.items():
            self.cap_code.append(self._s(code))
            self.cap_w.append(w)
            self.cap_decl.append(1 if declared else 0)
            for word in ev:
                self.ev_word.append(self._s(word))
            self.ev_ptr.append(len(self.ev_word))
        self.cap_ptr.append(len(self.cap_code))
        self.has_vec.append(0 if vec is None else 1)
        if vec is not None:
            self.vecs.append(np.asarray(vec, dtype=np.float32))

    def finish(self) -> str:
        """Write the files and point the directory at them; returns the base's directory name."""
        name = f"features-{self.token}"
        tmp = self.root / f".{name}.tmp"
        tmp.mkdir(parents=True, exist_ok=True)
        keys = np.frombuffer(self.keys, dtype=np.uint64) if self.keys else np.zeros(0, np.uint64)
        order = np.argsort(keys, kind="stable").astype(np.int64)
        cols: dict[str, np.ndarray] = {
            "keys": keys,
            "order": order,
            "sorted_keys": keys[order],
            "id_off": np.array(self.id_off, dtype=np.int64),
            "city": np.array(self.city, dtype=np.int32),
            "province": np.array(self.province, dtype=np.int32),
            "kind": np.array(self.kind, dtype=np.int32),
            "kb": np.array(self.kb, dtype=np.uint8),
            "verified": np.array(self.verified, dtype=np.uint8),
            "cert": np.array(self.cert, dtype=np.int64),
            "track": np.array(self.track, dtype=np.int64),
            "cap_ptr": np.array(self.cap_ptr, dtype=np.int64),
            "cap_code": np.array(self.cap_code, dtype=np.int32),
            "cap_w": np.array(self.cap_w, dtype=np.float64),
            "cap_decl": np.array(self.cap_decl, dtype=np.uint8),
            "ev_ptr": np.array(self.ev_ptr, dtype=np.int64),
            "ev_word": np.array(self.ev_word, dtype=np.int32),
            "has_vec": np.array(self.has_vec, dtype=np.uint8),
        }
        if self.vecs:
            dim = self.vecs[0].shape[0]
            mat = np.zeros((len(self.keys), dim), dtype=np.float32)
            rows = np.flatnonzero(cols["has_vec"])
            mat[rows] = np.stack(self.vecs)
            cols["vec"] = mat
        for col, arr in cols.items():
            np.save(tmp / f"{col}.npy", arr)
        (tmp / "ids.bin").write_bytes(bytes(self.ids))
        (tmp / "strings.json").write_text(json.dumps(list(self._strings), ensure_ascii=False), encoding="utf-8")
        final = self.root / name
        tmp.replace(final)
        pointer = self.root / f".{POINTER}.{os.getpid()}.tmp"
        pointer.write_text(json.dumps({"format": FORMAT, "base": name, "count": len(self.keys)}), encoding="utf-8")
        pointer.replace(self.root / POINTER)
        return name


class _Base:
    """A written base, memory-mapped."""

    def __init__(self, path: Path):
        self.path = path
        cols = [
            "keys",
            "order",
            "sorted_keys",
            "id_off",
            "city",
            "province",
            "kind",
            "kb",
            "verified",
            "cert",
            "track",
            "cap_ptr",
            "cap_code",
            "cap_w",
            "cap_decl",
            "ev_ptr",
            "ev_word",
            "has_vec",
        ]
        for col in cols:
            setattr(self, col, _load(path / f"{col}.npy"))
        self.vec = _load(path / "vec.npy") if (path / "vec.npy").exists() else None
        with open(path / "ids.bin", "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
        self.ids = np.memmap(path / "ids.bin", dtype=np.uint8, mode="r") if size else np.zeros(0, np.uint8)
        self.ids = self.ids.view(np.ndarray)
        self.strings: list[str] = json.loads((path / "strings.json").read_text(encoding="utf-8"))
        self.n = len(self.keys)

    def row_of_key(self, key: int) -> int:
        """The row holding `key`, or -1 (a binary search of the mapped sorted keys: it touches
        about 17 pages, not the whole column)."""
        i = int(np.searchsorted(self.sorted_keys, np.uint64(key)))
        if i < self.n and int(self.sorted_keys[i]) == key:
            return int(self.order[i])
        return -1

    def id_at(self, row: int) -> str:
        a, b = int(self.id_off[row]), int(self.id_off[row + 1])
        return bytes(self.ids[a:b]).decode("utf-8")

    def record(self, row: int) -> _OrgRec:
        s = self.strings
        c0, c1 = int(self.cap_ptr[row]), int(self.cap_ptr[row + 1])
        codes = self.cap_code[c0:c1].tolist()
        weights = self.cap_w[c0:c1].tolist()
        decl = self.cap_decl[c0:c1].tolist()
        ev_ptr = self.ev_ptr[c0 : c1 + 1].tolist()
        words = self.ev_word[ev_ptr[0] : ev_ptr[-1]].tolist() if c1 > c0 else []
        base = ev_ptr[0]
        caps = {}
        for i, code in enumerate(codes):
            ev = [s[w] for w in words[ev_ptr[i] - base : ev_ptr[i + 1] - base]]
            caps[s[code]] = (weights[i], bool(decl[i]), ev)
        cert = int(self.cert[row])
        return _rec(
            self.id_at(row),
            int(self.keys[row]),
            s[int(self.city[row])],
            s[int(self.province[row])],
            s[int(self.kind[row])],
            bool(self.kb[row]),
            None if cert == NO_CERT else cert,
            caps,
            int(self.track[row]),
            bool(self.verified[row]),
        )

    def vector(self, row: int) -> np.ndarray | None:
        if self.vec is None or not self.has_vec[row]:
            return None
        return self.vec[row]


class FeatureStore:
    """The records of an engine: ``records`` (id -> ``_OrgRec``) and ``ids_by_key`` (key -> id)
    are the mappings the scoring reads; ``put``/``remove`` change them (and the delta log)."""

    def __init__(self, root: Path | None):
        self.root = root
        self._base: _Base | None = None
        self._over: dict[str, _OrgRec | None] = {}  # id -> record (None: removed) since the base
        self._over_keys: dict[int, str | None] = {}
        self._cache: dict[str, _OrgRec] = {}  # id -> record built from the base
        self._key_cache: dict[int, str] = {}  # key -> id found in the base
        self._count = 0
        self._pending: list[str] = []  # delta lines not yet written (flushed by commit())
        self.records = _View(lambda oid: self.get(oid) if isinstance(oid, str) else None, self._ids, self.__len__)
        self.ids_by_key = _View(self.id_of_key, lambda: (org_key(oid) for oid in self._ids()), self.__len__)

    # -- opening ------------------------------------------------------------------------------
    def open(self) -> dict[str, np.ndarray]:
        """Map the base and replay the delta; returns the vectors of the records that have one
        (the engine keeps those for its embedding matrix)."""
        self._base, self._over, self._over_keys, self._cache, self._key_cache = None, {}, {}, {}, {}
        self._count = 0
        if self.root is None:
            return {}
        try:
            pointer = json.loads((self.root / POINTER).read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return {}
        if pointer.get("format") != FORMAT:
            return {}
        base = _Base(self.root / pointer["base"])
        self._base, self._count = base, base.n
        vectors: dict[str, np.ndarray] = {}
        if base.vec is not None:
            for row in np.flatnonzero(base.has_vec):
                vectors[base.id_at(int(row))] = base.vec[int(row)]
        try:
            with open(base.path / DELTA, encoding="utf-8") as fh:
                for line in fh:
                    entry = json.loads(line)
                    if "delete" in entry:
                        self._set(entry["delete"], None)
                        vectors.pop(entry["delete"], None)
                    else:
                        rec, vec = rec_from_json(entry)
                        self._set(rec.id, rec)
                        vectors.pop(rec.id, None)
                        if vec is not None:
                            vectors[rec.id] = vec
        except FileNotFoundError:
            pass
        return vectors

    @property
    def has_base(self) -> bool:
        return self._base is not None

    def exists(self) -> bool:
        return self.root is not None and (self.root / POINTER).exists()

    # -- reading ------------------------------------------------------------------------------
    def _base_row(self, oid: str) -> int:
        if self._base is None:
            return -1
        row = self._base.row_of_key(org_key(oid))
        if row < 0 or self._base.id_at(row) != oid:
            return -1
        return row

    def get(self, oid: str) -> _OrgRec | None:
        if oid in self._over:
            return self._over[oid]
        rec = self._cache.get(oid)
        if rec is not None:
            return rec
        row = self._base_row(oid)
        if row < 0:
            return None
        if len(self._cache) >= CACHE_SIZE:
            self._cache.clear()
        rec = self._cache[oid] = self._base.record(row)
        return rec

    def id_of_key(self, key: int) -> str | None:
        if key in self._over_keys:
            return self._over_keys[key]
        oid = self._key_cache.get(key)
        if oid is not None or self._base is None:
            return oid
        row = self._base.row_of_key(key)
        if row < 0:
            return None
        if len(self._key_cache) >= CACHE_SIZE:
            self._key_cache.clear()
        oid = self._key_cache[key] = self._base.id_at(row)
        return oid

    def __len__(self) -> int:
        return self._count

    def _ids(self):
        """Every id in the store (the base's rows, then the records added since)."""
        seen = set()
        if self._base is not None:
            for row in range(self._base.n):
                oid = self._base.id_at(row)
                seen.add(oid)
                if self.get(oid) is not None:
                    yield oid
        for oid, rec in list(self._over.items()):
            if rec is not None and oid not in seen:
                yield oid

    # -- writing ------------------------------------------------------------------------------
    def _set(self, oid: str, rec: _OrgRec | None) -> None:
        had = self.get(oid) is not None
        self._over[oid] = rec
        self._over_keys[org_key(oid)] = oid if rec is not None else None
        self._count += (rec is not None) - had

    def put(self, rec: _OrgRec, vec: np.ndarray | None = None) -> None:
        self._set(rec.id, rec)
        if self._base is not None:
            self._pending.append(json.dumps(rec_to_json(rec, vec), ensure_ascii=False))

    def remove(self, oid: str) -> bool:
        had = self.get(oid) is not None
        self._set(oid, None)
        if self._base is not None:
            self._pending.append(json.dumps({"delete": oid}, ensure_ascii=False))
        return had

    def commit(self) -> None:
        """Append the pending changes to the delta log (one write)."""
        if not self._pending or self._base is None:
            self._pending.clear()
            return
        text = "".join(line + "\n" for line in self._pending)
        with open(self._base.path / DELTA, "a", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        self._pending.clear()

    def writer(self) -> FeatureWriter:
        if self.root is None:
            raise ValueError("an in-RAM index has no base to write")
        self.root.mkdir(parents=True, exist_ok=True)
        return FeatureWriter(self.root)


class _View(Mapping):
    """A read-only mapping over a store: ``lookup(key)`` gives the value or None; ``keys_of()``
    iterates the keys (``Engine._orgs``: id -> ``_OrgRec``; ``Engine._by_key``: key -> id)."""

    def __init__(self, lookup, keys_of, size):
        self._lookup, self._keys_of, self._size = lookup, keys_of, size

    def get(self, key, default=None):
        value = self._lookup(key)
        return default if value is None else value

    def __getitem__(self, key):
        value = self._lookup(key)
        if value is None:
            raise KeyError(key)
        return value

    def __contains__(self, key) -> bool:
        return self._lookup(key) is not None

    def __len__(self) -> int:
        return self._size()

    def __iter__(self):
        return iter(self._keys_of())
