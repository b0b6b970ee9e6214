// Browser test of the work area: from a deal's timeline create a task with a 2-item checklist and a deadline in
// the past, see it under Overdue in My activities with the nav counter, tick the checklist, complete the task and
// see the counter drop back without a reload.
// Env: KOROBKA_URL (server already set up), KOROBKA_LOGIN, KOROBKA_PASSWORD,
//      SCREENSHOT_DIR (optional), KOROBKA_REQUIRE_BROWSER=1 (fail instead of skip without Chromium),
//      CHROMIUM (optional path, default /usr/bin/chromium).
// It creates its own company, deal and task (random suffix) and removes them at the end, so it can run against a
// populated office (`korobka serve --demo`): the counters are compared with what they were before the test.
import fs from 'node:fs';
import path from 'node:path';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const BASE = (process.env.KOROBKA_URL || '').replace(/\/+$/, '');
const LOGIN = process.env.KOROBKA_LOGIN;
const PASSWORD = process.env.KOROBKA_PASSWORD;
const SHOTS = process.env.SCREENSHOT_DIR || '';
const REQUIRE = process.env.KOROBKA_REQUIRE_BROWSER === '1';
const TIMEOUT = 30000;

function finish(ok, msg) {
  if (msg) console.log(msg);
  console.log(ok ? '1 passed, 0 failed' : '0 passed, 1 failed');
  process.exit(ok ? 0 : 1);
}

if (!fs.existsSync(CHROMIUM)) {
  if (REQUIRE) finish(false, `FAIL: Chromium not found at ${CHROMIUM} (KOROBKA_REQUIRE_BROWSER=1). Install it: apt-get install -y chromium`);
  console.log(`SKIP: Chromium not found at ${CHROMIUM}; browser tasks test skipped (set KOROBKA_REQUIRE_BROWSER=1 to make this a failure).`);
  console.log('0 passed, 0 failed, 1 skipped');
  process.exit(0);
}
if (!BASE || !LOGIN || !PASSWORD) finish(false, 'FAIL: set KOROBKA_URL, KOROBKA_LOGIN and KOROBKA_PASSWORD');

let chromium;
try { ({ chromium } = await import('playwright-core')); }
catch (e) { finish(false, `FAIL: playwright-core is not installed: run "npm ci" (or "npm install") in tests/browser (${e.message})`); }

if (SHOTS) fs.mkdirSync(SHOTS, { recursive: true });
async function shot(page, name) {
  if (!SHOTS) return;
  await page.waitForTimeout(200);
  await page.screenshot({ path: path.join(SHOTS, name + '.png'), fullPage: false });
  console.log(`  screenshot ${name}.png`);
}
let stepName = '';
function step(name) { stepName = name; console.log(`- ${name}`); }

