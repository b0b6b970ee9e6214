// Tasks: the list with role tabs and filters, the task form (also used inline from a CRM record's timeline),
// and the task page (status buttons, delegation, checklist, comments, reminders, history).
import { html, useState, useEffect, useCallback } from '../lib.js';
import { api, qs } from '../api.js';
import { t, fmtDateTime } from '../i18n.js';
import { useStore, toast } from '../store.js';
import { Link, navigate, query } from '../router.js';
import {
  ErrorBox, Spinner, NotFound, PageHead, fieldErrors, errorText, useConfirm, useEscape, userName,
} from '../components.js';
import { RecordPicker, MultiUserSelect, isoToLocalInput, localInputToIso, rememberName } from '../customfields.js';
import { usePaged, ListFooter } from './companies.js';
import { Comments, Reminders, Due, LinkChip, activeUsers } from '../timeline.js';
import { workChanged } from '../bell.js';

export const STATUSES = ['new', 'in_progress', 'deferred', 'completed'];
export const PRIORITIES = ['low', 'normal', 'high'];
const LINK_KINDS = ['deal', 'lead', 'company', 'contact'];
const REMIND = [[60, 'tasks.remind_1h'], [1440, 'tasks.remind_1d']];

export function StatusTag({ status }) {
  return html`<span class=${'task-status st-' + status} data-testid="task-status" data-status=${status}>${t('tasks.status.' + status)}</span>`;
}
export function PriorityTag({ p }) {
  if (!p || p === 'normal') return null;
  return html`<span class=${'prio prio-' + p} title=${t('f.priority')}>${p === 'high' ? '▲ ' : '▽ '}${t('tasks.priority.' + p)}</span>`;
}
// 60 → "1 hour before", 1440 → "1 day before", 90 → "90 min before".
export function fmtBefore(m) {
  if (m > 0 && m % 1440 === 0) return t('tasks.remind_days', { n: m / 1440 });
  if (m > 0 && m % 60 === 0) return t('tasks.remind_hours', { n: m / 60 });
  return t('tasks.remind_min', { n: m });
}
function checklistProgress(task) {
  const c = task.checklist || [];
  return c.length ? `☑ ${c.filter((x) => x.done).length}/${c.length}` : '';
}

// ---------- list ----------

const ROLES = [['responsible', 'tasks.tab.responsible'], ['created', 'tasks.tab.created'], ['delegated', 'tasks.tab.delegated'],
  ['observed', 'tasks.tab.observed'], ['all', 'tasks.tab.all']];
const STATUS_FILTERS = [['open', 'new,in_progress,deferred'], ['new', 'new'], ['in_progress', 'in_progress'], ['deferred', 'deferred'], ['completed', 'completed']];
const DUE = ['overdue', 'today', 'week', 'later', 'none'];
const LS_F = 'korobka.tasks.filters';

function useProjects() {
  const [p, setP] = useState([]);
  useEffect(() => { api.get('/tasks/projects').then((r) => setP(r.items || [])).catch(() => {}); }, []);
  return p;
}

