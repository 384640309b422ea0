import { test, expect, Browser, APIRequestContext } from '@playwright/test';
import { emailFor, hydrated, inviteLink, signUp, unique } from './support';

/** Opens the invitation sent to `email` in a fresh browser and joins with a new account. */
async function join(browser: Browser, request: APIRequestContext, email: string, name: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(inviteLink(await emailFor(request, email)));
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('Password').fill('winter is here');
  await page.getByRole('button', { name: 'Create account and join' }).click();
  await expect(page).toHaveURL(/\/boards\?joined=1$/);
  await hydrated(page);
  return { context, page };
}

test("the seed's role example: test_role (WRITE, DATA, USER) lets its holder create boards", async ({ page, browser, request }) => {
  const id = unique();
  const workspace = `Roles ${id}`;
  const editor = `editor-${id}@example.com`;
  const viewer = `viewer-${id}@example.com`;
  await signUp(page, 'Ada Lovelace', `owner-${id}@example.com`, workspace);
  const base = page.url().replace(/\/boards$/, '');

  // The owner creates the seed's role on the Roles tab.
  await page.goto(`${base}/users`);
  await hydrated(page);
  await page.getByRole('navigation', { name: 'People' }).getByRole('link', { name: 'Roles' }).click();
  await expect(page.getByRole('heading', { name: 'Roles', level: 1 })).toBeVisible();
  await page.getByLabel('Role name').fill('test_role');
  await page.getByLabel('Permission').selectOption('WRITE');
  await page.getByLabel('Resource').selectOption('DATA');
  await page.getByLabel('Given to').selectOption('USER');
  await page.getByRole('button', { name: 'Create role' }).click();
  await expect(page.getByRole('status')).toHaveText('The role test_role now grants WRITE on DATA to USER');
  await expect(page.getByRole('table', { name: 'Roles' }).getByRole('row', { name: /test_role/ })).toContainText('WRITE on DATA');

  // Invites one person with test_role and one with no role.
  await page.getByRole('navigation', { name: 'People' }).getByRole('link', { name: 'Users' }).click();
  await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();
  // Choose roles, then Send: the roles come first on screen and in tab order, at both widths.
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    const role = page.getByRole('checkbox', { name: 'test_role' });
    const send = page.getByRole('button', { name: 'Send', exact: true });
    expect((await role.boundingBox())!.y, `at ${width} px`).toBeLessThan((await send.boundingBox())!.y);
    await page.getByLabel('Email addresses').focus();
    await page.keyboard.press('Tab');
    await expect(role).toBeFocused();
    await page.keyboard.press('Tab');
    await expect(send).toBeFocused();
  }
  await page.getByLabel('Email addresses').fill(editor);
  await page.getByRole('checkbox', { name: 'test_role' }).check();
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(page.getByRole('status')).toHaveText(`Invitation sent to ${editor}`);
  await expect(page.getByRole('table', { name: 'Pending invitations' }).getByRole('row', { name: new RegExp(editor) }).getByRole('cell', { name: 'test_role', exact: true })).toBeVisible();
  // Sending cleared the role boxes, so the next invitation grants nothing extra.
  await expect(page.getByRole('checkbox', { name: 'test_role' })).not.toBeChecked();
  await page.getByLabel('Email addresses').fill(viewer);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(page.getByRole('status')).toHaveText(`Invitation sent to ${viewer}`);
  await expect(page.getByRole('table', { name: 'Pending invitations' }).getByRole('row', { name: new RegExp(viewer) }).getByRole('cell', { name: '—', exact: true })).toBeVisible();

  // The editor joins and creates a board.
  const first = await join(browser, request, editor, 'Edie Editor');
  await first.page.getByLabel('Name').fill('Q3 revenue');
  await first.page.getByLabel('Content').fill('Up 12%.');
  await first.page.getByRole('button', { name: 'Create board' }).click();
  await expect(first.page.getByRole('status').filter({ hasText: 'Board “Q3 revenue” created' })).toBeVisible();
  await expect(first.page.getByRole('list', { name: 'Boards' })).toContainText('Q3 revenue');
  await first.context.close();

  // The viewer, holding only what everyone holds, sees the board but can't create one.
  const second = await join(browser, request, viewer, 'Vic Viewer');
  await expect(second.page.getByRole('list', { name: 'Boards' })).toContainText('Q3 revenue');
  await expect(second.page.getByRole('button', { name: 'Create board' })).toHaveCount(0);
  // The server refuses a direct call all the same.
  const wid = base.split('/w/')[1];
  const direct = await second.page.request.post('/api/create_board', {
    form: { workspace_id: wid, name: 'Sneaky', content: '' },
  });
  expect(direct.status()).toBe(403);
  expect(await direct.text()).toContain('You need WRITE on DATA to create boards');
  await second.context.close();

  // Back as the owner: the members list shows who holds what.
  await page.reload();
  await expect(page.getByRole('table', { name: 'Active users' }).getByRole('row', { name: /Edie Editor/ }).getByRole('cell', { name: 'test_role', exact: true })).toBeVisible();
});
