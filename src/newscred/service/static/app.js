// newscred web page: talks to this server's /v1 API only.  No framework, no external assets.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const form = $("analyze-form");
  const textBox = $("text");
  const urlBox = $("url");
  const fileBox = $("file");
  const submitButton = $("submit");
  const statusLine = $("status");
  const alertBox = $("alert");
  const results = $("results");
  let maxFileBytes = 2000000; // replaced by the server's own limit from /v1/model
  const GENERIC_SECTIONS = [["page", "Read from the page"], ["source", "Source"], ["provenance", "Provenance"]];

  // ---------------------------------------------------------------- small helpers
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    if (attrs) {
      for (const [key, value] of Object.entries(attrs)) {
        if (value === undefined || value === null || value === false) continue;
        if (key === "className") node.className = value;
        else if (key === "text") node.textContent = value;
        else node.setAttribute(key, value === true ? "" : String(value));
      }
    }
    for (const child of children || []) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function pct(p) {
    const v = 100 * p;
    return (v < 1 && v > 0 ? v.toFixed(1) : Math.round(v).toString()) + "%";
  }

  function signed(x, digits) {
    const s = Math.abs(x).toFixed(digits === undefined ? 3 : digits);
    if (Number(s) === 0) return s;
    return (x > 0 ? "+" : "\u2212") + s;
  }

  function humanize(key) {
    const s = String(key).replace(/_/g, " ");
    return s.charAt(0).toUpperCase() + s.slice(1);
  }

  function showAlert(message) {
    alertBox.textContent = message;
    alertBox.hidden = false;
  }

  function hideAlert() {
    alertBox.hidden = true;
    alertBox.textContent = "";
  }

  async function api(path, payload) {
    let response;
    try {
      response = await fetch(path, {
        method: payload === undefined ? "GET" : "POST",
        headers: payload === undefined ? {} : { "Content-Type": "application/json" },
        body: payload === undefined ? undefined : JSON.stringify(payload),
      });
    } catch (err) {
      throw new Error("Could not reach the newscred server (" + err.message + "). Is it still running?");
    }
    let data = null;
    try {
      data = await response.json();
    } catch (err) {
      data = null;
    }
    if (!response.ok) {
      const e = data && data.error ? data.error : { code: "http." + response.status, message: response.statusText };
      throw new Error("Error [" + e.code + "]: " + e.message);
    }
    return data;
  }

  // ---------------------------------------------------------------- verdict
  const LABEL_TEXT = {
    reliable: "Reads as reliable",
    unreliable: "Reads as unreliable",
    uncertain: "Uncertain",
  };

  function renderVerdict(report) {
    const c = report.content;
    const label = $("verdict-label");
    label.className = "verdict-label label-" + c.label;
    label.textContent = LABEL_TEXT[c.label] || c.label;
    const p = c.p_unreliable;
    const bar = $("prob-bar");
    bar.setAttribute("aria-valuenow", String(Math.round(100 * p)));
    bar.setAttribute("aria-valuetext", pct(p) + " probability that the text is unreliable");
    const fill = $("prob-fill");
    fill.style.width = (100 * p).toFixed(1) + "%";
    fill.classList.toggle("towards-unreliable", p >= 0.5);
    $("prob-text").textContent =
      pct(p) + " probability that the text is unreliable (calibrated; expected share of unreliable articles " +
      c.prior + ")";
    $("summary").textContent = report.summary || "";
    // Short texts are read by the claim model: say so, since its verdict means something else.
    $("verdict-heading").textContent = c.mode === "claim" ? "Claim verdict (short-claim model)" : "Content verdict";
    const reasons = $("reasons");
    clear(reasons);
    for (const r of c.reasons || []) reasons.append(el("li", { text: r }));
    $("reasons-block").hidden = !(c.reasons && c.reasons.length);
  }

  // ---------------------------------------------------------------- evidence highlighting
  // Report offsets count Unicode code points (Python); JavaScript strings count UTF-16 units.
  function offsetMapper(text) {
    if (!/[\uD800-\uDFFF]/.test(text)) return (i) => i;
    const units = [0];
    let u = 0;
    for (const ch of text) {
      u += ch.length;
      units.push(u);
    }
    return (i) => (i < units.length ? units[i] : text.length);
  }

  function describe(ev) {
    const kind = ev.kind === "pattern" ? "pattern" : "word";
    const parts = (ev.terms || []).length > 1
      ? " (" + ev.terms.map((t) => t.text + " " + signed(t.weight)).join(", ") + ")"
      : "";
    return "\u201c" + ev.text + "\u201d (" + kind + "): " + signed(ev.weight) + " towards " + ev.direction + parts;
  }

  function renderHighlights(text, evidence) {
    const container = $("article-text");
    clear(container);
    const map = offsetMapper(text);
    const marks = [];
    evidence.forEach((ev, i) => {
      for (const span of ev.spans || []) {
        const s = map(span[0]);
        const e = map(span[1]);
        if (e > s && s >= 0 && e <= text.length) marks.push({ s: s, e: e, i: i });
      }
    });
    const maxWeight = Math.max(1e-9, ...evidence.map((ev) => Math.abs(ev.weight)));
    const cuts = new Set([0, text.length]);
    for (const m of marks) {
      cuts.add(m.s);
      cuts.add(m.e);
    }
    const points = Array.from(cuts).sort((a, b) => a - b);
    const frag = document.createDocumentFragment();
    // One tab stop per evidence term (its first place), not one per occurrence: a long article can
    // have hundreds of highlights, and the lists beside the text name every term anyway.
    const reachable = new Set();
    for (let k = 0; k < points.length - 1; k++) {
      const a = points[k];
      const b = points[k + 1];
      const piece = text.slice(a, b);
      const covering = [];
      for (const m of marks) {
        if (m.s <= a && m.e >= b && !covering.includes(m.i)) covering.push(m.i);
      }
      if (!covering.length) {
        frag.append(document.createTextNode(piece));
        continue;
      }
      const weight = covering.reduce((acc, i) => acc + evidence[i].weight, 0);
      const level = Math.abs(weight) / maxWeight > 0.66 ? 3 : Math.abs(weight) / maxWeight > 0.33 ? 2 : 1;
      const direction = weight > 0 ? "unreliable" : "reliable";
      const details = covering.map((i) => describe(evidence[i]));
      const first = covering.some((i) => !reachable.has(i));
      covering.forEach((i) => reachable.add(i));
      const mark = el("mark", {
        className: "ev " + direction + " lvl" + level,
        tabindex: first ? "0" : null,
        title: details.join("\n"),
        "aria-label": piece.trim() + ": " + details.join("; "),
        "data-weight": weight.toFixed(4),
        "data-direction": direction,
      }, [piece]);
      frag.append(mark);
    }
    container.append(frag);
  }

  function showDetail(event) {
    const mark = event.target.closest ? event.target.closest("mark.ev") : null;
    if (!mark) return;
    for (const other of document.querySelectorAll("mark.ev.active")) other.classList.remove("active");
    mark.classList.add("active");
    $("evidence-detail").textContent = mark.getAttribute("title").split("\n").join(" \u00b7 ");
  }

  function renderEvidenceLists(evidence) {
    const lists = { unreliable: $("evidence-unreliable"), reliable: $("evidence-reliable") };
    clear(lists.unreliable);
    clear(lists.reliable);
    for (const ev of evidence) {
      const list = lists[ev.direction] || (ev.weight > 0 ? lists.unreliable : lists.reliable);
      const n = ev.count || (ev.spans || []).length;
      list.append(
        el("li", null, [
          el("span", { className: "term", text: ev.text }),
          " ",
          el("span", { className: "weight", text: signed(ev.weight) }),
          " ",
          el("span", { className: "count", text: n === 1 ? "(1 place)" : "(" + n + " places)" }),
        ])
      );
    }
    for (const list of Object.values(lists)) {
      if (!list.children.length) list.append(el("li", { className: "empty", text: "none" }));
    }
  }

  // ---------------------------------------------------------------- signals and facts
  function pushCell(s) {
    const shown = signed(s.weight, 2);
    if (Number(shown.replace("\u2212", "-")) === 0) return [el("span", { className: "push neutral", text: shown })];
    return [
      el("span", { className: "push " + s.direction, text: shown }),
      el("span", { className: "dir " + s.direction, text: "\u2192 " + s.direction }),
    ];
  }

  function renderSignals(signals) {
    const body = $("signals");
    clear(body);
    // the claim model has no style signals: hide the card rather than show an empty table
    $("signals-card").hidden = !(signals && signals.length);
    for (const s of signals || []) {
      const quiet = !s.value && Math.abs(s.weight) < 0.05;
      body.append(
        el("tr", { className: quiet ? "quiet" : null }, [
          el("td", null, [
            el("span", { className: "name", text: humanize(s.name) }),
            el("span", { className: "desc", text: s.description }),
          ]),
          el("td", { className: "num", text: Number(s.value).toFixed(2) }),
          el("td", { className: "num" }, pushCell(s)),
        ])
      );
    }
  }

  function yesNo(v) {
    return v ? "yes" : "no";
  }

  function renderFacts(facts) {
    const dl = $("facts");
    clear(dl);
    const rows = [
      ["Words", String(facts.word_count)],
      ["Characters", String(facts.char_count)],
      ["Wire agencies named in the text", facts.wire_agencies && facts.wire_agencies.length ? facts.wire_agencies.join(", ") : "none found"],
      ["Already lower-cased / punctuation stripped", yesNo(facts.looks_normalised)],
      // without punctuation only mid-word cuts show, as in the terminal report
      ["Cut at the start", facts.truncated_start ? "yes" : facts.looks_normalised ? "not seen" : "no"],
      ["Cut at the end", facts.truncated_end ? "yes" : facts.looks_normalised ? "not seen" : "no"],
      ["Words the model knows", pct(facts.known_word_share)],
    ];
    for (const [k, v] of rows) dl.append(el("dt", { text: k }), el("dd", { text: v }));
    const artefacts = facts.artefacts || [];
    const dd = el("dd");
    if (!artefacts.length) {
      dd.textContent = "none";
    } else {
      const ul = el("ul", { className: "plain" });
      for (const a of artefacts) {
        ul.append(el("li", null, [el("strong", { text: humanize(a.kind) + ": " }), a.text + (a.agency ? " (" + a.agency + ")" : "")]));
      }
      dd.append(ul);
    }
    dl.append(el("dt", { text: "Bylines and boilerplate set aside" }), dd);
  }

  // ---------------------------------------------------------------- generic sections (source, provenance, claims)
  function renderValue(value, depth) {
    if (value === null || value === undefined) return el("span", { className: "empty", text: "none" });
    if (typeof value === "boolean") return document.createTextNode(yesNo(value));
    if (typeof value === "number") return document.createTextNode(Number.isInteger(value) ? String(value) : value.toFixed(4).replace(/0+$/, "").replace(/\.$/, ""));
    if (typeof value === "string") return document.createTextNode(value);
    if (depth > 4) return document.createTextNode(JSON.stringify(value));
    if (Array.isArray(value)) {
      if (!value.length) return el("span", { className: "empty", text: "none" });
      const ul = el("ul", { className: "plain" });
      for (const item of value) ul.append(el("li", null, [renderValue(item, depth + 1)]));
      return ul;
    }
    const dl = el("dl", { className: "generic" });
    for (const [k, v] of Object.entries(value)) {
      dl.append(el("dt", { text: humanize(k) }), el("dd", null, [renderValue(v, depth + 1)]));
    }
    return dl;
  }

  function renderExtraSections(report) {
    const host = $("extra-sections");
    clear(host);
    for (const [key, title] of GENERIC_SECTIONS) {
      let value = report[key];
      if (value === undefined || value === null) continue;
      if (key === "page") {
        // the page's article text is already shown above, with the evidence highlighted
        value = Object.fromEntries(Object.entries(value).filter(([k]) => k !== "text"));
      }
      if (Array.isArray(value) && !value.length) continue;
      const headingId = "section-" + key;
      host.append(
        el("section", { className: "card extra-section", "aria-labelledby": headingId, "data-section": key }, [
          el("h2", { id: headingId, text: title }),
          renderValue(value, 0),
        ])
      );
    }
  }

  // ---------------------------------------------------------------- check-worthy claims
  function renderClaims(claims, shownText) {
    const host = $("claims-section");
    clear(host);
    if (!claims) {
      host.hidden = true;
      return;
    }
    host.hidden = false;
    const items = claims.items || [];
    host.append(el("h2", { id: "claims-heading", text: "Check-worthy claims" }));
    host.append(el("p", { className: "help", text: items.length
      ? items.length + " of " + claims.sentences + " sentences, most worth checking first."
      : "No sentence scored above the check-worthiness threshold." }));
    const mapper = offsetMapper(shownText);
    const ol = el("ol", { className: "claims-list" });
    for (const item of items) {
      const start = mapper(item.start), end = mapper(item.end);
      const sentence = shownText.slice(start, end) || item.text;
      const li = el("li", { className: "claim-item" }, [
        el("p", { className: "claim-text" }, [
          el("span", { className: "claim-score", text: item.score.toFixed(2), title: "check-worthiness score (0-1)" }),
          document.createTextNode(" " + sentence),
        ]),
      ]);
      const matches = item.matches || [];
      if (matches.length) {
        const ul = el("ul", { className: "claim-matches", "aria-label": "similar fact-checked claims (their verdicts are about them)" });
        for (const m of matches) {
          const c = m.claim || {};
          // the claim before its verdict: the verdict is about that wording, which may say the opposite
          const verdict = el("strong", { className: "verdict-" + (c.label || "unknown"), text: c.verdict_text || c.verdict || "?" });
          const parts = [document.createTextNode("a similar claim, not the same (" + m.similarity.toFixed(2) + "): \u201c" +
            c.text + "\u201d "), verdict, document.createTextNode(" (" + c.dataset + ")")];
          if (m.negation_differs) {
            parts.push(el("em", { text: " careful: one of the two is negated and the other not, so it may say the opposite" }));
          }
          if (c.url && /^https?:\/\//.test(c.url)) {
            parts.push(document.createTextNode(" "), el("a", { href: c.url, rel: "noopener noreferrer", text: "fact-check" }));
          }
          ul.append(el("li", null, parts));
        }
        li.append(ul);
      }
      ol.append(li);
    }
    host.append(ol);
    for (const note of claims.notes || []) host.append(el("p", { className: "help", text: note }));
    host.append(allSentencesControl(shownText));
  }

  // Every sentence with its score (POST /v1/claims/sentences), fetched only when asked for.
  function allSentencesControl(shownText) {
    const box = el("div", { id: "all-sentences" });
    const button = el("button", { type: "button", className: "secondary", id: "all-sentences-button",
      text: "Show every sentence", "aria-controls": "all-sentences" });
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        const listing = await api("/v1/claims/sentences", { text: shownText });
        const ol = el("ol", { className: "sentence-list" });
        for (const s of listing.sentences) {
          const flag = s.injected ? " (inside an injected block: never listed)" : "";
          ol.append(el("li", { className: "sentence-item" + (s.check_worthy ? " check-worthy" : "") + (s.injected ? " injected" : "") }, [
            el("span", { className: "claim-score", text: s.score === null ? "\u2013" : s.score.toFixed(2),
              title: s.score === null ? "under 5 words: not scored" : "check-worthiness score (0-1)" }),
            document.createTextNode(" " + s.text + flag),
          ]));
        }
        box.append(el("h3", { text: "Every sentence" }),
          el("p", { className: "help", text: listing.sentences.length + " sentences in text order; bold ones reach the " +
          "check-worthiness threshold (" + listing.threshold.toFixed(2) + ")." }), ol);
        button.hidden = true;
      } catch (err) {
        showAlert(err.message);
        button.disabled = false;
      }
    });
    return el("div", null, [button, box]);
  }

  function renderModel(model) {
    if (model && model.name) $("model-info").textContent = model.name + " " + model.version;
  }

  // ---------------------------------------------------------------- the flow
  function render(report, shownText) {
    renderVerdict(report);
    const evidence = report.content.evidence || [];
    renderHighlights(shownText, evidence);
    renderEvidenceLists(evidence);
    $("evidence-detail").textContent = evidence.length ? "Hover or focus a highlight to see its weight." : "No words moved the score.";
    renderSignals(report.content.signals);
    renderFacts(report.facts);
    renderClaims(report.claims, shownText);
    renderExtraSections(report);
    renderModel(report.model);
    results.hidden = false;
  }

  let busy = false;

  async function analyze() {
    if (busy) return;
    hideAlert();
    const text = textBox.value;
    if (!text.trim()) {
      showAlert("Paste an article or load a file first: there is nothing to analyse.");
      textBox.focus();
      return;
    }
    const payload = { text: text };
    const url = urlBox.value.trim();
    if (url) payload.url = url;
    busy = true;
    submitButton.disabled = true;
    form.setAttribute("aria-busy", "true");
    statusLine.textContent = "Analysing\u2026";
    try {
      const report = await api("/v1/analyze", payload);
      // For an HTML page the offsets refer to the article text the server read from it.
      render(report, report.page ? report.page.text : text);
      statusLine.textContent = "Done: " + (LABEL_TEXT[report.content.label] || report.content.label).toLowerCase() + ".";
      $("verdict-heading").focus();
    } catch (err) {
      statusLine.textContent = "";
      results.hidden = true; // never leave an earlier text's report beside this error
      showAlert(err.message);
      alertBox.scrollIntoView({ block: "nearest" });
    } finally {
      busy = false;
      submitButton.disabled = false;
      form.removeAttribute("aria-busy");
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    analyze();
  });

  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      event.preventDefault();
      analyze();
    }
  });

  $("clear").addEventListener("click", () => {
    textBox.value = "";
    urlBox.value = "";
    fileBox.value = "";
    hideAlert();
    results.hidden = true;
    statusLine.textContent = "";
    textBox.focus();
  });

  fileBox.addEventListener("change", async () => {
    const file = fileBox.files && fileBox.files[0];
    if (!file) return;
    hideAlert();
    if (file.size > maxFileBytes) {
      showAlert("Error [request.too_large]: " + file.name + " is " + file.size.toLocaleString() + " bytes; this server takes " +
        maxFileBytes.toLocaleString() + " bytes at most.");
      return;
    }
    try {
      textBox.value = await file.text();
      statusLine.textContent = "Loaded " + file.name + ". Press Analyse.";
    } catch (err) {
      showAlert("Could not read " + file.name + ": " + err.message);
    }
  });

  const articleText = $("article-text");
  articleText.addEventListener("mouseover", showDetail);
  articleText.addEventListener("focusin", showDetail);

  api("/v1/model")
    .then((model) => {
      if (model.limits && model.limits.max_body_bytes) maxFileBytes = model.limits.max_body_bytes;
      renderModel(model);
    })
    .catch(() => {
      $("model-info").textContent = "unavailable";
    });
})();
