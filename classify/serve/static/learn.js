// The learning loop of the classify page: review queues (confirm or correct the model's labels,
// one article at a time), retraining on the corrections, and choosing which model answers.
// Uses app.js's helpers ($, el, api, displayName, bars, highlighted, percent, model, selectTab).
"use strict";

const QUEUES_KEY = "classify.queues";
const RETRAIN_POLL_MS = 1000;
const EVENT_KEYS = "123456789";
const TOPIC_KEYS = "abcdefghijkl";
const RETRAIN_PHASES = {
  starting: "đang khởi động",
  reading: "đang đọc dữ liệu",
  "cross-validation": "đang kiểm định chéo",
  training: "đang huấn luyện",
  saving: "đang lưu mô hình",
};

let review = null; // {id, status, choice: {event, topics: Set, unsure: Set}}
let reviewBusy = false;
let retrainTimer = null;
let lastRetrain = null;

// ---- queues ----------------------------------------------------------------------------------

function storedQueues() {
  try {
    const queues = JSON.parse(localStorage.getItem(QUEUES_KEY) || "[]");
    return Array.isArray(queues) ? queues : [];
  } catch (e) {
    return [];
  }
}

function rememberQueue(id, name) {
  const queues = [{ id, name }, ...storedQueues().filter((q) => q.id !== id)];
  localStorage.setItem(QUEUES_KEY, JSON.stringify(queues.slice(0, 50)));
}

function progressText(status) {
  const skipped = status.skipped ? ` · ${status.skipped} bỏ qua` : "";
  return `${status.reviewed} / ${status.total} bài đã duyệt${skipped}`;
}

async function listQueues() {
  const list = $("queues");
  list.replaceChildren();
  for (const { id, name } of storedQueues()) {
    const item = el("li", { class: "job card queue", "data-id": id }, el("div", { class: "job-head" }, el("strong", { text: name }), el("span", { class: "status", text: "…" })));
    list.append(item);
    try {
      const status = await api(`/api/review/${encodeURIComponent(id)}`);
      item.querySelector(".status").textContent = progressText(status);
      const open = el("button", { type: "button", class: "secondary open-queue", text: status.done ? "Xem" : "Tiếp tục duyệt" });
      open.addEventListener("click", () => openQueue(id));
      item.append(el("div", { class: "row" }, open));
    } catch (e) {
      item.querySelector(".status").textContent = "Không còn trên máy chủ";
    }
  }
}

async function createQueue(request, name) {
  showMessage("review-message", "");
  const button = $("review-upload");
  button.disabled = true;
  button.textContent = "Đang chọn bài…";
  try {
    const created = await api(request.path, request.options);
    rememberQueue(created.id, name);
    selectTab("review");
    await openQueue(created.id);
  } catch (e) {
    selectTab("review");
    showMessage("review-message", e.message);
  } finally {
    button.disabled = false;
    button.textContent = "Tạo hàng đợi duyệt";
  }
}

function uploadQueue(event) {
  event.preventDefault();
  const file = $("review-file").files[0];
  if (!file) {
    showMessage("review-message", "Chọn một tệp trước.");
    return;
  }
  const form = new FormData();
  form.append("file", file);
  form.append("n", String(Number($("review-n").value) || 50));
  createQueue({ path: "/api/review/upload", options: { method: "POST", body: form } }, file.name);
}

// Called by the job list of app.js: a queue of a finished job's articles.
function reviewJob(jobId, filename) {
  const body = JSON.stringify({ job: jobId, n: Number($("review-n").value) || 50 });
  createQueue({ path: "/api/review", options: { method: "POST", headers: { "Content-Type": "application/json" }, body } }, filename);
}

// ---- one queue ---------------------------------------------------------------------------------

async function openQueue(id) {
  showMessage("review-message", "");
  try {
    const status = await api(`/api/review/${encodeURIComponent(id)}`);
    review = { id, status, choice: null };
    $("review-start").hidden = true;
    $("review").hidden = false;
    renderReview(status);
  } catch (e) {
    showMessage("review-message", e.message);
  }
}

function closeQueue() {
  review = null;
  $("review").hidden = true;
  $("review-start").hidden = false;
  listQueues();
}

