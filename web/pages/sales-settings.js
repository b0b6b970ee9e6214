// Settings of the sales pipeline (admins): pipelines and stages, lead statuses, currencies and rates,
// custom fields, lead sources, deal types.
import { html, useState, useEffect } from '../lib.js';
import {
  api, loadUsers, loadPipelines, loadLeadStatuses, loadCurrencies, loadCustomFields, loadLeadSources, loadDealTypes,
} from '../api.js';
import { t, fmtDateTime, fmtDay } from '../i18n.js';
import { useStore, toast, setState, getState } from '../store.js';
import { Link, navigate } from '../router.js';
import {
  Field, TextInput, Select, ErrorBox, Spinner, NotFound, Modal,
  fieldErrors, errorText, useConfirm, typeLabel, userName,
} from '../components.js';
import { normDecimal } from './leads.js';

export const SALES_TABS = [
  { key: 'pipelines', admin: true },
  { key: 'lead_statuses', path: 'lead-statuses', admin: true },
  { key: 'currencies', admin: true },
  { key: 'custom_fields', path: 'custom-fields', admin: true },
  { key: 'lead_sources', path: 'lead-sources', admin: true },
  { key: 'deal_types', path: 'deal-types', admin: true },
];

// Rates derived after a base change come back with up to 28 decimals: show 6 significant digits of the fraction.
export function fmtRate(r) {
  const s = String(r == null ? '' : r);
  const m = /^(-?\d+)\.(\d+)$/.exec(s);
  if (!m || m[2].length <= 6) return s;
  const n = Number(s);
  const out = Math.abs(n) >= 1 ? n.toFixed(6) : n.toPrecision(6);
  return out.includes('.') ? out.replace(/0+$/, '').replace(/\.$/, '') : out;
}

export function SalesSettings({ path }) {
  const seg = path.split('/')[2] || '';
  switch (seg) {
    case 'pipelines': return html`<${Pipelines} />`;
    case 'lead-statuses': return html`<${LeadStatuses} />`;
    case 'currencies': return html`<${Currencies} />`;
    case 'custom-fields': return html`<${CustomFields} />`;
    case 'lead-sources': return html`<${RefList} apiPath="/lead-sources" load=${loadLeadSources} storeKey="leadSources" testid="lead-sources" />`;
    case 'deal-types': return html`<${RefList} apiPath="/deal-types" load=${loadDealTypes} storeKey="dealTypes" testid="deal-types" />`;
    default: return html`<${NotFound} />`;
  }
}

const errText = (e) => {
  if (e && e.code === 'validation' && e.fields && e.fields.length) return e.fields.map((f) => `${f.field}: ${f.message || f.code}`).join('; ');
  return errorText(e) || (e && e.detail) || '';
};
const byOrder = (a, b) => (a.sort - b.sort) || (a.id - b.id);

// ---------- ordered coloured list (stages of a pipeline, lead statuses) ----------
// One row: move up/down, colour, name (saved on Enter/blur), kind, delete.
function StepRow({ item, idx, count, kinds, kindPrefix, onSave, onMove, onDelete, testid }) {
  const [name, setName] = useState(item.name);
  useEffect(() => setName(item.name), [item.name]);
  const saveName = () => { const v = name.trim(); if (v && v !== item.name) onSave(item, { name: v }); else setName(item.name); };
  return html`<li class="step-row" data-testid=${testid + '-row'} data-id=${item.id}>
    <span class="step-move">
      <button type="button" class="btn btn-small" aria-label=${t('sales.move_up')} title=${t('sales.move_up')} disabled=${idx === 0}
        data-testid=${testid + '-up'} onClick=${() => onMove(idx, -1)}>↑</button>
      <button type="button" class="btn btn-small" aria-label=${t('sales.move_down')} title=${t('sales.move_down')} disabled=${idx === count - 1}
        data-testid=${testid + '-down'} onClick=${() => onMove(idx, 1)}>↓</button>
    </span>
    <input type="color" class="color-input" value=${item.color || '#8a94a6'} aria-label=${t('sales.color')} title=${t('sales.color')}
      data-testid=${testid + '-color'} onChange=${(e) => onSave(item, { color: e.currentTarget.value })} />
    <input class="step-name" value=${name} aria-label=${t('f.name')} data-testid=${testid + '-name'} maxlength="100"
      onInput=${(e) => setName(e.currentTarget.value)} onBlur=${saveName}
      onKeyDown=${(e) => { if (e.key === 'Enter') { e.preventDefault(); e.currentTarget.blur(); } else if (e.key === 'Escape') { e.stopPropagation(); setName(item.name); } }} />
    <select class="step-kind" aria-label=${t('common.kind')} data-testid=${testid + '-kind'} onChange=${(e) => onSave(item, { kind: e.currentTarget.value })}>
      ${kinds.map((k) => html`<option value=${k} selected=${item.kind === k}>${t(kindPrefix + k)}</option>`)}
    </select>
    <button type="button" class="btn btn-small btn-danger-outline" data-testid=${testid + '-delete'} onClick=${() => onDelete(item)}>${t('common.delete')}</button>
  </li>`;
}

