// Deals (issue 3): kanban board per pipeline with live updates, list across currencies with totals,
// record page with the stage bar and stage log, create/edit form.
import { html, useState, useEffect, useRef, useCallback } from '../lib.js';
import { api, qs, loadCounts, loadUsers, loadPipelines, loadCurrencies, loadCustomFields, loadLeadSources, loadDealTypes } from '../api.js';
import { t, fmtDateTime, fmtDateShort, fmtDay, fmtNumber } from '../i18n.js';
import { useStore, toast } from '../store.js';
import { Link, navigate, query, useLocation } from '../router.js';
import {
  Field, TextInput, Select, ErrorBox, Spinner, NotFound, PageHead,
  fieldErrors, errorText, useConfirm, useEscape, userName,
} from '../components.js';
import { SortTh } from './companies.js';
import {
  CustomFieldsForm, CustomFieldsView, CustomFieldFilters, CfValue, useCustomFields, activeDefs, defaultCustom, cleanCustom,
  cfParams, cfLabel, refLabel, fmtMoney, fmtAmount, parseDecimal, RecordPicker, MultiRecordPicker, MultiUserSelect,
  RecordLink, useRecordNames, DebouncedInput,
} from '../customfields.js';
import { subscribe } from '../live.js';
import { Timeline } from '../timeline.js';
import { useWorkCounts, WorkTh, WorkCell } from '../bell.js';

const LS_PIPELINE = 'korobka.deals.pipeline';
const LS_VIEW = 'korobka.deals.view';

// ---------- helpers ----------

function allStages(pipelines) { return (pipelines || []).flatMap((p) => p.stages || []); }
function stageById(pipelines, id) { return allStages(pipelines).find((s) => String(s.id) === String(id)) || null; }
function sortedStages(p) { return (p && p.stages ? p.stages.slice() : []).sort((a, b) => (a.sort - b.sort) || (a.id - b.id)); }

function StageDot({ stage }) {
  return html`<span class="stage-dot" style=${{ background: (stage && stage.color) || '#9aa4b2' }} aria-hidden="true"></span>`;
}
function StageName({ stage, id }) {
  if (!stage) return html`<span class="muted">${id != null ? '#' + id : t('common.none')}</span>`;
  return html`<span class="stage-label nowrap"><${StageDot} stage=${stage} /> ${stage.name}${stage.kind !== 'open' ? html` <span class=${'kind-tag kind-' + stage.kind}>${t('stage.kind.' + stage.kind)}</span>` : null}</span>`;
}

// A calendar date in the compact list form ("31.12.2026"); it has no zone.
function fmtDayShort(ymd) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd || '');
  if (!m) return ymd || '';
  const loc = { en: 'en-GB', uk: 'uk-UA', ru: 'ru-RU' }[document.documentElement.lang] || 'en-GB';
  return new Intl.DateTimeFormat(loc, { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'UTC' }).format(new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])));
}
// Whole days since an instant (0 = today).
function daysSince(iso) {
  if (!iso) return null;
  const ms = Date.now() - new Date(iso).getTime();
  return isNaN(ms) ? null : Math.max(0, Math.floor(ms / 86400000));
}
export function humanDuration(seconds) {
  const s = Math.max(0, Math.round(Number(seconds) || 0));
  const d = Math.floor(s / 86400); const h = Math.floor((s % 86400) / 3600); const m = Math.floor((s % 3600) / 60);
  if (d > 0) return h > 0 ? t('dur.dh', { d, h }) : t('dur.d', { d });
  if (h > 0) return m > 0 ? t('dur.hm', { h, m }) : t('dur.h', { h });
  if (m > 0) return t('dur.m', { m });
  return t('dur.lt_minute');
}
// Money in cents, for the optimistic sums (the server's numbers replace them on the next load).
const toCents = (s) => (s === null || s === undefined || s === '' ? 0 : Math.round(Number(s) * 100));
const fromCents = (c) => (c / 100).toFixed(2);

function useSalesRefs() {
  const st = useStore();
  useEffect(() => {
    loadPipelines().catch(() => {}); loadCurrencies().catch(() => {}); loadUsers().catch(() => {});
    loadCustomFields('deal').catch(() => {});
  }, []);
  return st;
}

function rememberedPipeline(pipelines) {
  const open = (pipelines || []).filter((p) => !p.archived);
  const want = query().get('pipeline_id') || localStorage.getItem(LS_PIPELINE);
  return (open.find((p) => String(p.id) === String(want)) || open[0] || null);
}

// ---------- page: board / list ----------

export function DealsPage() {
  const st = useSalesRefs();
  const { path } = useLocation();
  const view = path === '/deals/list' ? 'list' : 'board';
  const [pipelineId, setPipelineId] = useState(null);
  const [pErr, setPErr] = useState(null);
  useEffect(() => { loadPipelines(true).catch(setPErr); }, []);
  useEffect(() => { localStorage.setItem(LS_VIEW, view); }, [view]);
  const pipelines = (st.pipelines || []).filter((p) => !p.archived);
  const current = pipelines.find((p) => String(p.id) === String(pipelineId)) || rememberedPipeline(st.pipelines);
  const choose = (id) => { setPipelineId(id); localStorage.setItem(LS_PIPELINE, String(id)); };
  const newHref = '/deals/new' + (current ? '?pipeline_id=' + current.id : '');
  return html`<div class=${'page deals-page' + (view === 'board' ? ' page-wide' : '')} data-testid="deals-page">
    <${PageHead} title=${t('deals.title')}>
      <div class="view-switch" role="group" aria-label=${t('deals.view')}>
        <${Link} class=${'btn btn-small' + (view === 'board' ? ' btn-primary' : '')} href="/deals" aria-current=${view === 'board' ? 'page' : undefined} data-testid="view-board">▥ ${t('deals.board')}<//>
        <${Link} class=${'btn btn-small' + (view === 'list' ? ' btn-primary' : '')} href="/deals/list" aria-current=${view === 'list' ? 'page' : undefined} data-testid="view-list">☰ ${t('deals.list')}<//>
      </div>
      <${Link} class="btn btn-primary" href=${newHref} data-testid="new-deal">+ ${t('deals.new')}<//>
    <//>
    <${ErrorBox} error=${pErr} />
    ${st.pipelines === null || st.pipelines === undefined ? (pErr ? null : html`<${Spinner} />`)
      : pipelines.length === 0 ? html`<div class="empty-state" data-testid="no-pipelines"><h2>${t('deals.no_pipelines')}</h2>
          <p>${t('deals.no_pipelines_text')}</p>
          ${st.session.user.role === 'admin' ? html`<${Link} class="btn btn-primary" href="/settings">${t('nav.settings')}<//>` : null}</div>`
      : view === 'board' ? html`
        ${pipelines.length > 1 ? html`<div class="tabs pipeline-tabs" role="tablist" aria-label=${t('f.pipeline')}>
          ${pipelines.map((p) => html`<button role="tab" aria-selected=${p.id === current.id} data-testid=${'pipeline-tab-' + p.id}
            class=${'tab' + (p.id === current.id ? ' active' : '')} onClick=${() => choose(p.id)}>${p.name}</button>`)}
        </div>` : null}
        <${Board} key=${current.id} pipeline=${current} />`
      : html`<${DealsList} pipelines=${pipelines} />`}
  </div>`;
}

// ---------- board ----------

function cardFromRow(r) {
  return { id: r.id, title: r.title, amount: r.amount, currency: r.currency, base_amount: r.base_amount, company_id: r.company_id,
    company_name: r.company_name, responsible_id: r.responsible_id, stage_changed_at: r.stage_changed_at, expected_close: r.expected_close };
}

