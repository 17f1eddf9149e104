"""A synthetic corpus of any size, in the real annotation format and with the real corpus's shape.

Each synthetic case has a district with streets and residential areas, party
organisations of every kind across sectors, persons with posts, collective
actors, initiatives with components, local mechanisms under the real mechanism
scheme, 20–60 joint-building relationships of 2–5 participants, observations
and an evidence quote on everything; labels in Simplified and Traditional
script. A shared file holds entities every case references. The output is
deterministic for a seed.

>>> files = synth_files(2, seed=7)
>>> sorted(files)[:2]
['shared.yaml', 'synth-00000.yaml']
>>> synth_files(2, seed=7) == files
True
"""

from __future__ import annotations

import random
from importlib import resources
from pathlib import Path

import yaml

from lianjian.io import atomic_directory
from lianjian.loaders.text import to_simplified
from lianjian.ontology import base_vocabulary

__all__ = ["synth_files", "write_synth", "TIERS"]

#: Benchmark tiers: number of cases giving about 10k, 100k and 1M triples.
TIERS = {"small": 5, "medium": 50, "large": 500}

_PLACES = "东西南北中新华安康宁和平兴盛泰丰乐福长青春阳光明德仁义礼信金银山水江河湖海林松竹梅兰菊星月云天"
_TRAD = str.maketrans({"东": "東", "华": "華", "宁": "寧", "兴": "興", "丰": "豐", "乐": "樂", "长": "長", "阳": "陽", "银": "銀",
                       "江": "江", "湖": "湖", "云": "雲", "区": "區", "党": "黨", "委": "委", "员": "員", "会": "會", "街": "街",
                       "镇": "鎮", "居": "居", "联": "聯", "盟": "盟", "书": "書", "记": "記", "公": "公", "司": "司", "业": "業",
                       "务": "務", "协": "協", "学": "學", "园": "園", "楼": "樓", "宇": "宇", "门": "門", "议": "議", "网": "網",
                       "格": "格", "动": "動", "服": "服", "总": "總", "支": "支", "部": "部", "机": "機", "关": "關", "卫": "衛",
                       "医": "醫", "院": "院", "馆": "館", "为": "為", "与": "與", "签": "簽", "约": "約", "结": "結", "对": "對"})
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红"
#: (kind, sectors, name suffix) of the generated organisations, from synth.yaml.
_ORG_KINDS = [(k["kind"], k["sectors"], k["suffix"])
              for k in yaml.safe_load((resources.files("lianjian") / "synth.yaml").read_text(encoding="utf-8"))["org_kinds"]]
_RELATIONS = ["joint-building", "pairing", "co-building", "signing", "linkage", "co-governance", "resource-sharing", "service", "guidance"]
_UNITS = ["名", "个", "家", "支", "万元", "平方米", "人次"]


def _trad(text: str) -> str:
    return text.translate(_TRAD)


def _name(rng: random.Random, n: int = 2) -> str:
    return "".join(rng.choice(_PLACES) for _ in range(n))


def _labels(zh: str, en: str) -> dict:
    return {"zh": zh, "zh-Hant": _trad(zh), "en": en}


def _quote(rng: random.Random, *parts: str) -> str:
    verbs = ["积极推进", "不断深化", "探索建立", "全面实施", "共同开展"]
    return ("".join(parts) + rng.choice(verbs) + "党建联建工作")[:120]


