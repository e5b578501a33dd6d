// The challenge page: editor, Run / Submit / Cancel, hints one at a time, the verdict and its diff.
// Talks to the JSON API of simgen/serve/app.py; every value shown goes through textContent.
"use strict";

const MODES = {
  duckdb: "text/x-sql", postgres: "text/x-pgsql", redshift: "text/x-pgsql", mysql: "text/x-mysql",
  tsql: "text/x-mssql", oracle: "text/x-plsql", sqlite: "text/x-sqlite", spark: "text/x-sparksql",
  databricks: "text/x-sparksql", trino: "text/x-trino", bigquery: "text/x-sql", snowflake: "text/x-sql",
};
const HEADER = /^(\s*--\s*dialect\s*[:=]\s*)([A-Za-z][\w-]*)/im;
const LABELS = { pass: "PASS", wrong: "WRONG", error: "CANNOT GRADE" };

const page = document.getElementById("practice");
const id = page.dataset.challenge;
const $ = (name) => document.getElementById(name);
const draftKey = `simgen:draft:${id}`;
let info = null;
let busy = false;

const editor = CodeMirror.fromTextArea($("editor"), {
  mode: "text/x-sql", lineNumbers: true, matchBrackets: true, indentUnit: 2, tabSize: 2,
  extraKeys: {
    "Ctrl-Enter": () => go("run"), "Cmd-Enter": () => go("run"),
    "Shift-Ctrl-Enter": () => go("submit"), "Shift-Cmd-Enter": () => go("submit"),
  },
});
editor.on("change", () => localStorage.setItem(draftKey, editor.getValue()));

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  if (cls) node.className = cls;
  return node;
}

function show(value) {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "boolean") return value ? "true" : "false";
  return String(value);
}

function setDialect(name, rewriteHeader) {
  const lower = String(name).toLowerCase();
  name = info.dialect_aliases[lower] || lower;
  if (!MODES[name]) name = "duckdb";
  $("dialect").value = name;
  editor.setOption("mode", MODES[name]);
  localStorage.setItem("simgen:dialect", name);
  const text = editor.getValue();
  if (rewriteHeader && HEADER.test(text)) {
    const cursor = editor.getCursor();
    editor.setValue(text.replace(HEADER, (_, head) => head + name));
    editor.setCursor(cursor);
  }
}

function renderHints(hints, total) {
  const list = $("hints");
  list.replaceChildren(...hints.map((h) => el("li", h)));
  const button = $("hint");
  button.disabled = hints.length >= total;
  button.textContent = total === 0 ? "No hints" : hints.length >= total
    ? `All ${total} hints shown` : `Show hint ${hints.length + 1} of ${total}`;
}

