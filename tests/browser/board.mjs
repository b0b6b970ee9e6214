// Browser test of the deals board: drag a card with the mouse in one browser, see it move live in another.
// Env (KOROBKA_URL, KOROBKA_LOGIN, KOROBKA_PASSWORD, SCREENSHOT_DIR, ...): see harness.mjs.
// It creates its own pipeline and deal (random suffix) through the API and removes them at the end,
// so it can run against a populated office (`korobka demo`), also with required custom fields on deals.
import {
  BASE, LOGIN, PASSWORD, LIVE_TIMEOUT, finish, launch, shot, step, apiCall, requiredDealFields, remove,
  newPage, watch, openLogin, submitLogin, assertNoProblems, reportFailure,
} from './harness.mjs';

async function signIn(browser) {
  const { context, page } = await newPage(browser);
  await openLogin(page);
  const refused = await submitLogin(page, LOGIN, PASSWORD, 'nav-deals');
  if (refused !== null) throw new Error(`sign-in refused: "${refused}" (check KOROBKA_LOGIN / KOROBKA_PASSWORD)`);
  return { context, page };
}

const browser = await launch('board');
const problems = [];
let ok = false;
let setupPage = null;
const created = { deal: null, pipeline: null };
try {
  const stamp = Math.random().toString(36).slice(2, 8);

  step('sign in twice (two browsers)');
  const one = await signIn(browser);
  const two = await signIn(browser);
  watch(one.page, problems, 'page 1');
  watch(two.page, problems, 'page 2');
  setupPage = one.page;

  step('create a pipeline and a deal through the API');
  const me = (await apiCall(one.page, 'GET', '/me')).user.id;
  const cur = await apiCall(one.page, 'GET', '/currencies');
  const pipeline = await apiCall(one.page, 'POST', '/pipelines', { name: `Board test ${stamp}` });
  created.pipeline = pipeline.id;
  const open = (pipeline.stages || []).filter((s) => s.kind === 'open').sort((a, b) => a.sort - b.sort);
  if (open.length < 2) throw new Error(`a new pipeline should have at least 2 open stages, got ${JSON.stringify(pipeline.stages)}`);
  const [from, to] = open;
  const custom = await requiredDealFields(one.page, pipeline.id, { name: 'board', base: cur.base, me, stamp });
  const usd = (cur.items || []).find((c) => c.code === 'USD' && c.active);
  const deal = await apiCall(one.page, 'POST', '/deals', {
    title: `Board drag ${stamp}`, pipeline_id: pipeline.id, stage_id: from.id, amount: '1500.00',
    currency: usd ? 'USD' : cur.base, responsible_id: me, custom,
  });
  created.deal = deal.id;
  if (deal.stage_id !== from.id) throw new Error(`new deal is in stage ${deal.stage_id}, expected ${from.id}`);

  step('open the board of the pipeline in both browsers');
  for (const p of [one.page, two.page]) {
    await p.goto(`${BASE}/deals?pipeline_id=${pipeline.id}`);
    await p.getByTestId('board-column-' + from.id).getByTestId('deal-card-' + deal.id).waitFor();
  }
  await two.page.evaluate(() => { window.__boardTestMarker = 'not reloaded'; });
  await shot(one.page, 'board-01-before');

  step('drag the card to the next stage with the mouse in browser 1');
  const card = one.page.getByTestId('deal-card-' + deal.id);
  await card.scrollIntoViewIfNeeded();
  const cb = await card.boundingBox();
  const target = one.page.getByTestId('board-column-' + to.id);
  await target.scrollIntoViewIfNeeded();
  const tb = await target.boundingBox();
  // grab the card body (not the title link or the menu button)
  const sx = cb.x + cb.width / 2; const sy = cb.y + cb.height - 10;
  await one.page.mouse.move(sx, sy);
  await one.page.mouse.down();
  await one.page.mouse.move(sx + 12, sy + 8, { steps: 4 });
  await one.page.mouse.move(tb.x + tb.width / 2, tb.y + Math.min(tb.height / 2, 80), { steps: 12 });
  await target.and(one.page.locator('.drop-over')).waitFor({ timeout: 3000 })
    .catch(() => { throw new Error('the target column is not highlighted while dragging over it'); });
  await shot(one.page, 'board-02-dragging');
  await one.page.mouse.up();
  await target.getByTestId('deal-card-' + deal.id).waitFor({ timeout: 5000 })
    .catch(() => { throw new Error('browser 1 does not show the card in the new column after the drop'); });
  // it must stay there once the server answered (no revert)
  await one.page.waitForTimeout(800);
  if (!(await target.getByTestId('deal-card-' + deal.id).isVisible())) throw new Error('the move was reverted in browser 1');
  if (problems.some((p) => /page error/.test(p))) throw new Error('script errors: ' + problems.join('; '));

  step('browser 2 shows the card in the new column without a reload (live update)');
  try {
    await two.page.getByTestId('board-column-' + to.id).getByTestId('deal-card-' + deal.id).waitFor({ timeout: LIVE_TIMEOUT });
  } catch {
    throw new Error(`browser 2 did not show the deal in "${to.name}" within ${LIVE_TIMEOUT / 1000} s (no live update via /api/v1/events?)`);
  }
  if (await two.page.getByTestId('board-column-' + from.id).getByTestId('deal-card-' + deal.id).count()) throw new Error('browser 2 still shows the card in the old column too');
  const marker = await two.page.evaluate(() => window.__boardTestMarker);
  if (marker !== 'not reloaded') throw new Error('browser 2 reloaded the page instead of updating live');
  await shot(two.page, 'board-03-live-in-browser-2');

  step('the server has the new stage');
  const after = await apiCall(one.page, 'GET', '/deals/' + deal.id);
  if (after.stage_id !== to.id) throw new Error(`GET /deals/${deal.id} reports stage_id ${after.stage_id}, expected ${to.id}`);

  step('phone width: the board scrolls sideways, the card has its move menu');
  await two.page.setViewportSize({ width: 390, height: 844 });
  await two.page.getByTestId('card-menu-' + deal.id).click();
  await two.page.getByTestId('move-menu').waitFor();
  await shot(two.page, 'board-04-phone-menu');
  await two.page.keyboard.press('Escape');

  assertNoProblems(problems);
  ok = true;
} catch (e) {
  reportFailure(e, problems);
} finally {
  // leave the office as it was (best effort)
  if (setupPage) {
    if (created.deal) await remove(setupPage, '/deals/' + created.deal);
    if (created.pipeline) await remove(setupPage, '/pipelines/' + created.pipeline);
  }
  await browser.close().catch(() => {});
}
finish(ok);
