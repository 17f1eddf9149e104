"""Draft a case file for a new source document, so the curator edits rather than types.

The draft validates as written (with the corpus its `- ref:` entries point into):

* the `source:` block is filled in (id, file, title from the first line, the
  date the text states, script);
* entities already in the graph are `- ref:` entries with a verbatim evidence
  quote (the sentence around a mention, at most 120 characters);
* everything else `suggest` found — new organisations, places, persons,
  mechanisms, documents, relationships between named participants, numbers —
  is a commented-out stub with its evidence filled in. Un-comment a stub by
  deleting ``# `` (hash and one space) at the start of each of its lines.
"""

from __future__ import annotations

import collections
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from lianjian.errors import UsageError
from lianjian.extend.document import EVIDENCE_LIMIT, SourceDocument, patterns
from lianjian.extend.suggest import Candidate, suggest
from lianjian.io import atomic_write, check_output_path
from lianjian.loaders.checker import date_problem
from lianjian.loaders.corpus import SHARED_DOC
from lianjian.loaders.text import normalize, strip_glosses
from lianjian.namespace import is_slug
from lianjian.ontology import model

__all__ = ["new_case", "write_new_case", "STUB_PREFIX"]

#: What starts each line of a commented-out stub (after its indentation).
STUB_PREFIX = "# "
#: Stub id kinds per section (the id is `<case id>-<kind>-<n>`).
_ID_KINDS = {"organizations": "org", "areas": "area", "persons": "person", "mechanisms": "mechanism",
             "documents": "document", "collectives": "group", "initiatives": "initiative"}
#: How large an area is, to guess which known area a new one lies `within`.
_AREA_RANK: dict = model()["area_ranks"]
_MAX_PARTICIPANTS = 6


def _q(text: str) -> str:
    """A YAML single-quoted scalar.

    >>> _q("过去居民区和单位是‘各扫门前雪’")
    "'过去居民区和单位是‘各扫门前雪’'"
    >>> _q("it's")
    "'it''s'"
    """
    return "'" + str(text).replace("'", "''") + "'"


@dataclass
class _Stub:
    """A new entity a curator may add: its id, label and the lines of its entry."""

    section: str
    id: str | None
    label: str
    lines: list[str]
    note: str = ""
    evidence: list[str] = field(default_factory=list)


