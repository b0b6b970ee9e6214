// Korobka web UI entry point: bootstrap (health → setup/login/session), app shell, routes.
import { html, render, useState, useEffect, useRef } from './lib.js';
import { api, loadCounts, loadUsers, loadTypes } from './api.js';
import { t, setLang, guessLang, LANGS, fmtNumber } from './i18n.js';
import { useStore, setState, getState, toast } from './store.js';
import { Link, navigate, useLocation, match } from './router.js';
import { Toasts, NotFound, Spinner, errorText } from './components.js';
import { SearchBox } from './search.js';
import { LoginPage, SetupPage } from './pages/auth.js';
import { CompaniesList, CompanyView, CompanyForm } from './pages/companies.js';
import { ContactsList, ContactView, ContactForm } from './pages/contacts.js';
import { SettingsPage } from './pages/settings.js';
import { LeadsList, LeadView, LeadForm, LeadConvert } from './pages/leads.js';
import { DealsPage, DealView, DealForm } from './pages/deals.js';
import { TasksPage, TaskView, TaskFormPage } from './pages/tasks.js';
import { MyPage } from './pages/my.js';
import { FeedPage } from './pages/feed.js';
import { CalendarPage } from './pages/calendar.js';
import { Bell, CountBadges, useWorkLive } from './bell.js';

// `work`: which /my/counters group shows as badges (red = overdue, grey = today); `section`: a group heading.
const NAV = [
  { key: 'feed', path: '/feed', icon: '≡' },
  { key: 'my', path: '/my', icon: '☑', work: 'total' },
  { key: 'tasks', path: '/tasks', icon: '✓', work: 'tasks' },
  { key: 'calendar', path: '/calendar', icon: '▤' },
  { section: 'crm', work: 'crm' },
  { key: 'leads', path: '/leads', icon: '◎', count: 'leads' },
  { key: 'deals', path: '/deals', icon: '◆', count: 'deals' },
  { key: 'contacts', path: '/contacts', icon: '☺', count: 'contacts' },
  { key: 'companies', path: '/companies', icon: '▦', count: 'companies' },
  { key: 'settings', path: '/settings', icon: '⚙' },
];

const ROUTES = [
  ['/companies', CompaniesList],
  ['/companies/new', CompanyForm],
  ['/companies/:id', CompanyView],
  ['/companies/:id/edit', CompanyForm],
  ['/contacts', ContactsList],
  ['/contacts/new', ContactForm],
  ['/contacts/:id', ContactView],
  ['/contacts/:id/edit', ContactForm],
  ['/leads', LeadsList],
  ['/leads/new', LeadForm],
  ['/leads/:id', LeadView],
  ['/leads/:id/edit', LeadForm],
  ['/leads/:id/convert', LeadConvert],
  ['/deals', DealsPage],
  ['/deals/list', DealsPage],
  ['/deals/new', DealForm],
  ['/deals/:id', DealView],
  ['/deals/:id/edit', DealForm],
  ['/my', MyPage],
  ['/tasks', TasksPage],
  ['/tasks/new', TaskFormPage],
  ['/tasks/:id', TaskView],
  ['/tasks/:id/edit', TaskFormPage],
  ['/feed', FeedPage],
  ['/calendar', CalendarPage],
];

function Unavailable({ section }) {
  const name = t('nav.' + section);
  return html`<div class="page"><div class="empty-state" data-testid="unavailable">
    <div class="soon-badge big">${t('nav.soon')}</div>
    <h1>${t('unavailable.title', { section: name })}</h1>
    <p>${t('unavailable.text')}</p>
    <${Link} class="btn btn-primary" href="/companies">${t('unavailable.go_companies')}<//>
  </div></div>`;
}

