"""Citations: the source documents as BibTeX or CSL-JSON, and one statement's source, quote and offsets.

The records come from the case files' `source:` blocks (`title`, `authors`, `publisher`, `date`, `written`,
`url` …); a statement's citation comes from its evidence in the graph.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

from lianjian.errors import UsageError
from lianjian.namespace import ID, is_slug

__all__ = ["source_records", "to_bibtex", "to_csl_json", "statement_citations", "CITE_FORMATS"]

#: Formats of `lianjian cite` for the sources.
CITE_FORMATS = ("bibtex", "csl-json")
#: Source genre → (BibTeX entry type, the BibTeX field that names the publisher, CSL type).
_GENRES = {
    "news": ("misc", "howpublished", "article-newspaper"),
    "report": ("techreport", "institution", "report"),
    "article": ("article", "journal", "article"),
    "paper": ("unpublished", "note", "manuscript"),
    "other": ("misc", "howpublished", "document"),
}


def source_records(corpus) -> list[dict[str, Any]]:
    """One plain record per source document, in id order."""
    records = []
    for doc in sorted(corpus.sources):
        d = corpus.sources[doc].data
        authors = d.get("authors") or []
        records.append({
            "id": doc,
            "title": str(d.get("title", doc)),
            "title_en": d.get("title_en"),
            "authors": [str(a) for a in (authors if isinstance(authors, list) else [authors])],
            "publisher": d.get("publisher"),
            "date": _date_text(d.get("date")),
            "written": d.get("written"),
            "written_evidence": d.get("written_evidence"),
            "url": d.get("url"),
            "genre": d.get("genre", "other"),
            "language": d.get("language"),
            "file": d.get("file"),
        })
    return records


def _date_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _bib_escape(text: str) -> str:
    """Text safe inside a braced BibTeX field: specials escaped, braces balanced."""
    text = re.sub(r"\s+", " ", str(text)).strip()
    text = text.replace("\\", r"\textbackslash{}")
    for ch in "{}":
        text = text.replace(ch, "\\" + ch)
    for ch in "&%$#_":
        text = text.replace(ch, "\\" + ch)
    return text


def to_bibtex(records: list[dict]) -> str:
    """The sources as BibTeX entries (names and titles kept as written; Chinese names braced whole).

    >>> print(to_bibtex([{"id": "x", "title": "标题", "authors": ["徐来华"], "publisher": "党校",
    ...                   "date": "2011", "genre": "paper", "url": None, "language": "zh-Hans",
    ...                   "title_en": None, "written": None, "written_evidence": None, "file": "x.txt"}]))
    @unpublished{x,
      title = {标题},
      author = {{徐来华}},
      year = {2011},
      note = {党校},
      language = {zh-Hans},
      file = {x.txt}
    }
    <BLANKLINE>
    """
    out = []
    for r in records:
        entry_type, publisher_field, _ = _GENRES.get(r["genre"], _GENRES["other"])
        fields: list[tuple[str, str]] = [("title", _bib_escape(r["title"]))]
        if r["authors"]:
            fields.append(("author", " and ".join("{" + _bib_escape(a) + "}" for a in r["authors"])))
        if r["date"]:
            fields.append(("year", r["date"][:4]))
            if len(r["date"]) > 4:
                fields.append(("date", r["date"]))
        if r["publisher"]:
            fields.append((publisher_field, _bib_escape(r["publisher"])))
        if r["url"]:
            fields.append(("url", _bib_escape(r["url"])))
        notes = []
        if r["title_en"]:
            notes.append(f"English title: {r['title_en']}")
        if r["written"]:
            notes.append(f"written {r['written']}" + (f" ({r['written_evidence']})" if r["written_evidence"] else ""))
        if notes:
            fields.append(("addendum", _bib_escape("; ".join(notes))))
        if r["language"]:
            fields.append(("language", r["language"]))
        if r["file"]:
            fields.append(("file", _bib_escape(r["file"])))
        body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields)
        out.append(f"@{entry_type}{{{r['id']},\n{body}\n}}\n")
    return "\n".join(out)


def to_csl_json(records: list[dict]) -> list[dict]:
    """The sources as CSL-JSON items (the input format of Zotero, Pandoc and citeproc)."""
    items = []
    for r in records:
        _, _, csl_type = _GENRES.get(r["genre"], _GENRES["other"])
        item: dict[str, Any] = {"id": r["id"], "type": csl_type, "title": r["title"]}
        if r["authors"]:
            item["author"] = [{"literal": a} for a in r["authors"]]
        if r["date"]:
            item["issued"] = {"date-parts": [[int(p) for p in r["date"].split("-")]]}
        if r["written"]:
            item["original-date"] = {"date-parts": [[int(r["written"])]]}
        if r["publisher"]:
            item["container-title" if r["genre"] in ("article", "news") else "publisher"] = r["publisher"]
        if r["url"]:
            item["URL"] = r["url"]
        if r["language"]:
            item["language"] = r["language"]
        if r["title_en"]:
            item["translated-title"] = r["title_en"]
        if r["written_evidence"]:
            item["note"] = f"Written {r['written']}: {r['written_evidence']}"
        items.append(item)
    return items


_BY_SUBJECT = """
SELECT ?subject ?quote ?source ?start ?end ?basis ?reason WHERE {
  ?subject lj:evidence ?ev .
  ?ev lj:quote ?quote ; dcterms:source ?source .
  OPTIONAL { ?ev lj:startOffset ?start ; lj:endOffset ?end }
  OPTIONAL { ?subject lj:basis ?basis }
  OPTIONAL { ?subject lj:basisReason ?reason }
} ORDER BY ?source ?start ?quote"""

_BY_QUOTE = """
SELECT ?subject ?quote ?source ?start ?end ?basis ?reason WHERE {
  ?subject lj:evidence ?ev .
  ?ev lj:quote ?quote ; dcterms:source ?source .
  FILTER(CONTAINS(STR(?quote), NEEDLE))
  OPTIONAL { ?ev lj:startOffset ?start ; lj:endOffset ?end }
  OPTIONAL { ?subject lj:basis ?basis }
  OPTIONAL { ?subject lj:basisReason ?reason }
} ORDER BY ?source ?start ?subject"""


def statement_citations(kg, target: str) -> list[dict[str, Any]]:
    """Every citation (source, quote, offsets, basis) for an entity or statement id, or for a quote's text."""
    from rdflib import Literal, URIRef

    from lianjian.namespace import local_name

    text = target.strip()
    if not text:
        raise UsageError("cite: give an id (e.g. changning-district-committee) or part of a quote")
    subject = None
    if text.startswith("id:"):
        text = text[3:]
    if text.startswith(str(ID)):
        subject = URIRef(text)
    elif is_slug(text):
        subject = ID[text]
    if subject is not None:
        rows = kg.select(_BY_SUBJECT, subject=subject)
        for r in rows:
            r["subject"] = subject
    else:
        rows = kg.select(_BY_QUOTE.replace("NEEDLE", Literal(text).n3()))  # n3() escapes the literal
    if not rows:
        what = f"id '{local_name(subject)}'" if subject is not None else f"quote containing {text!r}"
        raise UsageError(f"cite: no statement with evidence for {what}")
    records = {r["id"]: r for r in source_records(kg.corpus)}
    out = []
    for r in rows:
        doc = local_name(r["source"])
        rec = records.get(doc, {})
        start = None if r.get("start") is None else int(r["start"])
        end = None if r.get("end") is None else int(r["end"])
        where = f", characters {start}–{end}" if start is not None else ""
        out.append({
            "subject": f"id:{local_name(r['subject'])}",
            "source": doc,
            "title": rec.get("title"),
            "date": rec.get("date"),
            "file": rec.get("file"),
            "quote": str(r["quote"]),
            "start": start,
            "end": end,
            "basis": str(r["basis"]) if r.get("basis") is not None else "stated",
            "reason": str(r["reason"]) if r.get("reason") is not None else None,
            "citation": f"{rec.get('title', doc)} ({', '.join(str(x) for x in (rec.get('publisher'), rec.get('date')) if x)})"
                        f"{where}: “{r['quote']}”",
        })
    return out
