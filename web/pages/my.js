// My activities: my open tasks and planned activities grouped by when they are due (GET /my/agenda),
// completed right here (a task, or an activity with a result note). Admins can look at a colleague's list.
import { html, useState, useEffect } from '../lib.js';
import { api, qs } from '../api.js';
import { t, fmtDateTime, fmtNumber } from '../i18n.js';
import { useStore, toast } from '../store.js';
import { Link } from '../router.js';
import { ErrorBox, Spinner, PageHead, errorText } from '../components.js';
import { ACT_ICON, LinkChip, CompleteActivity, linkHref, activeUsers } from '../timeline.js';
import { StatusTag, PriorityTag } from './tasks.js';
import { workChanged } from '../bell.js';

const GROUPS = ['overdue', 'today', 'week', 'later', 'no_deadline'];

function timeOnly(iso) {
  const s = fmtDateTime(iso);
  return s;
}

function AgendaRow({ it, group, onChanged }) {
  const [busy, setBusy] = useState(false);
  const isTask = it.type === 'task';
  const completeTask = async () => {
    setBusy(true);
    try { await api.post(`/tasks/${it.id}/status`, { status: 'completed' }); toast(t('tasks.status_set', { s: t('tasks.status.completed') })); workChanged(); onChanged(); }
    catch (e) { toast(errorText(e), 'error'); setBusy(false); }
  };
  const href = isTask ? '/tasks/' + it.id : linkHref(it.link);
  return html`<li class=${'agenda-item' + (group === 'overdue' ? ' is-overdue' : '')} data-testid=${'agenda-' + it.type + '-' + it.id}>
    <span class=${'agenda-icon ' + (isTask ? 'ai-task' : 'ai-' + it.kind)} aria-hidden="true">${isTask ? '✓' : ACT_ICON[it.kind] || '•'}</span>
    <div class="agenda-main">
      <div class="agenda-title">
        <span class="tl-kind">${isTask ? t('tasks.task') : t('activities.kind.' + it.kind)}</span>
        ${href ? html`<${Link} href=${href} class="strong">${it.title}<//>` : html`<strong>${it.title}</strong>`}
        ${isTask && it.status && it.status !== 'new' ? html`<${StatusTag} status=${it.status} />` : null}
        ${it.priority ? html`<${PriorityTag} p=${it.priority} />` : null}
      </div>
      <div class="agenda-meta small">
        ${it.due ? html`<time class=${'due' + (group === 'overdue' ? ' overdue' : '')} datetime=${it.due}>${group === 'overdue' ? '⚠ ' : ''}${timeOnly(it.due)}</time>`
          : html`<span class="muted">${t('work.no_deadline')}</span>`}
        ${it.link ? html`<${LinkChip} link=${it.link} />` : null}
      </div>
    </div>
    <div class="agenda-actions">
      ${isTask ? html`<button class="btn btn-small btn-ok" disabled=${busy} data-testid=${'agenda-complete-task-' + it.id} onClick=${completeTask}>✓ ${t('tasks.action.complete')}</button>`
        : html`<${CompleteActivity} activity=${it} onDone=${onChanged} />`}
    </div>
  </li>`;
}

export function MyPage() {
  const st = useStore();
  const me = st.session.user;
  const [userId, setUserId] = useState('');
  const [data, setData] = useState(null);
  const [err, setErr] = useState(null);
  const load = () => api.get('/my/agenda' + qs({ user_id: userId })).then((r) => { setData(r); setErr(null); }).catch(setErr);
  useEffect(() => { load(); }, [userId, st.workSeq]);
  const total = data ? GROUPS.reduce((n, g) => n + (data[g] || []).length, 0) : 0;
  return html`<div class="page my-page" data-testid="my-page">
    <${PageHead} title=${t('nav.my')}>
      ${me.role === 'admin' ? html`<label class="inline-label">${t('my.whose')}
        <select data-testid="my-user" onChange=${(e) => setUserId(e.currentTarget.value)}>
          <option value="" selected=${userId === ''}>${t('my.mine')}</option>
          ${activeUsers().filter((u) => u.id !== me.id).map((u) => html`<option value=${u.id} selected=${String(u.id) === userId}>${u.name}</option>`)}
        </select></label>` : null}
      <${Link} class="btn btn-primary" href="/tasks/new" data-testid="my-new-task">+ ${t('tasks.new')}<//>
    <//>
    <${ErrorBox} error=${err} />
    ${data === null ? (err ? null : html`<${Spinner} />`) : total === 0 ? html`<div class="empty-state" data-testid="my-empty">
        <h2>${t('my.empty_title')}</h2><p>${t('my.empty')}</p></div>` : html`
      <div class="agenda">
        ${GROUPS.map((g) => {
          const items = data[g] || [];
          if (!items.length) return null;
          return html`<section class=${'panel agenda-group g-' + g} data-testid=${'agenda-' + g}>
            <h2>${t('my.group.' + g)} <span class=${'count' + (g === 'overdue' ? ' count-overdue' : '')}>${fmtNumber(items.length)}</span></h2>
            <ul class="agenda-list">${items.map((it) => html`<${AgendaRow} key=${it.type + it.id} it=${it} group=${g} onChanged=${load} />`)}</ul>
          </section>`;
        })}
      </div>`}
  </div>`;
}