class _Draft:
    """Candidates of one document turned into the sections of a case file."""

    def __init__(self, doc: SourceDocument, case_id: str, candidates: list[Candidate], kg):
        self.doc = doc
        self.case_id = case_id
        self.cands = candidates
        self.kg = kg
        self.g = kg.to_networkx()
        self.p = patterns()
        self.counters: collections.Counter = collections.Counter()
        self.stub_of: dict[str, str] = {}    # normalised label of a new name → stub id
        self.refs: dict[str, list[str]] = collections.defaultdict(list)       # section → lines
        self.maybe_refs: dict[str, list[str]] = collections.defaultdict(list)
        self.stubs: dict[str, list[_Stub]] = collections.defaultdict(list)
        self.counts = collections.Counter()

    # ------------------------------------------------------------ helpers

    def new_id(self, section: str) -> str:
        self.counters[section] += 1
        suffix = f"-{_ID_KINDS[section]}-{self.counters[section]}"
        return self.case_id[:80 - len(suffix)].rstrip("-") + suffix

    def quotes(self, cands: Iterable[Candidate], most: int = 2) -> list[str]:
        """Up to `most` evidence quotes from different sentences."""
        out: list[str] = []
        for c in cands:
            q = self.doc.quote(*c.norm_span, limit=EVIDENCE_LIMIT)
            if q and q not in out and not any(q in o or o in q for o in out):
                out.append(q)
            if len(out) >= most:
                break
        return out

    @staticmethod
    def evidence_lines(quotes: list[str], indent: str) -> list[str]:
        if len(quotes) == 1:
            return [f"{indent}evidence: {_q(quotes[0])}"]
        return [f"{indent}evidence:"] + [f"{indent}  - {_q(q)}" for q in quotes]

    def section_of(self, entity: str, fallback: str) -> str:
        corpus = getattr(self.kg, "corpus", None)
        if corpus is not None and entity in corpus.entries:
            return corpus.entries[entity].section
        return fallback

    def label_zh(self, node: str) -> str:
        return self.g.nodes[node].get("label_zh", node) if node in self.g else node

    # ------------------------------------------------------------ sections

    def build(self) -> "_Draft":
        self.known()
        self.names()
        self.persons()
        self.mechanisms()
        self.documents()
        self.relationships()
        self.observations()
        return self

    def known(self) -> None:
        by_entity: dict[str, list[Candidate]] = collections.defaultdict(list)
        for c in self.cands:
            if c.type == "entity":
                by_entity[c.entity].append(c)
        for entity, cs in sorted(by_entity.items(), key=lambda kv: kv[1][0].start):
            section = self.section_of(entity, cs[0].section)
            high = [c for c in cs if c.confidence == "high"]
            spelled = "、".join(dict.fromkeys(c.label for c in cs))
            if high:
                head = f"  - ref: {entity}"
                lines = [f"{head:<44}  # {spelled} ×{len(cs)}"]
                lines += self.evidence_lines(self.quotes(high), "    ")
                self.refs[section].extend(lines)
                self.counts["refs"] += 1
            else:
                notes = "; ".join(dict.fromkeys(c.note for c in cs if c.note))
                head = f"  # - ref: {entity}"
                lines = [f"{head:<44}  # {spelled} ×{len(cs)}: {notes}; keep only if the text means {self.label_zh(entity)}"]
                lines += ["  # " + line[2:] for line in self.evidence_lines(self.quotes(cs, 1), "    ")]
                self.maybe_refs[section].extend(lines)
                self.counts["doubtful refs"] += 1

    def group(self, types: tuple[str, ...]) -> dict[str, list[Candidate]]:
        """New candidates of the given types grouped by label, in text order."""
        out: dict[str, list[Candidate]] = {}
        for c in self.cands:
            if c.type in types:
                out.setdefault(c.label, []).append(c)
        return out

    def names(self) -> None:
        groups = self.group(("place", "organization"))
        short_forms = {}
        for label, cs in groups.items():
            note = next((c.note for c in cs if c.note.startswith("short form of ")), "")
            if note and all(c.confidence == "low" for c in cs):
                short_forms[label] = note[len("short form of "):].rstrip("?")
        # Places first, so organisations can point at them.
        ordered = sorted(groups.items(), key=lambda kv: (kv[1][0].type != "place", kv[1][0].start))
        for label, cs in ordered:
            if label in short_forms:
                continue
            c0 = cs[0]
            section = c0.section
            sid = self.new_id(section)
            self.stub_of[normalize(label)] = sid
            lines = [f"- id: {sid}", f"  zh: {_q(label)}"]
            written = strip_glosses(c0.text).strip()
            if self.doc.language == "zh-Hant" and written != label:
                lines.append(f"  zh-Hant: {_q(written)}")
            aliases = [s for s, longer in short_forms.items() if longer == label]
            if aliases:
                lines.append("  aliases: [" + ", ".join(_q(a) for a in aliases) + "]")
            lines.append(f"  kind: {c0.kind}")
            note = f"{label} ×{len(cs)}: new {c0.kind}? (…{self.suffix_of(label)})"
            if section == "organizations":
                lines.append(f"  sectors: [{', '.join(self.sectors(label))}]  # check")
                where = self.place_in_name(label)
                if where in self.g:
                    lines.append(f"  area: {where}")
                elif where:
                    note += f"; area: {where}, if you keep that stub too"
            else:
                within = self.within(cs, c0.kind)
                if within:
                    lines.append(f"  within: {within}  # check")
            lines += self.evidence_lines(self.quotes(cs), "  ")
            self.stubs[section].append(_Stub(section, sid, label, lines, note))

    def suffix_of(self, label: str) -> str:
        return next((s for s in sorted(self.p["suffix_map"], key=len, reverse=True) if normalize(label).endswith(s)), "")

    def sectors(self, label: str) -> list[str]:
        spec = self.p["suffix_map"].get(self.suffix_of(label), {})
        for rule in self.p["name_sectors"]:
            if "word" in rule and rule["word"] in normalize(label)[:-len(self.suffix_of(label)) or None]:
                return rule["sectors"]
        if spec.get("sectors"):
            return spec["sectors"]
        return next(r["default"] for r in self.p["name_sectors"] if "default" in r)

    def place_in_name(self, label: str) -> str | None:
        """The area a name starts with (虹桥街道|党工委 → hongqiao-street), known or a stub."""
        key = normalize(label)
        best = None
        for c in self.cands:
            if c.type in ("entity", "place") and (c.type == "place" or c.section == "areas") and c.confidence == "high":
                k = normalize(c.label)
                if key.startswith(k) and len(k) < len(key) and (best is None or len(k) > len(best[0])):
                    best = (k, c.entity or self.stub_of.get(k))
        return best[1] if best and best[1] else None

    def within(self, cands: list[Candidate], kind: str) -> str | None:
        """The known area a new one most often shares a sentence with, if it is larger."""
        rank = _AREA_RANK.get(kind, 9)
        sentences = {self.doc.sentence_of(c.norm_span[0]) for c in cands}
        votes = collections.Counter()
        for c in self.cands:
            if c.type == "entity" and c.section == "areas" and c.confidence == "high" \
                    and self.doc.sentence_of(c.norm_span[0]) in sentences:
                area_kind = self.g.nodes[c.entity]["class"] if c.entity in self.g else ""
                if _AREA_RANK.get(area_kind, 9) < rank:
                    votes[c.entity] += 1
        if not votes:
            return None
        # The smallest of the most-named larger areas.
        top = max(votes.values())
        return min((a for a, v in votes.items() if v == top), key=lambda a: -_AREA_RANK.get(self.g.nodes[a]["class"], 9))

    def persons(self) -> None:
        for label, cs in self.group(("person",)).items():
            sid = self.new_id("persons")
            c0 = cs[0]
            lines = [f"- id: {sid}", f"  zh: {_q(label)}"]
            org = self.post_org(c0)
            known = org if org in self.g else None
            post = "{title: " + _q(c0.value) + (f", org: {known}" if known else "") + "}"
            lines.append(f"  posts: [{post}]")
            lines += self.evidence_lines(self.quotes(cs), "  ")
            note = f"{label}: {c0.value}" + (f"; post org: {org}, if you keep that stub too" if org and not known else "")
            self.stubs["persons"].append(_Stub("persons", sid, label, lines, note))

    def post_org(self, person: Candidate) -> str | None:
        """The id of the organisation a person's post is in: known, or a stub."""
        if not person.org:
            return None
        return person.org if person.org in self.g else self.stub_of.get(normalize(person.org))

    def mechanisms(self) -> None:
        for label, cs in self.group(("mechanism",)).items():
            sid = self.new_id("mechanisms")
            self.stub_of[normalize(label)] = sid
            broader, why = self.broader(label)
            lines = [f"- id: {sid}", f"  zh: {_q(label)}", f"  broader: {broader}  # {why}; check"]
            lines += self.evidence_lines(self.quotes(cs), "  ")
            note = f"{label} ×{len(cs)}" + (f": {cs[0].note}" if cs[0].note else "")
            self.stubs["mechanisms"].append(_Stub("mechanisms", sid, label, lines, note))

    def broader(self, label: str) -> tuple[str, str]:
        key = normalize(label)
        for rule in self.p["mechanism_broader"]:
            if "word" in rule and rule["word"] in key:
                return rule["broader"], f"from {rule['word']}"
        return next(r["default"] for r in self.p["mechanism_broader"] if "default" in r), "a guess"

    def documents(self) -> None:
        for label, cs in self.group(("document",)).items():
            sid = self.new_id("documents")
            lines = [f"- id: {sid}", f"  zh: {_q(label)}"]
            lines += self.evidence_lines(self.quotes(cs), "  ")
            self.stubs["documents"].append(_Stub("documents", sid, label, lines, f"《{label}》"))

    # ------------------------------------------------------------ relationships and numbers

    def participants_in(self, sentence: tuple[int, int]) -> list[tuple[Candidate, str]]:
        """Organisations and areas named in a sentence (not inside a longer name), with their ids."""
        inside = [c for c in self.cands if sentence[0] <= c.norm_span[0] < sentence[1]]
        out: list[tuple[Candidate, str]] = []
        for c in inside:
            if any(o is not c and o.norm_span[0] <= c.norm_span[0] and c.norm_span[1] <= o.norm_span[1]
                   and o.norm_span != c.norm_span and o.type in ("entity", "organization", "place") for o in inside):
                continue
            if c.type == "entity" and c.section in ("organizations", "areas") and c.confidence == "high":
                ident = c.entity
            elif c.type in ("organization", "place"):
                ident = self.stub_of.get(normalize(c.label))
            else:
                continue
            if ident and ident not in [i for _, i in out]:
                out.append((c, ident))
        return out

    def relationships(self) -> None:
        seen: dict[tuple, _Stub] = {}
        for sentence in self.doc.sentences:
            text = self.doc.norm[sentence[0]:sentence[1]]
            kind = next((r["kind"] for r in self.p["relation_keywords"] if r["word"] in text), None)
            if kind is None:
                continue
            parts = self.participants_in(sentence)
            if len(parts) < 2:
                continue
            ids = [i for _, i in parts][:_MAX_PARTICIPANTS]
            key = (kind, tuple(sorted(ids)))
            quote = self.doc.quote(*sentence)
            if len(quote) > EVIDENCE_LIMIT:
                quote = self.doc.quote(parts[0][0].norm_span[0], parts[1][0].norm_span[1])
            if key in seen:
                if len(seen[key].evidence) < 2 and quote not in seen[key].evidence:
                    seen[key].evidence.append(quote)
                continue
            mechanisms = [c.entity for c in self.cands if c.type == "entity" and c.section == "mechanisms"
                          and c.confidence == "high" and sentence[0] <= c.norm_span[0] < sentence[1]]
            years = [c.value for c in self.cands if c.type == "date" and sentence[0] <= c.norm_span[0] < sentence[1]]
            lines = [f"- kind: {kind}", f"  participants: [{', '.join(ids)}]"]
            if mechanisms:
                lines.append(f"  mechanisms: [{', '.join(dict.fromkeys(mechanisms))}]")
            if years and not date_problem(years[0]):
                lines.append(f"  start: {_date_value(years[0])}")
            stubs_used = [i for i in ids if i not in self.g]
            note = "、".join(c.label for c, _ in parts[:_MAX_PARTICIPANTS]) + f" ({kind})"
            if stubs_used:
                note += "; needs the stubs " + ", ".join(stubs_used)
            stub = _Stub("relationships", None, note, lines, note, [quote])
            seen[key] = stub
            self.stubs["relationships"].append(stub)
        for stub in self.stubs["relationships"]:
            stub.lines += self.evidence_lines(stub.evidence, "  ")

    def observations(self) -> None:
        source_year = (self.source_date() or "")[:4]
        for c in self.cands:
            if c.type != "number":
                continue
            sentence = self.doc.sentence_of(c.norm_span[0])
            subject = self.subject_of(c, sentence)
            if subject is None:
                continue
            years = [d.value[:4] for d in self.cands if d.type == "date" and sentence[0] <= d.norm_span[0] < sentence[1]]
            year = years[0] if years else source_year
            lines = [f"- subject: {subject}" + ("" if subject in self.g else "  # a stub in this file: keep it too"),
                     f"  zh: {_q(c.noun or '数量')}", f"  value: {c.value}", f"  unit: {_q(c.unit)}"]
            if year:
                lines.append(f"  as_of: {year}")
            if c.note == "approximate":
                lines.append("  bound: about")
            lines += self.evidence_lines([self.doc.quote(*c.norm_span)], "  ")
            self.stubs["observations"].append(_Stub("observations", None, c.text, lines, f"{c.text} {c.noun or ''}".strip()))

    def subject_of(self, number: Candidate, sentence: tuple[int, int]) -> str | None:
        """What a number describes: the first organisation or area of its sentence (the topic comes first
        in Chinese), else the area the text names most."""
        parts = self.participants_in(sentence)
        return parts[0][1] if parts else self.source_area()

    # ------------------------------------------------------------ source block

    def source_date(self) -> str | None:
        """The first date in the text's first three or last two non-empty lines, if it is acceptable."""
        lines = [ln for ln in self.doc.norm.split("\n") if ln.strip()]
        head = set(lines[:3] + lines[-2:])
        for c in self.cands:
            if c.type == "date":
                line = self.doc.norm[:c.norm_span[0]].count("\n")
                if self.doc.norm.split("\n")[line] in head and not date_problem(_date_value(c.value)):
                    return c.value
        return None

    def source_area(self) -> str | None:
        counts = collections.Counter(c.entity for c in self.cands
                                     if c.type == "entity" and c.section == "areas" and c.confidence == "high")
        if not counts:
            return None
        top = max(counts.values())
        return min((a for a, n in counts.items() if n == top),
                   key=lambda a: -_AREA_RANK.get(self.g.nodes[a]["class"] if a in self.g else "", 9))

    def source_block(self, file_name: str) -> list[str]:
        lines = ["source:", f"  id: {self.case_id}", f"  file: {_q(file_name)}", f"  title: {_q(self.doc.title)}"]
        date = self.source_date()
        lines.append(f"  date: {_date_value(date)}                   # stated in the text; check" if date else
                     "  # date: YYYY-MM-DD                 # the text states no date near its start or end")
        lines.append(f"  language: {self.doc.language}")
        area = self.source_area()
        if area:
            lines.append(f"  area: {area}" + " " * max(1, 29 - len(area)) + f"# the known area the text names most ({self.label_zh(area)}); check")
        lines += ["  # title_en: ''", "  # publisher: ''", "  # genre: news                       # news | report | article | paper | other"]
        return lines

    # ------------------------------------------------------------ output

    def render(self, file_name: str) -> str:
        out = [
            f"# Drafted by `lianjian new-case` from {file_name} ({self.doc.encoding}).",
            "# `- ref:` entries are entities already in the graph, each with a quote from the source.",
            "# Commented-out entries are candidates: to keep one, delete the '# ' at the start of each",
            "# of its lines, then fix its id, kind, sectors and links (lines marked 'check') and add",
            "# `en:` labels. Quotes are verbatim from the source; shorten them if you like.",
            "",
        ]
        out += self.source_block(file_name)
        order = [s for s in model()["sections"] if s in set(self.refs) | set(self.maybe_refs) | set(self.stubs)]
        for section in order:
            out += ["", "# " + "-" * 75, f"{section}:"]
            out += self.refs.get(section, [])
            if self.maybe_refs.get(section):
                out.append("  # Doubtful mentions of known entities (short or shared labels, other places):")
                out += self.maybe_refs[section]
            for stub in self.stubs.get(section, []):
                out.append(f"  ## {stub.note}")
                out += ["  " + STUB_PREFIX + line for line in stub.lines]
        return "\n".join(out) + "\n"


