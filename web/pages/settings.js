// Settings: users, departments, company types, sales reference data, mail (SMTP), backups, API tokens, profile.
import { html, useState, useEffect, useCallback } from '../lib.js';
import { api, loadUsers, loadTypes, loadDepartments } from '../api.js';
import { t, fmtDateTime, LANGS, timeZones, setLang } from '../i18n.js';
import { useStore, setState, getState, toast } from '../store.js';
import { Link, navigate, match } from '../router.js';
import { SalesSettings, SALES_TABS, RefList } from './sales-settings.js';
import { Backups } from './backups.js';
import { MailSettings } from './mail-settings.js';
import {
  Field, TextInput, Select, ErrorBox, Spinner, NotFound, PageHead, Modal,
  fieldErrors, errorText, useConfirm, useEscape, typeLabel, userName,
} from '../components.js';

const TABS = [
  { key: 'users', admin: true }, { key: 'departments', admin: true }, { key: 'types', path: 'company-types', admin: true },
  ...SALES_TABS,
  { key: 'mail', admin: true }, { key: 'backups', admin: true }, { key: 'tokens' }, { key: 'profile' },
];

export function SettingsPage({ path }) {
  const st = useStore();
  const admin = st.session.user.role === 'admin';
  const tabs = TABS.filter((x) => admin || !x.admin);
  useEffect(() => { if (path === '/settings' || path === '/settings/') navigate('/settings/' + (admin ? 'users' : 'profile'), { replace: true }); }, [path]);
  let body = null; let m;
  if (path === '/settings/profile') body = html`<${Profile} />`;
  else if (path === '/settings/tokens') body = html`<${Tokens} />`;
  else if (!admin && path !== '/settings') body = html`<div class="alert alert-error">${t('err.forbidden')}</div>`;
  else if (path === '/settings/users') body = html`<${Users} />`;
  else if (path === '/settings/users/new') body = html`<${UserForm} key="new" />`;
  else if ((m = match('/settings/users/:id', path))) body = html`<${UserForm} key=${m.id} id=${m.id} />`;
  else if (path === '/settings/departments') body = html`<${Departments} />`;
  else if (path === '/settings/company-types') body = html`<${RefList} apiPath="/company-types" load=${loadTypes} storeKey="types" testid="types" />`;
  else if (SALES_TABS.some((x) => path === '/settings/' + (x.path || x.key) || path.startsWith('/settings/' + (x.path || x.key) + '/'))) body = html`<${SalesSettings} path=${path} />`;
  else if (path === '/settings/backups') body = html`<${Backups} />`;
  else if (path === '/settings/mail') body = html`<${MailSettings} />`;
  else if (path !== '/settings') body = html`<${NotFound} />`;
  // the tab row scrolls sideways: keep the open tab in view
  useEffect(() => {
    const el = document.querySelector('.settings-tabs .tab.active');
    if (el && el.scrollIntoView) el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [path]);
  return html`<div class="page">
    <${PageHead} title=${t('settings.title')} />
    <div class="tabs settings-tabs" role="tablist">
      ${tabs.map((x) => {
        const href = '/settings/' + (x.path || x.key);
        const active = path === href || path.startsWith(href + '/');
        return html`<${Link} role="tab" aria-selected=${active} class=${'tab' + (active ? ' active' : '')} href=${href} data-testid=${'settings-' + x.key}>${t('settings.' + x.key)}<//>`;
      })}
    </div>
    <div class="tab-body">${body}</div>
  </div>`;
}

function deptName(id) {
  if (id == null) return t('common.none');
  const d = (getState().departments || []).find((x) => x.id === id);
  return d ? d.name : '#' + id;
}
const langName = (code) => (LANGS.find((l) => l.code === code) || { name: code }).name;

// ---------- users ----------
function Users() {
  const st = useStore();
  const [showInactive, setShowInactive] = useState(false);
  const [err, setErr] = useState(null);
  useEffect(() => { loadUsers(true).catch(setErr); loadDepartments(true).catch(() => {}); }, []);
  const users = (st.users || []).filter((u) => showInactive || u.active);
  return html`<div>
    <div class="toolbar">
      <label class="check"><input type="checkbox" checked=${showInactive} onChange=${(e) => setShowInactive(e.currentTarget.checked)} /> ${t('users.show_inactive')}</label>
      <span class="spacer"></span>
      <${Link} class="btn btn-primary" href="/settings/users/new" data-testid="new-user">+ ${t('users.new')}<//>
    </div>
    <${ErrorBox} error=${err} />
    ${!st.users ? html`<${Spinner} />` : html`<div class="table-wrap"><table class="table" data-testid="users-table">
      <thead><tr><th>${t('f.full_name')}</th><th>${t('f.login')}</th><th>${t('f.email')}</th><th>${t('f.department')}</th><th>${t('f.position')}</th><th>${t('f.role')}</th><th>${t('f.active')}</th></tr></thead>
      <tbody>${users.map((u) => html`<tr key=${u.id} class=${u.active ? '' : 'inactive'}>
        <td data-label=${t('f.full_name')}><${Link} class="strong" href=${'/settings/users/' + u.id}>${u.name}<//></td>
        <td data-label=${t('f.login')} class="mono">${u.login}</td>
        <td data-label=${t('f.email')}>${u.email}</td>
        <td data-label=${t('f.department')}>${u.department_id != null ? deptName(u.department_id) : null}</td>
        <td data-label=${t('f.position')}>${u.position}</td>
        <td data-label=${t('f.role')}>${t('users.role.' + u.role)}</td>
        <td data-label=${t('f.active')}>${u.active ? t('common.yes') : html`<span class="tag tag-muted">${t('users.inactive')}</span>`}</td>
      </tr>`)}</tbody></table></div>`}
  </div>`;
}

function UserForm({ id }) {
  const st = useStore();
  const me = st.session.user;
  const [f, setF] = useState(id ? null : { login: '', name: '', email: '', password: '', role: 'user', department_id: '', position: '', language: me.language, time_zone: me.time_zone, active: true });
  const [loadErr, setLoadErr] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [pw, setPw] = useState('');
  const [pwErr, setPwErr] = useState(null);
  useEffect(() => { loadDepartments().catch(() => {}); }, []);
  useEffect(() => {
    if (id) api.get('/users/' + id).then((u) => setF({ ...u, department_id: u.department_id ?? '' })).catch(setLoadErr);
  }, [id]);
  const cancel = useCallback(() => navigate('/settings/users'), []);
  useEscape(cancel);
  if (loadErr) return loadErr.status === 404 ? html`<${NotFound} />` : html`<${ErrorBox} error=${loadErr} />`;
  if (!f) return html`<${Spinner} />`;
  const set = (k) => (v) => setF({ ...f, [k]: v });
  const errs = fieldErrors(error);
  const submit = async (e) => {
    e.preventDefault(); setBusy(true); setError(null);
    const common = { name: f.name.trim(), email: f.email.trim(), role: f.role, department_id: f.department_id === '' ? null : Number(f.department_id), position: f.position.trim(), language: f.language, time_zone: f.time_zone };
    try {
      if (id) {
        const u = await api.put('/users/' + id, { ...common, active: !!f.active });
        if (u.id === me.id) { setState({ session: { ...st.session, user: u } }); setLang(u.language); }
        toast(t('common.saved'));
      } else {
        await api.post('/users', { ...common, login: f.login.trim(), password: f.password });
        toast(t('users.created'));
      }
      await loadUsers(true);
      navigate('/settings/users');
    } catch (err) { setError(err); setBusy(false); }
  };
  const setPassword = async (e) => {
    e.preventDefault(); setPwErr(null);
    try { await api.post(`/users/${id}/password`, { password: pw }); setPw(''); toast(t('users.password_set')); }
    catch (err) { setPwErr(err); }
  };
  const depts = sortedTree(st.departments || []);
  return html`<div>
    <h2>${id ? t('users.edit') : t('users.new')}</h2>
    <form class="form panel" onSubmit=${submit} data-testid="user-form" novalidate>
      <${ErrorBox} error=${error} />
      <div class="grid2">
        <${Field} label=${t('f.login')} name="login" error=${errs.login}>
          <${TextInput} name="login" value=${f.login} onInput=${set('login')} autofocus=${!id} disabled=${!!id} error=${errs.login} autocomplete="off" />
        <//>
        <${Field} label=${t('f.full_name')} name="name" error=${errs.name}>
          <${TextInput} name="name" value=${f.name} onInput=${set('name')} autofocus=${!!id} error=${errs.name} />
        <//>
        <${Field} label=${t('f.email')} name="email" error=${errs.email}>
          <${TextInput} name="email" type="email" value=${f.email} onInput=${set('email')} error=${errs.email} />
        <//>
        ${!id ? html`<${Field} label=${t('f.password')} name="password" error=${errs.password} hint=${t('f.password_hint')}>
          <${TextInput} name="password" type="password" value=${f.password} onInput=${set('password')} error=${errs.password} autocomplete="new-password" />
        <//>` : null}
        <${Field} label=${t('f.department')} name="department_id" error=${errs.department_id}>
          <${Select} name="department_id" value=${f.department_id} onChange=${set('department_id')} empty=${t('common.not_set')}
            options=${depts.map((d) => ({ value: d.id, label: '\u00a0\u00a0'.repeat(d.depth) + d.name }))} />
        <//>
        <${Field} label=${t('f.position')} name="position" error=${errs.position}>
          <${TextInput} name="position" value=${f.position} onInput=${set('position')} error=${errs.position} />
        <//>
        <${Field} label=${t('f.role')} name="role" error=${errs.role}>
          <${Select} name="role" value=${f.role} onChange=${set('role')} options=${['user', 'admin'].map((r) => ({ value: r, label: t('users.role.' + r) }))} />
        <//>
        <${Field} label=${t('f.language')} name="language" error=${errs.language}>
          <${Select} name="language" value=${f.language} onChange=${set('language')} options=${LANGS.map((l) => ({ value: l.code, label: l.name }))} />
        <//>
        <${Field} label=${t('f.time_zone')} name="time_zone" error=${errs.time_zone}>
          <${Select} name="time_zone" value=${f.time_zone} onChange=${set('time_zone')} options=${timeZones(f.time_zone).map((z) => ({ value: z, label: z }))} />
        <//>
        ${id ? html`<${Field} label=${t('f.active')} name="active" hint=${t('users.active_hint')}>
          <label class="check"><input type="checkbox" id="f-active" data-testid="input-active" checked=${!!f.active} disabled=${Number(id) === me.id}
            onChange=${(e) => set('active')(e.currentTarget.checked)} /> ${t('f.active')}</label>
        <//>` : null}
      </div>
      <div class="form-actions">
        <button class="btn btn-primary" type="submit" disabled=${busy} data-testid="save">${busy ? t('common.saving') : t('common.save')}</button>
        <button class="btn" type="button" onClick=${cancel}>${t('common.cancel')}</button>
      </div>
    </form>
    ${id ? html`<form class="form panel" onSubmit=${setPassword} data-testid="set-password-form">
      <h3>${t('users.set_password')}</h3>
      <${ErrorBox} error=${pwErr} />
      <div class="inline-form">
        <${Field} label=${t('f.new_password')} name="user_new_password" error=${fieldErrors(pwErr).password} hint=${t('f.password_hint')}>
          <${TextInput} name="user_new_password" type="password" value=${pw} onInput=${setPw} autocomplete="new-password" />
        <//>
        <button class="btn" type="submit" disabled=${pw.length === 0}>${t('users.set_password')}</button>
      </div>
    </form>` : null}
  </div>`;
}

// ---------- departments ----------
function sortedTree(items) {
  const byParent = new Map();
  for (const d of items) {
    const p = d.parent_id ?? null;
    if (!byParent.has(p)) byParent.set(p, []);
    byParent.get(p).push(d);
  }
  const out = []; const seen = new Set();
  const walk = (p, depth) => {
    for (const d of (byParent.get(p) || []).sort((a, b) => a.name.localeCompare(b.name))) {
      if (seen.has(d.id)) continue;
      seen.add(d.id); out.push({ ...d, depth }); walk(d.id, depth + 1);
    }
  };
  walk(null, 0);
  for (const d of items) if (!seen.has(d.id)) out.push({ ...d, depth: 0 }); // orphans
  return out;
}
function descendants(items, id) {
  const out = new Set([id]); let grew = true;
  while (grew) { grew = false; for (const d of items) if (d.parent_id != null && out.has(d.parent_id) && !out.has(d.id)) { out.add(d.id); grew = true; } }
  return out;
}

function Departments() {
  const st = useStore();
  const [edit, setEdit] = useState(null); // {id?, name, parent_id, head_id, mode}
  const [err, setErr] = useState(null);
  const [ask, dialog] = useConfirm();
  useEffect(() => { loadDepartments(true).catch(setErr); loadUsers().catch(() => {}); }, []);
  const items = st.departments;
  const del = async (d) => {
    if (!(await ask(t('dep.delete_q', { name: d.name })))) return;
    try { await api.del('/departments/' + d.id); toast(t('common.deleted')); loadDepartments(true); }
    catch (e) { toast(e.code === 'conflict' ? t('dep.conflict') : errorText(e), 'error'); }
  };
  return html`<div>
    <div class="toolbar"><span class="spacer"></span>
      <button class="btn btn-primary" data-testid="add-department" onClick=${() => setEdit({ name: '', parent_id: '', head_id: '', mode: 'add' })}>+ ${t('dep.add_root')}</button></div>
    <${ErrorBox} error=${err} />
    ${!items ? html`<${Spinner} />` : items.length === 0 ? html`<p class="muted">${t('dep.empty')}</p>` : html`
      <ul class="tree" data-testid="departments-tree">
        ${sortedTree(items).map((d) => html`<li key=${d.id} style=${'padding-left:' + (d.depth * 1.5 + 0.5) + 'rem'}>
          <span class="tree-name">${d.depth ? html`<span class="tree-branch" aria-hidden="true">└ </span>` : null}${d.name}</span>
          ${d.head_id != null ? html`<span class="muted small"> · ${t('f.head')}: ${userName(d.head_id)}</span>` : null}
          <span class="tree-actions">
            <button class="btn btn-small" onClick=${() => setEdit({ name: '', parent_id: d.id, head_id: '', mode: 'add' })}>+ ${t('dep.add_child')}</button>
            <button class="btn btn-small" onClick=${() => setEdit({ ...d, parent_id: d.parent_id ?? '', head_id: d.head_id ?? '', mode: 'edit' })}>${t('dep.rename')} / ${t('dep.move')}</button>
            <button class="btn btn-small btn-danger-outline" onClick=${() => del(d)}>${t('common.delete')}</button>
          </span>
        </li>`)}
      </ul>`}
    ${edit ? html`<${DeptEditor} dep=${edit} items=${items || []} onClose=${() => setEdit(null)} />` : null}
    ${dialog}
  </div>`;
}

function DeptEditor({ dep, items, onClose }) {
  const st = useStore();
  const [f, setF] = useState(dep);
  const [error, setError] = useState(null);
  const errs = fieldErrors(error);
  const banned = dep.id ? descendants(items, dep.id) : new Set();
  const parents = sortedTree(items).filter((d) => !banned.has(d.id));
  const submit = async (e) => {
    e.preventDefault(); setError(null);
    const body = { name: f.name.trim(), parent_id: f.parent_id === '' ? null : Number(f.parent_id), head_id: f.head_id === '' ? null : Number(f.head_id) };
    try {
      if (dep.id) await api.put('/departments/' + dep.id, body); else await api.post('/departments', body);
      toast(t('common.saved')); await loadDepartments(true); onClose();
    } catch (err) { setError(err); }
  };
  return html`<${Modal} title=${dep.id ? t('dep.edit') + ': ' + dep.name : (dep.parent_id !== '' ? t('dep.add_child') : t('dep.add_root'))} onClose=${onClose}>
    <form class="form" onSubmit=${submit} data-testid="department-form" novalidate>
      <${ErrorBox} error=${error} />
      <${Field} label=${t('f.name')} name="dep_name" error=${errs.name}>
        <${TextInput} name="dep_name" value=${f.name} onInput=${(v) => setF({ ...f, name: v })} autofocus error=${errs.name} />
      <//>
      <${Field} label=${t('f.parent')} name="dep_parent" error=${errs.parent_id}>
        <${Select} name="dep_parent" value=${f.parent_id} onChange=${(v) => setF({ ...f, parent_id: v })} empty=${t('dep.root')}
          options=${parents.map((d) => ({ value: d.id, label: '\u00a0\u00a0'.repeat(d.depth) + d.name }))} />
      <//>
      <${Field} label=${t('f.head')} name="dep_head" error=${errs.head_id}>
        <${Select} name="dep_head" value=${f.head_id} onChange=${(v) => setF({ ...f, head_id: v })} empty=${t('common.not_set')}
          options=${(st.users || []).filter((u) => u.active || u.id === Number(f.head_id)).map((u) => ({ value: u.id, label: u.name }))} />
      <//>
      <div class="form-actions">
        <button class="btn btn-primary" type="submit" data-testid="save">${t('common.save')}</button>
        <button class="btn" type="button" onClick=${onClose}>${t('common.cancel')}</button>
      </div>
    </form>
  <//>`;
}

