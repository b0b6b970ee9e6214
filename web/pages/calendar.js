// Calendar (/calendar): day, week and month views of one person's events, task deadlines and activities
// (any colleague's calendar can be opened), the event dialog (view, respond, edit, comments), and the iCal
// subscription link. `/calendar?event=ID` opens that event. Times are shown in the user's zone.
import { html, useState, useEffect, useRef, useCallback } from '../lib.js';
import { api, qs, loadUsers } from '../api.js';
import { t, fmtDateTime } from '../i18n.js';
import { useStore, toast } from '../store.js';
import { Link, navigate, useLocation } from '../router.js';
import {
  Field, TextInput, TextArea, ErrorBox, Spinner, PageHead, Modal,
  fieldErrors, errorText, useConfirm, userName,
} from '../components.js';
import { isoToLocalInput, localInputToIso, MultiUserSelect, rememberName } from '../customfields.js';
import { locale, zoneParts, ymdOf, fmtTime, targetHref, CommentThread, BodyText, subscribeWork } from './feed.js';

const LS_VIEW = 'korobka.cal.view';
const HOUR_PX = 44;
const DAY_MS = 86400000;
const VIEWS = ['day', 'week', 'month'];

// ---------- calendar dates ("YYYY-MM-DD", no zone) ----------