def _date_value(iso: str) -> str:
    """A date as YAML: full dates plain, years plain, year-months quoted (a bare 2021-03 is not a date)."""
    return f'"{iso}"' if len(iso) == 7 else iso


def new_case(source_path: str | Path, case_id: str, kg) -> str:
    """The YAML text of a drafted case file for the source document at `source_path`."""
    if not is_slug(case_id):
        raise UsageError(f"--id {case_id!r}: not a safe id (lowercase ASCII letters, digits and single hyphens, "
                         "at most 80 characters)")
    if case_id == SHARED_DOC:
        raise UsageError(f"--id {case_id!r}: reserved for the shared-entities file")
    corpus = getattr(kg, "corpus", None)
    if corpus is not None and case_id in corpus.sources:
        raise UsageError(f"--id {case_id!r}: already the id of a source in {corpus.sources[case_id].file}")
    path = Path(source_path)
    if not path.is_file():
        raise UsageError(f"{source_path}: no such file")
    doc = SourceDocument.read(path)
    return _Draft(doc, case_id, suggest(doc, kg), kg).build().render(path.name)


def write_new_case(source_path: str | Path, case_id: str, output: str | Path, kg=None, cases: Iterable[str] = (),
                   bundled: bool = True, force: bool = False) -> dict:
    """Draft the case file and write it atomically to `output` ('-': return the text only); returns a summary."""
    if str(output) != "-":
        check_output_path(output)
        if Path(output).exists() and not force:
            raise UsageError(f"-o {output}: exists; give another name or --force to overwrite it")
    if kg is None:
        from lianjian.graph import KnowledgeGraph

        kg = KnowledgeGraph.from_cases(cases, bundled=bundled)
    text = new_case(source_path, case_id, kg)
    if str(output) != "-":
        atomic_write(output, text)
    refs = sum(1 for line in text.splitlines() if line.startswith("  - ref: "))
    stubs = sum(1 for line in text.splitlines() if line.startswith("  # - "))
    message = f"Wrote {output}: {refs} references to known entities, {stubs} commented-out candidates.\n"
    return {"output": str(output), "text": text, "references": refs, "candidates": stubs, "message": message}