function renderReview(status) {
  review.status = status;
  $("review-name").textContent = status.name;
  $("review-progress-text").textContent = progressText(status);
  const progress = $("review-progress");
  progress.max = status.total;
  progress.value = status.reviewed;
  $("review-undo").disabled = !status.can_undo;
  $("review-undo-done").disabled = !status.can_undo;
  showMessage("review-item-message", "");
  $("review-item").hidden = !status.item;
  $("review-done").hidden = Boolean(status.item);
  if (!status.item) {
    review.choice = null;
    $("review-done-text").textContent =
      `${status.reviewed} / ${status.total} bài đã được lưu vào kho nhãn đã sửa (tất cả: ${status.corrections} bài).` +
      (status.skipped ? ` Còn ${status.skipped} bài đã bỏ qua.` : "");
    $("review-again").hidden = !status.skipped;
    return;
  }
  renderItem(status.item);
}

function choiceButton(field, label, key, score, selected, onClick) {
  const button = el(
    "button",
    { type: "button", class: selected ? "choice selected" : "choice", "data-label": label, "aria-pressed": String(selected), title: label },
    el("kbd", { text: key.toUpperCase() }),
    el("span", { class: "choice-name", text: displayName(field, label) }),
    el("span", { class: "choice-score", text: score === undefined ? "" : percent(score) })
  );
  button.addEventListener("click", onClick);
  return button;
}

function labelsOf(field, scores) {
  const known = ((model && model.labels[field]) || []).map((item) => item.label);
  return known.length ? known : Object.keys(scores || {}).sort();
}

function renderChoices() {
  const item = review.status.item;
  const p = item.prediction;
  const events = $("review-events");
  events.replaceChildren(
    ...labelsOf("event_type", p.event_scores).map((label, i) =>
      choiceButton("event_type", label, EVENT_KEYS[i] || "", (p.event_scores || {})[label], review.choice.event === label, () => chooseEvent(label))
    )
  );
  for (const button of events.children) button.setAttribute("role", "radio");
  const topics = $("review-topics");
  topics.replaceChildren(
    ...labelsOf("topics", p.topic_scores).map((label, i) => topicChoice(label, TOPIC_KEYS[i] || "", (p.topic_scores || {})[label]))
  );
}

// A topic is chosen, not chosen, or unsure (saved as topics_maybe: training neither teaches nor unteaches it).
function topicChoice(label, key, score) {
  const unsure = review.choice.unsure.has(label);
  const button = choiceButton("topics", label, key, score, review.choice.topics.has(label), () => toggleTopic(label));
  if (unsure) {
    button.classList.add("unsure");
    button.setAttribute("aria-pressed", "mixed");
  }
  const mark = el("button", {
    type: "button",
    class: unsure ? "unsure-toggle on" : "unsure-toggle",
    "data-label": label,
    "aria-pressed": String(unsure),
    title: `Chưa chắc: ${displayName("topics", label)} (Shift+${key.toUpperCase()})`,
    text: "?",
  });
  mark.addEventListener("click", () => toggleTopic(label, "unsure"));
  return el("span", { class: "topic-choice" }, button, mark);
}

function renderItem(item) {
  const p = item.prediction;
  review.choice = { event: p.event_type, topics: new Set(p.topics || []), unsure: new Set() };
  $("review-title").textContent = p.title || item.title || item.id;
  $("review-source").textContent = item.source || item.id;
  $("review-why").textContent = item.why;
  renderChoices();
  $("review-summary").replaceChildren(...(p.summary || []).map((s) => el("li", { text: s })));
  const marks = (p.summary || []).map((text) => ({ text, kind: "summary" }));
  for (const [topic, sentence] of Object.entries(p.topic_evidence || {})) {
    marks.push({ text: sentence, kind: "evidence", note: displayName("topics", topic) });
  }
  $("review-article").replaceChildren(...item.paragraphs.map((paragraph) => highlighted(paragraph, marks)));
}

function chooseEvent(label) {
  if (!review || !review.choice) return;
  review.choice.event = label;
  renderChoices();
}

// A topic is in `topics` (chosen), in `unsure`, or in neither; pressing the state it has takes it back to neither.
function toggleTopic(label, state = "topics") {
  if (!review || !review.choice) return;
  const [mine, other] = state === "topics" ? ["topics", "unsure"] : ["unsure", "topics"];
  if (review.choice[mine].has(label)) review.choice[mine].delete(label);
  else review.choice[mine].add(label);
  review.choice[other].delete(label);
  renderChoices();
}

