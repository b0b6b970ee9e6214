// Custom fields (issue 3): form inputs, read-only view, list filters — for companies, contacts, leads and deals.
// Also the small shared pieces of the sales pages: money formatting, record pickers and record links.
import { html, useState, useEffect, useRef } from './lib.js';
import { api, qs, loadCustomFields, loadCurrencies, loadUsers } from './api.js';
import { t, fmtDateTime, fmtDay } from './i18n.js';
import { getState, useStore } from './store.js';
import { Link } from './router.js';
import { Field, Select, userName } from './components.js';

const LOCALES = { en: 'en-GB', uk: 'uk-UA', ru: 'ru-RU' };
const locale = () => LOCALES[getState().lang] || 'en-GB';

// ---------- labels and formatting ----------

export function cfLabel(def) {
  if (!def) return '';
  const lang = getState().lang;
  return (def.labels && def.labels[lang]) || def.name;
}
export function refLabel(item) {
  if (!item) return '';
  const lang = getState().lang;
  return (item.labels && item.labels[lang]) || item.name;
}
function optionLabel(def, id) {
  const o = (def.options || []).find((x) => String(x.id) === String(id));
  return o ? o.label : '#' + id;
}

// "1234.5" → "1 234,50" in the UI language (amounts are decimal strings; display only).
export function fmtAmount(amount) {
  if (amount === null || amount === undefined || amount === '') return '';
  const n = Number(amount);
  if (!isFinite(n)) return String(amount);
  return new Intl.NumberFormat(locale(), { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(n);
}
export function fmtMoney(amount, currency) {
  if (amount === null || amount === undefined || amount === '') return t('common.none');
  return fmtAmount(amount) + '\u00a0' + (currency || '');
}
// A decimal typed by a person: "1 234,5" → "1234.5"; null when not a number with at most `scale` decimals.
export function parseDecimal(s, scale = 2) {
  const v = String(s ?? '').replace(/[\s\u00a0]/g, '').replace(',', '.');
  if (v === '') return '';
  const re = scale == null ? /^-?\d+(\.\d+)?$/ : new RegExp(`^-?\\d+(\\.\\d{1,${scale}})?$`);
  return re.test(v) ? v : null;
}

// ---------- time zones: datetime-local <-> RFC 3339, in the user's zone ----------

function userZone() {
  const s = getState().session;
  return (s && s.user && s.user.time_zone) || Intl.DateTimeFormat().resolvedOptions().timeZone;
}
function zoneParts(ms, tz) {
  const f = new Intl.DateTimeFormat('en-GB', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const p = {};
  for (const x of f.formatToParts(new Date(ms))) p[x.type] = x.value;
  return p;
}
function zoneOffset(ms, tz) {
  const p = zoneParts(ms, tz);
  return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour % 24, +p.minute, +p.second) - Math.floor(ms / 1000) * 1000;
}
export function isoToLocalInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (isNaN(d)) return '';
  try {
    const p = zoneParts(d.getTime(), userZone());
    return `${p.year}-${p.month}-${p.day}T${String(+p.hour % 24).padStart(2, '0')}:${p.minute}`;
  } catch { return iso.slice(0, 16); }
}
export function localInputToIso(v) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(v || '');
  if (!m) return null;
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
  try {
    const tz = userZone();
    let ms = wall - zoneOffset(wall, tz);
    ms = wall - zoneOffset(ms, tz); // second pass settles DST edges
    return new Date(ms).toISOString().replace('.000Z', 'Z');
  } catch { return new Date(wall).toISOString().replace('.000Z', 'Z'); }
}

// ---------- record names, links and pickers ----------

