// Companies: list, record page, create/edit form.
import { html, useState, useEffect, useCallback, useRef } from '../lib.js';
import { api, qs, loadCounts, loadUsers, loadTypes } from '../api.js';
import { t, fmtDateTime, fmtDateShort, fmtNumber } from '../i18n.js';
import { useStore, toast } from '../store.js';
import { Link, navigate } from '../router.js';
import {
  Field, TextInput, TextArea, Select, Rows, ErrorBox, Spinner, NotFound, History, PageHead,
  fieldErrors, errorText, cleanRows, rowIndexMap, remapRowErrors, useConfirm, useEscape, userName, typeName, typeLabel, contactName,
  ContactChannels, PHONE_KINDS, EMAIL_KINDS,
} from '../components.js';
import {
  CustomFieldsForm, CustomFieldsView, CustomFieldFilters, CfValue, cfLabel, cfParams, activeDefs, useCustomFields, defaultCustom, cleanCustom,
} from '../customfields.js';
import { Timeline } from '../timeline.js';
import { useWorkCounts, WorkTh, WorkCell } from '../bell.js';

// Sortable column header. sort is like "name" / "-name".
export function SortTh({ field, label, sort, setSort, cls }) {
  const dir = sort === field ? 'asc' : sort === '-' + field ? 'desc' : null;
  const next = dir === 'asc' ? '-' + field : field;
  return html`<th class=${cls} aria-sort=${dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none'}>
    <button class="th-sort" data-testid=${'sort-' + field} title=${t('common.sort_by', { f: label })} onClick=${() => setSort(next)}>
      ${label} <span class="sort-ind" aria-hidden="true">${dir === 'asc' ? '▲' : dir === 'desc' ? '▼' : '↕'}</span>
    </button></th>`;
}

// The same sort choices as a select: on phones the table header (and its sort buttons) is hidden.
export function SortSelect({ sort, setSort }) {
  const opts = [];
  for (const [f, key] of [['name', 'f.name'], ['updated', 'f.updated_at'], ['created', 'f.created_at']]) {
    opts.push({ value: f, label: t(key) + ' ▲' }, { value: '-' + f, label: t(key) + ' ▼' });
  }
  return html`<label class="sort-select">${t('common.sort')}
    <${Select} name="sort" value=${sort} onChange=${setSort} options=${opts} /></label>`;
}

// Generic cursor-paged list loader.
// `refresh`: bump it to reload the first page in place (e.g. after a live signal) without a spinner.
export function usePaged(base, params, refresh = 0) {
  const [st, setSt] = useState({ items: null, next: null, total: null, error: null, loadingMore: false });
  const key = base + JSON.stringify(params);
  const shown = useRef(key);
  useEffect(() => {
    let live = true;
    if (shown.current !== key) { shown.current = key; setSt((s) => ({ ...s, items: null, error: null })); }
    api.get(base + qs({ ...params, limit: 50 }))
      .then((r) => live && setSt({ items: r.items || [], next: r.next_cursor, total: r.total, error: null, loadingMore: false }))
      .catch((e) => live && setSt({ items: [], next: null, total: null, error: e, loadingMore: false }));
    return () => { live = false; };
  }, [key, refresh]);
  const more = async () => {
    if (!st.next) return;
    setSt({ ...st, loadingMore: true });
    try {
      const r = await api.get(base + qs({ ...params, limit: 50, cursor: st.next }));
      setSt({ items: [...st.items, ...(r.items || [])], next: r.next_cursor, total: r.total ?? st.total, error: null, loadingMore: false });
    } catch (e) { setSt({ ...st, loadingMore: false, error: e }); }
  };
  return [st, more];
}

export function ListFooter({ st, more }) {
  if (!st.items) return null;
  return html`<div class="list-footer">
    <span class="muted" data-testid="list-total">${st.total != null ? t('common.total', { n: fmtNumber(st.total) }) : ''}
      ${st.total != null && st.items.length < st.total ? ' · ' + t('common.shown', { n: fmtNumber(st.items.length) }) : ''}</span>
    ${st.next ? html`<button class="btn" data-testid="load-more" disabled=${st.loadingMore} onClick=${more}>${st.loadingMore ? t('app.loading') : t('common.load_more')}</button>` : null}
  </div>`;
}

