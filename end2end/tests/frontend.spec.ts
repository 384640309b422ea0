import { test, expect, Page } from '@playwright/test';
import { hydrated, notice, signUp, unique } from './support';
import * as os from 'os';
import * as path from 'path';

// One owner and workspace for every test here (sign-ups are rate limited per
// address); each test invites someone of its own.
const owner = path.join(os.tmpdir(), `boardroom-frontend-owner-${process.pid}.json`);
let base = '';
test.use({ storageState: owner });

test.beforeAll(async ({ browser }) => {
  const page = await browser.newPage({ storageState: undefined });
  const id = unique();
  await signUp(page, 'Ada Lovelace', `owner-${id}@example.com`, `Front ${id}`);
  base = new URL(page.url()).pathname.replace(/\/boards$/, '');
  await page.context().storageState({ path: owner });
  await page.close();
});

/** The shared workspace with one more pending invitation; returns its base path and the address. */
async function workspaceWithRows(page: Page): Promise<{ base: string; invitee: string }> {
  const invitee = `row-${unique()}@example.com`;
  await page.goto(`${base}/users`);
  await page.getByLabel('Email addresses').fill(invitee);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(page.getByRole('table', { name: 'Pending invitations' }).getByRole('row', { name: new RegExp(invitee) }).first()).toBeVisible();
  return { base, invitee };
}

/** Every page of a workspace member, and of their account. */
function everyPage(base: string): string[] {
  return [
    `${base}/boards`,
    `${base}/users`,
    `${base}/roles`,
    `${base}/groups`,
    `${base}/settings`,
    '/account/tokens',
    '/account',
    '/workspaces/new',
    '/check-inbox',
    '/forgot',
  ];
}

async function noSidewaysScroll(page: Page, path: string) {
  await page.goto(path);
  const { scroll, width } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: window.innerWidth,
  }));
  expect(scroll, `${path} scrolls sideways`).toBeLessThanOrEqual(width);
}

test.describe('on a phone (375 px)', () => {
  test.use({ viewport: { width: 375, height: 740 } });

  test('no page scrolls sideways, and the account menu is in reach', async ({ page }) => {
    const { base } = await workspaceWithRows(page);
    for (const path of everyPage(base)) {
      await noSidewaysScroll(page, path);
    }
    await page.goto(`${base}/users`);
    const icon = page.getByLabel('Account menu');
    await expect(icon).toBeInViewport();
    await icon.click();
    // The sections fold into the menu on a phone.
    await expect(page.getByRole('link', { name: 'Settings' })).toBeVisible();
    await page.getByRole('link', { name: 'Settings' }).click();
    await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  });
});

test('the keyboard reaches the skip link and the menu, and Escape closes the menu', async ({ page }) => {
  const { base } = await workspaceWithRows(page);
  await page.goto(`${base}/users`);
  await hydrated(page);
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to main content' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  // Onwards through the bar to the account menu, Users, the invite field and Send.
  const reached: string[] = [];
  for (let i = 0; i < 40 && !reached.includes('Send'); i++) {
    await page.keyboard.press('Tab');
    reached.push(
      await page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        return el.getAttribute('aria-label') ?? el.labels?.[0]?.textContent?.trim() ?? el.textContent?.trim() ?? '';
      }),
    );
  }
  for (const name of ['Account menu', 'Users', 'Email addresses', 'Send']) {
    expect(reached, `Tab reaches ${name}`).toContain(name);
  }
  expect(reached.indexOf('Account menu')).toBeLessThan(reached.indexOf('Email addresses'));
  await page.goto(`${base}/users`);
  await hydrated(page);
  const icon = page.getByLabel('Account menu');
  await icon.focus();
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Tab');
  await expect(icon).toBeFocused();
  const ring = await icon.evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(ring, 'the focused account button shows a ring').not.toBe('none');
  await page.keyboard.press('Enter');
  const tokens = page.getByRole('link', { name: 'API tokens' });
  await expect(tokens).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(tokens).toBeHidden();
  await expect(icon).toBeFocused();

  // A click outside closes it too.
  await icon.click();
  await expect(tokens).toBeVisible();
  await page.getByRole('heading', { level: 1 }).click();
  await expect(tokens).toBeHidden();

  // The skip link moves focus to the page's content.
  await page.goto(`${base}/users`);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(page.locator('main#main')).toBeFocused();
});

