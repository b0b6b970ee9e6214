// Leads: list, record page, create/edit form, conversion into a deal (+ contact, company).
import { html, useState, useEffect, useRef, useCallback } from '../lib.js';
import {
  api, qs, loadCounts, loadUsers, loadLeadStatuses, loadLeadSources, loadCurrencies, loadPipelines,
} from '../api.js';
import { t, fmtDateTime, fmtDateShort } from '../i18n.js';
import { useStore, getState, toast } from '../store.js';
import { Link, navigate } from '../router.js';
import {
  Field, TextInput, TextArea, Select, ErrorBox, Spinner, NotFound, PageHead,
  fieldErrors, errorText, useConfirm, useEscape, userName, typeLabel,
} from '../components.js';
import { SortTh, usePaged, ListFooter } from './companies.js';
import { Timeline } from '../timeline.js';
import { useWorkCounts, WorkTh, WorkCell } from '../bell.js';
import {
  CustomFieldsForm, CustomFieldsView, CustomFieldFilters, CfValue, cfLabel, cfParams, useCustomFields, activeDefs, defaultCustom, cleanCustom,
} from '../customfields.js';

const LOCALES = { en: 'en-GB', uk: 'uk-UA', ru: 'ru-RU' };

// "1234.50" + "USD" → "1 234,50 USD" in the UI language. Amounts are decimal strings: never do sums here.
export function fmtMoney(amount, currency) {
  if (amount === null || amount === undefined || amount === '') return '';
  const n = Number(amount);
  if (!isFinite(n)) return `${amount} ${currency || ''}`.trim();
  const s = new Intl.NumberFormat(LOCALES[getState().lang] || 'en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(n);
  return currency ? `${s}\u00a0${currency}` : s;
}
// "1 234,5" / "1234.5" typed by a person → "1234.5" (or null when empty). The server validates the rest.
export function normDecimal(s) {
  const v = String(s ?? '').trim().replace(/[\s\u00a0]/g, '').replace(',', '.');
  return v === '' ? null : v;
}

export function statusById(id) {
  return (getState().leadStatuses || []).find((x) => x.id === id) || null;
}
export function StatusBadge({ id, status }) {
  const s = status || statusById(id);
  if (!s) return id != null ? html`<span class="muted">#${id}</span>` : null;
  return html`<span class=${'lead-status kind-' + s.kind} style=${'--c:' + (s.color || '#8a94a6')} data-testid="lead-status">
    <i class="dot" aria-hidden="true"></i>${s.name}</span>`;
}
function sourceName(id) {
  if (id == null) return null;
  const s = (getState().leadSources || []).find((x) => x.id === id);
  return s ? typeLabel(s) : '#' + id;
}

function useLeadRefs() {
  const [err, setErr] = useState(null);
  useEffect(() => {
    loadUsers().catch(() => {});
    loadLeadStatuses().catch(setErr);
    loadLeadSources().catch(() => {});
    loadCurrencies().catch(() => {});
  }, []);
  return err;
}

// ---------- list ----------
export function LeadsList() {
  const store = useStore();
  const refErr = useLeadRefs();
  const [sort, setSort] = useState('-created');
  const [status, setStatus] = useState('');
  const [responsible, setResponsible] = useState('');
  const [source, setSource] = useState('');
  const [cf, setCf] = useState({});
  const [st, more] = usePaged('/leads', { sort, status_id: status, responsible_id: responsible, source_id: source, ...cfParams(cf) });
  const cfCols = activeDefs(useCustomFields('lead')).filter((d) => d.show_in_list);
  const users = (store.users || []).filter((u) => u.active || String(u.id) === responsible);
  const statuses = store.leadStatuses || [];
  const sources = (store.leadSources || []).filter((x) => !x.archived || String(x.id) === source).sort((a, b) => a.sort - b.sort);
  const filtered = status || responsible || source || Object.keys(cf).length;
  const sortOpts = [];
  for (const [f, key] of [['created', 'f.created_at'], ['updated', 'f.updated_at'], ['title', 'leads.f.title']]) {
    sortOpts.push({ value: f, label: t(key) + ' ▲' }, { value: '-' + f, label: t(key) + ' ▼' });
  }
  const work = useWorkCounts('lead', st.items);
  const COLS = 10 + cfCols.length;
  return html`<div class="page leads-page">
    <${PageHead} title=${t('leads.title')}>
      <${Link} class="btn btn-primary" href="/leads/new" data-testid="new-lead">+ ${t('leads.new')}<//>
    <//>
    <div class="filters" role="group" aria-label=${t('common.filters')}>
      <label>${t('leads.f.status')}
        <${Select} name="filter-status" value=${status} onChange=${setStatus} empty=${t('common.any')}
          options=${statuses.map((x) => ({ value: x.id, label: x.name }))} /></label>
      <label>${t('f.responsible')}
        <${Select} name="filter-responsible" value=${responsible} onChange=${setResponsible} empty=${t('common.any')}
          options=${users.map((u) => ({ value: u.id, label: u.name }))} /></label>
      <label>${t('f.source')}
        <${Select} name="filter-source" value=${source} onChange=${setSource} empty=${t('common.any')}
          options=${sources.map((x) => ({ value: x.id, label: typeLabel(x) }))} /></label>
      <${CustomFieldFilters} entity="lead" value=${cf} onChange=${setCf} />
      ${filtered ? html`<button class="btn btn-link" data-testid="reset-filters" onClick=${() => { setStatus(''); setResponsible(''); setSource(''); setCf({}); }}>${t('common.reset')}</button>` : null}
      <label class="sort-select">${t('common.sort')}
        <${Select} name="sort" value=${sort} onChange=${setSort} options=${sortOpts} /></label>
    </div>
    <${ErrorBox} error=${st.error || refErr} />
    <div class="table-wrap">
      <table class="table leads-table" data-testid="leads-table">
        <thead><tr>
          <${SortTh} field="title" label=${t('leads.f.title')} sort=${sort} setSort=${setSort} />
          <${WorkTh} />
          <th>${t('leads.f.person_name')}</th><th>${t('leads.f.company_name')}</th><th>${t('f.phone')} / ${t('f.email')}</th>
          <th>${t('leads.f.status')}</th><th>${t('f.source')}</th><th>${t('f.responsible')}</th>
          <th class="num">${t('leads.f.amount')}</th>
          ${cfCols.map((d) => html`<th key=${d.id}>${cfLabel(d)}</th>`)}
          <${SortTh} field="created" label=${t('f.created_at')} sort=${sort} setSort=${setSort} cls="col-created" />
        </tr></thead>
        <tbody>
          ${st.items === null ? html`<tr><td colspan=${COLS}><${Spinner} /></td></tr>`
            : st.items.length === 0 ? html`<tr><td colspan=${COLS} class="empty">${filtered ? t('leads.empty_filtered') : t('leads.empty')}</td></tr>`
            : st.items.map((l) => html`<tr key=${l.id} class=${l.converted ? 'lead-converted' : ''} data-testid="lead-row">
              <td data-label=${t('leads.f.title')}><${Link} href=${'/leads/' + l.id} class="strong">${l.title}<//>
                ${l.converted ? html`<div class="small"><${Link} href=${'/deals/' + l.converted.deal_id} data-testid="lead-deal-link">→ ${t('leads.deal_n', { id: l.converted.deal_id })}<//></div>` : null}</td>
              <${WorkCell} c=${work[l.id]} id=${l.id} />
              <td data-label=${t('leads.f.person_name')}>${l.person_name || null}</td>
              <td data-label=${t('leads.f.company_name')}>${l.company_name || null}</td>
              <td data-label=${t('f.phone') + ' / ' + t('f.email')} class="lead-reach">${l.phone || l.email ? html`
                ${l.phone ? html`<div class="nowrap"><a href=${'tel:' + l.phone.replace(/[^\d+]/g, '')}>${l.phone}</a></div>` : null}
                ${l.email ? html`<div class="lead-email" title=${l.email}>${l.email}</div>` : null}` : null}</td>
              <td data-label=${t('leads.f.status')}><${StatusBadge} id=${l.status_id} /></td>
              <td data-label=${t('f.source')}>${sourceName(l.source_id)}</td>
              <td data-label=${t('f.responsible')}>${l.responsible_id != null ? userName(l.responsible_id) : null}</td>
              <td data-label=${t('leads.f.amount')} class="num nowrap">${fmtMoney(l.amount, l.currency) || null}</td>
              ${cfCols.map((d) => { const v = (l.custom || {})[String(d.id)]; return html`<td key=${d.id} data-label=${cfLabel(d)}>${v == null || v === '' ? null : html`<${CfValue} def=${d} value=${v} short />`}</td>`; })}
              <td data-label=${t('f.created_at')} class="nowrap muted col-created" title=${fmtDateTime(l.created_at)}>${fmtDateShort(l.created_at)}</td>
            </tr>`)}
        </tbody>
      </table>
    </div>
    <${ListFooter} st=${st} more=${more} />
  </div>`;
}

// ---------- history ----------
const LEAD_FIELDS = ['title', 'person_name', 'company_name', 'phone', 'email', 'source_id', 'responsible_id', 'amount', 'currency', 'status_id', 'comments', 'converted'];
function leadFieldLabel(field, defs) {
  if (field.startsWith('custom.')) {
    const d = defs.find((x) => String(x.id) === field.slice(7));
    return d ? cfLabel(d) : field;
  }
  if (field === 'responsible_id') return t('f.responsible');
  if (field === 'phone') return t('f.phone');
  if (field === 'email') return t('f.email');
  if (field === 'source_id') return t('f.source');
  return LEAD_FIELDS.includes(field) ? t('leads.f.' + field) : field;
}
function leadHistValue(field, v, defs) {
  const none = html`<span class="muted">${t('common.none')}</span>`;
  if (v === null || v === undefined || v === '') return none;
  if (field === 'status_id') return html`<${StatusBadge} id=${v} />`;
  if (field === 'source_id') return sourceName(v);
  if (field === 'responsible_id' || field === 'created_by' || field === 'updated_by') return userName(v);
  if (field === 'converted' && typeof v === 'object') return t('leads.deal_n', { id: v.deal_id });
  if (field === 'amount') return fmtMoney(v);
  if (field.startsWith('custom.')) {
    const d = defs.find((x) => String(x.id) === field.slice(7));
    return d ? html`<${CfValue} def=${d} value=${v} />` : JSON.stringify(v);
  }
  if (typeof v === 'boolean') return v ? t('common.yes') : t('common.no');
  if (typeof v === 'object') return JSON.stringify(v);
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v)) return fmtDateTime(v);
  return String(v);
}
// A change of the whole `custom` object is shown per custom field.
function expandChanges(changes) {
  const out = [];
  for (const c of changes || []) {
    if (c.field === 'custom' && (c.old == null || typeof c.old === 'object') && (c.new == null || typeof c.new === 'object')) {
      const o = c.old || {}; const n = c.new || {};
      for (const k of new Set([...Object.keys(o), ...Object.keys(n)])) {
        if (JSON.stringify(o[k]) !== JSON.stringify(n[k])) out.push({ field: 'custom.' + k, old: o[k], new: n[k] });
      }
    } else out.push(c);
  }
  return out;
}
function LeadHistory({ items, defs }) {
  if (!items) return html`<${Spinner} />`;
  if (items.length === 0) return html`<p class="muted">${t('history.empty')}</p>`;
  return html`<ol class="history" data-testid="history">
    ${items.map((e) => {
      const changes = expandChanges(e.changes);
      return html`<li>
      <div class="history-head"><strong>${e.user_name || (e.user_id != null ? userName(e.user_id) : t('common.system'))}</strong>
        ${' '}<span>${t('history.' + (e.action || 'updated'))}</span>
        ${' '}<time class="muted" datetime=${e.at}>${fmtDateTime(e.at)}</time></div>
      ${e.action !== 'created' && changes.length ? html`<ul class="changes">
        ${changes.map((c) => html`<li><span class="ch-field">${leadFieldLabel(c.field, defs)}:</span>
          <span class="ch-old">${leadHistValue(c.field, c.old, defs)}</span> → <span class="ch-new">${leadHistValue(c.field, c.new, defs)}</span></li>`)}
      </ul>` : null}
    </li>`;
    })}
  </ol>`;
}

