import { test, expect } from '@playwright/test';
import { hostMadeAccount, hydrated, signIn, unique } from './support';

test('a token made in the account menu works for scripts until it is revoked', async ({ page, request }) => {
  const id = unique();
  const workspace = `Tokens ${id}`;
  // Made by the host: this file is not about signing up (limited per address).
  hostMadeAccount(`owner-${id}@example.com`, 'correct horse battery', workspace, 'Ada Lovelace');
  await signIn(page, `owner-${id}@example.com`, 'correct horse battery');
  await expect(page).toHaveURL(/\/w\/[0-9a-f-]+\/boards$/);
  await hydrated(page);
  await page.getByLabel('Account menu').click();
  await page.getByRole('link', { name: 'API tokens' }).click();
  await expect(page.getByRole('heading', { name: 'API tokens' })).toBeVisible();
  await hydrated(page);
  await page.getByLabel('Name').fill('CI invites');
  await page.getByRole('button', { name: 'Create token' }).click();
  await expect(page.getByRole('status')).toHaveText('Token “CI invites” created');
  const secret = await page.getByRole('textbox', { name: 'New token', exact: true }).inputValue();
  expect(secret).toMatch(/^brd_[A-Za-z0-9_-]{43}$/);

  const auth = { Authorization: `Bearer ${secret}` };
  const listed = await request.get('/api/v1/workspaces', { headers: auth });
  expect(listed.status()).toBe(200);
  expect((await listed.json()).items.map((w: { name: string }) => w.name)).toEqual([workspace]);

  await page.reload();
  await expect(page.getByRole('table', { name: 'API tokens' }).getByRole('row', { name: /CI invites/ })).not.toContainText('Never');
  // Revoking asks first; Cancel leaves the token working.
  await page.getByRole('button', { name: 'Revoke token CI invites' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('Revoke the token CI invites?');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  expect((await request.get('/api/v1/workspaces', { headers: auth })).status()).toBe(200);
  await page.getByRole('button', { name: 'Revoke token CI invites' }).click();
  await dialog.getByRole('button', { name: 'Revoke token' }).click();
  await expect(page.getByRole('status')).toHaveText('Token “CI invites” revoked');
  const refused = await request.get('/api/v1/workspaces', { headers: auth });
  expect(refused.status()).toBe(401);
  expect((await refused.json()).error.code).toBe('invalid_token');

  // The API reference reads the live document.
  await page.goto('/api/v1/docs');
  await expect(page.getByText('Boardroom API')).toBeVisible();
});