test('deleting an invitation asks first; Cancel keeps it, confirming deletes it', async ({ page }) => {
  const { base, invitee } = await workspaceWithRows(page);
  await page.goto(`${base}/users`);
  await hydrated(page);
  const pending = page.getByRole('table', { name: 'Pending invitations' });
  await page.getByRole('link', { name: `Manage: ${invitee}` }).click();
  const remove = page.getByRole('button', { name: `Delete invitation for ${invitee}` });
  await remove.click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText(`Delete the invitation to ${invitee}?`);
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(remove).toBeFocused();
  await expect(pending.getByRole('row', { name: new RegExp(invitee) }).first()).toBeVisible();

  await remove.click();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(pending.getByRole('row', { name: new RegExp(invitee) }).first()).toBeVisible();

  await remove.click();
  await dialog.getByRole('button', { name: 'Delete invitation' }).click();
  await expect(pending.getByRole('row', { name: new RegExp(invitee) })).toHaveCount(0);
  // Focus is not left on (or next to) another destructive button.
  const focused = await page.evaluate(() => document.activeElement?.id ?? document.activeElement?.tagName);
  expect(focused).toBe('main');
});

test('an action on a row answers in that row', async ({ page }) => {
  const { base, invitee } = await workspaceWithRows(page);
  await page.goto(`${base}/users`);
  await hydrated(page);
  await page.getByRole('link', { name: `Manage: ${invitee}` }).click();
  const panel = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'Done' }) });
  // Marks this document: if the page reloaded, the mark would be gone.
  await page.evaluate(() => ((window as any).__stillHere = true));
  // Sent moments ago, so sending again is refused: said in the row, not far away.
  const resend = page.getByRole('button', { name: `Resend invitation to ${invitee}` });
  await resend.click();
  await expect(panel.getByRole('alert')).toContainText(`An invitation was sent to ${invitee} moments ago`);
  // Answered in place: the same document, focus still on the button pressed.
  await expect(resend).toBeFocused();
  expect(await page.evaluate(() => (window as any).__stillHere)).toBe(true);
  await page.getByRole('button', { name: `Copy invite link for ${invitee}` }).click();
  await expect(panel.getByRole('status')).toHaveText(`New link for ${invitee} below; the emailed link no longer works`);
  await expect(panel.getByRole('alert')).toHaveCount(0);
});

