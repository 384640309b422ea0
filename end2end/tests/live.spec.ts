import { test, expect, Page, Browser } from '@playwright/test';
import { emailFor, hydrated, inviteLink, signUp, unique } from './support';
import * as os from 'os';
import * as path from 'path';

// One owner and workspace for every test here (sign-ups are rate limited per
// address); each test invites people of its own.
const owner = path.join(os.tmpdir(), `boardroom-live-owner-${process.pid}.json`);
let base = '';
test.use({ storageState: owner });

test.beforeAll(async ({ browser }) => {
  const page = await browser.newPage({ storageState: undefined });
  const id = unique();
  await signUp(page, 'Ada Lovelace', `owner-${id}@example.com`, `Live ${id}`);
  base = new URL(page.url()).pathname.replace(/\/boards$/, '');
  await page.context().storageState({ path: owner });
  await page.close();
});

// What changes the lists shows up on an open Users page without a reload.
const soon = { timeout: 2_000 };

/** Marks this document: if the page reloaded, the mark would be gone. */
async function mark(page: Page) {
  await page.evaluate(() => ((window as any).__stillHere = true));
}

async function stillHere(page: Page) {
  expect(await page.evaluate(() => (window as any).__stillHere), 'the page was not reloaded').toBe(true);
}

/** Opens `link` in a fresh browser, creates the account and joins. */
async function join(browser: Browser, link: string, name: string): Promise<Page> {
  const context = await browser.newContext({ storageState: undefined });
  const page = await context.newPage();
  await page.goto(link);
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('Password').fill('winter is here');
  await page.getByRole('button', { name: 'Create account and join' }).click();
  await expect(page).toHaveURL(/\/boards\?joined=1$/);
  return page;
}

test('the Users page shows what others do as it happens: another tab, the API, an acceptance, a decline', async ({ page, context, browser, request }) => {
  const id = unique();
  const ws = base.split('/')[2];
  await page.goto(`${base}/users`);
  await hydrated(page);
  await mark(page);
  const pending = page.getByRole('table', { name: 'Pending invitations' });
  const members = page.getByRole('table', { name: 'Active users' });

  // Another tab of the same owner sends an invitation.
  const other = await context.newPage();
  await other.goto(`${base}/users`);
  await hydrated(other);
  const fromTab = `tab-${id}@example.com`;
  await other.getByLabel('Email addresses').fill(fromTab);
  await other.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(other.getByRole('status')).toHaveText(`Invitation sent to ${fromTab}`);
  await expect(pending.getByRole('row', { name: new RegExp(fromTab) })).toBeVisible(soon);

  // A script sends one through the API, with a token.
  await other.goto('/account/tokens');
  await hydrated(other);
  await other.getByLabel('Name').fill('live test');
  await other.getByRole('button', { name: 'Create token' }).click();
  const secret = await other.getByRole('textbox', { name: 'New token', exact: true }).inputValue();
  const fromApi = `api-${id}@example.com`;
  const made = await request.post(`/api/v1/workspaces/${ws}/invitations`, {
    headers: { Authorization: `Bearer ${secret}` },
    data: { email: fromApi },
  });
  expect(made.status()).toBe(201);
  await expect(pending.getByRole('row', { name: new RegExp(fromApi) })).toBeVisible(soon);
  // Its email goes out: the row no longer says Sending.
  await emailFor(request, fromApi);
  await expect(pending.getByRole('row', { name: new RegExp(fromApi) })).toContainText('Pending', soon);

  // The invited person accepts: they move from pending to active.
  const joined = await join(browser, inviteLink(await emailFor(request, fromTab)), 'Tab Person');
  await expect(members.getByRole('row', { name: /Tab Person/ })).toBeVisible(soon);
  await expect(pending.getByRole('row', { name: new RegExp(fromTab) })).toHaveCount(0, soon);
  await joined.context().close();

  // The other declines: their invitation leaves the list (declined ones are
  // listed under Pending: Declined).
  const declining = await browser.newContext({ storageState: undefined });
  const invited = await declining.newPage();
  await invited.goto(inviteLink(await emailFor(request, fromApi)));
  await hydrated(invited);
  await invited.getByRole('button', { name: 'Decline invitation' }).click();
  await invited.getByRole('dialog').getByRole('button', { name: 'Decline invitation' }).click();
  await expect(invited.getByRole('status')).toContainText('You declined the invitation');
  await declining.close();
  await expect(pending.getByRole('row', { name: new RegExp(fromApi) })).toHaveCount(0, soon);

  await stillHere(page);
});

test('a member removed while watching stops hearing changes, and is told', async ({ page, browser, request }) => {
  const id = unique();
  await page.goto(`${base}/users`);
  await hydrated(page);
  const invitee = `watcher-${id}@example.com`;
  await page.getByLabel('Email addresses').fill(invitee);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  const watcher = await join(browser, inviteLink(await emailFor(request, invitee)), 'Wat Cher');

  // Made an owner, so that they may see the workspace's users.
  const members = page.getByRole('table', { name: 'Active users' });
  await expect(members.getByRole('row', { name: /Wat Cher/ })).toBeVisible(soon);
  await page.getByRole('link', { name: 'Manage: Wat Cher' }).click();
  await hydrated(page);
  await page.getByRole('button', { name: 'Make owner: Wat Cher' }).click();
  await expect(page.getByRole('row').filter({ has: page.getByRole('link', { name: 'Done' }) }).getByRole('status')).toContainText('Wat Cher');

  await watcher.goto(`${base}/users`);
  await hydrated(watcher);
  await mark(watcher);
  const theirs = watcher.getByRole('table', { name: 'Active users' });
  await expect(theirs.getByRole('row', { name: /Wat Cher/ })).toBeVisible();

  // While they watch, someone is invited: they see it.
  const another = `another-${id}@example.com`;
  await page.getByLabel('Email addresses').fill(another);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(watcher.getByRole('table', { name: 'Pending invitations' }).getByRole('row', { name: new RegExp(another) })).toBeVisible(soon);

  // Removed, they are told the lists no longer update, and see nothing more.
  await page.getByRole('button', { name: 'Remove as owner: Wat Cher' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Remove as owner' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'no longer an owner' })).toBeVisible();
  await page.getByRole('button', { name: 'Remove Wat Cher from the workspace' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
  await expect(members.getByRole('row', { name: /Wat Cher/ })).toHaveCount(0);
  await expect(watcher.getByText('These lists no longer update')).toBeVisible(soon);
  const later = `later-${id}@example.com`;
  await page.getByLabel('Email addresses').fill(later);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(page.getByRole('status')).toHaveText(`Invitation sent to ${later}`);
  await watcher.waitForTimeout(1_000);
  await expect(watcher.getByText(later)).toHaveCount(0);
  await stillHere(watcher);
  await watcher.context().close();
});
