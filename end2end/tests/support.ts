import { expect, Page, APIRequestContext, Locator, Browser } from '@playwright/test';
import { execFileSync } from 'child_process';
import * as path from 'path';

export const mailApi = `http://127.0.0.1:${process.env.E2E_MAIL_WEB_PORT ?? 1080}/api/email`;

/** A unique suffix, so that runs against the same database never collide. */
export const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** Waits until the page's WASM has loaded and hydrated its islands. */
export async function hydrated(page: Page) {
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
}

/** Signs up, then opens the emailed link and confirms the address, which
 * makes the workspace and signs in: the page ends on its boards. */
export async function signUp(page: Page, name: string, email: string, workspace: string) {
  await page.goto('/signup');
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByLabel('Workspace name').fill(workspace);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/check-inbox$/);
  await expect(page.getByText(`We sent a link to ${email.toLowerCase()}.`)).toBeVisible();
  await page.goto(linkIn(await emailFor(page.request, email.toLowerCase(), 'Confirm your email address for Boardroom'), 'verify'));
  await page.getByRole('button', { name: 'Confirm and continue' }).click();
  await expect(page).toHaveURL(/\/w\/[0-9a-f-]+\/boards$/);
}

/** The link to `/{page}/…` alone on its line in an email's plain-text part. */
export function linkIn(email: Email, page: string): string {
  const match = email.text.match(new RegExp(`^(https?:\\/\\/\\S+\\/${page}\\/[A-Za-z0-9_-]{43})$`, 'm'));
  expect(match, `a /${page}/ link alone on its line`).not.toBeNull();
  return match![1];
}

interface Email {
  subject: string;
  text: string;
  html: string;
  to: { address: string }[];
}

/** The newest email maildev received for `to` (with `subject`, if given),
 * polled through its HTTP API. */
export async function emailFor(request: APIRequestContext, to: string, subject?: string): Promise<Email> {
  let found: Email | undefined;
  await expect
    .poll(
      async () => {
        const all: Email[] = await (await request.get(mailApi)).json();
        found = all.filter((e) => e.to.some((t) => t.address === to) && (subject === undefined || e.subject === subject)).pop();
        return found !== undefined;
      },
      { timeout: 15_000, message: `an email for ${to}${subject ? ` (${subject})` : ''}` },
    )
    .toBe(true);
  return found!;
}

export function inviteLink(email: Email): string {
  const match = email.text.match(/^(https?:\/\/\S+\/invite\/[A-Za-z0-9_-]{43})$/m);
  expect(match, 'the plain-text part has the link alone on its line').not.toBeNull();
  return match![1];
}

/** The notice a page shows after something was done: a status message with words in it. */
export function notice(page: Page): Locator {
  return page.getByRole('status').filter({ hasText: /\S/ });
}

/** An account (with a workspace) made by the host, `boardroom admin
 * create-user`: its address counts as proven. Returns its API token. Used where the test is not about
 * signing up, since sign-ups are limited per address (10 in 10 minutes). */
export function hostMadeAccount(email: string, password: string, workspace: string, name = 'Grace Hopper'): string {
  const out = execFileSync(process.env.BOARDROOM_BIN!, ['admin', 'create-user', '--email', email, '--name', name, '--workspace', workspace, '--password-stdin'], {
    input: `${password}\n`,
    env: { ...process.env, DATABASE_URL: `sqlite://${path.join(process.env.E2E_DATA_DIR!, 'e2e.db')}`, RUST_LOG: 'error' },
  }).toString();
  // The account's API token, which the command prints.
  return out.match(/^API token: (\S+)$/m)![1];
}

/** Signs in on `page`, which lands where sign-in sends it. Sign-ins are
 * limited per address (ten a minute), and every test signs in from
 * 127.0.0.1: a refusal is waited out as it says, as a person would. */
export async function signIn(page: Page, email: string, password: string) {
  const limited = page.getByText(/Too many attempts\. Try again in \d+ seconds?/);
  for (let attempt = 0; attempt < 3; attempt++) {
    await page.goto('/signin');
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    // Landed elsewhere, or answered on the page: a refusal by the limit is
    // retried once its wait is over; any other answer is the test's to read.
    for (let waited = 0; waited < 10_000; waited += 200) {
      if (!new URL(page.url()).pathname.startsWith('/signin')) return;
      if ((await limited.count()) > 0) break;
      await page.waitForTimeout(200);
    }
    if ((await limited.count()) === 0) return;
    const seconds = Number((await limited.first().textContent())?.match(/in (\d+) second/)?.[1] ?? 30);
    await page.waitForTimeout((seconds + 1) * 1000);
  }
}

/** A second browser (its own cookies), signed in, on its first workspace's boards. */
export async function signedInBrowser(browser: Browser, email: string, password: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, email, password);
  await expect(page).toHaveURL(/\/w\/[0-9a-f-]+\/boards$/);
  return page;
}