export function CompaniesList() {
  const store = useStore();
  const [sort, setSort] = useState('name');
  const [responsible, setResponsible] = useState('');
  const [type, setType] = useState('');
  const [cf, setCf] = useState({});
  const [st, more] = usePaged('/companies', { sort, responsible_id: responsible, type_id: type, ...cfParams(cf) });
  const cfCols = activeDefs(useCustomFields('company')).filter((d) => d.show_in_list);
  const work = useWorkCounts('company', st.items);
  const users = (store.users || []).filter((u) => u.active || String(u.id) === responsible);
  const types = store.types || [];
  const filtered = responsible || type || Object.keys(cfParams(cf)).length > 0;
  return html`<div class="page">
    <${PageHead} title=${t('companies.title')}>
      <${Link} class="btn btn-primary" href="/companies/new" data-testid="new-company">+ ${t('companies.new')}<//>
    <//>
    <div class="filters" role="group" aria-label=${t('common.filters')}>
      <label>${t('f.responsible')}
        <${Select} name="filter-responsible" value=${responsible} onChange=${setResponsible} empty=${t('common.any')}
          options=${users.map((u) => ({ value: u.id, label: u.name }))} /></label>
      <label>${t('f.type')}
        <${Select} name="filter-type" value=${type} onChange=${setType} empty=${t('common.any')}
          options=${types.map((x) => ({ value: x.id, label: typeLabel(x) }))} /></label>
      <${CustomFieldFilters} entity="company" value=${cf} onChange=${setCf} />
      ${filtered ? html`<button class="btn btn-link" onClick=${() => { setResponsible(''); setType(''); setCf({}); }}>${t('common.reset')}</button>` : null}
      <${SortSelect} sort=${sort} setSort=${setSort} />
    </div>
    <${ErrorBox} error=${st.error} />
    <div class="table-wrap">
      <table class="table" data-testid="companies-table">
        <thead><tr>
          <${SortTh} field="name" label=${t('f.name')} sort=${sort} setSort=${setSort} />
          <${WorkTh} />
          <th>${t('f.type')}</th><th>${t('f.responsible')}</th><th>${t('f.phone')}</th><th>${t('f.email')}</th>
          <th class="num">${t('f.contacts_count')}</th>
          ${cfCols.map((d) => html`<th key=${d.id}>${cfLabel(d)}</th>`)}
          <${SortTh} field="updated" label=${t('f.updated_at')} sort=${sort} setSort=${setSort} />
          <${SortTh} field="created" label=${t('f.created_at')} sort=${sort} setSort=${setSort} cls="col-created" />
        </tr></thead>
        <tbody>
          ${st.items === null ? html`<tr><td colspan=${9 + cfCols.length}><${Spinner} /></td></tr>`
            : st.items.length === 0 ? html`<tr><td colspan=${9 + cfCols.length} class="empty">${filtered ? t('companies.empty_filtered') : t('companies.empty')}</td></tr>`
            : st.items.map((c) => html`<tr key=${c.id}>
              <td data-label=${t('f.name')}><${Link} href=${'/companies/' + c.id} class="strong">${c.name}<//></td>
              <${WorkCell} c=${work[c.id]} id=${c.id} />
              <td data-label=${t('f.type')}>${c.type_id != null ? typeName(c.type_id) : null}</td>
              <td data-label=${t('f.responsible')}>${c.responsible_id != null ? userName(c.responsible_id) : null}</td>
              <td data-label=${t('f.phone')} class="nowrap">${c.phones && c.phones[0] ? c.phones[0].value : null}</td>
              <td data-label=${t('f.email')} class="break">${c.emails && c.emails[0] ? c.emails[0].value : null}</td>
              <td data-label=${t('f.contacts_count')} class="num">${c.contact_count ?? ''}</td>
              ${cfCols.map((d) => { const v = (c.custom || {})[String(d.id)]; return html`<td key=${d.id} data-label=${cfLabel(d)}>${v == null || v === '' ? null : html`<${CfValue} def=${d} value=${v} short />`}</td>`; })}
              <td data-label=${t('f.updated_at')} class="nowrap muted" title=${fmtDateTime(c.updated_at)}>${fmtDateShort(c.updated_at)}</td>
              <td data-label=${t('f.created_at')} class="nowrap muted col-created" title=${fmtDateTime(c.created_at)}>${fmtDateShort(c.created_at)}</td>
            </tr>`)}
        </tbody>
      </table>
    </div>
    <${ListFooter} st=${st} more=${more} />
  </div>`;
}

