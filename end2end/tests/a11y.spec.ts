import { test, expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { emailFor, hostMadeAccount, inviteLink, linkIn, notice, signUp, unique } from './support';

/** axe-core on the page as it is, at desktop and phone widths, light and dark: no violation of any impact. */
async function noViolations(page: Page, what: string) {
  for (const width of [1280, 375]) {
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.setViewportSize({ width, height: 800 });
      await page.emulateMedia({ colorScheme });
      const { violations } = await new AxeBuilder({ page }).analyze();
      const found = violations.map(
        (v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join('\n    ')}`,
      );
      expect.soft(found, `${what} at ${width} px, ${colorScheme}`).toEqual([]);
    }
  }
}

test('every page passes axe-core at 1280 and 375 px, light and dark', async ({ page, browser, request }) => {
  test.setTimeout(300_000);
  await page.goto('/');
  await noViolations(page, 'home');
  await page.goto('/signin');
  await noViolations(page, 'sign-in');
  await page.goto('/signin?sso=unconfirmed');
  await noViolations(page, 'sign-in, company sign-in refused');
  await page.goto('/signup');
  await noViolations(page, 'sign-up');
  await page.goto('/forgot');
  await noViolations(page, 'forgot password');

  const id = unique();
  const invitee = `axe-${id}@example.com`;
  await signUp(page, 'Ada Lovelace', `owner-${id}@example.com`, `Axe ${id}`);
  const base = new URL(page.url()).pathname.replace(/\/boards$/, '');
  await page.getByLabel('Name', { exact: true }).fill('Quarterly numbers');
  await page.getByLabel('Content').fill('Revenue by region.');
  await page.getByRole('button', { name: 'Create board' }).click();
  await expect(page.getByRole('link', { name: 'Quarterly numbers' })).toBeVisible();
  await noViolations(page, 'boards');
  await page.getByRole('link', { name: 'Quarterly numbers' }).click();
  await expect(page.getByRole('heading', { name: 'Quarterly numbers' })).toBeVisible();
  await noViolations(page, 'a board');

  await page.goto(`${base}/users`);
  await page.getByLabel('Email addresses').fill(invitee);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(page.getByRole('table', { name: 'Pending invitations' }).getByRole('row', { name: new RegExp(invitee) })).toBeVisible();
  await noViolations(page, 'users, with a pending invitation and a member');
  for (const section of ['roles', 'groups', 'settings', 'activity']) {
    await page.goto(`${base}/${section}`);
    await noViolations(page, section);
  }
  // Inviting from a spreadsheet: the upload, then a preview with refusals.
  await page.goto(`${base}/users/import`);
  await noViolations(page, 'invite from a spreadsheet');
  await page.getByLabel('Or paste its rows').fill(`sheet-${id}@example.com,Sheet Person\nnot an address\n`);
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.getByRole('button', { name: 'Send 1' })).toBeVisible();
  await noViolations(page, 'a spreadsheet previewed');
  // Activity with a filter it refuses, its message beside the field.
  await page.goto(`${base}/activity?kind=invitation.create&from=2026-02-30`);
  await expect(page.locator('#filter-from-error')).toBeVisible();
  await noViolations(page, 'activity, a bad date');
  await page.goto('/account/tokens');
  await noViolations(page, 'API tokens');
  await page.goto('/account');
  await noViolations(page, 'account');
  // The confirmation page a destructive form goes through without JavaScript.
  await page.goto(`/confirm?action=leave_workspace&workspace_id=${base.replace('/w/', '')}&back=${base}/settings`);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Leave Axe');
  await noViolations(page, 'confirmation');

  // The invitation as the invited person meets it, then signed in as someone else.
  const link = inviteLink(await emailFor(request, invitee));
  const stranger = await browser.newContext();
  const guest = await stranger.newPage();
  await guest.goto(link);
  await expect(guest.getByRole('heading', { level: 1 })).toBeVisible();
  await noViolations(guest, 'accept as a new person');
  await stranger.close();
  await page.goto(link);
  await noViolations(page, 'accept while signed in');
  await page.goto('/invite/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
  await noViolations(page, 'a dead link');

  // A forgotten password: asked for, the emailed link opened, a dead link.
  const owner = `owner-${id}@example.com`;
  await page.goto('/forgot');
  await page.getByLabel('Email address').fill(owner);
  await page.getByRole('button', { name: 'Send link' }).click();
  await expect(notice(page)).toBeVisible();
  await noViolations(page, 'forgot password, sent');
  const reset = linkIn(await emailFor(request, owner, 'Reset your Boardroom password'), 'reset');
  await page.goto(reset);
  await expect(page.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
  await noViolations(page, 'choose a new password');
  await page.goto('/reset/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
  await noViolations(page, 'a dead reset link');
  await page.goto('/verify/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
  await noViolations(page, 'a dead confirmation link');
  await page.goto('/check-inbox');
  await noViolations(page, 'check your inbox');

  // An invitation into another workspace, waiting above the boards.
  const other = hostMadeAccount(`other-${id}@example.com`, 'correct horse battery', `Other ${id}`, 'Ann');
  const sent = await request.post(`/api/v1/workspaces/${encodeURIComponent(`Other ${id}`)}/invitations`, {
    headers: { Authorization: `Bearer ${other}` },
    data: { email: owner },
  });
  expect(sent.status()).toBe(201);
  await page.goto(`${base}/boards`);
  await expect(page.getByRole('region', { name: 'An invitation for you' })).toBeVisible();
  await noViolations(page, 'boards, with an invitation waiting');
});