function moveLocally(data, dealId, toStageId) {
  let card = null; let fromId = null;
  const cols = data.columns.map((c) => {
    const i = c.cards.findIndex((x) => x.id === dealId);
    if (i < 0) return c;
    card = c.cards[i]; fromId = c.stage.id;
    const cards = c.cards.filter((x) => x.id !== dealId);
    const sum = toCents(c.sum_base) - (card.base_amount != null ? toCents(card.base_amount) : 0);
    return { ...c, cards, count: Math.max(0, c.count - 1), sum_base: fromCents(sum), unconverted: c.unconverted - (card.base_amount == null && card.amount != null && Number(card.amount) !== 0 ? 1 : 0) };
  });
  if (!card) return data;
  const moved = { ...card, stage_changed_at: new Date().toISOString() };
  return { ...data, columns: cols.map((c) => {
    if (c.stage.id !== toStageId) return c;
    const sum = toCents(c.sum_base) + (moved.base_amount != null ? toCents(moved.base_amount) : 0);
    return { ...c, cards: [moved, ...c.cards], count: c.count + 1, sum_base: fromCents(sum),
      unconverted: c.unconverted + (moved.base_amount == null && moved.amount != null && Number(moved.amount) !== 0 ? 1 : 0) };
  }), _from: fromId };
}

function Board({ pipeline }) {
  const st = useStore();
  const me = st.session.user.id;
  const [filters, setFilters] = useState(() => {
    try { return { responsible: '', mine: false, company: null, cf: {}, ...JSON.parse(sessionStorage.getItem('korobka.board.filters.' + pipeline.id) || '{}') }; }
    catch { return { responsible: '', mine: false, company: null, cf: {} }; }
  });
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  const [drag, setDrag] = useState(null); // {id, from, over}
  const [quick, setQuick] = useState(null); // stage id with the quick-add form open
  const params = {
    responsible_id: filters.mine ? '' : filters.responsible, mine: filters.mine ? 'true' : '',
    company_id: filters.company ?? '', ...cfParams(filters.cf),
  };
  const key = JSON.stringify(params);
  const seq = useRef(0);
  const load = useCallback(async () => {
    const my = ++seq.current;
    try {
      const r = await api.get(`/pipelines/${pipeline.id}/board` + qs({ ...params, limit: 50 }));
      if (my !== seq.current) return;
      setData(r); setError(null);
    } catch (e) { if (my === seq.current) setError(e); }
  }, [pipeline.id, key]);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => { sessionStorage.setItem('korobka.board.filters.' + pipeline.id, JSON.stringify(filters)); }, [filters]);
  useEffect(() => { setData(null); load(); }, [load]);

  // live updates: reload (debounced) when something happens in this pipeline
  useEffect(() => {
    let timer = null;
    const unsub = subscribe((m) => {
      if (m.event !== 'deal' && m.event !== 'reconnected') return;
      if (m.event === 'deal' && m.data && String(m.data.pipeline_id) !== String(pipeline.id)) return;
      clearTimeout(timer);
      timer = setTimeout(() => loadRef.current(), 200);
    });
    return () => { clearTimeout(timer); unsub(); };
  }, [pipeline.id]);

  const move = async (dealId, toStageId) => {
    if (!data) return;
    const before = data;
    const next = moveLocally(data, dealId, toStageId);
    if (next === data || next._from === toStageId) return;
    seq.current++; // a reload already on its way would show the old column
    setData(next);
    try {
      await api.post(`/deals/${dealId}/move`, { stage_id: toStageId });
      loadCounts();
    } catch (e) {
      setData(before);
      toast(t('board.move_failed', { err: errorText(e) }), 'error');
    }
    loadRef.current();
  };

  // ---- pointer drag (mouse: the whole card; touch/pen: the grip, so the page still scrolls) ----
  const dragRef = useRef(null);
  const scrollerRef = useRef();
  const onPointerDown = (e, card, stageId) => {
    if (e.button !== 0 || !e.isPrimary) return;
    const grip = e.target.closest('.drag-grip');
    if (e.pointerType !== 'mouse' && !grip) return;
    if (!grip && e.target.closest('button, input, select, textarea, .card-menu')) return;
    const el = e.currentTarget;
    dragRef.current = { id: card.id, from: stageId, over: stageId, x0: e.clientX, y0: e.clientY, el, started: false, ghost: null, pointerId: e.pointerId };
    if (grip) e.preventDefault();
    const onMove = (ev) => {
      const d = dragRef.current;
      if (!d || ev.pointerId !== d.pointerId) return;
      if (!d.started) {
        if (Math.hypot(ev.clientX - d.x0, ev.clientY - d.y0) < 6) return;
        d.started = true;
        const r = d.el.getBoundingClientRect();
        const g = d.el.cloneNode(true);
        g.removeAttribute('data-testid');
        g.classList.add('deal-ghost');
        g.style.width = r.width + 'px';
        d.dx = d.x0 - r.left; d.dy = d.y0 - r.top;
        document.body.appendChild(g);
        d.ghost = g;
        document.body.classList.add('board-dragging');
        setDrag({ id: d.id, from: d.from, over: d.from });
      }
      ev.preventDefault();
      d.ghost.style.transform = `translate(${ev.clientX - d.dx}px, ${ev.clientY - d.dy}px) rotate(2deg)`;
      const under = document.elementFromPoint(ev.clientX, ev.clientY);
      const col = under && under.closest('[data-stage-id]');
      const over = col ? Number(col.getAttribute('data-stage-id')) : null;
      if (over !== d.over) { d.over = over; setDrag({ id: d.id, from: d.from, over }); }
      // scroll the board sideways near its edges
      const sc = scrollerRef.current;
      if (sc) {
        const b = sc.getBoundingClientRect();
        if (ev.clientX > b.right - 48) sc.scrollLeft += 18; else if (ev.clientX < b.left + 48) sc.scrollLeft -= 18;
      }
    };
    const end = (ev, cancelled) => {
      const d = dragRef.current;
      if (!d || ev.pointerId !== d.pointerId) return;
      window.removeEventListener('pointermove', onMove);
      window.removeEventListener('pointerup', onUp);
      window.removeEventListener('pointercancel', onCancel);
      dragRef.current = null;
      if (!d.started) return;
      d.ghost.remove();
      document.body.classList.remove('board-dragging');
      setDrag(null);
      // the click that ends a drag must not open the card
      const stop = (ce) => { ce.preventDefault(); ce.stopPropagation(); };
      window.addEventListener('click', stop, true);
      setTimeout(() => window.removeEventListener('click', stop, true), 0);
      if (!cancelled && d.over != null && d.over !== d.from) move(d.id, d.over);
    };
    const onUp = (ev) => end(ev, false);
    const onCancel = (ev) => end(ev, true);
    window.addEventListener('pointermove', onMove, { passive: false });
    window.addEventListener('pointerup', onUp);
    window.addEventListener('pointercancel', onCancel);
  };
  useEffect(() => () => { const d = dragRef.current; if (d && d.ghost) d.ghost.remove(); document.body.classList.remove('board-dragging'); }, []);

  const loadMore = async (col) => {
    const shown = new Set(col.cards.map((c) => c.id));
    let cursor = col.cursor || null; let added = []; let more = true; let pages = 0;
    setData((d) => ({ ...d, columns: d.columns.map((c) => (c.stage.id === col.stage.id ? { ...c, loadingMore: true } : c)) }));
    try {
      while (added.length === 0 && more && pages < 10) {
        const r = await api.get('/deals' + qs({ ...params, pipeline_id: pipeline.id, stage_id: col.stage.id, sort: '-updated', limit: 50, cursor }));
        pages++;
        for (const row of r.items || []) if (!shown.has(row.id)) { shown.add(row.id); added.push(cardFromRow(row)); }
        cursor = r.next_cursor; more = !!cursor;
      }
    } catch (e) { toast(errorText(e), 'error'); }
    setData((d) => ({ ...d, columns: d.columns.map((c) => (c.stage.id === col.stage.id
      ? { ...c, cards: [...c.cards, ...added], cursor, more: more && c.cards.length + added.length < c.count, loadingMore: false } : c)) }));
  };

  const cards = data ? data.columns.flatMap((c) => c.cards) : [];
  const cname = useRecordNames('company', cards.filter((c) => !c.company_name && c.company_id != null).map((c) => c.company_id));
  const users = (st.users || []).filter((u) => u.active || String(u.id) === String(filters.responsible));
  const setF = (patch) => setFilters({ ...filters, ...patch });
  const filtered = filters.responsible || filters.mine || filters.company != null || Object.keys(filters.cf).length;
  const stages = data ? data.columns.map((c) => c.stage) : sortedStages(pipeline);
  const base = data ? data.base_currency : (st.currencies && st.currencies.base) || '';

  return html`<div class="board-wrap">
    <div class="filters board-filters" role="group" aria-label=${t('common.filters')}>
      <label>${t('f.responsible')}
        <${Select} name="filter-responsible" value=${filters.mine ? '' : filters.responsible} disabled=${filters.mine}
          onChange=${(v) => setF({ responsible: v })} empty=${t('common.any')} options=${users.map((u) => ({ value: u.id, label: u.name }))} /></label>
      <label class="check filter-check"><input type="checkbox" data-testid="filter-mine" checked=${filters.mine}
        onChange=${(e) => setF({ mine: e.currentTarget.checked })} /> ${t('deals.mine')}</label>
      <label class="filter-company">${t('f.company')}
        <${RecordPicker} kind="company" name="filter-company" value=${filters.company} onChange=${(id) => setF({ company: id })} /></label>
      <${CustomFieldFilters} entity="deal" pipelineId=${pipeline.id} value=${filters.cf} onChange=${(cf) => setF({ cf })} />
      ${filtered ? html`<button class="btn btn-link" data-testid="filters-reset" onClick=${() => setFilters({ responsible: '', mine: false, company: null, cf: {} })}>${t('common.reset')}</button>` : null}
      <span class="spacer"></span>
      ${data ? html`<span class="muted small rates-note" data-testid="rates-note">${t('board.sums_note', { base, day: fmtDay(data.rate_day) })}</span>` : null}
    </div>
    <${ErrorBox} error=${error} />
    ${!data ? (error ? null : html`<${Spinner} />`) : html`
    <div class="board" ref=${scrollerRef} data-testid="board">
      ${data.columns.map((col) => {
        const s = col.stage;
        const over = drag && drag.over === s.id && drag.from !== s.id;
        return html`<section key=${s.id} class=${'board-col kind-' + s.kind + (over ? ' drop-over' : '')} data-stage-id=${s.id}
            data-testid=${'board-column-' + s.id} style=${{ '--stage-color': s.color || '#9aa4b2' }} aria-label=${s.name}>
          <header class="board-col-head">
            <div class="board-col-title"><span class="board-col-name" title=${s.name}>${s.name}</span>
              <span class="count" data-testid=${'column-count-' + s.id}>${fmtNumber(col.count)}</span></div>
            <div class="board-col-sum" data-testid=${'column-sum-' + s.id} title=${t('board.sum_hint', { base, day: fmtDay(data.rate_day) })}>${fmtMoney(col.sum_base, data.base_currency)}</div>
            ${col.unconverted > 0 ? html`<div class="board-col-unconv" title=${t('board.unconverted_hint')}>${t('board.unconverted', { n: col.unconverted })}</div>` : null}
            ${s.kind === 'open' ? html`<button class="btn btn-small btn-block quick-add-btn" data-testid=${'quick-add-' + s.id}
              aria-expanded=${quick === s.id} onClick=${() => setQuick(quick === s.id ? null : s.id)}>+ ${t('board.quick_add')}</button>` : null}
          </header>
          ${quick === s.id ? html`<${QuickAdd} pipeline=${pipeline} stage=${s} base=${data.base_currency}
            onDone=${(created) => { setQuick(null); if (created) loadRef.current(); }} />` : null}
          <div class="board-cards">
            ${col.cards.length === 0 ? html`<div class="board-empty muted">${t('board.empty_column')}</div>` : null}
            ${col.cards.map((c) => html`<${DealCard} key=${c.id} card=${c} stage=${s} stages=${stages} base=${data.base_currency}
              companyName=${c.company_name || cname(c.company_id)} dragging=${drag && drag.id === c.id}
              onPointerDown=${(e) => onPointerDown(e, c, s.id)} onMove=${(to) => move(c.id, to)} />`)}
            ${col.more ? html`<button class="btn btn-small btn-block" data-testid=${'column-more-' + s.id} disabled=${col.loadingMore}
              onClick=${() => loadMore(col)}>${col.loadingMore ? t('app.loading') : t('common.load_more')}</button>` : null}
          </div>
        </section>`;
      })}
    </div>`}
  </div>`;
}