// Names of the records a lead became (deal, contact, company): fetched once per page.
function useRecordTitle(path, pick) {
  const [name, setName] = useState(null);
  useEffect(() => {
    if (!path) return;
    let live = true;
    api.get(path).then((r) => live && setName(pick(r))).catch(() => {});
    return () => { live = false; };
  }, [path]);
  return name;
}

function leadBody(l, patch = {}) {
  return {
    title: l.title, person_name: l.person_name || '', company_name: l.company_name || '', phone: l.phone || '', email: l.email || '',
    source_id: l.source_id ?? null, responsible_id: l.responsible_id ?? null, amount: l.amount ?? null, currency: l.currency || null,
    status_id: l.status_id ?? null, comments: l.comments || '', custom: l.custom || {}, ...patch,
  };
}

// ---------- record page ----------
export function LeadView({ params }) {
  const store = useStore();
  const id = params.id;
  const [l, setL] = useState(null);
  const [err, setErr] = useState(null);
  const [hist, setHist] = useState(null);
  const defs = useCustomFields('lead') || [];
  const [ask, dialog] = useConfirm();
  useLeadRefs();
  const reloadHist = () => setHist((n) => (n || 0) + 1); // the timeline reloads
  useEffect(() => {
    api.get('/leads/' + id).then(setL).catch(setErr);
  }, [id]);
  const conv = l && l.converted;
  const dealTitle = useRecordTitle(conv ? '/deals/' + conv.deal_id : null, (d) => d.title);
  const contactTitle = useRecordTitle(conv && conv.contact_id != null ? '/contacts/' + conv.contact_id : null,
    (c) => [c.first_name, c.middle_name, c.last_name].filter(Boolean).join(' '));
  const companyTitle = useRecordTitle(conv && conv.company_id != null ? '/companies/' + conv.company_id : null, (c) => c.name);
  if (err) return err.status === 404 ? html`<${NotFound} />` : html`<div class="page"><${ErrorBox} error=${err} /></div>`;
  if (!l) return html`<${Spinner} />`;
  const del = async () => {
    if (!(await ask(t('leads.delete_q', { name: l.title })))) return;
    try {
      await api.del('/leads/' + id);
      toast(t('common.deleted'));
      loadCounts();
      navigate('/leads');
    } catch (e) { toast(errorText(e), 'error'); }
  };
  const setStatus = async (sid) => {
    if (sid === l.status_id) return;
    try {
      const nl = await api.put('/leads/' + id, leadBody(l, { status_id: sid }));
      setL(nl); reloadHist(); loadCounts();
    } catch (e) { toast(errorText(e) + (e.fields && e.fields.length ? ': ' + e.fields.map((f) => f.field + ' ' + (f.message || f.code)).join('; ') : ''), 'error'); }
  };
  const statuses = store.leadStatuses || [];
  return html`<div class="page" data-testid="lead-page">
    <${PageHead} title=${l.title} back=${{ href: '/leads', label: t('leads.title') }}>
      ${!conv ? html`<${Link} class="btn btn-primary btn-convert" href=${`/leads/${id}/convert`} data-testid="convert">⇢ ${t('leads.convert')}<//>` : null}
      <${Link} class="btn" href=${`/leads/${id}/edit`} data-testid="edit">${t('common.edit')}<//>
      <button class="btn btn-danger-outline" data-testid="delete" onClick=${del}>${t('common.delete')}</button>
    <//>
    ${conv ? html`<div class="alert alert-ok lead-became" data-testid="lead-converted">
      <strong>${t('leads.converted_at', { at: fmtDateTime(conv.at), by: userName(conv.by) })}</strong>
      <ul class="became-list">
        <li>◆ ${t('leads.became_deal')}: <${Link} href=${'/deals/' + conv.deal_id} data-testid="became-deal">${dealTitle || t('leads.deal_n', { id: conv.deal_id })}<//></li>
        ${conv.contact_id != null ? html`<li>☺ ${t('kind.contact')}: <${Link} href=${'/contacts/' + conv.contact_id} data-testid="became-contact">${contactTitle || '#' + conv.contact_id}<//></li>` : null}
        ${conv.company_id != null ? html`<li>▦ ${t('kind.company')}: <${Link} href=${'/companies/' + conv.company_id} data-testid="became-company">${companyTitle || '#' + conv.company_id}<//></li>` : null}
      </ul>
    </div>` : null}
    <div class="status-bar" role="group" aria-label=${t('leads.f.status')} data-testid="status-bar">
      ${statuses.filter((s) => s.kind !== 'converted' || s.id === l.status_id).map((s) => html`<button type="button"
        class=${'status-step kind-' + s.kind + (s.id === l.status_id ? ' current' : '')} style=${'--c:' + (s.color || '#8a94a6')}
        aria-pressed=${s.id === l.status_id} disabled=${!!conv} title=${conv ? t('leads.converted_locked') : t('leads.set_status')}
        data-testid=${'status-' + s.id} onClick=${() => setStatus(s.id)}>${s.name}</button>`)}
    </div>
    <div class="record-grid">
      <section class="panel">
        <h2>${t('companies.details')}</h2>
        <dl class="props">
          <dt>${t('leads.f.status')}</dt><dd><${StatusBadge} id=${l.status_id} /></dd>
          ${l.person_name ? html`<dt>${t('leads.f.person_name')}</dt><dd>${l.person_name}</dd>` : null}
          ${l.company_name ? html`<dt>${t('leads.f.company_name')}</dt><dd>${l.company_name}</dd>` : null}
          ${l.phone ? html`<dt>${t('f.phone')}</dt><dd><a href=${'tel:' + l.phone.replace(/[^\d+]/g, '')}>${l.phone}</a></dd>` : null}
          ${l.email ? html`<dt>${t('f.email')}</dt><dd><a href=${'mailto:' + l.email}>${l.email}</a></dd>` : null}
          <dt>${t('leads.f.amount')}</dt><dd>${fmtMoney(l.amount, l.currency) || t('common.none')}</dd>
          <dt>${t('f.source')}</dt><dd>${sourceName(l.source_id) || t('common.none')}</dd>
          <dt>${t('f.responsible')}</dt><dd>${userName(l.responsible_id)}</dd>
          <${CustomFieldsView} entity="lead" value=${l.custom} />
          <dt>${t('f.created_at')}</dt><dd>${fmtDateTime(l.created_at)} · ${userName(l.created_by)}</dd>
          <dt>${t('f.updated_at')}</dt><dd>${fmtDateTime(l.updated_at)} · ${userName(l.updated_by)}</dd>
        </dl>
      </section>
      <section class="panel">
        <h2>${t('leads.f.comments')}</h2>
        ${l.comments ? html`<div class="pre" data-testid="lead-comments">${l.comments}</div>` : html`<p class="muted">${t('leads.no_comments')}</p>`}
      </section>
      <section class="panel span2">
        <h2>${t('timeline.title')}</h2>
        <${Timeline} kind="lead" id=${id} version=${hist} renderHistory=${(e) => html`<${LeadHistory} items=${[e]} defs=${defs} />`} />
      </section>
    </div>
    ${dialog}
  </div>`;
}

// ---------- form ----------
const emptyLead = () => ({
  title: '', person_name: '', company_name: '', phone: '', email: '', source_id: '', responsible_id: '',
  amount: '', currency: '', status_id: '', comments: '', custom: {},
});

export function LeadForm({ params }) {
  const store = useStore();
  const id = params.id;
  useLeadRefs();
  const [f, setF] = useState(id ? null : { ...emptyLead(), responsible_id: store.session.user.id });
  const [loadErr, setLoadErr] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const defs = useCustomFields('lead');
  useEffect(() => {
    if (!id) return;
    api.get('/leads/' + id).then((l) => setF({
      title: l.title || '', person_name: l.person_name || '', company_name: l.company_name || '', phone: l.phone || '', email: l.email || '',
      source_id: l.source_id ?? '', responsible_id: l.responsible_id ?? '', amount: l.amount ?? '', currency: l.currency || '',
      status_id: l.status_id ?? '', comments: l.comments || '', custom: l.custom || {}, converted: l.converted,
    })).catch(setLoadErr);
  }, [id]);
  // a new lead: the base currency and the first open status, as the server would choose
  useEffect(() => {
    if (id || !f) return;
    const patch = {};
    if (!f.currency && store.currencies) patch.currency = store.currencies.base;
    if (f.status_id === '' && store.leadStatuses) { const s = store.leadStatuses.find((x) => x.kind === 'open'); if (s) patch.status_id = s.id; }
    if (defs && !f.customSet) { patch.custom = { ...defaultCustom(defs), ...f.custom }; patch.customSet = true; }
    if (Object.keys(patch).length) setF({ ...f, ...patch });
  }, [store.currencies, store.leadStatuses, !!defs, !!f]);
  const cancel = useCallback(() => navigate(id ? '/leads/' + id : '/leads'), [id]);
  useEscape(cancel);
  if (loadErr) return loadErr.status === 404 ? html`<${NotFound} />` : html`<div class="page"><${ErrorBox} error=${loadErr} /></div>`;
  if (!f) return html`<${Spinner} />`;
  const set = (k) => (v) => setF({ ...f, [k]: v });
  const errs = fieldErrors(error);
  const users = (store.users || []).filter((u) => u.active || String(u.id) === String(f.responsible_id));
  const sources = (store.leadSources || []).filter((x) => !x.archived || String(x.id) === String(f.source_id)).sort((a, b) => a.sort - b.sort);
  const cur = store.currencies;
  const currencies = cur ? cur.items.filter((c) => c.active || c.code === f.currency) : (f.currency ? [{ code: f.currency, name: '' }] : []);
  const statuses = store.leadStatuses || [];
  const customErrs = {};
  for (const [k, v] of Object.entries(errs)) if (k.startsWith('custom.')) customErrs[k] = v;
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true); setError(null);
    const num = (v) => (v === '' || v == null ? null : Number(v));
    const body = {
      title: f.title.trim(), person_name: f.person_name.trim(), company_name: f.company_name.trim(),
      phone: f.phone.trim(), email: f.email.trim(),
      source_id: num(f.source_id), responsible_id: num(f.responsible_id),
      amount: normDecimal(f.amount), currency: f.currency || null, status_id: num(f.status_id),
      comments: f.comments, custom: cleanCustom(f.custom, defs),
    };
    try {
      const l = id ? await api.put('/leads/' + id, body) : await api.post('/leads', body);
      toast(id ? t('common.saved') : t('leads.created'));
      loadCounts();
      navigate('/leads/' + l.id, { replace: !id });
    } catch (err) { setError(err); setBusy(false); }
  };
  // 422 on fields the form does not show (e.g. a custom field before the custom fields form exists)
  const shown = ['title', 'person_name', 'company_name', 'phone', 'email', 'source_id', 'responsible_id', 'amount', 'currency', 'status_id', 'comments'];
  const other = error && error.fields ? error.fields.filter((x) => !shown.includes(x.field) && !x.field.startsWith('custom.')) : [];
  return html`<div class="page">
    <${PageHead} title=${id ? t('leads.edit') : t('leads.new')}
      back=${id ? { href: '/leads/' + id, label: f.title || t('leads.lead') } : { href: '/leads', label: t('leads.title') }} />
    <form class="form panel" onSubmit=${submit} data-testid="lead-form" novalidate>
      <${ErrorBox} error=${error} />
      ${other.length ? html`<ul class="field-error" data-testid="other-errors">${other.map((x) => html`<li>${x.field}: ${x.message || x.code}</li>`)}</ul>` : null}
      <div class="grid2">
        <${Field} label=${t('leads.f.title') + ' *'} name="title" error=${errs.title} wide>
          <${TextInput} name="title" value=${f.title} onInput=${set('title')} autofocus error=${errs.title} maxlength="300" placeholder=${t('leads.title_ph')} />
        <//>
        <${Field} label=${t('leads.f.person_name')} name="person_name" error=${errs.person_name}>
          <${TextInput} name="person_name" value=${f.person_name} onInput=${set('person_name')} error=${errs.person_name} autocomplete="off" />
        <//>
        <${Field} label=${t('leads.f.company_name')} name="company_name" error=${errs.company_name}>
          <${TextInput} name="company_name" value=${f.company_name} onInput=${set('company_name')} error=${errs.company_name} autocomplete="off" />
        <//>
        <${Field} label=${t('f.phone')} name="phone" error=${errs.phone}>
          <${TextInput} name="phone" type="tel" value=${f.phone} onInput=${set('phone')} error=${errs.phone} placeholder="+380 67 123 45 67" />
        <//>
        <${Field} label=${t('f.email')} name="email" error=${errs.email}>
          <${TextInput} name="email" type="email" value=${f.email} onInput=${set('email')} error=${errs.email} placeholder="name@example.com" />
        <//>
        <${Field} label=${t('leads.f.amount')} name="amount" error=${errs.amount || errs.currency} hint=${t('leads.amount_hint')}>
          <div class="lead-money">
            <${TextInput} name="amount" value=${f.amount} onInput=${set('amount')} error=${errs.amount} inputmode="decimal" placeholder="0.00" />
            <${Select} name="currency" value=${f.currency} onChange=${set('currency')} error=${errs.currency} aria-label=${t('leads.f.currency')}
              options=${currencies.map((c) => ({ value: c.code, label: c.code }))} />
          </div>
        <//>
        <${Field} label=${t('leads.f.status')} name="status_id" error=${errs.status_id}>
          <${Select} name="status_id" value=${f.status_id} onChange=${set('status_id')} error=${errs.status_id}
            options=${statuses.filter((s) => s.kind !== 'converted' || String(s.id) === String(f.status_id)).map((s) => ({ value: s.id, label: s.name }))} />
        <//>
        <${Field} label=${t('f.source')} name="source_id" error=${errs.source_id}>
          <${Select} name="source_id" value=${f.source_id} onChange=${set('source_id')} empty=${t('common.not_set')} error=${errs.source_id}
            options=${sources.map((x) => ({ value: x.id, label: typeLabel(x) }))} />
        <//>
        <${Field} label=${t('f.responsible')} name="responsible_id" error=${errs.responsible_id}>
          <${Select} name="responsible_id" value=${f.responsible_id} onChange=${set('responsible_id')} empty=${t('common.not_set')} error=${errs.responsible_id}
            options=${users.map((u) => ({ value: u.id, label: u.name }))} />
        <//>
        <${Field} label=${t('leads.f.comments')} name="comments" error=${errs.comments} wide>
          <${TextArea} name="comments" value=${f.comments} onInput=${set('comments')} rows="4" />
        <//>
      </div>
      <${CustomFieldsForm} entity="lead" value=${f.custom} onChange=${set('custom')} errors=${customErrs} />
      <div class="form-actions">
        <button class="btn btn-primary" type="submit" disabled=${busy} data-testid="save">${busy ? t('common.saving') : t('common.save')}</button>
        <button class="btn" type="button" onClick=${cancel} data-testid="cancel">${t('common.cancel')}</button>
      </div>
    </form>
  </div>`;
}