def _case(i: int, rng: random.Random, mechanisms: list[str], shared_orgs: list[str], shared_areas: list[str]) -> dict:
    cid = f"synth-{i:05d}"
    district = _name(rng) + "区"
    areas, orgs, persons, collectives, mechs, initiatives, events, rels, obs = [], [], [], [], [], [], [], [], []
    d_id = f"{cid}-district"
    areas.append({"id": d_id, **_labels(district, f"{district} District (synthetic {i})"), "kind": "District",
                  "within": rng.choice(shared_areas), "evidence": _quote(rng, district)})
    streets = []
    for s in range(rng.randint(3, 6)):
        zh = _name(rng) + "街道"
        sid = f"{cid}-street-{s}"
        streets.append(sid)
        areas.append({"id": sid, **_labels(zh, f"Street {s} of case {i}"), "kind": "Street", "within": d_id, "evidence": _quote(rng, district, zh)})
        for r in range(rng.randint(2, 4)):
            rzh = _name(rng) + "居民区"
            areas.append({"id": f"{sid}-ra-{r}", **_labels(rzh, f"Residential area {r}, street {s}, case {i}"), "kind": "ResidentialArea",
                          "within": sid, "evidence": _quote(rng, zh, rzh)})
    org_ids = []
    for k in range(rng.randint(30, 55)):
        kind, sectors, suffix = _ORG_KINDS[k % len(_ORG_KINDS)] if k < len(_ORG_KINDS) else rng.choice(_ORG_KINDS)
        zh = district + _name(rng) + suffix
        oid = f"{cid}-org-{k}"
        org = {"id": oid, **_labels(zh, f"{kind} {k} of case {i}"), "kind": kind, "sectors": list(sectors),
               "area": rng.choice(streets), "evidence": [_quote(rng, zh)]}
        if k > 0 and kind.startswith("Party") and rng.random() < 0.6:
            org["parent"] = f"{cid}-org-0"
        if kind in ("JointConference", "CoGovernanceCommittee", "Alliance") and len(org_ids) >= 3:
            org["members"] = rng.sample(org_ids, min(len(org_ids), rng.randint(3, 6)))
            org["led_by"] = org["members"][0]
        org_ids.append(oid)
        orgs.append(org)
    for k in range(rng.randint(3, 8)):
        mid = f"{cid}-mech-{k}"
        zh = f"“{_name(rng, 4)}”工作法"
        mechs.append({"id": mid, **_labels(zh, f"Local mechanism {k} of case {i}"), "broader": rng.choice(mechanisms),
                      "definition": {"zh": zh + "是一种党建联建机制。", "en": "A synthetic local mechanism."}, "evidence": _quote(rng, zh)})
    local_mechs = [m["id"] for m in mechs]
    ini = f"{cid}-initiative"
    izh = district + _name(rng) + "工程"
    initiatives.append({"id": ini, **_labels(izh, f"Initiative of case {i}"), "kind": "Initiative", "start": rng.randint(1990, 2020),
                        "led_by": f"{cid}-org-0", "area": d_id, "mechanisms": rng.sample(local_mechs, 2), "evidence": _quote(rng, izh)})
    for k in range(rng.randint(2, 5)):
        czh = izh + f"第{k + 1}板块"
        initiatives.append({"id": f"{ini}-part-{k}", **_labels(czh, f"Component {k}"), "kind": "InitiativeComponent", "part_of": ini,
                            "evidence": _quote(rng, czh)})
    for k in range(rng.randint(2, 6)):
        zh = rng.choice(_SURNAMES) + rng.choice(_GIVEN) + rng.choice(["", rng.choice(_GIVEN)])
        org = rng.choice(org_ids)
        persons.append({"id": f"{cid}-person-{k}", **_labels(zh, f"Person {k} of case {i}"),
                        "posts": [{"title": "党组织书记", "title_en": "party secretary", "org": org, "since": rng.randint(2000, 2020)}],
                        "evidence": _quote(rng, zh, "书记")})
    collectives.append({"id": f"{cid}-volunteers", **_labels(district + "党员志愿者服务队", "Party-member volunteers"), "kind": "VolunteerTeam",
                        "attached_to": [f"{cid}-org-0"], "evidence": _quote(rng, district, "党员志愿者")})
    events.append({"id": f"{cid}-founding", **_labels(izh + "启动", "Launch of the initiative"), "kind": "Founding",
                   "date": f"{rng.randint(2000, 2020)}-{rng.randint(1, 12):02d}", "involves": [ini, f"{cid}-org-0"], "evidence": _quote(rng, izh, "启动")})
    candidates = org_ids + shared_orgs
    for k in range(rng.randint(20, 60)):
        parts = rng.sample(candidates, rng.randint(2, 5))
        rel = {"kind": rng.choice(_RELATIONS), "participants": parts, "mechanisms": rng.sample(mechanisms + local_mechs, rng.randint(1, 2)),
               "evidence": _quote(rng, f"第{k}项", "联建")}
        if rng.random() < 0.7:
            rel["start"] = rng.randint(1995, 2022)
        if rng.random() < 0.5:
            rel["initiative"] = ini
        rels.append(rel)
    for k in range(rng.randint(5, 15)):
        obs.append({"subject": rng.choice(org_ids + [d_id]), "zh": f"指标{k}", "en": f"measure {k}", "value": rng.randint(1, 20000),
                    "unit": rng.choice(_UNITS), "as_of": rng.randint(2005, 2022), "bound": "at-least" if rng.random() < 0.2 else "exact",
                    "evidence": _quote(rng, f"指标{k}")})
    refs = [{"ref": a, "evidence": _quote(rng, "共享区域")} for a in sorted({areas[0]["within"]})]
    org_refs = [{"ref": o, "evidence": _quote(rng, "共享单位")} for o in sorted({p for r in rels for p in r["participants"] if p in shared_orgs})]
    return {
        "source": {"id": cid, "file": f"{cid}.txt", "title": f"{district}党建联建案例（合成）", "title_en": f"Synthetic case {i}",
                   "date": f"{rng.randint(2010, 2022)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", "genre": "report", "language": "zh-Hans",
                   "area": d_id},
        "areas": areas + refs, "organizations": orgs + org_refs, "persons": persons, "collectives": collectives, "mechanisms": mechs,
        "initiatives": initiatives, "events": events, "relationships": rels, "observations": obs,
    }


