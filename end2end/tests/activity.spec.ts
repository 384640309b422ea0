import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { hostMadeAccount, signIn, unique } from './support';

test('the Activity tab shows who did what, filters in the URL, and exports what it shows', async ({ page, request }) => {
  const id = unique();
  const owner = `owner-${id}@example.com`;
  const workspace = `Activity ${id}`;
  const token = hostMadeAccount(owner, 'correct horse battery', workspace, 'Ada Lovelace');
  // One invitation from a script, one from the page.
  const sent = await request.post(`/api/v1/workspaces/${encodeURIComponent(workspace)}/invitations`, {
    headers: { Authorization: `Bearer ${token}` },
    data: { email: `script-${id}@example.com` },
  });
  expect(sent.status()).toBe(201);
  await signIn(page, owner, 'correct horse battery');
  await expect(page).toHaveURL(/\/w\/[0-9a-f-]+\/boards$/);
  const base = new URL(page.url()).pathname.replace(/\/boards$/, '');
  await page.goto(`${base}/users`);
  await page.getByLabel('Email addresses').fill(`page-${id}@example.com`);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(page.getByRole('table', { name: 'Pending invitations' }).getByRole('row', { name: new RegExp(`page-${id}`) })).toBeVisible();

  await page.getByRole('navigation', { name: 'People' }).getByRole('link', { name: 'Activity' }).click();
  await expect(page.getByRole('heading', { name: 'Activity', level: 1 })).toBeVisible();
  const events = page.getByRole('list').filter({ hasText: 'Invited' });
  await expect(events.getByRole('listitem').first()).toContainText(`page-${id}@example.com`);
  await expect(events.getByRole('listitem').first()).toContainText(`By ${owner} from 127.0.0.1`);
  await expect(events.getByRole('listitem').filter({ hasText: `script-${id}@example.com` })).toContainText('with API token');

  // A filter lands in the URL; the page reads it back.
  await page.getByLabel('Kind').selectOption({ label: 'Invited' });
  await page.getByLabel('Done to').fill(`script-${id}@example.com`);
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/kind=invitation\.create/);
  await expect(page.getByRole('listitem').filter({ hasText: 'Invited' })).toHaveCount(1);
  await expect(page.getByLabel('Done to')).toHaveValue(`script-${id}@example.com`);

  // The export holds what the filters select.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Export CSV' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^activity-.*-activity-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = readFileSync(await download.path(), 'utf8').trim().split('\r\n');
  expect(csv[0]).toBe('id,at,kind,actor,token,ip,target,before,after');
  expect(csv).toHaveLength(2);
  expect(csv[1]).toContain(`,invitation.create,${owner},`);

  // On a phone, in the dark.
  await page.setViewportSize({ width: 375, height: 800 });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.getByRole('link', { name: 'Clear filters' }).click();
  await expect(page.getByRole('listitem').filter({ hasText: 'Invited' })).toHaveCount(2);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: 'test-results/activity-phone-dark.png', fullPage: true });
});