export function TasksPage() {
  // workSeq moves when a live signal says my work changed (someone else's edit included).
  const { workSeq } = useStore();
  const [f, setF] = useState(() => {
    const d = { role: 'responsible', status: 'open', due: '', project: '', q: '' };
    try { return { ...d, ...JSON.parse(sessionStorage.getItem(LS_F) || '{}') }; } catch { return d; }
  });
  useEffect(() => { sessionStorage.setItem(LS_F, JSON.stringify(f)); }, [f]);
  const projects = useProjects();
  const set = (patch) => setF({ ...f, ...patch });
  const status = (STATUS_FILTERS.find(([k]) => k === f.status) || [])[1] || '';
  const [list, more] = usePaged('/tasks', { role: f.role, status, due: f.due, project: f.project, q: f.q.trim() }, workSeq);
  const filtered = f.status !== 'open' || f.due || f.project || f.q;
  return html`<div class="page tasks-page" data-testid="tasks-page">
    <${PageHead} title=${t('tasks.title')}>
      <${Link} class="btn btn-primary" href="/tasks/new" data-testid="new-task">+ ${t('tasks.new')}<//>
    <//>
    <div class="tabs" role="tablist" aria-label=${t('tasks.roles')}>
      ${ROLES.map(([k, label]) => html`<button role="tab" aria-selected=${f.role === k} class=${'tab' + (f.role === k ? ' active' : '')}
        data-testid=${'tasks-tab-' + k} onClick=${() => set({ role: k })}>${t(label)}</button>`)}
    </div>
    <div class="filters" role="group" aria-label=${t('common.filters')}>
      <label>${t('f.status')}
        <select data-testid="filter-status" onChange=${(e) => set({ status: e.currentTarget.value })}>
          <option value="" selected=${f.status === ''}>${t('common.any')}</option>
          ${STATUS_FILTERS.map(([k]) => html`<option value=${k} selected=${f.status === k}>${t('tasks.filter.' + k)}</option>`)}
        </select></label>
      <label>${t('f.deadline')}
        <select data-testid="filter-due" onChange=${(e) => set({ due: e.currentTarget.value })}>
          <option value="" selected=${f.due === ''}>${t('common.any')}</option>
          ${DUE.map((k) => html`<option value=${k} selected=${f.due === k}>${t('tasks.due.' + k)}</option>`)}
        </select></label>
      <label>${t('f.project')}
        <select data-testid="filter-project" onChange=${(e) => set({ project: e.currentTarget.value })}>
          <option value="" selected=${f.project === ''}>${t('common.any')}</option>
          ${[...new Set([...projects, ...(f.project ? [f.project] : [])])].map((p) => html`<option value=${p} selected=${f.project === p}>${p}</option>`)}
        </select></label>
      <label>${t('search.label')}
        <input type="search" value=${f.q} data-testid="filter-q" placeholder=${t('tasks.search_ph')} onInput=${(e) => set({ q: e.currentTarget.value })} /></label>
      ${filtered ? html`<button class="btn btn-link" data-testid="filters-reset" onClick=${() => set({ status: 'open', due: '', project: '', q: '' })}>${t('common.reset')}</button>` : null}
    </div>
    <${ErrorBox} error=${list.error} />
    <div class="table-wrap">
      <table class="table tasks-table" data-testid="tasks-table">
        <thead><tr>
          <th>${t('f.title')}</th><th>${t('f.status')}</th><th>${t('f.priority')}</th><th>${t('f.deadline')}</th>
          <th>${t('f.responsible')}</th><th>${t('f.link')}</th>
        </tr></thead>
        <tbody>
          ${list.items === null ? html`<tr><td colspan="6"><${Spinner} /></td></tr>`
            : list.items.length === 0 ? html`<tr><td colspan="6" class="empty">${filtered ? t('tasks.empty_filtered') : t('tasks.empty')}</td></tr>`
            : list.items.map((x) => html`<tr key=${x.id} data-testid=${'task-row-' + x.id} class=${x.status === 'completed' ? 'task-done' : ''}>
              <td data-label=${t('f.title')}><${Link} href=${'/tasks/' + x.id} class="strong">${x.title}<//>
                ${x.project || checklistProgress(x) || x.comment_count ? html`<div class="muted small">
                  ${x.project ? html`<span class="tag tag-muted">${x.project}</span> ` : null}${checklistProgress(x)}
                  ${x.comment_count ? html` · ❝ ${x.comment_count}` : null}</div>` : null}</td>
              <td data-label=${t('f.status')}><${StatusTag} status=${x.status} /></td>
              <td data-label=${t('f.priority')}>${x.priority === 'normal' ? html`<span class="muted">${t('tasks.priority.normal')}</span>` : html`<${PriorityTag} p=${x.priority} />`}</td>
              <td data-label=${t('f.deadline')}>${x.deadline ? html`<${Due} at=${x.deadline} overdue=${x.overdue} done=${x.status === 'completed'} />` : null}</td>
              <td data-label=${t('f.responsible')}>${userName(x.responsible_id)}</td>
              <td data-label=${t('f.link')}>${x.link ? html`<${LinkChip} link=${x.link} />` : null}</td>
            </tr>`)}
        </tbody>
      </table>
    </div>
    <${ListFooter} st=${list} more=${more} />
  </div>`;
}

// ---------- form ----------

