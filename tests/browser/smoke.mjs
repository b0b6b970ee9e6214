// Browser smoke test for the Korobka web UI.
// Env (KOROBKA_URL, KOROBKA_LOGIN, KOROBKA_PASSWORD, SCREENSHOT_DIR, ...): see harness.mjs.
import {
  LOGIN, PASSWORD, finish, launch, shot, step, newPage, watch, openLogin, submitLogin, assertNoProblems, reportFailure,
} from './harness.mjs';

const browser = await launch('smoke');
const problems = [];
let ok = false;
try {
  const { page } = await newPage(browser);
  watch(page, problems);

  const stamp = Math.random().toString(36).slice(2, 8);
  const companyName = `Smoke Test LLC ${stamp}`;
  const first = 'Olena';
  const last = `Smok${stamp}`;

  step('open the login page');
  await openLogin(page);
  await shot(page, '01-login');

  step('sign in');
  const refused = await submitLogin(page, LOGIN, PASSWORD, 'nav-companies');
  if (refused !== null) throw new Error(`sign-in refused: "${refused}" (check KOROBKA_LOGIN / KOROBKA_PASSWORD)`);

  step('open companies and the new-company form');
  await page.getByTestId('nav-companies').click();
  await page.waitForURL(/\/companies$/);
  await page.getByTestId('companies-table').waitFor();
  await page.getByTestId('new-company').click();
  await page.waitForURL(/\/companies\/new$/);

  step('create a company');
  await page.getByTestId('input-name').fill(companyName);
  await page.getByTestId('input-phones-0').fill('+38 044 555 12 34');
  await page.getByTestId('input-emails-0').fill(`office-${stamp}@example.com`);
  await page.getByTestId('save').click();
  await page.waitForURL(/\/companies\/\d+$/);
  await page.getByTestId('company-page').waitFor();
  const h1 = await page.locator('h1').first().textContent();
  if (!h1.includes(companyName)) throw new Error(`company page shows "${h1}", expected "${companyName}"`);
  const companyUrl = page.url();
  await shot(page, '03-company-page');

  step('companies list shows it');
  await page.getByTestId('nav-companies').click();
  await page.getByTestId('companies-table').waitFor();
  // newest first, so the new company is on the first page even in a populated office
  if (await page.getByTestId('input-sort').isVisible()) await page.getByTestId('input-sort').selectOption('-created');
  else { await page.getByTestId('sort-created').click(); await page.getByTestId('sort-created').click(); }
  await page.getByTestId('companies-table').getByText(companyName).waitFor();
  await shot(page, '02-companies-list');
  await page.goto(companyUrl);
  await page.getByTestId('company-page').waitFor();

  step('add a contact pre-linked to the company');
  await page.getByTestId('add-contact').click();
  await page.waitForURL(/\/contacts\/new\?company_id=\d+/);
  await page.getByTestId('company-chosen').getByText(companyName).waitFor();
  await page.getByTestId('input-first_name').fill(first);
  await page.getByTestId('input-last_name').fill(last);
  await page.getByTestId('input-position').fill('Marketing manager');
  await page.getByTestId('input-phones-0').fill('+38 067 123 45 67');
  await page.getByTestId('input-emails-0').fill(`olena-${stamp}@example.com`);
  await shot(page, '04-contact-form');
  await page.getByTestId('save').click();
  await page.waitForURL(/\/contacts\/\d+$/);
  await page.getByTestId('contact-page').waitFor();
  const contactUrl = page.url();
  await page.getByTestId('contact-company').getByText(companyName).waitFor();
  await page.getByText('+38 067 123 45 67').waitFor();

  step('find the contact with the global search');
  await page.getByTestId('nav-companies').click();
  await page.getByTestId('companies-table').waitFor();
  const box = page.getByTestId('search-input');
  await box.click();
  await box.pressSequentially(last.slice(0, 8), { delay: 40 });
  const hit = page.getByTestId('search-result').filter({ hasText: last });
  try { await hit.first().waitFor({ timeout: 10000 }); }
  catch { throw new Error(`search for "${last.slice(0, 8)}" did not show the contact "${first} ${last}" (search index may lag or miss it)`); }
  await shot(page, '05-search-dropdown');
  await hit.first().click();
  await page.waitForURL(contactUrl);
  await page.getByTestId('contact-page').waitFor();

  step('phone width layout');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(companyUrl);
  await page.getByTestId('company-page').waitFor();
  await shot(page, '06-phone-company');
  await page.getByTestId('menu-toggle').click();
  await page.getByTestId('nav-contacts').waitFor({ state: 'visible' });
  await shot(page, '07-phone-menu');

  assertNoProblems(problems);
  ok = true;
} catch (e) {
  reportFailure(e, problems);
} finally {
  await browser.close().catch(() => {});
}
finish(ok);
