import { expect, Page, APIRequestContext, Locator } from '@playwright/test';

export const mailApi = `http://127.0.0.1:${process.env.E2E_MAIL_WEB_PORT ?? 1080}/api/email`;

/** A unique suffix, so that runs against the same database never collide. */
export const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** Waits until the page's WASM has loaded and hydrated its islands. */
export async function hydrated(page: Page) {
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
}

export async function signUp(page: Page, name: string, email: string, workspace: string) {
  await page.goto('/signup');
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByLabel('Workspace name').fill(workspace);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/w\/[0-9a-f-]+\/boards$/);
}

interface Email {
  subject: string;
  text: string;
  html: string;
  to: { address: string }[];
}

/** The newest email maildev received for `to`, polled through its HTTP API. */
export async function emailFor(request: APIRequestContext, to: string): Promise<Email> {
  let found: Email | undefined;
  await expect
    .poll(
      async () => {
        const all: Email[] = await (await request.get(mailApi)).json();
        found = all.filter((e) => e.to.some((t) => t.address === to)).pop();
        return found !== undefined;
      },
      { timeout: 15_000, message: `an email for ${to}` },
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