function blank(me, initial = {}) {
  return {
    title: '', description: '', checklist: ['', ''], responsible_id: me, participant_ids: [], observer_ids: [], deadline: '',
    priority: 'normal', link: null, linkKind: 'deal', project: '', remind_before: [60, 1440], ...initial,
  };
}
function fromTask(x) {
  return {
    title: x.title || '', description: x.description || '', checklist: [], responsible_id: x.responsible_id,
    participant_ids: x.participant_ids || [], observer_ids: x.observer_ids || [], deadline: isoToLocalInput(x.deadline),
    priority: x.priority || 'normal', link: x.link ? { kind: x.link.kind, id: x.link.id } : null, linkKind: x.link ? x.link.kind : 'deal',
    project: x.project || '', remind_before: x.remind_before || [],
  };
}

// The task form. `task` = edit that task; otherwise a new one with `initial` presets (e.g. {link}).
// `compact`: inside a record's timeline (the link is fixed, fewer hints).
export function TaskEditor({ task, initial, onSaved, onCancel, compact }) {
  const st = useStore();
  const me = st.session.user.id;
  const [f, setF] = useState(() => (task ? fromTask(task) : blank(me, initial)));
  const [err, setErr] = useState(null);
  const [local, setLocal] = useState({});
  const [busy, setBusy] = useState(false);
  const projects = useProjects();
  useEffect(() => { if (f.link && f.link.title) rememberName(f.link.kind, f.link.id, f.link.title); }, []);
  const set = (k) => (v) => setF({ ...f, [k]: v });
  const fixedLink = compact && initial && initial.link;
  const submit = async (e) => {
    e.preventDefault();
    const le = {};
    if (!f.title.trim()) le.title = t('field.required');
    if (f.deadline && !localInputToIso(f.deadline)) le.deadline = t('field.invalid_value');
    setLocal(le);
    if (Object.keys(le).length) { setErr(null); return; }
    setBusy(true); setErr(null);
    const items = f.checklist.map((x) => x.trim());
    const body = {
      title: f.title.trim(), description: f.description, responsible_id: f.responsible_id === '' ? null : Number(f.responsible_id),
      participant_ids: f.participant_ids.map(Number), observer_ids: f.observer_ids.map(Number),
      deadline: f.deadline ? localInputToIso(f.deadline) : null, priority: f.priority,
      link: f.link ? { kind: f.link.kind, id: Number(f.link.id) } : null, project: f.project.trim(),
      remind_before: f.remind_before,
    };
    if (!task) body.checklist = items.filter(Boolean);
    try {
      const saved = task ? await api.put('/tasks/' + task.id, body) : await api.post('/tasks', body);
      workChanged();
      onSaved(saved);
    } catch (x) {
      // the server numbers checklist rows as sent (empty rows dropped): renumber to the rows on screen
      if (x && x.fields) {
        const map = []; items.forEach((v, i) => { if (v) map.push(i); });
        x.fields = x.fields.map((fl) => { const m = /^checklist\[(\d+)\](.*)$/.exec(fl.field || ''); return m && map[+m[1]] !== undefined ? { ...fl, field: `checklist[${map[+m[1]]}]${m[2]}` } : fl; });
      }
      setErr(x); setBusy(false);
    }
  };
  const errs = { ...fieldErrors(err), ...local };
  // "participant_ids[0]" and the like show under their field
  const E = (k) => {
    const msg = [errs[k], ...Object.keys(errs).filter((x) => x.startsWith(k + '[')).map((x) => errs[x])].filter(Boolean).join('; ');
    return msg ? html`<div class="field-error" data-testid=${'error-' + k}>${msg}</div>` : null;
  };
  const users = activeUsers(f.responsible_id);
  const toggleRemind = (m, on) => setF({ ...f, remind_before: on ? [...new Set([...f.remind_before, m])].sort((a, b) => a - b) : f.remind_before.filter((x) => x !== m) });
  const setItem = (i, v) => setF({ ...f, checklist: f.checklist.map((x, j) => (j === i ? v : x)) });
  const linkErr = errs.link || errs['link.id'] || errs['link.kind'];
  return html`<form class=${'form task-form' + (compact ? ' compact' : ' panel')} onSubmit=${submit} data-testid="task-form" novalidate>
    ${err && (!err.fields || !err.fields.length) ? html`<${ErrorBox} error=${err} />` : err ? html`<div class="alert alert-error" role="alert" data-testid="form-error">${t('common.fix_fields')}</div>` : null}
    <div class="grid2">
      <div class="field wide"><label for="f-task-title">${t('f.title')} *</label>
        <input id="f-task-title" type="text" value=${f.title} maxlength="500" data-testid="input-task-title" aria-invalid=${errs.title ? 'true' : undefined}
          placeholder=${t('tasks.title_ph')} onInput=${(e) => set('title')(e.currentTarget.value)} ref=${(el) => el && !compact && !el.dataset.f && (el.dataset.f = '1', el.focus())} />${E('title')}</div>
      <div class="field wide"><label for="f-task-description">${t('f.description')}</label>
        <textarea id="f-task-description" rows=${compact ? 2 : 4} value=${f.description} data-testid="input-task-description"
          onInput=${(e) => set('description')(e.currentTarget.value)}></textarea>${E('description')}</div>
      ${task ? null : html`<div class="field wide"><label>${t('f.checklist')}</label>
        <div class="rows" data-testid="task-checklist-inputs">
          ${f.checklist.map((v, i) => html`<div class="row-item"><div class="row-line">
            <span class="check-box" aria-hidden="true">☐</span>
            <input type="text" value=${v} maxlength="500" aria-label=${t('tasks.item_n', { n: i + 1 })} data-testid=${'input-checklist-' + i}
              placeholder=${t('tasks.item_ph')} onInput=${(e) => setItem(i, e.currentTarget.value)}
              onKeyDown=${(e) => { if (e.key === 'Enter') { e.preventDefault(); setF({ ...f, checklist: [...f.checklist.slice(0, i + 1), '', ...f.checklist.slice(i + 1)] }); setTimeout(() => { const n = document.querySelector(`[data-testid="input-checklist-${i + 1}"]`); n && n.focus(); }, 0); } }} />
            <button type="button" class="btn btn-icon" title=${t('common.remove')} aria-label=${t('common.remove')}
              onClick=${() => setF({ ...f, checklist: f.checklist.filter((_, j) => j !== i) })}>×</button>
          </div>${errs[`checklist[${i}]`] ? html`<div class="field-error">${errs[`checklist[${i}]`]}</div>` : null}</div>`)}
          <button type="button" class="btn btn-link" data-testid="add-checklist-item" onClick=${() => setF({ ...f, checklist: [...f.checklist, ''] })}>+ ${t('tasks.add_item')}</button>
          ${E('checklist')}
        </div></div>`}
      <div class="field"><label for="f-task-responsible">${t('f.responsible')}</label>
        <select id="f-task-responsible" data-testid="input-task-responsible" onChange=${(e) => set('responsible_id')(e.currentTarget.value)}>
          ${users.map((u) => html`<option value=${u.id} selected=${String(u.id) === String(f.responsible_id)}>${u.name}</option>`)}
        </select>${E('responsible_id')}</div>
      <div class="field"><label for="f-task-deadline">${t('f.deadline')}</label>
        <input id="f-task-deadline" type="datetime-local" value=${f.deadline} data-testid="input-task-deadline" aria-invalid=${errs.deadline ? 'true' : undefined}
          onInput=${(e) => set('deadline')(e.currentTarget.value)} />${E('deadline')}</div>
      <div class="field"><label for="f-participant_ids">${t('f.participants')}</label>
        <${MultiUserSelect} name="participant_ids" value=${f.participant_ids} onChange=${set('participant_ids')} />${E('participant_ids')}</div>
      <div class="field"><label for="f-observer_ids">${t('f.observers')}</label>
        <${MultiUserSelect} name="observer_ids" value=${f.observer_ids} onChange=${set('observer_ids')} />${E('observer_ids')}</div>
      <div class="field"><label for="f-task-priority">${t('f.priority')}</label>
        <div class="seg" role="radiogroup" aria-label=${t('f.priority')}>
          ${PRIORITIES.map((p) => html`<button type="button" role="radio" aria-checked=${f.priority === p} data-testid=${'priority-' + p}
            class=${'btn btn-small' + (f.priority === p ? ' btn-primary' : '')} onClick=${() => set('priority')(p)}>${t('tasks.priority.' + p)}</button>`)}
        </div>${E('priority')}</div>
      <div class="field"><label for="f-task-project">${t('f.project')}</label>
        <input id="f-task-project" type="text" list="task-projects" value=${f.project} maxlength="100" data-testid="input-task-project"
          placeholder=${t('tasks.project_ph')} onInput=${(e) => set('project')(e.currentTarget.value)} />
        <datalist id="task-projects">${projects.map((p) => html`<option value=${p} />`)}</datalist>${E('project')}</div>
      ${fixedLink ? null : html`<div class="field wide"><label for=${'f-task-link'}>${t('f.link')}</label>
        ${f.link ? html`<div class="picker-chosen"><${LinkChip} link=${f.link} />
            <button type="button" class="btn btn-small" data-testid="task-link-clear" onClick=${() => setF({ ...f, link: null })}>${t('picker.clear')}</button></div>`
          : html`<div class="link-picker">
            <select aria-label=${t('common.kind')} data-testid="input-task-link-kind" onChange=${(e) => setF({ ...f, linkKind: e.currentTarget.value })}>
              ${LINK_KINDS.map((k) => html`<option value=${k} selected=${f.linkKind === k}>${t('kind.' + k)}</option>`)}
            </select>
            <${RecordPicker} kind=${f.linkKind} name="task-link" value=${null} onChange=${(id) => id != null && setF({ ...f, link: { kind: f.linkKind, id } })} error=${linkErr} />
          </div>`}${linkErr ? html`<div class="field-error" data-testid="error-link">${linkErr}</div>` : null}</div>`}
      <div class="field wide"><span class="label-like">${t('f.remind_before')}</span>
        <div class="checks">
          ${REMIND.map(([m, label]) => html`<label class="check"><input type="checkbox" data-testid=${'remind-' + m} checked=${f.remind_before.includes(m)}
            onChange=${(e) => toggleRemind(m, e.currentTarget.checked)} /> ${t(label)}</label>`)}
          ${f.remind_before.filter((m) => m !== 60 && m !== 1440).map((m) => html`<span class="tag tag-muted">${fmtBefore(m)}</span>`)}
        </div>
        <div class="hint">${t('tasks.remind_hint')}</div>${E('remind_before')}</div>
    </div>
    <div class="form-actions">
      <button class="btn btn-primary" type="submit" disabled=${busy} data-testid="task-save">${busy ? t('common.saving') : task ? t('common.save') : t('tasks.create')}</button>
      ${onCancel ? html`<button class="btn" type="button" onClick=${onCancel} data-testid="task-cancel">${t('common.cancel')}</button>` : null}
    </div>
  </form>`;
}

