// Shared UI pieces: fields, repeatable rows, selects, confirm dialog, history, page states.
import { html, useState, useEffect, useRef } from './lib.js';
import { t, fmtDateTime, fmtDay } from './i18n.js';
import { getState, useStore } from './store.js';
import { Link } from './router.js';
import { CfValue, cfLabel, useCustomFields } from './customfields.js';

export const PHONE_KINDS = ['work', 'mobile', 'home', 'fax', 'other'];
export const EMAIL_KINDS = ['work', 'personal', 'other'];
export const MESSENGER_KINDS = ['telegram', 'viber', 'whatsapp', 'signal', 'skype', 'other'];

// Human text for an ApiError (or anything thrown).
export function errorText(err) {
  if (!err) return '';
  if (err.code === 'validation') return t('common.fix_fields');
  const known = ['network', 'forbidden', 'csrf', 'not_found', 'conflict', 'internal', 'payload_too_large', 'bad_request'];
  if (known.includes(err.code)) return err.detail && err.code === 'conflict' ? err.detail : t('err.' + err.code);
  return err.detail || err.message || t('common.error');
}

// Turn 422 `fields` into { "emails[0].value": "message" }.
export function fieldErrors(err) {
  const out = {};
  if (!err || !err.fields) return out;
  for (const f of err.fields) {
    const known = ['required', 'too_long', 'too_short', 'invalid_email', 'invalid_phone', 'invalid_url', 'invalid_value', 'not_found', 'taken'];
    const msg = known.includes(f.code) ? t('field.' + f.code) : (f.message || f.code);
    out[f.field] = out[f.field] ? out[f.field] + '; ' + msg : msg;
  }
  return out;
}

export function ErrorBox({ error }) {
  if (!error) return null;
  return html`<div class="alert alert-error" role="alert" data-testid="form-error">${typeof error === 'string' ? error : errorText(error)}</div>`;
}

export function Field({ label, name, error, hint, children, wide }) {
  const id = 'f-' + name;
  return html`<div class=${'field' + (error ? ' has-error' : '') + (wide ? ' wide' : '')}>
    <label for=${id}>${label}</label>
    ${children}
    ${hint && !error ? html`<div class="hint">${hint}</div>` : null}
    ${error ? html`<div class="field-error" id=${id + '-err'} data-testid=${'error-' + name}>${error}</div>` : null}
  </div>`;
}

export function TextInput({ name, value, onInput, type = 'text', error, autofocus, ...rest }) {
  const ref = useRef();
  useEffect(() => { if (autofocus && ref.current) ref.current.focus(); }, []);
  return html`<input ref=${ref} id=${'f-' + name} name=${name} type=${type} value=${value ?? ''}
    aria-invalid=${error ? 'true' : undefined} aria-describedby=${error ? 'f-' + name + '-err' : undefined}
    data-testid=${'input-' + name}
    onInput=${(e) => onInput(e.currentTarget.value)} ...${rest} />`;
}

export function TextArea({ name, value, onInput, rows = 3 }) {
  return html`<textarea id=${'f-' + name} name=${name} rows=${rows} data-testid=${'input-' + name}
    onInput=${(e) => onInput(e.currentTarget.value)}
    onKeyDown=${(e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); e.currentTarget.form && e.currentTarget.form.requestSubmit(); } }}
    >${value ?? ''}</textarea>`;
}

// options: [{value, label}]; value '' means "not set".
export function Select({ name, value, onChange, options, empty, error, ...rest }) {
  return html`<select id=${'f-' + name} name=${name} data-testid=${'input-' + name}
    aria-invalid=${error ? 'true' : undefined}
    onChange=${(e) => onChange(e.currentTarget.value)} ...${rest}>
    ${empty !== undefined ? html`<option value="" selected=${value === '' || value == null}>${empty}</option>` : null}
    ${options.map((o) => html`<option value=${String(o.value)} selected=${String(value) === String(o.value)}>${o.label}</option>`)}
  </select>`;
}

// Repeatable {value, kind} rows (phones, e-mails, messengers). `prefix` is the API field name.
export function Rows({ prefix, rows, setRows, kinds, kindPrefix, errors, addLabel, type = 'text', placeholder }) {
  const upd = (i, patch) => setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return html`<div class="rows" data-testid=${'rows-' + prefix}>
    ${rows.map((r, i) => {
      const err = errors[`${prefix}[${i}].value`] || errors[`${prefix}[${i}]`] || errors[`${prefix}[${i}].kind`];
      return html`<div class="row-item">
        <div class="row-line">
          <select aria-label=${t('common.kind')} data-testid=${`input-${prefix}-${i}-kind`} onChange=${(e) => upd(i, { kind: e.currentTarget.value })}>
            ${kinds.map((k) => html`<option value=${k} selected=${r.kind === k}>${t(kindPrefix + '.' + k)}</option>`)}
          </select>
          <input type=${type} value=${r.value} aria-label=${t('common.value')} placeholder=${placeholder || ''}
            id=${`f-${prefix}-${i}`} data-testid=${`input-${prefix}-${i}`} aria-invalid=${err ? 'true' : undefined}
            onInput=${(e) => upd(i, { value: e.currentTarget.value })} />
          <button type="button" class="btn btn-icon" title=${t('common.remove')} aria-label=${t('common.remove')}
            onClick=${() => setRows(rows.filter((_, j) => j !== i))}>×</button>
        </div>
        ${err ? html`<div class="field-error" data-testid=${`error-${prefix}-${i}`}>${err}</div>` : null}
      </div>`;
    })}
    <button type="button" class="btn btn-link" data-testid=${'add-' + prefix}
      onClick=${() => setRows([...rows, { value: '', kind: kinds[0] }])}>+ ${addLabel}</button>
    ${errors[prefix] ? html`<div class="field-error">${errors[prefix]}</div>` : null}
  </div>`;
}

