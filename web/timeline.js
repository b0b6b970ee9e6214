// The timeline of a CRM record (company, contact, lead, deal): one stream of history, comments, activities and
// tasks (GET /timeline/{kind}/{id}) under a composer (comment with @mentions, plan an activity, add a task,
// add a reminder). Also the pieces shared with the task page: comments, reminders, activity rows.
import { html, useState, useEffect, useRef } from './lib.js';
import { api, qs } from './api.js';
import { t, fmtDateTime } from './i18n.js';
import { useStore, getState, toast } from './store.js';
import { Link } from './router.js';
import { ErrorBox, Spinner, fieldErrors, errorText, useConfirm, userName } from './components.js';
import { isoToLocalInput, localInputToIso } from './customfields.js';
import { workChanged } from './bell.js';
import { subscribe } from './live.js';
import { TaskEditor, StatusTag, PriorityTag } from './pages/tasks.js';

export const ACT_KINDS = ['call', 'email', 'meeting', 'todo'];
export const ACT_ICON = { call: '☎', email: '✉', meeting: '⚑', todo: '☐' };
const KIND_PATH = { company: 'companies', contact: 'contacts', deal: 'deals', lead: 'leads' };
const KIND_ICON = { company: '▦', contact: '☺', deal: '◆', lead: '◎' };

export function linkHref(link) {
  return link && KIND_PATH[link.kind] ? `/${KIND_PATH[link.kind]}/${link.id}` : null;
}
// A CRM record a task/activity is about: "◆ Deal title".
export function LinkChip({ link }) {
  if (!link) return null;
  const title = link.title || (link.title === '' ? t('work.link_deleted') : '#' + link.id);
  return html`<${Link} class="link-chip" href=${linkHref(link)} title=${t('kind.' + link.kind)}>
    <span aria-hidden="true">${KIND_ICON[link.kind] || '•'}</span> ${title}<//>`;
}
// A due time, red when overdue.
export function Due({ at, overdue, done }) {
  if (!at) return html`<span class="muted">${t('work.no_deadline')}</span>`;
  const late = overdue ?? (!done && new Date(at).getTime() < Date.now());
  return html`<time class=${'due nowrap' + (late ? ' overdue' : '')} datetime=${at}
    title=${late ? t('work.overdue') : ''}>${late ? '⚠ ' : ''}${fmtDateTime(at)}</time>`;
}
// A datetime-local value an hour from now, on the hour.
export function nextHourLocal(hours = 1) {
  const d = new Date(Date.now() + hours * 3600000);
  d.setMinutes(0, 0, 0);
  return isoToLocalInput(d.toISOString());
}
export function activeUsers(keep) {
  return (getState().users || []).filter((u) => u.active || String(u.id) === String(keep));
}

// ---------- @mentions ----------

// A textarea that offers colleagues after "@" and inserts "@login".
export function MentionArea({ name, value, onInput, placeholder, rows = 3, autofocus, onSubmit }) {
  const st = useStore();
  const ref = useRef();
  const [q, setQ] = useState(null); // {text, start}
  const [active, setActive] = useState(0);
  useEffect(() => { if (autofocus && ref.current) ref.current.focus(); }, []);
  const users = q ? (st.users || []).filter((u) => u.active && (u.login.toLowerCase().startsWith(q.text) || u.name.toLowerCase().includes(q.text))).slice(0, 8) : [];
  const detect = (el) => {
    const before = el.value.slice(0, el.selectionStart);
    const m = /(^|\s)@([\w.\-]*)$/.exec(before);
    setQ(m ? { text: m[2].toLowerCase(), start: before.length - m[2].length - 1 } : null);
    setActive(0);
  };
  const pick = (u) => {
    const el = ref.current;
    const end = el.selectionStart;
    const v = value.slice(0, q.start) + '@' + u.login + ' ' + value.slice(end);
    const pos = q.start + u.login.length + 2;
    // set the text and the caret now, so keys typed right after the pick land after the login
    el.value = v;
    el.focus();
    el.setSelectionRange(pos, pos);
    onInput(v);
    setQ(null);
  };
  const onKeyDown = (e) => {
    if (q && users.length) {
      if (e.key === 'ArrowDown') { e.preventDefault(); setActive((active + 1) % users.length); return; }
      if (e.key === 'ArrowUp') { e.preventDefault(); setActive((active - 1 + users.length) % users.length); return; }
      if (e.key === 'Enter' || e.key === 'Tab') { e.preventDefault(); pick(users[active]); return; }
      if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); setQ(null); return; }
    }
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && onSubmit) { e.preventDefault(); onSubmit(); }
  };
  return html`<div class="mention-area">
    <textarea ref=${ref} id=${'f-' + name} name=${name} rows=${rows} value=${value} placeholder=${placeholder || ''} data-testid=${'input-' + name}
      onInput=${(e) => { onInput(e.currentTarget.value); detect(e.currentTarget); }} onKeyDown=${onKeyDown}
      onClick=${(e) => detect(e.currentTarget)} onBlur=${() => setTimeout(() => setQ(null), 150)}></textarea>
    ${q && users.length ? html`<ul class="picker-drop mention-drop" role="listbox">
      ${users.map((u, i) => html`<li role="option" aria-selected=${i === active} class=${'search-item' + (i === active ? ' active' : '')}
        data-testid="mention-option" onMouseDown=${(e) => { e.preventDefault(); pick(u); }}>
        <span class="search-text"><span class="search-title">${u.name}</span><span class="search-sub">@${u.login}</span></span></li>`)}
    </ul>` : null}
  </div>`;
}