const KIND_PATH = { company: 'companies', contact: 'contacts', deal: 'deals', lead: 'leads' };
const KIND_ICON = { company: '▦', contact: '☺', deal: '◆', lead: '◎' };
function titleOf(kind, r) {
  if (kind === 'contact') return [r.first_name, r.middle_name, r.last_name].filter(Boolean).join(' ') || t('contacts.no_name');
  return r.title || r.name || '#' + r.id;
}
const nameCache = new Map(); // "kind:id" -> string | null (gone) | Promise
export function rememberName(kind, id, title) { if (id != null && title) nameCache.set(kind + ':' + id, title); }
export function useRecordNames(kind, ids) {
  const [, force] = useState(0);
  const key = [...new Set(ids.filter((x) => x != null && x !== '').map(String))].sort().join(',');
  useEffect(() => {
    let live = true;
    const missing = key ? key.split(',').filter((id) => !nameCache.has(kind + ':' + id)) : [];
    const pending = key ? key.split(',').map((id) => nameCache.get(kind + ':' + id)).filter((v) => v && v.then) : [];
    if (!missing.length && !pending.length) return;
    const jobs = missing.map((id) => {
      const p = api.get(`/${KIND_PATH[kind]}/${id}`).then((r) => nameCache.set(kind + ':' + id, titleOf(kind, r)))
        .catch(() => nameCache.set(kind + ':' + id, null));
      nameCache.set(kind + ':' + id, p);
      return p;
    });
    Promise.all([...jobs, ...pending]).then(() => live && force((n) => n + 1));
    return () => { live = false; };
  }, [kind, key]);
  return (id) => {
    if (id == null) return null;
    const v = nameCache.get(kind + ':' + id);
    return typeof v === 'string' ? v : null;
  };
}
export function RecordLink({ kind, id, title }) {
  const name = useRecordNames(kind, title ? [] : [id]);
  if (id == null || id === '') return html`<span class="muted">${t('common.none')}</span>`;
  return html`<${Link} href=${`/${KIND_PATH[kind]}/${id}`}>${title || name(id) || '#' + id}<//>`;
}

