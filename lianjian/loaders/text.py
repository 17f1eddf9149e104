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

__all__ = ["normalize", "strip_glosses", "to_simplified", "decode_source", "ordinary_share", "PINYIN_GLOSS"]

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
    """Decode a source document; returns (text, encoding).

    UTF-8 (with or without BOM) and UTF-16 with a BOM are taken as they are.
    Otherwise each of UTF-16 (without BOM), GB18030 and Big5 that decodes
    cleanly is scored by how much of its text is ordinary (ASCII, punctuation,
    common Chinese characters) and the best is taken, GB18030 on a tie: Big5
    bytes also decode as GB18030, into rare characters.

    >>> decode_source("长宁".encode("gb18030"))
    ('长宁', 'gb18030')
    >>> decode_source("長寧區委組織部".encode("big5"))
    ('長寧區委組織部', 'big5')
    """
    if raw.startswith(codecs.BOM_UTF8):
        return raw[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16", errors="replace"), "utf-16"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best: tuple[float, str, str] | None = None
    for enc in ("gb18030", "big5", "utf-16-le", "utf-16-be"):
        if enc.startswith("utf-16") and len(raw) % 2:
            continue
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        score = ordinary_share(text)
        if best is None or score > best[0] + 0.02:
            best = (score, text, enc)
    if best is not None and best[0] >= 0.8:
        return best[1], best[2]
    return raw.decode("utf-8", errors="replace"), "utf-8 (with damaged bytes)"


def ordinary_share(text: str) -> float:
    """The share of characters that ordinary Chinese or English text is made of (0..1).

    ASCII letters, digits and punctuation, white space, CJK and full-width
    punctuation, and Chinese characters that are common (in GB2312 once in
    Simplified form) count; control characters, private-use, rare and
    unassigned characters do not.

    >>> ordinary_share("长宁区委 2013 年"), ordinary_share(chr(0) + chr(1) + "ab")
    (1.0, 0.5)
    """
    if not text:
        return 0.0
    simplified = to_simplified(text) if len(text) < 4_000_000 else text
    good = 0
    for ch in simplified:
        code = ord(ch)
        if 0x20 <= code < 0x7F or ch in "\t\n\r":
            good += 1
        elif 0x3000 <= code <= 0x303F or 0xFF00 <= code <= 0xFFEF or 0x2010 <= code <= 0x206F:
            good += 1
        elif 0x4E00 <= code <= 0x9FFF:
            try:
                ch.encode("gb2312")
                good += 1
            except UnicodeEncodeError:
                pass
    return good / len(simplified)