function StepList({ items, kinds, kindPrefix, api: ops, notEmptyCode, notEmptyText, addLabel, testid }) {
  const [ask, dialog] = useConfirm();
  const [moving, setMoving] = useState(null); // { item, detail, to }
  const [add, setAdd] = useState({ name: '', color: '#3b82f6', kind: kinds[0] });
  const [addErr, setAddErr] = useState(null);
  const sorted = items.slice().sort(byOrder);
  const save = async (item, patch) => {
    try { await ops.save(item, { name: item.name, color: item.color, kind: item.kind, ...patch }); toast(t('common.saved')); }
    catch (e) { toast(errText(e), 'error'); }
    await ops.reload();
  };
  const move = async (idx, dir) => {
    const ids = sorted.map((x) => x.id);
    [ids[idx], ids[idx + dir]] = [ids[idx + dir], ids[idx]];
    try { await ops.reorder(ids); } catch (e) { toast(errText(e), 'error'); }
    await ops.reload();
  };
  const del = async (item) => {
    if (!(await ask(t('sales.delete_q', { name: item.name })))) return;
    try { await ops.del(item, null); toast(t('common.deleted')); await ops.reload(); }
    catch (e) {
      if (e.status === 409 && e.code === notEmptyCode) {
        const others = sorted.filter((x) => x.id !== item.id);
        setMoving({ item, detail: e.detail, to: others.length ? others[0].id : '', err: null });
      } else toast(errText(e), 'error');
    }
  };
  const doMove = async (e) => {
    e.preventDefault();
    try { await ops.del(moving.item, Number(moving.to)); toast(t('common.deleted')); setMoving(null); await ops.reload(); }
    catch (er) { setMoving({ ...moving, err: er }); }
  };
  const submitAdd = async (e) => {
    e.preventDefault(); setAddErr(null);
    try { await ops.add({ name: add.name.trim(), color: add.color, kind: add.kind }); setAdd({ ...add, name: '' }); toast(t('common.saved')); await ops.reload(); }
    catch (er) { setAddErr(er); }
  };
  const addErrs = fieldErrors(addErr);
  return html`<div class="steps" data-testid=${testid}>
    <ol class="step-list">
      ${sorted.map((x, i) => html`<${StepRow} key=${x.id} item=${x} idx=${i} count=${sorted.length} kinds=${kinds} kindPrefix=${kindPrefix}
        onSave=${save} onMove=${move} onDelete=${del} testid=${testid} />`)}
    </ol>
    <form class="step-add" onSubmit=${submitAdd} novalidate data-testid=${testid + '-add'}>
      <input type="color" class="color-input" value=${add.color} aria-label=${t('sales.color')} onInput=${(e) => setAdd({ ...add, color: e.currentTarget.value })} />
      <input class="step-name" value=${add.name} placeholder=${addLabel} aria-label=${addLabel} data-testid=${testid + '-new-name'}
        aria-invalid=${addErrs.name ? 'true' : undefined} onInput=${(e) => setAdd({ ...add, name: e.currentTarget.value })} />
      <select class="step-kind" aria-label=${t('common.kind')} onChange=${(e) => setAdd({ ...add, kind: e.currentTarget.value })}>
        ${kinds.map((k) => html`<option value=${k} selected=${add.kind === k}>${t(kindPrefix + k)}</option>`)}
      </select>
      <button class="btn btn-small" type="submit" disabled=${!add.name.trim()} data-testid=${testid + '-new-add'}>+ ${t('common.add')}</button>
    </form>
    ${addErr ? html`<div class="field-error">${errText(addErr)}</div>` : null}
    ${moving ? html`<${Modal} title=${t('sales.move_title', { name: moving.item.name })} onClose=${() => setMoving(null)}>
      <form class="form" onSubmit=${doMove} data-testid="move-form">
        <p>${notEmptyText}</p>
        <${ErrorBox} error=${moving.err ? errText(moving.err) : null} />
        <${Field} label=${t('sales.move_to')} name="move_to">
          <${Select} name="move_to" value=${moving.to} onChange=${(v) => setMoving({ ...moving, to: v })}
            options=${sorted.filter((x) => x.id !== moving.item.id).map((x) => ({ value: x.id, label: `${x.name} (${t(kindPrefix + x.kind)})` }))} />
        <//>
        <div class="form-actions">
          <button class="btn btn-danger" type="submit" disabled=${moving.to === ''} data-testid="move-delete">${t('sales.move_and_delete')}</button>
          <button class="btn" type="button" onClick=${() => setMoving(null)}>${t('common.cancel')}</button>
        </div>
      </form>
    <//>` : null}
    ${dialog}
  </div>`;
}

// ---------- pipelines ----------
function Pipelines() {
  const st = useStore();
  const [err, setErr] = useState(null);
  const [name, setName] = useState('');
  const [addErr, setAddErr] = useState(null);
  const [showArchived, setShowArchived] = useState(false);
  const [ask, dialog] = useConfirm();
  const reload = () => loadPipelines(true).catch(setErr);
  useEffect(() => { reload(); }, []);
  const items = st.pipelines || [];
  const create = async (e) => {
    e.preventDefault(); setAddErr(null);
    try { await api.post('/pipelines', { name: name.trim() }); setName(''); toast(t('common.saved')); reload(); }
    catch (er) { setAddErr(er); }
  };
  const update = async (p, patch) => {
    try { await api.put('/pipelines/' + p.id, { name: p.name, sort: p.sort, archived: p.archived, ...patch }); toast(t('common.saved')); }
    catch (e) { toast(errText(e), 'error'); }
    reload();
  };
  const del = async (p) => {
    if (!(await ask(t('pipelines.delete_q', { name: p.name })))) return;
    try { await api.del('/pipelines/' + p.id); toast(t('common.deleted')); reload(); }
    catch (e) { toast(e.status === 409 ? t('pipelines.in_use') : errText(e), 'error'); }
  };
  const shown = items.filter((p) => showArchived || !p.archived);
  const archivedCount = items.filter((p) => p.archived).length;
  return html`<div data-testid="pipelines">
    <p class="muted small">${t('pipelines.hint')}</p>
    <form class="inline-form panel" onSubmit=${create} novalidate data-testid="pipeline-add">
      <${Field} label=${t('pipelines.new_name')} name="pipeline_name" error=${fieldErrors(addErr).name}>
        <${TextInput} name="pipeline_name" value=${name} onInput=${setName} placeholder="keddr" />
      <//>
      <button class="btn btn-primary" type="submit" disabled=${!name.trim()} data-testid="pipeline-create">+ ${t('pipelines.add')}</button>
    </form>
    ${addErr && addErr.code !== 'validation' ? html`<${ErrorBox} error=${addErr} />` : null}
    <${ErrorBox} error=${err} />
    ${archivedCount ? html`<label class="check small"><input type="checkbox" checked=${showArchived} onChange=${(e) => setShowArchived(e.currentTarget.checked)} />
      ${t('pipelines.show_archived', { n: archivedCount })}</label>` : null}
    ${!st.pipelines ? html`<${Spinner} />` : shown.length === 0 ? html`<p class="muted">${t('pipelines.empty')}</p>` : shown.map((p) => html`
      <${PipelineCard} key=${p.id} p=${p} onUpdate=${update} onDelete=${del} reload=${reload} />`)}
    ${dialog}
  </div>`;
}

function PipelineCard({ p, onUpdate, onDelete, reload }) {
  const [name, setName] = useState(p.name);
  useEffect(() => setName(p.name), [p.name]);
  const [sort, setSort] = useState(p.sort);
  useEffect(() => setSort(p.sort), [p.sort]);
  const saveName = () => { const v = name.trim(); if (v && v !== p.name) onUpdate(p, { name: v }); else setName(p.name); };
  const saveSort = () => { const v = Number(sort); if (String(sort) !== '' && !isNaN(v) && v !== p.sort) onUpdate(p, { sort: v }); else setSort(p.sort); };
  const ops = {
    save: (s, body) => api.put('/stages/' + s.id, body),
    add: (body) => api.post(`/pipelines/${p.id}/stages`, body),
    reorder: (ids) => api.put(`/pipelines/${p.id}/stage-order`, { stage_ids: ids }),
    del: (s, moveTo) => api.del('/stages/' + s.id + (moveTo != null ? '?move_to=' + moveTo : '')),
    reload,
  };
  return html`<section class=${'panel pipeline-card' + (p.archived ? ' archived' : '')} data-testid="pipeline" data-id=${p.id}>
    <div class="pipeline-head">
      <input class="pipeline-name" value=${name} aria-label=${t('pipelines.name')} data-testid="pipeline-name"
        onInput=${(e) => setName(e.currentTarget.value)} onBlur=${saveName}
        onKeyDown=${(e) => { if (e.key === 'Enter') { e.preventDefault(); e.currentTarget.blur(); } }} />
      <label class="pipeline-sort small muted">${t('f.sort')}
        <input type="number" value=${sort} onInput=${(e) => setSort(e.currentTarget.value)} onBlur=${saveSort} /></label>
      ${p.archived ? html`<span class="tag tag-muted">${t('f.archived')}</span>` : null}
      <span class="spacer"></span>
      <button class="btn btn-small" data-testid="pipeline-archive" onClick=${() => onUpdate(p, { archived: !p.archived })}>${p.archived ? t('types.unarchive') : t('types.archive')}</button>
      <button class="btn btn-small btn-danger-outline" data-testid="pipeline-delete" onClick=${() => onDelete(p)}>${t('common.delete')}</button>
    </div>
    <h3 class="muted small">${t('pipelines.stages')}</h3>
    <${StepList} items=${p.stages || []} kinds=${['open', 'won', 'lost']} kindPrefix="stage.kind." api=${ops}
      notEmptyCode="stage_not_empty" notEmptyText=${t('pipelines.stage_not_empty')} addLabel=${t('pipelines.new_stage')} testid="stage" />
  </section>`;
}

// ---------- lead statuses ----------
function LeadStatuses() {
  const st = useStore();
  const [err, setErr] = useState(null);
  const reload = () => loadLeadStatuses(true).catch(setErr);
  useEffect(() => { reload(); }, []);
  const ops = {
    save: (s, body) => api.put('/lead-statuses/' + s.id, body),
    add: (body) => api.post('/lead-statuses', body),
    reorder: (ids) => api.put('/lead-statuses/order', { ids }),
    del: (s, moveTo) => api.del('/lead-statuses/' + s.id + (moveTo != null ? '?move_to=' + moveTo : '')),
    reload,
  };
  return html`<div data-testid="lead-statuses">
    <p class="muted small">${t('statuses.hint')}</p>
    <${ErrorBox} error=${err} />
    ${!st.leadStatuses ? html`<${Spinner} />` : html`<section class="panel">
      <${StepList} items=${st.leadStatuses} kinds=${['open', 'converted', 'junk']} kindPrefix="status.kind." api=${ops}
        notEmptyCode="status_not_empty" notEmptyText=${t('statuses.not_empty')} addLabel=${t('statuses.new')} testid="status" />
    </section>`}
  </div>`;
}

// ---------- currencies ----------
function Currencies() {
  const st = useStore();
  const [err, setErr] = useState(null);
  const [ask, dialog] = useConfirm();
  const [base, setBase] = useState('');
  const [sel, setSel] = useState(null);
  const [edit, setEdit] = useState(null);
  const [add, setAdd] = useState({ code: '', name: '', symbol: '' });
  const [addErr, setAddErr] = useState(null);
  const reload = () => loadCurrencies(true).catch(setErr);
  useEffect(() => { reload(); loadUsers().catch(() => {}); }, []);
  const cur = st.currencies;
  useEffect(() => { if (cur) setBase(cur.base); }, [cur && cur.base]);
  const changeBase = async () => {
    if (!base || base === cur.base) return;
    if (!(await ask(t('cur.base_q', { old: cur.base, code: base }), t('cur.base_change')))) { setBase(cur.base); return; }
    try {
      const r = await api.put('/currencies/base', { code: base });
      if (r && r.items) setState({ currencies: { base: r.base, today: r.today, items: r.items } }); else await reload();
      toast(t('cur.base_changed', { code: base }));
    } catch (e) { toast(errText(e), 'error'); setBase(cur.base); }
  };
  const setActive = async (c, active) => {
    try { await api.put('/currencies/' + c.code, { name: c.name, symbol: c.symbol, active }); toast(t('common.saved')); }
    catch (e) { toast(errText(e), 'error'); }
    reload();
  };
  const create = async (e) => {
    e.preventDefault(); setAddErr(null);
    try {
      await api.post('/currencies', { code: add.code.trim().toUpperCase(), name: add.name.trim(), symbol: add.symbol.trim() });
      toast(t('common.saved')); setAdd({ code: '', name: '', symbol: '' }); reload();
    } catch (er) { setAddErr(er); }
  };
  const addErrs = fieldErrors(addErr);
  if (err) return html`<${ErrorBox} error=${err} />`;
  if (!cur) return html`<${Spinner} />`;
  const ex = cur.items.find((c) => c.code !== cur.base && c.rate) || { code: 'USD', rate: { rate: '41.25' } };
  return html`<div data-testid="currencies">
    <section class="panel base-cur">
      <div class="inline-form">
        <${Field} label=${t('cur.base')} name="base_currency" hint=${t('cur.base_hint')}>
          <${Select} name="base_currency" value=${base} onChange=${setBase}
            options=${cur.items.map((c) => ({ value: c.code, label: `${c.code} — ${c.name}` }))} />
        <//>
        <button class="btn" type="button" disabled=${base === cur.base} data-testid="change-base" onClick=${changeBase}>${t('cur.base_change')}</button>
      </div>
      <p class="rate-explain" data-testid="rate-explain">${t('cur.explain', { code: ex.code, rate: fmtRate(ex.rate.rate), base: cur.base })}</p>
      <p class="muted small">${t('cur.rule')}</p>
    </section>
    <div class="table-wrap"><table class="table" data-testid="currencies-table">
      <thead><tr><th>${t('cur.code')}</th><th>${t('f.name')}</th><th>${t('cur.symbol')}</th><th>${t('f.active')}</th>
        <th>${t('cur.rate_today', { day: fmtDay(cur.today) })}</th><th>${t('common.actions')}</th></tr></thead>
      <tbody>${cur.items.map((c) => html`<tr key=${c.code} class=${(c.active ? '' : 'inactive') + (sel === c.code ? ' selected' : '')} data-testid="currency-row" data-code=${c.code}>
        <td data-label=${t('cur.code')} class="mono strong">${c.code}${c.code === cur.base ? html` <span class="tag tag-base">${t('cur.base_tag')}</span>` : null}</td>
        <td data-label=${t('f.name')}>${c.name}</td>
        <td data-label=${t('cur.symbol')}>${c.symbol}</td>
        <td data-label=${t('f.active')}><label class="check"><input type="checkbox" checked=${c.active} disabled=${c.code === cur.base}
          data-testid="currency-active" onChange=${(e) => setActive(c, e.currentTarget.checked)} /> ${c.active ? t('common.yes') : t('common.no')}</label></td>
        <td data-label=${t('cur.rate')} class="nowrap">${c.code === cur.base ? html`<span class="muted">1 ${c.code} = 1 ${cur.base}</span>`
          : c.rate ? html`<span data-testid="currency-rate">1 ${c.code} = <strong title=${c.rate.rate}>${fmtRate(c.rate.rate)}</strong> ${cur.base}</span> <span class="muted small">${t('cur.since', { day: fmtDay(c.rate.date) })}</span>`
          : html`<span class="warn-text">${t('cur.no_rate')}</span>`}</td>
        <td class="nowrap">
          <button class="btn btn-small" onClick=${() => setEdit({ ...c })}>${t('common.edit')}</button>
          ${c.code !== cur.base ? html`<button class=${'btn btn-small' + (sel === c.code ? ' btn-primary' : '')} data-testid="currency-rates"
            aria-expanded=${sel === c.code} onClick=${() => setSel(sel === c.code ? null : c.code)}>${t('cur.rates')}</button>` : null}
        </td></tr>`)}</tbody></table></div>
    ${sel ? html`<${Rates} key=${sel} code=${sel} cur=${cur} onChanged=${reload} onClose=${() => setSel(null)} />` : null}
    <form class="inline-form panel cur-add" onSubmit=${create} novalidate data-testid="currency-add">
      <${Field} label=${t('cur.code_iso')} name="cur_code" error=${addErrs.code}>
        <${TextInput} name="cur_code" value=${add.code} maxlength="3" placeholder="PLN" class="mono upper"
          onInput=${(v) => setAdd({ ...add, code: v.toUpperCase() })} error=${addErrs.code} /><//>
      <${Field} label=${t('f.name')} name="cur_name" error=${addErrs.name}>
        <${TextInput} name="cur_name" value=${add.name} placeholder="Złoty" onInput=${(v) => setAdd({ ...add, name: v })} error=${addErrs.name} /><//>
      <${Field} label=${t('cur.symbol')} name="cur_symbol" error=${addErrs.symbol}>
        <${TextInput} name="cur_symbol" value=${add.symbol} placeholder="zł" onInput=${(v) => setAdd({ ...add, symbol: v })} error=${addErrs.symbol} /><//>
      <button class="btn btn-primary" type="submit" disabled=${!/^[A-Z]{3}$/.test(add.code.trim())} data-testid="currency-create">+ ${t('cur.add')}</button>
    </form>
    ${addErr && addErr.code !== 'validation' ? html`<${ErrorBox} error=${addErr} />` : null}
    ${edit ? html`<${CurrencyEditor} item=${edit} onClose=${() => setEdit(null)} onSaved=${reload} />` : null}
    ${dialog}
  </div>`;
}

function CurrencyEditor({ item, onClose, onSaved }) {
  const [f, setF] = useState(item);
  const [error, setError] = useState(null);
  const errs = fieldErrors(error);
  const submit = async (e) => {
    e.preventDefault(); setError(null);
    try { await api.put('/currencies/' + item.code, { name: f.name.trim(), symbol: f.symbol.trim(), active: !!f.active }); toast(t('common.saved')); onSaved(); onClose(); }
    catch (er) { setError(er); }
  };
  return html`<${Modal} title=${t('common.edit') + ': ' + item.code} onClose=${onClose}>
    <form class="form" onSubmit=${submit} novalidate data-testid="currency-form">
      <${ErrorBox} error=${error} />
      <${Field} label=${t('f.name')} name="ce_name" error=${errs.name}><${TextInput} name="ce_name" value=${f.name} onInput=${(v) => setF({ ...f, name: v })} autofocus /><//>
      <${Field} label=${t('cur.symbol')} name="ce_symbol" error=${errs.symbol}><${TextInput} name="ce_symbol" value=${f.symbol} onInput=${(v) => setF({ ...f, symbol: v })} /><//>
      <div class="form-actions">
        <button class="btn btn-primary" type="submit" data-testid="save">${t('common.save')}</button>
        <button class="btn" type="button" onClick=${onClose}>${t('common.cancel')}</button>
      </div>
    </form>
  <//>`;
}