const pad = (n) => String(n).padStart(2, '0');
function ymdToUtc(ymd) { const [y, m, d] = ymd.split('-').map(Number); return Date.UTC(y, m - 1, d); }
function utcToYmd(ms) { const d = new Date(ms); return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`; }
function addDays(ymd, n) { return utcToYmd(ymdToUtc(ymd) + n * DAY_MS); }
function weekday(ymd) { return (new Date(ymdToUtc(ymd)).getUTCDay() + 6) % 7; } // 0 = Monday
function weekStart(ymd) { return addDays(ymd, -weekday(ymd)); }
function monthStart(ymd) { return ymd.slice(0, 8) + '01'; }
function addMonths(ymd, n) {
  const [y, m] = ymd.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 + n, 1));
  return utcToYmd(d.getTime());
}
function daysBetween(a, b) { return Math.round((ymdToUtc(b) - ymdToUtc(a)) / DAY_MS); }
// Local midnight of a day in the user's zone, as an instant.
function dayStartIso(ymd) { return localInputToIso(ymd + 'T00:00'); }
function isoWeek(ymd) {
  const d = new Date(ymdToUtc(ymd));
  const day = (d.getUTCDay() + 6) % 7;
  d.setUTCDate(d.getUTCDate() - day + 3);
  const first = new Date(Date.UTC(d.getUTCFullYear(), 0, 4));
  return 1 + Math.round(((d - first) / DAY_MS - 3 + ((first.getUTCDay() + 6) % 7)) / 7);
}
const dfmt = (opts) => new Intl.DateTimeFormat(locale(), { ...opts, timeZone: 'UTC' });
const fmtYmd = (ymd, opts) => dfmt(opts).format(new Date(ymdToUtc(ymd)));

function rangeOf(view, anchor) {
  if (view === 'day') return [anchor, addDays(anchor, 1)];
  if (view === 'week') { const s = weekStart(anchor); return [s, addDays(s, 7)]; }
  const first = monthStart(anchor);
  const s = weekStart(first);
  const last = addDays(addMonths(first, 1), -1);
  return [s, addDays(weekStart(last), 7)];
}
function periodTitle(view, anchor) {
  if (view === 'day') return fmtYmd(anchor, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
  if (view === 'month') {
    const s = fmtYmd(monthStart(anchor), { month: 'long', year: 'numeric' });
    return s.charAt(0).toUpperCase() + s.slice(1);
  }
  const s = weekStart(anchor); const e = addDays(s, 6);
  const sameMonth = s.slice(0, 7) === e.slice(0, 7);
  const a = fmtYmd(s, sameMonth ? { day: 'numeric' } : { day: 'numeric', month: 'short' });
  return `${a} – ${fmtYmd(e, { day: 'numeric', month: 'short', year: 'numeric' })}`;
}

// ---------- items ----------

// An all-day item's days: stored as midnights (of the user's zone, or of UTC); its end is exclusive.
function allDaySpan(it) {
  const s = new Date(it.start).getTime();
  let e = it.end ? new Date(it.end).getTime() : s;
  const utcMidnights = s % DAY_MS === 0 && (!it.end || e % DAY_MS === 0);
  const ymd = (ms) => (utcMidnights ? utcToYmd(ms) : ymdOf(ms));
  const first = ymd(s);
  const last = e > s ? ymd(e - 1) : first;
  return [first, last < first ? first : last];
}
// Prepared item: {raw, type, s, e (ms), allDay, days: [first, last]}
function prep(it) {
  const s = new Date(it.start).getTime();
  let e = it.end ? new Date(it.end).getTime() : NaN;
  if (isNaN(e) || e < s) e = s + (it.type === 'task' ? 0 : 30 * 60000);
  if (it.all_day) return { raw: it, type: it.type, s, e, allDay: true, days: allDaySpan(it) };
  const first = ymdOf(s);
  const last = e > s ? ymdOf(e - 1) : first;
  // Longer than a day: shown as a bar on top like an all-day item.
  return { raw: it, type: it.type, s, e, allDay: e - s >= DAY_MS, days: [first, last] };
}
function covers(p, ymd) { return p.days[0] <= ymd && ymd <= p.days[1]; }
function sortItems(a, b) { return (b.allDay - a.allDay) || (a.s - b.s) || String(a.raw.title).localeCompare(String(b.raw.title)); }
function itemClass(p) {
  const st = p.raw.status;
  return 'cal-item cal-' + p.type + (st === 'declined' ? ' is-declined' : '') + (st === 'pending' ? ' is-pending' : '')
    + (st === 'done' || st === 'completed' ? ' is-done' : '');
}
const TYPE_ICON = { event: '', task: '⚑ ', activity: '' };
const ACT_ICON = { call: '☎ ', email: '✉ ', meeting: '◉ ', todo: '☐ ' };
function itemIcon(raw) { return raw.type === 'activity' && raw.kind ? (ACT_ICON[raw.kind] || TYPE_ICON.activity) : TYPE_ICON[raw.type] || ''; }
function itemTitle(p) {
  const r = p.raw;
  const when = p.allDay ? t('cal.all_day') : (p.type === 'task' ? fmtTime(r.start) : `${fmtTime(r.start)}–${fmtTime(new Date(p.e).toISOString())}`);
  return `${t('cal.type.' + p.type)}: ${r.title}\n${when}${r.link && r.link.title ? '\n' + r.link.title : ''}`;
}

// Minutes since the zone midnight of `ymd` (clamped to the day).
function minutesInDay(ms, ymd) {
  const p = zoneParts(ms);
  const d = `${p.y}-${pad(p.m)}-${pad(p.d)}`;
  if (d < ymd) return 0;
  if (d > ymd) return 24 * 60;
  return p.h * 60 + p.mi;
}
// Side-by-side columns for overlapping timed items of one day.
function layoutDay(list, ymd) {
  const segs = list.map((p) => {
    const top = minutesInDay(p.s, ymd);
    let bottom = minutesInDay(p.e, ymd);
    if (bottom < top + 22) bottom = top + 22;
    return { p, top, bottom, col: 0, cols: 1 };
  }).sort((a, b) => (a.top - b.top) || (b.bottom - a.bottom));
  let cluster = []; let end = -1;
  const flush = () => {
    const colEnds = [];
    for (const s of cluster) {
      let c = colEnds.findIndex((x) => x <= s.top);
      if (c < 0) { c = colEnds.length; colEnds.push(0); }
      colEnds[c] = s.bottom; s.col = c;
    }
    for (const s of cluster) s.cols = colEnds.length;
  };
  for (const s of segs) {
    if (cluster.length && s.top >= end) { flush(); cluster = []; end = -1; }
    cluster.push(s); end = Math.max(end, s.bottom);
  }
  if (cluster.length) flush();
  return segs;
}

function useMedia(q) {
  const [m, setM] = useState(() => window.matchMedia(q).matches);
  useEffect(() => {
    const mq = window.matchMedia(q);
    const fn = () => setM(mq.matches);
    mq.addEventListener('change', fn);
    return () => mq.removeEventListener('change', fn);
  }, [q]);
  return m;
}
function setQueryEvent(id) {
  const u = new URL(location.href);
  if (id == null) u.searchParams.delete('event'); else u.searchParams.set('event', id);
  history.replaceState(null, '', u.pathname + u.search);
}

// ---------- page ----------

export function CalendarPage() {
  const st = useStore();
  const me = st.session.user;
  const { search } = useLocation();
  const phone = useMedia('(max-width: 700px)');
  const today = ymdOf(Date.now());
  const [view, setView] = useState(() => { const v = localStorage.getItem(LS_VIEW); return VIEWS.includes(v) ? v : 'week'; });
  const [anchor, setAnchor] = useState(() => { const d = new URLSearchParams(location.search).get('date'); return /^\d{4}-\d{2}-\d{2}$/.test(d || '') ? d : today; });
  const [userId, setUserId] = useState(() => { const u = new URLSearchParams(location.search).get('user_id'); return u ? Number(u) : me.id; });
  const [items, setItems] = useState(null);
  const [err, setErr] = useState(null);
  const [dialog, setDialog] = useState(null); // {id} | {draft}
  const [ical, setIcal] = useState(false);
  const seq = useRef(0);
  useEffect(() => { loadUsers().catch(() => {}); }, []);
  useEffect(() => { localStorage.setItem(LS_VIEW, view); }, [view]);
  // ?event=ID opens that event (also when navigated to from elsewhere while the page is open)
  useEffect(() => {
    const id = new URLSearchParams(search).get('event');
    if (id && /^\d+$/.test(id) && !(dialog && String(dialog.id) === id)) setDialog({ id: Number(id) });
  }, [search]);

  const [from, to] = rangeOf(view, anchor);
  const load = useCallback(async () => {
    const my = ++seq.current;
    try {
      const r = await api.get('/calendar' + qs({ from: dayStartIso(from), to: dayStartIso(to), user_id: userId === me.id ? '' : userId }));
      if (my !== seq.current) return;
      setItems((r.items || []).map(prep)); setErr(null);
    } catch (e) { if (my === seq.current) { setErr(e); setItems([]); } }
  }, [from, to, userId]);
  useEffect(() => { load(); }, [load]);
  const loadRef = useRef(load); loadRef.current = load;
  const userRef = useRef(userId); userRef.current = userId;
  useEffect(() => {
    let timer = null;
    const unsub = subscribeWork((d) => {
      // `calendar` (events changed), `counters` (tasks and activities changed) for the person whose calendar is shown
      if (d !== 'reconnected') {
        if (d.what !== 'calendar' && d.what !== 'counters') return;
        if (d.user_ids && d.user_ids.length && !d.user_ids.includes(userRef.current)) return;
      }
      clearTimeout(timer); timer = setTimeout(() => loadRef.current(), 400);
    });
    return () => { clearTimeout(timer); unsub(); };
  }, []);

  const step = (n) => {
    if (view === 'day') setAnchor(addDays(anchor, n));
    else if (view === 'week') setAnchor(addDays(anchor, 7 * n));
    else setAnchor(addMonths(monthStart(anchor), n));
  };
  const openItem = (p) => {
    const r = p.raw;
    if (r.type === 'event') { setDialog({ id: r.id }); setQueryEvent(r.id); }
    else if (r.type === 'task') navigate('/tasks/' + r.id);
    else {
      const href = targetHref(r.link);
      if (href) navigate(href); else toast(r.title);
    }
  };
  const newAt = (ymd, minutes, allDay) => {
    const start = allDay ? null : `${ymd}T${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
    const endMin = Math.min(minutes + 60, 24 * 60 - 1);
    const end = allDay ? null : `${ymd}T${pad(Math.floor(endMin / 60))}:${pad(endMin % 60)}`;
    setDialog({ draft: { start, end, allDay: !!allDay, day: ymd, attendee_ids: userId !== me.id ? [userId] : [] } });
  };
  const newEvent = () => {
    const base = anchor >= from && anchor < to ? anchor : from;
    const day = today >= from && today < to ? today : base;
    const p = zoneParts(Date.now());
    const next = day === today ? Math.min(23 * 60, (p.h + 1) * 60) : 9 * 60;
    newAt(day, next, false);
  };
  const closeDialog = () => { setDialog(null); setQueryEvent(null); };
  const whose = userId === me.id ? null : userName(userId);
  const users = (st.users || []).filter((u) => u.active || u.id === userId);

  return html`<div class=${'page page-wide cal-page cal-view-' + view} data-testid="calendar-page">
    <${PageHead} title=${whose ? t('cal.of', { name: whose }) : t('cal.title')}>
      <button class="btn" data-testid="cal-ical" onClick=${() => setIcal(true)}>⇪ ${t('cal.subscribe')}</button>
      <button class="btn btn-primary" data-testid="cal-new" onClick=${newEvent}>+ ${t('cal.new_event')}</button>
    <//>
    <div class="cal-toolbar">
      <div class="cal-nav">
        <button class="btn" data-testid="cal-today" onClick=${() => setAnchor(today)}>${t('cal.today')}</button>
        <button class="btn btn-icon" aria-label=${t('cal.prev')} title=${t('cal.prev')} data-testid="cal-prev" onClick=${() => step(-1)}>‹</button>
        <button class="btn btn-icon" aria-label=${t('cal.next')} title=${t('cal.next')} data-testid="cal-next" onClick=${() => step(1)}>›</button>
        <h2 class="cal-period" data-testid="cal-period" aria-live="polite">${periodTitle(view, anchor)}
          ${view === 'week' ? html` <span class="muted small">${t('cal.week_n', { n: isoWeek(weekStart(anchor)) })}</span>` : null}</h2>
      </div>
      <div class="cal-controls">
        <label class="cal-whose"><span class="sr-only">${t('cal.whose')}</span>
          <select data-testid="cal-user" aria-label=${t('cal.whose')} onChange=${(e) => setUserId(Number(e.currentTarget.value))}>
            <option value=${me.id} selected=${userId === me.id}>${t('cal.mine')}</option>
            ${users.filter((u) => u.id !== me.id).map((u) => html`<option value=${u.id} selected=${u.id === userId}>${u.name}</option>`)}
          </select></label>
        <div class="view-switch" role="group" aria-label=${t('cal.view')}>
          ${VIEWS.map((v) => html`<button class=${'btn btn-small' + (view === v ? ' btn-primary' : '')} aria-pressed=${view === v}
            data-testid=${'cal-view-' + v} onClick=${() => setView(v)}>${t('cal.' + v)}</button>`)}
        </div>
      </div>
    </div>
    <div class="cal-legend muted small" aria-hidden="true">
      <span><i class="cal-swatch cal-event"></i>${t('cal.legend_event')}</span>
      <span><i class="cal-swatch cal-task"></i>${t('cal.legend_task')}</span>
      <span><i class="cal-swatch cal-activity"></i>${t('cal.legend_activity')}</span>
    </div>
    <${ErrorBox} error=${err} />
    ${items === null ? html`<${Spinner} />`
      : view === 'month' ? (phone
        ? html`<${Agenda} items=${items} from=${monthStart(anchor)} to=${addMonths(monthStart(anchor), 1)} today=${today} onOpen=${openItem} onNew=${(d) => newAt(d, 9 * 60)} />`
        : html`<${MonthGrid} items=${items} from=${from} to=${to} month=${anchor.slice(0, 7)} today=${today} onOpen=${openItem}
            onNew=${(d) => newAt(d, 9 * 60)} onDay=${(d) => { setAnchor(d); setView('day'); }} />`)
      : html`<${TimeGrid} items=${items} days=${Array.from({ length: daysBetween(from, to) }, (_, i) => addDays(from, i))} today=${today}
          onOpen=${openItem} onNew=${newAt} onDay=${(d) => { setAnchor(d); setView('day'); }} />`}
    ${dialog ? html`<${EventDialog} key=${dialog.id || 'new'} id=${dialog.id} draft=${dialog.draft} onClose=${closeDialog}
      onSaved=${(ev, created) => { load(); if (created) { setDialog({ id: ev.id }); setQueryEvent(ev.id); } }}
      onDeleted=${() => { closeDialog(); load(); }} />` : null}
    ${ical ? html`<${IcalDialog} onClose=${() => setIcal(false)} />` : null}
  </div>`;
}