function Nav({ path, open, onClose }) {
  const st = useStore();
  return html`<nav class=${'sidenav' + (open ? ' open' : '')} aria-label=${t('nav.main')}>
    <div class="brand"><span class="brand-box">K</span> ${t('app.name')}</div>
    <ul>
      ${NAV.map((n) => {
        const wc = n.work && st.myCounters ? st.myCounters[n.work] : null;
        if (n.section) {
          return html`<li class="nav-section" data-testid=${'nav-section-' + n.section}>
            <span class="nav-label">${t('nav.section.' + n.section)}</span><${CountBadges} c=${wc} name=${n.section} /></li>`;
        }
        const active = path === n.path || path.startsWith(n.path + '/');
        const cnt = n.count && st.counts ? st.counts[n.count] : null;
        return html`<li>
          <${Link} href=${n.path} onNavigate=${onClose} data-testid=${'nav-' + n.key}
            class=${'nav-link' + (active ? ' active' : '') + (n.soon ? ' soon' : '')}
            aria-current=${active ? 'page' : undefined}
            title=${n.soon ? t('nav.soon_hint') : undefined}>
            <span class="nav-icon" aria-hidden="true">${n.icon}</span>
            <span class="nav-label">${t('nav.' + n.key)}</span>
            ${n.soon ? html`<span class="soon-badge">${t('nav.soon')}</span>` : null}
            ${cnt != null ? html`<span class="nav-count" data-testid=${'count-' + n.key}>${fmtNumber(cnt)}</span>` : null}
            ${n.work ? html`<${CountBadges} c=${wc} name=${n.key} />` : null}
          <//>
        </li>`;
      })}
    </ul>
  </nav>`;
}

function UserMenu() {
  const st = useStore();
  const [open, setOpen] = useState(false);
  const ref = useRef();
  const user = st.session.user;
  useEffect(() => {
    if (!open) return;
    const onDoc = (e) => { if (ref.current && !ref.current.contains(e.target)) setOpen(false); };
    const onKey = (e) => { if (e.key === 'Escape') { setOpen(false); ref.current && ref.current.querySelector('button').focus(); } };
    document.addEventListener('mousedown', onDoc);
    document.addEventListener('keydown', onKey);
    return () => { document.removeEventListener('mousedown', onDoc); document.removeEventListener('keydown', onKey); };
  }, [open]);
  const switchLang = async (lang) => {
    setLang(lang);
    try {
      const u = await api.patch('/me', { language: lang });
      setState({ session: { ...getState().session, user: u } });
    } catch (e) { toast(errorText(e), 'error'); }
  };
  const logout = async () => {
    try { await api.post('/auth/logout'); } catch { /* leave anyway */ }
    setState({ session: null, users: null, types: null, departments: null, counts: null, myCounters: null });
    navigate('/login');
  };
  const initials = (user.name || user.login).split(/\s+/).map((w) => w[0]).slice(0, 2).join('').toUpperCase();
  return html`<div class="usermenu" ref=${ref}>
    <button class="btn usermenu-btn" aria-haspopup="true" aria-expanded=${open} data-testid="user-menu"
      aria-label=${t('user.menu')} onClick=${() => setOpen(!open)}>
      <span class="avatar" aria-hidden="true">${initials}</span><span class="usermenu-name">${user.name}</span> ▾
    </button>
    ${open ? html`<div class="menu" role="menu">
      <div class="menu-head"><strong>${user.name}</strong><div class="muted">${user.login} · ${t('users.role.' + user.role)}</div></div>
      <div class="menu-section" role="group" aria-label=${t('user.language')}>
        <div class="muted small">${t('user.language')}</div>
        <div class="lang-switch">
          ${LANGS.map((l) => html`<button role="menuitemradio" aria-checked=${st.lang === l.code} data-testid=${'lang-' + l.code}
            class=${'btn btn-small' + (st.lang === l.code ? ' btn-primary' : '')} onClick=${() => switchLang(l.code)}>${l.code.toUpperCase()}</button>`)}
        </div>
      </div>
      <${Link} role="menuitem" class="menu-item" href="/settings/profile" onNavigate=${() => setOpen(false)}>${t('user.profile')}<//>
      <${Link} role="menuitem" class="menu-item" href="/settings/tokens" onNavigate=${() => setOpen(false)}>${t('user.tokens')}<//>
      <button role="menuitem" class="menu-item" data-testid="logout" onClick=${logout}>${t('user.logout')}</button>
    </div>` : null}
  </div>`;
}

