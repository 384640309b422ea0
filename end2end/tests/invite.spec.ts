import { test, expect } from '@playwright/test';
import { emailFor, hydrated, inviteLink, notice, signUp, unique } from './support';

test('an owner invites by email and the invitee joins through the link', async ({ page, browser, request }) => {
  const id = unique();
  const owner = `owner-${id}@example.com`;
  const invitee = `jon-${id}@example.com`;
  const workspace = `Acme ${id}`;

  await signUp(page, 'Ada Lovelace', owner, workspace);
  await hydrated(page);

  // The seed's path: account icon (top right) → Users.
  await page.getByLabel('Account menu').click();
  await page.getByRole('link', { name: 'Users', exact: true }).last().click();
  await expect(page).toHaveURL(/\/users$/);
  await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();

  // Marks this document: if the page reloaded, the mark would be gone.
  await page.evaluate(() => ((window as any).__stillHere = true));

  await page.getByLabel('Email addresses').fill(invitee);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(page.getByRole('status')).toHaveText(`Invitation sent to ${invitee}`);
  const pending = page.getByRole('table', { name: 'Pending invitations' });
  await expect(pending.getByRole('row', { name: new RegExp(invitee) })).toBeVisible();
  await expect(page.getByLabel('Email addresses')).toHaveValue('');
  expect(await page.evaluate(() => (window as any).__stillHere)).toBe(true);

  // The email, as the invitee's inbox has it.
  const email = await emailFor(request, invitee);
  expect(email.subject).toBe(`Ada Lovelace invited you to join ${workspace} on Boardroom`);
  expect(email.text).toContain(`Ada Lovelace (${owner}) invited you to join ${workspace}`);
  expect(email.text).toContain('This invitation expires on');
  expect(email.html).toContain('Accept invitation');
  const link = inviteLink(email);

  // A fresh browser: the invitee has no account yet.
  const invitedContext = await browser.newContext();
  const invitedPage = await invitedContext.newPage();
  await invitedPage.goto(link);
  await expect(invitedPage.getByRole('heading', { name: `Join ${workspace}` })).toBeVisible();
  await expect(invitedPage.getByLabel('Email address')).toHaveValue(invitee);
  await expect(invitedPage.getByLabel('Email address')).not.toBeEditable();
  await invitedPage.getByLabel('Your name').fill('Jon Snow');
  await invitedPage.getByLabel('Password').fill('winter is here');
  await invitedPage.getByRole('button', { name: 'Create account and join' }).click();
  await expect(invitedPage).toHaveURL(/\/boards\?joined=1$/);
  await expect(invitedPage.getByRole('heading', { name: 'Boards' })).toBeVisible();
  await expect(notice(invitedPage)).toHaveText(`You've joined ${workspace}.`);

  // The link was single use.
  const again = await invitedContext.newPage();
  await again.goto(link);
  await expect(again.getByRole('heading', { level: 1 })).toHaveText("This invitation link can't be used");
  await expect(again.getByText(/It may have expired, been withdrawn or already been used/)).toBeVisible();
  await invitedContext.close();

  // Back as the owner: Jon is active and no longer pending.
  await page.reload();
  await expect(page.getByRole('table', { name: 'Active users' }).getByRole('row', { name: /Jon Snow/ })).toBeVisible();
  await expect(page.getByText('No pending invitations.')).toBeVisible();
});

test('a bad address gets a specific message and keeps what was typed', async ({ page }) => {
  const id = unique();
  await signUp(page, 'Ada', `owner-${id}@example.com`, `Errors ${id}`);
  await page.goto(page.url().replace(/\/boards$/, '/users'));
  await hydrated(page);
  await page.getByLabel('Email addresses').fill('jon@');
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  const summary = page.getByRole('alert').filter({ hasText: 'There is a problem' });
  await expect(summary).toBeVisible();
  await expect(summary).toBeFocused();
  await expect(summary.getByRole('link')).toHaveText(/Enter an email address in the correct format, like name@example.com/);
  await expect(page).toHaveTitle(/^Error: Users/);
  await expect(page.getByLabel('Email addresses')).toHaveValue('jon@');
  await expect(page.getByLabel('Email addresses')).toHaveAttribute('aria-invalid', 'true');

  // Of several, the good one is invited and the bad ones come back as typed, spaced.
  await page.getByLabel('Email addresses').fill(`jon@, kim-${id}@example.com, mia@`);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: "2 people couldn't be invited" })).toBeVisible();
  await expect(page.getByLabel('Email addresses')).toHaveValue('jon@, mia@');
});

