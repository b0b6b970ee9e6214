// What the browser tests (smoke.mjs, board.mjs, tasks.mjs, feed.mjs) share: the environment, the
// skip-or-fail without Chromium, starting the browser, steps, screenshots, the JSON API from a signed-in page.
// Env: KOROBKA_URL (server already set up), KOROBKA_LOGIN, KOROBKA_PASSWORD,
//      SCREENSHOT_DIR (optional), KOROBKA_REQUIRE_BROWSER=1 (fail instead of skip without Chromium),
//      CHROMIUM (optional path, default /usr/bin/chromium).
import fs from 'node:fs';
import path from 'node:path';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const BASE = (process.env.KOROBKA_URL || '').replace(/\/+$/, '');
export const LOGIN = process.env.KOROBKA_LOGIN;
export const PASSWORD = process.env.KOROBKA_PASSWORD;
export const SHOTS = process.env.SCREENSHOT_DIR || '';
export const REQUIRE = process.env.KOROBKA_REQUIRE_BROWSER === '1';
export const TIMEOUT = 30000; // generous: CI machines are shared and a debug build serves the pages
export const LIVE_TIMEOUT = 10000; // how long a change may take to reach another browser over SSE

// Each test file is one test: its last line is the summary .ci/browser.sh and people read.
export function finish(ok, msg) {
  if (msg) console.log(msg); // stdout, so the summary line below is reliably the last line
  console.log(ok ? '1 passed, 0 failed' : '0 passed, 1 failed');
  process.exit(ok ? 0 : 1);
}

// Exit code of a skipped test (the automake convention); .ci/browser.sh counts it as skipped, not passed.
export const SKIPPED = 77;

// Skips (exit 77) or, with KOROBKA_REQUIRE_BROWSER=1, fails without Chromium; fails without the server settings
// or playwright-core; otherwise starts headless Chromium. `name` goes into the skip line ("browser NAME test
// skipped"); `skipHint: false` leaves out the KOROBKA_REQUIRE_BROWSER hint there.
export async function launch(name, { skipHint = true } = {}) {
  if (!fs.existsSync(CHROMIUM)) {
    if (REQUIRE) finish(false, `FAIL: Chromium not found at ${CHROMIUM} (KOROBKA_REQUIRE_BROWSER=1). Install it: apt-get install -y chromium`);
    const hint = skipHint ? ' (set KOROBKA_REQUIRE_BROWSER=1 to make this a failure)' : '';
    console.log(`skipped: no Chromium at ${CHROMIUM}; browser ${name} test not run${hint}.`);
    console.log('0 passed, 0 failed, 1 skipped');
    process.exit(SKIPPED);
  }
  if (!BASE || !LOGIN || !PASSWORD) finish(false, 'FAIL: set KOROBKA_URL, KOROBKA_LOGIN and KOROBKA_PASSWORD');

  let chromium;
  try { ({ chromium } = await import('playwright-core')); }
  catch (e) { finish(false, `FAIL: playwright-core is not installed: run "npm ci" (or "npm install") in tests/browser (${e.message})`); }

  if (SHOTS) fs.mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export async function shot(page, name) {
  if (!SHOTS) return;
  await page.waitForTimeout(200); // let fonts/layout settle
  await page.screenshot({ path: path.join(SHOTS, name + '.png'), fullPage: false });
  console.log(`  screenshot ${name}.png`);
}

// The current step, for the "FAIL at step ..." line (a live binding: importers see every change).
export let stepName = '';
export function step(name) { stepName = name; console.log(`- ${name}`); }

// JSON API call from inside a signed-in page: session cookie + X-CSRF-Token from GET /me.
export async function apiCall(page, method, url, body) {
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

// Best-effort DELETE of what a test created, for its `finally`: a failure is printed, not thrown.
export async function remove(page, url) {
  await apiCall(page, 'DELETE', url).catch((e) => console.log('  cleanup: ' + e.message));
}

// Values for the required custom fields of a deal in `pipelineId`, so the test deal can be created in any office.
// ctx: { name ('board', 'tasks': marks the made-up values), base (currency code), me (user id), stamp,
//        company (optional id; without it a company is created for a company field) }.
export async function requiredDealFields(page, pipelineId, ctx) {
  const defs = (await apiCall(page, 'GET', '/custom-fields?entity=deal')).items || [];
  const custom = {};
  for (const d of defs) {
    if (d.archived || !d.required) continue;
    if (d.pipeline_ids && d.pipeline_ids.length && !d.pipeline_ids.includes(pipelineId)) continue;
    custom[String(d.id)] = await requiredValue(page, d, ctx);
  }
  return custom;
}

async function requiredValue(page, def, ctx) {
  const Name = ctx.name[0].toUpperCase() + ctx.name.slice(1);
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
    case 'email': return `${ctx.name}-test@example.com`;
    case 'phone': return '+380441234567';
    case 'company': return ctx.company ?? (await apiCall(page, 'POST', '/companies', { name: `${Name} test company ${ctx.stamp}` })).id;
    case 'contact': return (await apiCall(page, 'POST', '/contacts', { first_name: Name, last_name: `Test ${ctx.stamp}` })).id;
    default: return `${ctx.name} test`;
  }
}

// A new browser context (English, desktop size unless `viewport` says otherwise) with one page.
export async function newPage(browser, viewport = { width: 1366, height: 850 }) {
  const context = await browser.newContext({ viewport, locale: 'en-US' });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  return { context, page };
}

// Collects the page's script errors and console errors into `problems`, each prefixed with `who` if given.
// HTTP error statuses (e.g. the expected 401 of GET /me before sign-in) are not script errors.
export function watch(page, problems, who = '') {
  const by = who ? who + ' ' : '';
  page.on('pageerror', (e) => problems.push(`${by}page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) problems.push(`${by}console error: ${m.text()}`); });
}

// The login page, switched to English: stable words regardless of the browser's language.
export async function openLogin(page) {
  await page.goto(BASE + '/login');
  await page.getByTestId('input-login').waitFor();
  await page.getByTestId('login-lang-en').click();
}

// Fills in and submits the open login form and waits for the test id `ready` or the form's error.
// Returns null when signed in, else the error the form shows (each test words its own failure).
export async function submitLogin(page, login, password, ready) {
  await page.getByTestId('input-login').fill(login);
  await page.getByTestId('input-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId(ready).or(page.getByTestId('form-error')).first().waitFor();
  if (!(await page.getByTestId('form-error').isVisible())) return null;
  return (await page.getByTestId('form-error').textContent()).trim();
}

// Ends a test's main block: what the pages reported (but a missing favicon) fails the test.
export function assertNoProblems(problems) {
  const real = problems.filter((p) => !/favicon/.test(p));
  if (real.length) throw new Error('browser reported errors:\n  ' + real.join('\n  '));
}

// The "FAIL at step ..." report of a failed test, with the first browser messages.
export function reportFailure(e, problems) {
  console.log(`FAIL at step "${stepName}": ${e.message.split('\n').slice(0, 6).join('\n')}`);
  if (problems.length) console.log('browser messages:\n  ' + problems.slice(0, 10).join('\n  '));
}