function DealCard({ card, stage, stages, base, companyName, dragging, onPointerDown, onMove }) {
  const st = useStore();
  const [menu, setMenu] = useState(false);
  const days = daysSince(card.stage_changed_at);
  const showBase = card.base_amount != null && card.currency !== base;
  return html`<article class=${'deal-card' + (dragging ? ' is-dragging' : '')} data-testid=${'deal-card-' + card.id} data-deal-id=${card.id}
      onPointerDown=${onPointerDown} onDragStart=${(e) => e.preventDefault()}>
    <div class="deal-card-top">
      <span class="drag-grip" aria-hidden="true" title=${t('board.drag_hint')}>⠿</span>
      <${Link} class="deal-card-title" href=${'/deals/' + card.id} draggable="false">${card.title}<//>
      <button class="btn btn-icon card-menu-btn" aria-haspopup="menu" aria-expanded=${menu} data-testid=${'card-menu-' + card.id}
        aria-label=${t('board.move_to_named', { title: card.title })} title=${t('board.move_to')} onClick=${() => setMenu(!menu)}>⋯</button>
    </div>
    ${card.amount != null ? html`<div class="deal-card-amount"><strong>${fmtMoney(card.amount, card.currency)}</strong>
      ${showBase ? html`<span class="muted small"> ≈ ${fmtMoney(card.base_amount, base)}</span>` : null}</div>` : null}
    ${card.company_id != null ? html`<div class="deal-card-company">▦ ${companyName || '#' + card.company_id}</div>` : null}
    <div class="deal-card-meta muted small">
      <span>${card.responsible_id != null ? userName(card.responsible_id) : t('common.none')}</span>
      ${days != null ? html`<span title=${t('board.in_stage_since', { at: fmtDateTime(card.stage_changed_at) })}>${days === 0 ? t('board.today') : t('board.days', { n: days })}</span>` : null}
    </div>
    ${menu ? html`<${MoveMenu} stages=${stages} current=${stage.id} onClose=${() => setMenu(false)}
      onPick=${(id) => { setMenu(false); onMove(id); }} />` : null}
  </article>`;
}

// "Move to…" menu: the keyboard and touch alternative to dragging.
function MoveMenu({ stages, current, onPick, onClose }) {
  const ref = useRef();
  useEffect(() => {
    const el = ref.current;
    const first = el && el.querySelector('button:not([disabled])');
    if (first) first.focus();
    const onDoc = (e) => { if (el && !el.contains(e.target) && !e.target.closest('.card-menu-btn')) onClose(); };
    document.addEventListener('pointerdown', onDoc);
    return () => document.removeEventListener('pointerdown', onDoc);
  }, []);
  const onKeyDown = (e) => {
    const items = [...ref.current.querySelectorAll('button:not([disabled])')];
    const i = items.indexOf(document.activeElement);
    if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); onClose(); const b = ref.current.parentElement.querySelector('.card-menu-btn'); b && b.focus(); }
    else if (e.key === 'ArrowDown') { e.preventDefault(); items[(i + 1) % items.length].focus(); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); items[(i - 1 + items.length) % items.length].focus(); }
  };
  return html`<div class="menu card-menu" role="menu" ref=${ref} onKeyDown=${onKeyDown} data-testid="move-menu">
    <div class="muted small menu-caption">${t('board.move_to')}</div>
    ${stages.map((s) => html`<button role="menuitem" class="menu-item" disabled=${s.id === current} data-testid=${'move-to-' + s.id}
      onClick=${() => onPick(s.id)}><${StageDot} stage=${s} /> ${s.name}</button>`)}
  </div>`;
}

