"""Cypher query text: parameters, literals, label rewriting and the columns a query returns."""

from __future__ import annotations

import re
import unicodedata

from lianjian.errors import UsageError

#: The one LadybugDB node table; each label is a BOOLEAN column named LABEL_PREFIX + label.
NODE_TABLE = "Entity"
LABEL_PREFIX = "is_"

# ---------------------------------------------------------------------------- query text

# String literals, backquoted names and comments: never rewritten, never searched for parameters.
_LEXEME = re.compile(r"""'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`[^`\n]*`|//[^\n]*|/\*.*?\*/""", re.S)
_PLACEHOLDER = re.compile(r"\x00(\d+)\x00")
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_NODE_LABELS = re.compile(r"\(\s*([A-Za-z_]\w*)?\s*((?::\s*[A-Za-z_]\w*\s*)+)(\{\s*)?")
VARIANT_HEADER = re.compile(r"^[ \t]*//[ \t]*variant[ \t]*:[ \t]*(\S+)[ \t]*$", re.M)
ENGINES_HEADER = re.compile(r"^[ \t]*//[ \t]*engines[ \t]*:[ \t]*(.+?)[ \t]*$", re.M)


def mask(text: str) -> tuple[str, list[str]]:
    """The text with string literals, backquoted names and comments replaced by placeholders."""
    if "\x00" in text:
        raise UsageError("the Cypher text contains a NUL character")
    pieces: list[str] = []

    def keep(m: re.Match) -> str:
        pieces.append(m.group(0))
        return f"\x00{len(pieces) - 1}\x00"

    return _LEXEME.sub(keep, text), pieces


def unmask(text: str, pieces: list[str]) -> str:
    return _PLACEHOLDER.sub(lambda m: pieces[int(m.group(1))], text)


def parameter_names(text: str) -> list[str]:
    """The ``$name`` parameters a Cypher text uses, in order of first use.

    >>> parameter_names("MATCH (a {id: $org}) WHERE a.label_zh <> '$not_me' RETURN a.id, $org")
    ['org']
    """
    masked, _ = mask(text)
    return list(dict.fromkeys(_PARAM.findall(masked)))


def cypher_literal(value: str | int) -> str:
    """A grand-cypher literal that reads back as exactly `value` (a double-quoted string, or a number).

    >>> print(cypher_literal('say "hi" \\\\ ok'))
    "say \\"hi\\" \\\\ ok"
    >>> cypher_literal("line\\nbreak")
    Traceback (most recent call last):
    lianjian.errors.UsageError: a grand-cypher parameter value cannot hold control characters such as newlines: 'line\\nbreak'
    """
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    # grand-cypher's string token cannot span lines; it evaluates the token as a Python string literal.
    if any(unicodedata.category(c) == "Cc" for c in text):
        raise UsageError(f"a grand-cypher parameter value cannot hold control characters such as newlines: {text!r}")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def substitute(text: str, values: dict[str, str | int]) -> str:
    """Replace each ``$name`` outside literals and comments by the literal of its value."""
    masked, pieces = mask(text)
    return unmask(_PARAM.sub(lambda m: cypher_literal(values[m.group(1)]), masked), pieces)


def rewrite_labels(text: str, labels: set[str]) -> str:
    """LadybugDB form of node labels: ``(a:PartyOrganization)`` → ``(a:Entity {is_PartyOrganization: true})``.

    >>> rewrite_labels("MATCH (a:Studio {id: 'x:y'})-[:LED_BY]->(:PartyOrganization) RETURN a", {"Studio", "PartyOrganization"})
    "MATCH (a:Entity {is_Studio: true, id: 'x:y'})-[:LED_BY]->(:Entity {is_PartyOrganization: true}) RETURN a"
    """
    masked, pieces = mask(text)

    def rewrite(m: re.Match) -> str:
        var, names, brace = m.group(1) or "", re.findall(r"\w+", m.group(2)), m.group(3)
        if not all(n in labels for n in names):
            return m.group(0)
        flags = ", ".join(f"{LABEL_PREFIX}{n}: true" for n in dict.fromkeys(names))
        if brace is None:
            return f"({var}:{NODE_TABLE} {{{flags}}}"
        rest = masked[m.end():]
        return f"({var}:{NODE_TABLE} {{{flags}" + (" " if rest.startswith("}") else ", ")

    return unmask(_NODE_LABELS.sub(rewrite, masked), pieces)


PARAM_PREFIX = "p_"


def rename_parameters(text: str) -> str:
    """``$case`` → ``$p_case``: LadybugDB cannot parse parameters named like keywords (case, order …)."""
    masked, pieces = mask(text)
    return unmask(_PARAM.sub(lambda m: "$" + PARAM_PREFIX + m.group(1), masked), pieces)


def _top_level_split(text: str, sep: str = ",") -> list[str]:
    out, depth, start = [], 0, 0
    for i, c in enumerate(text):
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == sep and depth == 0:
            out.append(text[start:i])
            start = i + 1
    out.append(text[start:])
    return out