function Rates({ code, cur, onChanged, onClose }) {
  const [items, setItems] = useState(null);
  const [err, setErr] = useState(null);
  const [f, setF] = useState({ date: cur.today || new Date().toISOString().slice(0, 10), rate: '' });
  const [addErr, setAddErr] = useState(null);
  const [ask, dialog] = useConfirm();
  const reload = () => api.get(`/currencies/${code}/rates`).then((r) => setItems(r.items || [])).catch(setErr);
  useEffect(() => { reload(); }, [code]);
  const submit = async (e) => {
    e.preventDefault(); setAddErr(null);
    try {
      await api.post(`/currencies/${code}/rates`, { date: f.date, rate: normDecimal(f.rate) });
      toast(t('common.saved')); setF({ ...f, rate: '' }); reload(); onChanged();
    } catch (er) { setAddErr(er); }
  };
  const del = async (r) => {
    if (!(await ask(t('cur.rate_delete_q', { code, day: fmtDay(r.date) })))) return;
    try { await api.del(`/currencies/${code}/rates/${r.date}`); toast(t('common.deleted')); reload(); onChanged(); }
    catch (e) { toast(errText(e), 'error'); }
  };
  const errs = fieldErrors(addErr);
  const num = normDecimal(f.rate);
  return html`<section class="panel rates" data-testid="rates">
    <div class="panel-head"><h2>${t('cur.rates_of', { code })}</h2>
      <button class="btn btn-icon" aria-label=${t('common.close')} onClick=${onClose}>×</button></div>
    <form class="inline-form" onSubmit=${submit} novalidate data-testid="rate-add">
      <${Field} label=${t('cur.date')} name="rate_date" error=${errs.date}>
        <${TextInput} name="rate_date" type="date" value=${f.date} onInput=${(v) => setF({ ...f, date: v })} error=${errs.date} /><//>
      <${Field} label=${t('cur.rate_for', { code, base: cur.base })} name="rate_value" error=${errs.rate}
        hint=${num && !isNaN(Number(num)) ? `1 ${code} = ${num} ${cur.base}` : t('cur.rate_hint', { code, base: cur.base })}>
        <${TextInput} name="rate_value" value=${f.rate} inputmode="decimal" placeholder="41.25" onInput=${(v) => setF({ ...f, rate: v })} error=${errs.rate} /><//>
      <button class="btn btn-primary" type="submit" disabled=${!f.date || !num} data-testid="rate-save">${t('cur.rate_add')}</button>
    </form>
    ${addErr && addErr.code !== 'validation' ? html`<${ErrorBox} error=${addErr} />` : null}
    <p class="muted small">${t('cur.same_date')}</p>
    <${ErrorBox} error=${err} />
    ${!items ? html`<${Spinner} />` : items.length === 0 ? html`<p class="muted">${t('cur.no_rates')}</p>` : html`<div class="table-wrap"><table class="table" data-testid="rates-table">
      <thead><tr><th>${t('cur.date')}</th><th>${t('cur.rate')}</th><th>${t('cur.entered')}</th><th></th></tr></thead>
      <tbody>${items.map((r) => html`<tr key=${r.date} data-testid="rate-row">
        <td data-label=${t('cur.date')} class="nowrap">${fmtDay(r.date)}</td>
        <td data-label=${t('cur.rate')} class="nowrap">1 ${code} = <strong title=${r.rate}>${fmtRate(r.rate)}</strong> ${r.quote || cur.base}</td>
        <td data-label=${t('cur.entered')} class="muted">${r.entered_by != null ? userName(r.entered_by) : ''}${r.entered_at ? ' · ' + fmtDateTime(r.entered_at) : ''}</td>
        <td><button class="btn btn-small btn-danger-outline" data-testid="rate-delete" onClick=${() => del(r)}>${t('common.delete')}</button></td>
      </tr>`)}</tbody></table></div>`}
    ${dialog}
  </section>`;
}