// ---------- company types ----------
function Tokens() {
  const [items, setItems] = useState(null);
  const [err, setErr] = useState(null);
  const [name, setName] = useState('');
  const [created, setCreated] = useState(null);
  const [copied, setCopied] = useState(false);
  const [ask, dialog] = useConfirm();
  const reload = () => api.get('/tokens').then((r) => setItems(r.items || [])).catch(setErr);
  useEffect(() => { reload(); }, []);
  const create = async (e) => {
    e.preventDefault(); setErr(null);
    try { const r = await api.post('/tokens', { name: name.trim() }); setCreated(r); setCopied(false); setName(''); reload(); }
    catch (er) { setErr(er); }
  };
  const copy = async () => {
    try { await navigator.clipboard.writeText(created.token); }
    catch {
      const el = document.getElementById('new-token'); el.select(); document.execCommand('copy');
    }
    setCopied(true);
  };
  const revoke = async (x) => {
    if (!(await ask(t('tokens.revoke_q', { name: x.name }), t('tokens.revoke')))) return;
    try { await api.del('/tokens/' + x.id); toast(t('common.deleted')); reload(); } catch (er) { toast(errorText(er), 'error'); }
  };
  return html`<div>
    <p class="muted">${t('tokens.intro')}</p>
    <form class="inline-form panel" onSubmit=${create} data-testid="token-form">
      <${Field} label=${t('tokens.name')} name="token_name" error=${fieldErrors(err).name}>
        <${TextInput} name="token_name" value=${name} onInput=${setName} placeholder="1C sync" />
      <//>
      <button class="btn btn-primary" type="submit" disabled=${!name.trim()} data-testid="create-token">${t('tokens.create')}</button>
    </form>
    ${err && err.code !== 'validation' ? html`<${ErrorBox} error=${err} />` : null}
    ${created ? html`<div class="alert alert-ok token-once" data-testid="token-once">
      <strong>${t('tokens.shown_once')}</strong>
      <div class="inline-form"><input id="new-token" class="mono" readonly value=${created.token} onFocus=${(e) => e.currentTarget.select()} />
        <button class="btn" type="button" onClick=${copy} data-testid="copy-token">${copied ? '✓ ' + t('common.copied') : t('common.copy')}</button>
        <button class="btn btn-icon" type="button" aria-label=${t('common.close')} onClick=${() => setCreated(null)}>×</button></div>
    </div>` : null}
    ${!items ? html`<${Spinner} />` : items.length === 0 ? html`<p class="muted">${t('tokens.empty')}</p>` : html`<div class="table-wrap"><table class="table" data-testid="tokens-table">
      <thead><tr><th>${t('tokens.name')}</th><th>${t('tokens.prefix')}</th><th>${t('f.created_at')}</th><th>${t('tokens.last_used')}</th><th></th></tr></thead>
      <tbody>${items.map((x) => html`<tr key=${x.id}>
        <td data-label=${t('tokens.name')}>${x.name}</td><td data-label=${t('tokens.prefix')} class="mono">${x.prefix}…</td>
        <td data-label=${t('f.created_at')} class="nowrap">${fmtDateTime(x.created_at)}</td>
        <td data-label=${t('tokens.last_used')} class="nowrap">${x.last_used_at ? fmtDateTime(x.last_used_at) : t('tokens.never')}</td>
        <td><button class="btn btn-small btn-danger-outline" onClick=${() => revoke(x)}>${t('tokens.revoke')}</button></td></tr>`)}</tbody></table></div>`}
    ${dialog}
  </div>`;
}