export function cleanRows(rows) {
  return rows.map((r) => ({ value: r.value.trim(), kind: r.kind })).filter((r) => r.value !== '');
}

// Where each sent (non-empty) row sits in the form: [sentIndex] -> formIndex.
export function rowIndexMap(rows) {
  const out = [];
  rows.forEach((r, i) => { if (r.value.trim() !== '') out.push(i); });
  return out;
}
// The server numbers rows as sent (empty rows dropped); renumber its 422 field names ("phones[0].value")
// to the rows on screen, which keep their empty lines.
export function remapRowErrors(err, maps) {
  if (!err || !Array.isArray(err.fields)) return err;
  err.fields = err.fields.map((f) => {
    const m = /^(\w+)\[(\d+)\](.*)$/.exec(f.field || '');
    if (!m || !maps[m[1]] || maps[m[1]][+m[2]] === undefined) return f;
    return { ...f, field: `${m[1]}[${maps[m[1]][+m[2]]}]${m[3]}` };
  });
  return err;
}

export function Spinner() { return html`<div class="loading" role="status">${t('app.loading')}</div>`; }

export function NotFound() {
  return html`<div class="page"><div class="empty-state"><h1>${t('notfound.title')}</h1><p>${t('notfound.text')}</p></div></div>`;
}

// Modal confirmation. Usage: const [ask, dialog] = useConfirm(); ... if (await ask(text)) ...; render ${dialog}
export function useConfirm() {
  const [st, setSt] = useState(null);
  const ask = (text, okLabel) => new Promise((resolve) => setSt({ text, okLabel, resolve }));
  const close = (v) => { st && st.resolve(v); setSt(null); };
  const dialog = st ? html`<${Modal} onClose=${() => close(false)} title=${t('common.confirm')}>
      <p>${st.text}</p>
      <div class="form-actions">
        <button class="btn btn-danger" data-testid="confirm-ok" autofocus onClick=${() => close(true)}>${st.okLabel || t('common.delete')}</button>
        <button class="btn" data-testid="confirm-cancel" onClick=${() => close(false)}>${t('common.cancel')}</button>
      </div>
    <//>` : null;
  return [ask, dialog];
}

export function Modal({ title, onClose, children }) {
  const ref = useRef();
  useEffect(() => {
    const prev = document.activeElement;
    const el = ref.current;
    const first = el && el.querySelector('[autofocus], input, select, textarea, button');
    if (first) first.focus();
    const onKey = (e) => { if (e.key === 'Escape') { e.stopPropagation(); onClose(); } };
    document.addEventListener('keydown', onKey, true);
    return () => { document.removeEventListener('keydown', onKey, true); if (prev && prev.focus) prev.focus(); };
  }, []);
  return html`<div class="modal-backdrop" onMouseDown=${(e) => { if (e.target === e.currentTarget) onClose(); }}>
    <div class="modal" role="dialog" aria-modal="true" aria-label=${title} ref=${ref}>
      <div class="modal-head"><h2>${title}</h2>
        <button class="btn btn-icon" aria-label=${t('common.close')} onClick=${onClose}>×</button></div>
      <div class="modal-body">${children}</div>
    </div>
  </div>`;
}

export function userName(id) {
  if (id == null) return t('common.none');
  const u = (getState().users || []).find((x) => x.id === id);
  return u ? u.name : t('common.unknown_user', { id });
}
export function typeLabel(type) {
  if (!type) return t('common.none');
  const lang = getState().lang;
  return (type.labels && type.labels[lang]) || type.name;
}
export function typeName(id) {
  if (id == null) return t('common.none');
  const ty = (getState().types || []).find((x) => x.id === id);
  return ty ? typeLabel(ty) : '#' + id;
}
export function contactName(c) {
  const s = [c.last_name, c.first_name, c.middle_name].filter(Boolean).join(' ').trim();
  return s || t('contacts.no_name');
}
export function contactDisplayName(c) {
  const s = [c.first_name, c.middle_name, c.last_name].filter(Boolean).join(' ').trim();
  return s || t('contacts.no_name');
}