function Chip({ p, onOpen, showTime = true }) {
  const r = p.raw;
  return html`<button type="button" class=${itemClass(p) + ' cal-chip'} title=${itemTitle(p)} data-testid=${'cal-item-' + r.type}
    onClick=${(e) => { e.stopPropagation(); onOpen(p); }}>
    ${showTime && !p.allDay ? html`<span class="cal-time">${fmtTime(r.start)}</span> ` : null}<span class="cal-title">${itemIcon(r)}${r.title}</span>
  </button>`;
}

// ---------- month ----------

function MonthGrid({ items, from, to, month, today, onOpen, onNew, onDay }) {
  const days = Array.from({ length: daysBetween(from, to) }, (_, i) => addDays(from, i));
  const names = days.slice(0, 7).map((d) => fmtYmd(d, { weekday: 'short' }));
  const MAX = 3;
  return html`<div class="cal-month" data-testid="cal-month">
    <div class="cal-month-head">${names.map((n) => html`<div class="cal-dow">${n}</div>`)}</div>
    <div class="cal-month-body" style=${{ gridTemplateRows: `repeat(${days.length / 7}, minmax(6.2rem, 1fr))` }}>
      ${days.map((d) => {
        const list = items.filter((p) => covers(p, d)).sort(sortItems);
        const cls = 'cal-cell' + (d.slice(0, 7) !== month ? ' other-month' : '') + (d === today ? ' is-today' : '') + (weekday(d) >= 5 ? ' weekend' : '');
        return html`<div class=${cls} data-day=${d} data-testid="cal-cell" onClick=${() => onNew(d)} title=${t('cal.new_event')}>
          <button type="button" class="cal-daynum" aria-label=${fmtYmd(d, { day: 'numeric', month: 'long' })}
            onClick=${(e) => { e.stopPropagation(); onDay(d); }}>${Number(d.slice(8))}</button>
          <div class="cal-cell-items">
            ${list.slice(0, list.length > MAX ? MAX - 1 : MAX).map((p) => html`<${Chip} p=${p} onOpen=${onOpen} />`)}
            ${list.length > MAX ? html`<button type="button" class="cal-more" onClick=${(e) => { e.stopPropagation(); onDay(d); }}>${t('cal.more', { n: list.length - MAX + 1 })}</button>` : null}
          </div>
        </div>`;
      })}
    </div>
  </div>`;
}

