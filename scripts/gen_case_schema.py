"""Generate the JSON Schema for case files (for editors) from the annotation model and the vocabulary.

    python scripts/gen_case_schema.py          # rewrite lianjian/ontology/case-file.schema.json
    python scripts/gen_case_schema.py --check  # exit 1 if it is out of date
"""

from __future__ import annotations

import json
import sys

from pathlib import Path

from lianjian.ontology import ONTOLOGY_DIR, base_vocabulary, model

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generated import write_or_check  # noqa: E402

TARGET = ONTOLOGY_DIR / "case-file.schema.json"
SLUG = "^[a-z0-9]+(-[a-z0-9]+)*$"
DATE = {"anyOf": [{"type": "integer", "minimum": 1921}, {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"}],
        "description": "a year, \"YYYY-MM\" or YYYY-MM-DD"}


def _one_or_many(item: dict) -> dict:
    return {"anyOf": [item, {"type": "array", "items": item}]}


BASIS = {"type": "string", "enum": ["stated", "inferred"], "default": "stated",
         "description": "stated (its quotes say it) or inferred by the curator (docs/codebook.md R8)"}
REASON = {"type": "string", "minLength": 1, "description": "what an inferred statement is inferred from"}


def prop_schema(prop: dict, vocab, keys: tuple = ()) -> dict:
    """The JSON Schema of one model property; `keys` are the section's property keys (for an `inferred` map)."""
    kind = prop.get("type", "text")
    if kind == "ref":
        item = {"type": "string", "pattern": SLUG, "description": "id of an entry in " + ", ".join(prop["range"])}
    elif kind == "concept":
        item = {"type": "string", "enum": sorted(vocab.concepts[prop["scheme"]])}
    elif kind == "date":
        item = DATE
    elif kind == "year":
        item = {"anyOf": [{"type": "integer", "minimum": 1921}, {"type": "string", "pattern": r"^\d{4}$"}]}
    elif kind == "number":
        item = {"type": "number"}
    elif kind == "boolean":
        item = {"type": "boolean"}
    elif kind == "definition":
        item = {"type": "object", "properties": {"zh": {"type": "string"}, "en": {"type": "string"}, "zh-Hant": {"type": "string"}}, "additionalProperties": False}
    elif kind == "posts":
        post = {"type": "object", "required": ["title"], "additionalProperties": False, "properties": {
            "title": {"type": "string"}, "title_en": {"type": "string"}, "org": {"type": "string", "pattern": SLUG},
            "since": DATE, "until": DATE, "basis": BASIS, "reason": REASON}}
        return {"type": "array", "items": post}
    elif kind == "inferred":
        return {"type": "object", "minProperties": 1, "additionalProperties": False,
                "properties": {k: REASON for k in keys},
                "description": "which of this entry's property values the curator inferred, each with what it is inferred from"}
    else:
        item = {"type": "string"} if not prop.get("choices") else {"type": "string", "enum": prop["choices"]}
    schema = _one_or_many(item) if prop.get("many") else dict(item)
    if "default" in prop:
        schema["default"] = prop["default"]
    return schema


def render() -> str:
    m, vocab = model(), base_vocabulary()
    evidence = {"anyOf": [{"type": "string", "maxLength": 150}, {"type": "array", "items": {"type": "string", "maxLength": 150}, "minItems": 1}],
                "description": "verbatim quote(s) from the source document"}
    labels = {key: ({"type": "array", "items": {"type": "string"}} if spec["type"] == "labels" else {"type": "string"}) for key, spec in m["labels"].items()}
    defs, sections = {}, {}
    for name, spec in m["sections"].items():
        props = {"id": {"type": "string", "pattern": SLUG}, "evidence": evidence, "note": {"type": "string"}, **labels}
        if spec.get("kind", "none") != "none":
            props["kind"] = {"type": "string", "enum": sorted(vocab.kinds[name])}
        inferable = tuple(k for k, p in spec["properties"].items() if p.get("type") != "inferred" and k not in ("basis", "reason"))
        for key, prop in spec["properties"].items():
            props[key] = prop_schema(prop, vocab, inferable)
        required = [k for k, p in spec["properties"].items() if p.get("required")]
        if spec.get("id", "required") == "required":
            required.insert(0, "id")
        if spec.get("kind") == "required":
            required.append("kind")
        definition = {"type": "object", "properties": props, "required": required, "additionalProperties": False}
        ref_entry = {"type": "object", "required": ["ref"], "additionalProperties": False, "properties": {
            "ref": {"type": "string", "pattern": SLUG}, "evidence": evidence, "note": {"type": "string"},
            "aliases": labels["aliases"], "zh-Hant": {"type": "string"}, "en": {"type": "string"}}}
        defs[name] = definition
        # A section may be left empty (null), e.g. holding only commented-out stubs.
        sections[name] = {"type": ["array", "null"], "items": {"anyOf": [{"$ref": f"#/$defs/{name}"}, ref_entry]}}
    source_props = {}
    for key, prop in m["source"].items():
        source_props[key] = {"type": "string", "pattern": SLUG} if key == "id" else prop_schema(prop, vocab)
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://w3id.org/lianjian/schema/case-file.json",
        "title": "lianjian case file",
        "description": "One annotated source document (or the shared-entities file). Generated by scripts/gen_case_schema.py from lianjian/ontology/model.yaml.",
        "type": "object",
        "properties": {
            "source": {"type": "object", "required": [k for k, p in m["source"].items() if p.get("required")],
                       "properties": source_props, "additionalProperties": False},
            "shared": {"const": True},
            **sections,
        },
        "oneOf": [{"required": ["source"]}, {"required": ["shared"]}],
        "additionalProperties": False,
        "$defs": defs,
    }
    return json.dumps(schema, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def main() -> int:
    return write_or_check(TARGET, render(), "gen_case_schema.py")


if __name__ == "__main__":
    sys.exit(main())