def synth_files(cases: int, seed: int = 0) -> dict[str, str]:
    """The synthetic corpus as {file name: YAML text}."""
    rng = random.Random(seed)
    mechanisms = sorted(base_vocabulary().concepts["mechanism"])
    shared_areas = [f"synth-province-{k}" for k in range(3)]
    shared_orgs = [f"synth-shared-org-{k}" for k in range(10)]
    shared = {
        "shared": True,
        "areas": [{"id": a, **_labels(to_simplified(_name(rng) + "省"), f"Synthetic province {k}"), "kind": "Province"} for k, a in enumerate(shared_areas)],
        "organizations": [{"id": o, **_labels(_name(rng) + "市委组织部", f"Synthetic shared department {k}"), "kind": "PartyDepartment",
                           "sectors": ["government-agency"], "area": shared_areas[k % 3]} for k, o in enumerate(shared_orgs)],
    }
    files = {}
    case_data = [_case(i, rng, mechanisms, shared_orgs, shared_areas) for i in range(cases)]
    quoted = {r["ref"] for c in case_data for r in c["areas"] + c["organizations"] if "ref" in r}
    shared["areas"] = [a for a in shared["areas"] if a["id"] in quoted]
    shared["organizations"] = [o for o in shared["organizations"] if o["id"] in quoted and o["area"] in quoted]
    kept = {o["id"] for o in shared["organizations"]} | {a["id"] for a in shared["areas"]}
    for c in case_data:
        c["organizations"] = [o for o in c["organizations"] if "ref" not in o or o["ref"] in kept]
        for r in c["relationships"]:
            r["participants"] = [p for p in r["participants"] if not p.startswith("synth-shared") or p in kept]
        c["relationships"] = [r for r in c["relationships"] if len(r["participants"]) >= 2]
    files["shared.yaml"] = yaml.safe_dump(shared, allow_unicode=True, sort_keys=False)
    for c in case_data:
        files[f"{c['source']['id']}.yaml"] = yaml.safe_dump(c, allow_unicode=True, sort_keys=False, width=1000)
    return files


#: The list of files a `synth --force` run wrote into a folder it did not create (the only files a later run removes).
MARKER = ".lianjian-synth.json"


def write_synth(output: str | Path, cases: int, seed: int = 0, progress=None, force: bool = False) -> dict:
    """Write a synthetic corpus folder; returns the file count and total size.

    A new or empty folder is created atomically. A folder holding anything is refused unless `force`;
    then only the files synth writes are replaced (and the ones an earlier forced run listed in MARKER
    removed), every other file is left as it is. Nothing else is ever deleted.
    """
    import json
    import os

    from lianjian.errors import UsageError
    from lianjian.io import atomic_write

    if cases < 1:
        raise UsageError("--cases must be at least 1")
    folder = Path(output)
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise UsageError(f"-o {output}: exists and is not a directory")
    entries = sorted(os.listdir(folder)) if folder.is_dir() else []
    if entries and not force:
        shown = ", ".join(entries[:3]) + (", …" if len(entries) > 3 else "")
        raise UsageError(f"-o {output}: the folder is not empty ({len(entries)} entries: {shown}); give a new or empty "
                         "folder, or --force to replace only the files synth writes")
    files = synth_files(cases, seed)
    if not entries:
        def fill(tmp: Path) -> None:
            for name, text in files.items():
                (tmp / name).write_text(text, encoding="utf-8")
                if progress:
                    progress(1)

        if folder.is_dir():
            folder.rmdir()  # empty: nothing of the user's is lost
        atomic_directory(output, fill)
    else:
        try:
            earlier = json.loads((folder / MARKER).read_text(encoding="utf-8")).get("files", [])
        except (OSError, ValueError, AttributeError):
            earlier = []
        for name in files:
            if (folder / name).is_dir() or (folder / name).is_symlink():
                raise UsageError(f"-o {output}: {name} is a folder or a link; synth will not replace it")
        atomic_write(folder / MARKER, json.dumps({"files": sorted(set(earlier) | set(files))}, ensure_ascii=False))
        for name, text in files.items():
            atomic_write(folder / name, text)
            if progress:
                progress(1)
        for name in earlier:
            if isinstance(name, str) and name not in files and "/" not in name and name.endswith(".yaml") \
                    and (folder / name).is_file() and not (folder / name).is_symlink():
                (folder / name).unlink()
        atomic_write(folder / MARKER, json.dumps({"files": sorted(files)}, ensure_ascii=False))
    return {"output": str(output), "files": len(files), "bytes": sum(len(t.encode("utf-8")) for t in files.values())}