test('Undo brings a deleted invitation back, with its link', async ({ page }) => {
  const { base, invitee } = await workspaceWithRows(page);
  await page.goto(`${base}/users`);
  await hydrated(page);
  const pending = page.getByRole('table', { name: 'Pending invitations' });
  await page.getByRole('link', { name: `Manage: ${invitee}` }).click();
  await page.getByRole('button', { name: `Delete invitation for ${invitee}` }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete invitation' }).click();
  await expect(page.getByRole('status')).toContainText(`Invitation to ${invitee} deleted`);
  await expect(pending.getByRole('row', { name: new RegExp(invitee) })).toHaveCount(0);
  await page.getByRole('button', { name: `Undo: restore the invitation to ${invitee}` }).click();
  await expect(page.getByRole('status')).toContainText(`Invitation to ${invitee} restored`);
  await expect(pending.getByRole('row', { name: new RegExp(invitee) }).first()).toBeVisible();
  await expect(page.getByRole('button', { name: /^Undo/ })).toHaveCount(0);
});

test('Copy invite link hands over a working link; the invited person can decline it and the owner sees that', async ({ page, browser }) => {
  const { base, invitee } = await workspaceWithRows(page);
  await page.goto(`${base}/users`);
  await hydrated(page);
  await page.getByRole('link', { name: `Manage: ${invitee}` }).click();
  await page.getByRole('button', { name: `Copy invite link for ${invitee}` }).click();
  const field = page.getByRole('textbox', { name: `Invite link for ${invitee}` });
  await expect(field).toHaveValue(/\/invite\/[A-Za-z0-9_-]{43}$/);
  const link = await field.inputValue();
  await page.getByRole('button', { name: 'Copy', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Copied', exact: true })).toBeVisible();

  // The invited person opens it, sees what they would get, and declines.
  const other = await browser.newContext({ storageState: undefined });
  const guest = await other.newPage();
  await guest.goto(link);
  await expect(guest.getByRole('heading', { level: 1 })).toContainText('Join Front');
  // The tab says what the heading says, and the page lists what every member may do.
  const heading = (await guest.getByRole('heading', { level: 1 }).textContent())!.trim();
  await expect(guest).toHaveTitle(`${heading} · Boardroom`);
  const everyone = guest.getByRole('list', { name: 'What every member may do' });
  await expect(everyone).toContainText('business_read');
  await expect(everyone).toContainText('See boards; See when boards ran; See workspace settings; See people, roles and groups');
  await hydrated(guest);
  await guest.getByRole('button', { name: 'Decline invitation' }).click();
  const dialog = guest.getByRole('dialog');
  await expect(dialog).toContainText('sees that you declined');
  await dialog.getByRole('button', { name: 'Decline invitation' }).click();
  await expect(guest.getByRole('status')).toContainText('You declined the invitation to join Front');
  await guest.goto(link);
  await expect(guest.getByRole('heading', { level: 1 })).toHaveText("This invitation link can't be used");
  await other.close();

  await page.goto(`${base}/users?state=declined`);
  const row = page.getByRole('table', { name: 'Pending invitations' }).getByRole('row', { name: new RegExp(invitee) });
  await expect(row).toContainText('Declined');
});

test('taking a role from everyone says how many lose it, and only then takes it', async ({ page }) => {
  const { base } = await workspaceWithRows(page);
  await page.goto(`${base}/groups`);
  await hydrated(page);
  const take = page.getByRole('button', { name: 'Take business_read away from everyone' });
  await take.click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('Take business_read away from everyone? 1 member will lose what it grants');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await page.reload();
  await expect(page.getByRole('button', { name: 'Take business_read away from everyone' })).toBeVisible();
});

test('every button and control is at least 24 by 24 px, on every page and at both widths', async ({ page }) => {
  const { base } = await workspaceWithRows(page);
  const small: string[] = [];
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: 800 });
    for (const path of everyPage(base)) {
      await page.goto(path);
      // Buttons, and links and inputs that stand alone (a link inside a
      // sentence is exempt, as WCAG 2.2's target size allows).
      const found = await page.evaluate(() =>
        Array.from(document.querySelectorAll<HTMLElement>('button, input:not([type=hidden]), select, a[href]'))
          .filter((el) => el.offsetParent !== null && !el.closest('p, li > span, dd, td > span'))
          // A checkbox is hit through its whole label.
          .map((el) => ({ el, box: ((el.matches('[type=checkbox], [type=radio]') && el.closest('label')) || el).getBoundingClientRect() }))
          // Visually hidden until focused (the skip link) is not a target yet.
          .filter(({ box }) => box.width > 1 && box.height > 1)
          .filter(({ box }) => box.width < 24 || box.height < 24)
          .map(({ el, box }) => `${el.tagName} "${el.getAttribute('aria-label') ?? el.textContent?.trim()}" ${Math.round(box.width)}×${Math.round(box.height)}`),
      );
      small.push(...found.map((f) => `${path.replace(base, '')} at ${width} px: ${f}`));
    }
  }
  expect(small).toEqual([]);
});

test('an answer covers no control, and can be dismissed, at 1280 and 375 px', async ({ page }) => {
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: 800 });
    const invitee = `notice-${unique()}@example.com`;
    await page.goto(`${base}/users`);
    await hydrated(page);
    await page.getByLabel('Email addresses').fill(invitee);
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const said = notice(page);
    await expect(said).toHaveText(`Invitation sent to ${invitee}`);
    // Whatever the scroll, nothing the person may use next lies under it.
    for (const scroll of [0, 400, 10_000]) {
      await page.evaluate((y) => window.scrollTo(0, y), scroll);
      const covered = await page.evaluate(() => {
        const region = document.querySelector('[role=status]')!.getBoundingClientRect();
        if (region.height === 0) return [];
        return Array.from(document.querySelectorAll<HTMLElement>('button, input:not([type=hidden]), select, a[href]'))
          // Shown: not in a closed menu, not hidden.
          .filter((el) => el.checkVisibility({ checkVisibilityCSS: true }) && !document.querySelector('[role=status]')!.contains(el))
          .filter((el) => {
            const b = el.getBoundingClientRect();
            return b.width > 1 && b.left < region.right && b.right > region.left && b.top < region.bottom && b.bottom > region.top;
          })
          .map((el) => el.getAttribute('aria-label') ?? el.textContent?.trim() ?? el.tagName);
      });
      expect(covered, `at ${width} px, scrolled to ${scroll}`).toEqual([]);
    }
    await page.getByRole('link', { name: 'Dismiss' }).click();
    await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();
    await expect(notice(page)).toHaveCount(0);
  }
});

