// Sign-in and first-run setup pages.
import { html, useState } from '../lib.js';
import { api } from '../api.js';
import { t, setLang, LANGS, timeZones } from '../i18n.js';
import { useStore, setState } from '../store.js';
import { navigate, query } from '../router.js';
import { Field, TextInput, Select, ErrorBox, fieldErrors, errorText } from '../components.js';

function LangPicker() {
  const st = useStore();
  return html`<div class="lang-switch auth-lang" role="group" aria-label=${t('user.language')}>
    ${LANGS.map((l) => html`<button type="button" data-testid=${'login-lang-' + l.code}
      class=${'btn btn-small' + (st.lang === l.code ? ' btn-primary' : '')} aria-pressed=${st.lang === l.code}
      onClick=${() => setLang(l.code, true)}>${l.name}</button>`)}
  </div>`;
}

function afterSignIn(session) {
  setState({ session, users: null, types: null, departments: null });
  setLang(session.user.language, true);
  const next = query().get('next');
  navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/companies', { replace: true });
}

export function LoginPage() {
  useStore();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true); setError(null);
    try {
      afterSignIn(await api.post('/auth/login', { login: login.trim(), password }));
    } catch (err) {
      setError(err.code === 'bad_credentials' ? t('login.bad_credentials')
        : err.code === 'too_many_attempts' ? t('login.too_many', { s: err.retryAfter || 60 })
        : err.code === 'validation' ? t('login.bad_credentials') : errorText(err));
      setBusy(false);
    }
  };
  return html`<div class="center-page">
    <form class="card auth-card" onSubmit=${submit} data-testid="login-form">
      <div class="brand brand-auth"><span class="brand-box">K</span> ${t('app.name')}</div>
      <p class="muted">${t('login.tagline')}</p>
      <h1>${t('login.title')}</h1>
      <${ErrorBox} error=${error} />
      <${Field} label=${t('login.login')} name="login">
        <${TextInput} name="login" value=${login} onInput=${setLogin} autofocus autocomplete="username" required />
      <//>
      <${Field} label=${t('login.password')} name="password">
        <${TextInput} name="password" type="password" value=${password} onInput=${setPassword} autocomplete="current-password" required />
      <//>
      <button class="btn btn-primary btn-block" type="submit" disabled=${busy} data-testid="login-submit">${t('login.submit')}</button>
      <${LangPicker} />
    </form>
  </div>`;
}

export function SetupPage({ onDone }) {
  const st = useStore();
  const [f, setF] = useState({
    token: '', login: 'admin', name: '', email: '', password: '',
    language: st.lang, time_zone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'Europe/Kyiv',
  });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (k) => (v) => { setF({ ...f, [k]: v }); if (k === 'language') setLang(v, true); };
  const errs = fieldErrors(error);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true); setError(null);
    try {
      const s = await api.post('/setup', { ...f, token: f.token.trim(), login: f.login.trim() });
      onDone();
      afterSignIn(s);
    } catch (err) {
      if (err.code === 'setup_done') { onDone(); navigate('/login', { replace: true }); return; }
      setError(err.code === 'bad_setup_token' ? Object.assign(err, { fields: [{ field: 'token', code: 'x', message: t('setup.bad_token') }] }) : err);
      setBusy(false);
    }
  };
  return html`<div class="center-page">
    <form class="card auth-card wide" onSubmit=${submit} data-testid="setup-form" novalidate>
      <div class="brand brand-auth"><span class="brand-box">K</span> ${t('app.name')}</div>
      <h1>${t('setup.title')}</h1>
      <p class="muted">${t('setup.intro')}</p>
      <${ErrorBox} error=${error && error.code === 'bad_setup_token' ? t('setup.bad_token') : error} />
      <${Field} label=${t('setup.token')} name="token" error=${errs.token}>
        <${TextInput} name="token" value=${f.token} onInput=${set('token')} autofocus required autocomplete="off" class="mono" />
      <//>
      <div class="grid2">
        <${Field} label=${t('f.login')} name="login" error=${errs.login}>
          <${TextInput} name="login" value=${f.login} onInput=${set('login')} required autocomplete="username" />
        <//>
        <${Field} label=${t('f.full_name')} name="name" error=${errs.name}>
          <${TextInput} name="name" value=${f.name} onInput=${set('name')} required />
        <//>
        <${Field} label=${t('f.email')} name="email" error=${errs.email}>
          <${TextInput} name="email" type="email" value=${f.email} onInput=${set('email')} />
        <//>
        <${Field} label=${t('f.password')} name="password" error=${errs.password} hint=${t('f.password_hint')}>
          <${TextInput} name="password" type="password" value=${f.password} onInput=${set('password')} required minlength="8" autocomplete="new-password" />
        <//>
        <${Field} label=${t('f.language')} name="language" error=${errs.language}>
          <${Select} name="language" value=${f.language} onChange=${set('language')} options=${LANGS.map((l) => ({ value: l.code, label: l.name }))} />
        <//>
        <${Field} label=${t('f.time_zone')} name="time_zone" error=${errs.time_zone}>
          <${Select} name="time_zone" value=${f.time_zone} onChange=${set('time_zone')} options=${timeZones(f.time_zone).map((z) => ({ value: z, label: z }))} />
        <//>
      </div>
      <button class="btn btn-primary btn-block" type="submit" disabled=${busy} data-testid="setup-submit">${t('setup.submit')}</button>
    </form>
  </div>`;
}
