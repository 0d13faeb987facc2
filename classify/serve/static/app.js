// The classify page: plain JavaScript, no build step, nothing loaded from elsewhere.
// Every text that comes from an article is put into the page with textContent, never as HTML.
"use strict";

const JOBS_KEY = "classify.jobs";
const POLL_MS = 700;
const STATUS_NAMES = { queued: "Đang chờ", running: "Đang chạy", done: "Xong", failed: "Không thành công" };
const PHASE_NAMES = {
  starting: "đang khởi động",
  unpacking: "đang giải nén",
  counting: "đang đếm bài",
  labelling: "đang phân loại",
  finished: "đang hoàn tất",
};
const DOWNLOADS = [
  ["xlsx", "Excel (XLSX)"],
  ["csv-excel", "CSV"],
  ["jsonl", "JSONL"],
];

let model = null; // /api/model
const pollers = new Map();

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "style") Object.assign(node.style, value); // CSSOM: allowed by the page's CSP
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

function displayName(field, label) {
  const labels = (model && model.labels[field]) || [];
  const found = labels.find((item) => item.label === label);
  return found ? found.name : label;
}

function percent(p) {
  return (p * 100).toFixed(p >= 0.995 || p < 0.005 ? 0 : 1).replace(".", ",") + "%";
}

function showMessage(id, text) {
  const node = $(id);
  node.textContent = text || "";
  node.hidden = !text;
}

async function errorText(response) {
  // FastAPI gives {"detail": "one line"} for our errors and a list for malformed requests.
  try {
    const body = await response.json();
    if (typeof body.detail === "string") return body.detail;
    if (Array.isArray(body.detail)) return body.detail.map((d) => `${(d.loc || []).slice(-1)[0]}: ${d.msg}`).join("; ");
  } catch (e) {
    /* not JSON */
  }
  return `Máy chủ trả lời ${response.status} ${response.statusText}`;
}

async function api(path, options) {
  let response;
  try {
    response = await fetch(path, options);
  } catch (e) {
    throw new Error("Không kết nối được máy chủ classify (đã tắt?).");
  }
  if (!response.ok) throw new Error(await errorText(response));
  return response.json();
}

// ---- tabs ------------------------------------------------------------------------------------

function selectTab(name) {
  for (const tab of document.querySelectorAll('[role="tab"]')) {
    const selected = tab.id === `tab-${name}`;
    tab.setAttribute("aria-selected", String(selected));
    $(tab.getAttribute("aria-controls")).hidden = !selected;
  }
}

// ---- one article -----------------------------------------------------------------------------

function thresholdFor(field, label) {
  const thresholds = model && model.thresholds && model.thresholds[field];
  if (typeof thresholds === "number") return thresholds;
  if (thresholds && typeof thresholds[label] === "number") return thresholds[label];
  return null;
}

function bars(field, scores, decided) {
  const box = el("div", { class: "bar-rows" });
  const order = Object.entries(scores || {}).sort((a, b) => b[1] - a[1]);
  for (const [label, p] of order) {
    const threshold = thresholdFor(field, label);
    const track = el(
      "div",
      { class: "track", role: "img", "aria-label": `${percent(p)}${threshold === null ? "" : `, ngưỡng ${percent(threshold)}`}` },
      el("div", { class: "fill", style: { width: `${(p * 100).toFixed(1)}%` } }),
      threshold === null ? null : el("div", { class: "threshold", style: { left: `${(threshold * 100).toFixed(1)}%` }, title: `ngưỡng ${percent(threshold)}` })
    );
    box.append(
      el(
        "div",
        { class: decided.includes(label) ? "bar decided" : "bar", "data-label": label },
        el("span", { class: "bar-name", text: displayName(field, label), title: label }),
        track,
        el("span", { class: "bar-value", text: percent(p) })
      )
    );
  }
  return box;
}

