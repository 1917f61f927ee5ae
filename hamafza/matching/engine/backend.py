"""Index backends: where organization documents are stored and searched.

:class:`IndexBackend` is the interface the engine uses; :class:`TantivyBackend` implements it with
an embedded tantivy index (on disk under a directory, or in RAM). Terms are produced by the
engine's own analysis (:mod:`.analysis`), so the tantivy fields use the ``whitespace`` tokenizer
and receive pre-analysed, space-separated terms: the backend never tokenizes language itself,
which is what makes it swappable (a PostgreSQL or OpenSearch backend would index the same terms).
"""

from __future__ import annotations

import abc
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tantivy


@dataclass
class IndexDoc:
    key: int  # stable 63-bit key derived from the organization id
    id: str
    text_terms: list[str]
    cap_terms: list[str]
    province: str
    kind: str
    knowledge_based: bool
    cert_until: int | None  # date ordinal, None = unknown/valid
    payload: dict[str, Any]  # everything needed to rebuild the engine's in-memory features
    vector: bytes | None = None


@dataclass
class Filter:
    """Hard eligibility filter pushed down into the index query."""

    provinces: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    knowledge_based_only: bool = False
    cert_valid_on: int | None = None  # date ordinal


class IndexBackend(abc.ABC):
    """What the matching engine needs from a full-text index."""

    @abc.abstractmethod
    def add(self, docs: Iterable[IndexDoc]) -> None: ...

    @abc.abstractmethod
    def delete(self, org_id: str) -> None: ...

    @abc.abstractmethod
    def delete_all(self) -> None: ...

    @abc.abstractmethod
    def commit(self) -> None: ...

    @abc.abstractmethod
    def search(
        self, field_name: str, terms: dict[str, float], flt: Filter | None, limit: int
    ) -> list[tuple[int, float]]:
        """(key, score) of the best documents for weighted should-terms on one field."""

    @abc.abstractmethod
    def doc_freq(self, field_name: str, term: str) -> int: ...

    @abc.abstractmethod
    def num_docs(self) -> int: ...

    @abc.abstractmethod
    def get_payload(self, org_id: str, key: int | None = None) -> dict[str, Any] | None:
        """The stored payload; ``key`` lets a backend reuse a location seen in a recent search."""

    @abc.abstractmethod
    def iter_stored(self) -> Iterator[tuple[dict[str, Any], bytes | None]]:
        """Every stored (payload, vector), one at a time, as of the call (later writes and commits
        do not change what it yields) — used to re-derive features."""

    def close(self) -> None:  # noqa: B027 - optional hook  # pragma: no cover - optional
        pass