export function TaskFormPage({ params }) {
  const st = useStore();
  const id = params.id;
  const [task, setTask] = useState(null);
  const [err, setErr] = useState(null);
  useEffect(() => { if (id) api.get('/tasks/' + id).then(setTask).catch(setErr); }, [id]);
  const back = id ? '/tasks/' + id : '/tasks';
  const cancel = useCallback(() => navigate(back), [back]);
  useEscape(cancel);
  if (err) return err.status === 404 ? html`<${NotFound} />` : html`<div class="page"><${ErrorBox} error=${err} /></div>`;
  if (id && !task) return html`<${Spinner} />`;
  const q = query();
  const initial = {};
  if (q.get('link_kind') && q.get('link_id')) initial.link = { kind: q.get('link_kind'), id: Number(q.get('link_id')) };
  if (q.get('title')) initial.title = q.get('title');
  return html`<div class="page">
    <${PageHead} title=${id ? t('tasks.edit') : t('tasks.new')} back=${id ? { href: back, label: task.title } : { href: '/tasks', label: t('tasks.title') }} />
    <${TaskEditor} task=${task} initial=${initial} onCancel=${cancel}
      onSaved=${(x) => { toast(id ? t('common.saved') : t('tasks.created')); navigate('/tasks/' + x.id, { replace: !id }); }} />
  </div>`;
}

