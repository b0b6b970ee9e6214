// fetch wrapper for /api/v1: JSON in/out, CSRF header on unsafe methods, problem+json → ApiError, 401 → /login.
import { getState, setState } from './store.js';
import { navigate } from './router.js';

export class ApiError extends Error {
  constructor(status, body) {
    super((body && (body.detail || body.title)) || `HTTP ${status}`);
    this.status = status;
    this.code = (body && body.code) || (status === 0 ? 'network' : 'http_' + status);
    this.detail = (body && body.detail) || '';
    this.title = (body && body.title) || '';
    this.fields = (body && Array.isArray(body.fields)) ? body.fields : [];
    this.retryAfter = null;
  }
}

const AUTH_PATHS = ['/auth/login', '/setup', '/health', '/me'];

export async function request(method, path, body, opts = {}) {
  const headers = { Accept: 'application/json, application/problem+json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const s = getState().session;
  if (method !== 'GET' && method !== 'HEAD' && s && s.csrf_token) headers['X-CSRF-Token'] = s.csrf_token;
  let res;
  try {
    res = await fetch('/api/v1' + path, {
      method, headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: opts.signal,
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, { code: 'network', detail: String(e.message || e) });
  }
  if (res.status === 204) return null;
  const type = res.headers.get('Content-Type') || '';
  let data = null;
  if (type.includes('json')) { try { data = await res.json(); } catch { data = null; } }
  if (!res.ok) {
    const err = new ApiError(res.status, data);
    if (res.status === 429) err.retryAfter = res.headers.get('Retry-After');
    if (res.status === 401 && !opts.no401 && !AUTH_PATHS.some((p) => path.startsWith(p))) {
      setState({ session: null });
      const here = location.pathname + location.search;
      if (!location.pathname.startsWith('/login')) navigate('/login?next=' + encodeURIComponent(here), { replace: true });
    }
    throw err;
  }
  return data;
}

export const api = {
  get: (p, o) => request('GET', p, undefined, o),
  post: (p, b, o) => request('POST', p, b === undefined ? {} : b, o),
  put: (p, b, o) => request('PUT', p, b, o),
  patch: (p, b, o) => request('PATCH', p, b, o),
  del: (p, o) => request('DELETE', p, undefined, o),
};

export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, v);
  const s = u.toString();
  return s ? '?' + s : '';
}

// Reference data caches
export async function loadUsers(force = false) {
  if (getState().users && !force) return getState().users;
  const r = await api.get('/users?include_inactive=true');
  setState({ users: r.items || [] });
  return getState().users;
}
export async function loadTypes(force = false) {
  if (getState().types && !force) return getState().types;
  const r = await api.get('/company-types');
  setState({ types: r.items || [] });
  return getState().types;
}
export async function loadDepartments(force = false) {
  if (getState().departments && !force) return getState().departments;
  const r = await api.get('/departments');
  setState({ departments: r.items || [] });
  return getState().departments;
}
export async function loadCounts() {
  try { setState({ counts: await api.get('/counts') }); } catch { /* counters are decoration */ }
}

// Sales pipeline reference data (issue 3). Cached in the store; pass force=true after a change.
export async function loadPipelines(force = false) {
  if (getState().pipelines && !force) return getState().pipelines;
  const r = await api.get('/pipelines');
  setState({ pipelines: (r.items || []).slice().sort((a, b) => (a.sort - b.sort) || (a.id - b.id)) });
  return getState().pipelines;
}
export async function loadCurrencies(force = false) {
  if (getState().currencies && !force) return getState().currencies;
  const r = await api.get('/currencies');
  setState({ currencies: { base: r.base, today: r.today, items: r.items || [] } });
  return getState().currencies;
}
// Custom field definitions of one entity (company, contact, lead, deal), incl. archived ones (callers filter).
const cfPending = {};
export async function loadCustomFields(entity, force = false) {
  const all = getState().customFields || {};
  if (all[entity] && !force) return all[entity];
  if (!cfPending[entity] || force) {
    cfPending[entity] = api.get('/custom-fields' + qs({ entity })).then((r) => {
      const items = (r.items || []).slice().sort((a, b) => (a.sort - b.sort) || (a.id - b.id));
      setState({ customFields: { ...(getState().customFields || {}), [entity]: items } });
      return items;
    }).finally(() => { delete cfPending[entity]; });
  }
  return cfPending[entity];
}
export async function loadLeadSources(force = false) {
  if (getState().leadSources && !force) return getState().leadSources;
  const r = await api.get('/lead-sources');
  setState({ leadSources: r.items || [] });
  return getState().leadSources;
}
export async function loadDealTypes(force = false) {
  if (getState().dealTypes && !force) return getState().dealTypes;
  const r = await api.get('/deal-types');
  setState({ dealTypes: r.items || [] });
  return getState().dealTypes;
}
export async function loadLeadStatuses(force = false) {
  if (getState().leadStatuses && !force) return getState().leadStatuses;
  const r = await api.get('/lead-statuses');
  setState({ leadStatuses: (r.items || []).slice().sort((a, b) => (a.sort - b.sort) || (a.id - b.id)) });
  return getState().leadStatuses;
}