class TantivyBackend(IndexBackend):
    WRITER_HEAP = 128_000_000

    def __init__(self, path: str | os.PathLike | None = None):
        sb = tantivy.SchemaBuilder()
        sb.add_unsigned_field("key", stored=False, indexed=True, fast=True)
        sb.add_text_field("id", stored=False, tokenizer_name="raw", index_option="basic")
        sb.add_text_field("text", stored=False, tokenizer_name="whitespace", index_option="freq")
        sb.add_text_field("caps", stored=False, tokenizer_name="whitespace", index_option="freq")
        sb.add_text_field("province", stored=False, tokenizer_name="raw", index_option="basic")
        sb.add_text_field("kind", stored=False, tokenizer_name="raw", index_option="basic")
        sb.add_unsigned_field("kb", stored=False, indexed=True, fast=True)
        sb.add_integer_field("cert", stored=False, indexed=True, fast=True)
        sb.add_text_field("payload", stored=True, tokenizer_name="raw", index_option="basic")
        sb.add_bytes_field("vec", stored=True)
        self.schema = sb.build()
        self.path = Path(path) if path is not None else None
        if self.path is not None:
            self.path.mkdir(parents=True, exist_ok=True)
            self.index = tantivy.Index(self.schema, path=str(self.path), reuse=True)
        else:
            self.index = tantivy.Index(self.schema)
        self._writer = None
        self._dirty = False
        self.index.reload()
        self._searcher = self.index.searcher()
        self._addr: dict[int, tuple[Any, Any]] = {}  # key -> (searcher, address) seen in a recent search

    # -- writing ------------------------------------------------------------------------------
    @property
    def writer(self):
        if self._writer is None:
            self._writer = self.index.writer(heap_size=self.WRITER_HEAP, num_threads=0)
        return self._writer

    def add(self, docs: Iterable[IndexDoc]) -> None:
        w = self.writer
        for d in docs:
            doc = tantivy.Document()
            doc.add_unsigned("key", d.key)
            doc.add_text("id", d.id)
            doc.add_text("text", " ".join(d.text_terms))
            doc.add_text("caps", " ".join(d.cap_terms))
            doc.add_text("province", d.province)
            doc.add_text("kind", d.kind)
            doc.add_unsigned("kb", 1 if d.knowledge_based else 0)
            doc.add_integer("cert", d.cert_until if d.cert_until is not None else 10**9)
            doc.add_text("payload", json.dumps(d.payload, ensure_ascii=False))
            if d.vector is not None:
                doc.add_bytes("vec", d.vector)
            w.add_document(doc)
        self._dirty = True

    def delete(self, org_id: str) -> None:
        self.writer.delete_documents_by_term("id", org_id)
        self._dirty = True

    def delete_all(self) -> None:
        self.writer.delete_all_documents()
        self._dirty = True

    def commit(self) -> None:
        if self._writer is not None and self._dirty:
            self._writer.commit()
            self._writer.wait_merging_threads()
            self._writer = None
            self._dirty = False
        self.index.reload()
        self._searcher = self.index.searcher()
        self._addr = {}

    # -- reading ------------------------------------------------------------------------------
    def _filter_queries(self, flt: Filter | None) -> list:
        Q, Occur = tantivy.Query, tantivy.Occur
        if flt is None:
            return []
        out = []
        if flt.provinces:
            out.append(Q.term_set_query(self.schema, "province", list(flt.provinces)))
        if flt.kinds:
            out.append(Q.term_set_query(self.schema, "kind", list(flt.kinds)))
        if flt.knowledge_based_only:
            out.append(Q.term_query(self.schema, "kb", 1))
            if flt.cert_valid_on is not None:
                out.append(Q.range_query(self.schema, "cert", tantivy.FieldType.Integer, flt.cert_valid_on, None))
        return [(Occur.Must, q) for q in out]

    def search(self, field_name, terms, flt, limit):
        if not terms or limit <= 0:
            return []
        Q, Occur = tantivy.Query, tantivy.Occur
        should = [
            (Occur.Should, Q.boost_query(Q.term_query(self.schema, field_name, t), float(w)))
            for t, w in terms.items()
            if w > 0
        ]
        if not should:
            return []
        query = Q.boolean_query(should)
        filters = self._filter_queries(flt)
        if filters:
            query = Q.boolean_query([(Occur.Must, query)] + filters)
        hits = self._searcher.search(query, limit, count=False).hits
        if not hits:
            return []
        keys = self._searcher.fast_field_values("key", [addr for _, addr in hits])
        if len(self._addr) > 100_000:
            self._addr.clear()
        out = []
        for (score, addr), k in zip(hits, keys, strict=True):
            if k is not None:
                self._addr[k] = (self._searcher, addr)
                out.append((k, score))
        return out

    def doc_freq(self, field_name, term):
        return self._searcher.doc_freq(field_name, term)

    def num_docs(self) -> int:
        return self._searcher.num_docs

    def get_payload(self, org_id, key=None):
        seen = self._addr.get(key) if key is not None else None
        if seen is not None and seen[0] is self._searcher:
            return json.loads(self._searcher.doc(seen[1])["payload"][0])
        q = tantivy.Query.term_query(self.schema, "id", org_id)
        hits = self._searcher.search(q, 1, count=False).hits
        if not hits:
            return None
        return json.loads(self._searcher.doc(hits[0][1])["payload"][0])

    def iter_stored(self):
        searcher = self._searcher  # a snapshot: the generator keeps reading it after a commit
        n = searcher.num_docs
        hits = searcher.search(tantivy.Query.all_query(), n, count=False).hits if n else []
        return self._stored(searcher, hits)

    @staticmethod
    def _stored(searcher, hits):
        for _, addr in hits:
            d = searcher.doc(addr)
            vec = d.get_first("vec") if "vec" in d.to_dict() else None
            yield json.loads(d["payload"][0]), vec
