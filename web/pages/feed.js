// Feed (/feed): a composer for posts (to everyone or one department), the stream of what happened in the office
// (records created, stages moved, deals won/lost, leads converted, tasks, comments, posts) with filters, "load more"
// and live updates, and the fc-comment threads under posts. Also the small shared pieces the calendar uses:
// time in the user's zone, relative times, mention-aware text areas and fc-comment threads.
import { html, useState, useEffect, useRef, useLayoutEffect, useCallback } from '../lib.js';
import { api, qs, loadUsers, loadDepartments } from '../api.js';
import { t, fmtDateTime } from '../i18n.js';
import { useStore, getState, toast } from '../store.js';
import { Link, navigate } from '../router.js';
import { ErrorBox, Spinner, PageHead, errorText, fieldErrors, useConfirm, userName } from '../components.js';
import { subscribe } from '../live.js';

// ---------- time in the user's zone ----------

export const LOCALES = { en: 'en-GB', uk: 'uk-UA', ru: 'ru-RU' };
export const locale = () => LOCALES[getState().lang] || 'en-GB';
export function userZone() {
  const s = getState().session;
  return (s && s.user && s.user.time_zone) || Intl.DateTimeFormat().resolvedOptions().timeZone;
}
const partsFmt = {};
// Wall-clock parts of an instant in the user's zone: {y, m, d, h, mi} (numbers).
export function zoneParts(ms) {
  const tz = userZone();
  let f = partsFmt[tz];
  if (!f) {
    try { f = new Intl.DateTimeFormat('en-GB', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }); }
    catch { f = new Intl.DateTimeFormat('en-GB', { hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }); }
    partsFmt[tz] = f;
  }
  const p = {};
  for (const x of f.formatToParts(new Date(ms))) p[x.type] = x.value;
  return { y: +p.year, m: +p.month, d: +p.day, h: +p.hour % 24, mi: +p.minute };
}
const pad = (n) => String(n).padStart(2, '0');
// "YYYY-MM-DD" of an instant in the user's zone.
export function ymdOf(msOrIso) {
  const ms = typeof msOrIso === 'number' ? msOrIso : new Date(msOrIso).getTime();
  const p = zoneParts(ms);
  return `${p.y}-${pad(p.m)}-${pad(p.d)}`;
}
function zoneFmt(opts) {
  try { return new Intl.DateTimeFormat(locale(), { ...opts, timeZone: userZone() }); }
  catch { return new Intl.DateTimeFormat(locale(), opts); }
}
export function fmtTime(iso) {
  const d = new Date(iso);
  return isNaN(d) ? '' : zoneFmt({ hour: '2-digit', minute: '2-digit' }).format(d);
}
// "just now", "5 minutes ago", "3 hours ago" today; "yesterday, 14:05"; otherwise the date and time.
export function fmtWhen(iso) {
  const d = new Date(iso);
  if (isNaN(d)) return String(iso || '');
  const now = Date.now();
  const today = ymdOf(now);
  const day = ymdOf(d.getTime());
  const diff = Math.round((now - d.getTime()) / 1000);
  if (day === today && diff >= -60) {
    if (diff < 60) return t('rel.just_now');
    const rtf = new Intl.RelativeTimeFormat(locale(), { numeric: 'auto' });
    if (diff < 3600) return rtf.format(-Math.floor(diff / 60), 'minute');
    return rtf.format(-Math.floor(diff / 3600), 'hour');
  }
  if (day === ymdOf(now - 86400000) && d.getTime() < now) return t('rel.yesterday', { time: fmtTime(iso) });
  return fmtDateTime(iso);
}
export function When({ at }) {
  return html`<time datetime=${at} title=${fmtDateTime(at)} class="muted nowrap">${fmtWhen(at)}</time>`;
}
// Re-render every minute so relative times stay true.
export function useMinuteTick() {
  const [, set] = useState(0);
  useEffect(() => { const id = setInterval(() => set((n) => n + 1), 60000); return () => clearInterval(id); }, []);
}

// ---------- people, records, text ----------