// ---------- custom fields ----------
export const CF_KINDS = ['text', 'long_text', 'integer', 'decimal', 'money', 'date', 'datetime', 'boolean', 'select', 'multiselect',
  'user', 'company', 'contact', 'deal', 'url', 'email', 'phone'];
const CF_ENTITIES = ['company', 'contact', 'lead', 'deal'];
const cfLabel = (f) => typeLabel(f);

function CustomFields() {
  const st = useStore();
  const [entity, setEntity] = useState('deal');
  const [err, setErr] = useState(null);
  const [edit, setEdit] = useState(null);
  const [showArchived, setShowArchived] = useState(false);
  const [ask, dialog] = useConfirm();
  const reload = () => loadCustomFields(entity, true).catch(setErr);
  useEffect(() => { setErr(null); reload(); }, [entity]);
  useEffect(() => { loadPipelines().catch(() => {}); loadUsers().catch(() => {}); loadCurrencies().catch(() => {}); }, []);
  const all = (st.customFields || {})[entity];
  const items = all ? all.filter((x) => showArchived || !x.archived).slice().sort(byOrder) : null;
  const archivedCount = all ? all.filter((x) => x.archived).length : 0;
  const archive = async (x) => {
    if (!(await ask(t('cfs.archive_q', { name: cfLabel(x) }), t('types.archive')))) return;
    try { await api.del('/custom-fields/' + x.id); toast(t('cfs.archived')); reload(); }
    catch (e) { toast(errText(e), 'error'); }
  };
  const restore = async (x) => {
    try { await api.put('/custom-fields/' + x.id, { ...cfBody(x), archived: false }); toast(t('common.saved')); reload(); }
    catch (e) { toast(errText(e), 'error'); }
  };
  const nextSort = all && all.length ? Math.max(...all.map((x) => x.sort || 0)) + 10 : 10;
  const pipeName = (id) => { const p = (st.pipelines || []).find((x) => x.id === id); return p ? p.name : '#' + id; };
  return html`<div data-testid="custom-fields">
    <div class="subtabs" role="tablist" aria-label=${t('cfs.entity')}>
      ${CF_ENTITIES.map((en) => html`<button type="button" role="tab" aria-selected=${entity === en} data-testid=${'cf-entity-' + en}
        class=${'btn btn-small' + (entity === en ? ' btn-primary' : '')} onClick=${() => setEntity(en)}>${t('cfs.entity.' + en)}</button>`)}
    </div>
    <div class="toolbar">
      <span class="muted small">${t('cfs.hint')}</span><span class="spacer"></span>
      ${archivedCount ? html`<label class="check small"><input type="checkbox" checked=${showArchived} onChange=${(e) => setShowArchived(e.currentTarget.checked)} />
        ${t('cfs.show_archived', { n: archivedCount })}</label>` : null}
      <button class="btn btn-primary" data-testid="cf-add" onClick=${() => setEdit(newField(entity, nextSort))}>+ ${t('cfs.add')}</button>
    </div>
    <${ErrorBox} error=${err} />
    ${!items ? html`<${Spinner} />` : html`<div class="table-wrap"><table class="table" data-testid="cf-table">
      <thead><tr><th class="num">${t('f.sort')}</th><th>${t('f.name')}</th><th>${t('cfs.label')}</th><th>${t('cfs.kind')}</th>
        <th>${t('cfs.flags')}</th>${entity === 'deal' ? html`<th>${t('cfs.pipelines')}</th>` : null}<th>${t('common.actions')}</th></tr></thead>
      <tbody>${items.length === 0 ? html`<tr><td colspan="7" class="empty">${t('cfs.empty')}</td></tr>` : items.map((x) => html`<tr key=${x.id} class=${x.archived ? 'inactive' : ''} data-testid="cf-row">
        <td class="num" data-label=${t('f.sort')}>${x.sort}</td>
        <td data-label=${t('f.name')} class="mono">${x.name}</td>
        <td data-label=${t('cfs.label')}>${cfLabel(x)}</td>
        <td data-label=${t('cfs.kind')}>${t('cfs.kind.' + x.kind)}${(x.kind === 'select' || x.kind === 'multiselect') ? html` <span class="muted small">(${(x.options || []).filter((o) => !o.archived).map((o) => o.label).join(', ')})</span>` : null}</td>
        <td data-label=${t('cfs.flags')}>
          ${x.required ? html`<span class="tag tag-req">${t('cfs.required')}</span> ` : null}
          ${x.show_in_list ? html`<span class="tag tag-muted">${t('cfs.in_list')}</span> ` : null}
          ${x.filterable ? html`<span class="tag tag-muted">${t('cfs.filterable')}</span> ` : null}
          ${x.archived ? html`<span class="tag tag-muted">${t('f.archived')}</span>` : null}</td>
        ${entity === 'deal' ? html`<td data-label=${t('cfs.pipelines')}>${x.pipeline_ids && x.pipeline_ids.length ? x.pipeline_ids.map(pipeName).join(', ') : t('cfs.all_pipelines')}</td>` : null}
        <td class="nowrap">
          <button class="btn btn-small" data-testid="cf-edit" onClick=${() => setEdit(JSON.parse(JSON.stringify(x)))}>${t('common.edit')}</button>
          ${x.archived ? html`<button class="btn btn-small" onClick=${() => restore(x)}>${t('types.unarchive')}</button>`
            : html`<button class="btn btn-small btn-danger-outline" data-testid="cf-archive" onClick=${() => archive(x)}>${t('types.archive')}</button>`}
        </td></tr>`)}</tbody></table></div>`}
    ${edit ? html`<${CfEditor} item=${edit} onClose=${() => setEdit(null)} onSaved=${reload} />` : null}
    ${dialog}
  </div>`;
}