// Comment text with @login highlighted.
function CommentText({ body }) {
  const parts = String(body || '').split(/(@[\w.\-]+)/g);
  const logins = new Set((getState().users || []).map((u) => u.login.toLowerCase()));
  return html`<div class="comment-body pre">${parts.map((p) => (p.startsWith('@') && logins.has(p.slice(1).toLowerCase())
    ? html`<span class="mention">${p}</span>` : p))}</div>`;
}

// ---------- comments ----------

export function CommentItem({ c, onChanged }) {
  const st = useStore();
  const me = st.session.user;
  const [edit, setEdit] = useState(null);
  const [err, setErr] = useState(null);
  const [ask, dialog] = useConfirm();
  if (c.deleted) {
    return html`<div class="comment deleted" data-testid=${'comment-' + c.id}>
      <span class="muted">${t('comments.deleted_by', { who: c.deleted_by != null ? userName(c.deleted_by) : t('common.system'), at: fmtDateTime(c.deleted_at) })}</span>
    </div>`;
  }
  const save = async () => {
    try { await api.put('/comments/' + c.id, { body: edit }); setEdit(null); setErr(null); onChanged && onChanged(); }
    catch (e) { setErr(e); }
  };
  const del = async () => {
    if (!(await ask(t('comments.delete_q')))) return;
    try { await api.del('/comments/' + c.id); onChanged && onChanged(); } catch (e) { toast(errorText(e), 'error'); }
  };
  const own = c.author_id === me.id;
  return html`<div class="comment" data-testid=${'comment-' + c.id}>
    <div class="comment-head"><strong>${c.author_name || userName(c.author_id)}</strong>
      <time class="muted small" datetime=${c.created_at}>${fmtDateTime(c.created_at)}</time>
      ${c.edited_at ? html`<span class="muted small" title=${fmtDateTime(c.edited_at)} data-testid="comment-edited">(${t('comments.edited')})</span>` : null}
      <span class="comment-actions">
        ${own && edit === null ? html`<button class="btn btn-link btn-small" data-testid="comment-edit" onClick=${() => setEdit(c.body)}>${t('common.edit')}</button>` : null}
        ${own || me.role === 'admin' ? html`<button class="btn btn-link btn-small danger-link" data-testid="comment-delete" onClick=${del}>${t('common.delete')}</button>` : null}
      </span>
    </div>
    ${edit !== null ? html`<div class="comment-edit">
      <${MentionArea} name=${'comment-edit-' + c.id} value=${edit} onInput=${setEdit} autofocus onSubmit=${save} />
      ${err ? html`<div class="field-error">${fieldErrors(err).body || errorText(err)}</div>` : null}
      <div class="form-actions"><button class="btn btn-primary btn-small" data-testid="comment-save" onClick=${save}>${t('common.save')}</button>
        <button class="btn btn-small" onClick=${() => { setEdit(null); setErr(null); }}>${t('common.cancel')}</button></div>
    </div>` : html`<${CommentText} body=${c.body} />`}
    ${dialog}
  </div>`;
}

