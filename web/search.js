// Global search box in the top bar: debounced instant results, keyboard navigation.
import { html, useState, useEffect, useRef } from './lib.js';
import { api, qs } from './api.js';
import { t } from './i18n.js';
import { navigate } from './router.js';

export function SearchBox() {
  const [q, setQ] = useState('');
  const [items, setItems] = useState(null);
  const [busy, setBusy] = useState(false);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const boxRef = useRef();
  const inputRef = useRef();
  const seq = useRef(0);

  useEffect(() => {
    const query = q.trim();
    if (!query) { setItems(null); setBusy(false); return; }
    const my = ++seq.current;
    const ctrl = new AbortController();
    setBusy(true);
    const timer = setTimeout(async () => {
      try {
        const r = await api.get('/search' + qs({ q: query, limit: 20 }), { signal: ctrl.signal });
        if (my !== seq.current) return;
        setItems(r.items || []);
        setActive((r.items || []).length ? 0 : -1);
        setOpen(true);
      } catch (e) {
        if (e.name === 'AbortError' || my !== seq.current) return;
        setItems([]);
      } finally {
        if (my === seq.current) setBusy(false);
      }
    }, 150);
    return () => { clearTimeout(timer); ctrl.abort(); };
  }, [q]);

  useEffect(() => {
    const onDoc = (e) => { if (boxRef.current && !boxRef.current.contains(e.target)) setOpen(false); };
    const onKey = (e) => {
      // "/" focuses search, as in many work tools
      if (e.key === '/' && !/INPUT|TEXTAREA|SELECT/.test(document.activeElement.tagName)) { e.preventDefault(); inputRef.current.focus(); }
    };
    document.addEventListener('mousedown', onDoc);
    document.addEventListener('keydown', onKey);
    return () => { document.removeEventListener('mousedown', onDoc); document.removeEventListener('keydown', onKey); };
  }, []);

  const openItem = (it) => {
    setOpen(false);
    setQ('');
    inputRef.current.blur();
    navigate(`/${it.kind === 'company' ? 'companies' : 'contacts'}/${it.id}`);
  };

  const onKeyDown = (e) => {
    const n = items ? items.length : 0;
    if (e.key === 'ArrowDown') { e.preventDefault(); setOpen(true); if (n) setActive((active + 1) % n); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); if (n) setActive((active - 1 + n) % n); }
    else if (e.key === 'Enter') { e.preventDefault(); if (open && n && active >= 0) openItem(items[active]); }
    else if (e.key === 'Escape') {
      e.preventDefault();
      if (open) setOpen(false); else { setQ(''); inputRef.current.blur(); }
    }
  };

  const showList = open && q.trim() && items !== null;
  return html`<div class="search" ref=${boxRef} role="combobox" aria-expanded=${!!showList} aria-haspopup="listbox" aria-owns="search-list">
    <span class="search-icon" aria-hidden="true">⌕</span>
    <input ref=${inputRef} type="search" class="search-input" placeholder=${t('search.placeholder')}
      aria-label=${t('search.label')} aria-autocomplete="list" aria-controls="search-list"
      aria-activedescendant=${showList && active >= 0 ? 'search-opt-' + active : undefined}
      autocomplete="off" spellcheck="false" data-testid="search-input" value=${q}
      onInput=${(e) => { setQ(e.currentTarget.value); setOpen(true); }}
      onFocus=${() => { if (items) setOpen(true); }}
      onKeyDown=${onKeyDown} />
    ${busy ? html`<span class="search-busy" aria-hidden="true"></span>` : null}
    ${showList ? html`<div class="search-drop" data-testid="search-results">
      ${items.length === 0 ? html`<div class="search-empty">${busy ? t('search.searching') : t('search.none')}</div>` : html`
      <ul id="search-list" role="listbox" aria-label=${t('search.label')}>
        ${items.map((it, i) => html`<li id=${'search-opt-' + i} role="option" aria-selected=${i === active}
            class=${'search-item' + (i === active ? ' active' : '')} data-testid="search-result" data-kind=${it.kind} data-id=${it.id}
            onMouseEnter=${() => setActive(i)} onMouseDown=${(e) => { e.preventDefault(); openItem(it); }}>
          <span class=${'kind-badge kind-' + it.kind} title=${t('kind.' + it.kind)}>${it.kind === 'company' ? '▦' : '☺'}</span>
          <span class="search-text">
            <span class="search-title">${it.title}</span>
            <span class="search-sub"><span class="search-kind">${t('kind.' + it.kind)}</span>${it.subtitle ? ' · ' + it.subtitle : ''}</span>
          </span>
        </li>`)}
      </ul>
      <div class="search-hint">${t('search.hint')}</div>`}
    </div>` : null}
  </div>`;
}