function highlighted(paragraph, marks) {
  // marks: [{text, kind: "summary" | "evidence", note}] found verbatim in the paragraph.
  const ranges = [];
  for (const mark of marks) {
    const start = mark.text ? paragraph.indexOf(mark.text) : -1;
    if (start >= 0) ranges.push({ start, end: start + mark.text.length, ...mark });
  }
  const cuts = new Set([0, paragraph.length]);
  for (const r of ranges) {
    cuts.add(r.start);
    cuts.add(r.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const p = el("p");
  for (let i = 0; i + 1 < points.length; i++) {
    const [a, b] = [points[i], points[i + 1]];
    const covering = ranges.filter((r) => r.start <= a && r.end >= b);
    const text = paragraph.slice(a, b);
    if (!covering.length) {
      p.append(text);
      continue;
    }
    const kinds = [...new Set(covering.map((r) => r.kind))];
    p.append(el("mark", { class: kinds.join(" "), text }));
    for (const r of covering.filter((r) => r.end === b && r.note)) {
      p.append(el("span", { class: "evidence-tag", text: r.note }));
    }
  }
  return p;
}

function renderPrediction(record) {
  const event = record.event_type;
  $("event-label").textContent = event ? displayName("event_type", event) : "—";
  const uncertain = $("event-uncertain");
  uncertain.hidden = record.event_abstained !== true;
  if (record.event_abstained === true) {
    const [top, p] = Object.entries(record.event_scores || {}).sort((a, b) => b[1] - a[1])[0] || ["", 0];
    uncertain.textContent =
      `Không chắc chắn: không loại nào vượt ngưỡng, nên gán «${displayName("event_type", event)}»` +
      (top ? `. Cao nhất: ${displayName("event_type", top)} (${percent(p)}).` : ".");
  }
  $("event-bars").replaceChildren(bars("event_type", record.event_scores, event ? [event] : []));

  const topics = record.topics || [];
  const evidence = record.topic_evidence || {};
  const list = $("topic-labels");
  list.replaceChildren();
  if (!topics.length) list.append(el("li", { class: "none", text: "Không có chủ đề nào vượt ngưỡng" }));
  for (const topic of topics) {
    list.append(
      el(
        "li",
        { "data-label": topic },
        el("strong", { text: displayName("topics", topic) }),
        evidence[topic] ? el("q", { class: "evidence-quote", text: evidence[topic] }) : null
      )
    );
  }
  $("topic-bars").replaceChildren(bars("topics", record.topic_scores, topics));
  $("summary").replaceChildren(...(record.summary || []).map((s) => el("li", { text: s })));
  const meta = [record.title ? `«${record.title}»` : null, record.date].filter(Boolean).join(" · ");
  $("article-meta").textContent = meta;
}

function renderArticle(paragraphs, record) {
  const marks = (record.summary || []).map((text) => ({ text, kind: "summary" }));
  const byText = new Map();
  for (const [topic, sentence] of Object.entries(record.topic_evidence || {})) {
    byText.set(sentence, [...(byText.get(sentence) || []), displayName("topics", topic)]);
  }
  for (const [text, names] of byText) marks.push({ text, kind: "evidence", note: names.join(", ") });
  $("article").replaceChildren(...paragraphs.map((p) => highlighted(p, marks)));
}

function renderNgrams(ngrams) {
  const box = $("ngrams");
  box.replaceChildren();
  for (const [field, byLabel] of Object.entries(ngrams || {})) {
    for (const [label, items] of Object.entries(byLabel)) {
      const top = Math.max(...items.map(([, w]) => Math.abs(w)), 1e-9);
      const rows = items.map(([ngram, weight]) =>
        el(
          "li",
          { class: weight >= 0 ? "for" : "against" },
          el("code", { text: ngram }),
          el("span", { class: "weight-bar", style: { width: `${((Math.abs(weight) / top) * 100).toFixed(0)}%` } }),
          el("span", { class: "weight", text: (weight >= 0 ? "+" : "−") + Math.abs(weight).toFixed(4) })
        )
      );
      const title = `${field === "event_type" ? "Loại sự kiện" : "Chủ đề"}: ${displayName(field, label)}`;
      box.append(el("section", { class: "ngram-group", "data-field": field }, el("h3", { text: title }), el("ol", {}, ...rows)));
    }
  }
  if (!box.children.length) box.append(el("p", { class: "hint", text: "Mô hình này không có trọng số để giải thích." }));
}

async function analyse(event) {
  if (event) event.preventDefault();
  showMessage("one-message", "");
  const text = $("text").value;
  const body = JSON.stringify({
    text,
    title: $("title").value.trim() || null,
    sentences: Number($("sentences").value) || 3,
  });
  const button = $("analyse");
  button.disabled = true;
  button.textContent = "Đang phân loại…";
  try {
    const explained = await api("/api/explain", { method: "POST", headers: { "Content-Type": "application/json" }, body });
    renderPrediction(explained.prediction);
    renderArticle(explained.paragraphs, explained.prediction);
    renderNgrams(explained.ngrams);
    $("result").hidden = false;
  } catch (e) {
    $("result").hidden = true;
    showMessage("one-message", e.message);
  } finally {
    button.disabled = false;
    button.textContent = "Phân loại";
  }
}

async function readArticleFile(file) {
  showMessage("one-message", "");
  const form = new FormData();
  form.append("file", file);
  try {
    const read = await api("/api/read", { method: "POST", body: form });
    $("text").value = read.text;
    $("title").value = read.title || "";
    await analyse();
  } catch (e) {
    showMessage("one-message", e.message);
  }
}

// ---- many articles: jobs ---------------------------------------------------------------------

function storedJobs() {
  try {
    const jobs = JSON.parse(localStorage.getItem(JOBS_KEY) || "[]");
    return Array.isArray(jobs) ? jobs : [];
  } catch (e) {
    return [];
  }
}

function storeJobs(jobs) {
  localStorage.setItem(JOBS_KEY, JSON.stringify(jobs.slice(0, 50)));
}

function jobItem(id, filename) {
  let item = document.querySelector(`li.job[data-id="${CSS.escape(id)}"]`);
  if (item) return item;
  const forget = el("button", { type: "button", class: "forget", title: "Bỏ khỏi danh sách", "aria-label": "Bỏ khỏi danh sách", text: "×" });
  forget.addEventListener("click", () => {
    storeJobs(storedJobs().filter((job) => job.id !== id));
    clearInterval(pollers.get(id));
    pollers.delete(id);
    item.remove();
  });
  item = el(
    "li",
    { class: "job card", "data-id": id },
    el("div", { class: "job-head" }, el("strong", { class: "job-name", text: filename }), el("span", { class: "status" }), forget),
    el("progress", { max: "1", value: "0" }),
    el("p", { class: "counts" }),
    el("p", { class: "job-message", hidden: true }),
    el("div", { class: "downloads", hidden: true }),
    el("div", { class: "errors", hidden: true })
  );
  $("jobs").prepend(item);
  return item;
}

function renderJob(status) {
  const item = jobItem(status.id, status.filename);
  item.dataset.status = status.status;
  const phase = status.status === "running" && status.phase ? ` (${PHASE_NAMES[status.phase] || status.phase})` : "";
  item.querySelector(".status").textContent = STATUS_NAMES[status.status] + phase;
  const progress = item.querySelector("progress");
  if (status.total) {
    progress.max = status.total;
    progress.value = status.done;
  } else if (status.status === "running") {
    progress.removeAttribute("value"); // indeterminate until the documents are counted
  }
  const total = status.total === null || status.total === undefined ? "?" : status.total;
  item.querySelector(".counts").textContent = `${status.done} / ${total} bài · ${status.errors} lỗi`;
  const message = item.querySelector(".job-message");
  message.textContent = status.message || "";
  message.hidden = !status.message;
  message.className = status.status === "failed" ? "job-message message" : "job-message hint";

  const downloads = item.querySelector(".downloads");
  downloads.hidden = status.status !== "done";
  if (status.status === "done" && !downloads.children.length) {
    downloads.append("Tải về: ");
    for (const [format, name] of DOWNLOADS) {
      const href = `/api/jobs/${encodeURIComponent(status.id)}/result?format=${format}`;
      downloads.append(el("a", { href, download: "", class: "download", "data-format": format, text: name }), " ");
    }
    // learn.js: confirm or correct the labels of the articles the model is least sure of.
    const reviewButton = el("button", { type: "button", class: "secondary review-job", text: "Duyệt nhãn…" });
    reviewButton.addEventListener("click", () => reviewJob(status.id, status.filename));
    downloads.append(reviewButton);
  }
  const errors = item.querySelector(".errors");
  if (status.status === "done" && status.errors > 0 && !errors.children.length) {
    const rows = status.error_samples.map((record) =>
      el("tr", {}, el("td", { text: record.source || record.id || "" }), el("td", { text: record.error }))
    );
    const more = status.errors - status.error_samples.length;
    errors.append(
      el("h3", { text: `${status.errors} bài không phân loại được` }),
      el("div", { class: "table-scroll" }, el("table", {}, el("thead", {}, el("tr", {}, el("th", { text: "Bài" }), el("th", { text: "Lỗi" }))), el("tbody", {}, ...rows)))
    );
    if (more > 0) errors.append(el("p", { class: "hint", text: `và ${more} bài khác: xem cột error trong tệp tải về.` }));
    errors.hidden = false;
  }
}

async function poll(id, filename) {
  try {
    const status = await api(`/api/jobs/${encodeURIComponent(id)}`);
    renderJob(status);
    if (status.status === "done" || status.status === "failed") {
      clearInterval(pollers.get(id));
      pollers.delete(id);
    }
  } catch (e) {
    const item = jobItem(id, filename);
    item.dataset.status = "gone";
    item.querySelector(".status").textContent = "Không còn trên máy chủ";
    const message = item.querySelector(".job-message");
    message.textContent = e.message;
    message.hidden = false;
    clearInterval(pollers.get(id));
    pollers.delete(id);
  }
}

function watch(id, filename) {
  jobItem(id, filename);
  if (pollers.has(id)) return;
  poll(id, filename);
  pollers.set(id, setInterval(() => poll(id, filename), POLL_MS));
}

function upload(event) {
  event.preventDefault();
  showMessage("many-message", "");
  const file = $("job-file").files[0] || dropped;
  if (!file) {
    showMessage("many-message", "Chọn hoặc kéo thả một tệp trước.");
    return;
  }
  const form = new FormData();
  form.append("file", file);
  form.append("text_column", $("text-column").value || "text");
  form.append("id_column", $("id-column").value || "id");
  form.append("title_column", $("title-column").value || "title");
  // XMLHttpRequest, not fetch: it reports the upload's progress.
  const request = new XMLHttpRequest();
  const progress = $("upload-progress");
  const button = $("upload");
  button.disabled = true;
  request.upload.addEventListener("progress", (e) => {
    if (e.lengthComputable) progress.textContent = `Đang tải lên ${Math.round((e.loaded / e.total) * 100)}%`;
  });
  request.addEventListener("loadend", () => {
    button.disabled = false;
    progress.textContent = "";
    let body = {};
    try {
      body = JSON.parse(request.responseText || "{}");
    } catch (e) {
      /* not JSON */
    }
    if (request.status === 202 && body.id) {
      storeJobs([{ id: body.id, filename: file.name }, ...storedJobs()]);
      watch(body.id, file.name);
      $("job-form").reset();
      $("job-file-name").textContent = "";
      dropped = null;
    } else if (request.status === 0) {
      showMessage("many-message", "Không kết nối được máy chủ classify (đã tắt?).");
    } else {
      const detail = typeof body.detail === "string" ? body.detail : `Máy chủ trả lời ${request.status}`;
      showMessage("many-message", detail);
    }
  });
  request.open("POST", "/api/jobs");
  request.send(form);
}

let dropped = null;

function dropZone(zone, onFile) {
  zone.addEventListener("dragover", (e) => {
    e.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("over");
    const file = e.dataTransfer.files[0];
    if (file) onFile(file);
  });
}

// ---- model -----------------------------------------------------------------------------------

function renderModel(info) {
  const facts = $("model-facts");
  const created = info.created ? new Date(info.created).toLocaleString("vi-VN") : "—";
  const corpus = info.corpus ? `${info.corpus.documents ?? "?"} bài (${info.corpus.source ?? "?"})` : "—";
  const rows = [
    ["Tệp", info.name],
    ["SHA-256", info.sha256 ? `${info.sha256}…` : "—"],
    ["Huấn luyện lúc", created],
    ["Dữ liệu huấn luyện", corpus],
    ["Phiên bản classify", info.classify_version || "—"],
  ];
  facts.replaceChildren(...rows.flatMap(([k, v]) => [el("dt", { text: k }), el("dd", { text: v })]));
  const box = $("model-metrics");
  box.replaceChildren();
  const metrics = info.cv_metrics || {};
  if (!Object.keys(metrics).length) box.append(el("p", { class: "hint", text: "Mô hình này được huấn luyện không có kiểm định chéo." }));
  for (const [field, m] of Object.entries(metrics)) {
    const title = field === "event_type" ? "Loại sự kiện" : field === "topics" ? "Chủ đề" : field;
    const head = el("tr", {}, el("th", { text: "Nhãn" }), el("th", { text: "F1" }), el("th", { text: "Ngưỡng" }));
    const rows = Object.entries(m.per_label_f1 || {}).map(([label, f1]) => {
      const threshold = thresholdFor(field, label);
      return el("tr", {}, el("td", { text: displayName(field, label) }), el("td", { text: f1.toFixed(3) }), el("td", { text: threshold === null ? "—" : threshold.toFixed(2) }));
    });
    box.append(
      el("h3", { text: `${title}: macro-F1 ${(m.macro_f1 ?? 0).toFixed(3)}, micro-F1 ${(m.micro_f1 ?? 0).toFixed(3)} (${m.n ?? "?"} bài)` }),
      el("div", { class: "table-scroll" }, el("table", { class: "metrics" }, el("thead", {}, head), el("tbody", {}, ...rows)))
    );
  }
}

// ---- start -----------------------------------------------------------------------------------

async function start() {
  for (const tab of document.querySelectorAll('[role="tab"]')) {
    tab.addEventListener("click", () => selectTab(tab.id.slice(4)));
  }
  $("article-form").addEventListener("submit", analyse);
  $("article-file").addEventListener("change", (e) => e.target.files[0] && readArticleFile(e.target.files[0]));
  dropZone($("drop-one"), readArticleFile);
  $("job-form").addEventListener("submit", upload);
  $("job-file").addEventListener("change", (e) => {
    dropped = null;
    $("job-file-name").textContent = e.target.files[0] ? e.target.files[0].name : "";
  });
  dropZone($("drop-many"), (file) => {
    dropped = file;
    $("job-file").value = "";
    $("job-file-name").textContent = file.name;
  });
  try {
    model = await api("/api/model");
    renderModel(model);
  } catch (e) {
    showMessage("one-message", e.message);
  }
  for (const job of storedJobs().reverse()) watch(job.id, job.filename);
  await startLearning(); // learn.js
  document.body.dataset.ready = "true";
}

document.addEventListener("DOMContentLoaded", start);