export function CommentComposer({ target, onDone, autofocus }) {
  const [body, setBody] = useState('');
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  const send = async (e) => {
    if (e) e.preventDefault();
    if (!body.trim()) { setErr({ fields: [{ field: 'body', code: 'required' }] }); return; }
    setBusy(true);
    try {
      await api.post('/comments', { target: { kind: target.kind, id: Number(target.id) }, body });
      setBody(''); setErr(null);
      onDone && onDone();
    } catch (x) { setErr(x); }
    setBusy(false);
  };
  const fe = fieldErrors(err);
  return html`<form class="composer-form" onSubmit=${send} data-testid="comment-form" novalidate>
    <${MentionArea} name="comment" value=${body} onInput=${setBody} placeholder=${t('comments.placeholder')} autofocus=${autofocus} onSubmit=${send} />
    ${fe.body ? html`<div class="field-error" data-testid="error-comment">${fe.body}</div>` : err && !err.fields ? null : null}
    ${err && !Object.keys(fe).length ? html`<div class="field-error">${errorText(err)}</div>` : null}
    <div class="form-actions"><button class="btn btn-primary" type="submit" disabled=${busy} data-testid="comment-send">${t('comments.send')}</button>
      <span class="hint">${t('comments.hint')}</span></div>
  </form>`;
}

// Comments of any target (task page).
export function Comments({ target }) {
  const [items, setItems] = useState(null);
  const [err, setErr] = useState(null);
  const load = () => api.get('/comments' + qs({ target_kind: target.kind, target_id: target.id }))
    .then((r) => setItems(r.items || [])).catch(setErr);
  useEffect(() => { load(); }, [target.kind, target.id]);
  return html`<div class="comments" data-testid="comments">
    <${ErrorBox} error=${err} />
    ${items === null ? (err ? null : html`<${Spinner} />`) : items.length === 0 ? html`<p class="muted">${t('comments.none')}</p>`
      : items.map((c) => html`<${CommentItem} key=${c.id} c=${c} onChanged=${load} />`)}
    <${CommentComposer} target=${target} onDone=${load} />
  </div>`;
}

// ---------- reminders ----------

export function ReminderForm({ target, onDone, compact }) {
  const st = useStore();
  const [f, setF] = useState({ at: nextHourLocal(24), note: '', user_id: st.session.user.id });
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    const at = localInputToIso(f.at);
    if (!at) { setErr({ fields: [{ field: 'at', code: 'required' }] }); return; }
    setBusy(true);
    try {
      await api.post('/reminders', { at, note: f.note.trim(), user_id: Number(f.user_id),
        target: target ? { kind: target.kind, id: Number(target.id) } : null });
      toast(t('reminders.added'));
      setF({ ...f, note: '' }); setErr(null);
      onDone && onDone();
    } catch (x) { setErr(x); }
    setBusy(false);
  };
  const fe = fieldErrors(err);
  return html`<form class=${'reminder-form' + (compact ? ' compact' : '')} onSubmit=${submit} data-testid="reminder-form" novalidate>
    <div class="field"><label for="f-reminder-at">${t('reminders.at')} *</label>
      <input id="f-reminder-at" type="datetime-local" value=${f.at} data-testid="input-reminder-at" aria-invalid=${fe.at ? 'true' : undefined}
        onInput=${(e) => setF({ ...f, at: e.currentTarget.value })} />
      ${fe.at ? html`<div class="field-error" data-testid="error-at">${fe.at}</div>` : null}</div>
    <div class="field grow"><label for="f-reminder-note">${t('reminders.note')}</label>
      <input id="f-reminder-note" type="text" value=${f.note} maxlength="500" placeholder=${t('reminders.note_ph')} data-testid="input-reminder-note"
        onInput=${(e) => setF({ ...f, note: e.currentTarget.value })} />
      ${fe.note ? html`<div class="field-error">${fe.note}</div>` : null}</div>
    <div class="field"><label for="f-reminder-user">${t('reminders.for')}</label>
      <select id="f-reminder-user" data-testid="input-reminder-user" onChange=${(e) => setF({ ...f, user_id: e.currentTarget.value })}>
        ${activeUsers(f.user_id).map((u) => html`<option value=${u.id} selected=${String(u.id) === String(f.user_id)}>${u.id === st.session.user.id ? t('reminders.me') : u.name}</option>`)}
      </select>
      ${fe.user_id ? html`<div class="field-error">${fe.user_id}</div>` : null}</div>
    <div class="field"><button class="btn btn-primary" type="submit" disabled=${busy} data-testid="reminder-save">${t('reminders.add')}</button></div>
    ${err && !Object.keys(fe).length ? html`<div class="field-error wide">${errorText(err)}</div>` : null}
  </form>`;
}

