import { chromium } from '@playwright/test';
const [,, url, out, width, scheme, action] = process.argv;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage({ viewport: { width: Number(width || 1280), height: 900 }, colorScheme: scheme || 'light' });
const base = url;
await page.goto(base + '/signup');
const id = Date.now().toString(36);
await page.getByLabel('Your name').fill('Ada Lovelace');
await page.getByLabel('Email address').fill(`ada-${id}@example.com`);
await page.getByLabel('Password').fill('correct horse battery');
await page.getByLabel('Workspace name').fill(`Acme ${id}`);
await page.getByRole('button', { name: 'Create account' }).click();
await page.waitForURL(/boards$/);
const users = page.url().replace(/boards$/, 'users');
await page.goto(users);
await page.getByLabel('Email addresses').fill('jon@example.com, kim@example.com, lee@example.com');
await page.getByRole('button', { name: 'Send', exact: true }).click();
await page.waitForTimeout(1000);
if (action === 'manage') {
  await page.getByRole('link', { name: 'Manage: kim@example.com' }).click();
  await page.waitForTimeout(800);
}
await page.screenshot({ path: out, fullPage: true });
await browser.close();