// ---------- task page ----------

const HIST = {
  title: 'f.title', description: 'f.description', status: 'f.status', priority: 'f.priority', deadline: 'f.deadline',
  responsible_id: 'f.responsible', participant_ids: 'f.participants', observer_ids: 'f.observers', link: 'f.link', project: 'f.project',
  remind_before: 'f.remind_before', checklist: 'f.checklist', completed_at: 'tasks.completed_at',
};
function histVal(field, v) {
  if (v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length)) return html`<span class="muted">${t('common.none')}</span>`;
  switch (field) {
    case 'status': return t('tasks.status.' + v);
    case 'priority': return t('tasks.priority.' + v);
    case 'responsible_id': return userName(v);
    case 'participant_ids': case 'observer_ids': return v.map((x) => userName(x)).join(', ');
    case 'link': return typeof v === 'object' ? html`<${LinkChip} link=${v} />` : String(v);
    case 'remind_before': return v.map((m) => fmtBefore(m)).join(', ');
    case 'checklist': return Array.isArray(v) ? v.map((x) => (x && typeof x === 'object' ? (x.done ? '☑ ' : '☐ ') + x.text : String(x))).join('; ') : String(v);
    default:
      if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v)) return fmtDateTime(v);
      if (typeof v === 'boolean') return v ? t('common.yes') : t('common.no');
      if (typeof v === 'object') return JSON.stringify(v);
      return String(v);
  }
}
function TaskHistory({ items }) {
  if (!items) return html`<${Spinner} />`;
  if (!items.length) return html`<p class="muted">${t('history.empty')}</p>`;
  const HIDE = ['updated_at', 'updated_by', 'delegations'];
  return html`<ol class="history" data-testid="history">${items.map((e) => html`<li>
    <div class="history-head"><strong>${e.user_name || (e.user_id != null ? userName(e.user_id) : t('common.system'))}</strong>
      ${' '}<span>${t('history.' + (e.action || 'updated'))}</span> <time class="muted" datetime=${e.at}>${fmtDateTime(e.at)}</time></div>
    ${e.action !== 'created' && e.changes && e.changes.length ? html`<ul class="changes">
      ${e.changes.filter((c) => !HIDE.includes(c.field)).map((c) => html`<li><span class="ch-field">${HIST[c.field] ? t(HIST[c.field]) : c.field}:</span>
        <span class="ch-old">${histVal(c.field, c.old)}</span> → <span class="ch-new">${histVal(c.field, c.new)}</span></li>`)}</ul>` : null}
  </li>`)}</ol>`;
}