// Render a history value readably.
function histValue(field, v, ctx) {
  if (v === null || v === undefined || v === '') return html`<span class="muted">${t('common.none')}</span>`;
  if (field === 'responsible_id' || field === 'created_by' || field === 'updated_by') return userName(v);
  if (field === 'type_id') return typeName(v);
  if (field === 'company_id') return ctx.companyNames && ctx.companyNames[v] ? ctx.companyNames[v] : '#' + v;
  if (field === 'birthday') return fmtDay(v);
  if (Array.isArray(v)) {
    if (v.length === 0) return html`<span class="muted">${t('common.none')}</span>`;
    const kp = field === 'phones' ? 'phone' : field === 'emails' ? 'email' : field === 'messengers' ? 'msg' : null;
    return v.map((x) => (x && typeof x === 'object' && 'value' in x)
      ? `${x.value}${x.kind && kp ? ' (' + t(kp + '.' + x.kind) + ')' : ''}` : (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ');
  }
  if (typeof v === 'boolean') return v ? t('common.yes') : t('common.no');
  if (typeof v === 'object') return JSON.stringify(v);
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v)) return fmtDateTime(v);
  return String(v);
}
function fieldLabel(f) {
  const key = 'f.' + f;
  const s = t(key);
  return s === key ? f : s;
}

// A change of the whole `custom` object becomes one change per custom field that differs ("custom.<id>").
export function expandCustomChanges(changes) {
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

// `entity` (company, contact) names the custom field definitions used for "custom" changes.
export function History({ items, companyNames = {}, entity }) {
  const defs = useCustomFields(entity || 'company');
  if (!items) return html`<${Spinner} />`;
  if (items.length === 0) return html`<p class="muted">${t('history.empty')}</p>`;
  const defOf = (field) => {
    const m = /^custom\.(\d+)$/.exec(field);
    return m ? { id: m[1], def: entity ? (defs || []).find((d) => String(d.id) === m[1]) : null } : null;
  };
  const label = (field) => {
    const c = defOf(field);
    if (!c) return fieldLabel(field);
    return c.def ? cfLabel(c.def) : t('history.custom_field', { id: c.id });
  };
  const value = (field, v) => {
    const c = defOf(field);
    if (!c) return histValue(field, v, { companyNames });
    if (v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length)) return html`<span class="muted">${t('common.none')}</span>`;
    if (c.def) return html`<${CfValue} def=${c.def} value=${v} short />`;
    return typeof v === 'object' ? JSON.stringify(v) : String(v);
  };
  return html`<ol class="history" data-testid="history">
    ${items.map((e) => {
      const changes = expandCustomChanges(e.changes);
      return html`<li>
      <div class="history-head"><strong>${e.user_name || (e.user_id != null ? userName(e.user_id) : t('common.system'))}</strong>
        ${' '}<span>${t('history.' + (e.action || 'updated'))}</span>
        ${' '}<time class="muted" datetime=${e.at}>${fmtDateTime(e.at)}</time></div>
      ${e.action !== 'created' && changes.length ? html`<ul class="changes">
        ${changes.map((c) => html`<li><span class="ch-field">${label(c.field)}:</span>
          <span class="ch-old">${value(c.field, c.old)}</span> → <span class="ch-new">${value(c.field, c.new)}</span></li>`)}
      </ul>` : null}
    </li>`;
    })}
  </ol>`;
}

export function PageHead({ title, children, back }) {
  return html`<div class="page-head">
    <div class="page-title">
      ${back ? html`<${Link} class="back" href=${back.href}>← ${back.label}<//>` : null}
      <h1>${title}</h1>
    </div>
    <div class="page-actions">${children}</div>
  </div>`;
}

export function Toasts() {
  const st = useStore();
  return html`<div class="toasts" aria-live="polite">
    ${st.toasts.map((x) => html`<div class=${'toast toast-' + x.kind} key=${x.id}>${x.text}</div>`)}
  </div>`;
}

// Form keyboard behaviour: Escape cancels (unless a dropdown handled it).
export function useEscape(onEscape) {
  useEffect(() => {
    const fn = (e) => { if (e.key === 'Escape' && !e.defaultPrevented && !document.querySelector('.modal')) onEscape(); };
    document.addEventListener('keydown', fn);
    return () => document.removeEventListener('keydown', fn);
  }, [onEscape]);
}

export function ContactChannels({ phones, emails, messengers }) {
  return html`
    ${phones && phones.length ? html`<dt>${t('f.phones')}</dt><dd>${phones.map((p) => html`<div><a href=${'tel:' + p.value.replace(/[^\d+]/g, '')}>${p.value}</a> <span class="muted">${t('phone.' + p.kind)}</span></div>`)}</dd>` : null}
    ${emails && emails.length ? html`<dt>${t('f.emails')}</dt><dd>${emails.map((p) => html`<div><a href=${'mailto:' + p.value}>${p.value}</a> <span class="muted">${t('email.' + p.kind)}</span></div>`)}</dd>` : null}
    ${messengers && messengers.length ? html`<dt>${t('f.messengers')}</dt><dd>${messengers.map((p) => html`<div>${p.value} <span class="muted">${t('msg.' + p.kind)}</span></div>`)}</dd>` : null}
  `;
}
