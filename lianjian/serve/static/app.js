// lianjian explorer: search as you type, cite buttons, neighbourhood network, result views.
// Every string from the data goes in through textContent; nothing is parsed as HTML.
"use strict";
(function () {
  const lang = document.body.dataset.lang || "zh";
  const withLang = (href) => (lang === "en" ? href + (href.includes("?") ? "&" : "?") + "lang=en" : href);

  function el(tag, text, attrs) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    return e;
  }

  // Search as you type: the header box opens the entity page; a query form's entity box takes the id.
  function suggest(input, list, onPick) {
    let timer = null, seq = 0;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      const text = input.value.trim();
      if (!text) { list.hidden = true; return; }
      timer = setTimeout(async () => {
        const mine = ++seq;
        const resp = await fetch(input.dataset.suggest + encodeURIComponent(text));
        if (mine !== seq || !resp.ok) return;
        const rows = await resp.json();
        list.replaceChildren();
        for (const r of rows) {
          const li = el("li", r.label);
          li.dataset.id = r.id;
          li.appendChild(el("span", r.kind, { class: "kind" }));
          li.addEventListener("mousedown", (ev) => { ev.preventDefault(); onPick(r); list.hidden = true; });
          list.appendChild(li);
        }
        list.hidden = rows.length === 0;
      }, 150);
    });
    input.addEventListener("blur", () => setTimeout(() => { list.hidden = true; }, 150));
  }
  const box = document.getElementById("search-box");
  if (box) suggest(box, document.getElementById("search-suggestions"), (r) => { location.href = withLang("/entity/" + encodeURIComponent(r.id)); });
  for (const input of document.querySelectorAll("input.entity-input")) {
    const list = el("ul", null, { class: "suggestions" });
    list.hidden = true;
    input.parentElement.style.position = "relative";
    input.parentElement.appendChild(list);
    suggest(input, list, (r) => { input.value = r.id; });
  }

  // Cite: copy source, quote and offsets.
  for (const b of document.querySelectorAll("button.cite")) {
    b.addEventListener("click", async () => {
      const text = b.dataset.cite;
      try { await navigator.clipboard.writeText(text); } catch (e) { /* clipboard refused: the text stays in data-cite */ }
      b.textContent = lang === "en" ? "Copied" : "已复制";
      b.dataset.copied = text;
    });
  }

  // A network that grows on click (entity page) or is drawn from rows that pair entities (query page).
  function drawNetwork(container, nodes, edges, expandable) {
    if (typeof vis === "undefined") return null;
    const data = { nodes: new vis.DataSet(nodes), edges: new vis.DataSet(edges) };
    const net = new vis.Network(container, data, {
      layout: { randomSeed: 7 }, physics: { stabilization: { iterations: 150 } },
      nodes: { font: { size: 14 } }, interaction: { hover: true },
    });
    container.network = net;
    container.nodesData = data.nodes;
    if (expandable) {
      net.on("click", async (params) => {
        if (!params.nodes.length) return;
        const key = data.nodes.get(params.nodes[0]).key;
        const resp = await fetch("/entity/" + encodeURIComponent(key) + "/neighbours");
        if (!resp.ok) return;
        addGraph(data, await resp.json());
        container.dataset.expanded = (parseInt(container.dataset.expanded || "0", 10) + 1).toString();
      });
      net.on("doubleClick", (params) => {
        if (params.nodes.length) location.href = withLang("/entity/" + encodeURIComponent(data.nodes.get(params.nodes[0]).key));
      });
    }
    return net;
  }
  function addGraph(data, g) {
    const byKey = new Map(data.nodes.get().map((n) => [n.key, n.id]));
    const local = new Map();
    for (const n of g.nodes) {
      if (!byKey.has(n.key)) {
        const id = "n" + (data.nodes.length + 1) + "-" + n.key;
        byKey.set(n.key, id);
        data.nodes.add({ id, key: n.key, label: n.label, color: n.color, shape: n.shape, size: n.size });
      }
      local.set(n.id, byKey.get(n.key));
    }
    const have = new Set(data.edges.get().map((e) => e.from + "|" + e.to));
    for (const e of g.edges) {
      const from = local.get(e.from), to = local.get(e.to);
      if (have.has(from + "|" + to) || have.has(to + "|" + from)) continue;
      data.edges.add({ from, to, color: e.color, dashes: e.dashes, title: e.title });
    }
  }
  const hood = document.getElementById("neighbourhood");
  if (hood) {
    fetch(hood.dataset.src).then((r) => r.json()).then((g) => {
      const data = { nodes: [], edges: [] };
      const tmp = { nodes: new vis.DataSet(), edges: new vis.DataSet() };
      addGraph(tmp, g);
      drawNetwork(hood, tmp.nodes.get(), tmp.edges.get(), true);
      hood.dataset.ready = "1";
    });
  }

  // Query result views: table, network, timeline, bar chart; the chosen view lives in the URL's hash.
  const resultData = document.getElementById("result-data");
  if (resultData) {
    const { vars, rows, views } = JSON.parse(resultData.textContent);
    const drawn = {};
    const labelOf = (row, v) => row[v + "_zh"] || row[v.replace(/s$/, "") + "_zh"] || row[v];
    const draw = {
      graph(box) {
        const cols = vars.filter((v) => rows.some((r) => String(r[v] || "").startsWith("id:")));
        const [a, b] = cols;
        const nodes = new Map(), edges = [];
        for (const r of rows) {
          if (!r[a] || !r[b] || r[a] === r[b]) continue;
          for (const v of [a, b]) if (!nodes.has(r[v])) nodes.set(r[v], { id: r[v], key: r[v].slice(3), label: labelOf(r, v) });
          edges.push({ from: r[a], to: r[b] });
        }
        drawNetwork(box, [...nodes.values()], edges, false);
        box.dataset.nodes = String(nodes.size);
      },
      timeline(box) {
        const col = ["date", "start", "year", "as_of"].find((v) => vars.includes(v));
        const ul = el("ul", null, { class: "timeline" });
        for (const r of [...rows].filter((r) => r[col]).sort((x, y) => String(x[col]).localeCompare(String(y[col])))) {
          const li = el("li");
          li.appendChild(el("span", r[col], { class: "when" }));
          li.appendChild(document.createTextNode(vars.filter((v) => v !== col && typeof r[v] === "string" && !r[v].includes(":")).map((v) => r[v]).slice(0, 3).join(" · ")));
          ul.appendChild(li);
        }
        box.appendChild(ul);
      },
      chart(box) {
        const num = vars.find((v) => rows.some((r) => typeof r[v] === "number"));
        const lab = vars.find((v) => v !== num && rows.some((r) => typeof r[v] === "string"));
        const max = Math.max(1, ...rows.map((r) => r[num] || 0));
        const ns = "http://www.w3.org/2000/svg", h = 22;
        const svg = document.createElementNS(ns, "svg");
        svg.setAttribute("width", "900"); svg.setAttribute("height", String(rows.length * h + 10));
        rows.forEach((r, i) => {
          const t = document.createElementNS(ns, "text");
          t.setAttribute("x", "0"); t.setAttribute("y", String(i * h + 15)); t.textContent = String(labelOf(r, lab) || "");
          const rect = document.createElementNS(ns, "rect");
          rect.setAttribute("class", "bar"); rect.setAttribute("x", "320"); rect.setAttribute("y", String(i * h + 3));
          rect.setAttribute("height", String(h - 6)); rect.setAttribute("width", String(Math.max(1, 540 * (r[num] || 0) / max)));
          const n = document.createElementNS(ns, "text");
          n.setAttribute("x", String(325 + 540 * (r[num] || 0) / max)); n.setAttribute("y", String(i * h + 15)); n.textContent = String(r[num] ?? "");
          svg.append(t, rect, n);
        });
        box.appendChild(svg);
      },
    };
    const show = () => {
      const want = (location.hash || "#view-table").slice(6);
      const view = views.includes(want) ? want : "table";
      for (const v of views) {
        document.getElementById("view-" + v).hidden = v !== view;
        const a = document.querySelector(`nav.views a[data-view="${v}"]`);
        if (a) a.classList.toggle("current", v === view);
      }
      if (view !== "table" && !drawn[view]) { drawn[view] = true; draw[view](document.getElementById("view-" + view)); }
    };
    window.addEventListener("hashchange", show);
    show();
  }
})();