test("the invite form checks each address as it is typed, by the server's rules, and again after a send", async ({ page }) => {
  const a = `ok-${unique()}@example.com`;
  const b = `ok-${unique()}@example.com`;
  await page.goto(`${base}/users`);
  await hydrated(page);
  const field = page.getByLabel('Email addresses');
  await field.fill(`jon@, ${a}, ${b}`);
  const list = page.getByRole('list', { name: 'Addresses to send to' });
  await expect(list).toContainText(`Ready: ${a}`);
  await expect(list).toContainText('Not valid: Enter an email address in the correct format, like name@example.com (\u201cjon@\u201d is not)');
  await expect(page.getByText('2 to send, 1 not valid (left out)')).toBeVisible();
  // The answer to Send replaces the page in place; its field checks as well.
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(field).toHaveValue('jon@');
  await expect(page.getByText('1 not valid', { exact: true })).toBeVisible();
  await field.fill(`mia@example.com, zed@`);
  await expect(page.getByText('1 to send, 1 not valid (left out)')).toBeVisible();
  await expect(list).toContainText('Ready: mia@example.com');

  // Once typing pauses, addresses the workspace knows are marked: a member's
  // (the owner's own, from the account menu) and one invited already.
  await page.getByLabel('Account menu').click();
  const own = (await page.locator('details:has(summary[aria-label="Account menu"]) p').nth(1).textContent())!.trim();
  await page.keyboard.press('Escape');
  await field.fill(`${own}, ${a}, new-${unique()}@example.com`);
  await expect(list).toContainText(`Already a member: ${own}`);
  await expect(list).toContainText(`Invited already (sent again): ${a}`);
  await expect(list.getByText(/^Ready: new-/)).toBeVisible();
  await expect(page.getByText('2 to send, 1 already a member', { exact: true })).toBeVisible();
});

test('the only owner is told why they cannot leave instead of being offered Leave', async ({ page }) => {
  const { base } = await workspaceWithRows(page);
  await page.goto(`${base}/settings`);
  await expect(page.getByText(/^You are the only owner of/)).toContainText("You are the only owner of");
  await expect(page.getByRole('button', { name: /^Leave/ })).toHaveCount(0);
});

test.describe('in the dark', () => {
  test.use({ colorScheme: 'dark' });

  test('pages follow the system setting', async ({ page }) => {
    const { base } = await workspaceWithRows(page);
    await page.goto(`${base}/users`);
    const lightness = async (selector: string, property: 'backgroundColor' | 'color') =>
      page.evaluate(
        ([sel, prop]) => {
          const probe = document.createElement('canvas').getContext('2d')!;
          probe.fillStyle = getComputedStyle(document.querySelector(sel)!)[prop as 'color'];
          probe.fillRect(0, 0, 1, 1);
          const [r, g, b] = probe.getImageData(0, 0, 1, 1).data;
          return (r + g + b) / 3;
        },
        [selector, property],
      );
    expect(await lightness('body', 'backgroundColor')).toBeLessThan(60);
    expect(await lightness('body', 'color')).toBeGreaterThan(200);
    expect(await lightness('header', 'backgroundColor')).toBeLessThan(60);
  });
});

test.describe("in the reader's time zone", () => {
  test.use({ timezoneId: 'Asia/Tokyo', locale: 'en-GB' });

  test('times read relative when recent, with the full local time as a tooltip, after hydration too', async ({ page }) => {
    const { base, invitee } = await workspaceWithRows(page);
    await page.goto(`${base}/users`);
    await hydrated(page);
    const row = page.getByRole('table', { name: 'Pending invitations' }).getByRole('row', { name: new RegExp(invitee) });
    const sent = row.locator('time').nth(0);
    await expect(sent).toHaveText(/^(now|\d+ seconds? ago|1 minute ago)$/);
    await expect(sent).toHaveAttribute('title', /GMT\+9|JST/);
    await expect(row.locator('time').nth(1)).toHaveText('in 7 days');
  });
});