// Phone: the month as a list of the days that have something.
function Agenda({ items, from, to, today, onOpen, onNew }) {
  const days = Array.from({ length: daysBetween(from, to) }, (_, i) => addDays(from, i));
  const rows = days.map((d) => ({ d, list: items.filter((p) => covers(p, d)).sort(sortItems) })).filter((x) => x.list.length || x.d === today);
  if (!rows.length) return html`<div class="panel muted" data-testid="cal-agenda">${t('cal.no_items_month')}</div>`;
  return html`<ol class="cal-agenda" data-testid="cal-agenda">
    ${rows.map(({ d, list }) => html`<li class=${'cal-agenda-day' + (d === today ? ' is-today' : '')}>
      <div class="cal-agenda-date">
        <span class="cal-agenda-num">${Number(d.slice(8))}</span>
        <span class="cal-agenda-dow">${fmtYmd(d, { weekday: 'short' })}</span>
      </div>
      <div class="cal-agenda-items">
        ${list.length ? list.map((p) => html`<button type="button" class=${itemClass(p) + ' cal-agenda-item'} data-testid=${'cal-item-' + p.type} onClick=${() => onOpen(p)}>
          <span class="cal-time">${p.allDay ? t('cal.all_day') : p.type === 'task' ? fmtTime(p.raw.start) : fmtTime(p.raw.start) + '–' + fmtTime(new Date(p.e).toISOString())}</span>
          <span class="cal-title">${itemIcon(p.raw)}${p.raw.title}</span>
          ${p.raw.link && p.raw.link.title ? html`<span class="muted small cal-agenda-link">${p.raw.link.title}</span>` : null}
        </button>`) : html`<button type="button" class="btn-link small" onClick=${() => onNew(d)}>+ ${t('cal.new_event')}</button>`}
      </div>
    </li>`)}
  </ol>`;
}

// ---------- week / day ----------

