// What is waiting for me: the counters of My activities / Tasks / CRM (GET /my/counters), kept fresh over SSE
// (`event: work`), the bell with notifications in the top bar, and the per-record "planned / overdue" column of
// the CRM lists (GET /work/counts).
import { html, useState, useEffect, useRef } from './lib.js';
import { api, qs } from './api.js';
import { t, fmtDateTime, fmtNumber } from './i18n.js';
import { getState, setState, useStore, toast } from './store.js';
import { navigate } from './router.js';
import { errorText } from './components.js';
import { subscribe } from './live.js';

// ---------- counters ----------

let countersSeq = 0;
export async function loadMyCounters() {
  const my = ++countersSeq;
  try {
    const c = await api.get('/my/counters');
    if (my === countersSeq) setState({ myCounters: c });
  } catch { /* counters are decoration */ }
}

// Does a `work` event concern me? (empty user_ids = everyone)
export function workForMe(data) {
  const me = getState().session && getState().session.user.id;
  const ids = (data && data.user_ids) || [];
  return !ids.length || ids.includes(me);
}

// Mounted once by the shell: load the counters and keep them fresh. Bumps `workSeq` in the store on every
// relevant change so pages showing my work (My activities, the bell's list) can reload too.
export function useWorkLive() {
  useEffect(() => {
    loadMyCounters();
    let timer = null;
    const later = () => {
      clearTimeout(timer);
      timer = setTimeout(() => { loadMyCounters(); setState({ workSeq: (getState().workSeq || 0) + 1 }); }, 150);
    };
    const unsub = subscribe((m) => {
      if (m.event === 'reconnected') later();
      else if (m.event === 'work' && m.data && (m.data.what === 'counters' || m.data.what === 'notification') && workForMe(m.data)) later();
    });
    return () => { clearTimeout(timer); unsub(); };
  }, []);
}

// After the user's own change: counters now, pages on the next tick.
export function workChanged() {
  loadMyCounters();
  setState({ workSeq: (getState().workSeq || 0) + 1 });
}

// Red badge with the overdue count, neutral one with today's (each hidden at 0).
export function CountBadges({ c, name }) {
  if (!c) return null;
  return html`<span class="work-badges">
    ${c.overdue > 0 ? html`<span class="wbadge wbadge-overdue" data-testid=${'count-' + name + '-overdue'}
      title=${t('work.count_overdue', { n: c.overdue })}>${fmtNumber(c.overdue)}</span>` : null}
    ${c.today > 0 ? html`<span class="wbadge wbadge-today" data-testid=${'count-' + name + '-today'}
      title=${t('work.count_today', { n: c.today })}>${fmtNumber(c.today)}</span>` : null}
  </span>`;
}

// ---------- per-record counts for the CRM lists ----------

// kind: company | contact | lead | deal; items: the rows shown. Returns id → {planned, overdue}.
export function useWorkCounts(kind, items) {
  const [map, setMap] = useState({});
  const ids = (items || []).map((x) => x.id);
  const key = ids.join(',');
  useEffect(() => {
    if (!key) return;
    let live = true;
    const chunks = [];
    for (let i = 0; i < ids.length; i += 200) chunks.push(ids.slice(i, i + 200));
    Promise.all(chunks.map((c) => api.get('/work/counts' + qs({ kind, ids: c.join(',') }))))
      .then((rs) => {
        if (!live) return;
        const m = {};
        for (const r of rs) for (const x of r.items || []) m[x.id] = x;
        setMap(m);
      })
      .catch(() => {});
    return () => { live = false; };
  }, [kind, key]);
  return map;
}

export function WorkTh() {
  return html`<th class="num col-work" title=${t('work.col_hint')}>${t('work.col')}</th>`;
}
export function WorkCell({ c, id }) {
  const planned = c ? c.planned || 0 : 0;
  const overdue = c ? c.overdue || 0 : 0;
  return html`<td data-label=${t('work.col')} class="num col-work nowrap" data-testid=${'work-count-' + id}
    title=${planned || overdue ? t('work.col_value', { planned, overdue }) : ''}>${planned || overdue ? html`
    ${overdue > 0 ? html`<span class="wbadge wbadge-overdue">${fmtNumber(overdue)}</span>` : null}
    <span class="wbadge wbadge-planned">${fmtNumber(planned)}</span>` : null}</td>`;
}

// ---------- notifications ----------

