// Tiny global store: session, language, cached reference data. Components subscribe with useStore().
import { useState, useEffect } from './lib.js';

const state = {
  session: null,      // { user, csrf_token }
  lang: 'en',
  counts: null,       // { companies, contacts }
  users: null,        // [User] incl. inactive
  types: null,        // [CompanyType]
  departments: null,  // [Department]
  toasts: [],
};
const subs = new Set();

export function getState() { return state; }
export function setState(patch) {
  Object.assign(state, patch);
  for (const fn of subs) fn();
}
export function useStore() {
  const [, force] = useState(0);
  useEffect(() => {
    const fn = () => force((n) => n + 1);
    subs.add(fn);
    return () => subs.delete(fn);
  }, []);
  return state;
}

let toastId = 0;
export function toast(text, kind = 'ok') {
  const id = ++toastId;
  setState({ toasts: [...state.toasts, { id, text, kind }] });
  setTimeout(() => setState({ toasts: state.toasts.filter((t) => t.id !== id) }), kind === 'error' ? 6000 : 3000);
}
