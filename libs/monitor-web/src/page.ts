/**
 * The page: one HTML document with its script. It follows `/events` (Server-Sent Events,
 * one JSON table per event) and keeps one row element per task, keyed by id, updating
 * its cells in place so that buttons stay under the pointer. Cancel is a POST from the page
 * (same origin, token in the cookie).
 * @packageDocumentation
 */

/**
 * The web view's HTML.
 *
 * @example
 * ```ts
 * import { pageHtml } from '@curio/monitor-web';
 * const html = pageHtml(); // starts with <!doctype html>
 * ```
 */
export function pageHtml(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Curio monitor</title>
<style>
body{font:14px system-ui,sans-serif;margin:1em}table{border-collapse:collapse}
td,th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:left}pre{background:#f4f4f4;padding:4px;margin:0}
</style></head>
<body><h1>Curio monitor</h1><p id="status">connecting…</p>
<table><thead><tr><th>Task</th><th>Name</th><th>State</th><th>Cycles</th><th>Parent</th><th></th><th></th></tr></thead>
<tbody id="tasks"></tbody></table>
<script>
'use strict';
const body = document.getElementById('tasks');
const status = document.getElementById('status');
const rows = new Map();
function cell(tr, i, text) { const td = tr.children[i]; if (td.textContent !== text) td.textContent = text; }
function rowFor(task) {
  let tr = rows.get(task.id);
  if (tr !== undefined) return tr;
  tr = document.createElement('tr');
  tr.dataset.taskId = String(task.id);
  for (let i = 0; i < 5; i++) tr.appendChild(document.createElement('td'));
  const actions = document.createElement('td');
  const cancel = document.createElement('button');
  cancel.dataset.action = 'cancel'; cancel.textContent = 'cancel';
  cancel.addEventListener('click', () => post('cancel', task.id, cancel));
  const where = document.createElement('button');
  where.dataset.action = 'where'; where.textContent = 'where';
  where.addEventListener('click', () => showWhere(task.id, tr));
  actions.append(cancel, ' ', where);
  tr.appendChild(actions);
  tr.appendChild(document.createElement('td'));
  rows.set(task.id, tr);
  return tr;
}
function show(table) {
  const seen = new Set();
  let previous = null;
  for (const task of table.rows) {
    seen.add(task.id);
    const tr = rowFor(task);
    tr.dataset.taskName = task.name; tr.dataset.taskState = task.state;
    cell(tr, 0, String(task.id)); cell(tr, 1, task.daemon ? task.name + ' (daemon)' : task.name);
    cell(tr, 2, task.state); cell(tr, 3, String(task.cycles)); cell(tr, 4, task.parentId === null ? '' : String(task.parentId));
    // Moved only when out of place: a row stays put while the table is steady.
    const expected = previous === null ? body.firstChild : previous.nextSibling;
    if (expected !== tr) body.insertBefore(tr, expected);
    previous = tr;
  }
  for (const [id, tr] of rows) if (!seen.has(id)) { tr.remove(); rows.delete(id); }
  status.textContent = table.rows.length + ' tasks' + (table.busy ? ' (the kernel is busy: table from ' + table.age + ' ms ago)' : '');
}
async function post(action, id, button) {
  button.disabled = true;
  try { await fetch('./' + action + '/' + id, { method: 'POST' }); } finally { button.disabled = false; }
}
async function showWhere(id, tr) {
  const answer = await fetch('./where/' + id);
  const pre = document.createElement('pre'); pre.textContent = await answer.text();
  tr.lastChild.replaceChildren(pre);
}
const events = new EventSource('./events');
events.onmessage = (event) => show(JSON.parse(event.data));
events.onerror = () => { status.textContent = 'disconnected: retrying…'; };
</script></body></html>
`;
}
