"""Names where ids are expected: an entity named in Simplified or Traditional Chinese, English, or by an alias.

`lianjian query --param org=凝博館`, `lianjian cypher --query … --param …` and
`lianjian path 凝博館 …` accept a name instead of an id when the name (or, with
Traditional converted to Simplified by OpenCC t2s, its Simplified form) is
exactly one entity's label or alias.
"""

from __future__ import annotations

from rdflib import Literal

from lianjian.errors import UsageError
from lianjian.namespace import ID, is_slug
from lianjian.ontology import label_languages

__all__ = ["resolve_name", "resolve_entity_params", "looks_like_a_name"]

#: The language tags of labels and aliases in the graph (model.yaml `labels:`).
_LABEL_LANGS = tuple(dict.fromkeys(label_languages().values()))


def _is_id(text: str) -> bool:
    return is_slug(text) or ("--" in text and is_slug(text.replace("--", "-")))


def looks_like_a_name(value: str) -> bool:
    """Text that may be a name: not an id, one line, not too long (anything else is left for the id check to refuse)."""
    text = value.strip()
    return bool(text) and not _is_id(text) and len(text) <= 100 and text.isprintable()


def resolve_name(kg, text: str, option: str) -> str:
    """The id of the one entity whose label or alias is `text` (Traditional read as Simplified); a usage error naming
    `option` when no entity or several have that name."""
    from lianjian.queries import internal_query, simplified_name

    q = internal_query("entity-by-name")
    raw = text.strip()
    ids: set[str] = set()
    for name in dict.fromkeys((raw, simplified_name(raw))):
        for lang in _LABEL_LANGS:
            _, rows = kg.select_rows(q.text, {"name": Literal(name, lang=lang)})
            ids |= {str(r[0])[len(str(ID)):] for r in rows}
    ids = sorted(ids)
    if len(ids) == 1:
        return ids[0]
    if not ids:
        raise UsageError(f"{option}: no entity is named {raw!r} (names and aliases, Traditional read as Simplified); "
                         f"find its id with `lianjian query find-entities --param text=…`")
    raise UsageError(f"{option}: {len(ids)} entities are named {raw!r}: {', '.join(ids)}; give one of these ids")


def resolve_entity_params(kg, query, params: dict[str, str] | None) -> dict[str, str]:
    """The parameters with each entity-typed value that is a name, not an id, replaced by the id it names."""
    out = dict(params or {})
    for p in query.parameters:
        value = out.get(p.name)
        if p.type == "entity" and value is not None and looks_like_a_name(value):
            out[p.name] = resolve_name(kg, value, f"--param {p.name}")
    return out