function TimeGrid({ items, days, today, onOpen, onNew, onDay }) {
  const scroller = useRef();
  const [now, setNow] = useState(Date.now());
  useEffect(() => { const id = setInterval(() => setNow(Date.now()), 60000); return () => clearInterval(id); }, []);
  useEffect(() => {
    // start the day at 8:00 (or an hour before the earliest item)
    const timed = items.filter((p) => !p.allDay && days.some((d) => covers(p, d)));
    let first = 8 * 60;
    for (const p of timed) first = Math.min(first, minutesInDay(p.s, ymdOf(p.s)) - 60);
    if (scroller.current) scroller.current.scrollTop = Math.max(0, Math.max(0, first) / 60 * HOUR_PX - 8);
  }, [days[0], days.length, items === null]);
  const allDay = days.map((d) => items.filter((p) => p.allDay && covers(p, d)).sort(sortItems));
  const hasAllDay = allDay.some((l) => l.length);
  const cols = `3.4rem repeat(${days.length}, minmax(0, 1fr))`;
  const nowParts = zoneParts(now);
  const nowMin = nowParts.h * 60 + nowParts.mi;
  const click = (d, e) => {
    const r = e.currentTarget.getBoundingClientRect();
    const min = Math.max(0, Math.min(23 * 60 + 30, Math.floor((e.clientY - r.top) / HOUR_PX * 2) * 30));
    onNew(d, min, false);
  };
  return html`<div class=${'cal-grid-wrap' + (days.length > 1 ? ' cal-week' : ' cal-day')} data-testid=${days.length > 1 ? 'cal-week' : 'cal-day'}>
    <div class="cal-grid-inner">
      <div class="cal-grid-head" style=${{ gridTemplateColumns: cols }}>
        <div class="cal-gutter"></div>
        ${days.map((d) => html`<button type="button" class=${'cal-col-head' + (d === today ? ' is-today' : '') + (weekday(d) >= 5 ? ' weekend' : '')}
          onClick=${() => days.length > 1 && onDay(d)} disabled=${days.length === 1}>
          <span class="cal-col-dow">${fmtYmd(d, { weekday: 'short' })}</span> <span class="cal-col-num">${Number(d.slice(8))}</span>
        </button>`)}
      </div>
      <div class="cal-allday" style=${{ gridTemplateColumns: cols }}>
        <div class="cal-gutter muted small">${hasAllDay ? t('cal.all_day') : ''}</div>
        ${days.map((d, i) => html`<div class="cal-allday-cell" onClick=${() => onNew(d, 0, true)} title=${t('cal.new_event')}>
          ${allDay[i].map((p) => html`<${Chip} p=${p} onOpen=${onOpen} showTime=${false} />`)}
        </div>`)}
      </div>
      <div class="cal-scroll" ref=${scroller}>
        <div class="cal-body" style=${{ gridTemplateColumns: cols, height: 24 * HOUR_PX + 'px' }}>
          <div class="cal-gutter cal-hours">
            ${Array.from({ length: 24 }, (_, h) => html`<div class="cal-hour-label" style=${{ top: h * HOUR_PX + 'px' }}>${h ? pad(h) + ':00' : ''}</div>`)}
          </div>
          ${days.map((d) => {
            const segs = layoutDay(items.filter((p) => !p.allDay && covers(p, d)), d);
            return html`<div class=${'cal-daycol' + (d === today ? ' is-today' : '') + (weekday(d) >= 5 ? ' weekend' : '')} data-day=${d} data-testid="cal-daycol"
              onClick=${(e) => click(d, e)}>
              ${segs.map((s) => html`<button type="button" class=${itemClass(s.p) + ' cal-block' + (s.bottom - s.top < 45 ? ' short' : '')} title=${itemTitle(s.p)}
                data-testid=${'cal-item-' + s.p.type}
                style=${{ top: s.top / 60 * HOUR_PX + 'px', height: Math.max(18, (s.bottom - s.top) / 60 * HOUR_PX - 2) + 'px',
                  left: `calc(${(s.col / s.cols) * 100}% + 2px)`, width: `calc(${100 / s.cols}% - 4px)` }}
                onClick=${(e) => { e.stopPropagation(); onOpen(s.p); }}>
                <span class="cal-time">${fmtTime(s.p.raw.start)}${s.p.type !== 'task' && days.length === 1 && s.cols < 3 ? '–' + fmtTime(new Date(s.p.e).toISOString()) : ''}</span>
                ${' '}<span class="cal-title">${itemIcon(s.p.raw)}${s.p.raw.title}</span>
              </button>`)}
              ${d === today ? html`<div class="cal-now" style=${{ top: nowMin / 60 * HOUR_PX + 'px' }} aria-hidden="true"></div>` : null}
            </div>`;
          })}
        </div>
      </div>
    </div>
  </div>`;
}

// ---------- event dialog ----------