// Search-as-you-type picker of one record kind via GET /search. onPick({id, title}).
export function SearchPicker({ kind, name, onPick, error, placeholder, exclude = [] }) {
  const [q, setQ] = useState('');
  const [items, setItems] = useState([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  useEffect(() => {
    const query = q.trim();
    if (!query) { setItems([]); return; }
    const ctrl = new AbortController();
    const timer = setTimeout(() => {
      api.get('/search' + qs({ q: query, limit: 30 }), { signal: ctrl.signal })
        .then((r) => { setItems((r.items || []).filter((x) => x.kind === kind && !exclude.includes(x.id)).slice(0, 12)); setActive(0); setOpen(true); })
        .catch(() => {});
    }, 150);
    return () => { clearTimeout(timer); ctrl.abort(); };
  }, [q]);
  const choose = (it) => { rememberName(kind, it.id, it.title); onPick({ id: it.id, title: it.title }); setQ(''); setOpen(false); };
  const onKeyDown = (e) => {
    if (!open || !items.length) { if (e.key === 'Enter') e.preventDefault(); return; }
    if (e.key === 'ArrowDown') { e.preventDefault(); setActive((active + 1) % items.length); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); setActive((active - 1 + items.length) % items.length); }
    else if (e.key === 'Enter') { e.preventDefault(); choose(items[active]); }
    else if (e.key === 'Escape') { e.preventDefault(); setOpen(false); }
  };
  return html`<div class="picker">
    <input id=${'f-' + name} type="text" value=${q} autocomplete="off" data-testid=${'input-' + name}
      placeholder=${placeholder || t('cf.picker.' + kind)} aria-invalid=${error ? 'true' : undefined}
      role="combobox" aria-expanded=${open && items.length > 0}
      onInput=${(e) => setQ(e.currentTarget.value)} onKeyDown=${onKeyDown} onBlur=${() => setTimeout(() => setOpen(false), 150)} />
    ${open && q.trim() ? html`<ul class="picker-drop" role="listbox">
      ${items.length === 0 ? html`<li class="muted search-empty">${t('search.none')}</li>` : items.map((it, i) => html`<li role="option" aria-selected=${i === active}
        class=${'search-item' + (i === active ? ' active' : '')} data-testid=${name + '-option'}
        onMouseDown=${(e) => { e.preventDefault(); choose(it); }}>
        <span class="search-text"><span class="search-title">${it.title}</span>${it.subtitle ? html`<span class="search-sub">${it.subtitle}</span>` : null}</span></li>`)}
    </ul>` : null}
  </div>`;
}

// One record (value = id or null) with a chip and "Clear".
export function RecordPicker({ kind, name, value, onChange, error }) {
  const nm = useRecordNames(kind, [value]);
  if (value != null && value !== '') {
    return html`<div class="picker-chosen" data-testid=${name + '-chosen'}>
      <span class="chip">${KIND_ICON[kind]} ${nm(value) || '#' + value}</span>
      <button type="button" class="btn btn-small" data-testid=${name + '-clear'} onClick=${() => onChange(null)}>${t('picker.clear')}</button>
    </div>`;
  }
  return html`<${SearchPicker} kind=${kind} name=${name} error=${error} onPick=${(it) => onChange(it.id)} />`;
}

// Several records (value = [id]).
export function MultiRecordPicker({ kind, name, value, onChange, error }) {
  const ids = value || [];
  const nm = useRecordNames(kind, ids);
  return html`<div class="multi-picker">
    ${ids.length ? html`<div class="chips" data-testid=${name + '-chips'}>${ids.map((id) => html`<span class="chip">${KIND_ICON[kind]} ${nm(id) || '#' + id}
      <button type="button" class="chip-x" aria-label=${t('common.remove')} title=${t('common.remove')}
        onClick=${() => onChange(ids.filter((x) => x !== id))}>×</button></span>`)}</div>` : null}
    <${SearchPicker} kind=${kind} name=${name} error=${error} exclude=${ids} onPick=${(it) => onChange([...ids, it.id])} />
  </div>`;
}

// Several users (value = [id]) as checkable chips in a compact select + chips.
export function MultiUserSelect({ name, value, onChange }) {
  const st = useStore();
  const ids = (value || []).map(Number);
  const users = (st.users || []).filter((u) => (u.active || ids.includes(u.id)) && !ids.includes(u.id));
  return html`<div class="multi-picker">
    ${ids.length ? html`<div class="chips" data-testid=${name + '-chips'}>${ids.map((id) => html`<span class="chip">${userName(id)}
      <button type="button" class="chip-x" aria-label=${t('common.remove')} title=${t('common.remove')}
        onClick=${() => onChange(ids.filter((x) => x !== id))}>×</button></span>`)}</div>` : null}
    <select id=${'f-' + name} data-testid=${'input-' + name} onChange=${(e) => { const v = e.currentTarget.value; if (v) onChange([...ids, Number(v)]); e.currentTarget.value = ''; }}>
      <option value="">${t('cf.add_user')}</option>
      ${users.map((u) => html`<option value=${u.id}>${u.name}</option>`)}
    </select>
  </div>`;
}

// ---------- definitions ----------

// All definitions of the entity (archived included; null while loading).
export function useCustomFields(entity) {
  const st = useStore();
  const defs = st.customFields && st.customFields[entity];
  useEffect(() => { if (!defs) loadCustomFields(entity).catch(() => {}); }, [entity]);
  return defs || null;
}
// The fields a record of this entity (and pipeline, for deals) shows in forms.
export function activeDefs(defs, pipelineId) {
  return (defs || []).filter((d) => !d.archived && (d.entity !== 'deal' || pipelineId == null || pipelineId === ''
    || !d.pipeline_ids || d.pipeline_ids.length === 0 || d.pipeline_ids.map(String).includes(String(pipelineId))));
}
// `custom` of a new record: the defaults of its fields.
export function defaultCustom(defs, pipelineId) {
  const out = {};
  for (const d of activeDefs(defs, pipelineId)) if (d.default !== null && d.default !== undefined) out[String(d.id)] = d.default;
  return out;
}
// Keep only the values of fields the record has (a deal moved to another pipeline drops the others' values).
export function cleanCustom(custom, defs, pipelineId) {
  if (!defs) { // definitions unknown (not loaded): keep every value as it is
    const out = {};
    for (const [k, v] of Object.entries(custom || {})) if (v !== '' && v !== null && v !== undefined && !(Array.isArray(v) && !v.length)) out[k] = v;
    return out;
  }
  const keep = new Set(activeDefs(defs, pipelineId).map((d) => String(d.id)));
  // archived fields keep their stored values untouched
  for (const d of defs || []) if (d.archived) keep.add(String(d.id));
  const out = {};
  for (const [k, v] of Object.entries(custom || {})) {
    if (!keep.has(k) || v === '' || v === null || v === undefined) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    out[k] = v;
  }
  return out;
}
// Client-side check of what the server will refuse anyway; returns {"custom.<id>": message}.
export function checkCustom(custom, defs, pipelineId) {
  const errs = {};
  for (const d of activeDefs(defs, pipelineId)) {
    const k = String(d.id);
    const v = custom ? custom[k] : undefined;
    const empty = v === undefined || v === null || v === '' || (Array.isArray(v) && !v.length) || (d.kind === 'money' && (!v || v.amount === '' || v.amount == null));
    if (d.required && empty) { errs['custom.' + k] = t('cf.required', { name: cfLabel(d) }); continue; }
    if (empty) continue;
    if (d.kind === 'integer' && !Number.isInteger(v)) errs['custom.' + k] = t('cf.bad_integer');
    if (d.kind === 'decimal' && parseDecimal(v, null) === null) errs['custom.' + k] = t('cf.bad_decimal');
    if (d.kind === 'money' && parseDecimal(v.amount) === null) errs['custom.' + k] = t('deals.bad_amount');
  }
  return errs;
}

// ---------- form ----------

function CfInput({ def, value, onChange, error }) {
  const st = useStore();
  const name = 'cf-' + def.id;
  const common = { id: 'f-' + name, name, 'data-testid': 'input-' + name, 'aria-invalid': error ? 'true' : undefined };
  const textIn = (type, extra = {}) => html`<input type=${type} ...${common} ...${extra} value=${value ?? ''}
    onInput=${(e) => onChange(e.currentTarget.value)} />`;
  switch (def.kind) {
    case 'long_text':
      return html`<textarea ...${common} rows="3" onInput=${(e) => onChange(e.currentTarget.value)}>${value ?? ''}</textarea>`;
    case 'integer':
      return html`<input type="text" inputmode="numeric" ...${common} value=${value ?? ''}
        onInput=${(e) => { const s = e.currentTarget.value.trim(); onChange(s === '' ? null : /^-?\d+$/.test(s) ? Number(s) : s); }} />`;
    case 'decimal':
      return html`<input type="text" inputmode="decimal" ...${common} value=${value ?? ''}
        onInput=${(e) => { const s = e.currentTarget.value; const p = parseDecimal(s, null); onChange(s.trim() === '' ? null : p === null ? s : p); }} />`;
    case 'money': {
      const cur = (st.currencies && st.currencies.items) || [];
      const v = value && typeof value === 'object' ? value : { amount: '', currency: (st.currencies && st.currencies.base) || '' };
      return html`<div class="money-input">
        <input type="text" inputmode="decimal" ...${common} value=${v.amount ?? ''} placeholder="0.00"
          onInput=${(e) => { const s = e.currentTarget.value; const p = parseDecimal(s); onChange(s.trim() === '' ? null : { ...v, amount: p === null ? s : p }); }} />
        <select aria-label=${t('f.currency')} data-testid=${'input-' + name + '-currency'}
          onChange=${(e) => onChange({ ...v, currency: e.currentTarget.value })}>
          ${cur.filter((c) => c.active || c.code === v.currency).map((c) => html`<option value=${c.code} selected=${c.code === v.currency}>${c.code}</option>`)}
        </select></div>`;
    }
    case 'date': return textIn('date', { value: value || '' });
    case 'datetime':
      return html`<input type="datetime-local" ...${common} value=${isoToLocalInput(value)}
        onInput=${(e) => onChange(localInputToIso(e.currentTarget.value))} />`;
    case 'boolean':
      return html`<select ...${common} onChange=${(e) => { const s = e.currentTarget.value; onChange(s === '' ? null : s === 'true'); }}>
        <option value="" selected=${value !== true && value !== false}>${t('common.not_set')}</option>
        <option value="true" selected=${value === true}>${t('common.yes')}</option>
        <option value="false" selected=${value === false}>${t('common.no')}</option>
      </select>`;
    case 'select':
      return html`<${Select} name=${name} value=${value ?? ''} empty=${t('common.not_set')} error=${error}
        onChange=${(s) => onChange(s === '' ? null : Number(s))}
        options=${(def.options || []).filter((o) => !o.archived || String(o.id) === String(value)).map((o) => ({ value: o.id, label: o.label }))} />`;
    case 'multiselect': {
      const ids = Array.isArray(value) ? value : [];
      return html`<div class="check-list" role="group" aria-labelledby=${'l-' + name} data-testid=${'input-' + name}>
        ${(def.options || []).filter((o) => !o.archived || ids.includes(o.id)).map((o) => html`<label class="check">
          <input type="checkbox" checked=${ids.includes(o.id)}
            onChange=${(e) => onChange(e.currentTarget.checked ? [...ids, o.id] : ids.filter((x) => x !== o.id))} /> ${o.label}</label>`)}
      </div>`;
    }
    case 'user': {
      const users = (st.users || []).filter((u) => u.active || String(u.id) === String(value));
      return html`<${Select} name=${name} value=${value ?? ''} empty=${t('common.not_set')} error=${error}
        onChange=${(s) => onChange(s === '' ? null : Number(s))} options=${users.map((u) => ({ value: u.id, label: u.name }))} />`;
    }
    case 'company': case 'contact': case 'deal':
      return html`<${RecordPicker} kind=${def.kind} name=${name} value=${value} error=${error} onChange=${(id) => onChange(id)} />`;
    case 'url': return textIn('url', { placeholder: 'https://' });
    case 'email': return textIn('email');
    case 'phone': return textIn('tel');
    default: return textIn('text');
  }
}

// Inputs of the non-archived custom fields of `entity` (for deals: of `pipelineId`).
// value/onChange: the record's `custom` object; errors: {"custom.<id>": message}.
// `only(def)` limits the inputs (e.g. the required ones in a quick form); `compact` drops the grid.
export function CustomFieldsForm({ entity, pipelineId, value, onChange, errors = {}, only, compact }) {
  const defs = useCustomFields(entity);
  useEffect(() => { loadUsers().catch(() => {}); loadCurrencies().catch(() => {}); }, []);
  if (!defs) return null;
  const list = activeDefs(defs, pipelineId).filter((d) => !only || only(d));
  if (!list.length) return null;
  const custom = value || {};
  return html`<div class=${compact ? 'cf-form-compact' : 'cf-form grid2'} data-testid=${'cf-form-' + entity}>
    ${list.map((d) => {
      const k = String(d.id);
      // the server's "required" names the field in English: say it in the UI language
      const raw = errors['custom.' + k];
      const err = raw && raw === t('field.required') ? t('cf.required', { name: cfLabel(d) }) : raw;
      const label = cfLabel(d) + (d.required ? ' *' : '');
      return html`<${Field} key=${k} label=${html`<span id=${'l-cf-' + k}>${label}</span>`} name=${'cf-' + k} error=${err} wide=${d.kind === 'long_text'}>
        <${CfInput} def=${d} value=${custom[k]} error=${err}
          onChange=${(v) => { const next = { ...custom }; if (v === null || v === undefined) delete next[k]; else next[k] = v; onChange(next); }} />
      <//>`;
    })}
  </div>`;
}

// ---------- view ----------

// One value, readable. `short` for table cells.
export function CfValue({ def, value, short }) {
  if (value === null || value === undefined || value === '' || (Array.isArray(value) && !value.length)) return short ? null : html`<span class="muted">${t('common.none')}</span>`;
  switch (def.kind) {
    case 'long_text': return short ? String(value).slice(0, 80) : html`<span class="pre">${value}</span>`;
    case 'integer': return new Intl.NumberFormat(locale()).format(value);
    case 'decimal': { const n = Number(value); return isFinite(n) ? new Intl.NumberFormat(locale(), { maximumFractionDigits: 20 }).format(n) : String(value); }
    case 'money': return html`<span class="nowrap">${fmtMoney(value.amount, value.currency)}</span>`;
    case 'date': return fmtDay(value);
    case 'datetime': return fmtDateTime(value);
    case 'boolean': return value ? t('common.yes') : t('common.no');
    case 'select': return optionLabel(def, value);
    case 'multiselect': return (Array.isArray(value) ? value : [value]).map((id) => optionLabel(def, id)).join(', ');
    case 'user': return userName(value);
    case 'company': case 'contact': case 'deal': return html`<${RecordLink} kind=${def.kind} id=${value} />`;
    case 'url': return html`<a href=${/^https?:\/\//i.test(value) ? value : 'http://' + value} target="_blank" rel="noopener noreferrer">${value}</a>`;
    case 'email': return html`<a href=${'mailto:' + value}>${value}</a>`;
    case 'phone': return html`<a href=${'tel:' + String(value).replace(/[^\d+]/g, '')}>${value}</a>`;
    default: return String(value);
  }
}

