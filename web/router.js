// Minimal History API router.
import { html, useState, useEffect } from './lib.js';

const listeners = new Set();
export function currentPath() { return location.pathname; }
export function query() { return new URLSearchParams(location.search); }

export function navigate(to, { replace = false } = {}) {
  if (to === location.pathname + location.search) { notify(); return; }
  if (replace) history.replaceState(null, '', to); else history.pushState(null, '', to);
  window.scrollTo(0, 0);
  notify();
}
function notify() { for (const fn of listeners) fn(); }
window.addEventListener('popstate', notify);

export function useLocation() {
  const [, force] = useState(0);
  useEffect(() => {
    const fn = () => force((n) => n + 1);
    listeners.add(fn);
    return () => listeners.delete(fn);
  }, []);
  return { path: location.pathname, search: location.search };
}

// Match "/companies/:id/edit" against a path; returns params or null.
export function match(pattern, path) {
  const p = pattern.split('/').filter(Boolean);
  const s = path.split('/').filter(Boolean);
  if (p.length !== s.length) return null;
  const params = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(':')) params[p[i].slice(1)] = decodeURIComponent(s[i]);
    else if (p[i] !== s[i]) return null;
  }
  return params;
}

export function Link({ href, children, ...rest }) {
  const onClick = (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    if (rest.onNavigate) rest.onNavigate();
    navigate(href);
  };
  const { onNavigate, ...props } = rest;
  return html`<a href=${href} onClick=${onClick} ...${props}>${children}</a>`;
}