export function initials(name) {
  return String(name || '?').split(/\s+/).filter(Boolean).map((w) => w[0]).slice(0, 2).join('').toUpperCase() || '?';
}
export function Avatar({ name, system }) {
  return html`<span class=${'avatar feed-avatar' + (system ? ' feed-avatar-sys' : '')} aria-hidden="true">${system ? '⚠' : initials(name)}</span>`;
}
const KIND_PATH = { company: 'companies', contact: 'contacts', lead: 'leads', deal: 'deals', task: 'tasks' };
export function targetHref(target) {
  if (!target || target.id == null) return null;
  if (KIND_PATH[target.kind]) return `/${KIND_PATH[target.kind]}/${target.id}`;
  if (target.kind === 'event') return '/calendar?event=' + target.id;
  return null;
}
export function TargetLink({ target }) {
  if (!target) return null;
  if (target.title === '' && target.kind !== 'post') return html`<span class="muted">${t('feed.deleted_record')}</span>`;
  const href = targetHref(target);
  const label = target.title || '#' + target.id;
  return href ? html`<${Link} class="strong" href=${href}>${label}<//>` : html`<span class="strong">${label}</span>`;
}

// Body text: line breaks kept, @login mentions of known users highlighted, web links clickable.
export function BodyText({ text }) {
  const users = getState().users || [];
  const logins = new Map(users.map((u) => [u.login.toLowerCase(), u]));
  const out = [];
  const re = /(@[\p{L}\p{N}._-]+)|(https?:\/\/[^\s<>"]+)/gu;
  let last = 0; let m;
  const s = String(text || '');
  while ((m = re.exec(s))) {
    if (m.index > last) out.push(s.slice(last, m.index));
    if (m[1]) {
      const login = m[1].slice(1).replace(/[._-]+$/, '');
      const u = logins.get(login.toLowerCase());
      if (u) {
        out.push(html`<span class="fc-mention" title=${u.name}>@${login}</span>`);
        out.push(m[1].slice(1 + login.length));
      } else out.push(m[1]);
    } else {
      const url = m[2].replace(/[.,;:!?)]+$/, '');
      out.push(html`<a href=${url} target="_blank" rel="noopener noreferrer">${url}</a>`);
      out.push(m[2].slice(url.length));
    }
    last = m.index + m[0].length;
  }
  if (last < s.length) out.push(s.slice(last));
  return html`<div class="body-text">${out}</div>`;
}

// A textarea that offers colleagues after "@" and inserts "@login ". Ctrl/⌘+Enter calls onSubmit.
export function MentionArea({ name, value, onInput, onSubmit, placeholder, rows = 2, autofocus, error, label }) {
  const st = useStore();
  const ref = useRef();
  const [q, setQ] = useState(null); // {start, text}
  const [active, setActive] = useState(0);
  useEffect(() => { if (autofocus && ref.current) ref.current.focus(); }, []);
  const users = (st.users || []).filter((u) => u.active);
  const found = q ? users.filter((u) => {
    const s = q.text.toLowerCase();
    return !s || u.login.toLowerCase().startsWith(s) || u.name.toLowerCase().split(/\s+/).some((w) => w.startsWith(s));
  }).slice(0, 8) : [];
  const detect = (el) => {
    const upto = el.value.slice(0, el.selectionStart);
    const m = /(^|\s)@([\p{L}\p{N}._-]*)$/u.exec(upto);
    if (m) { setQ({ start: upto.length - m[2].length - 1, text: m[2] }); setActive(0); } else setQ(null);
  };
  const choose = (u) => {
    const el = ref.current;
    const before = value.slice(0, q.start);
    const after = value.slice(el.selectionStart);
    const ins = '@' + u.login + ' ';
    // put the text and the caret in place now, so keys typed right after land after the mention
    el.value = before + ins + after;
    const p = before.length + ins.length;
    el.focus(); el.setSelectionRange(p, p);
    onInput(el.value);
    setQ(null);
  };
  const onKeyDown = (e) => {
    if (q && found.length) {
      if (e.key === 'ArrowDown') { e.preventDefault(); setActive((active + 1) % found.length); return; }
      if (e.key === 'ArrowUp') { e.preventDefault(); setActive((active - 1 + found.length) % found.length); return; }
      if (e.key === 'Enter' || e.key === 'Tab') { e.preventDefault(); choose(found[active]); return; }
      if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); setQ(null); return; }
    }
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); onSubmit && onSubmit(); }
  };
  return html`<div class="picker fc-mention-area">
    <textarea ref=${ref} id=${'f-' + name} name=${name} rows=${rows} value=${value} placeholder=${placeholder}
      aria-label=${label || placeholder} data-testid=${'input-' + name} aria-invalid=${error ? 'true' : undefined}
      onInput=${(e) => { onInput(e.currentTarget.value); detect(e.currentTarget); }}
      onClick=${(e) => detect(e.currentTarget)} onKeyDown=${onKeyDown} onBlur=${() => setTimeout(() => setQ(null), 150)}></textarea>
    ${q && found.length ? html`<ul class="picker-drop" role="listbox" aria-label=${t('feed.c.mention_hint')}>
      ${found.map((u, i) => html`<li role="option" aria-selected=${i === active} class=${'search-item' + (i === active ? ' active' : '')}
        data-testid="mention-option" onMouseDown=${(e) => { e.preventDefault(); choose(u); }}>
        <${Avatar} name=${u.name} /><span class="search-text"><span class="search-title">${u.name}</span><span class="search-sub">@${u.login}</span></span></li>`)}
    </ul>` : null}
  </div>`;
}