function Shell({ path }) {
  const [navOpen, setNavOpen] = useState(false);
  useEffect(() => { loadCounts(); loadUsers().catch(() => {}); loadTypes().catch(() => {}); }, []);
  useWorkLive();
  let page = null;
  for (const [pattern, Comp] of ROUTES) {
    const params = match(pattern, path);
    if (params) { page = html`<${Comp} key=${pattern + JSON.stringify(params)} params=${params} />`; break; }
  }
  if (!page) {
    const soon = NAV.find((n) => n.soon && (path === n.path || path.startsWith(n.path + '/')));
    if (soon) page = html`<${Unavailable} section=${soon.key} />`;
    else if (path === '/settings' || path.startsWith('/settings/')) page = html`<${SettingsPage} path=${path} />`;
    else page = html`<${NotFound} />`;
  }
  return html`<div class="shell">
    <a class="skip-link" href="#main">↓</a>
    <${Nav} path=${path} open=${navOpen} onClose=${() => setNavOpen(false)} />
    ${navOpen ? html`<div class="nav-backdrop" onClick=${() => setNavOpen(false)}></div>` : null}
    <div class="main-col">
      <header class="topbar">
        <button class="btn btn-icon menu-toggle" aria-label=${t('nav.menu')} aria-expanded=${navOpen}
          data-testid="menu-toggle" onClick=${() => setNavOpen(!navOpen)}>☰</button>
        <${SearchBox} />
        <${Bell} />
        <${UserMenu} />
      </header>
      <main id="main" tabindex="-1">${page}</main>
    </div>
  </div>`;
}

function App() {
  const st = useStore();
  const { path } = useLocation();
  const [boot, setBoot] = useState({ state: 'loading' });

  useEffect(() => {
    (async () => {
      try {
        const health = await api.get('/health');
        if (health.setup_required) {
          setBoot({ state: 'setup' });
          if (location.pathname !== '/setup') navigate('/setup', { replace: true });
          return;
        }
        try {
          const s = await api.get('/me');
          setState({ session: s });
          setLang(s.user.language, true);
        } catch (e) {
          if (e.status !== 401) throw e;
        }
        setBoot({ state: 'ready' });
      } catch (e) {
        setBoot({ state: 'error', error: e });
      }
    })();
  }, []);

  // Route guards once booted.
  useEffect(() => {
    if (boot.state !== 'ready') return;
    if (!st.session && path !== '/login') {
      const next = path === '/' || path === '/setup' ? '' : '?next=' + encodeURIComponent(path + location.search);
      navigate('/login' + next, { replace: true });
    } else if (st.session && (path === '/login' || path === '/setup' || path === '/')) {
      navigate('/companies', { replace: true });
    }
  }, [boot.state, !!st.session, path]);

  if (boot.state === 'loading') return html`<${Spinner} />`;
  if (boot.state === 'error') {
    return html`<div class="center-page"><div class="card">
      <h1>${t('common.error')}</h1><p>${boot.error.code === 'network' ? t('app.offline') : errorText(boot.error)}</p>
      <button class="btn btn-primary" onClick=${() => location.reload()}>${t('app.reload')}</button></div></div>`;
  }
  if (boot.state === 'setup') {
    return html`<${SetupPage} onDone=${() => setBoot({ state: 'ready' })} /><${Toasts} />`;
  }
  if (!st.session) {
    return path === '/login' ? html`<${LoginPage} /><${Toasts} />` : html`<${Spinner} />`;
  }
  if (path === '/login' || path === '/setup' || path === '/') return html`<${Spinner} />`;
  return html`<${Shell} path=${path} /><${Toasts} />`;
}

setLang(guessLang(), false);
render(html`<${App} />`, document.getElementById('app'));