export function ReminderList({ items, onChanged }) {
  const del = async (r) => {
    try { await api.del('/reminders/' + r.id); onChanged && onChanged(); } catch (e) { toast(errorText(e), 'error'); }
  };
  if (!items || !items.length) return null;
  return html`<ul class="reminder-list" data-testid="reminders">
    ${items.map((r) => html`<li key=${r.id} class=${r.fired_at ? 'fired' : ''}>
      <span aria-hidden="true">◷</span>
      <span class="grow"><time class="nowrap strong" datetime=${r.at}>${fmtDateTime(r.at)}</time>
        ${' '}${r.note || (r.kind === 'deadline' ? t('reminders.deadline') : '')}
        <span class="muted small"> · ${userName(r.user_id)}${r.fired_at ? ' · ' + t('reminders.fired') : ''}</span></span>
      ${r.fired_at ? null : html`<button class="btn btn-icon btn-small" title=${t('common.delete')} aria-label=${t('common.delete')}
        data-testid=${'reminder-delete-' + r.id} onClick=${() => del(r)}>×</button>`}
    </li>`)}
  </ul>`;
}

export function Reminders({ target }) {
  const [items, setItems] = useState(null);
  const load = () => api.get('/reminders' + qs({ target_kind: target.kind, target_id: target.id }))
    .then((r) => setItems(r.items || [])).catch(() => setItems([]));
  useEffect(() => { load(); }, [target.kind, target.id]);
  return html`<div>
    ${items && !items.length ? html`<p class="muted">${t('reminders.none')}</p>` : html`<${ReminderList} items=${items} onChanged=${load} />`}
    <${ReminderForm} target=${target} onDone=${load} />
  </div>`;
}

// ---------- activities ----------

