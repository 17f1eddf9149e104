"""Text normalisation for matching quotes and names against source documents.

Both sides of a match go through `normalize`: Unicode NFKC (which also folds
full-width letters, digits and punctuation to half-width), one form for the
many quotation marks and dashes, pinyin glosses removed (``創(chuàng)新`` →
``創新``), Traditional converted to Simplified with OpenCC ``t2s``, and all
white space dropped.
"""

from __future__ import annotations

import codecs
import functools
import re
import unicodedata

__all__ = ["normalize", "strip_glosses", "to_simplified", "decode_source", "PINYIN_GLOSS"]

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüḿńňǹ"
#: A pinyin gloss in parentheses right after a Chinese character (or a damaged run): (chuàng), (qū).
PINYIN_GLOSS = re.compile(rf"(?<=[^\sA-Za-z0-9(])\((?=[a-z{_TONED}]*[aeiouü{_TONED}])[a-z{_TONED}]{{1,7}}\)")
_QUOTES = str.maketrans({c: '"' for c in "“”„‟〝〞＂«»「」『』"} | {c: "'" for c in "‘’‚‛"} | {c: "-" for c in "‐‑‒–—―－"})
_SPACE = re.compile(r"\s+")


@functools.lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → Simplified Chinese (OpenCC t2s).

    >>> to_simplified("長寧區委")
    '长宁区委'
    """
    return _t2s().convert(text)


def strip_glosses(text: str) -> str:
    """Remove pinyin glosses inserted after characters.

    >>> strip_glosses("在傳承中創(chuàng)新突破")
    '在傳承中創新突破'
    """
    return PINYIN_GLOSS.sub("", text)


def normalize(text: str) -> str:
    """The form in which quotes and sources are compared.

    >>> normalize("長寧區(qū)委 “凝聚力工程”，")
    '长宁区委"凝聚力工程",'
    """
    text = strip_glosses(unicodedata.normalize("NFC", text))
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return _SPACE.sub("", to_simplified(text))


def decode_source(raw: bytes) -> tuple[str, str]:
    """Decode a source document: UTF-8 (with or without BOM), else GB18030; returns (text, encoding).

    >>> decode_source("长宁".encode("gb18030"))
    ('长宁', 'gb18030')
    """
    if raw.startswith(codecs.BOM_UTF8):
        return raw[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16"), "utf-16"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        return raw.decode("utf-8", errors="replace"), "utf-8 (with damaged bytes)"