// <dt>/<dd> pairs of the record's custom values (set ones, plus required empty ones). Put inside a <dl class="props">,
// or use standalone=true for its own list.
export function CustomFieldsView({ entity, value, pipelineId, standalone }) {
  const defs = useCustomFields(entity);
  useEffect(() => { loadUsers().catch(() => {}); }, []);
  if (!defs) return null;
  const custom = value || {};
  const shown = defs.filter((d) => {
    const has = custom[String(d.id)] !== undefined && custom[String(d.id)] !== null;
    if (d.archived) return has;
    return has || (d.required && activeDefs([d], pipelineId).length > 0);
  });
  if (!shown.length) return null;
  const items = shown.map((d) => html`<dt>${cfLabel(d)}${d.archived ? html` <span class="tag tag-muted">${t('f.archived')}</span>` : null}</dt>
    <dd data-testid=${'cf-value-' + d.id}><${CfValue} def=${d} value=${custom[String(d.id)]} /></dd>`);
  return standalone ? html`<dl class="props" data-testid=${'cf-view-' + entity}>${items}</dl>` : items;
}

// ---------- filters ----------

// Filter inputs of the `filterable` fields. value: {"<id>": "string"} → send as cf.<id>=<string>.
export function CustomFieldFilters({ entity, pipelineId, value, onChange }) {
  const st = useStore();
  const defs = useCustomFields(entity);
  if (!defs) return null;
  const list = activeDefs(defs, pipelineId).filter((d) => d.filterable);
  const set = (id, v) => { const n = { ...value }; if (v === '' || v == null) delete n[id]; else n[id] = v; onChange(n); };
  return list.map((d) => {
    const k = String(d.id);
    const v = value[k] ?? '';
    const label = cfLabel(d);
    let input;
    if (d.kind === 'select' || d.kind === 'multiselect') {
      input = html`<${Select} name=${'filter-cf-' + k} value=${v} onChange=${(s) => set(k, s)} empty=${t('common.any')}
        options=${(d.options || []).filter((o) => !o.archived).map((o) => ({ value: o.id, label: o.label }))} />`;
    } else if (d.kind === 'boolean') {
      input = html`<${Select} name=${'filter-cf-' + k} value=${v} onChange=${(s) => set(k, s)} empty=${t('common.any')}
        options=${[{ value: 'true', label: t('common.yes') }, { value: 'false', label: t('common.no') }]} />`;
    } else if (d.kind === 'user') {
      input = html`<${Select} name=${'filter-cf-' + k} value=${v} onChange=${(s) => set(k, s)} empty=${t('common.any')}
        options=${(st.users || []).filter((u) => u.active || String(u.id) === v).map((u) => ({ value: u.id, label: u.name }))} />`;
    } else if (d.kind === 'company' || d.kind === 'contact' || d.kind === 'deal') {
      input = html`<${RecordPicker} kind=${d.kind} name=${'filter-cf-' + k} value=${v === '' ? null : v} onChange=${(id) => set(k, id == null ? '' : String(id))} />`;
    } else {
      input = html`<${DebouncedInput} name=${'filter-cf-' + k} value=${v} onChange=${(s) => set(k, s.trim())} />`;
    }
    return html`<label key=${k} class="cf-filter">${label} ${input}</label>`;
  });
}
export function cfParams(cf) {
  const out = {};
  for (const [k, v] of Object.entries(cf || {})) if (v !== '' && v != null) out['cf.' + k] = v;
  return out;
}

// Text input that reports after a pause in typing.
export function DebouncedInput({ name, value, onChange, type = 'search', delay = 350, ...rest }) {
  const [v, setV] = useState(value ?? '');
  const timer = useRef();
  useEffect(() => { setV(value ?? ''); }, [value]);
  useEffect(() => () => clearTimeout(timer.current), []);
  return html`<input type=${type} id=${'f-' + name} data-testid=${'input-' + name} value=${v} ...${rest}
    onInput=${(e) => { const s = e.currentTarget.value; setV(s); clearTimeout(timer.current); timer.current = setTimeout(() => onChange(s), delay); }} />`;
}