function newField(entity, sort) {
  return { entity, name: '', labels: {}, kind: 'text', required: false, default: null, sort, show_in_list: false, filterable: false,
    options: [], pipeline_ids: [], archived: false };
}
function cfBody(x) {
  return { entity: x.entity, name: x.name, labels: x.labels || {}, kind: x.kind, required: !!x.required, default: x.default ?? null,
    sort: x.sort, show_in_list: !!x.show_in_list, filterable: !!x.filterable,
    options: (x.options || []).map((o) => (o.id != null ? { id: o.id, label: o.label, archived: !!o.archived } : { label: o.label })),
    pipeline_ids: x.pipeline_ids || [], archived: !!x.archived };
}
// datetime-local ⇄ RFC 3339 (in the browser's zone)
const pad = (n) => String(n).padStart(2, '0');
function toLocalInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (isNaN(d)) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

// The default value input, by kind; `value` is the API shape (see docs/api.md "value shapes").
function DefaultInput({ f, onChange, error }) {
  const st = useStore();
  const v = f.default;
  const name = 'cf_default';
  const opts = (f.options || []).filter((o) => o.id != null && !o.archived);
  const inv = error ? 'true' : undefined;
  switch (f.kind) {
    case 'boolean':
      return html`<${Select} name=${name} value=${v === true ? 'true' : v === false ? 'false' : ''} empty=${t('cfs.no_default')}
        onChange=${(x) => onChange(x === '' ? null : x === 'true')} options=${[{ value: 'true', label: t('common.yes') }, { value: 'false', label: t('common.no') }]} />`;
    case 'integer':
      return html`<${TextInput} name=${name} type="number" step="1" value=${v ?? ''} error=${error} onInput=${(x) => onChange(x === '' ? null : Number(x))} />`;
    case 'decimal':
      return html`<${TextInput} name=${name} inputmode="decimal" value=${v ?? ''} error=${error} onInput=${(x) => onChange(normDecimal(x))} />`;
    case 'money': {
      const m = v && typeof v === 'object' ? v : { amount: '', currency: (st.currencies && st.currencies.base) || 'UAH' };
      const curs = st.currencies ? st.currencies.items.filter((c) => c.active || c.code === m.currency) : [{ code: m.currency }];
      return html`<div class="lead-money">
        <${TextInput} name=${name} inputmode="decimal" value=${m.amount ?? ''} error=${error}
          onInput=${(x) => onChange(normDecimal(x) == null ? null : { amount: normDecimal(x), currency: m.currency })} />
        <select aria-label=${t('leads.f.currency')} onChange=${(e) => onChange(m.amount ? { amount: m.amount, currency: e.currentTarget.value } : null)}>
          ${curs.map((c) => html`<option value=${c.code} selected=${c.code === m.currency}>${c.code}</option>`)}</select>
      </div>`;
    }
    case 'date':
      return html`<${TextInput} name=${name} type="date" value=${v ?? ''} error=${error} onInput=${(x) => onChange(x || null)} />`;
    case 'datetime':
      return html`<${TextInput} name=${name} type="datetime-local" value=${toLocalInput(v)} error=${error}
        onInput=${(x) => onChange(x ? new Date(x).toISOString().replace(/\.\d{3}Z$/, 'Z') : null)} />`;
    case 'select':
      return html`<${Select} name=${name} value=${v ?? ''} empty=${t('cfs.no_default')} onChange=${(x) => onChange(x === '' ? null : Number(x))}
        options=${opts.map((o) => ({ value: o.id, label: o.label }))} aria-invalid=${inv} />`;
    case 'multiselect': {
      const arr = Array.isArray(v) ? v : [];
      if (!opts.length) return html`<p class="muted small">${t('cfs.default_after_save')}</p>`;
      return html`<div class="checks">${opts.map((o) => html`<label class="check"><input type="checkbox" checked=${arr.includes(o.id)}
        onChange=${(e) => { const n = e.currentTarget.checked ? [...arr, o.id] : arr.filter((x) => x !== o.id); onChange(n.length ? n : null); }} /> ${o.label}</label>`)}</div>`;
    }
    case 'user':
      return html`<${Select} name=${name} value=${v ?? ''} empty=${t('cfs.no_default')} onChange=${(x) => onChange(x === '' ? null : Number(x))}
        options=${(st.users || []).filter((u) => u.active || u.id === v).map((u) => ({ value: u.id, label: u.name }))} />`;
    case 'company': case 'contact': case 'deal':
      return html`<${TextInput} name=${name} type="number" min="1" value=${v ?? ''} error=${error} placeholder=${t('cfs.record_id')}
        onInput=${(x) => onChange(x === '' ? null : Number(x))} />`;
    case 'long_text':
      return html`<textarea id=${'f-' + name} rows="2" aria-invalid=${inv} onInput=${(e) => onChange(e.currentTarget.value || null)}>${v ?? ''}</textarea>`;
    default:
      return html`<${TextInput} name=${name} type=${f.kind === 'email' ? 'email' : f.kind === 'url' ? 'url' : f.kind === 'phone' ? 'tel' : 'text'}
        value=${v ?? ''} error=${error} onInput=${(x) => onChange(x === '' ? null : x)} />`;
  }
}