// Search across companies, contacts, leads and deals (GET /search); value = Link | null.
const LINK_KINDS = ['company', 'contact', 'lead', 'deal'];
const KIND_ICON = { company: '▦', contact: '☺', deal: '◆', lead: '◎' };
function LinkPicker({ value, onChange, error }) {
  const [q, setQ] = useState('');
  const [found, setFound] = useState([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  useEffect(() => {
    const query = q.trim();
    if (!query) { setFound([]); return; }
    const ctrl = new AbortController();
    const timer = setTimeout(() => {
      api.get('/search' + qs({ q: query, limit: 20 }), { signal: ctrl.signal })
        .then((r) => { setFound((r.items || []).filter((x) => LINK_KINDS.includes(x.kind)).slice(0, 12)); setActive(0); setOpen(true); })
        .catch(() => {});
    }, 150);
    return () => { clearTimeout(timer); ctrl.abort(); };
  }, [q]);
  if (value) {
    return html`<div class="picker-chosen" data-testid="event-link-chosen">
      <span class="chip">${KIND_ICON[value.kind] || ''} ${value.title || '#' + value.id} <span class="muted small">· ${t('cal.kind.' + value.kind)}</span></span>
      <button type="button" class="btn btn-small" data-testid="event-link-clear" onClick=${() => onChange(null)}>${t('picker.clear')}</button>
    </div>`;
  }
  const choose = (it) => { rememberName(it.kind, it.id, it.title); onChange({ kind: it.kind, id: it.id, title: it.title }); setQ(''); setOpen(false); };
  const onKeyDown = (e) => {
    if (!open || !found.length) { if (e.key === 'Enter') e.preventDefault(); return; }
    if (e.key === 'ArrowDown') { e.preventDefault(); setActive((active + 1) % found.length); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); setActive((active - 1 + found.length) % found.length); }
    else if (e.key === 'Enter') { e.preventDefault(); choose(found[active]); }
    else if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); setOpen(false); }
  };
  return html`<div class="picker">
    <input id="f-event_link" type="text" value=${q} autocomplete="off" data-testid="input-event_link" placeholder=${t('cal.link_search')}
      aria-invalid=${error ? 'true' : undefined} role="combobox" aria-expanded=${open && found.length > 0}
      onInput=${(e) => setQ(e.currentTarget.value)} onKeyDown=${onKeyDown} onBlur=${() => setTimeout(() => setOpen(false), 150)} />
    ${open && q.trim() ? html`<ul class="picker-drop" role="listbox">
      ${found.length === 0 ? html`<li class="muted search-empty">${t('search.none')}</li>` : found.map((it, i) => html`<li role="option" aria-selected=${i === active}
        class=${'search-item' + (i === active ? ' active' : '')} data-testid="event-link-option"
        onMouseDown=${(e) => { e.preventDefault(); choose(it); }}>
        <span class="kind-badge">${KIND_ICON[it.kind]}</span>
        <span class="search-text"><span class="search-title">${it.title}</span><span class="search-sub">${t('cal.kind.' + it.kind)}${it.subtitle ? ' · ' + it.subtitle : ''}</span></span></li>`)}
    </ul>` : null}
  </div>`;
}

function toForm(ev, draft) {
  if (ev) {
    if (ev.all_day) {
      const [a, b] = allDaySpan({ start: ev.start, end: ev.end, all_day: true });
      return { title: ev.title, all_day: true, sd: a, ed: b, start: `${a}T09:00`, end: `${a}T10:00`, place: ev.place || '', description: ev.description || '',
        attendee_ids: (ev.attendees || []).map((x) => x.user_id), link: ev.link || null };
    }
    const s = isoToLocalInput(ev.start); const e = isoToLocalInput(ev.end || ev.start);
    return { title: ev.title, all_day: false, start: s, end: e, sd: s.slice(0, 10), ed: e.slice(0, 10), place: ev.place || '', description: ev.description || '',
      attendee_ids: (ev.attendees || []).map((x) => x.user_id), link: ev.link || null };
  }
  const day = draft.day;
  return { title: '', all_day: !!draft.allDay, start: draft.start || `${day}T09:00`, end: draft.end || `${day}T10:00`, sd: day, ed: day,
    place: '', description: '', attendee_ids: draft.attendee_ids || [], link: null };
}
function fromForm(f, me) {
  let start; let end;
  if (f.all_day) {
    start = dayStartIso(f.sd);
    end = dayStartIso(addDays(f.ed && f.ed >= f.sd ? f.ed : f.sd, 1));
  } else {
    start = localInputToIso(f.start);
    end = localInputToIso(f.end);
  }
  return {
    title: f.title.trim(), start, end, all_day: !!f.all_day, place: f.place.trim(), description: f.description.trim(),
    attendee_ids: f.attendee_ids.filter((x) => x !== me), link: f.link ? { kind: f.link.kind, id: f.link.id } : null,
  };
}