// ---------- fc-comment thread (posts, events) ----------

export function CommentThread({ kind, id, count = null, onCount, compact }) {
  const st = useStore();
  const me = st.session.user;
  const [items, setItems] = useState(count === 0 ? [] : null);
  const [err, setErr] = useState(null);
  const [body, setBody] = useState('');
  const [writing, setWriting] = useState(!compact);
  const [busy, setBusy] = useState(false);
  const [postErr, setPostErr] = useState(null);
  const [edit, setEdit] = useState(null); // {id, body}
  const [ask, dialog] = useConfirm();
  const reload = useCallback(() => api.get('/comments' + qs({ target_kind: kind, target_id: id }))
    .then((r) => { setItems(r.items || []); setErr(null); }).catch(setErr), [kind, id]);
  useEffect(() => { if (count !== 0) reload(); }, [kind, id]);
  useEffect(() => { if (items && onCount) onCount(items.filter((c) => !c.deleted).length); }, [items]);
  const send = async () => {
    const text = body.trim();
    if (!text || busy) return;
    setBusy(true); setPostErr(null);
    try {
      const c = await api.post('/comments', { target: { kind, id }, body: text });
      setItems([...(items || []), c]); setBody('');
    } catch (e) { setPostErr(e); }
    setBusy(false);
  };
  const saveEdit = async () => {
    const text = edit.body.trim();
    if (!text) return;
    try {
      const c = await api.put('/comments/' + edit.id, { body: text });
      setItems(items.map((x) => (x.id === c.id ? c : x))); setEdit(null);
    } catch (e) { toast(errorText(e), 'error'); }
  };
  const del = async (c) => {
    if (!(await ask(t('feed.c.delete_q')))) return;
    try {
      const r = await api.del('/comments/' + c.id);
      setItems(items.map((x) => (x.id === c.id ? (r || { ...x, deleted: true, body: '', deleted_by: me.id, deleted_at: new Date().toISOString() }) : x)));
    } catch (e) { toast(errorText(e), 'error'); }
  };
  return html`<div class="thread" data-testid=${'thread-' + kind + '-' + id}>
    <${ErrorBox} error=${err} />
    ${items === null && !err ? html`<div class="muted small">${t('app.loading')}</div>` : null}
    ${items && items.length ? html`<ol class="thread-list">
      ${items.map((c) => c.deleted ? html`<li key=${c.id} class="fc-comment fc-comment-deleted" data-testid="comment-deleted">
          <span class="muted small">${t('feed.c.deleted', { who: c.deleted_by != null ? userName(c.deleted_by) : t('common.system'), at: fmtDateTime(c.deleted_at) })}</span>
        </li>` : html`<li key=${c.id} class="fc-comment" data-testid="comment">
          <${Avatar} name=${c.author_name || userName(c.author_id)} />
          <div class="fc-comment-main">
            <div class="fc-comment-head"><strong>${c.author_name || userName(c.author_id)}</strong>
              <${When} at=${c.created_at} />
              ${c.edited_at ? html`<span class="muted small" title=${fmtDateTime(c.edited_at)}>· ${t('feed.c.edited')}</span>` : null}
              ${edit && edit.id === c.id ? null : html`<span class="fc-comment-actions">
                ${c.author_id === me.id ? html`<button type="button" class="btn-link small" data-testid="comment-edit" onClick=${() => setEdit({ id: c.id, body: c.body })}>${t('common.edit')}</button>` : null}
                ${c.author_id === me.id || me.role === 'admin' ? html`<button type="button" class="btn-link small fc-danger" data-testid="comment-delete" onClick=${() => del(c)}>${t('common.delete')}</button>` : null}
              </span>`}
            </div>
            ${edit && edit.id === c.id ? html`<div class="fc-comment-edit">
              <${MentionArea} name=${'comment-edit-' + c.id} value=${edit.body} onInput=${(v) => setEdit({ ...edit, body: v })} onSubmit=${saveEdit} autofocus label=${t('common.edit')} />
              <div class="form-actions"><button type="button" class="btn btn-small btn-primary" data-testid="comment-save" onClick=${saveEdit}>${t('common.save')}</button>
                <button type="button" class="btn btn-small" onClick=${() => setEdit(null)}>${t('common.cancel')}</button></div>
            </div>` : html`<${BodyText} text=${c.body} />`}
          </div>
        </li>`)}
    </ol>` : null}
    ${writing ? html`<div class="fc-comment-new">
      <${MentionArea} name=${'comment-' + kind + '-' + id} value=${body} onInput=${setBody} onSubmit=${send}
        placeholder=${t('feed.c.placeholder')} autofocus=${compact} error=${fieldErrors(postErr).body} />
      ${postErr ? html`<div class="field-error">${fieldErrors(postErr).body || errorText(postErr)}</div>` : null}
      <div class="form-actions"><button type="button" class="btn btn-small btn-primary" disabled=${!body.trim() || busy} data-testid="comment-send" onClick=${send}>${t('feed.c.send')}</button></div>
    </div>` : html`<button type="button" class="btn-link small" data-testid="comment-open" onClick=${() => setWriting(true)}>${t('feed.c.add')}</button>`}
    ${dialog}
  </div>`;
}