function Checklist({ task, onTask }) {
  const [text, setText] = useState('');
  const [err, setErr] = useState(null);
  const [editing, setEditing] = useState(null); // {id, text}
  const items = task.checklist || [];
  const call = async (p) => { try { onTask(await p); setErr(null); return true; } catch (e) { setErr(e); return false; } };
  const add = async (e) => {
    e.preventDefault();
    if (!text.trim()) return;
    if (await call(api.post(`/tasks/${task.id}/checklist`, { text: text.trim() }))) setText('');
  };
  const move = (i, d) => {
    const ids = items.map((x) => x.id);
    [ids[i], ids[i + d]] = [ids[i + d], ids[i]];
    call(api.put(`/tasks/${task.id}/checklist`, { ids }));
  };
  const done = items.filter((x) => x.done).length;
  return html`<div class="checklist" data-testid="checklist">
    ${items.length ? html`<div class="progress" title=${done + '/' + items.length}><div class="progress-bar" style=${{ width: (100 * done / items.length) + '%' }}></div></div>` : null}
    <ul class="check-items">
      ${items.map((x, i) => html`<li key=${x.id} class=${x.done ? 'done' : ''} data-testid=${'checklist-item-' + i}>
        <label class="check"><input type="checkbox" checked=${x.done} data-testid=${'checklist-tick-' + i}
          onChange=${(e) => call(api.put(`/tasks/${task.id}/checklist/${x.id}`, { done: e.currentTarget.checked }))} />
          ${editing && editing.id === x.id ? null : html`<span class="check-text">${x.text}</span>`}</label>
        ${editing && editing.id === x.id ? html`<form class="inline-edit" onSubmit=${async (e) => { e.preventDefault(); if (await call(api.put(`/tasks/${task.id}/checklist/${x.id}`, { text: editing.text.trim() }))) setEditing(null); }}>
            <input type="text" value=${editing.text} maxlength="500" aria-label=${t('tasks.item_n', { n: i + 1 })}
              onInput=${(e) => setEditing({ ...editing, text: e.currentTarget.value })} ref=${(el) => el && !el.dataset.f && (el.dataset.f = '1', el.focus())} />
            <button class="btn btn-small btn-primary" type="submit">${t('common.save')}</button>
            <button class="btn btn-small" type="button" onClick=${() => setEditing(null)}>${t('common.cancel')}</button></form>`
          : html`<span class="item-actions">
            <button class="btn btn-icon btn-small" disabled=${i === 0} title=${t('tasks.up')} aria-label=${t('tasks.up')} data-testid=${'checklist-up-' + i} onClick=${() => move(i, -1)}>↑</button>
            <button class="btn btn-icon btn-small" disabled=${i === items.length - 1} title=${t('tasks.down')} aria-label=${t('tasks.down')} data-testid=${'checklist-down-' + i} onClick=${() => move(i, 1)}>↓</button>
            <button class="btn btn-icon btn-small" title=${t('common.edit')} aria-label=${t('common.edit')} onClick=${() => setEditing({ id: x.id, text: x.text })}>✎</button>
            <button class="btn btn-icon btn-small" title=${t('common.delete')} aria-label=${t('common.delete')} data-testid=${'checklist-delete-' + i}
              onClick=${() => call(api.del(`/tasks/${task.id}/checklist/${x.id}`))}>×</button></span>`}
      </li>`)}
    </ul>
    <form class="inline-add" onSubmit=${add}>
      <input type="text" value=${text} maxlength="500" placeholder=${t('tasks.item_ph')} aria-label=${t('tasks.add_item')} data-testid="checklist-new"
        onInput=${(e) => setText(e.currentTarget.value)} />
      <button class="btn btn-small" type="submit" data-testid="checklist-add">+ ${t('tasks.add_item')}</button>
    </form>
    ${err ? html`<div class="field-error">${fieldErrors(err).text || errorText(err)}</div>` : null}
  </div>`;
}

