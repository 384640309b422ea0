import { test, expect, request as http } from '@playwright/test';
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as path from 'path';
import { emailFor, hydrated, linkIn, unique } from './support';

// Two instances of the app on one PostgreSQL database: a change made through
// one reaches a Users page served by the other (LISTEN/NOTIFY).
const targetDir = process.env.CARGO_TARGET_DIR ?? path.resolve(__dirname, '../../target');
const binary = process.env.BOARDROOM_BIN ?? path.join(targetDir, 'debug/boardroom');
const site = process.env.LEPTOS_SITE_ROOT ?? path.join(targetDir, 'site');
const smtp = Number(process.env.E2E_SMTP_PORT ?? 1025);
const database = `boardroom_test_e2e_${process.pid}`;
const ports = [3111, 3112];
const instances: ChildProcess[] = [];

function psql(sql: string) {
  execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-qc', sql]);
}

test.beforeAll(async () => {
  psql(`DROP DATABASE IF EXISTS ${database}`);
  psql(`CREATE DATABASE ${database}`);
  for (const port of ports) {
    const app = spawn(binary, [], {
      env: {
        ...process.env,
        DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${database}`,
        SMTP_URL: `smtp://127.0.0.1:${smtp}`,
        LISTEN_ADDR: `127.0.0.1:${port}`,
        BASE_URL: `http://127.0.0.1:${port}`,
        LEPTOS_SITE_ROOT: site,
        RUST_LOG: 'warn',
        SHUTDOWN_GRACE: '0',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    instances.push(app);
    const api = await http.newContext();
    await expect
      .poll(async () => (await api.get(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.status(), {
        timeout: 30_000,
        message: `instance on ${port} starts`,
      })
      .toBe(200);
    await api.dispose();
  }
});

test.afterAll(async () => {
  for (const app of instances) app.kill('SIGTERM');
  await Promise.all(instances.map((app) => new Promise((done) => (app.exitCode !== null ? done(null) : app.once('exit', done)))));
  psql(`DROP DATABASE IF EXISTS ${database}`);
});

test('an invitation sent through one instance shows on a Users page served by another', async ({ browser }) => {
  // Cookies do not depend on the port: one session, two instances.
  const context = await browser.newContext({ storageState: undefined });
  const [one, two] = ports.map((port) => `http://127.0.0.1:${port}`);
  const page = await context.newPage();
  const id = unique();
  await page.goto(`${one}/signup`);
  await page.getByLabel('Your name').fill('Ada Lovelace');
  await page.getByLabel('Email address').fill(`owner-${id}@example.com`);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByLabel('Workspace name').fill(`Cluster ${id}`);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/check-inbox$/);
  await page.goto(linkIn(await emailFor(page.request, `owner-${id}@example.com`, 'Confirm your email address for Boardroom'), 'verify'));
  await page.getByRole('button', { name: 'Confirm and continue' }).click();
  await expect(page).toHaveURL(/\/w\/[0-9a-f-]+\/boards$/);
  const users = new URL(page.url()).pathname.replace(/\/boards$/, '/users');

  await page.goto(`${one}${users}`);
  await hydrated(page);
  await page.evaluate(() => ((window as any).__stillHere = true));

  const other = await context.newPage();
  await other.goto(`${two}${users}`);
  await hydrated(other);
  const invitee = `crossing-${id}@example.com`;
  await other.getByLabel('Email addresses').fill(invitee);
  await other.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(other.getByRole('status')).toHaveText(`Invitation sent to ${invitee}`);

  await expect(
    page.getByRole('table', { name: 'Pending invitations' }).getByRole('row', { name: new RegExp(invitee) }),
  ).toBeVisible({ timeout: 2_000 });
  expect(await page.evaluate(() => (window as any).__stillHere)).toBe(true);
  await context.close();
});
