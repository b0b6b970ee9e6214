// Contacts: list, record page, create/edit form with a company picker.
import { html, useState, useEffect, useRef, useCallback } from '../lib.js';
import { api, qs, loadCounts, loadUsers } from '../api.js';
import { t, fmtDateTime, fmtDateShort, fmtDay } from '../i18n.js';
import { useStore, toast } from '../store.js';
import { Link, navigate, query } from '../router.js';
import {
  Field, TextInput, TextArea, Select, Rows, ErrorBox, Spinner, NotFound, History, PageHead,
  fieldErrors, errorText, cleanRows, rowIndexMap, remapRowErrors, useConfirm, useEscape, userName, contactName, contactDisplayName,
  ContactChannels, PHONE_KINDS, EMAIL_KINDS, MESSENGER_KINDS,
} from '../components.js';
import {
  CustomFieldsForm, CustomFieldsView, CustomFieldFilters, CfValue, cfLabel, cfParams, activeDefs, useCustomFields, defaultCustom, cleanCustom,
} from '../customfields.js';
import { SortTh, SortSelect, usePaged, ListFooter } from './companies.js';
import { Timeline } from '../timeline.js';
import { useWorkCounts, WorkTh, WorkCell } from '../bell.js';

// Company names for the ids on one page of contacts (no batch endpoint: fetch each once, cached).
const companyCache = new Map();
function useCompanyNames(ids) {
  const [, force] = useState(0);
  const key = [...new Set(ids.filter((x) => x != null))].sort().join(',');
  useEffect(() => {
    let live = true;
    const missing = key ? key.split(',').filter((id) => !companyCache.has(id)) : [];
    if (!missing.length) return;
    Promise.all(missing.map((id) => api.get('/companies/' + id).then((c) => companyCache.set(id, c.name)).catch(() => companyCache.set(id, null))))
      .then(() => live && force((n) => n + 1));
    return () => { live = false; };
  }, [key]);
  return (id) => (id == null ? null : companyCache.get(String(id)));
}