// ---------- profile ----------
function Profile() {
  const st = useStore();
  const u = st.session.user;
  const [f, setF] = useState({ name: u.name, email: u.email, language: u.language, time_zone: u.time_zone });
  const [error, setError] = useState(null);
  const [pw, setPw] = useState({ current_password: '', new_password: '' });
  const [pwErr, setPwErr] = useState(null);
  const errs = fieldErrors(error);
  const pwErrs = fieldErrors(pwErr);
  // the language can also be switched from the user menu while this form is open
  useEffect(() => { setF((p) => ({ ...p, language: u.language })); }, [u.language]);
  const set = (k) => (v) => setF({ ...f, [k]: v });
  const save = async (e) => {
    e.preventDefault(); setError(null);
    try {
      const nu = await api.patch('/me', { name: f.name.trim(), email: f.email.trim(), language: f.language, time_zone: f.time_zone });
      setState({ session: { ...getState().session, user: nu } });
      setLang(nu.language);
      loadUsers(true).catch(() => {});
      toast(t('profile.saved'));
    } catch (err) { setError(err); }
  };
  const changePw = async (e) => {
    e.preventDefault(); setPwErr(null);
    try { await api.post('/me/password', pw); setPw({ current_password: '', new_password: '' }); toast(t('profile.password_changed')); }
    catch (err) {
      if (err.code === 'bad_credentials' || err.code === 'forbidden') err.fields = [{ field: 'current_password', code: 'x', message: t('profile.wrong_password') }];
      // the server answers a wrong current password with 422 invalid_value on current_password
      err.fields = err.fields.map((x) => (x.field === 'current_password' && x.code === 'invalid_value' ? { ...x, code: 'x', message: t('profile.wrong_password') } : x));
      setPwErr(err);
    }
  };
  return html`<div class="two-col">
    <form class="form panel" onSubmit=${save} data-testid="profile-form" novalidate>
      <h2>${t('settings.profile')}</h2>
      <${ErrorBox} error=${error} />
      <${Field} label=${t('f.login')} name="me_login"><input id="f-me_login" value=${u.login} disabled /><//>
      <${Field} label=${t('f.full_name')} name="me_name" error=${errs.name}><${TextInput} name="me_name" value=${f.name} onInput=${set('name')} autofocus /><//>
      <${Field} label=${t('f.email')} name="me_email" error=${errs.email}><${TextInput} name="me_email" type="email" value=${f.email} onInput=${set('email')} /><//>
      <${Field} label=${t('f.language')} name="me_language" error=${errs.language}>
        <${Select} name="me_language" value=${f.language} onChange=${set('language')} options=${LANGS.map((l) => ({ value: l.code, label: l.name }))} /><//>
      <${Field} label=${t('f.time_zone')} name="me_time_zone" error=${errs.time_zone}>
        <${Select} name="me_time_zone" value=${f.time_zone} onChange=${set('time_zone')} options=${timeZones(f.time_zone).map((z) => ({ value: z, label: z }))} /><//>
      <div class="form-actions"><button class="btn btn-primary" type="submit" data-testid="save">${t('common.save')}</button></div>
    </form>
    <form class="form panel" onSubmit=${changePw} data-testid="password-form" novalidate>
      <h2>${t('profile.password')}</h2>
      ${pwErr && pwErr.code !== 'validation' && !pwErr.fields.length ? html`<${ErrorBox} error=${pwErr} />` : null}
      <${Field} label=${t('f.current_password')} name="current_password" error=${pwErrs.current_password}>
        <${TextInput} name="current_password" type="password" value=${pw.current_password} onInput=${(v) => setPw({ ...pw, current_password: v })} autocomplete="current-password" /><//>
      <${Field} label=${t('f.new_password')} name="new_password" error=${pwErrs.new_password} hint=${t('f.password_hint')}>
        <${TextInput} name="new_password" type="password" value=${pw.new_password} onInput=${(v) => setPw({ ...pw, new_password: v })} autocomplete="new-password" /><//>
      <div class="form-actions"><button class="btn btn-primary" type="submit" data-testid="change-password">${t('profile.password')}</button></div>
    </form>
  </div>`;
}