// ---------- live `work` events ----------

// Calls fn(data) for each SSE `work` event ({what, user_ids}) and fn('reconnected') after a lost stream came back
// (events may have been missed). Returns the unsubscribe function.
export function subscribeWork(fn) {
  return subscribe((m) => {
    if (m.event === 'work' && m.data) fn(m.data);
    else if (m.event === 'reconnected') fn('reconnected');
  });
}

// ---------- the feed page ----------

export const FEED_TYPES = ['post', 'comment', 'created', 'stage_moved', 'won', 'lost', 'lead_converted', 'task_created', 'task_completed', 'task_overdue'];
const LS_FILTERS = 'korobka.feed.filters';
const PAGE = 30;

function loadFilters() {
  try { return { types: [], actor: '', project: '', ...JSON.parse(sessionStorage.getItem(LS_FILTERS) || '{}') }; }
  catch { return { types: [], actor: '', project: '' }; }
}
function feedParams(f) {
  return { type: f.types.join(','), actor_id: f.actor, project: f.project, limit: PAGE };
}

export function FeedPage() {
  const st = useStore();
  useMinuteTick();
  const [filters, setFilters] = useState(loadFilters);
  const [items, setItems] = useState(null);
  const [next, setNext] = useState(null);
  const [err, setErr] = useState(null);
  const [more, setMore] = useState(false);
  const [fresh, setFresh] = useState(() => new Set());
  const [projects, setProjects] = useState([]);
  const itemsRef = useRef(null); itemsRef.current = items;
  const listRef = useRef();
  const anchor = useRef(null); // {id, top} of the first item on screen before new items were put on top
  const seq = useRef(0);
  const key = JSON.stringify(feedParams(filters));

  useEffect(() => { loadUsers().catch(() => {}); loadDepartments().catch(() => {}); }, []);
  useEffect(() => { api.get('/tasks/projects').then((r) => setProjects(r.items || [])).catch(() => {}); }, []);
  useEffect(() => { sessionStorage.setItem(LS_FILTERS, JSON.stringify(filters)); }, [filters]);

  const load = useCallback(async () => {
    const my = ++seq.current;
    setErr(null);
    try {
      const r = await api.get('/feed' + qs(feedParams(filters)));
      if (my !== seq.current) return;
      setItems(r.items || []); setNext(r.next_cursor ?? null); setFresh(new Set());
    } catch (e) { if (my === seq.current) setErr(e); }
  }, [key]);
  useEffect(() => { setItems(null); load(); }, [load]);

  const loadMore = async () => {
    if (next == null || more) return;
    setMore(true);
    const my = seq.current;
    try {
      const r = await api.get('/feed' + qs({ ...feedParams(filters), cursor: next }));
      if (my !== seq.current) return;
      const have = new Set((itemsRef.current || []).map((x) => x.id));
      setItems([...(itemsRef.current || []), ...(r.items || []).filter((x) => !have.has(x.id))]);
      setNext(r.next_cursor ?? null);
    } catch (e) { toast(errorText(e), 'error'); }
    setMore(false);
  };

  // New items on top, keeping what the reader looks at in place.
  const refreshTop = useCallback(async () => {
    const cur = itemsRef.current;
    if (!cur) return;
    const my = seq.current;
    try {
      const r = await api.get('/feed' + qs(feedParams(filters)));
      if (my !== seq.current || itemsRef.current !== cur) return;
      const got = r.items || [];
      const have = new Set(cur.map((x) => x.id));
      const top = cur.length ? Math.max(...cur.map((x) => x.id)) : 0;
      const added = got.filter((x) => !have.has(x.id) && x.id > top);
      // Items still on the first page get their fresh fc-comment counts.
      const byId = new Map(got.map((x) => [x.id, x]));
      const merged = cur.map((x) => (byId.has(x.id) ? { ...x, comment_count: byId.get(x.id).comment_count } : x));
      if (!added.length && merged.every((x, i) => x.comment_count === cur[i].comment_count)) return;
      if (added.length && added.length >= got.length && got.length >= PAGE) {
        // more than a page is new: there is a gap; start over from the top
        setItems(got); setNext(r.next_cursor ?? null); setFresh(new Set(got.map((x) => x.id)));
        return;
      }
      if (added.length && window.scrollY > 0 && listRef.current) {
        const first = [...listRef.current.children].find((el) => el.getBoundingClientRect().bottom > 60);
        if (first) anchor.current = { id: first.dataset.id, top: first.getBoundingClientRect().top };
      }
      setItems([...added, ...merged]);
      if (added.length) setFresh(new Set(added.map((x) => x.id)));
    } catch { /* live refresh is best effort */ }
  }, [key]);
  useLayoutEffect(() => {
    const a = anchor.current;
    if (!a || !listRef.current) return;
    anchor.current = null;
    const el = listRef.current.querySelector(`[data-id="${a.id}"]`);
    if (el) window.scrollBy(0, el.getBoundingClientRect().top - a.top);
  }, [items]);

  const refreshRef = useRef(refreshTop); refreshRef.current = refreshTop;
  useEffect(() => {
    let timer = null;
    const unsub = subscribeWork((d) => {
      if (d !== 'reconnected' && d.what !== 'feed') return;
      clearTimeout(timer);
      timer = setTimeout(() => refreshRef.current(), 250);
    });
    return () => { clearTimeout(timer); unsub(); };
  }, []);

  const onPosted = (item) => {
    const cur = itemsRef.current || [];
    const fits = (!filters.types.length || filters.types.includes('post')) && (!filters.actor || String(filters.actor) === String(item.actor_id)) && !filters.project;
    if (fits && !cur.some((x) => x.id === item.id)) { setItems([item, ...cur]); setFresh(new Set([item.id])); }
  };
  const onDeleted = (id) => setItems((itemsRef.current || []).filter((x) => x.id !== id));
  const filtered = filters.types.length || filters.actor || filters.project;

  return html`<div class="page feed-page" data-testid="feed-page">
    <${PageHead} title=${t('feed.title')} />
    <div class="feed-layout">
      <div class="feed-main">
        <${Composer} onPosted=${onPosted} />
        <${FeedFilters} filters=${filters} setFilters=${setFilters} users=${st.users || []} projects=${projects} />
        <${ErrorBox} error=${err} />
        ${items === null ? (err ? null : html`<${Spinner} />`)
          : items.length === 0 ? html`<div class="panel muted feed-empty" data-testid="feed-empty">${filtered ? t('feed.empty_filtered') : t('feed.empty')}</div>`
          : html`<ol class="feed-list" ref=${listRef} data-testid="feed-list">
              ${items.map((it) => html`<${FeedItem} key=${it.id} item=${it} fresh=${fresh.has(it.id)} onDeleted=${onDeleted} />`)}
            </ol>
            <div class="list-footer feed-footer">
              ${next != null ? html`<button class="btn" disabled=${more} data-testid="feed-more" onClick=${loadMore}>${more ? t('app.loading') : t('common.load_more')}</button>`
                : html`<span class="muted small">${t('feed.end')}</span>`}
            </div>`}
      </div>
      <${MyWorkCard} c=${st.myCounters} />
    </div>
  </div>`;
}