function QuickAdd({ pipeline, stage, base, onDone }) {
  const st = useStore();
  const defs = useCustomFields('deal');
  const [f, setF] = useState({ title: '', amount: '', currency: base });
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  const [custom, setCustom] = useState(() => defaultCustom(defs, pipeline.id));
  const titleRef = useRef();
  useEffect(() => { if (titleRef.current) titleRef.current.focus(); }, []);
  const cur = ((st.currencies && st.currencies.items) || []).filter((c) => c.active || c.code === f.currency);
  const submit = async (e) => {
    e.preventDefault();
    const amount = parseDecimal(f.amount);
    if (!f.title.trim()) { setErr({ title: t('field.required') }); return; }
    if (amount === null) { setErr({ amount: t('deals.bad_amount') }); return; }
    setBusy(true); setErr(null);
    try {
      const body = { title: f.title.trim(), pipeline_id: pipeline.id, stage_id: stage.id, currency: f.currency || base, responsible_id: st.session.user.id,
        custom: cleanCustom({ ...defaultCustom(defs, pipeline.id), ...custom }, defs, pipeline.id) };
      if (amount !== '') body.amount = amount;
      await api.post('/deals', body);
      toast(t('deals.created'));
      loadCounts();
      onDone(true);
    } catch (x) {
      setBusy(false);
      const fe = fieldErrors(x);
      const cust = {};
      for (const k of Object.keys(fe)) if (k.startsWith('custom.')) cust[k] = fe[k];
      const shown = (k) => k === 'title' || k === 'amount' || k === 'currency'
        || (k.startsWith('custom.') && (defs || []).some((d) => 'custom.' + d.id === k && d.required && d.default == null));
      if (Object.keys(fe).some((k) => !shown(k))) setErr({ ...fe, custom: cust, form: t('board.quick_needs_form') });
      else setErr(Object.keys(fe).length ? { ...fe, custom: cust } : { form: errorText(x) });
    }
  };
  const full = '/deals/new' + qs({ pipeline_id: pipeline.id, stage_id: stage.id, title: f.title.trim() });
  return html`<form class="quick-add" onSubmit=${submit} data-testid=${'quick-add-form-' + stage.id} novalidate
      onKeyDown=${(e) => { if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); onDone(false); } }}>
    <input type="text" aria-label=${t('f.title')} placeholder=${t('f.title')} value=${f.title} data-testid="quick-title" ref=${titleRef}
      onInput=${(e) => setF({ ...f, title: e.currentTarget.value })} maxlength="300" />
    ${err && err.title ? html`<div class="field-error">${err.title}</div>` : null}
    <div class="money-input">
      <input type="text" inputmode="decimal" aria-label=${t('f.amount')} placeholder="0.00" value=${f.amount} data-testid="quick-amount"
        onInput=${(e) => setF({ ...f, amount: e.currentTarget.value })} />
      <select aria-label=${t('f.currency')} data-testid="quick-currency" onChange=${(e) => setF({ ...f, currency: e.currentTarget.value })}>
        ${(cur.length ? cur : [{ code: base }]).map((c) => html`<option value=${c.code} selected=${c.code === f.currency}>${c.code}</option>`)}
      </select>
    </div>
    ${err && err.amount ? html`<div class="field-error">${err.amount}</div>` : null}
    <${CustomFieldsForm} entity="deal" pipelineId=${pipeline.id} value=${custom} onChange=${setCustom} errors=${(err && err.custom) || {}}
      only=${(d) => d.required && (d.default === null || d.default === undefined)} compact />
    ${err && err.form ? html`<div class="field-error">${err.form} <${Link} href=${full}>${t('board.open_full_form')}<//></div>` : null}
    <div class="quick-actions">
      <button class="btn btn-primary btn-small" type="submit" disabled=${busy} data-testid="quick-save">${t('common.add')}</button>
      <button class="btn btn-small" type="button" onClick=${() => onDone(false)}>${t('common.cancel')}</button>
      <${Link} class="btn btn-link btn-small" href=${full}>${t('board.full_form')}<//>
    </div>
  </form>`;
}

// ---------- list ----------

function useDealsPaged(params) {
  const [st, setSt] = useState({ items: null, next: null, total: null, totals: null, base: '', rateDay: null, error: null, loadingMore: false });
  const key = JSON.stringify(params);
  useEffect(() => {
    let live = true;
    setSt((s) => ({ ...s, items: null, error: null }));
    api.get('/deals' + qs({ ...params, limit: 50 }))
      .then((r) => live && setSt({ items: r.items || [], next: r.next_cursor, total: r.total, totals: r.totals, base: r.base_currency, rateDay: r.rate_day, error: null, loadingMore: false }))
      .catch((e) => live && setSt({ items: [], next: null, total: null, totals: null, base: '', rateDay: null, error: e, loadingMore: false }));
    return () => { live = false; };
  }, [key]);
  const more = async () => {
    if (!st.next) return;
    setSt({ ...st, loadingMore: true });
    try {
      const r = await api.get('/deals' + qs({ ...params, limit: 50, cursor: st.next }));
      setSt({ ...st, items: [...st.items, ...(r.items || [])], next: r.next_cursor, total: r.total ?? st.total, loadingMore: false });
    } catch (e) { setSt({ ...st, loadingMore: false, error: e }); }
  };
  return [st, more];
}

const LIST_SORTS = [['title', 'f.title'], ['amount', 'deals.amount_base'], ['close', 'f.expected_close'], ['updated', 'f.updated_at'], ['created', 'f.created_at']];
const emptyListFilters = () => ({ pipeline_id: '', stage_id: '', responsible_id: '', mine: false, company_id: null,
  created_from: '', created_to: '', close_from: '', close_to: '', amount_min: '', amount_max: '', cf: {} });

function DealsList({ pipelines }) {
  const st = useStore();
  const defs = useCustomFields('deal');
  const [sort, setSort] = useState('-created');
  const [moreFilters, setMoreFilters] = useState(false);
  const [f, setF] = useState(() => {
    try { return { ...emptyListFilters(), ...JSON.parse(sessionStorage.getItem('korobka.deals.list.filters') || '{}') }; }
    catch { return emptyListFilters(); }
  });
  useEffect(() => { sessionStorage.setItem('korobka.deals.list.filters', JSON.stringify(f)); }, [f]);
  const set = (patch) => setF({ ...f, ...patch });
  const amin = parseDecimal(f.amount_min); const amax = parseDecimal(f.amount_max);
  const params = {
    sort, pipeline_id: f.pipeline_id, stage_id: f.stage_id, responsible_id: f.mine ? '' : f.responsible_id, mine: f.mine ? 'true' : '',
    company_id: f.company_id ?? '', created_from: f.created_from, created_to: f.created_to, close_from: f.close_from, close_to: f.close_to,
    amount_min: amin || '', amount_max: amax || '', ...cfParams(f.cf),
  };
  const [list, more] = useDealsPaged(params);
  const cname = useRecordNames('company', (list.items || []).map((d) => d.company_id));
  const users = (st.users || []).filter((u) => u.active || String(u.id) === String(f.responsible_id));
  const pipe = pipelines.find((p) => String(p.id) === String(f.pipeline_id));
  const stageOpts = pipe ? sortedStages(pipe).map((s) => ({ value: s.id, label: s.name }))
    : pipelines.flatMap((p) => sortedStages(p).map((s) => ({ value: s.id, label: (pipelines.length > 1 ? p.name + ' · ' : '') + s.name })));
  const cols = activeDefs(defs, f.pipeline_id || null).filter((d) => d.show_in_list);
  const filtered = JSON.stringify(f) !== JSON.stringify(emptyListFilters());
  const totals = list.totals;
  const work = useWorkCounts('deal', list.items);
  const ncol = 9 + cols.length;
  const sortOpts = LIST_SORTS.flatMap(([k, label]) => [{ value: k, label: t(label) + ' ▲' }, { value: '-' + k, label: t(label) + ' ▼' }]);
  return html`<div data-testid="deals-list">
    <div class=${'filters deal-filters' + (moreFilters ? ' show-more' : '')} role="group" aria-label=${t('common.filters')}>
      <label>${t('f.pipeline')}
        <${Select} name="filter-pipeline" value=${f.pipeline_id} empty=${t('common.any')} onChange=${(v) => set({ pipeline_id: v, stage_id: '' })}
          options=${pipelines.map((p) => ({ value: p.id, label: p.name }))} /></label>
      <label>${t('f.stage')}
        <${Select} name="filter-stage" value=${f.stage_id} empty=${t('common.any')} onChange=${(v) => set({ stage_id: v })} options=${stageOpts} /></label>
      <label>${t('f.responsible')}
        <${Select} name="filter-responsible" value=${f.mine ? '' : f.responsible_id} disabled=${f.mine} empty=${t('common.any')}
          onChange=${(v) => set({ responsible_id: v })} options=${users.map((u) => ({ value: u.id, label: u.name }))} /></label>
      <label class="check filter-check"><input type="checkbox" data-testid="filter-mine" checked=${f.mine} onChange=${(e) => set({ mine: e.currentTarget.checked })} /> ${t('deals.mine')}</label>
      <label class="filter-company">${t('f.company')}
        <${RecordPicker} kind="company" name="filter-company" value=${f.company_id} onChange=${(id) => set({ company_id: id })} /></label>
      <div class="range" role="group" aria-labelledby="rl-created"><span class="range-label" id="rl-created">${t('f.created_at')}</span><div class="range-inputs">
        <input type="date" aria-label=${t('f.created_at') + ' ' + t('deals.from')} data-testid="filter-created-from" value=${f.created_from} onChange=${(e) => set({ created_from: e.currentTarget.value })} />
        <span aria-hidden="true">–</span>
        <input type="date" aria-label=${t('f.created_at') + ' ' + t('deals.to')} data-testid="filter-created-to" value=${f.created_to} onChange=${(e) => set({ created_to: e.currentTarget.value })} /></div></div>
      <div class="range" role="group" aria-labelledby="rl-close"><span class="range-label" id="rl-close">${t('f.expected_close')}</span><div class="range-inputs">
        <input type="date" aria-label=${t('f.expected_close') + ' ' + t('deals.from')} data-testid="filter-close-from" value=${f.close_from} onChange=${(e) => set({ close_from: e.currentTarget.value })} />
        <span aria-hidden="true">–</span>
        <input type="date" aria-label=${t('f.expected_close') + ' ' + t('deals.to')} data-testid="filter-close-to" value=${f.close_to} onChange=${(e) => set({ close_to: e.currentTarget.value })} /></div></div>
      <div class=${'range range-amount' + (amin === null || amax === null ? ' has-error' : '')} role="group" aria-labelledby="rl-amount">
        <span class="range-label" id="rl-amount">${t('deals.amount_in', { base: list.base || (st.currencies && st.currencies.base) || '' })}</span><div class="range-inputs">
        <${DebouncedInput} name="filter-amount-min" type="text" inputmode="decimal" placeholder=${t('deals.from')} aria-label=${t('deals.from')} value=${f.amount_min} onChange=${(v) => set({ amount_min: v })} />
        <span aria-hidden="true">–</span>
        <${DebouncedInput} name="filter-amount-max" type="text" inputmode="decimal" placeholder=${t('deals.to')} aria-label=${t('deals.to')} value=${f.amount_max} onChange=${(v) => set({ amount_max: v })} /></div></div>
      <${CustomFieldFilters} entity="deal" pipelineId=${f.pipeline_id || null} value=${f.cf} onChange=${(cf) => set({ cf })} />
      <button class="btn btn-small more-filters-btn" aria-expanded=${moreFilters} onClick=${() => setMoreFilters(!moreFilters)}>
        ${moreFilters ? t('deals.fewer_filters') : t('deals.more_filters')}</button>
      ${filtered ? html`<button class="btn btn-link" data-testid="filters-reset" onClick=${() => setF(emptyListFilters())}>${t('common.reset')}</button>` : null}
      <label class="sort-select">${t('common.sort')}
        <${Select} name="sort" value=${sort} onChange=${setSort} options=${sortOpts} /></label>
    </div>
    <${ErrorBox} error=${list.error} />
    <div class="table-wrap">
      <table class="table deals-table" data-testid="deals-table">
        <thead><tr>
          <${SortTh} field="title" label=${t('f.title')} sort=${sort} setSort=${setSort} />
          <${WorkTh} />
          <th>${t('f.stage')}</th><th>${t('f.company')}</th><th>${t('f.responsible')}</th>
          <th class="num">${t('f.amount')}</th>
          <${SortTh} field="amount" label=${t('deals.amount_in', { base: list.base || '' })} sort=${sort} setSort=${setSort} cls="num" />
          ${cols.map((d) => html`<th key=${d.id}>${cfLabel(d)}</th>`)}
          <${SortTh} field="close" label=${t('f.expected_close')} sort=${sort} setSort=${setSort} />
          <${SortTh} field="updated" label=${t('f.updated_at')} sort=${sort} setSort=${setSort} />
        </tr></thead>
        <tbody>
          ${list.items === null ? html`<tr><td colspan=${ncol}><${Spinner} /></td></tr>`
            : list.items.length === 0 ? html`<tr><td colspan=${ncol} class="empty">${filtered ? t('deals.empty_filtered') : t('deals.empty')}</td></tr>`
            : list.items.map((d) => {
              const s = stageById(pipelines, d.stage_id) || stageById(st.pipelines, d.stage_id);
              return html`<tr key=${d.id} data-testid=${'deal-row-' + d.id}>
                <td data-label=${t('f.title')}><${Link} href=${'/deals/' + d.id} class="strong">${d.title}<//></td>
                <${WorkCell} c=${work[d.id]} id=${d.id} />
                <td data-label=${t('f.stage')}><${StageName} stage=${s} id=${d.stage_id} /></td>
                <td data-label=${t('f.company')}>${d.company_id != null ? html`<${Link} href=${'/companies/' + d.company_id}>${d.company_name || cname(d.company_id) || '#' + d.company_id}<//>` : null}</td>
                <td data-label=${t('f.responsible')}>${d.responsible_id != null ? userName(d.responsible_id) : null}</td>
                <td data-label=${t('f.amount')} class="num nowrap">${fmtMoney(d.amount, d.currency)}</td>
                <td data-label=${t('deals.amount_in', { base: list.base })} class="num nowrap"
                  title=${d.rate ? t('deals.rate_title', { rate: d.rate, cur: d.currency, base: list.base, day: fmtDay(d.rate_date) }) : ''}>
                  ${d.base_amount != null ? fmtMoney(d.base_amount, list.base) : html`<span class="warn-text" title=${t('deals.no_rate')}>${t('deals.no_rate_short')}</span>`}</td>
                ${cols.map((c) => html`<td key=${c.id} data-label=${cfLabel(c)}><${CfValue} def=${c} value=${(d.custom || {})[String(c.id)]} short /></td>`)}
                <td data-label=${t('f.expected_close')} class="nowrap" title=${d.expected_close ? fmtDay(d.expected_close) : ''}>${d.expected_close ? fmtDayShort(d.expected_close) : null}</td>
                <td data-label=${t('f.updated_at')} class="nowrap muted" title=${fmtDateTime(d.updated_at)}>${fmtDateShort(d.updated_at)}</td>
              </tr>`;
            })}
        </tbody>
      </table>
    </div>
    <div class="list-footer">
      <span class="muted" data-testid="list-total">${list.total != null ? t('common.total', { n: fmtNumber(list.total) }) : ''}
        ${list.total != null && list.items && list.items.length < list.total ? ' · ' + t('common.shown', { n: fmtNumber(list.items.length) }) : ''}</span>
      ${list.next ? html`<button class="btn" data-testid="load-more" disabled=${list.loadingMore} onClick=${more}>${list.loadingMore ? t('app.loading') : t('common.load_more')}</button>` : null}
    </div>
    ${totals ? html`<section class="panel totals" data-testid="deals-totals">
      <h2>${t('deals.totals')}</h2>
      <table class="totals-table">
        <tbody>
          ${(totals.by_currency || []).map((x) => html`<tr><th scope="row">${x.currency}</th>
            <td class="num nowrap">${fmtMoney(x.amount, x.currency)}</td><td class="muted">${t('deals.n_deals', { n: fmtNumber(x.count) })}</td></tr>`)}
        </tbody>
        <tfoot><tr><th scope="row">${t('deals.grand_total', { base: list.base })}</th>
          <td class="num nowrap strong" data-testid="grand-total">${fmtMoney(totals.base_total, list.base)}</td><td></td></tr></tfoot>
      </table>
      <p class="muted small" data-testid="totals-rule">${t('deals.totals_rule', { day: fmtDay(list.rateDay) })}
        ${totals.unconverted > 0 ? html` <strong class="warn-text">${t('deals.totals_unconverted', { n: totals.unconverted })}</strong>` : null}</p>
    </section>` : null}
  </div>`;
}

// ---------- record page ----------

function StageBar({ pipeline, deal, onMove }) {
  const stages = sortedStages(pipeline);
  const cur = stages.findIndex((s) => s.id === deal.stage_id);
  const current = stages[cur];
  const ref = useRef();
  useEffect(() => { // on a narrow screen keep the current stage in view
    const nav = ref.current; const el = nav && nav.querySelector('.current');
    if (el && nav.scrollWidth > nav.clientWidth) nav.scrollLeft = el.offsetLeft - nav.offsetLeft - nav.clientWidth / 2 + el.offsetWidth / 2;
  }, [deal.stage_id]);
  return html`<nav class="stage-bar" aria-label=${t('f.stage')} data-testid="stage-bar" ref=${ref}>
    ${stages.map((s, i) => {
      const isCur = s.id === deal.stage_id;
      const passed = current && current.kind === 'open' && s.kind === 'open' && i < cur;
      const done = current && current.kind === 'won' && s.kind === 'open';
      return html`<button class=${'stage-step kind-' + s.kind + (isCur ? ' current' : '') + (passed || done ? ' passed' : '')}
        style=${{ '--stage-color': s.color || '#9aa4b2' }} aria-current=${isCur ? 'step' : undefined} data-testid=${'stage-step-' + s.id}
        disabled=${isCur} title=${isCur ? t('deals.current_stage') : t('deals.move_here', { name: s.name })} onClick=${() => onMove(s)}>${s.name}</button>`;
    })}
  </nav>`;
}

const HIST_LABELS = {
  title: 'f.title', pipeline_id: 'f.pipeline', stage_id: 'f.stage', amount: 'f.amount', currency: 'f.currency', company_id: 'f.company',
  contact_ids: 'f.contacts', customer_side_id: 'f.customer_side', responsible_id: 'f.responsible', observer_ids: 'f.observers',
  expected_close: 'f.expected_close', probability: 'f.probability', source_id: 'f.source', type_id: 'f.deal_type', closed_at: 'f.closed_at',
};

function DealHistory({ items, pipelines, defs }) {
  const st = useStore();
  if (!items) return html`<${Spinner} />`;
  if (items.length === 0) return html`<p class="muted">${t('history.empty')}</p>`;
  const none = html`<span class="muted">${t('common.none')}</span>`;
  const label = (field) => {
    const m = /^custom\.(\d+)$/.exec(field);
    if (m) { const d = (defs || []).find((x) => String(x.id) === m[1]); return d ? cfLabel(d) : field; }
    return HIST_LABELS[field] ? t(HIST_LABELS[field]) : field;
  };
  const val = (field, v) => {
    if (v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length)) return none;
    const m = /^custom\.(\d+)$/.exec(field);
    if (m) { const d = (defs || []).find((x) => String(x.id) === m[1]); return d ? html`<${CfValue} def=${d} value=${v} short />` : JSON.stringify(v); }
    switch (field) {
      case 'stage_id': return html`<${StageName} stage=${stageById(pipelines, v)} id=${v} />`;
      case 'pipeline_id': { const p = (pipelines || []).find((x) => x.id === v); return p ? p.name : '#' + v; }
      case 'responsible_id': return userName(v);
      case 'observer_ids': return v.map((x) => userName(x)).join(', ');
      case 'company_id': return html`<${RecordLink} kind="company" id=${v} />`;
      case 'customer_side_id': return html`<${RecordLink} kind="contact" id=${v} />`;
      case 'contact_ids': return v.map((x, i) => html`${i ? ', ' : ''}<${RecordLink} kind="contact" id=${x} />`);
      case 'source_id': return refLabel((st.leadSources || []).find((x) => x.id === v)) || '#' + v;
      case 'type_id': return refLabel((st.dealTypes || []).find((x) => x.id === v)) || '#' + v;
      case 'expected_close': return fmtDay(v);
      case 'probability': return v + '%';
      case 'amount': return fmtAmount(v);
      default:
        if (typeof v === 'boolean') return v ? t('common.yes') : t('common.no');
        if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v)) return fmtDateTime(v);
        if (typeof v === 'object') return JSON.stringify(v);
        return String(v);
    }
  };
  // a change of the whole `custom` object: show it per field
  const HIDDEN = ['stage_changed_at', 'updated_at', 'updated_by'];
  const expand = (changes) => changes.filter((c) => !HIDDEN.includes(c.field)).flatMap((c) => {
    if (c.field !== 'custom' || typeof c.old !== 'object' || typeof c.new !== 'object') return [c];
    const o = c.old || {}; const n = c.new || {};
    return [...new Set([...Object.keys(o), ...Object.keys(n)])].filter((k) => JSON.stringify(o[k]) !== JSON.stringify(n[k]))
      .map((k) => ({ field: 'custom.' + k, old: o[k], new: n[k] }));
  });
  return html`<ol class="history" data-testid="history">
    ${items.map((e) => html`<li>
      <div class="history-head"><strong>${e.user_name || (e.user_id != null ? userName(e.user_id) : t('common.system'))}</strong>
        ${' '}<span>${t('history.' + (e.action || 'updated'))}</span>
        ${' '}<time class="muted" datetime=${e.at}>${fmtDateTime(e.at)}</time></div>
      ${e.action !== 'created' && e.changes && e.changes.length ? html`<ul class="changes">
        ${expand(e.changes).map((c) => html`<li><span class="ch-field">${label(c.field)}:</span>
          <span class="ch-old">${val(c.field, c.old)}</span> → <span class="ch-new">${val(c.field, c.new)}</span></li>`)}
      </ul>` : null}
    </li>`)}
  </ol>`;
}