export function ContactsList() {
  const store = useStore();
  const [sort, setSort] = useState('name');
  const [responsible, setResponsible] = useState('');
  const [cf, setCf] = useState({});
  const [st, more] = usePaged('/contacts', { sort, responsible_id: responsible, ...cfParams(cf) });
  const cfCols = activeDefs(useCustomFields('contact')).filter((d) => d.show_in_list);
  const filtered = responsible || Object.keys(cfParams(cf)).length > 0;
  const work = useWorkCounts('contact', st.items);
  const users = (store.users || []).filter((u) => u.active || String(u.id) === responsible);
  return html`<div class="page">
    <${PageHead} title=${t('contacts.title')}>
      <${Link} class="btn btn-primary" href="/contacts/new" data-testid="new-contact">+ ${t('contacts.new')}<//>
    <//>
    <div class="filters" role="group" aria-label=${t('common.filters')}>
      <label>${t('f.responsible')}
        <${Select} name="filter-responsible" value=${responsible} onChange=${setResponsible} empty=${t('common.any')}
          options=${users.map((u) => ({ value: u.id, label: u.name }))} /></label>
      <${CustomFieldFilters} entity="contact" value=${cf} onChange=${setCf} />
      ${filtered ? html`<button class="btn btn-link" onClick=${() => { setResponsible(''); setCf({}); }}>${t('common.reset')}</button>` : null}
      <${SortSelect} sort=${sort} setSort=${setSort} />
    </div>
    <${ErrorBox} error=${st.error} />
    <div class="table-wrap">
      <table class="table" data-testid="contacts-table">
        <thead><tr>
          <${SortTh} field="name" label=${t('f.name')} sort=${sort} setSort=${setSort} />
          <${WorkTh} />
          <th>${t('f.position')}</th><th>${t('f.company')}</th><th>${t('f.responsible')}</th><th>${t('f.phone')}</th><th>${t('f.email')}</th>
          ${cfCols.map((d) => html`<th key=${d.id}>${cfLabel(d)}</th>`)}
          <${SortTh} field="updated" label=${t('f.updated_at')} sort=${sort} setSort=${setSort} />
          <${SortTh} field="created" label=${t('f.created_at')} sort=${sort} setSort=${setSort} cls="col-created" />
        </tr></thead>
        <tbody>
          ${st.items === null ? html`<tr><td colspan=${9 + cfCols.length}><${Spinner} /></td></tr>`
            : st.items.length === 0 ? html`<tr><td colspan=${9 + cfCols.length} class="empty">${filtered ? t('contacts.empty_filtered') : t('contacts.empty')}</td></tr>`
            : st.items.map((c) => html`<tr key=${c.id}>
              <td data-label=${t('f.name')}><${Link} href=${'/contacts/' + c.id} class="strong">${contactName(c)}<//></td>
              <${WorkCell} c=${work[c.id]} id=${c.id} />
              <td data-label=${t('f.position')}>${c.position}</td>
              <td data-label=${t('f.company')}>${c.company_id != null ? html`<${Link} href=${'/companies/' + c.company_id}>${c.company_name || '#' + c.company_id}<//>` : null}</td>
              <td data-label=${t('f.responsible')}>${c.responsible_id != null ? userName(c.responsible_id) : null}</td>
              <td data-label=${t('f.phone')} class="nowrap">${c.phone}</td>
              <td data-label=${t('f.email')} class="break">${c.email}</td>
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

// One history entry of the timeline, with the names of the companies it mentions.
function ContactHistEntry({ e }) {
  const ids = (e.changes || []).filter((ch) => ch.field === 'company_id').flatMap((ch) => [ch.old, ch.new]);
  const cname = useCompanyNames(ids);
  const companyNames = {};
  for (const cid of ids) if (cid != null && cname(cid)) companyNames[cid] = cname(cid);
  return html`<${History} entity="contact" items=${[e]} companyNames=${companyNames} />`;
}

export function ContactView({ params }) {
  useStore();
  const id = params.id;
  const [c, setC] = useState(null);
  const [err, setErr] = useState(null);
  const [ask, dialog] = useConfirm();
  useEffect(() => {
    api.get('/contacts/' + id).then(setC).catch(setErr);
  }, [id]);
  const cname = useCompanyNames([c && c.company_id]);
  if (err) return err.status === 404 ? html`<${NotFound} />` : html`<div class="page"><${ErrorBox} error=${err} /></div>`;
  if (!c) return html`<${Spinner} />`;
  const name = contactDisplayName(c);
  const del = async () => {
    if (!(await ask(t('contacts.delete_q', { name })))) return;
    try {
      await api.del('/contacts/' + id);
      toast(t('common.deleted'));
      loadCounts();
      navigate(c.company_id ? '/companies/' + c.company_id : '/contacts');
    } catch (e) { toast(errorText(e), 'error'); }
  };
  return html`<div class="page" data-testid="contact-page">
    <${PageHead} title=${name} back=${{ href: '/contacts', label: t('contacts.title') }}>
      <${Link} class="btn" href=${`/contacts/${id}/edit`} data-testid="edit">${t('common.edit')}<//>
      <button class="btn btn-danger-outline" data-testid="delete" onClick=${del}>${t('common.delete')}</button>
    <//>
    <div class="record-grid">
      <section class="panel">
        <h2>${t('companies.details')}</h2>
        <dl class="props">
          ${c.position ? html`<dt>${t('f.position')}</dt><dd>${c.position}</dd>` : null}
          <dt>${t('f.company')}</dt><dd>${c.company_id != null ? html`<${Link} href=${'/companies/' + c.company_id} data-testid="contact-company">${cname(c.company_id) || '#' + c.company_id}<//>` : t('common.none')}</dd>
          <dt>${t('f.responsible')}</dt><dd>${userName(c.responsible_id)}</dd>
          <${ContactChannels} phones=${c.phones} emails=${c.emails} messengers=${c.messengers} />
          ${c.birthday ? html`<dt>${t('f.birthday')}</dt><dd>${fmtDay(c.birthday)}</dd>` : null}
          ${c.source ? html`<dt>${t('f.source')}</dt><dd>${c.source}</dd>` : null}
          ${c.notes ? html`<dt>${t('f.notes')}</dt><dd class="pre">${c.notes}</dd>` : null}
          <${CustomFieldsView} entity="contact" value=${c.custom} />
          <dt>${t('f.created_at')}</dt><dd>${fmtDateTime(c.created_at)} · ${userName(c.created_by)}</dd>
          <dt>${t('f.updated_at')}</dt><dd>${fmtDateTime(c.updated_at)} · ${userName(c.updated_by)}</dd>
        </dl>
      </section>
      <section class="panel span2">
        <h2>${t('timeline.title')}</h2>
        <${Timeline} kind="contact" id=${id} renderHistory=${(e) => html`<${ContactHistEntry} e=${e} />`} />
      </section>
    </div>
    ${dialog}
  </div>`;
}

// Search-as-you-type company picker using GET /search (companies only).
function CompanyPicker({ value, label, onChange, error }) {
  const [q, setQ] = useState('');
  const [items, setItems] = useState([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const ref = useRef();
  useEffect(() => {
    const query = q.trim();
    if (!query) { setItems([]); return; }
    const ctrl = new AbortController();
    const timer = setTimeout(() => {
      api.get('/search' + qs({ q: query, limit: 20 }), { signal: ctrl.signal })
        .then((r) => { setItems((r.items || []).filter((x) => x.kind === 'company')); setActive(0); setOpen(true); })
        .catch(() => {});
    }, 150);
    return () => { clearTimeout(timer); ctrl.abort(); };
  }, [q]);
  const choose = (it) => { onChange(it.id, it.title); setQ(''); setOpen(false); };
  if (value != null && value !== '') {
    return html`<div class="picker-chosen" data-testid="company-chosen">
      <span class="chip">▦ ${label || '#' + value}</span>
      <button type="button" class="btn btn-small" data-testid="company-clear" onClick=${() => onChange(null, '')}>${t('picker.clear')}</button>
    </div>`;
  }
  const onKeyDown = (e) => {
    if (!open || !items.length) return;
    if (e.key === 'ArrowDown') { e.preventDefault(); setActive((active + 1) % items.length); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); setActive((active - 1 + items.length) % items.length); }
    else if (e.key === 'Enter') { e.preventDefault(); choose(items[active]); }
    else if (e.key === 'Escape') { e.preventDefault(); setOpen(false); }
  };
  return html`<div class="picker" ref=${ref}>
    <input id="f-company_id" type="text" value=${q} placeholder=${t('picker.search_company')} autocomplete="off"
      data-testid="input-company" aria-invalid=${error ? 'true' : undefined} role="combobox" aria-expanded=${open && items.length > 0}
      onInput=${(e) => setQ(e.currentTarget.value)} onKeyDown=${onKeyDown} onBlur=${() => setTimeout(() => setOpen(false), 150)} />
    ${open && q.trim() ? html`<ul class="picker-drop" role="listbox">
      ${items.length === 0 ? html`<li class="muted search-empty">${t('search.none')}</li>` : items.map((it, i) => html`<li role="option" aria-selected=${i === active}
        class=${'search-item' + (i === active ? ' active' : '')} data-testid="company-option"
        onMouseDown=${(e) => { e.preventDefault(); choose(it); }}>
        <span class="search-text"><span class="search-title">${it.title}</span>${it.subtitle ? html`<span class="search-sub">${it.subtitle}</span>` : null}</span></li>`)}
    </ul>` : null}
  </div>`;
}

const emptyContact = () => ({
  first_name: '', middle_name: '', last_name: '', position: '', company_id: null, company_name: '',
  responsible_id: '', phones: [], emails: [], messengers: [], birthday: '', source: '', notes: '', custom: null,
});

export function ContactForm({ params }) {
  const store = useStore();
  const id = params.id;
  const presetCompany = !id ? query().get('company_id') : null;
  const [f, setF] = useState(id ? null : {
    ...emptyContact(), responsible_id: store.session.user.id, company_id: presetCompany ? Number(presetCompany) : null,
    phones: [{ value: '', kind: 'mobile' }], emails: [{ value: '', kind: 'work' }],
  });
  const [loadErr, setLoadErr] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => { loadUsers().catch(() => {}); }, []);
  useEffect(() => {
    if (id) {
      api.get('/contacts/' + id).then(async (c) => {
        let company_name = '';
        if (c.company_id != null) { try { company_name = (await api.get('/companies/' + c.company_id)).name; } catch { /* shown as #id */ } }
        setF({
          first_name: c.first_name || '', middle_name: c.middle_name || '', last_name: c.last_name || '', position: c.position || '',
          company_id: c.company_id, company_name, responsible_id: c.responsible_id ?? '',
          phones: c.phones || [], emails: c.emails || [], messengers: c.messengers || [],
          birthday: c.birthday || '', source: c.source || '', notes: c.notes || '', custom: c.custom || {},
        });
      }).catch(setLoadErr);
    } else if (presetCompany) {
      api.get('/companies/' + presetCompany).then((c) => setF((p) => ({ ...p, company_name: c.name }))).catch(() => {});
    }
  }, [id]);
  const cfDefs = useCustomFields('contact');
  useEffect(() => { if (!id && f && f.custom == null && cfDefs) setF((p) => ({ ...p, custom: defaultCustom(cfDefs) })); }, [!!cfDefs, !!f]);
  const backTo = id ? '/contacts/' + id : presetCompany ? '/companies/' + presetCompany : '/contacts';
  const cancel = useCallback(() => navigate(backTo), [backTo]);
  useEscape(cancel);
  if (loadErr) return loadErr.status === 404 ? html`<${NotFound} />` : html`<div class="page"><${ErrorBox} error=${loadErr} /></div>`;
  if (!f) return html`<${Spinner} />`;
  const set = (k) => (v) => setF({ ...f, [k]: v });
  const errs = fieldErrors(error);
  // "neither first nor last name": the server flags both fields; say what is actually wanted
  if (error && ['first_name', 'last_name'].every((k) => error.fields.some((x) => x.field === k && x.code === 'required'))) {
    errs.first_name = errs.last_name = t('contacts.name_hint');
  }
  const users = (store.users || []).filter((u) => u.active || String(u.id) === String(f.responsible_id));
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true); setError(null);
    const body = {
      first_name: f.first_name.trim(), middle_name: f.middle_name.trim(), last_name: f.last_name.trim(), position: f.position.trim(),
      company_id: f.company_id == null || f.company_id === '' ? null : Number(f.company_id),
      responsible_id: f.responsible_id === '' ? null : Number(f.responsible_id),
      phones: cleanRows(f.phones), emails: cleanRows(f.emails), messengers: cleanRows(f.messengers),
      birthday: f.birthday || null, source: f.source.trim(), notes: f.notes,
      custom: cleanCustom(f.custom, cfDefs),
    };
    try {
      const c = id ? await api.put('/contacts/' + id, body) : await api.post('/contacts', body);
      toast(id ? t('common.saved') : t('contacts.created'));
      if (!id) loadCounts();
      navigate('/contacts/' + c.id, { replace: !id });
    } catch (err) {
      setError(remapRowErrors(err, { phones: rowIndexMap(f.phones), emails: rowIndexMap(f.emails), messengers: rowIndexMap(f.messengers) }));
      setBusy(false);
    }
  };
  const title = id ? t('contacts.edit') : t('contacts.new');
  return html`<div class="page">
    <${PageHead} title=${title} back=${{ href: backTo, label: id ? contactDisplayName(f) : presetCompany ? (f.company_name || t('kind.company')) : t('contacts.title') }} />
    <form class="form panel" onSubmit=${submit} data-testid="contact-form" novalidate>
      <${ErrorBox} error=${error} />
      <div class="grid3">
        <${Field} label=${t('f.first_name')} name="first_name" error=${errs.first_name} hint=${t('contacts.name_hint')}>
          <${TextInput} name="first_name" value=${f.first_name} onInput=${set('first_name')} autofocus error=${errs.first_name} />
        <//>
        <${Field} label=${t('f.middle_name')} name="middle_name" error=${errs.middle_name}>
          <${TextInput} name="middle_name" value=${f.middle_name} onInput=${set('middle_name')} error=${errs.middle_name} />
        <//>
        <${Field} label=${t('f.last_name')} name="last_name" error=${errs.last_name}>
          <${TextInput} name="last_name" value=${f.last_name} onInput=${set('last_name')} error=${errs.last_name} />
        <//>
      </div>
      <div class="grid2">
        <${Field} label=${t('f.position')} name="position" error=${errs.position}>
          <${TextInput} name="position" value=${f.position} onInput=${set('position')} error=${errs.position} />
        <//>
        <${Field} label=${t('f.company')} name="company_id" error=${errs.company_id}>
          <${CompanyPicker} value=${f.company_id} label=${f.company_name} error=${errs.company_id}
            onChange=${(cid, cn) => setF({ ...f, company_id: cid, company_name: cn })} />
        <//>
        <${Field} label=${t('f.responsible')} name="responsible_id" error=${errs.responsible_id}>
          <${Select} name="responsible_id" value=${f.responsible_id} onChange=${set('responsible_id')} empty=${t('common.not_set')}
            options=${users.map((u) => ({ value: u.id, label: u.name }))} error=${errs.responsible_id} />
        <//>
        <${Field} label=${t('f.birthday')} name="birthday" error=${errs.birthday}>
          <${TextInput} name="birthday" type="date" value=${f.birthday} onInput=${set('birthday')} error=${errs.birthday} />
        <//>
        <${Field} label=${t('f.phones')} name="phones">
          <${Rows} prefix="phones" rows=${f.phones} setRows=${set('phones')} kinds=${PHONE_KINDS} kindPrefix="phone" errors=${errs} addLabel=${t('rows.add_phone')} type="tel" placeholder="+380 67 123 45 67" />
        <//>
        <${Field} label=${t('f.emails')} name="emails">
          <${Rows} prefix="emails" rows=${f.emails} setRows=${set('emails')} kinds=${EMAIL_KINDS} kindPrefix="email" errors=${errs} addLabel=${t('rows.add_email')} type="email" placeholder="name@example.com" />
        <//>
        <${Field} label=${t('f.messengers')} name="messengers">
          <${Rows} prefix="messengers" rows=${f.messengers} setRows=${set('messengers')} kinds=${MESSENGER_KINDS} kindPrefix="msg" errors=${errs} addLabel=${t('rows.add_messenger')} placeholder="@name" />
        <//>
        <${Field} label=${t('f.source')} name="source" error=${errs.source}>
          <${TextInput} name="source" value=${f.source} onInput=${set('source')} error=${errs.source} />
        <//>
        <${Field} label=${t('f.notes')} name="notes" error=${errs.notes} wide>
          <${TextArea} name="notes" value=${f.notes} onInput=${set('notes')} />
        <//>
      </div>
      <${CustomFieldsForm} entity="contact" value=${f.custom} onChange=${set('custom')} errors=${errs} />
      <div class="form-actions">
        <button class="btn btn-primary" type="submit" disabled=${busy} data-testid="save">${busy ? t('common.saving') : t('common.save')}</button>
        <button class="btn" type="button" onClick=${cancel} data-testid="cancel">${t('common.cancel')}</button>
      </div>
    </form>
  </div>`;
}
