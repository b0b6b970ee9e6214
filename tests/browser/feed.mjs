// Browser test of the feed and the calendar: a post with a mention appears live in a second browser, gets a
// comment; an event is created from the calendar's week view, opened by /calendar?event=ID, answered by an
// attendee (who sees Accept/Decline), and the iCal link is shown as a full URL. Also opens Settings → Mail.
// Env (KOROBKA_URL, KOROBKA_LOGIN, KOROBKA_PASSWORD (an admin), SCREENSHOT_DIR, ...): see harness.mjs.
// It creates its own colleague (random login) and records, and deletes the post and the event at the end.
import {
  BASE, LOGIN, PASSWORD, LIVE_TIMEOUT, finish, launch, shot, step, stepName, apiCall, newPage, watch, openLogin, submitLogin,
} from './harness.mjs';

async function signIn(browser, login, password, viewport = { width: 1366, height: 850 }) {
  const { context, page } = await newPage(browser, viewport);
  await openLogin(page);
  if ((await submitLogin(page, login, password, 'nav-deals')) !== null) throw new Error(`sign-in of ${login} refused`);
  return { context, page };
}

const browser = await launch('feed', { skipHint: false });
const problems = [];
let ok = false;
let admin = null;
const created = { post: null, event: null };
try {
  const stamp = Math.random().toString(36).slice(2, 8);

  step('sign in as the admin; create a colleague and sign them in (a second browser)');
  admin = await signIn(browser, LOGIN, PASSWORD);
  const colleagueLogin = 'feed' + stamp;
  const colleaguePassword = 'feed-test-' + stamp;
  const colleague = await apiCall(admin.page, 'POST', '/users', {
    login: colleagueLogin, name: `Feed Tester ${stamp}`, email: `${colleagueLogin}@example.com`, password: colleaguePassword,
    role: 'user', department_id: null, position: '', language: 'en', time_zone: 'Europe/Kyiv',
  });
  const other = await signIn(browser, colleagueLogin, colleaguePassword);
  watch(admin.page, problems, 'admin');
  watch(other.page, problems, 'colleague');

  step('both open the feed');
  for (const p of [admin.page, other.page]) {
    await p.goto(BASE + '/feed');
    await p.getByTestId('feed-composer').waitFor();
    await p.getByTestId('feed-list').or(p.getByTestId('feed-empty')).first().waitFor();
  }
  await other.page.evaluate(() => { window.__feedMarker = 'not reloaded'; });

  step('the admin writes a post mentioning the colleague (picked from the @ list)');
  await admin.page.getByTestId('input-post_body').fill(`Feed test ${stamp}, `);
  await admin.page.getByTestId('input-post_body').press('End');
  await admin.page.getByTestId('input-post_body').pressSequentially('@' + colleagueLogin.slice(0, 6));
  await admin.page.getByTestId('mention-option').first().waitFor();
  await admin.page.keyboard.press('Enter');
  await admin.page.getByTestId('input-post_body').pressSequentially('please look');
  await admin.page.getByTestId('post-publish').click();
  const mine = admin.page.getByTestId('feed-item').filter({ hasText: `Feed test ${stamp}` }).first();
  await mine.waitFor();
  if (!(await mine.textContent()).includes(`Feed test ${stamp}, @${colleagueLogin} please look`)) throw new Error(`the mention was not inserted as @login: "${await mine.textContent()}"`);
  await shot(admin.page, 'feed-01-posted');

  step('the colleague sees the post live, on top, without a reload');
  const theirs = other.page.getByTestId('feed-item').filter({ hasText: `Feed test ${stamp}` }).first();
  await theirs.waitFor({ timeout: LIVE_TIMEOUT }).catch(() => { throw new Error(`the post did not reach browser 2 within ${LIVE_TIMEOUT / 1000} s (SSE work event what=feed?)`); });
  if (await other.page.evaluate(() => window.__feedMarker) !== 'not reloaded') throw new Error('browser 2 reloaded the page');
  const feed = await apiCall(admin.page, 'GET', '/feed?type=post&limit=5');
  const item = (feed.items || []).find((x) => (x.text || '').includes(`Feed test ${stamp}`));
  if (!item) throw new Error('GET /feed?type=post does not list the post');
  created.post = item.id;

  step('the colleague comments on the post; the admin opens the thread and sees it');
  await theirs.getByTestId('post-comments').click();
  await theirs.locator('textarea').fill(`Comment ${stamp}`);
  await theirs.getByTestId('comment-send').click();
  await theirs.getByTestId('comment').filter({ hasText: `Comment ${stamp}` }).waitFor();
  await shot(other.page, 'feed-02-comment');

  step('the admin creates an event from the week view with the colleague as attendee');
  await admin.page.goto(BASE + '/calendar');
  await admin.page.getByTestId('cal-view-week').click();
  await admin.page.getByTestId('cal-week').waitFor();
  await admin.page.getByTestId('cal-new').click();
  await admin.page.getByTestId('event-form').waitFor();
  await admin.page.getByTestId('input-event_title').fill(`Meeting ${stamp}`);
  await admin.page.getByTestId('input-event_place').fill('Room 1');
  await admin.page.getByTestId('input-event_attendees').selectOption(String(colleague.id));
  await admin.page.getByTestId('event-save').click();
  await admin.page.getByTestId('event-view').waitFor();
  const evUrl = new URL(admin.page.url());
  created.event = Number(evUrl.searchParams.get('event'));
  if (!created.event) throw new Error('the URL does not name the open event (?event=ID)');
  await shot(admin.page, 'feed-03-event');
  await admin.page.keyboard.press('Escape');
  await admin.page.getByTestId('cal-item-event').filter({ hasText: `Meeting ${stamp}` }).first().waitFor();

  step('the colleague opens /calendar?event=ID and accepts');
  await other.page.goto(`${BASE}/calendar?event=${created.event}`);
  await other.page.getByTestId('event-respond').waitFor();
  await other.page.getByTestId('event-accept').click();
  await other.page.getByTestId('event-attendees').filter({ hasText: 'accepted' }).waitFor();
  const ev = await apiCall(admin.page, 'GET', '/calendar/events/' + created.event);
  const att = (ev.attendees || []).find((a) => a.user_id === colleague.id);
  if (!att || att.response !== 'accepted') throw new Error(`the server has the answer ${JSON.stringify(ev.attendees)}`);

  step('the iCal dialog shows a full URL');
  await other.page.keyboard.press('Escape');
  await other.page.getByTestId('cal-ical').click();
  const url = await other.page.getByTestId('ical-url').inputValue();
  if (!/^https?:\/\/.+\/api\/v1\/ical\/.+\.ics$/.test(url)) throw new Error('iCal URL is not absolute: ' + url);
  const ics = await other.page.evaluate(async (u) => { const r = await fetch(u, { credentials: 'omit' }); return [r.status, await r.text()]; }, url);
  if (ics[0] !== 200 || !ics[1].includes('BEGIN:VCALENDAR')) throw new Error(`GET ${url} → ${ics[0]}`);

  step('phone width: the month is an agenda');
  await other.page.keyboard.press('Escape');
  await other.page.setViewportSize({ width: 390, height: 844 });
  await other.page.getByTestId('cal-view-month').click();
  await other.page.getByTestId('cal-agenda').waitFor();
  await shot(other.page, 'feed-04-phone-agenda');

  step('Settings → Mail (SMTP) opens for the admin');
  await admin.page.goto(BASE + '/settings/mail');
  await admin.page.getByTestId('mail-form').waitFor();
  await shot(admin.page, 'feed-05-mail');

  if (problems.length) throw new Error('browser problems: ' + problems.join('; '));
  ok = true;
} catch (e) {
  console.log(`FAIL at "${stepName}": ${e.message}`);
  if (problems.length) console.log('  ' + problems.join('\n  '));
} finally {
  if (admin) {
    if (created.event) await apiCall(admin.page, 'DELETE', '/calendar/events/' + created.event).catch(() => {});
    if (created.post) await apiCall(admin.page, 'DELETE', '/feed/posts/' + created.post).catch(() => {});
  }
  await browser.close();
}
finish(ok);