def depth_zero(masked: str, pattern: re.Pattern) -> list[re.Match]:
    depths, depth = [], 0
    for c in masked:
        depths.append(depth)
        depth += (c in "([{") - (c in ")]}")
    return [m for m in pattern.finditer(masked) if depths[m.start()] == 0]


_CLAUSE = re.compile(r"\b(?:OPTIONAL\s+MATCH|MATCH|WHERE|UNWIND|WITH|RETURN|ORDER\s+BY|SKIP|LIMIT|UNION|CALL)\b|;", re.I)
_ALIAS = re.compile(r"^(.*?)\s+AS\s+([A-Za-z_]\w*|\x00\d+\x00)\s*$", re.I | re.S)
COLUMN_HEADER = re.compile(r"^[ \t]*//[ \t]*column[ \t]*:[ \t]*(\w+)[ \t]*\((\w+)\)[ \t]*$", re.M)
# Functions whose value is (or holds) their first argument's values, so the column keeps its type.
_PASS_THROUGH = {"min", "max", "collect", "head", "last", "coalesce", "list_sort", "list_distinct", "list_reverse_sort"}


def _items(body: str) -> list[tuple[str, str]]:
    """(name, expression) of each comma-separated ``expr [AS name]`` item of a clause body (masked text)."""
    body = re.sub(r"^\s*DISTINCT\b", "", body, flags=re.I).strip()
    out = []
    for item in _top_level_split(body):
        item = " ".join(item.split())
        m = _ALIAS.match(item)
        out.append((m.group(2), m.group(1)) if m else (item, item))
    return out


def _call(expr: str) -> tuple[str, str] | None:
    """(function, argument text) when `expr` is one whole call ``f(...)``."""
    m = re.match(r"([A-Za-z_]\w*)\s*\(", expr)
    if not m or not expr.endswith(")"):
        return None
    depth = 0
    for i in range(m.end() - 1, len(expr)):
        depth += (expr[i] in "([{") - (expr[i] in ")]}")
        if depth == 0:
            return (m.group(1).lower(), expr[m.end():-1]) if i == len(expr) - 1 else None
    return None


def source_property(expr: str, variables: dict[str, str | None]) -> str | None:
    """The projection property a (masked) expression's values come from, if it only passes them on.

    >>> source_property("min(DISTINCT jb.startDate)", {})
    'startDate'
    >>> source_property("list_sort(s)[1]", {"s": "sectors"}), source_property("count(b)", {})
    ('sectors', None)
    """
    expr = expr.strip()
    while True:
        m = re.fullmatch(r"(.*\S)\s*\[[^\[\]]*\]", expr, re.S)
        if m:
            expr = m.group(1)
            continue
        call = _call(expr)
        if call is None:
            break
        fn, args = call
        if fn == "id":
            return "id"
        if fn not in _PASS_THROUGH:
            return None
        expr = re.sub(r"^\s*DISTINCT\b", "", _top_level_split(args)[0], flags=re.I).strip()
    m = re.fullmatch(r"[A-Za-z_]\w*\.([A-Za-z_]\w*)", expr)
    if m:
        return m.group(1)
    return variables.get(expr)


def result_columns(text: str) -> list[tuple[str, str | None]]:
    """(name, source property) of each column of the query's final RETURN; [] for ``RETURN *``.

    Variables bound by WITH and UNWIND carry the property they came from; ``// column: NAME (PROPERTY)``
    header lines set it for a column whose expression does not say.

    >>> result_columns("MATCH (a)-[r]-(b) UNWIND a.sectors AS s RETURN DISTINCT a.id AS a, s, COUNT(b) ORDER BY a")
    [('a', 'id'), ('s', 'sectors'), ('COUNT(b)', None)]
    """
    declared = dict(COLUMN_HEADER.findall(text))
    masked, pieces = mask(text)
    union = depth_zero(masked, re.compile(r"\bUNION\b", re.I))
    first = masked[: union[0].start()] if union else masked
    clauses = depth_zero(first, _CLAUSE)
    variables: dict[str, str | None] = {}
    columns = None
    for i, m in enumerate(clauses):
        keyword = m.group(0).split()[0].upper()
        body = first[m.end(): clauses[i + 1].start() if i + 1 < len(clauses) else len(first)]
        if keyword in ("WITH", "UNWIND", "RETURN"):
            items = [(name, source_property(expr, variables)) for name, expr in _items(body)]
            if keyword == "RETURN":
                columns = [] if body.strip() == "*" else items
            else:
                variables.update(items)
    if not columns:
        return []
    return [(unmask(name, pieces).strip("`"), declared.get(unmask(name, pieces).strip("`"), prop)) for name, prop in columns]


def text_params(text: str, params: dict | None) -> dict[str, str]:
    """The `--param` values of a Cypher text, as strings: each must be a ``$name`` the text uses, and each it uses given."""
    params = dict(params or {})
    used = parameter_names(text)
    for key in params:
        if key not in used:
            raise UsageError(f"--param {key}: the query has no parameter ${key}")
    for name in used:
        if name not in params:
            raise UsageError(f"--param {name}: the query uses ${name}; give --param {name}=VALUE")
    return {k: str(v) for k, v in params.items()}