// What is waiting for me, next to the feed (the same live counters as the navigation).
function MyWorkCard({ c }) {
  if (!c) return null;
  const row = (label, pair, href, name) => html`<${Link} href=${href} class="feed-side-row" data-testid=${'feed-count-' + name}>
    <span>${label}</span>
    <span class="feed-side-nums">
      <span class=${'wbadge wbadge-overdue' + (pair.overdue ? '' : ' zero')} title=${t('feed.side_overdue')}>${pair.overdue}</span>
      <span class=${'wbadge wbadge-today' + (pair.today ? '' : ' zero')} title=${t('feed.side_today')}>${pair.today}</span>
    </span>
  </${Link}>`;
  return html`<aside class="feed-side panel" data-testid="feed-side">
    <h3>${t('nav.my')}</h3>
    ${row(t('nav.tasks'), c.tasks, '/tasks', 'tasks')}
    ${row(t('feed.side_crm'), c.crm, '/my', 'crm')}
    <p class="muted small">${t('feed.side_hint')}</p>
  </aside>`;
}

function deptOptions(deps) {
  const byParent = new Map();
  for (const d of deps) { const p = d.parent_id ?? null; if (!byParent.has(p)) byParent.set(p, []); byParent.get(p).push(d); }
  const out = []; const seen = new Set();
  const walk = (p, depth) => {
    for (const d of (byParent.get(p) || []).sort((a, b) => a.name.localeCompare(b.name))) {
      if (seen.has(d.id)) continue; seen.add(d.id); out.push({ ...d, depth }); walk(d.id, depth + 1);
    }
  };
  walk(null, 0);
  for (const d of deps) if (!seen.has(d.id)) out.push({ ...d, depth: 0 });
  return out;
}

