import { test, expect } from '@playwright/test';
import { emailFor, hostMadeAccount, inviteLink, signIn, unique } from './support';

test('a spreadsheet is uploaded, previewed row by row, and sent', async ({ page, request, browser }) => {
  const id = unique();
  const owner = `owner-${id}@example.com`;
  hostMadeAccount(owner, 'correct horse battery', `Sheet ${id}`, 'Ada Lovelace');
  await signIn(page, owner, 'correct horse battery');
  await expect(page).toHaveURL(/\/w\/[0-9a-f-]+\/boards$/);
  const base = new URL(page.url()).pathname.replace(/\/boards$/, '');
  await page.goto(`${base}/users`);
  await page.getByRole('link', { name: 'Invite from a spreadsheet' }).click();
  await expect(page.getByRole('heading', { name: 'Invite from a spreadsheet', level: 1 })).toBeVisible();

  const csv = `email,name\nann-${id}@example.com,Ann Sheet\nnot an address,\n${owner},\n`;
  await page.getByLabel('CSV file').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.getByRole('heading', { name: 'Check, then send', level: 1 })).toBeVisible();
  const rows = page.getByRole('table', { name: 'Rows of the file' }).getByRole('row');
  await expect(rows.filter({ hasText: `ann-${id}@example.com` })).toContainText('Ready');
  await expect(rows.filter({ hasText: 'not an address' })).toContainText('Invalid address');
  await expect(rows.filter({ hasText: owner })).toContainText('Already a member');
  await expect(page.getByRole('list', { name: 'Totals' })).toContainText('Ready: 1');
  // On a phone the table scrolls inside its region, not the page.
  await page.setViewportSize({ width: 375, height: 800 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: 'test-results/bulk-preview-phone.png', fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });

  await page.getByRole('button', { name: 'Send 1' }).click();
  await expect(page.getByRole('status')).toHaveText('1 invitation sent');
  await expect(page.getByRole('heading', { name: 'Invitations sent', level: 1 })).toBeVisible();
  await expect(rows.filter({ hasText: `ann-${id}@example.com` })).toContainText('Sent');

  // The invited person's sign-up starts with the name from the file.
  const guest = await (await browser.newContext()).newPage();
  await guest.goto(inviteLink(await emailFor(request, `ann-${id}@example.com`)));
  await expect(guest.getByLabel('Your name')).toHaveValue('Ann Sheet');
});
