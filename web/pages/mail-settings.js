// Settings → Mail (SMTP), admins only: the server that sends reminders and notifications, and a test letter.
import { html, useState, useEffect } from '../lib.js';
import { api } from '../api.js';
import { t } from '../i18n.js';
import { useStore, toast } from '../store.js';
import { Field, TextInput, Select, ErrorBox, Spinner, fieldErrors, errorText } from '../components.js';

const SECURITY = ['starttls', 'tls', 'none'];
const DEFAULT_PORT = { starttls: 587, tls: 465, none: 25 };

function toForm(s) {
  return { host: s.host || '', port: s.port != null ? String(s.port) : '', security: s.security || 'starttls', user: s.user || '',
    password: '', sender: s.sender || '', enabled: !!s.enabled };
}

export function MailSettings() {
  const st = useStore();
  const [saved, setSaved] = useState(null);
  const [f, setF] = useState(null);
  const [loadErr, setLoadErr] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [to, setTo] = useState(st.session.user.email || '');
  const [test, setTest] = useState(null); // {state:'sending'|'ok'|'failed', detail, to}
  useEffect(() => {
    api.get('/settings/mail').then((s) => { setSaved(s); setF(toForm(s)); }).catch(setLoadErr);
  }, []);
  if (loadErr) return html`<${ErrorBox} error=${loadErr} />`;
  if (!f) return html`<${Spinner} />`;
  const errs = fieldErrors(error);
  const set = (k) => (v) => setF({ ...f, [k]: v });
  const dirty = JSON.stringify({ ...f, password: '' }) !== JSON.stringify(toForm(saved)) || f.password !== '';
  const setSecurity = (v) => {
    // follow the usual port while the port is still one of the usual ones
    const usual = Object.values(DEFAULT_PORT).map(String);
    setF({ ...f, security: v, port: f.port === '' || usual.includes(f.port) ? String(DEFAULT_PORT[v]) : f.port });
  };
  const save = async (e) => {
    e.preventDefault(); setBusy(true); setError(null);
    const port = f.port.trim() === '' ? null : Number(f.port);
    try {
      const s = await api.put('/settings/mail', {
        host: f.host.trim(), port: Number.isInteger(port) ? port : (port === null ? 0 : port), security: f.security, user: f.user.trim(),
        password: f.password === '' ? null : f.password, sender: f.sender.trim(), enabled: f.enabled,
      });
      setSaved(s); setF(toForm(s)); toast(t('common.saved'));
    } catch (er) { setError(er); }
    setBusy(false);
  };
  const sendTest = async (e) => {
    e.preventDefault();
    setTest({ state: 'sending', to });
    try { await api.post('/settings/mail/test', { to: to.trim() }); setTest({ state: 'ok', to: to.trim() }); }
    catch (er) { setTest({ state: 'failed', err: er, detail: er.code === 'mail_failed' ? (er.detail || er.message) : null, to }); }
  };
  const testErrs = test && test.state === 'failed' ? fieldErrors(test.err) : {};
  return html`<div class="mail-settings" data-testid="mail-settings">
    <p class="muted">${t('mail.intro')}</p>
    <form class="form panel" onSubmit=${save} data-testid="mail-form" novalidate>
      <div class="panel-head"><h2>${t('settings.mail')}</h2>
        <span class=${'tag ' + (saved.enabled ? 'tag-on' : 'tag-muted')} data-testid="mail-state">${saved.enabled ? t('mail.state_on') : t('mail.state_off')}</span></div>
      <${ErrorBox} error=${error} />
      <div class="grid3 mail-grid">
        <div class="span2"><${Field} label=${t('mail.host')} name="mail_host" error=${errs.host}>
          <${TextInput} name="mail_host" value=${f.host} onInput=${set('host')} error=${errs.host} placeholder="smtp.office.ua" autocomplete="off" />
        <//></div>
        <${Field} label=${t('mail.port')} name="mail_port" error=${errs.port}>
          <${TextInput} name="mail_port" type="number" min="1" max="65535" inputmode="numeric" value=${f.port} onInput=${set('port')} error=${errs.port} />
        <//>
      </div>
      <div class="grid2">
        <${Field} label=${t('mail.security')} name="mail_security" error=${errs.security}>
          <${Select} name="mail_security" value=${f.security} onChange=${setSecurity} error=${errs.security}
            options=${SECURITY.map((s) => ({ value: s, label: t('mail.sec.' + s) }))} />
        <//>
        <${Field} label=${t('mail.sender')} name="mail_sender" error=${errs.sender} hint=${t('mail.sender_hint')}>
          <${TextInput} name="mail_sender" type="email" value=${f.sender} onInput=${set('sender')} error=${errs.sender} placeholder="crm@office.ua" />
        <//>
        <${Field} label=${t('mail.user')} name="mail_user" error=${errs.user}>
          <${TextInput} name="mail_user" value=${f.user} onInput=${set('user')} error=${errs.user} autocomplete="off" />
        <//>
        <${Field} label=${html`${t('mail.password')} ${saved.password_set ? html`<span class="tag tag-on" data-testid="mail-password-set">✓ ${t('mail.password_set_badge')}</span>` : null}`}
          name="mail_password" error=${errs.password} hint=${saved.password_set ? t('mail.password_set') : t('mail.password_unset')}>
          <${TextInput} name="mail_password" type="password" value=${f.password} onInput=${set('password')} error=${errs.password}
            autocomplete="new-password" placeholder=${saved.password_set ? '••••••••' : ''} />
        <//>
      </div>
      <div class=${'field' + (errs.enabled ? ' has-error' : '')}>
        <label class="check mail-enabled"><input type="checkbox" id="f-mail_enabled" data-testid="input-mail_enabled" checked=${f.enabled}
          onChange=${(e) => set('enabled')(e.currentTarget.checked)} /> ${t('mail.enabled')}</label>
        ${errs.enabled ? html`<div class="field-error">${errs.enabled}</div>` : html`<div class="hint">${t('mail.enabled_hint')}</div>`}
      </div>
      <div class="form-actions">
        <button class="btn btn-primary" type="submit" disabled=${busy} data-testid="mail-save">${busy ? t('common.saving') : t('common.save')}</button>
        ${dirty ? html`<span class="muted small mail-dirty">${t('mail.unsaved')}</span>` : null}
      </div>
    </form>
    <form class="form panel" onSubmit=${sendTest} data-testid="mail-test-form" novalidate>
      <h2>${t('mail.test')}</h2>
      <div class="inline-form">
        <${Field} label=${t('mail.test_to')} name="mail_test_to" error=${testErrs.to} hint=${dirty ? t('mail.test_hint') : null}>
          <${TextInput} name="mail_test_to" type="email" value=${to} onInput=${setTo} error=${testErrs.to} />
        <//>
        <button class="btn" type="submit" disabled=${!to.trim() || (test && test.state === 'sending')} data-testid="mail-test">
          ${test && test.state === 'sending' ? t('mail.test_sending') : t('mail.test')}</button>
      </div>
      ${test && test.state === 'ok' ? html`<div class="alert alert-ok mail-test-result" role="status" data-testid="mail-test-ok">✓ ${t('mail.test_ok', { to: test.to })}</div>` : null}
      ${test && test.state === 'failed' && !(test.err.code === 'validation' && Object.keys(testErrs).length) ? html`<div class="alert alert-error mail-test-result" role="alert" data-testid="mail-test-failed">
        ${test.detail != null ? t('mail.test_failed', { detail: test.detail }) : errorText(test.err)}</div>` : null}
    </form>
  </div>`;
}
