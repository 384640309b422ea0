import { test, expect, Browser } from '@playwright/test';
import { execFileSync } from 'child_process';
import * as path from 'path';
import { emailFor, notice, unique } from './support';

/** An account made by the host (`boardroom admin create-user`), so that this
 * file adds no sign-up to the suite's (sign-ups are rate limited per address). */
function hostMadeAccount(email: string, password: string, workspace: string) {
  execFileSync(process.env.BOARDROOM_BIN!, ['admin', 'create-user', '--email', email, '--name', 'Grace Hopper', '--workspace', workspace, '--password-stdin'], {
    input: `${password}\n`,
    env: { ...process.env, DATABASE_URL: `sqlite://${path.join(process.env.E2E_DATA_DIR!, 'e2e.db')}`, RUST_LOG: 'error' },
  });
}

async function signIn(browser: Browser, email: string, password: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('/signin');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/w\/[0-9a-f-]+\/boards$/);
  return page;
}

test('a forgotten password: the emailed link sets a new one, and every browser signed in is signed out', async ({ page, browser, request }) => {
  const id = unique();
  const email = `forgot-${id}@example.com`;
  hostMadeAccount(email, 'correct horse battery', `Forgot ${id}`);
  const laptop = await signIn(browser, email, 'correct horse battery');

  await page.goto('/signin');
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await expect(page.getByRole('heading', { name: 'Reset your password' })).toBeVisible();
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Send link' }).click();
  await expect(notice(page)).toContainText(`If ${email} has a Boardroom account, a link to choose a new password is on its way`);

  const mail = await emailFor(request, email);
  expect(mail.subject).toBe('Reset your Boardroom password');
  const link = mail.text.match(/^(https?:\/\/\S+\/reset\/[A-Za-z0-9_-]{43})$/m)![1];
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
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/w\/[0-9a-f-]+\/boards$/);
  await expect.poll(async () => (await emailFor(request, email)).subject).toBe('Your Boardroom password was changed');

  // The link was used once.
  await page.goto(link);
  await expect(page.getByRole('heading', { name: "This link can't be used" })).toBeVisible();
});