export function ActivityForm({ link, onDone, onCancel }) {
  const st = useStore();
  const [f, setF] = useState({ kind: 'call', subject: '', description: '', due: nextHourLocal(1), duration: '30', responsible_id: st.session.user.id });
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (k) => (e) => setF({ ...f, [k]: e.currentTarget.value });
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    try {
      await api.post('/activities', {
        kind: f.kind, subject: f.subject.trim(), description: f.description, due_at: localInputToIso(f.due),
        duration_min: f.duration === '' ? 30 : Number(f.duration), responsible_id: Number(f.responsible_id),
        link: { kind: link.kind, id: Number(link.id) },
      });
      toast(t('activities.planned'));
      setErr(null);
      setF({ ...f, subject: '', description: '' });
      workChanged();
      onDone && onDone();
    } catch (x) { setErr(x); }
    setBusy(false);
  };
  const fe = fieldErrors(err);
  const fieldErr = (k) => (fe[k] ? html`<div class="field-error" data-testid=${'error-' + k}>${fe[k]}</div>` : null);
  return html`<form class="activity-form" onSubmit=${submit} data-testid="activity-form" novalidate>
    <div class="seg" role="radiogroup" aria-label=${t('activities.kind')}>
      ${ACT_KINDS.map((k) => html`<button type="button" role="radio" aria-checked=${f.kind === k} data-testid=${'activity-kind-' + k}
        class=${'btn btn-small' + (f.kind === k ? ' btn-primary' : '')} onClick=${() => setF({ ...f, kind: k })}>${ACT_ICON[k]} ${t('activities.kind.' + k)}</button>`)}
    </div>
    ${fieldErr('kind')}
    <div class="grid2">
      <div class="field wide"><label for="f-activity-subject">${t('activities.subject')} *</label>
        <input id="f-activity-subject" type="text" value=${f.subject} maxlength="300" data-testid="input-activity-subject"
          placeholder=${t('activities.subject_ph.' + f.kind)} aria-invalid=${fe.subject ? 'true' : undefined} onInput=${set('subject')} />${fieldErr('subject')}</div>
      <div class="field"><label for="f-activity-due">${t('activities.due')} *</label>
        <input id="f-activity-due" type="datetime-local" value=${f.due} data-testid="input-activity-due" aria-invalid=${fe.due_at ? 'true' : undefined} onInput=${set('due')} />${fieldErr('due_at')}</div>
      <div class="field"><label for="f-activity-duration">${t('activities.duration')}</label>
        <select id="f-activity-duration" data-testid="input-activity-duration" onChange=${set('duration')}>
          ${['15', '30', '60', '90', '120', '240'].map((m) => html`<option value=${m} selected=${f.duration === m}>${t('activities.minutes', { n: m })}</option>`)}
        </select>${fieldErr('duration_min')}</div>
      <div class="field"><label for="f-activity-resp">${t('f.responsible')}</label>
        <select id="f-activity-resp" data-testid="input-activity-responsible" onChange=${set('responsible_id')}>
          ${activeUsers(f.responsible_id).map((u) => html`<option value=${u.id} selected=${String(u.id) === String(f.responsible_id)}>${u.name}</option>`)}
        </select>${fieldErr('responsible_id')}</div>
      <div class="field wide"><label for="f-activity-desc">${t('f.description')}</label>
        <textarea id="f-activity-desc" rows="2" value=${f.description} data-testid="input-activity-description" onInput=${set('description')}></textarea>${fieldErr('description')}</div>
    </div>
    ${err && !Object.keys(fe).length ? html`<${ErrorBox} error=${err} />` : null}
    ${fe.link ? html`<div class="field-error">${fe.link}</div>` : null}
    <div class="form-actions"><button class="btn btn-primary" type="submit" disabled=${busy} data-testid="activity-save">${t('activities.plan')}</button>
      ${onCancel ? html`<button class="btn" type="button" onClick=${onCancel}>${t('common.cancel')}</button>` : null}</div>
  </form>`;
}

// "Complete" with a result note, inline.
export function CompleteActivity({ activity, onDone }) {
  const [open, setOpen] = useState(false);
  const [result, setResult] = useState('');
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState(null);
  const done = async (e) => {
    e.preventDefault();
    setBusy(true);
    try {
      await api.post(`/activities/${activity.id}/complete`, { result: result.trim() });
      toast(t('activities.completed'));
      setOpen(false);
      workChanged();
      onDone && onDone();
    } catch (x) { setErr(x); }
    setBusy(false);
  };
  if (!open) {
    return html`<button class="btn btn-small btn-ok" data-testid=${'activity-complete-' + activity.id} onClick=${() => setOpen(true)}>✓ ${t('activities.complete')}</button>`;
  }
  return html`<form class="complete-form" onSubmit=${done} data-testid=${'activity-complete-form-' + activity.id}>
    <input type="text" value=${result} maxlength="2000" placeholder=${t('activities.result_ph')} aria-label=${t('activities.result')}
      data-testid="input-activity-result" ref=${(el) => el && !el.dataset.f && (el.dataset.f = '1', el.focus())}
      onInput=${(e) => setResult(e.currentTarget.value)} onKeyDown=${(e) => { if (e.key === 'Escape') { e.stopPropagation(); setOpen(false); } }} />
    <button class="btn btn-primary btn-small" type="submit" disabled=${busy} data-testid="activity-complete-save">${t('activities.done')}</button>
    <button class="btn btn-small" type="button" onClick=${() => setOpen(false)}>${t('common.cancel')}</button>
    ${err ? html`<div class="field-error">${fieldErrors(err).result || errorText(err)}</div>` : null}
  </form>`;
}

