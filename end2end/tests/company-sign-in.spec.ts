import { test, expect, Page } from '@playwright/test';
import { emailFor, hostMadeAccount, hydrated, inviteLink, notice, signIn, unique } from './support';

// The company's identity provider is a real OpenID provider (end2end/idp,
// panva's oidc-provider) whose sign-in page takes any login as the subject:
// an address is that address, verified; `unverified:ADDRESS` is not verified.

/** Gets through the provider's sign-in and consent pages as `login`. */
async function atProvider(page: Page, login: string) {
  await expect(page).toHaveURL(/127\.0\.0\.1:3190\/interaction\//);
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('anything');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
}

test('signs in with the company identity provider, and refuses an address it does not vouch for', async ({ page, browser }) => {
  const id = unique();
  const email = `sso-${id}@example.com`;
  hostMadeAccount(email, 'correct horse battery', `SSO ${id}`);

  // An address the provider does not say is verified links to nothing.
  const other = await (await browser.newContext()).newPage();
  await other.goto('/signin');
  await other.getByRole('button', { name: 'Sign in with Acme SSO' }).click();
  await atProvider(other, `unverified:${email}`);
  await expect(other).toHaveURL(/\/signin\?sso=unverified$/);
  await expect(other.getByRole('alert')).toContainText('did not confirm your email address');

  await page.goto('/signin');
  await page.getByRole('button', { name: 'Sign in with Acme SSO' }).click();
  await atProvider(page, email);
  await expect(page).toHaveURL(/\/w\/[0-9a-f-]+\/boards$/);
  await expect(page.getByRole('heading', { name: 'Boards', level: 1 })).toBeVisible();
});

test('an invited person accepts through the company identity provider', async ({ page, browser, request }) => {
  const id = unique();
  const owner = `owner-${id}@example.com`;
  const invited = `invited-${id}@example.com`;
  hostMadeAccount(owner, 'correct horse battery', `Acme ${id}`, 'Ada');
  await signIn(page, owner, 'correct horse battery');
  await page.goto(page.url().replace(/boards$/, 'users'));
  await hydrated(page);
  await page.getByLabel('Email addresses').fill(invited);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(notice(page)).toContainText('Invitation sent');

  const link = inviteLink(await emailFor(request, invited));
  const invitee = await (await browser.newContext()).newPage();
  await invitee.goto(link);
  await invitee.getByRole('button', { name: 'Accept with Acme SSO' }).click();
  await atProvider(invitee, invited);
  await expect(invitee).toHaveURL(/\/w\/[0-9a-f-]+\/boards\?joined=1$/);
  await expect(notice(invitee)).toContainText(`You've joined Acme ${id}`);
});