function CfEditor({ item, onClose, onSaved }) {
  const st = useStore();
  const [f, setF] = useState({ ...item, options: (item.options || []).map((o) => ({ ...o })), labels: { ...(item.labels || {}) } });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [chosenPipes, setChosenPipes] = useState((item.pipeline_ids || []).length > 0);
  const errs = fieldErrors(error);
  const set = (k) => (v) => setF({ ...f, [k]: v });
  const setLabel = (l) => (v) => setF({ ...f, labels: { ...f.labels, [l]: v } });
  const hasOptions = f.kind === 'select' || f.kind === 'multiselect';
  const setKind = (k) => setF({ ...f, kind: k, default: null });
  const setOpt = (i, patch) => setF({ ...f, options: f.options.map((o, j) => (j === i ? { ...o, ...patch } : o)) });
  const submit = async (e) => {
    e.preventDefault(); setError(null); setBusy(true);
    const labels = {};
    for (const l of ['en', 'uk', 'ru']) if ((f.labels[l] || '').trim()) labels[l] = f.labels[l].trim();
    const body = cfBody({
      ...f, name: f.name.trim(), labels, sort: Number(f.sort) || 0,
      options: hasOptions ? f.options.filter((o) => o.id != null || o.label.trim()).map((o) => ({ ...o, label: o.label.trim() })) : [],
      pipeline_ids: f.entity === 'deal' && chosenPipes ? f.pipeline_ids : [],
    });
    try {
      if (item.id) await api.put('/custom-fields/' + item.id, body); else await api.post('/custom-fields', body);
      toast(t('common.saved')); onSaved(); onClose();
    } catch (er) { setError(er); setBusy(false); }
  };
  const pipelines = (st.pipelines || []).filter((p) => !p.archived || f.pipeline_ids.includes(p.id));
  const optErr = (i) => errs[`options[${i}].label`] || errs[`options[${i}]`];
  const unknown = error && error.fields ? error.fields.filter((x) => !/^(name|labels\.\w+|kind|default|sort|options(\[\d+\].*)?|pipeline_ids.*|entity|required|show_in_list|filterable)$/.test(x.field)) : [];
  return html`<${Modal} title=${item.id ? t('cfs.edit') + ': ' + cfLabel(item) : t('cfs.add') + ' — ' + t('cfs.entity.' + f.entity)} onClose=${onClose}>
    <form class="form cfdef-form" onSubmit=${submit} novalidate data-testid="cfdef-form">
      <${ErrorBox} error=${error} />
      ${unknown.length ? html`<ul class="field-error">${unknown.map((x) => html`<li>${x.field}: ${x.message || x.code}</li>`)}</ul>` : null}
      <div class="grid2">
        <${Field} label=${t('cfs.name') + ' *'} name="cf_name" error=${errs.name} hint=${t('cfs.name_hint')}>
          <${TextInput} name="cf_name" value=${f.name} onInput=${set('name')} autofocus error=${errs.name} /><//>
        <${Field} label=${t('cfs.kind')} name="cf_kind" error=${errs.kind} hint=${item.id ? t('cfs.kind_fixed') : null}>
          <${Select} name="cf_kind" value=${f.kind} onChange=${setKind} disabled=${!!item.id}
            options=${CF_KINDS.map((k) => ({ value: k, label: t('cfs.kind.' + k) }))} /><//>
        <${Field} label=${t('f.label_uk')} name="cf_label_uk" error=${errs['labels.uk']}><${TextInput} name="cf_label_uk" value=${f.labels.uk || ''} onInput=${setLabel('uk')} /><//>
        <${Field} label=${t('f.label_ru')} name="cf_label_ru" error=${errs['labels.ru']}><${TextInput} name="cf_label_ru" value=${f.labels.ru || ''} onInput=${setLabel('ru')} /><//>
        <${Field} label=${t('f.label_en')} name="cf_label_en" error=${errs['labels.en']}><${TextInput} name="cf_label_en" value=${f.labels.en || ''} onInput=${setLabel('en')} /><//>
        <${Field} label=${t('f.sort')} name="cf_sort" error=${errs.sort}><${TextInput} name="cf_sort" type="number" value=${f.sort} onInput=${set('sort')} /><//>
      </div>
      <div class="checks-row">
        <label class="check"><input type="checkbox" checked=${f.required} data-testid="cf-required" onChange=${(e) => set('required')(e.currentTarget.checked)} /> ${t('cfs.required')}</label>
        <label class="check"><input type="checkbox" checked=${f.show_in_list} data-testid="cf-in-list" onChange=${(e) => set('show_in_list')(e.currentTarget.checked)} /> ${t('cfs.show_in_list')}</label>
        <label class="check"><input type="checkbox" checked=${f.filterable} data-testid="cf-filterable" onChange=${(e) => set('filterable')(e.currentTarget.checked)} /> ${t('cfs.filterable_long')}</label>
      </div>
      ${hasOptions ? html`<fieldset class="cf-options" data-testid="cf-options">
        <legend>${t('cfs.options')}</legend>
        ${errs.options ? html`<div class="field-error">${errs.options}</div>` : null}
        ${f.options.map((o, i) => html`<div class=${'opt-row' + (o.archived ? ' archived' : '')}>
          <input value=${o.label} aria-label=${t('cfs.option_label')} data-testid=${'cf-option-' + i} aria-invalid=${optErr(i) ? 'true' : undefined}
            onInput=${(e) => setOpt(i, { label: e.currentTarget.value })} />
          ${o.archived ? html`<span class="tag tag-muted">${t('f.archived')}</span>` : null}
          ${o.id != null
            ? html`<button type="button" class="btn btn-small" onClick=${() => setOpt(i, { archived: !o.archived })}>${o.archived ? t('types.unarchive') : t('types.archive')}</button>`
            : html`<button type="button" class="btn btn-icon" aria-label=${t('common.remove')} title=${t('common.remove')}
              onClick=${() => setF({ ...f, options: f.options.filter((_, j) => j !== i) })}>×</button>`}
          ${optErr(i) ? html`<div class="field-error">${optErr(i)}</div>` : null}
        </div>`)}
        <button type="button" class="btn btn-link" data-testid="cf-option-add" onClick=${() => setF({ ...f, options: [...f.options, { label: '' }] })}>+ ${t('cfs.option_add')}</button>
        <div class="hint">${t('cfs.options_hint')}</div>
      </fieldset>` : null}
      <${Field} label=${t('cfs.default')} name="cf_default" error=${errs.default}>
        <${DefaultInput} f=${f} onChange=${set('default')} error=${errs.default} />
      <//>
      ${f.entity === 'deal' ? html`<fieldset class="cf-pipes" data-testid="cf-pipelines">
        <legend>${t('cfs.pipelines')}</legend>
        <label class="check"><input type="radio" name="cf_pipes" checked=${!chosenPipes} onChange=${() => setChosenPipes(false)} /> ${t('cfs.all_pipelines')}</label>
        <label class="check"><input type="radio" name="cf_pipes" checked=${chosenPipes} data-testid="cf-pipes-chosen" onChange=${() => setChosenPipes(true)} /> ${t('cfs.chosen_pipelines')}</label>
        ${chosenPipes ? html`<div class="checks">${pipelines.map((p) => html`<label class="check"><input type="checkbox" checked=${f.pipeline_ids.includes(p.id)}
          onChange=${(e) => set('pipeline_ids')(e.currentTarget.checked ? [...f.pipeline_ids, p.id] : f.pipeline_ids.filter((x) => x !== p.id))} /> ${p.name}</label>`)}</div>` : null}
        ${errs.pipeline_ids ? html`<div class="field-error">${errs.pipeline_ids}</div>` : null}
      </fieldset>` : null}
      <div class="form-actions">
        <button class="btn btn-primary" type="submit" disabled=${busy} data-testid="save">${busy ? t('common.saving') : t('common.save')}</button>
        <button class="btn" type="button" onClick=${onClose}>${t('common.cancel')}</button>
      </div>
    </form>
  <//>`;
}

