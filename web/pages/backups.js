// Settings → Backups (admins): take a backup, list them, download, delete; the daily schedule
// and the last scheduled result. Restoring is done on the server (`korobka restore`).
import { html, useState, useEffect } from '../lib.js';
import { api } from '../api.js';
import { t, fmtDateTime } from '../i18n.js';
import { toast } from '../store.js';
import { ErrorBox, Spinner, errorText, useConfirm } from '../components.js';

function fmtSize(n) {
  if (n < 1024) return n + ' B';
  if (n < 1024 * 1024) return (n / 1024).toFixed(1) + ' KiB';
  if (n < 1024 * 1024 * 1024) return (n / 1024 / 1024).toFixed(1) + ' MiB';
  return (n / 1024 / 1024 / 1024).toFixed(2) + ' GiB';
}

export function Backups() {
  const [data, setData] = useState(null);
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  const [ask, dialog] = useConfirm();
  const reload = () => api.get('/backups').then(setData).catch(setErr);
  useEffect(() => { reload(); }, []);
  const create = async () => {
    setBusy(true); setErr(null);
    try { const b = await api.post('/backups', {}); toast(t('backups.done', { name: b.name })); reload(); }
    catch (er) { setErr(er); }
    setBusy(false);
  };
  const remove = async (b) => {
    if (!(await ask(t('backups.delete_q', { name: b.name }), t('common.delete')))) return;
    try { await api.del('/backups/' + encodeURIComponent(b.name)); toast(t('common.deleted')); reload(); }
    catch (er) { toast(errorText(er), 'error'); }
  };
  if (!data && !err) return html`<${Spinner} />`;
  const s = data && data.schedule;
  const last = data && data.last_scheduled;
  return html`<div data-testid="backups">
    <p class="muted">${t('backups.intro')}</p>
    <div class="toolbar">
      <button class="btn btn-primary" type="button" onClick=${create} disabled=${busy} data-testid="backup-now">
        ${busy ? t('backups.running') : t('backups.create')}</button>
    </div>
    ${err ? html`<${ErrorBox} error=${err} />` : null}
    ${s ? html`<div class="panel" data-testid="backup-schedule">
      <div>${s.at ? t('backups.schedule', { at: s.at, keep: s.keep }) : t('backups.schedule_off')}
        ${s.next_run ? html` · ${t('backups.next')}: ${fmtDateTime(s.next_run)}` : null}</div>
      <div>${t('backups.last')}: ${!last ? t('backups.last_none')
        : last.ok ? html`<span class="ok">✓ ${fmtDateTime(last.at)} · ${last.file} · ${fmtSize(last.size)}</span>`
        : html`<span class="alert-error" data-testid="backup-last-failed">✗ ${fmtDateTime(last.at)}: ${last.error}</span>`}</div>
    </div>` : null}
    ${data && (data.items.length === 0 ? html`<p class="muted">${t('backups.empty')}</p>` : html`<div class="table-wrap"><table class="table" data-testid="backups-table">
      <thead><tr><th>${t('backups.file')}</th><th>${t('backups.kind')}</th><th>${t('f.created_at')}</th><th>${t('backups.size')}</th><th>${t('backups.verified')}</th><th></th></tr></thead>
      <tbody>${data.items.map((b) => html`<tr key=${b.name}>
        <td data-label=${t('backups.file')} class="mono">${b.name}</td>
        <td data-label=${t('backups.kind')}>${t('backups.kind_' + b.kind.replace('-', '_'))}</td>
        <td data-label=${t('f.created_at')} class="nowrap">${fmtDateTime(b.modified_at)}</td>
        <td data-label=${t('backups.size')} class="nowrap">${fmtSize(b.size)}</td>
        <td data-label=${t('backups.verified')}>${b.verified ? '✓' : '—'}</td>
        <td class="nowrap"><a class="btn btn-small" href=${'/api/v1/backups/' + encodeURIComponent(b.name) + '/download'} download=${b.name}>${t('backups.download')}</a>
          ${' '}<button class="btn btn-small btn-danger-outline" type="button" onClick=${() => remove(b)}>${t('common.delete')}</button></td></tr>`)}</tbody></table></div>`)}
    <p class="muted">${t('backups.restore_hint')}</p>
    ${dialog}
  </div>`;
}