async function reviewAction(path, body) {
  if (!review || reviewBusy) return;
  reviewBusy = true;
  try {
    const options = { method: "POST", headers: { "Content-Type": "application/json" } };
    if (body) options.body = JSON.stringify(body);
    renderReview(await api(`/api/review/${encodeURIComponent(review.id)}/${path}`, options));
  } catch (e) {
    showMessage("review-item-message", e.message);
  } finally {
    reviewBusy = false;
  }
}

function saveAnswer() {
  const item = review && review.status.item;
  if (!item) return;
  const labels = {
    event_type: review.choice.event,
    topics: [...review.choice.topics].sort(),
    topics_maybe: [...review.choice.unsure].sort(),
  };
  reviewAction("answer", { index: item.index, labels });
}

function skipItem() {
  const item = review && review.status.item;
  if (item) reviewAction("skip", { index: item.index });
}

function reviewKeys(event) {
  if (!review || $("panel-review").hidden || $("review").hidden) return;
  if (event.target.closest("input, textarea, select") || event.altKey || event.metaKey) return;
  const key = event.key.toLowerCase();
  if (key === "z" || (event.ctrlKey && key === "z")) {
    event.preventDefault();
    if (review.status.can_undo) reviewAction("undo");
    return;
  }
  if (event.ctrlKey || !review.status.item) return;
  const events = labelsOf("event_type", review.status.item.prediction.event_scores);
  const topics = labelsOf("topics", review.status.item.prediction.topic_scores);
  if (EVENT_KEYS.includes(key) && events[EVENT_KEYS.indexOf(key)]) chooseEvent(events[EVENT_KEYS.indexOf(key)]);
  else if (TOPIC_KEYS.includes(key) && topics[TOPIC_KEYS.indexOf(key)]) {
    const topic = topics[TOPIC_KEYS.indexOf(key)];
    if (event.shiftKey) toggleTopic(topic, "unsure");
    else toggleTopic(topic);
  }
  else if (key === "enter" && !event.target.closest("button")) saveAnswer();
  else if (key === "s") skipItem();
  else return;
  event.preventDefault();
}

// ---- retraining and models ---------------------------------------------------------------------

function figure(metrics, field, key) {
  const m = metrics && metrics[field];
  return m && typeof m[key] === "number" ? m[key].toFixed(3) : "—";
}

function compareTable(served, candidate) {
  const rows = [
    ["Số bài huấn luyện", (m) => (m && m.event_type ? String(m.event_type.n) : "—")],
    ["Loại sự kiện: macro-F1", (m) => figure(m, "event_type", "macro_f1")],
    ["Loại sự kiện: micro-F1", (m) => figure(m, "event_type", "micro_f1")],
    ["Chủ đề: micro-F1", (m) => figure(m, "topics", "micro_f1")],
    ["Chủ đề: macro-F1", (m) => figure(m, "topics", "macro_f1")],
  ];
  const head = el("tr", {}, el("th", { text: "Kiểm định chéo" }), el("th", { text: `Đang dùng (${served.name})` }), el("th", { text: "Mô hình mới" }));
  const body = rows.map(([name, get]) => el("tr", {}, el("td", { text: name }), el("td", { text: get(served.cv_metrics) }), el("td", { text: get(candidate.cv_metrics) })));
  return el("table", { class: "metrics compare" }, el("thead", {}, head), el("tbody", {}, ...body));
}