// ---------- lead sources, deal types (the pattern of company types) ----------
// One editor for every reference list (company types, lead sources, deal types).
export function RefList({ apiPath, load, storeKey, testid }) {
  const st = useStore();
  const [err, setErr] = useState(null);
  const [edit, setEdit] = useState(null);
  const [ask, dialog] = useConfirm();
  useEffect(() => { setErr(null); load(true).catch(setErr); }, [apiPath]);
  const items = (st[storeKey] || []).slice().sort(byOrder);
  const toggleArchive = async (x) => {
    try { await api.put(apiPath + '/' + x.id, { name: x.name, labels: x.labels || {}, sort: x.sort, archived: !x.archived }); load(true); }
    catch (e) { toast(errText(e), 'error'); }
  };
  const del = async (x) => {
    if (!(await ask(t('ref.delete_q', { name: typeLabel(x) })))) return;
    try { await api.del(apiPath + '/' + x.id); toast(t('common.deleted')); load(true); }
    catch (e) { toast(e.status === 409 ? t('ref.in_use') : errText(e), 'error'); }
  };
  const nextSort = items.length ? Math.max(...items.map((x) => x.sort || 0)) + 10 : 10;
  return html`<div data-testid=${testid}>
    <div class="toolbar"><span class="muted small">${t('ref.hint')}</span><span class="spacer"></span>
      <button class="btn btn-primary" data-testid="ref-add" onClick=${() => setEdit({ name: '', labels: {}, sort: nextSort, archived: false })}>+ ${t('common.add')}</button></div>
    <${ErrorBox} error=${err} />
    ${!st[storeKey] ? (err ? null : html`<${Spinner} />`) : html`<div class="table-wrap"><table class="table" data-testid="ref-table">
      <thead><tr><th class="num">${t('f.sort')}</th><th>${t('f.name')}</th><th>UK</th><th>RU</th><th>EN</th><th>${t('f.archived')}</th><th>${t('common.actions')}</th></tr></thead>
      <tbody>${items.length === 0 ? html`<tr><td colspan="7" class="empty">${t('common.empty')}</td></tr>` : items.map((x) => html`<tr key=${x.id} class=${x.archived ? 'inactive' : ''} data-testid="ref-row">
        <td class="num" data-label=${t('f.sort')}>${x.sort}</td>
        <td data-label=${t('f.name')} class="mono">${x.name}</td>
        <td data-label="UK">${(x.labels || {}).uk || ''}</td><td data-label="RU">${(x.labels || {}).ru || ''}</td><td data-label="EN">${(x.labels || {}).en || ''}</td>
        <td data-label=${t('f.archived')}>${x.archived ? t('common.yes') : null}</td>
        <td class="nowrap">
          <button class="btn btn-small" onClick=${() => setEdit({ ...x, labels: { ...(x.labels || {}) } })}>${t('common.edit')}</button>
          <button class="btn btn-small" onClick=${() => toggleArchive(x)}>${x.archived ? t('types.unarchive') : t('types.archive')}</button>
          <button class="btn btn-small btn-danger-outline" onClick=${() => del(x)}>${t('common.delete')}</button>
        </td></tr>`)}</tbody></table></div>`}
    ${edit ? html`<${RefEditor} item=${edit} apiPath=${apiPath} onSaved=${() => load(true)} onClose=${() => setEdit(null)} />` : null}
    ${dialog}
  </div>`;
}