function ActivityCard({ a, onChanged }) {
  const [ask, dialog] = useConfirm();
  const reopen = async () => {
    try { await api.post(`/activities/${a.id}/reopen`); workChanged(); onChanged(); } catch (e) { toast(errorText(e), 'error'); }
  };
  const del = async () => {
    if (!(await ask(t('activities.delete_q', { subject: a.subject })))) return;
    try { await api.del('/activities/' + a.id); workChanged(); onChanged(); } catch (e) { toast(errorText(e), 'error'); }
  };
  return html`<div class=${'activity' + (a.done ? ' done' : '') + (a.overdue ? ' is-overdue' : '')} data-testid=${'activity-' + a.id}>
    <div class="activity-head">
      <span class="tl-kind">${t('activities.kind.' + a.kind)}</span>
      <strong class=${a.done ? 'strike' : ''}>${a.subject}</strong>
    </div>
    <div class="activity-meta small">
      <${Due} at=${a.due_at} overdue=${a.overdue} done=${a.done} />
      <span class="muted">· ${t('activities.minutes', { n: a.duration_min })} · ${userName(a.responsible_id)}</span>
    </div>
    ${a.description ? html`<div class="pre small">${a.description}</div>` : null}
    ${a.done ? html`<div class="activity-result small"><span class="muted">${t('activities.result')}:</span> ${a.result || t('common.none')}
      ${a.done_at ? html` <span class="muted">· ${fmtDateTime(a.done_at)}</span>` : null}</div>` : null}
    <div class="activity-actions">
      ${a.done ? html`<button class="btn btn-link btn-small" data-testid=${'activity-reopen-' + a.id} onClick=${reopen}>${t('activities.reopen')}</button>`
        : html`<${CompleteActivity} activity=${a} onDone=${onChanged} />`}
      <button class="btn btn-link btn-small danger-link" onClick=${del}>${t('common.delete')}</button>
    </div>
    ${dialog}
  </div>`;
}

// ---------- timeline ----------

const TABS = [['comment', '❝'], ['activity', '☎'], ['task', '✓'], ['reminder', '◷']];

export function Timeline({ kind, id, renderHistory, version }) {
  useStore();
  const [items, setItems] = useState(null);
  const [err, setErr] = useState(null);
  const [tab, setTab] = useState('comment');
  const [reminders, setReminders] = useState([]);
  const [filter, setFilter] = useState('all');
  const [taskKey, setTaskKey] = useState(0);
  const target = { kind, id: Number(id) };
  const load = () => {
    api.get(`/timeline/${kind}/${id}`).then((r) => { setItems(r.items || []); setErr(null); }).catch(setErr);
    api.get('/reminders' + qs({ target_kind: kind, target_id: id })).then((r) => setReminders((r.items || []).filter((x) => !x.fired_at))).catch(() => {});
  };
  useEffect(() => { load(); }, [kind, id, version]);
  // Someone else commented, planned or completed something: the feed or the counters moved.
  // Reload this record's stream (debounced; one GET) so the page never needs a manual reload.
  useEffect(() => {
    let timer = null;
    const unsub = subscribe((m) => {
      const w = m.event === 'work' && m.data && (m.data.what === 'feed' || m.data.what === 'counters');
      if (w || m.event === 'reconnected') { clearTimeout(timer); timer = setTimeout(load, 300); }
    });
    return () => { clearTimeout(timer); unsub(); };
  }, [kind, id]);
  const all = items || [];
  const planned = all.filter((x) => x.type === 'activity' && x.activity && !x.activity.done)
    .sort((a, b) => String(a.activity.due_at).localeCompare(String(b.activity.due_at)));
  const rest = all.filter((x) => !(x.type === 'activity' && x.activity && !x.activity.done))
    .filter((x) => filter === 'all' || x.type === filter);
  return html`<div class="timeline" data-testid="timeline">
    <div class="composer">
      <div class="tabs composer-tabs" role="tablist">
        ${TABS.map(([k, icon]) => html`<button role="tab" aria-selected=${tab === k} class=${'tab' + (tab === k ? ' active' : '')}
          data-testid=${'composer-' + k} onClick=${() => setTab(k)}><span aria-hidden="true">${icon}</span> ${t('timeline.tab.' + k)}</button>`)}
      </div>
      <div class="composer-body">
        ${tab === 'comment' ? html`<${CommentComposer} target=${target} onDone=${load} />` : null}
        ${tab === 'activity' ? html`<${ActivityForm} link=${target} onDone=${load} />` : null}
        ${tab === 'task' ? html`<${TaskEditor} key=${taskKey} compact initial=${{ link: target }}
          onSaved=${(task) => { toast(t('tasks.created_link', { title: task.title })); setTaskKey(taskKey + 1); load(); }} />` : null}
        ${tab === 'reminder' ? html`<${ReminderForm} target=${target} onDone=${load} />` : null}
      </div>
      ${reminders.length ? html`<div class="tl-reminders"><div class="muted small">${t('reminders.pending')}</div>
        <${ReminderList} items=${reminders} onChanged=${load} /></div>` : null}
    </div>
    <${ErrorBox} error=${err} />
    ${items === null ? (err ? null : html`<${Spinner} />`) : html`
      ${planned.length ? html`<section class="tl-planned" data-testid="timeline-planned">
        <h3>${t('timeline.planned')} <span class="count">${planned.length}</span></h3>
        ${planned.map((x) => html`<div class="tl-item tl-activity" key=${'a' + x.activity.id}>
          <span class="tl-icon" aria-hidden="true">${ACT_ICON[x.activity.kind] || '•'}</span>
          <div class="tl-main"><${ActivityCard} a=${x.activity} onChanged=${load} /></div></div>`)}
      </section>` : null}
      <div class="tl-filter" role="group" aria-label=${t('common.filters')}>
        ${['all', 'comment', 'activity', 'task', 'history'].map((k) => html`<button class=${'btn btn-small' + (filter === k ? ' btn-primary' : '')}
          aria-pressed=${filter === k} data-testid=${'tl-filter-' + k} onClick=${() => setFilter(k)}>${t('timeline.filter.' + k)}</button>`)}
      </div>
      ${rest.length === 0 ? html`<p class="muted">${t('timeline.empty')}</p>` : html`<ol class="tl-stream" data-testid="timeline-stream">
        ${rest.map((x, i) => html`<li key=${x.type + i + x.at} class=${'tl-item tl-' + x.type}>${renderItem(x, load, renderHistory)}</li>`)}
      </ol>`}`}
  </div>`;
}