function EventDialog({ id, draft, onClose, onSaved, onDeleted }) {
  const st = useStore();
  const me = st.session.user;
  const [ev, setEv] = useState(null);
  const [loadErr, setLoadErr] = useState(null);
  const [editing, setEditing] = useState(!id);
  const [f, setF] = useState(id ? null : toForm(null, draft));
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [ask, confirmDialog] = useConfirm();
  useEffect(() => {
    if (!id) return;
    api.get('/calendar/events/' + id).then((e) => { setEv(e); setF(toForm(e)); }).catch(setLoadErr);
  }, [id]);
  const canEdit = !id || (ev && (ev.organizer_id === me.id || me.role === 'admin'));
  const mine = ev && (ev.attendees || []).find((a) => a.user_id === me.id);
  const errs = fieldErrors(error);
  const set = (k) => (v) => setF({ ...f, [k]: v });
  const endBeforeStart = f && (f.all_day ? f.ed < f.sd : localInputToIso(f.end) && localInputToIso(f.start) && localInputToIso(f.end) < localInputToIso(f.start));

  const save = async (e) => {
    e.preventDefault();
    setBusy(true); setError(null);
    try {
      const body = fromForm(f, ev ? ev.organizer_id : me.id);
      const r = id ? await api.put('/calendar/events/' + id, body) : await api.post('/calendar/events', body);
      toast(id ? t('common.saved') : t('cal.created'));
      setEv(r); setF(toForm(r)); setEditing(false);
      onSaved(r, !id);
    } catch (er) { setError(er); }
    setBusy(false);
  };
  const del = async () => {
    if (!(await ask(t('cal.delete_q', { name: ev.title })))) return;
    try { await api.del('/calendar/events/' + id); toast(t('common.deleted')); onDeleted(); }
    catch (er) { toast(errorText(er), 'error'); }
  };
  const respond = async (response) => {
    try { const r = await api.post(`/calendar/events/${id}/respond`, { response }); setEv(r); onSaved(r, false); }
    catch (er) { toast(errorText(er), 'error'); }
  };

  let body;
  if (loadErr) body = html`<${ErrorBox} error=${loadErr.status === 404 ? t('notfound.text') : loadErr} />`;
  else if (id && !ev) body = html`<${Spinner} />`;
  else if (editing) {
    body = html`<form class="form event-form" onSubmit=${save} data-testid="event-form" novalidate>
      ${error && (!error.fields.length || error.code !== 'validation') ? html`<${ErrorBox} error=${error} />` : null}
      <${Field} label=${t('cal.f.title')} name="event_title" error=${errs.title}>
        <${TextInput} name="event_title" value=${f.title} onInput=${set('title')} autofocus error=${errs.title} />
      <//>
      <label class="check event-allday"><input type="checkbox" data-testid="input-event_all_day" checked=${f.all_day}
        onChange=${(e) => setF({ ...f, all_day: e.currentTarget.checked, sd: f.start.slice(0, 10) || f.sd, ed: f.end.slice(0, 10) || f.ed })} /> ${t('cal.all_day')}</label>
      <div class="grid2">
        <${Field} label=${t('cal.f.start')} name="event_start" error=${errs.start}>
          ${f.all_day ? html`<input id="f-event_start" type="date" data-testid="input-event_start" value=${f.sd} aria-invalid=${errs.start ? 'true' : undefined}
              onInput=${(e) => { const v = e.currentTarget.value; setF({ ...f, sd: v, ed: f.ed < v ? v : f.ed }); }} />`
            : html`<input id="f-event_start" type="datetime-local" data-testid="input-event_start" value=${f.start} aria-invalid=${errs.start ? 'true' : undefined}
              onInput=${(e) => {
                const v = e.currentTarget.value;
                // keep the duration when the start moves
                const dur = (Date.parse(f.end) - Date.parse(f.start)) || 3600000;
                const ne = v && !isNaN(Date.parse(v)) ? isoToLocalInputNaive(Date.parse(v) + Math.max(0, dur)) : f.end;
                setF({ ...f, start: v, end: ne });
              }} />`}
        <//>
        <${Field} label=${t('cal.f.end')} name="event_end" error=${errs.end || (endBeforeStart ? t('cal.end_before_start') : null)}>
          ${f.all_day ? html`<input id="f-event_end" type="date" data-testid="input-event_end" value=${f.ed} min=${f.sd} aria-invalid=${errs.end || endBeforeStart ? 'true' : undefined}
              onInput=${(e) => set('ed')(e.currentTarget.value)} />`
            : html`<input id="f-event_end" type="datetime-local" data-testid="input-event_end" value=${f.end} aria-invalid=${errs.end || endBeforeStart ? 'true' : undefined}
              onInput=${(e) => set('end')(e.currentTarget.value)} />`}
        <//>
      </div>
      <${Field} label=${t('cal.f.place')} name="event_place" error=${errs.place}>
        <${TextInput} name="event_place" value=${f.place} onInput=${set('place')} error=${errs.place} />
      <//>
      <${Field} label=${t('cal.f.attendees')} name="event_attendees" error=${errs.attendee_ids || Object.entries(errs).filter(([k]) => k.startsWith('attendee_ids[')).map(([, v]) => v).join('; ') || null}>
        <${MultiUserSelect} name="event_attendees" value=${f.attendee_ids} onChange=${set('attendee_ids')} />
      <//>
      <${Field} label=${t('cal.f.link')} name="event_link" error=${errs.link || errs['link.id'] || errs['link.kind']}>
        <${LinkPicker} value=${f.link} onChange=${set('link')} error=${errs.link || errs['link.id']} />
      <//>
      <${Field} label=${t('cal.f.description')} name="event_description" error=${errs.description}>
        <${TextArea} name="event_description" value=${f.description} onInput=${set('description')} rows=${3} />
      <//>
      <div class="form-actions">
        <button class="btn btn-primary" type="submit" disabled=${busy || !f.title.trim()} data-testid="event-save">${busy ? t('common.saving') : t('common.save')}</button>
        <button class="btn" type="button" onClick=${() => (id ? (setEditing(false), setF(toForm(ev)), setError(null)) : onClose())}>${t('common.cancel')}</button>
      </div>
    </form>`;
  } else {
    const [a, b] = ev.all_day ? allDaySpan(ev) : [null, null];
    const when = ev.all_day
      ? (a === b ? fmtYmd(a, { weekday: 'short', day: 'numeric', month: 'long', year: 'numeric' }) : `${fmtYmd(a, { day: 'numeric', month: 'short' })} – ${fmtYmd(b, { day: 'numeric', month: 'short', year: 'numeric' })}`) + ' · ' + t('cal.all_day')
      : (ymdOf(ev.start) === ymdOf(ev.end || ev.start) ? `${fmtDateTime(ev.start)} – ${fmtTime(ev.end || ev.start)}` : `${fmtDateTime(ev.start)} – ${fmtDateTime(ev.end)}`);
    const atts = (ev.attendees || []);
    body = html`<div class="event-view" data-testid="event-view">
      <dl class="props">
        <dt>${t('cal.f.when')}</dt><dd data-testid="event-when">${when}</dd>
        ${ev.place ? html`<dt>${t('cal.f.place')}</dt><dd>${ev.place}</dd>` : null}
        <dt>${t('cal.f.organizer')}</dt><dd>${userName(ev.organizer_id)}</dd>
        ${ev.link ? html`<dt>${t('cal.f.link')}</dt><dd>${ev.link.title === '' ? html`<span class="muted">${t('feed.deleted_record')}</span>`
          : html`<${Link} href=${targetHref(ev.link)} onNavigate=${onClose}>${KIND_ICON[ev.link.kind] || ''} ${ev.link.title || '#' + ev.link.id}<//>`}</dd>` : null}
        <dt>${t('cal.f.attendees')}</dt><dd>
          ${atts.length ? html`<ul class="attendees" data-testid="event-attendees">${atts.map((x) => html`<li class=${'resp-' + x.response}>
            <span class="resp-mark" aria-hidden="true">${x.response === 'accepted' ? '✓' : x.response === 'declined' ? '✕' : '?'}</span>
            ${userName(x.user_id)} <span class="muted small">${t('cal.resp.' + x.response)}</span></li>`)}</ul>`
            : html`<span class="muted">${t('cal.no_attendees')}</span>`}
        </dd>
        ${ev.description ? html`<dt>${t('cal.f.description')}</dt><dd><${BodyText} text=${ev.description} /></dd>` : null}
      </dl>
      ${mine ? html`<div class="event-respond" data-testid="event-respond">
        <span class="muted">${t('cal.your_answer')}:</span>
        <button class=${'btn btn-small' + (mine.response === 'accepted' ? ' btn-primary' : '')} aria-pressed=${mine.response === 'accepted'} data-testid="event-accept" onClick=${() => respond('accepted')}>✓ ${t('cal.accept')}</button>
        <button class=${'btn btn-small' + (mine.response === 'declined' ? ' btn-danger' : '')} aria-pressed=${mine.response === 'declined'} data-testid="event-decline" onClick=${() => respond('declined')}>✕ ${t('cal.decline')}</button>
      </div>` : null}
      ${canEdit ? html`<div class="form-actions">
        <button class="btn" data-testid="event-edit" onClick=${() => setEditing(true)}>${t('common.edit')}</button>
        <button class="btn btn-danger-outline" data-testid="event-delete" onClick=${del}>${t('common.delete')}</button>
      </div>` : null}
      <section class="event-comments">
        <h3>${t('feed.c.title')}</h3>
        <${CommentThread} kind="event" id=${ev.id} count=${ev.comment_count ?? null} />
      </section>
    </div>`;
  }
  const title = !id ? t('cal.new_event') : ev ? (editing ? t('common.edit') + ': ' + ev.title : ev.title) : t('cal.event');
  return html`<${Modal} title=${title} onClose=${onClose}>
    <div class="event-dialog" data-testid="event-dialog">${body}</div>
    ${confirmDialog}
  <//>`;
}
// datetime-local string of a naive (zone-less) ms value, as parsed by Date.parse of such a string.
function isoToLocalInputNaive(ms) {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

// ---------- iCal subscription ----------

function IcalDialog({ onClose }) {
  const [url, setUrl] = useState(null);
  const [err, setErr] = useState(null);
  const [copied, setCopied] = useState(false);
  const [busy, setBusy] = useState(false);
  const [ask, confirmDialog] = useConfirm();
  useEffect(() => { api.get('/calendar/feed').then((r) => setUrl(r.url)).catch(setErr); }, []);
  const full = url ? new URL(url, location.origin).href : '';
  const copy = async () => {
    try { await navigator.clipboard.writeText(full); }
    catch { const el = document.getElementById('ical-url'); el.select(); document.execCommand('copy'); }
    setCopied(true);
  };
  const reset = async () => {
    if (!(await ask(t('cal.ical_reset_q'), t('cal.ical_reset')))) return;
    setBusy(true);
    try { const r = await api.post('/calendar/feed/reset'); setUrl(r.url); setCopied(false); toast(t('cal.ical_reset_done')); }
    catch (e) { setErr(e); }
    setBusy(false);
  };
  return html`<${Modal} title=${t('cal.ical_title')} onClose=${onClose}>
    <div class="ical-dialog" data-testid="ical-dialog">
      <p class="muted">${t('cal.ical_text')}</p>
      <${ErrorBox} error=${err} />
      ${!url && !err ? html`<${Spinner} />` : url ? html`<div class="inline-form ical-url">
        <input id="ical-url" class="mono" readonly value=${full} data-testid="ical-url" aria-label="iCal URL" onFocus=${(e) => e.currentTarget.select()} />
        <button class="btn" type="button" data-testid="ical-copy" onClick=${copy}>${copied ? '✓ ' + t('common.copied') : t('common.copy')}</button>
      </div>
      <div class="ical-reset">
        <span class="muted small">⚠ ${t('cal.ical_warning')}</span>
        <button class="btn btn-small btn-danger-outline" type="button" disabled=${busy} data-testid="ical-reset" onClick=${reset}>${t('cal.ical_reset')}</button>
      </div>` : null}
    </div>
    ${confirmDialog}
  <//>`;
}
