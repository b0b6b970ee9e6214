import { chromium } from 'playwright-core';
const BASE = process.env.KOROBKA_URL;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless','--no-sandbox','--disable-gpu','--disable-quic','--no-first-run','--disable-background-networking','--disable-component-update','--disable-sync'] });
const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
const page = await ctx.newPage();
await page.goto(BASE + '/login');
await page.fill('input[name=login]', 'owner');
await page.fill('input[name=password]', 'korobka-demo');
await page.keyboard.press('Enter');
await page.waitForURL(/companies|feed|contacts|deals/);
for (const [path, name] of [['/deals', 'board'], ['/deals/list', 'deal-list'], ['/leads', 'leads'], ['/deals/5', 'deal-page'], ['/settings/custom-fields', 'custom-fields'], ['/settings/currencies', 'currencies']]) {
  await page.goto(BASE + path);
  await page.waitForTimeout(1200);
  await page.screenshot({ path: `/tmp/shots/${name}.png` });
}
const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, storageState: await ctx.storageState() });
const p2 = await phone.newPage();
await p2.goto(BASE + '/deals');
await p2.waitForTimeout(1200);
await p2.screenshot({ path: '/tmp/shots/board-phone.png' });
await browser.close();
console.log('ok');