async function apiCall(page, method, url, body) {
  const r = await page.evaluate(async ({ method, url, body }) => {
    const me = await fetch('/api/v1/me', { credentials: 'same-origin' }).then((x) => x.json());
    const res = await fetch('/api/v1' + url, {
      method, credentials: 'same-origin',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let data = null; try { data = text ? JSON.parse(text) : null; } catch { data = text; }
    return { status: res.status, data };
  }, { method, url, body });
  if (r.status >= 400) throw new Error(`${method} ${url} → ${r.status} ${JSON.stringify(r.data).slice(0, 400)}`);
  return r.data;
}

// A value for a required custom field, so the test deal can be created in any office.
async function requiredValue(page, def, ctx) {
  const opts = (def.options || []).filter((o) => !o.archived);
  switch (def.kind) {
    case 'boolean': return false;
    case 'select': return opts[0] && opts[0].id;
    case 'multiselect': return opts[0] ? [opts[0].id] : [];
    case 'integer': return 1;
    case 'decimal': return '1';
    case 'money': return { amount: '1.00', currency: ctx.base };
    case 'date': return new Date().toISOString().slice(0, 10);
    case 'datetime': return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    case 'user': return ctx.me;
    case 'url': return 'https://example.com';
    case 'email': return 'tasks-test@example.com';
    case 'phone': return '+380441234567';
    case 'company': return ctx.company;
    case 'contact': return (await apiCall(page, 'POST', '/contacts', { first_name: 'Tasks', last_name: `Test ${ctx.stamp}` })).id;
    default: return 'tasks test';
  }
}

// "YYYY-MM-DDTHH:MM" for a datetime-local input, `hours` from now, in the browser's zone view of the user's zone:
// the form converts it in the user's time zone; a day in the past is in the past in any zone.
function localInput(hours) {
  const d = new Date(Date.now() + hours * 3600000);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

async function badge(page, testid) {
  const l = page.getByTestId(testid);
  if (!(await l.count())) return 0;
  return Number((await l.first().textContent()).replace(/\D/g, '')) || 0;
}
async function waitBadge(page, testid, want, what) {
  const until = Date.now() + 10000;
  let got = -1;
  while (Date.now() < until) {
    got = await badge(page, testid);
    if (got === want) return;
    await page.waitForTimeout(200);
  }
  throw new Error(`${what}: the "${testid}" badge shows ${got}, expected ${want}`);
}

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const problems = [];
let ok = false;
let page = null;
const created = { task: null, deal: null, company: null };
try {
  const stamp = Math.random().toString(36).slice(2, 8);

  step('sign in');
  const context = await browser.newContext({ viewport: { width: 1366, height: 850 }, locale: 'en-US' });
  page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) problems.push(`console error: ${m.text()}`); });
  await page.goto(BASE + '/login');
  await page.getByTestId('input-login').waitFor();
  await page.getByTestId('login-lang-en').click();
  await page.getByTestId('input-login').fill(LOGIN);
  await page.getByTestId('input-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('nav-my').or(page.getByTestId('form-error')).first().waitFor();
  if (await page.getByTestId('form-error').isVisible()) throw new Error('sign-in refused (check KOROBKA_LOGIN / KOROBKA_PASSWORD)');

  step('create a company and a deal through the API');
  const me = (await apiCall(page, 'GET', '/me')).user.id;
  const before = await apiCall(page, 'GET', '/my/counters');
  const company = await apiCall(page, 'POST', '/companies', { name: `Tasks test company ${stamp}` });
  created.company = company.id;
  const cur = await apiCall(page, 'GET', '/currencies');
  const pipelines = ((await apiCall(page, 'GET', '/pipelines')).items || []).filter((p) => !p.archived);
  if (!pipelines.length) throw new Error('no pipeline to create a deal in');
  const pipeline = pipelines[0];
  const defs = (await apiCall(page, 'GET', '/custom-fields?entity=deal')).items || [];
  const custom = {};
  for (const d of defs) {
    if (d.archived || !d.required) continue;
    if (d.pipeline_ids && d.pipeline_ids.length && !d.pipeline_ids.includes(pipeline.id)) continue;
    custom[String(d.id)] = await requiredValue(page, d, { base: cur.base, me, stamp, company: company.id });
  }
  const deal = await apiCall(page, 'POST', '/deals', {
    title: `Tasks test deal ${stamp}`, pipeline_id: pipeline.id, amount: '100.00', currency: cur.base,
    company_id: company.id, responsible_id: me, custom,
  });
  created.deal = deal.id;

  step('open the deal page: the timeline is there');
  await page.goto(`${BASE}/deals/${deal.id}`);
  await page.getByTestId('timeline').waitFor();
  await page.evaluate(() => { window.__tasksTestMarker = 'not reloaded'; });

  step('create a task with a 2-item checklist and a deadline in the past from the deal page');
  await page.getByTestId('composer-task').click();
  const title = `Call back about the banner ${stamp}`;
  await page.getByTestId('input-task-title').fill(title);
  await page.getByTestId('input-checklist-0').fill('Prepare the price list');
  await page.getByTestId('input-checklist-1').fill('Send the offer');
  await page.getByTestId('input-task-deadline').fill(localInput(-26));
  await shot(page, 'tasks-01-deal-task-form');
  await page.getByTestId('task-save').click();
  const tlTask = page.getByTestId('timeline-stream').locator('[data-testid^="tl-task-"]', { hasText: title });
  await tlTask.waitFor({ timeout: 10000 }).catch(async () => {
    const err = await page.getByTestId('form-error').textContent().catch(() => '');
    throw new Error(`the new task does not show in the deal's timeline${err ? ` (form says: ${err.trim()})` : ''}`);
  });
  const taskId = Number((await tlTask.getAttribute('data-testid')).replace('tl-task-', ''));
  created.task = taskId;
  const task = await apiCall(page, 'GET', '/tasks/' + taskId);
  if (!task.link || task.link.kind !== 'deal' || task.link.id !== deal.id) throw new Error(`the task is not linked to the deal: ${JSON.stringify(task.link)}`);
  if ((task.checklist || []).length !== 2) throw new Error(`the task has ${(task.checklist || []).length} checklist items, expected 2`);
  if (!task.overdue) throw new Error(`the task is not overdue (deadline ${task.deadline})`);
  await shot(page, 'tasks-02-deal-timeline');

  step('My activities shows it under Overdue; the nav counter shows one more overdue');
  await page.getByTestId('nav-my').click();
  await page.getByTestId('agenda-overdue').getByTestId('agenda-task-' + taskId).waitFor();
  await waitBadge(page, 'count-my-overdue', before.total.overdue + 1, 'My activities');
  await waitBadge(page, 'count-tasks-overdue', before.tasks.overdue + 1, 'Tasks');
  await shot(page, 'tasks-03-my-activities');

  step('open the task, tick both checklist items');
  await page.getByTestId('agenda-task-' + taskId).getByRole('link', { name: title }).click();
  await page.getByTestId('task-page').waitFor();
  for (const i of [0, 1]) {
    await page.getByTestId('checklist-tick-' + i).check();
    await page.waitForFunction((i) => { const el = document.querySelector(`[data-testid="checklist-item-${i}"]`); return el && el.classList.contains('done'); }, i);
  }
  const ticked = await apiCall(page, 'GET', '/tasks/' + taskId);
  if (!ticked.checklist.every((x) => x.done)) throw new Error(`the server has the checklist ${JSON.stringify(ticked.checklist)}`);

  step('complete the task: the counter drops back without a reload');
  await page.getByTestId('task-complete').click();
  await page.locator('.task-bar [data-testid="task-status"][data-status="completed"]').waitFor();
  await waitBadge(page, 'count-my-overdue', before.total.overdue, 'My activities after completing');
  await waitBadge(page, 'count-tasks-overdue', before.tasks.overdue, 'Tasks after completing');
  if ((await page.evaluate(() => window.__tasksTestMarker)) !== 'not reloaded') throw new Error('the page was reloaded');
  const done = await apiCall(page, 'GET', '/tasks/' + taskId);
  if (done.status !== 'completed') throw new Error(`the server has status ${done.status}`);
  await shot(page, 'tasks-04-task-completed');

  step('phone width: My activities and the task page');
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, 'tasks-05-phone-task');
  await page.getByTestId('menu-toggle').click();
  await page.getByTestId('nav-my').click();
  await page.getByTestId('my-page').waitFor();
  await shot(page, 'tasks-06-phone-my');

  const real = problems.filter((p) => !/favicon/.test(p));
  if (real.length) throw new Error('browser reported errors:\n  ' + real.join('\n  '));
  ok = true;
} catch (e) {
  console.log(`FAIL at step "${stepName}": ${e.message.split('\n').slice(0, 6).join('\n')}`);
  if (problems.length) console.log('browser messages:\n  ' + problems.slice(0, 10).join('\n  '));
} finally {
  if (page) {
    if (created.task) await apiCall(page, 'DELETE', '/tasks/' + created.task).catch((e) => console.log('  cleanup: ' + e.message));
    if (created.deal) await apiCall(page, 'DELETE', '/deals/' + created.deal).catch((e) => console.log('  cleanup: ' + e.message));
    if (created.company) await apiCall(page, 'DELETE', '/companies/' + created.company).catch((e) => console.log('  cleanup: ' + e.message));
  }
  await browser.close().catch(() => {});
}
finish(ok);