function Composer({ onPosted }) {
  const st = useStore();
  const [body, setBody] = useState('');
  const [dep, setDep] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const errs = fieldErrors(error);
  const submit = async (e) => {
    if (e) e.preventDefault();
    if (!body.trim() || busy) return;
    setBusy(true); setError(null);
    try {
      const item = await api.post('/feed/posts', { body: body.trim(), department_id: dep === '' ? null : Number(dep) });
      setBody(''); toast(t('feed.published')); onPosted(item);
    } catch (er) { setError(er); }
    setBusy(false);
  };
  return html`<form class="panel feed-composer" onSubmit=${submit} data-testid="feed-composer" novalidate>
    <${MentionArea} name="post_body" value=${body} onInput=${setBody} onSubmit=${submit} rows=${3}
      placeholder=${t('feed.compose_placeholder')} label=${t('feed.compose_label')} error=${errs.body} />
    ${errs.body ? html`<div class="field-error" data-testid="error-body">${errs.body}</div>` : null}
    ${error && !error.fields.length ? html`<${ErrorBox} error=${error} />` : null}
    <div class="composer-bar">
      <label class="composer-to"><span class="muted">${t('feed.to')}:</span>
        <select data-testid="input-post_department" value=${dep} aria-invalid=${errs.department_id ? 'true' : undefined} onChange=${(e) => setDep(e.currentTarget.value)}>
          <option value="">${t('feed.to_all')}</option>
          ${deptOptions(st.departments || []).map((d) => html`<option value=${d.id} selected=${String(dep) === String(d.id)}>${'\u00a0\u00a0'.repeat(d.depth) + d.name}</option>`)}
        </select>
      </label>
      ${errs.department_id ? html`<span class="field-error">${errs.department_id}</span>` : null}
      <span class="spacer"></span>
      <button class="btn btn-primary" type="submit" disabled=${!body.trim() || busy} data-testid="post-publish">${t('feed.publish')}</button>
    </div>
  </form>`;
}

