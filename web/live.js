// Live updates: one EventSource on /api/v1/events shared by the whole page.
// subscribe(fn) → unsubscribe. fn receives {event:'deal', data:{type, deal_id, pipeline_id, stage_id, from_stage_id, by}},
// {event:'work', data:{what:'counters'|'feed'|'notification', user_ids:[..]}} (empty user_ids = everyone),
// or {event:'reconnected'} after the stream came back (events may have been missed: reload what you show).
// The stream is opened by the first subscriber and closed when the last one leaves (e.g. on sign-out, when the
// pages using it unmount); closeLive() closes it at once.
const subs = new Set();
let es = null;
let retryTimer = null;
let wasOpen = false;
let lostSince = 0;

function emit(msg) {
  for (const fn of [...subs]) { try { fn(msg); } catch (e) { console.warn('live subscriber failed', e); } }
}

function open() {
  if (es || typeof EventSource === 'undefined') return;
  es = new EventSource('/api/v1/events', { withCredentials: true });
  es.addEventListener('open', () => {
    if (wasOpen && lostSince) emit({ event: 'reconnected' });
    wasOpen = true; lostSince = 0;
  });
  es.addEventListener('deal', (e) => {
    let data = null;
    try { data = JSON.parse(e.data); } catch { return; }
    emit({ event: 'deal', data });
  });
  es.addEventListener('work', (e) => {
    let data = null;
    try { data = JSON.parse(e.data); } catch { return; }
    emit({ event: 'work', data });
  });
  es.addEventListener('error', () => {
    if (!lostSince) lostSince = Date.now();
    // The browser retries by itself while readyState is CONNECTING; a refused stream (401, 404, wrong type) is
    // CLOSED for good: try again later ourselves while somebody still listens.
    if (es && es.readyState === 2) {
      es = null;
      clearTimeout(retryTimer);
      retryTimer = setTimeout(() => { retryTimer = null; if (subs.size) open(); }, 10000);
    }
  });
}

export function closeLive() {
  clearTimeout(retryTimer); retryTimer = null;
  if (es) { es.close(); es = null; }
  wasOpen = false; lostSince = 0;
}

export function subscribe(fn) {
  subs.add(fn);
  open();
  return () => {
    subs.delete(fn);
    if (!subs.size) closeLive();
  };
}

// True while the stream is connected (for a small "live" indicator).
export function isLive() { return !!es && es.readyState === 1; }