function renderItem(x, load, renderHistory) {
  const who = x.user_name || (x.user_id != null ? userName(x.user_id) : t('common.system'));
  if (x.type === 'comment' && x.comment) {
    return html`<span class="tl-icon" aria-hidden="true">❝</span><div class="tl-main"><${CommentItem} c=${x.comment} onChanged=${load} /></div>`;
  }
  if (x.type === 'activity' && x.activity) {
    return html`<span class="tl-icon" aria-hidden="true">${ACT_ICON[x.activity.kind] || '•'}</span><div class="tl-main"><${ActivityCard} a=${x.activity} onChanged=${load} /></div>`;
  }
  if (x.type === 'task' && x.task) {
    const tk = x.task;
    return html`<span class="tl-icon" aria-hidden="true">✓</span><div class="tl-main" data-testid=${'tl-task-' + tk.id}>
      <div class="activity-head"><span class="tl-kind">${t('tasks.task')}</span>
        <${Link} class=${'strong' + (tk.status === 'completed' ? ' strike' : '')} href=${'/tasks/' + tk.id}>${tk.title}<//>
        <${StatusTag} status=${tk.status} /> ${tk.priority === 'high' ? html`<${PriorityTag} p="high" />` : null}</div>
      <div class="activity-meta small"><${Due} at=${tk.deadline} overdue=${tk.overdue} done=${tk.status === 'completed'} />
        <span class="muted">· ${userName(tk.responsible_id)}</span>
        ${tk.checklist && tk.checklist.length ? html`<span class="muted"> · ☑ ${tk.checklist.filter((c) => c.done).length}/${tk.checklist.length}</span>` : null}</div>
    </div>`;
  }
  if (x.type === 'history' && x.history) {
    const e = { at: x.at, user_id: x.user_id, user_name: x.user_name, action: x.history.action, changes: x.history.changes || [] };
    return html`<span class="tl-icon" aria-hidden="true">✎</span><div class="tl-main tl-history">
      ${renderHistory ? renderHistory(e) : html`<div><strong>${who}</strong> ${t('history.' + (e.action || 'updated'))} <time class="muted">${fmtDateTime(e.at)}</time></div>`}
    </div>`;
  }
  return html`<span class="tl-icon" aria-hidden="true">•</span><div class="tl-main muted">${who} · ${fmtDateTime(x.at)}</div>`;
}