async function renderRetrain(status) {
  lastRetrain = status;
  const running = status.status === "running";
  $("retrain").disabled = running || !status.available;
  const corpus = status.seeds ? `kho nhãn gốc (${status.seeds}) và ` : "chỉ ";
  $("retrain-corpus").textContent = status.available
    ? `Mô hình mới học từ ${corpus}${status.available} bài trong kho nhãn đã sửa, chạy nền (trang vẫn dùng được), ` +
      "và chỉ được dùng khi bạn chấp nhận."
    : "Chưa có bài nào trong kho nhãn đã sửa: hãy duyệt nhãn ở thẻ «Duyệt nhãn» trước.";
  const progress = $("retrain-progress");
  progress.hidden = !running;
  showMessage("retrain-message", status.status === "failed" ? status.message : "");
  let text = "";
  if (running) {
    const fold = status.phase === "cross-validation" && status.folds ? ` ${status.fold || 0}/${status.folds}` : "";
    text = `Đang chạy: ${RETRAIN_PHASES[status.phase] || "đang khởi động"}${fold}`;
    const steps = (status.folds || 5) + 2;
    const done = status.phase === "training" ? steps - 1 : status.phase === "saving" ? steps : status.fold || 0;
    progress.max = steps;
    progress.value = done;
  } else if (status.status === "done") {
    text = `Xong trong ${Math.round(status.seconds || 0)} giây (${status.documents} bài, trong đó ${status.corrections} bài đã sửa).`;
  }
  $("retrain-status").textContent = text;
  const compare = $("retrain-compare");
  compare.hidden = status.status !== "done";
  compare.replaceChildren();
  if (status.status === "done") {
    const models = await api("/api/models");
    const candidate = models.find((m) => m.id === status.model);
    const served = models.find((m) => m.served);
    if (candidate && served) {
      compare.append(compareTable(served, candidate));
      if (candidate.served) compare.append(el("p", { class: "hint served-note", text: "Mô hình mới đang được dùng." }));
      else {
        const accept = el("button", { type: "button", id: "accept-model", class: "primary", text: "Dùng mô hình mới" });
        accept.addEventListener("click", () => serveModel(candidate.id));
        compare.append(el("div", { class: "row" }, accept));
      }
    }
  }
  if (running && !retrainTimer) retrainTimer = setInterval(pollRetrain, RETRAIN_POLL_MS);
  if (!running && retrainTimer) {
    clearInterval(retrainTimer);
    retrainTimer = null;
    renderModels();
  }
}

async function pollRetrain() {
  try {
    await renderRetrain(await api("/api/retrain"));
  } catch (e) {
    showMessage("retrain-message", e.message);
  }
}

async function startRetrain() {
  showMessage("retrain-message", "");
  try {
    await renderRetrain(await api("/api/retrain", { method: "POST" }));
  } catch (e) {
    showMessage("retrain-message", e.message);
  }
}

async function serveModel(id) {
  try {
    await api(`/api/models/${encodeURIComponent(id)}/serve`, { method: "POST" });
    model = await api("/api/model");
    renderModel(model);
    await renderModels();
    if (lastRetrain) await renderRetrain(lastRetrain);
  } catch (e) {
    showMessage("retrain-message", e.message);
  }
}

async function renderModels() {
  const table = $("models");
  const models = await api("/api/models");
  const head = el("tr", {}, el("th", { text: "Mô hình" }), el("th", { text: "Huấn luyện lúc" }), el("th", { text: "Sự kiện macro-F1" }), el("th", { text: "Chủ đề micro-F1" }), el("th", { text: "" }));
  const rows = models.map((m) => {
    const created = m.created ? new Date(m.created).toLocaleString("vi-VN") : "—";
    let action = el("strong", { class: "served", text: "đang dùng" });
    if (!m.served) {
      action = el("button", { type: "button", class: "secondary use-model", "data-id": m.id, text: m.id === "original" ? "Dùng lại" : "Dùng mô hình này" });
      action.addEventListener("click", () => serveModel(m.id));
    }
    return el("tr", { "data-id": m.id }, el("td", { text: m.name }), el("td", { text: created }), el("td", { text: figure(m.cv_metrics, "event_type", "macro_f1") }), el("td", { text: figure(m.cv_metrics, "topics", "micro_f1") }), el("td", {}, action));
  });
  table.replaceChildren(el("thead", {}, head), el("tbody", {}, ...rows));
}

// ---- start -----------------------------------------------------------------------------------

async function startLearning() {
  $("review-form").addEventListener("submit", uploadQueue);
  $("review-file").addEventListener("change", (e) => ($("review-file-name").textContent = e.target.files[0] ? e.target.files[0].name : ""));
  $("review-back").addEventListener("click", closeQueue);
  $("review-save").addEventListener("click", saveAnswer);
  $("review-skip").addEventListener("click", skipItem);
  $("review-undo").addEventListener("click", () => reviewAction("undo"));
  $("review-undo-done").addEventListener("click", () => reviewAction("undo"));
  $("review-again").addEventListener("click", () => reviewAction("again"));
  $("review-to-model").addEventListener("click", () => $("tab-model").click());
  $("retrain").addEventListener("click", startRetrain);
  document.addEventListener("keydown", reviewKeys);
  $("tab-review").addEventListener("click", () => review || listQueues());
  $("tab-model").addEventListener("click", () => {
    pollRetrain(); // the corrections count changed since the page was opened
    renderModels().catch((e) => showMessage("retrain-message", e.message));
  });
  listQueues();
  try {
    await renderModels();
    await renderRetrain(await api("/api/retrain"));
  } catch (e) {
    showMessage("retrain-message", e.message);
  }
}
