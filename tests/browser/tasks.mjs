// Browser test of the work area: from a deal's timeline create a task with a 2-item checklist and a deadline in
// the past, see it under Overdue in My activities with the nav counter, tick the checklist, complete the task and
// see the counter drop back without a reload.
// Env (KOROBKA_URL, KOROBKA_LOGIN, KOROBKA_PASSWORD, SCREENSHOT_DIR, ...): see harness.mjs.
// It creates its own company, deal and task (random suffix) and removes them at the end, so it can run against a
// populated office (`korobka serve --demo`): the counters are compared with what they were before the test.
import {
  BASE, LOGIN, PASSWORD, finish, launch, shot, step, apiCall, requiredDealFields, remove,
  newPage, watch, openLogin, submitLogin, assertNoProblems, reportFailure,
} from './harness.mjs';

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
  // The badge may vanish between count() and textContent() when its count drops to 0: that
  // is 0, not a 30 s wait for an element that is gone.
  const text = await l.first().textContent({ timeout: 500 }).catch(() => '');
  return Number(text.replace(/\D/g, '')) || 0;
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

const browser = await launch('tasks');
const problems = [];
let ok = false;
let page = null;
const created = { task: null, deal: null, company: null };
try {
  const stamp = Math.random().toString(36).slice(2, 8);

  step('sign in');
  ({ page } = await newPage(browser));
  watch(page, problems);
  await openLogin(page);
  if ((await submitLogin(page, LOGIN, PASSWORD, 'nav-my')) !== null) throw new Error('sign-in refused (check KOROBKA_LOGIN / KOROBKA_PASSWORD)');

  step('create a company and a deal through the API');
  const me = (await apiCall(page, 'GET', '/me')).user.id;
  const before = await apiCall(page, 'GET', '/my/counters');
  const company = await apiCall(page, 'POST', '/companies', { name: `Tasks test company ${stamp}` });
  created.company = company.id;
  const cur = await apiCall(page, 'GET', '/currencies');
  const pipelines = ((await apiCall(page, 'GET', '/pipelines')).items || []).filter((p) => !p.archived);
  if (!pipelines.length) throw new Error('no pipeline to create a deal in');
  const pipeline = pipelines[0];
  const custom = await requiredDealFields(page, pipeline.id, { name: 'tasks', base: cur.base, me, stamp, company: company.id });
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

  assertNoProblems(problems);
  ok = true;
} catch (e) {
  reportFailure(e, problems);
} finally {
  if (page) {
    if (created.task) await remove(page, '/tasks/' + created.task);
    if (created.deal) await remove(page, '/deals/' + created.deal);
    if (created.company) await remove(page, '/companies/' + created.company);
  }
  await browser.close().catch(() => {});
}
finish(ok);