function TypeFilter({ value, onChange }) {
  const [open, setOpen] = useState(false);
  const ref = useRef();
  useEffect(() => {
    if (!open) return;
    const onDoc = (e) => { if (ref.current && !ref.current.contains(e.target)) setOpen(false); };
    const onKey = (e) => { if (e.key === 'Escape') setOpen(false); };
    document.addEventListener('mousedown', onDoc); document.addEventListener('keydown', onKey);
    return () => { document.removeEventListener('mousedown', onDoc); document.removeEventListener('keydown', onKey); };
  }, [open]);
  const label = !value.length ? t('feed.all_types') : value.length === 1 ? t('feed.type.' + value[0]) : t('feed.f_types_n', { n: value.length });
  const toggle = (k) => onChange(value.includes(k) ? value.filter((x) => x !== k) : FEED_TYPES.filter((x) => x === k || value.includes(x)));
  return html`<div class="multi-select" ref=${ref}>
    <button type="button" class=${'btn multi-select-btn' + (value.length ? ' is-set' : '')} aria-haspopup="true" aria-expanded=${open}
      aria-describedby="feed-types-label" id="f-feed_types" data-testid="filter-types" onClick=${() => setOpen(!open)}>${label} ▾</button>
    ${open ? html`<div class="multi-select-drop" role="group" aria-label=${t('feed.f_type')}>
      ${FEED_TYPES.map((k) => html`<label class="check"><input type="checkbox" checked=${value.includes(k)} data-testid=${'filter-type-' + k}
        onChange=${() => toggle(k)} /> ${t('feed.type.' + k)}</label>`)}
      ${value.length ? html`<button type="button" class="btn btn-small" onClick=${() => onChange([])}>${t('common.reset')}</button>` : null}
    </div>` : null}
  </div>`;
}

function FeedFilters({ filters, setFilters, users, projects }) {
  const set = (k) => (v) => setFilters({ ...filters, [k]: v });
  const any = filters.types.length || filters.actor || filters.project;
  return html`<div class="filters feed-filters" data-testid="feed-filters">
    <div class="filter-item"><span id="feed-types-label">${t('feed.f_type')}</span><${TypeFilter} value=${filters.types} onChange=${set('types')} /></div>
    <label><span>${t('feed.f_person')}</span>
      <select data-testid="filter-person" onChange=${(e) => set('actor')(e.currentTarget.value)}>
        <option value="" selected=${!filters.actor}>${t('feed.anyone')}</option>
        ${users.filter((u) => u.active || String(u.id) === String(filters.actor)).map((u) => html`<option value=${u.id} selected=${String(filters.actor) === String(u.id)}>${u.name}</option>`)}
      </select></label>
    <label><span>${t('feed.f_project')}</span>
      <select data-testid="filter-project" onChange=${(e) => set('project')(e.currentTarget.value)}>
        <option value="" selected=${!filters.project}>${t('feed.any_project')}</option>
        ${[...new Set([...projects, ...(filters.project ? [filters.project] : [])])].map((p) => html`<option value=${p} selected=${filters.project === p}>${p}</option>`)}
      </select></label>
    ${any ? html`<button type="button" class="btn btn-link" data-testid="filters-reset" onClick=${() => setFilters({ types: [], actor: '', project: '' })}>${t('common.reset')}</button>` : null}
  </div>`;
}

const TYPE_ICON = { post: '✎', comment: '“', created: '+', stage_moved: '→', won: '✓', lost: '✕', lead_converted: '⇄', task_created: '☐', task_completed: '☑', task_overdue: '⚠' };