export function TaskView({ params }) {
  const st = useStore();
  const me = st.session.user;
  const id = params.id;
  const [task, setTask] = useState(null);
  const [err, setErr] = useState(null);
  const [hist, setHist] = useState(null);
  const [busy, setBusy] = useState(false);
  const [delegate, setDelegate] = useState('');
  const [ask, dialog] = useConfirm();
  const loadHist = () => api.get(`/tasks/${id}/history`).then((r) => setHist(r.items || [])).catch(() => setHist([]));
  useEffect(() => { setTask(null); api.get('/tasks/' + id).then(setTask).catch(setErr); loadHist(); }, [id]);
  // Someone else ticked, delegated or completed it: show it without a reload.
  useEffect(() => { if (st.workSeq) { api.get('/tasks/' + id).then(setTask).catch(() => {}); loadHist(); } }, [st.workSeq]);
  if (err) return err.status === 404 ? html`<${NotFound} />` : html`<div class="page"><${ErrorBox} error=${err} /></div>`;
  if (!task) return html`<${Spinner} />`;
  const onTask = (x) => { setTask(x); loadHist(); workChanged(); };
  const setStatus = async (s) => {
    setBusy(true);
    try { onTask(await api.post(`/tasks/${id}/status`, { status: s })); toast(t('tasks.status_set', { s: t('tasks.status.' + s) })); }
    catch (e) { toast(errorText(e), 'error'); }
    setBusy(false);
  };
  const doDelegate = async () => {
    if (!delegate) return;
    setBusy(true);
    try { onTask(await api.post(`/tasks/${id}/delegate`, { to: Number(delegate) })); setDelegate(''); toast(t('tasks.delegated_to', { who: userName(Number(delegate)) })); }
    catch (e) { toast(errorText(e), 'error'); }
    setBusy(false);
  };
  const del = async () => {
    if (!(await ask(t('tasks.delete_q', { title: task.title })))) return;
    try { await api.del('/tasks/' + id); workChanged(); toast(t('common.deleted')); navigate('/tasks'); } catch (e) { toast(errorText(e), 'error'); }
  };
  const s = task.status;
  const canEdit = me.role === 'admin' || task.created_by === me.id || task.responsible_id === me.id;
  const canDelete = me.role === 'admin' || task.created_by === me.id;
  const btn = (to, label, cls = '') => html`<button class=${'btn ' + cls} disabled=${busy} data-testid=${'task-' + label} onClick=${() => setStatus(to)}>${t('tasks.action.' + label)}</button>`;
  return html`<div class="page task-page" data-testid="task-page">
    <${PageHead} title=${task.title} back=${{ href: '/tasks', label: t('tasks.title') }}>
      ${canEdit ? html`<${Link} class="btn" href=${`/tasks/${id}/edit`} data-testid="edit">${t('common.edit')}<//>` : null}
      ${canDelete ? html`<button class="btn btn-danger-outline" data-testid="delete" onClick=${del}>${t('common.delete')}</button>` : null}
    <//>
    <div class="task-bar">
      <${StatusTag} status=${s} /> <${PriorityTag} p=${task.priority} />
      ${task.deadline ? html`<span>${t('f.deadline')}: <${Due} at=${task.deadline} overdue=${task.overdue} done=${s === 'completed'} /></span>` : null}
      <span class="spacer"></span>
      ${s === 'new' || s === 'deferred' ? btn('in_progress', 'start') : null}
      ${s !== 'completed' ? btn('completed', 'complete', 'btn-ok') : null}
      ${s === 'new' || s === 'in_progress' ? btn('deferred', 'defer') : null}
      ${s === 'completed' ? btn('new', 'reopen') : null}
    </div>
    <div class="record-grid">
      <div>
        <section class="panel">
          ${task.description ? html`<div class="pre task-desc" data-testid="task-description">${task.description}</div>` : html`<p class="muted">${t('tasks.no_description')}</p>`}
        </section>
        <section class="panel">
          <h2>${t('f.checklist')}</h2>
          <${Checklist} task=${task} onTask=${onTask} />
        </section>
        <section class="panel">
          <h2>${t('comments.title')} ${task.comment_count ? html`<span class="count">${task.comment_count}</span>` : null}</h2>
          <${Comments} target=${{ kind: 'task', id: task.id }} />
        </section>
      </div>
      <div>
        <section class="panel">
          <h2>${t('companies.details')}</h2>
          <dl class="props">
            <dt>${t('f.responsible')}</dt><dd data-testid="task-responsible">${userName(task.responsible_id)}</dd>
            <dt>${t('tasks.created_by')}</dt><dd>${userName(task.created_by)}</dd>
            <dt>${t('f.participants')}</dt><dd>${(task.participant_ids || []).length ? task.participant_ids.map(userName).join(', ') : t('common.none')}</dd>
            <dt>${t('f.observers')}</dt><dd>${(task.observer_ids || []).length ? task.observer_ids.map(userName).join(', ') : t('common.none')}</dd>
            <dt>${t('f.link')}</dt><dd>${task.link ? html`<${LinkChip} link=${task.link} />` : t('common.none')}</dd>
            <dt>${t('f.project')}</dt><dd>${task.project || t('common.none')}</dd>
            <dt>${t('f.remind_before')}</dt><dd>${(task.remind_before || []).length ? task.remind_before.map((m) => fmtBefore(m)).join(', ') : t('common.none')}</dd>
            <dt>${t('f.created_at')}</dt><dd>${fmtDateTime(task.created_at)}</dd>
            ${task.completed_at ? html`<dt>${t('tasks.completed_at')}</dt><dd>${fmtDateTime(task.completed_at)}</dd>` : null}
          </dl>
          ${(task.delegations || []).length ? html`<div class="delegations small"><div class="muted">${t('tasks.delegations')}</div>
            <ul class="mini-list">${task.delegations.map((d) => html`<li>${userName(d.from)} → ${userName(d.to)} <span class="muted">· ${fmtDateTime(d.at)}</span></li>`)}</ul></div>` : null}
          ${s !== 'completed' && canEdit ? html`<div class="delegate">
            <label for="f-delegate" class="muted small">${t('tasks.delegate')}</label>
            <div class="inline-add"><select id="f-delegate" data-testid="delegate-to" onChange=${(e) => setDelegate(e.currentTarget.value)}>
              <option value="" selected=${delegate === ''}>${t('tasks.delegate_pick')}</option>
              ${activeUsers().filter((u) => u.id !== task.responsible_id).map((u) => html`<option value=${u.id} selected=${String(u.id) === delegate}>${u.name}</option>`)}
            </select><button class="btn btn-small" disabled=${!delegate || busy} data-testid="delegate-go" onClick=${doDelegate}>${t('tasks.delegate_go')}</button></div>
          </div>` : null}
        </section>
        <section class="panel">
          <h2>${t('reminders.title')}</h2>
          <${Reminders} target=${{ kind: 'task', id: task.id }} />
        </section>
        <section class="panel">
          <h2>${t('history.title')}</h2>
          <${TaskHistory} items=${hist} />
        </section>
      </div>
    </div>
    ${dialog}
  </div>`;
}