const KIND_PATH = { company: 'companies', contact: 'contacts', deal: 'deals', lead: 'leads', task: 'tasks' };
export function targetHref(target) {
  if (!target) return null;
  if (target.kind === 'event') return '/calendar?event=' + target.id;
  if (target.kind === 'post') return '/feed';
  const p = KIND_PATH[target.kind];
  return p ? `/${p}/${target.id}` : null;
}
const NOTE_ICON = {
  mention: '@', reminder: '◷', task_assigned: '✓', task_delegated: '⇄', task_overdue: '!', event_invite: '▤', event_response: '▤',
};

export function Bell() {
  const st = useStore();
  const [open, setOpen] = useState(false);
  const [list, setList] = useState(null);
  const [err, setErr] = useState(null);
  const ref = useRef();
  const unread = st.myCounters ? st.myCounters.notifications || 0 : 0;
  const load = () => api.get('/notifications' + qs({ limit: 30 }))
    .then((r) => { setList(r.items || []); setErr(null); }).catch(setErr);
  useEffect(() => { if (open) load(); }, [open, st.workSeq]);
  useEffect(() => {
    if (!open) return;
    const onDoc = (e) => { if (ref.current && !ref.current.contains(e.target)) setOpen(false); };
    const onKey = (e) => { if (e.key === 'Escape') { setOpen(false); const b = ref.current && ref.current.querySelector('button'); b && b.focus(); } };
    document.addEventListener('mousedown', onDoc);
    document.addEventListener('keydown', onKey);
    return () => { document.removeEventListener('mousedown', onDoc); document.removeEventListener('keydown', onKey); };
  }, [open]);
  const markRead = async (n) => {
    if (n.read) return;
    setList((l) => (l || []).map((x) => (x.id === n.id ? { ...x, read: true } : x)));
    try { await api.post(`/notifications/${n.id}/read`); } catch (e) { toast(errorText(e), 'error'); }
    loadMyCounters();
  };
  const readAll = async () => {
    try {
      await api.post('/notifications/read-all');
      setList((l) => (l || []).map((x) => ({ ...x, read: true })));
    } catch (e) { toast(errorText(e), 'error'); }
    loadMyCounters();
  };
  const openItem = (n) => {
    markRead(n);
    const href = targetHref(n.target);
    setOpen(false);
    if (href) navigate(href);
  };
  return html`<div class="bell" ref=${ref}>
    <button class="btn btn-icon bell-btn" aria-haspopup="true" aria-expanded=${open} data-testid="bell"
      aria-label=${unread ? t('bell.label_n', { n: unread }) : t('bell.label')} title=${t('bell.label')} onClick=${() => setOpen(!open)}>
      <svg class="bell-svg" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path fill="currentColor"
        d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2z"/></svg>
      ${unread > 0 ? html`<span class="bell-count" data-testid="bell-count">${unread > 99 ? '99+' : unread}</span>` : null}
    </button>
    ${open ? html`<div class="menu bell-menu" data-testid="bell-menu">
      <div class="bell-head"><strong>${t('bell.title')}</strong>
        ${unread > 0 ? html`<button class="btn btn-link btn-small" data-testid="bell-read-all" onClick=${readAll}>${t('bell.read_all')}</button>` : null}</div>
      ${err ? html`<div class="alert alert-error">${errorText(err)}</div>` : null}
      ${list === null ? html`<div class="loading">${t('app.loading')}</div>`
        : list.length === 0 ? html`<div class="bell-empty muted">${t('bell.empty')}</div>`
        : html`<ul class="bell-list">${list.map((n) => html`<li key=${n.id} class=${'bell-item' + (n.read ? '' : ' unread')} data-testid=${'notification-' + n.id}>
          <button class="bell-open" onClick=${() => openItem(n)}>
            <span class="bell-icon" aria-hidden="true">${NOTE_ICON[n.type] || '•'}</span>
            <span class="bell-text">
              <span class="bell-type">${t('bell.type.' + n.type)}</span>
              <span class="bell-body">${n.text}</span>
              ${n.target && n.target.title ? html`<span class="bell-target muted small">${n.target.title}</span>` : null}
              <time class="muted small" datetime=${n.at}>${fmtDateTime(n.at)}</time>
            </span>
          </button>
          ${n.read ? null : html`<button class="btn btn-icon btn-small bell-mark" title=${t('bell.mark_read')} aria-label=${t('bell.mark_read')}
            data-testid=${'notification-read-' + n.id} onClick=${() => markRead(n)}>✓</button>`}
        </li>`)}</ul>`}
    </div>` : null}
  </div>`;
}