// ---------- conversion ----------
// Search-as-you-type picker of one kind of record (contact or company) over GET /search.
function RecordSearch({ kind, onChoose, testid }) {
  const [q, setQ] = useState('');
  const [items, setItems] = useState([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  useEffect(() => {
    const query = q.trim();
    if (!query) { setItems([]); return; }
    const ctrl = new AbortController();
    const timer = setTimeout(() => {
      api.get('/search' + qs({ q: query, limit: 20 }), { signal: ctrl.signal })
        .then((r) => { setItems((r.items || []).filter((x) => x.kind === kind)); setActive(0); setOpen(true); })
        .catch(() => {});
    }, 150);
    return () => { clearTimeout(timer); ctrl.abort(); };
  }, [q]);
  const choose = (it) => { onChoose(it); setQ(''); setOpen(false); };
  const onKeyDown = (e) => {
    if (!open || !items.length) return;
    if (e.key === 'ArrowDown') { e.preventDefault(); setActive((active + 1) % items.length); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); setActive((active - 1 + items.length) % items.length); }
    else if (e.key === 'Enter') { e.preventDefault(); choose(items[active]); }
    else if (e.key === 'Escape') { e.preventDefault(); setOpen(false); }
  };
  return html`<div class="picker">
    <input type="search" value=${q} autocomplete="off" data-testid=${testid} role="combobox" aria-expanded=${open && items.length > 0}
      aria-label=${t(kind === 'company' ? 'convert.search_company' : 'convert.search_contact')}
      placeholder=${t(kind === 'company' ? 'convert.search_company' : 'convert.search_contact')}
      onInput=${(e) => setQ(e.currentTarget.value)} onKeyDown=${onKeyDown} onBlur=${() => setTimeout(() => setOpen(false), 150)} />
    ${open && q.trim() ? html`<ul class="picker-drop" role="listbox">
      ${items.length === 0 ? html`<li class="muted search-empty">${t('search.none')}</li>` : items.map((it, i) => html`<li role="option" aria-selected=${i === active}
        class=${'search-item' + (i === active ? ' active' : '')} data-testid=${testid + '-option'}
        onMouseDown=${(e) => { e.preventDefault(); choose(it); }}>
        <span class="search-text"><span class="search-title">${it.title}</span>${it.subtitle ? html`<span class="search-sub">${it.subtitle}</span>` : null}</span></li>`)}
    </ul>` : null}
  </div>`;
}

// One side of the conversion: what to do with the contact (or the company).
function ConvertSide({ kind, lead, dups, value, onChange, error }) {
  const isCo = kind === 'company';
  const name = isCo ? lead.company_name : lead.person_name;
  const [picked, setPicked] = useState(null); // a record found by search: {id, title, subtitle}
  const setAction = (action) => onChange({ ...value, action, id: action === 'link' ? value.id : null });
  const link = (it) => onChange({ action: 'link', id: it.id, title: it.title });
  const newBits = [name, lead.phone, lead.email].filter(Boolean);
  const group = 'cv-' + kind;
  return html`<fieldset class="panel convert-side" data-testid=${'convert-' + kind}>
    <legend>${isCo ? '▦ ' + t('kind.company') : '☺ ' + t('kind.contact')}</legend>
    ${dups === null ? html`<${Spinner} />` : dups.length ? html`<div class="dups" data-testid=${'dups-' + kind}>
      <div class="dups-head">${t('convert.dups_found', { n: dups.length })}</div>
      ${dups.map((d) => html`<label class=${'choice dup' + (value.action === 'link' && value.id === d.id ? ' chosen' : '')}>
        <input type="radio" name=${group} checked=${value.action === 'link' && value.id === d.id} data-testid=${'dup-' + kind + '-' + d.id}
          onChange=${() => link(d)} />
        <span><strong>${t('convert.link_to')} ${d.title}</strong>${d.subtitle ? html` <span class="muted">· ${d.subtitle}</span>` : null}
          <span class="reasons">${(d.reasons || []).map((r) => html`<span class="reason">${t('convert.reason.' + r)}</span>`)}</span></span>
      </label>`)}
    </div>` : html`<p class="muted small">${t('convert.no_dups')}</p>`}
    <label class=${'choice' + (value.action === 'create' ? ' chosen' : '')}>
      <input type="radio" name=${group} checked=${value.action === 'create'} data-testid=${'create-' + kind} onChange=${() => setAction('create')} />
      <span><strong>${t(isCo ? 'convert.create_company' : 'convert.create_contact')}</strong>
        ${newBits.length ? html`<span class="muted"> · ${newBits.join(', ')}</span>` : null}
        ${!name ? html`<div class="hint">${t(isCo ? 'convert.no_company_name' : 'convert.no_person_name')}</div>` : null}</span>
    </label>
    <div class=${'choice' + (value.action === 'link' && !dups?.some((d) => d.id === value.id) ? ' chosen' : '')}>
      <input type="radio" name=${group} aria-label=${t('convert.link_other')} data-testid=${'link-other-' + kind}
        checked=${value.action === 'link' && !dups?.some((d) => d.id === value.id)} disabled=${!picked}
        onChange=${() => picked && link(picked)} />
      <span class="grow"><strong>${t('convert.link_other')}</strong>
        ${picked ? html`<div class="picker-chosen"><span class="chip">${isCo ? '▦' : '☺'} ${picked.title}</span>
          <button type="button" class="btn btn-small" onClick=${() => { setPicked(null); if (value.action === 'link' && value.id === picked.id) setAction('none'); }}>${t('picker.clear')}</button></div>`
        : html`<${RecordSearch} kind=${kind} testid=${'search-' + kind} onChoose=${(it) => { setPicked(it); link(it); }} />`}</span>
    </div>
    <label class=${'choice' + (value.action === 'none' ? ' chosen' : '')}>
      <input type="radio" name=${group} checked=${value.action === 'none'} data-testid=${'none-' + kind} onChange=${() => setAction('none')} />
      <span><strong>${t(isCo ? 'convert.no_company' : 'convert.no_contact')}</strong></span>
    </label>
    ${error ? html`<div class="field-error" data-testid=${'error-' + kind}>${error}</div>` : null}
  </fieldset>`;
}

export function LeadConvert({ params }) {
  const store = useStore();
  const id = params.id;
  const [lead, setLead] = useState(null);
  const [loadErr, setLoadErr] = useState(null);
  const [dups, setDups] = useState({ contacts: null, companies: null });
  const [f, setF] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const dealDefs = useCustomFields('deal');
  useEffect(() => {
    loadPipelines(true).catch(setLoadErr);
    api.get('/leads/' + id).then((l) => {
      setLead(l);
      setF({
        pipeline_id: '', stage_id: '', deal_title: l.title,
        contact: { action: l.person_name ? 'create' : 'none', id: null },
        company: { action: l.company_name ? 'create' : 'none', id: null },
        custom: null,
      });
    }).catch(setLoadErr);
    api.get(`/leads/${id}/duplicates`).then((r) => setDups({ contacts: r.contacts || [], companies: r.companies || [] }))
      .catch(() => setDups({ contacts: [], companies: [] }));
  }, [id]);
  const pipelines = (store.pipelines || []).filter((p) => !p.archived);
  useEffect(() => {
    if (f && f.pipeline_id === '' && pipelines.length) setF({ ...f, pipeline_id: pipelines[0].id });
  }, [!!f, pipelines.length]);
  const cancel = useCallback(() => navigate('/leads/' + id), [id]);
  useEscape(cancel);
  if (loadErr) return loadErr.status === 404 ? html`<${NotFound} />` : html`<div class="page"><${ErrorBox} error=${loadErr} /></div>`;
  if (!lead || !f) return html`<${Spinner} />`;
  if (lead.converted) {
    return html`<div class="page"><${PageHead} title=${t('convert.title')} back=${{ href: '/leads/' + id, label: lead.title }} />
      <div class="alert alert-ok" data-testid="already-converted">${t('convert.already')}
        ${' '}<${Link} href=${'/deals/' + lead.converted.deal_id}>${t('leads.deal_n', { id: lead.converted.deal_id })}<//></div></div>`;
  }
  const pipeline = pipelines.find((p) => String(p.id) === String(f.pipeline_id));
  const stages = pipeline ? (pipeline.stages || []).slice().sort((a, b) => a.sort - b.sort) : [];
  const errs = fieldErrors(error);
  const sideErr = (k) => errs[k + '.id'] || errs[k + '.action'] || errs[k];
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    const side = (v) => ({ action: v.action, id: v.action === 'link' ? v.id : null });
    if (f.contact.action === 'link' && f.contact.id == null) { setError({ code: 'local', message: t('convert.choose_contact') }); return; }
    if (f.company.action === 'link' && f.company.id == null) { setError({ code: 'local', message: t('convert.choose_company') }); return; }
    setBusy(true);
    const body = {
      pipeline_id: f.pipeline_id === '' ? null : Number(f.pipeline_id),
      stage_id: f.stage_id === '' ? null : Number(f.stage_id),
      deal_title: f.deal_title.trim() || null,
      contact: side(f.contact), company: side(f.company),
      custom: cleanCustom(f.custom ?? defaultCustom(dealDefs || [], f.pipeline_id), dealDefs, f.pipeline_id),
    };
    try {
      const r = await api.post(`/leads/${id}/convert`, body);
      toast(t('convert.done'));
      loadCounts();
      navigate('/deals/' + r.deal.id, { replace: true });
    } catch (err) { setError(err); setBusy(false); }
  };
  let errBox = null;
  if (error) {
    if (error.code === 'local') errBox = error.message;
    else if (error.status === 409) errBox = t('convert.conflict') + (error.detail ? ' ' + error.detail : '');
    else if (error.code === 'validation') {
      // A required deal field the conversion cannot fill (the convert request carries no custom values):
      // name it by its label and say how to get past it, instead of showing "deal.custom.1".
      const fieldText = (x) => {
        const m = /^deal\.custom\.(\d+)$/.exec(x.field || '');
        if (m) {
          const def = (dealDefs || []).find((d) => String(d.id) === m[1]);
          const label = def ? cfLabel(def) : '#' + m[1];
          return html`<strong>${label}</strong>: ${x.code === 'required' ? t('convert.cf_required', { name: label }) : (x.message || x.code)}`;
        }
        return html`<span class="mono">${x.field}</span>: ${x.message || x.code}`;
      };
      errBox = html`${t('common.fix_fields')}<ul class="err-list">${error.fields.map((x) => html`<li>${fieldText(x)}</li>`)}</ul>`;
    } else errBox = errorText(error);
  }
  return html`<div class="page lead-convert">
    <${PageHead} title=${t('convert.title')} back=${{ href: '/leads/' + id, label: lead.title }} />
    <form class="form" onSubmit=${submit} data-testid="convert-form" novalidate>
      ${errBox ? html`<div class="alert alert-error" role="alert" data-testid="form-error">${errBox}</div>` : null}
      <section class="panel">
        <h2>◆ ${t('convert.deal')}</h2>
        <div class="grid3">
          <${Field} label=${t('convert.pipeline') + ' *'} name="pipeline_id" error=${errs.pipeline_id}>
            <${Select} name="pipeline_id" value=${f.pipeline_id} onChange=${(v) => setF({ ...f, pipeline_id: v, stage_id: '' })} error=${errs.pipeline_id}
              options=${pipelines.map((p) => ({ value: p.id, label: p.name }))} />
          <//>
          <${Field} label=${t('convert.stage')} name="stage_id" error=${errs.stage_id}>
            <${Select} name="stage_id" value=${f.stage_id} onChange=${(v) => setF({ ...f, stage_id: v })} error=${errs.stage_id}
              empty=${stages[0] ? t('convert.first_stage', { name: stages[0].name }) : t('common.not_set')}
              options=${stages.map((s) => ({ value: s.id, label: s.name }))} />
          <//>
          <${Field} label=${t('convert.deal_title')} name="deal_title" error=${errs.deal_title}>
            <${TextInput} name="deal_title" value=${f.deal_title} onInput=${(v) => setF({ ...f, deal_title: v })} error=${errs.deal_title} />
          <//>
        </div>
        ${lead.amount ? html`<p class="muted small">${t('convert.amount_carried', { amount: fmtMoney(lead.amount, lead.currency) })}</p>` : null}
        <${CustomFieldsForm} entity="deal" pipelineId=${f.pipeline_id}
          value=${f.custom ?? defaultCustom(dealDefs || [], f.pipeline_id)}
          onChange=${(v) => setF({ ...f, custom: v })}
          errors=${Object.fromEntries(Object.entries(errs).filter(([k]) => k.startsWith('deal.')).map(([k, v]) => [k.slice(5), v]))} />
        ${pipelines.length === 0 && store.pipelines ? html`<div class="alert alert-error">${t('convert.no_pipelines')}</div>` : null}
      </section>
      <div class="two-col">
        <${ConvertSide} kind="contact" lead=${lead} dups=${dups.contacts} value=${f.contact} error=${sideErr('contact')}
          onChange=${(v) => setF({ ...f, contact: v })} />
        <${ConvertSide} kind="company" lead=${lead} dups=${dups.companies} value=${f.company} error=${sideErr('company')}
          onChange=${(v) => setF({ ...f, company: v })} />
      </div>
      <div class="form-actions">
        <button class="btn btn-primary" type="submit" disabled=${busy || !pipelines.length} data-testid="convert-submit">${busy ? t('common.saving') : t('convert.submit')}</button>
        <button class="btn" type="button" onClick=${cancel}>${t('common.cancel')}</button>
      </div>
    </form>
  </div>`;
}