export function CompanyView({ params }) {
  useStore();
  const id = params.id;
  const [c, setC] = useState(null);
  const [err, setErr] = useState(null);
  const [contacts, setContacts] = useState(null);
  const [ask, dialog] = useConfirm();
  useEffect(() => {
    api.get('/companies/' + id).then(setC).catch(setErr);
    api.get(`/companies/${id}/contacts`).then((r) => setContacts(r.items || [])).catch(() => setContacts([]));
  }, [id]);
  if (err) return err.status === 404 ? html`<${NotFound} />` : html`<div class="page"><${ErrorBox} error=${err} /></div>`;
  if (!c) return html`<${Spinner} />`;
  const del = async () => {
    if (!(await ask(t('companies.delete_q', { name: c.name })))) return;
    try {
      await api.del('/companies/' + id);
      toast(t('common.deleted'));
      loadCounts();
      navigate('/companies');
    } catch (e) { toast(errorText(e), 'error'); }
  };
  return html`<div class="page" data-testid="company-page">
    <${PageHead} title=${c.name} back=${{ href: '/companies', label: t('companies.title') }}>
      <${Link} class="btn" href=${`/companies/${id}/edit`} data-testid="edit">${t('common.edit')}<//>
      <button class="btn btn-danger-outline" data-testid="delete" onClick=${del}>${t('common.delete')}</button>
    <//>
    <div class="record-grid">
      <section class="panel">
        <h2>${t('companies.details')}</h2>
        <dl class="props">
          <dt>${t('f.type')}</dt><dd>${typeName(c.type_id)}</dd>
          <dt>${t('f.responsible')}</dt><dd>${userName(c.responsible_id)}</dd>
          <${ContactChannels} phones=${c.phones} emails=${c.emails} />
          ${c.website ? html`<dt>${t('f.website')}</dt><dd><a href=${/^https?:\/\//i.test(c.website) ? c.website : 'http://' + c.website} target="_blank" rel="noopener noreferrer">${c.website}</a></dd>` : null}
          ${c.address ? html`<dt>${t('f.address')}</dt><dd class="pre">${c.address}</dd>` : null}
          ${c.notes ? html`<dt>${t('f.notes')}</dt><dd class="pre">${c.notes}</dd>` : null}
          <${CustomFieldsView} entity="company" value=${c.custom} />
          <dt>${t('f.created_at')}</dt><dd>${fmtDateTime(c.created_at)} · ${userName(c.created_by)}</dd>
          <dt>${t('f.updated_at')}</dt><dd>${fmtDateTime(c.updated_at)} · ${userName(c.updated_by)}</dd>
        </dl>
      </section>
      <section class="panel">
        <div class="panel-head"><h2>${t('companies.contacts')}${'\u00a0'}${contacts ? html`<span class="count">${contacts.length}</span>` : null}</h2>
          <${Link} class="btn btn-small" href=${'/contacts/new?company_id=' + id} data-testid="add-contact">+ ${t('companies.add_contact')}<//></div>
        ${contacts === null ? html`<${Spinner} />` : contacts.length === 0 ? html`<p class="muted">${t('companies.no_contacts')}</p>` : html`
          <ul class="mini-list" data-testid="company-contacts">
            ${contacts.map((p) => html`<li><${Link} href=${'/contacts/' + p.id}>${contactName(p)}<//>
              ${p.position ? html`<span class="muted"> · ${p.position}</span>` : null}
              ${p.phones && p.phones[0] ? html`<span class="muted nowrap"> · ${p.phones[0].value}</span>` : null}</li>`)}
          </ul>`}
      </section>
      <section class="panel span2">
        <h2>${t('timeline.title')}</h2>
        <${Timeline} kind="company" id=${id} renderHistory=${(e) => html`<${History} entity="company" items=${[e]} />`} />
      </section>
    </div>
    ${dialog}
  </div>`;
}

const emptyCompany = () => ({ name: '', type_id: '', responsible_id: '', phones: [], emails: [], website: '', address: '', notes: '', custom: null });

export function CompanyForm({ params }) {
  const store = useStore();
  const id = params.id;
  const [f, setF] = useState(id ? null : { ...emptyCompany(), responsible_id: store.session.user.id, phones: [{ value: '', kind: 'work' }], emails: [{ value: '', kind: 'work' }] });
  const [loadErr, setLoadErr] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => { loadUsers().catch(() => {}); loadTypes().catch(() => {}); }, []);
  useEffect(() => {
    if (!id) return;
    api.get('/companies/' + id).then((c) => setF({
      name: c.name || '', type_id: c.type_id ?? '', responsible_id: c.responsible_id ?? '',
      phones: c.phones || [], emails: c.emails || [], website: c.website || '', address: c.address || '', notes: c.notes || '',
      custom: c.custom || {},
    })).catch(setLoadErr);
  }, [id]);
  const cfDefs = useCustomFields('company');
  useEffect(() => { if (!id && f && f.custom == null && cfDefs) setF({ ...f, custom: defaultCustom(cfDefs) }); }, [!!cfDefs]);
  const cancel = useCallback(() => navigate(id ? '/companies/' + id : '/companies'), [id]);
  useEscape(cancel);
  if (loadErr) return loadErr.status === 404 ? html`<${NotFound} />` : html`<div class="page"><${ErrorBox} error=${loadErr} /></div>`;
  if (!f) return html`<${Spinner} />`;
  const set = (k) => (v) => setF({ ...f, [k]: v });
  const errs = fieldErrors(error);
  const types = (store.types || []).filter((x) => !x.archived || String(x.id) === String(f.type_id)).sort((a, b) => a.sort - b.sort);
  const users = (store.users || []).filter((u) => u.active || String(u.id) === String(f.responsible_id));
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true); setError(null);
    const body = {
      name: f.name.trim(), type_id: f.type_id === '' ? null : Number(f.type_id),
      responsible_id: f.responsible_id === '' ? null : Number(f.responsible_id),
      phones: cleanRows(f.phones), emails: cleanRows(f.emails),
      website: f.website.trim(), address: f.address.trim(), notes: f.notes,
      custom: cleanCustom(f.custom, cfDefs),
    };
    try {
      const c = id ? await api.put('/companies/' + id, body) : await api.post('/companies', body);
      toast(id ? t('common.saved') : t('companies.created'));
      if (!id) loadCounts();
      navigate('/companies/' + c.id, { replace: !id });
    } catch (err) {
      setError(remapRowErrors(err, { phones: rowIndexMap(f.phones), emails: rowIndexMap(f.emails) })); setBusy(false);
    }
  };
  return html`<div class="page">
    <${PageHead} title=${id ? t('companies.edit') : t('companies.new')}
      back=${id ? { href: '/companies/' + id, label: f.name || t('kind.company') } : { href: '/companies', label: t('companies.title') }} />
    <form class="form panel" onSubmit=${submit} data-testid="company-form" novalidate>
      <${ErrorBox} error=${error} />
      <div class="grid2">
        <${Field} label=${t('f.name') + ' *'} name="name" error=${errs.name} wide>
          <${TextInput} name="name" value=${f.name} onInput=${set('name')} autofocus error=${errs.name} maxlength="300" />
        <//>
        <${Field} label=${t('f.type')} name="type_id" error=${errs.type_id}>
          <${Select} name="type_id" value=${f.type_id} onChange=${set('type_id')} empty=${t('common.not_set')}
            options=${types.map((x) => ({ value: x.id, label: typeLabel(x) }))} error=${errs.type_id} />
        <//>
        <${Field} label=${t('f.responsible')} name="responsible_id" error=${errs.responsible_id}>
          <${Select} name="responsible_id" value=${f.responsible_id} onChange=${set('responsible_id')} empty=${t('common.not_set')}
            options=${users.map((u) => ({ value: u.id, label: u.name }))} error=${errs.responsible_id} />
        <//>
        <${Field} label=${t('f.phones')} name="phones">
          <${Rows} prefix="phones" rows=${f.phones} setRows=${set('phones')} kinds=${PHONE_KINDS} kindPrefix="phone" errors=${errs} addLabel=${t('rows.add_phone')} type="tel" placeholder="+380 67 123 45 67" />
        <//>
        <${Field} label=${t('f.emails')} name="emails">
          <${Rows} prefix="emails" rows=${f.emails} setRows=${set('emails')} kinds=${EMAIL_KINDS} kindPrefix="email" errors=${errs} addLabel=${t('rows.add_email')} type="email" placeholder="info@example.com" />
        <//>
        <${Field} label=${t('f.website')} name="website" error=${errs.website}>
          <${TextInput} name="website" type="url" value=${f.website} onInput=${set('website')} error=${errs.website} placeholder="https://" />
        <//>
        <${Field} label=${t('f.address')} name="address" error=${errs.address}>
          <${TextInput} name="address" value=${f.address} onInput=${set('address')} error=${errs.address} />
        <//>
        <${Field} label=${t('f.notes')} name="notes" error=${errs.notes} wide>
          <${TextArea} name="notes" value=${f.notes} onInput=${set('notes')} />
        <//>
      </div>
      <${CustomFieldsForm} entity="company" value=${f.custom} onChange=${set('custom')} errors=${errs} />
      <div class="form-actions">
        <button class="btn btn-primary" type="submit" disabled=${busy} data-testid="save">${busy ? t('common.saving') : t('common.save')}</button>
        <button class="btn" type="button" onClick=${cancel} data-testid="cancel">${t('common.cancel')}</button>
      </div>
    </form>
  </div>`;
}
