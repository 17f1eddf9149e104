"""Static network figures (PNG, SVG) for papers, drawn with networkx and matplotlib with CJK glyphs."""

from __future__ import annotations

import io

import networkx as nx

from lianjian.errors import DataError

__all__ = ["cjk_font", "figure_bytes", "CJK_FONTS"]

#: Font families tried in order; the first one matplotlib can find is used.
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Serif CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
             "WenQuanYi Micro Hei", "AR PL UMing CN", "Droid Sans Fallback")


def cjk_font() -> str:
    """The name of an installed font with Chinese glyphs, or a DataError saying how to get one."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in installed:
            return name
    raise DataError("no font with Chinese glyphs found (looked for " + ", ".join(CJK_FONTS[:3]) +
                    "); install one, e.g. `apt-get install fonts-noto-cjk`")


def figure_bytes(v: nx.Graph, fmt: str = "png", lang: str = "zh", size: float = 14.0) -> bytes:
    """Draw the view graph (from `lianjian.graph.viz.view_graph`) as PNG or SVG bytes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from lianjian.graph.style import SECTOR_COLOURS, edge_style, node_style

    font = cjk_font()
    v = v.subgraph([n for n in v if v.degree(n) > 0]).copy()  # isolated nodes only crowd a printed figure
    plt.rcParams["font.family"] = font
    plt.rcParams["svg.fonttype"] = "none" if fmt == "svg" else "path"
    fig, ax = plt.subplots(figsize=(size, size * 0.75), dpi=150)
    pos = nx.spring_layout(v, seed=1, k=1.5 / max(1, v.number_of_nodes()) ** 0.5)
    degree = dict(v.degree())
    colours = [node_style(d)["color"] for _, d in v.nodes(data=True)]
    sizes = [30 + 25 * degree[n] for n in v]
    edge_colours = [edge_style(d)["color"] for _, _, d in v.edges(data=True)]
    nx.draw_networkx_edges(v, pos, ax=ax, edge_color=edge_colours, width=0.7, alpha=0.6)
    nx.draw_networkx_nodes(v, pos, ax=ax, node_color=colours, node_size=sizes, linewidths=0.3, edgecolors="#444")
    top = sorted(v, key=lambda n: -degree[n])[: max(15, min(60, v.number_of_nodes() // 5))]
    key = "label_en" if lang == "en" else "label_zh"
    nx.draw_networkx_labels(v, pos, ax=ax, labels={n: v.nodes[n].get(key) or v.nodes[n].get("label_zh", n) for n in top},
                            font_size=7, font_family=font)
    present = sorted({d.get("sector") for _, d in v.nodes(data=True) if d.get("sector")})
    handles = [plt.Line2D([], [], marker="o", linestyle="", color=SECTOR_COLOURS.get(s, SECTOR_COLOURS["other"]), label=s) for s in present]
    if handles:
        ax.legend(handles=handles, loc="lower left", fontsize=7, frameon=False, title="sector", title_fontsize=8)
    ax.set_axis_off()
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()