function FeedItem({ item, fresh, onDeleted }) {
  const st = useStore();
  const me = st.session.user;
  const [count, setCount] = useState(item.comment_count || 0);
  const [open, setOpen] = useState((item.comment_count || 0) > 0);
  const [ask, dialog] = useConfirm();
  useEffect(() => { setCount(item.comment_count || 0); }, [item.comment_count]);
  const actor = item.actor_name || (item.actor_id != null ? userName(item.actor_id) : '');
  const system = item.actor_id == null && !item.actor_name;
  const tg = item.target;
  const kindWord = tg && tg.kind !== 'post' ? t('feed.kind.' + tg.kind) : '';
  const d = item.data || {};
  // The record by its current name; a deleted one by its name at the time (data.title).
  const link = tg && tg.title === '' && tg.kind !== 'post' && d.title
    ? html`<span class="muted">${d.title} ${t('feed.deleted_record')}</span>`
    : html`<${TargetLink} target=${tg} />`;
  const dep = item.department_id != null ? ((st.departments || []).find((x) => x.id === item.department_id) || { name: '#' + item.department_id }).name : null;
  let sentence;
  switch (item.type) {
    case 'post': sentence = html`${t('feed.v.post')}${dep ? html` <span class="tag tag-dep">${t('feed.to_department', { dep })}</span>` : null}`; break;
    case 'comment': sentence = html`${t('feed.v.comment')} ${kindWord} ${link}`; break;
    case 'created': sentence = Number(d.count) > 1 && tg
      // A batch (an import, the demo office) is one item: "added 2000 contacts, the first: X".
      ? html`${t('feed.v.created_many', { n: d.count })} ${t('feed.kinds.' + tg.kind)}, ${t('feed.first')} ${link}`
      : html`${t('feed.v.created')} ${kindWord} ${link}`; break;
    case 'stage_moved': sentence = html`${t('feed.v.stage_moved')} ${kindWord} ${link}`; break;
    case 'won': case 'lost': case 'lead_converted': case 'task_created': case 'task_completed':
      sentence = html`${t('feed.v.' + item.type)} ${link}`; break;
    case 'task_overdue': sentence = html`${t('feed.v.task_overdue')} ${link}`; break;
    default: sentence = html`${item.type} ${link}`;
  }
  const canDelete = item.type === 'post' && (item.actor_id === me.id || me.role === 'admin');
  const del = async () => {
    if (!(await ask(t('feed.delete_post_q')))) return;
    try { await api.del('/feed/posts/' + item.id); toast(t('common.deleted')); onDeleted(item.id); }
    catch (e) { toast(errorText(e), 'error'); }
  };
  const stageChange = item.type === 'stage_moved' || ((item.type === 'won' || item.type === 'lost') && (d.from_stage || d.to_stage));
  return html`<li class=${'feed-item feed-' + item.type + (fresh ? ' fresh' : '')} data-id=${item.id} data-testid="feed-item" data-type=${item.type}>
    <${Avatar} name=${actor} system=${system} />
    <div class="feed-body">
      <div class="feed-head">
        <span class="feed-icon" aria-hidden="true">${TYPE_ICON[item.type] || '•'}</span>
        ${system ? null : html`<strong class="feed-actor">${actor}</strong>`} <span class="feed-sentence">${sentence}</span>
        ${item.type === 'won' ? html` <span class="kind-tag kind-won">${t('feed.won_badge')}</span>` : null}
        ${item.type === 'lost' ? html` <span class="kind-tag kind-lost">${t('feed.lost_badge')}</span>` : null}
      </div>
      ${stageChange && (d.from_stage || d.to_stage) ? html`<div class="feed-stage" data-testid="feed-stage">
        <span class="stage-chip">${d.from_stage || t('common.none')}</span> <span aria-hidden="true">→</span> <span class="stage-chip stage-chip-to">${d.to_stage || t('common.none')}</span>
      </div>` : null}
      ${(item.type === 'post' || item.type === 'comment') && item.text ? html`<div class=${item.type === 'comment' ? 'feed-quote' : 'feed-text'}><${BodyText} text=${item.text} /></div>`
        : item.type === 'lead_converted' && d.deal_id ? html`<div class="muted small">→ <${Link} href=${'/deals/' + d.deal_id}>${t('feed.kind.deal')} #${d.deal_id}<//></div>` : null}
      <div class="feed-meta">
        <${When} at=${item.at} />
        ${item.type === 'post' ? html`<button type="button" class="btn-link small" data-testid="post-comments" aria-expanded=${open} onClick=${() => setOpen(!open)}>
          ${open ? t('feed.c.hide') : count ? t('feed.c.show', { n: count }) : t('feed.c.add')}</button>` : null}
        ${canDelete ? html`<button type="button" class="btn-link small fc-danger" data-testid="post-delete" onClick=${del}>${t('common.delete')}</button>` : null}
      </div>
      ${item.type === 'post' && open ? html`<${CommentThread} kind="post" id=${item.id} count=${item.comment_count || 0} onCount=${setCount} compact=${count > 0} />` : null}
    </div>
    ${dialog}
  </li>`;
}