async function api(path, body) {
  const response = await fetch(path, {
    method: body === undefined ? "GET" : "POST",
    headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let data;
  try {
    data = await response.json();
  } catch (_) {
    data = { status: "error", kind: "request", message: `the server answered ${response.status}` };
  }
  return data;
}

function setBusy(what) {
  busy = Boolean(what);
  $("run").disabled = busy;
  $("submit").disabled = busy;
  $("cancel").hidden = !busy;
  $("status").className = busy ? "running" : "";
  $("status").textContent = busy ? `${what}…` : "";
}

async function go(action) {
  if (busy) return;
  setBusy(action === "run" ? "Running" : "Grading");
  $("result").replaceChildren();
  const body = { challenge: id, sql: editor.getValue(), dialect: $("dialect").value };
  let data;
  try {
    data = await api(`/api/${action}`, body);
  } catch (error) {
    setBusy(null);
    showError({ kind: "request", message: `the practice server did not answer (${error}); is simgen serve still running?` });
    return;
  }
  setBusy(null);
  if (action === "run") showRun(data);
  else showVerdict(data);
}

function showError(data) {
  const box = el("div", null, "verdict error");
  box.append(el("strong", data.kind === "cancelled" ? "CANCELLED" : "ERROR"), el("pre", data.message));
  $("result").replaceChildren(box);
}

function table(columns, rows, marks) {
  const t = el("table", null, "rows");
  const head = el("tr");
  for (const c of columns) {
    const th = el("th", c.name);
    if (c.type) th.append(el("span", c.type, "type"));
    head.append(th);
  }
  const thead = el("thead");
  thead.append(head);
  t.append(thead);
  const body = el("tbody");
  rows.forEach((row, r) => {
    const tr = el("tr", null, marks && marks.rows[r] ? marks.rows[r] : "");
    if (row === null) {
      const td = el("td", marks.absent[r], "absent");
      td.colSpan = columns.length;
      tr.append(td);
    } else {
      row.forEach((value, i) => {
        const td = el("td", show(value), value === null ? "null" : "");
        if (marks && marks.cells[r] && marks.cells[r].includes(i)) td.classList.add("differs");
        tr.append(td);
      });
    }
    body.append(tr);
  });
  t.append(body);
  return t;
}

function showRun(data) {
  if (data.status !== "ok") return showError(data);
  const shown = data.rows.length;
  const note = `${data.total_rows.toLocaleString()} row${data.total_rows === 1 ? "" : "s"} in ${data.seconds} s` +
    (shown < data.total_rows ? `, the first ${shown} shown` : "") + ` (on the ${data.dataset} dataset)`;
  $("result").replaceChildren(el("p", note, "note"), table(data.columns, data.rows));
}

function showVerdict(data) {
  const box = el("div", null, `verdict ${data.status}`);
  box.append(el("strong", LABELS[data.status] || data.status), el("pre", data.message));
  const parts = [box];
  if (data.status === "wrong" && data.diff) parts.push(...sideBySide(data.diff));
  $("result").replaceChildren(...parts);
  if (data.progress) markProgress(data.progress);
}

function markProgress(entry) {
  const state = entry.solved ? "solved" : entry.attempts ? "attempted" : "new";
  const badge = $("state");
  badge.className = `tally progress ${state}`;
  badge.textContent = { solved: "✓ solved", attempted: "attempted", new: "not tried yet" }[state];
}

// Expected rows on the left, the submission's on the right. Rows with the same key sit side by
// side with the differing cells marked; a row only one side has faces an empty cell.
function sideBySide(diff) {
  const columns = diff.columns.map((name) => ({ name }));
  const left = [], right = [];
  const marks = { left: { rows: [], cells: [], absent: [] }, right: { rows: [], cells: [], absent: [] } };
  const add = (e, a, cells, kind) => {
    const r = left.length;
    left.push(e); right.push(a);
    marks.left.cells[r] = cells; marks.right.cells[r] = cells;
    marks.left.rows[r] = kind; marks.right.rows[r] = kind;
    marks.left.absent[r] = "no such row expected"; marks.right.absent[r] = "missing from your result";
  };
  for (const p of diff.pairs || []) add(p.expected, p.actual, p.differs, "paired");
  if (diff.first_difference) {
    const f = diff.first_difference;
    add(f.expected.length ? f.expected : null, f.actual.length ? f.actual : null, [], "order");
  }
  for (const row of diff.missing_examples || []) add(row, null, [], "missing");
  for (const row of diff.extra_examples || []) add(null, row, [], "unexpected");
  if (!left.length) return [];
  const key = diff.key && diff.key.length ? `Rows are paired by ${diff.key.join(", ")}; differing cells are marked. ` : "";
  const changed = diff.changed || 0;
  const onlyMissing = diff.missing - changed, onlyExtra = diff.extra - changed;
  const counts = `Expected ${diff.expected_rows.toLocaleString()} rows, yours has ${diff.actual_rows.toLocaleString()}` +
    (changed ? `; ${changed.toLocaleString()} differ` : "") +
    (onlyMissing ? `; ${onlyMissing.toLocaleString()} missing` : "") +
    (onlyExtra ? `; ${onlyExtra.toLocaleString()} unexpected` : "") + ". Examples:";
  const wrap = el("div", null, "sidebyside");
  const side = (title, rows, m) => {
    const s = el("div", null, "side");
    s.append(el("h3", title), table(columns, rows, m));
    return s;
  };
  wrap.append(side("Expected", left, marks.left), side("Yours", right, marks.right));
  wrap.id = "diff";
  return [el("p", key + counts, "note"), wrap];
}

async function loadHints(action) {
  const data = action ? await api(`/api/challenges/${id}/hint`, {}) : info;
  renderHints(data.hints, data.hints_total);
}

async function start() {
  info = await api(`/api/challenges/${id}`);
  const text = localStorage.getItem(draftKey) || info.last_sql || info.starter;
  editor.setValue(text);
  const declared = HEADER.exec(text);
  setDialect((declared && declared[2]) || info.last_dialect || localStorage.getItem("simgen:dialect") || "duckdb", false);
  renderHints(info.hints, info.hints_total);
  $("run").addEventListener("click", () => go("run"));
  $("submit").addEventListener("click", () => go("submit"));
  $("cancel").addEventListener("click", () => api("/api/cancel", {}));
  $("hint").addEventListener("click", () => loadHints(true));
  $("dialect").addEventListener("change", (e) => setDialect(e.target.value, true));
  $("starter").addEventListener("click", () => { editor.setValue(info.starter); setDialect($("dialect").value, true); });
  page.dataset.ready = "true";
}

start();