export function DealView({ params }) {
  const st = useSalesRefs();
  const id = params.id;
  const [d, setD] = useState(null);
  const [err, setErr] = useState(null);
  const [hist, setHist] = useState(null);
  const [log, setLog] = useState(null);
  const [busy, setBusy] = useState(false);
  const [ask, dialog] = useConfirm();
  const defs = useCustomFields('deal');
  const reloadSide = () => {
    setHist((n) => (n || 0) + 1); // the timeline (with the history) reloads
    api.get(`/deals/${id}/stages`).then((r) => setLog(r.items || [])).catch(() => setLog([]));
  };
  useEffect(() => {
    api.get('/deals/' + id).then(setD).catch(setErr);
    reloadSide();
    loadLeadSources().catch(() => {}); loadDealTypes().catch(() => {});
  }, [id]);
  // another user changed this deal: show it
  useEffect(() => subscribe((m) => {
    if (m.event !== 'deal' && m.event !== 'reconnected') return;
    if (m.event === 'deal' && String(m.data.deal_id) !== String(id)) return;
    if (m.event === 'deal' && m.data.type === 'deleted') { setErr({ status: 404 }); return; }
    api.get('/deals/' + id).then(setD).catch(() => {});
    reloadSide();
  }), [id]);
  if (err) return err.status === 404 ? html`<${NotFound} />` : html`<div class="page"><${ErrorBox} error=${err} /></div>`;
  if (!d || !st.pipelines) return html`<${Spinner} />`;
  const pipeline = st.pipelines.find((p) => p.id === d.pipeline_id);
  const stage = stageById(st.pipelines, d.stage_id);
  const base = (st.currencies && st.currencies.base) || '';
  const move = async (s) => {
    if (s.kind !== 'open' && !(await ask(t(s.kind === 'won' ? 'deals.confirm_won' : 'deals.confirm_lost', { title: d.title, stage: s.name }), s.name))) return;
    setBusy(true);
    try {
      setD(await api.post(`/deals/${id}/move`, { stage_id: s.id }));
      toast(t('deals.moved', { stage: s.name }));
      loadCounts();
      reloadSide();
    } catch (e) { toast(errorText(e), 'error'); }
    setBusy(false);
  };
  const del = async () => {
    if (!(await ask(t('deals.delete_q', { title: d.title })))) return;
    try {
      await api.del('/deals/' + id);
      toast(t('common.deleted'));
      loadCounts();
      navigate('/deals');
    } catch (e) { toast(errorText(e), 'error'); }
  };
  const src = (st.leadSources || []).find((x) => x.id === d.source_id);
  const typ = (st.dealTypes || []).find((x) => x.id === d.type_id);
  return html`<div class="page" data-testid="deal-page">
    <${PageHead} title=${d.title} back=${{ href: '/deals', label: t('deals.title') }}>
      <${Link} class="btn" href=${`/deals/${id}/edit`} data-testid="edit">${t('common.edit')}<//>
      <button class="btn btn-danger-outline" data-testid="delete" onClick=${del}>${t('common.delete')}</button>
    <//>
    ${pipeline ? html`<div class=${'stage-bar-wrap' + (busy ? ' busy' : '')}><span class="muted small">${pipeline.name}</span>
      <${StageBar} pipeline=${pipeline} deal=${d} onMove=${move} /></div>` : null}
    <div class="record-grid">
      <section class="panel">
        <h2>${t('companies.details')}</h2>
        <dl class="props">
          <dt>${t('f.amount')}</dt><dd data-testid="deal-amount"><strong>${fmtMoney(d.amount, d.currency)}</strong>
            ${d.currency !== base && d.base_amount != null ? html`<div class="muted small">≈ ${fmtMoney(d.base_amount, base)} · ${t('deals.rate_title', { rate: d.rate, cur: d.currency, base, day: fmtDay(d.rate_date) })}</div>` : null}
            ${d.currency !== base && d.base_amount == null ? html`<div class="warn-text small">${t('deals.no_rate')}</div>` : null}</dd>
          <dt>${t('f.stage')}</dt><dd data-testid="deal-stage"><${StageName} stage=${stage} id=${d.stage_id} />
            ${d.stage_changed_at ? html`<span class="muted small"> · ${t('board.in_stage_since', { at: fmtDateTime(d.stage_changed_at) })}</span>` : null}</dd>
          <dt>${t('f.company')}</dt><dd><${RecordLink} kind="company" id=${d.company_id} /></dd>
          <dt>${t('f.contacts')}</dt><dd>${(d.contact_ids || []).length ? d.contact_ids.map((c) => html`<div><${RecordLink} kind="contact" id=${c} /></div>`) : t('common.none')}</dd>
          <dt>${t('f.customer_side')}</dt><dd><${RecordLink} kind="contact" id=${d.customer_side_id} /></dd>
          <dt>${t('f.responsible')}</dt><dd>${userName(d.responsible_id)}</dd>
          <dt>${t('f.observers')}</dt><dd>${(d.observer_ids || []).length ? d.observer_ids.map((u) => userName(u)).join(', ') : t('common.none')}</dd>
          <dt>${t('f.expected_close')}</dt><dd>${d.expected_close ? fmtDay(d.expected_close) : t('common.none')}</dd>
          <dt>${t('f.probability')}</dt><dd>${d.probability != null ? d.probability + '%' : t('common.none')}</dd>
          <dt>${t('f.source')}</dt><dd>${src ? refLabel(src) : d.source_id != null ? '#' + d.source_id : t('common.none')}</dd>
          <dt>${t('f.deal_type')}</dt><dd>${typ ? refLabel(typ) : d.type_id != null ? '#' + d.type_id : t('common.none')}</dd>
          <${CustomFieldsView} entity="deal" value=${d.custom} pipelineId=${d.pipeline_id} />
          ${d.lead_id != null ? html`<dt>${t('deals.from_lead')}</dt><dd><${Link} href=${'/leads/' + d.lead_id}>#${d.lead_id}<//></dd>` : null}
          ${d.closed_at ? html`<dt>${t('f.closed_at')}</dt><dd>${fmtDateTime(d.closed_at)}</dd>` : null}
          <dt>${t('f.created_at')}</dt><dd>${fmtDateTime(d.created_at)} · ${userName(d.created_by)}</dd>
          <dt>${t('f.updated_at')}</dt><dd>${fmtDateTime(d.updated_at)} · ${userName(d.updated_by)}</dd>
        </dl>
      </section>
      <section class="panel">
        <h2>${t('deals.stage_log')}</h2>
        ${log === null ? html`<${Spinner} />` : log.length === 0 ? html`<p class="muted">${t('history.empty')}</p>` : html`
        <table class="table stage-log" data-testid="stage-log">
          <thead><tr><th>${t('f.stage')}</th><th>${t('deals.entered')}</th><th class="num">${t('deals.time_in_stage')}</th></tr></thead>
          <tbody>${log.map((x) => html`<tr>
            <td data-label=${t('f.stage')}><${StageName} stage=${stageById(st.pipelines, x.stage_id)} id=${x.stage_id} /></td>
            <td data-label=${t('deals.entered')}>${fmtDateTime(x.entered_at)}${x.by != null ? html`<div class="muted small">${userName(x.by)}</div>` : null}</td>
            <td data-label=${t('deals.time_in_stage')} class="num">${humanDuration(x.seconds)}${x.left_at ? null : html`<div class="muted small">${t('deals.so_far')}</div>`}</td>
          </tr>`)}</tbody>
        </table>`}
      </section>
      <section class="panel span2">
        <h2>${t('timeline.title')}</h2>
        <${Timeline} kind="deal" id=${id} version=${hist}
          renderHistory=${(e) => html`<${DealHistory} items=${[e]} pipelines=${st.pipelines} defs=${defs} />`} />
      </section>
    </div>
    ${dialog}
  </div>`;
}

// ---------- form ----------

export function DealForm({ params }) {
  const st = useSalesRefs();
  const id = params.id;
  const defs = useCustomFields('deal');
  const [f, setF] = useState(null);
  const [loadErr, setLoadErr] = useState(null);
  const [error, setError] = useState(null);
  const [local, setLocal] = useState({});
  const [busy, setBusy] = useState(false);
  useEffect(() => { loadLeadSources().catch(() => {}); loadDealTypes().catch(() => {}); }, []);
  useEffect(() => {
    if (id) {
      api.get('/deals/' + id).then((d) => setF({
        title: d.title || '', pipeline_id: d.pipeline_id, stage_id: d.stage_id, amount: d.amount ?? '', currency: d.currency || '',
        company_id: d.company_id, contact_ids: d.contact_ids || [], customer_side_id: d.customer_side_id, responsible_id: d.responsible_id ?? '',
        observer_ids: d.observer_ids || [], expected_close: d.expected_close || '', probability: d.probability ?? '',
        source_id: d.source_id ?? '', type_id: d.type_id ?? '', custom: d.custom || {},
      })).catch(setLoadErr);
    }
  }, [id]);
  // a new deal: presets from the query once pipelines, currencies and field definitions are known
  useEffect(() => {
    if (id || f || !st.pipelines || !defs) return;
    const q = query();
    const p = rememberedPipeline(st.pipelines);
    const stages = sortedStages(p);
    const want = q.get('stage_id');
    const stg = stages.find((s) => String(s.id) === want) || stages[0];
    setF({
      title: q.get('title') || '', pipeline_id: p ? p.id : '', stage_id: stg ? stg.id : '', amount: '', currency: (st.currencies && st.currencies.base) || '',
      company_id: q.get('company_id') ? Number(q.get('company_id')) : null, contact_ids: q.get('contact_id') ? [Number(q.get('contact_id'))] : [],
      customer_side_id: null, responsible_id: st.session.user.id, observer_ids: [], expected_close: '', probability: '',
      source_id: '', type_id: '', custom: defaultCustom(defs, p ? p.id : null),
    });
  }, [id, !!st.pipelines, !!defs]);
  useEffect(() => { if (f && !f.currency && st.currencies) setF({ ...f, currency: st.currencies.base }); }, [!!f, !!st.currencies]);
  const backTo = id ? '/deals/' + id : '/deals';
  const cancel = useCallback(() => navigate(backTo), [backTo]);
  useEscape(cancel);
  if (loadErr) return loadErr.status === 404 ? html`<${NotFound} />` : html`<div class="page"><${ErrorBox} error=${loadErr} /></div>`;
  if (!f || !st.pipelines) return html`<${Spinner} />`;
  const set = (k) => (v) => setF({ ...f, [k]: v });
  const errs = { ...fieldErrors(error), ...local };
  const pipelines = st.pipelines.filter((p) => !p.archived || p.id === f.pipeline_id);
  const pipe = st.pipelines.find((p) => String(p.id) === String(f.pipeline_id));
  const stages = sortedStages(pipe);
  const cur = ((st.currencies && st.currencies.items) || []).filter((c) => c.active || c.code === f.currency);
  const users = (st.users || []).filter((u) => u.active || String(u.id) === String(f.responsible_id));
  const sources = (st.leadSources || []).filter((x) => !x.archived || String(x.id) === String(f.source_id)).sort((a, b) => a.sort - b.sort);
  const types = (st.dealTypes || []).filter((x) => !x.archived || String(x.id) === String(f.type_id)).sort((a, b) => a.sort - b.sort);
  const setPipeline = (v) => {
    const p = st.pipelines.find((x) => String(x.id) === String(v));
    const ss = sortedStages(p);
    // fields of the new pipeline get their defaults unless already filled
    const custom = { ...defaultCustom(defs, p ? p.id : null), ...f.custom };
    setF({ ...f, pipeline_id: p ? p.id : '', stage_id: ss[0] ? ss[0].id : '', custom });
  };
  const submit = async (e) => {
    e.preventDefault();
    const le = {};
    const amount = parseDecimal(f.amount);
    if (amount === null) le.amount = t('deals.bad_amount');
    const prob = String(f.probability).trim();
    if (prob !== '' && !(/^\d{1,3}$/.test(prob) && Number(prob) <= 100)) le.probability = t('deals.bad_probability');
    if (!f.title.trim()) le.title = t('field.required');
    setLocal(le);
    if (Object.keys(le).length) { setError(null); return; }
    setBusy(true); setError(null);
    const num = (v) => (v === '' || v == null ? null : Number(v));
    const body = {
      title: f.title.trim(), pipeline_id: num(f.pipeline_id), stage_id: num(f.stage_id), amount: amount === '' ? '0.00' : amount,
      currency: f.currency, company_id: num(f.company_id), contact_ids: f.contact_ids.map(Number), customer_side_id: num(f.customer_side_id),
      responsible_id: num(f.responsible_id), observer_ids: f.observer_ids.map(Number), expected_close: f.expected_close || null,
      probability: prob === '' ? null : Number(prob), source_id: num(f.source_id), type_id: num(f.type_id),
      custom: cleanCustom(f.custom, defs, f.pipeline_id),
    };
    try {
      const d = id ? await api.put('/deals/' + id, body) : await api.post('/deals', body);
      toast(id ? t('common.saved') : t('deals.created'));
      if (!id) loadCounts();
      localStorage.setItem(LS_PIPELINE, String(d.pipeline_id));
      navigate('/deals/' + d.id, { replace: !id });
    } catch (x) { setError(x); setBusy(false); }
  };
  return html`<div class="page">
    <${PageHead} title=${id ? t('deals.edit') : t('deals.new')}
      back=${id ? { href: '/deals/' + id, label: f.title || t('deals.deal') } : { href: '/deals', label: t('deals.title') }} />
    <form class="form panel" onSubmit=${submit} data-testid="deal-form" novalidate>
      <${ErrorBox} error=${error} />
      <div class="grid2">
        <${Field} label=${t('f.title') + ' *'} name="title" error=${errs.title} wide>
          <${TextInput} name="title" value=${f.title} onInput=${set('title')} autofocus error=${errs.title} maxlength="300" />
        <//>
        <${Field} label=${t('f.pipeline') + ' *'} name="pipeline_id" error=${errs.pipeline_id}>
          <${Select} name="pipeline_id" value=${f.pipeline_id} onChange=${setPipeline} options=${pipelines.map((p) => ({ value: p.id, label: p.name }))} error=${errs.pipeline_id} />
        <//>
        <${Field} label=${t('f.stage')} name="stage_id" error=${errs.stage_id}>
          <${Select} name="stage_id" value=${f.stage_id} onChange=${(v) => setF({ ...f, stage_id: v === '' ? '' : Number(v) })}
            options=${stages.map((s) => ({ value: s.id, label: s.name + (s.kind !== 'open' ? ' (' + t('stage.kind.' + s.kind) + ')' : '') }))} error=${errs.stage_id} />
        <//>
        <${Field} label=${t('f.amount')} name="amount" error=${errs.amount || errs.currency} hint=${t('deals.amount_hint')}>
          <div class="money-input">
            <${TextInput} name="amount" value=${f.amount} onInput=${set('amount')} error=${errs.amount} inputmode="decimal" placeholder="0.00" />
            <select id="f-currency" aria-label=${t('f.currency')} data-testid="input-currency" onChange=${(e) => setF({ ...f, currency: e.currentTarget.value })}>
              ${(cur.length ? cur : [{ code: f.currency }]).map((c) => html`<option value=${c.code} selected=${c.code === f.currency} title=${c.name || ''}>${c.code}</option>`)}
            </select>
          </div>
        <//>
        <${Field} label=${t('f.company')} name="company_id" error=${errs.company_id}>
          <${RecordPicker} kind="company" name="company_id" value=${f.company_id} onChange=${set('company_id')} error=${errs.company_id} />
        <//>
        <${Field} label=${t('f.contacts')} name="contact_ids" error=${errs.contact_ids || Object.entries(errs).filter(([k]) => k.startsWith('contact_ids[')).map(([, v]) => v).join('; ') || undefined}>
          <${MultiRecordPicker} kind="contact" name="contact_ids" value=${f.contact_ids} onChange=${set('contact_ids')} />
        <//>
        <${Field} label=${t('f.customer_side')} name="customer_side_id" error=${errs.customer_side_id} hint=${t('deals.customer_side_hint')}>
          <${RecordPicker} kind="contact" name="customer_side_id" value=${f.customer_side_id} onChange=${set('customer_side_id')} error=${errs.customer_side_id} />
        <//>
        <${Field} label=${t('f.responsible')} name="responsible_id" error=${errs.responsible_id}>
          <${Select} name="responsible_id" value=${f.responsible_id} onChange=${set('responsible_id')} empty=${t('common.not_set')}
            options=${users.map((u) => ({ value: u.id, label: u.name }))} error=${errs.responsible_id} />
        <//>
        <${Field} label=${t('f.observers')} name="observer_ids" error=${errs.observer_ids}>
          <${MultiUserSelect} name="observer_ids" value=${f.observer_ids} onChange=${set('observer_ids')} />
        <//>
        <${Field} label=${t('f.expected_close')} name="expected_close" error=${errs.expected_close}>
          <${TextInput} name="expected_close" type="date" value=${f.expected_close} onInput=${set('expected_close')} error=${errs.expected_close} />
        <//>
        <${Field} label=${t('f.probability') + ', %'} name="probability" error=${errs.probability}>
          <${TextInput} name="probability" type="number" min="0" max="100" step="1" value=${f.probability} onInput=${set('probability')} error=${errs.probability} />
        <//>
        <${Field} label=${t('f.source')} name="source_id" error=${errs.source_id}>
          <${Select} name="source_id" value=${f.source_id} onChange=${set('source_id')} empty=${t('common.not_set')}
            options=${sources.map((x) => ({ value: x.id, label: refLabel(x) }))} error=${errs.source_id} />
        <//>
        <${Field} label=${t('f.deal_type')} name="type_id" error=${errs.type_id}>
          <${Select} name="type_id" value=${f.type_id} onChange=${set('type_id')} empty=${t('common.not_set')}
            options=${types.map((x) => ({ value: x.id, label: refLabel(x) }))} error=${errs.type_id} />
        <//>
      </div>
      <${CustomFieldsForm} entity="deal" pipelineId=${f.pipeline_id} value=${f.custom} onChange=${set('custom')} errors=${errs} />
      <div class="form-actions">
        <button class="btn btn-primary" type="submit" disabled=${busy} data-testid="save">${busy ? t('common.saving') : t('common.save')}</button>
        <button class="btn" type="button" onClick=${cancel} data-testid="cancel">${t('common.cancel')}</button>
      </div>
    </form>
  </div>`;
}