test.describe('before the WASM loads', () => {
  test.use({ javaScriptEnabled: false });

  test('the lists page, search and filter as plain links and forms', async ({ page }) => {
    const id = unique();
    await signUp(page, 'Ada', `owner-${id}@example.com`, `Pages ${id}`);
    const users = page.url().replace(/\/boards$/, '/users');
    await page.goto(users);
    const batch = (from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, i) => `p${String(from + i).padStart(2, '0')}-${id}@example.com`).join(', ');
    for (const [from, to] of [[1, 50], [51, 55]]) {
      await page.getByLabel('Email addresses').fill(batch(from, to));
      await page.getByRole('button', { name: 'Send', exact: true }).click();
      await expect(notice(page)).toBeVisible();
    }
    const pending = page.getByRole('region', { name: /Pending invitations/ });
    await expect(pending.getByRole('heading')).toContainText('55');
    const rows = page.getByRole('table', { name: 'Pending invitations' }).getByRole('row');
    await expect(rows).toHaveCount(51); // the header and 50
    await page.getByRole('navigation', { name: 'Pending invitations: pages' }).getByRole('link', { name: 'Next' }).click();
    await expect(page).toHaveURL(/pafter=/);
    await expect(rows).toHaveCount(6);
    await expect(page.getByRole('table', { name: 'Pending invitations' })).toContainText(`p01-${id}@example.com`);
    await page.getByRole('navigation', { name: 'Pending invitations: pages' }).getByRole('link', { name: 'Previous' }).click();
    await expect(rows).toHaveCount(51);
    await expect(page.getByRole('table', { name: 'Pending invitations' })).toContainText(`p55-${id}@example.com`);

    await page.getByLabel('Search by name or email').fill(`p4`);
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page).toHaveURL(/q=p4/);
    await expect(pending.getByRole('heading')).toContainText('10');
    await expect(rows).toHaveCount(11);
  });

  test('every form works as a plain HTML form', async ({ page, request }) => {
    const id = unique();
    const invitee = `plain-${id}@example.com`;
    await signUp(page, 'Ada', `owner-${id}@example.com`, `Plain ${id}`);
    const users = page.url().replace(/\/boards$/, '/users');
    await page.goto(users);

    await page.getByLabel('Email addresses').fill('not an email');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect(page.getByText('There is a problem')).toBeVisible();

    await page.getByLabel('Email addresses').fill(invitee);
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect(notice(page)).toHaveText(`Invitation sent to ${invitee}`);
    await expect(page.getByRole('table', { name: 'Pending invitations' }).getByRole('row', { name: new RegExp(invitee) })).toBeVisible();
    await emailFor(request, invitee);

    // Deleting asks first, on a page of its own: Cancel goes back and keeps it.
    await page.getByRole('link', { name: `Manage: ${invitee}` }).click();
    const managing = page.url().split('#')[0];
    await page.getByRole('button', { name: `Delete invitation for ${invitee}` }).click();
    await expect(page).toHaveURL(/\/confirm\?action=delete_invitation&/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(
      `Delete the invitation to ${invitee}? The link in their email stops working.`,
    );
    await page.getByRole('link', { name: 'Cancel' }).click();
    await expect(page).toHaveURL(managing);
    await expect(page.getByRole('table', { name: 'Pending invitations' }).getByRole('row', { name: new RegExp(invitee) }).first()).toBeVisible();

    // Confirming does it, and returns to the Users page.
    await page.getByRole('button', { name: `Delete invitation for ${invitee}` }).click();
    await page.getByRole('button', { name: 'Delete invitation' }).click();
    await expect(page).toHaveURL(managing);
    await expect(notice(page)).toHaveText(`Invitation to ${invitee} deleted`);
    await expect(page.getByText('No pending invitations.')).toBeVisible();
    // Undo, without JavaScript too.
    await page.getByRole('button', { name: 'Undo: restore the invitation' }).click();
    await expect(notice(page)).toHaveText(`Invitation to ${invitee} restored`);
    await expect(page.getByRole('table', { name: 'Pending invitations' }).getByRole('row', { name: new RegExp(invitee) }).first()).toBeVisible();
  });
});

test('what is typed before the page hydrates is kept, and Send sends it', async ({ page }) => {
  const id = unique();
  const invitee = `early-${id}@example.com`;
  await signUp(page, 'Ada', `owner-${id}@example.com`, `Early ${id}`);
  const base = page.url().replace(/\/boards$/, '');
  await page.goto(`${base}/roles`);
  await page.getByLabel('Role name').fill('viewer');
  await page.getByLabel('Permission').selectOption('READ');
  await page.getByLabel('Resource').selectOption('DATA');
  await page.getByLabel('Given to').selectOption('USER');
  await page.getByRole('button', { name: 'Create role' }).click();
  await expect(page.getByRole('table', { name: 'Roles' }).getByRole('row', { name: /viewer/ })).toBeVisible();

  // The WASM is held back until the person has typed and ticked.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/pkg/*.wasm', async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(`${base}/users`);
  await page.getByLabel('Email addresses').fill(invitee);
  await page.getByRole('checkbox', { name: 'viewer' }).check();
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(0);
  release();
  await hydrated(page);

  await expect(page.getByLabel('Email addresses')).toHaveValue(invitee);
  await expect(page.getByRole('checkbox', { name: 'viewer' })).toBeChecked();
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(page.getByRole('status')).toHaveText(`Invitation sent to ${invitee}`);
  const row = page.getByRole('table', { name: 'Pending invitations' }).getByRole('row', { name: new RegExp(invitee) });
  await expect(row).toContainText('viewer');
});