function RefEditor({ item, apiPath, onSaved, onClose }) {
  const [f, setF] = useState(item);
  const [error, setError] = useState(null);
  const errs = fieldErrors(error);
  const setLabel = (l) => (v) => setF({ ...f, labels: { ...f.labels, [l]: v } });
  const submit = async (e) => {
    e.preventDefault(); setError(null);
    const labels = {};
    for (const l of ['en', 'uk', 'ru']) if ((f.labels[l] || '').trim()) labels[l] = f.labels[l].trim();
    const body = { name: f.name.trim(), labels, sort: Number(f.sort) || 0, archived: !!f.archived };
    try {
      if (item.id) await api.put(apiPath + '/' + item.id, body); else await api.post(apiPath, body);
      toast(t('common.saved')); await onSaved(); onClose();
    } catch (err) { setError(err); }
  };
  return html`<${Modal} title=${item.id ? t('common.edit') + ': ' + item.name : t('common.add')} onClose=${onClose}>
    <form class="form" onSubmit=${submit} data-testid="ref-form" novalidate>
      <${ErrorBox} error=${error} />
      <${Field} label=${t('f.name')} name="ref_name" error=${errs.name}>
        <${TextInput} name="ref_name" value=${f.name} onInput=${(v) => setF({ ...f, name: v })} autofocus error=${errs.name} />
      <//>
      <${Field} label=${t('f.label_uk')} name="ref_label_uk" error=${errs['labels.uk']}><${TextInput} name="ref_label_uk" value=${f.labels.uk || ''} onInput=${setLabel('uk')} /><//>
      <${Field} label=${t('f.label_ru')} name="ref_label_ru" error=${errs['labels.ru']}><${TextInput} name="ref_label_ru" value=${f.labels.ru || ''} onInput=${setLabel('ru')} /><//>
      <${Field} label=${t('f.label_en')} name="ref_label_en" error=${errs['labels.en']}><${TextInput} name="ref_label_en" value=${f.labels.en || ''} onInput=${setLabel('en')} /><//>
      <${Field} label=${t('f.sort')} name="ref_sort" error=${errs.sort}>
        <${TextInput} name="ref_sort" type="number" value=${f.sort} onInput=${(v) => setF({ ...f, sort: v })} />
      <//>
      <div class="form-actions">
        <button class="btn btn-primary" type="submit" data-testid="save">${t('common.save')}</button>
        <button class="btn" type="button" onClick=${onClose}>${t('common.cancel')}</button>
      </div>
    </form>
  <//>`;
}
