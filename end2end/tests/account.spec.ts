import { test, expect } from '@playwright/test';
import { emailFor, hostMadeAccount, hydrated, linkIn, notice, signIn, signedInBrowser, unique } from './support';

test('a forgotten password: the emailed link sets a new one, and every browser signed in is signed out', async ({ page, browser, request }) => {
  const id = unique();
  const email = `forgot-${id}@example.com`;
  hostMadeAccount(email, 'correct horse battery', `Forgot ${id}`);
  const laptop = await signedInBrowser(browser, email, 'correct horse battery');

  await page.goto('/signin');
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await expect(page.getByRole('heading', { name: 'Reset your password' })).toBeVisible();
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Send link' }).click();
  await expect(notice(page)).toContainText(`If ${email} has a Boardroom account, a link to choose a new password is on its way`);

  const link = linkIn(await emailFor(request, email, 'Reset your Boardroom password'), 'reset');
  const opened = await page.goto(link);
  expect(opened!.headers()['referrer-policy']).toBe('no-referrer');
  await expect(page.getByLabel('Email address')).toHaveValue(email);
  // A password that is too short is refused on the same page, which keeps its link.
  await page.getByLabel('New password').fill('short');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByText('Password must be at least 8 characters').first()).toBeVisible();
  expect(page.url()).toContain(link);
  await page.getByLabel('New password').fill('a much better one');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page).toHaveURL(/\/signin\?reset=1$/);
  await expect(notice(page)).toContainText('Your password was changed');

  // The other browser was signed out.
  await laptop.reload();
  await expect(laptop).toHaveURL(/\/signin\?next=/);

  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill('a much better one');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(/\/w\/[0-9a-f-]+\/boards$/);
  await emailFor(request, email, 'Your Boardroom password was changed');

  // The link was used once.
  await page.goto(link);
  await expect(page.getByRole('heading', { name: "This link can't be used" })).toBeVisible();
});

test('an account started with someone else\'s address is taken over through the invitation link: its maker is signed out', async ({ page, browser, request }) => {
  const id = unique();
  const owner = `owner-${id}@example.com`;
  const sam = `sam-${id}@example.com`;
  hostMadeAccount(owner, 'correct horse battery', `Claim ${id}`);

  // Someone signs up with Sam's address first and stays signed in: all they
  // get is the page that says to open the emailed link.
  const squatter = await (await browser.newContext()).newPage();
  await squatter.goto('/signup');
  await squatter.getByLabel('Your name').fill('Not Sam');
  await squatter.getByLabel('Email address').fill(sam);
  await squatter.getByLabel('Password').fill('squatters password');
  await squatter.getByLabel('Workspace name').fill(`Trap ${id}`);
  await squatter.getByRole('button', { name: 'Create account' }).click();
  await expect(squatter).toHaveURL(/\/check-inbox$/);
  await signIn(squatter, sam, 'squatters password');
  await expect(squatter).toHaveURL(/\/check-inbox$/);
  await expect(squatter.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await squatter.goto('/account/tokens');
  await expect(squatter).toHaveURL(/\/check-inbox$/);

  // The owner invites Sam; Sam opens the link and takes the account over.
  await signIn(page, owner, 'correct horse battery');
  await page.goto(page.url().replace(/boards$/, 'users'));
  await hydrated(page);
  await page.getByLabel('Email addresses').fill(sam);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(notice(page)).toContainText('Invitation sent');
  const invite = linkIn(await emailFor(request, sam, `Grace Hopper invited you to join Claim ${id} on Boardroom`), 'invite');
  const samPage = await (await browser.newContext()).newPage();
  await samPage.goto(invite);
  await expect(samPage.getByText('An account with this address was started but its address was never confirmed')).toBeVisible();
  await samPage.getByLabel('Your name').fill('Sam');
  await samPage.getByLabel('New password').fill('sams own password');
  await samPage.getByRole('button', { name: 'Take over the account and join' }).click();
  await expect(samPage).toHaveURL(/\/w\/[0-9a-f-]+\/boards\?joined=1$/);
  await expect(notice(samPage)).toContainText(`You've joined Claim ${id}`);

  // The maker's browser was signed out, and their password is gone.
  await squatter.goto('/account/tokens');
  await expect(squatter).toHaveURL(/\/signin\?next=/);
  await signIn(squatter, sam, 'squatters password');
  await expect(squatter.getByText('The email address or password is not right').first()).toBeVisible();
});

test('an invitation waiting for a signed-in person is accepted from their boards', async ({ page, browser }) => {
  const id = unique();
  const ann = `ann-${id}@example.com`;
  const bob = `bob-${id}@example.com`;
  hostMadeAccount(ann, 'correct horse battery', `Ann ${id}`, 'Ann');
  hostMadeAccount(bob, 'correct horse battery', `Bob ${id}`, 'Bob');
  await signIn(page, ann, 'correct horse battery');
  await page.goto(page.url().replace(/boards$/, 'users'));
  await hydrated(page);
  await page.getByLabel('Email addresses').fill(bob);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(notice(page)).toContainText('Invitation sent');

  const bobPage = await signedInBrowser(browser, bob, 'correct horse battery');
  const banner = bobPage.getByRole('region', { name: 'An invitation for you' });
  await expect(banner).toContainText(`Ann (${ann}) invited you to join Ann ${id}.`);
  await banner.getByRole('button', { name: `Accept the invitation to Ann ${id}` }).click();
  await expect(bobPage).toHaveURL(/\/w\/[0-9a-f-]+\/boards\?joined=1$/);
  await expect(notice(bobPage)).toContainText(`You've joined Ann ${id}`);
  await expect(bobPage.getByRole('region', { name: 'An invitation for you' })).toHaveCount(0);
});

test('the account page lists where you are signed in and signs another browser out, asking first', async ({ page, browser }) => {
  const id = unique();
  const email = `sessions-${id}@example.com`;
  hostMadeAccount(email, 'correct horse battery', `Sessions ${id}`);
  const other = await signedInBrowser(browser, email, 'correct horse battery');
  await signIn(page, email, 'correct horse battery');
  await hydrated(page);
  await page.getByLabel('Account menu').click();
  await page.getByRole('link', { name: 'Account', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Account', level: 1 })).toBeVisible();
  await hydrated(page);

  const sessions = page.getByRole('table', { name: 'Sessions' });
  await expect(sessions.getByRole('row')).toHaveCount(3);
  await expect(sessions.getByRole('row', { name: /This browser/ })).toHaveCount(1);
  const signOut = sessions.getByRole('button', { name: /^Sign out / });
  await signOut.click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('Whoever uses it will have to sign in again.');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await other.reload();
  await expect(other).toHaveURL(/\/boards$/);

  await signOut.click();
  await dialog.getByRole('button', { name: 'Sign out' }).click();
  await expect(notice(page)).toContainText('That browser was signed out');
  await expect(sessions.getByRole('row')).toHaveCount(2);
  await other.reload();
  await expect(other).toHaveURL(/\/signin\?next=/);

  await page.getByLabel('Your name').fill('Grace B. Hopper');
  await page.getByRole('button', { name: 'Save name' }).click();
  await expect(notice(page)).toContainText('Your name is now Grace B. Hopper');
});
