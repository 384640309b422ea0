import { defineConfig, devices } from '@playwright/test';
import * as path from 'path';
import * as os from 'os';

// scripts/test.sh builds the app and exports where its binary and site are.
const appPort = Number(process.env.E2E_APP_PORT ?? 3100);
const smtpPort = Number(process.env.E2E_SMTP_PORT ?? 1025);
const mailWebPort = Number(process.env.E2E_MAIL_WEB_PORT ?? 1080);
const targetDir = process.env.CARGO_TARGET_DIR ?? path.resolve(__dirname, '../target');
const binary = process.env.BOARDROOM_BIN ?? path.join(targetDir, 'debug/boardroom');
const idpPort = Number(process.env.E2E_IDP_PORT ?? 3190);
const dataDir = process.env.E2E_DATA_DIR ?? path.join(os.tmpdir(), `boardroom-e2e-${process.pid}`);

// Tests that run the binary's admin commands on the app's database find both here
// (the test workers inherit these from the runner).
process.env.BOARDROOM_BIN = binary;
process.env.E2E_DATA_DIR = dataDir;

export const appUrl = `http://127.0.0.1:${appPort}`;
// The company's identity provider (a real OpenID provider, end2end/idp) and
// the app's client there.
const idpUrl = `http://127.0.0.1:${idpPort}`;
const idpClient = {
  client_id: 'boardroom-e2e',
  client_secret: 'boardroom-e2e-secret',
  redirect_uris: [`${appUrl}/auth/oidc/callback`],
};

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: 'list',
  use: {
    baseURL: appUrl,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--no-first-run',
          ],
        },
      },
    },
  ],
  webServer: [
    {
      command: `npx maildev --smtp ${smtpPort} --web ${mailWebPort} --ip 127.0.0.1`,
      url: `http://127.0.0.1:${mailWebPort}/api/email`,
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      command: 'node idp/idp.mjs',
      url: `${idpUrl}/.well-known/openid-configuration`,
      reuseExistingServer: false,
      timeout: 30_000,
      env: { IDP_PORT: String(idpPort), IDP_CLIENTS: JSON.stringify([idpClient]) },
    },
    {
      command: `mkdir -p ${dataDir} && exec ${binary}`,
      url: `${appUrl}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      env: {
        DATABASE_URL: `sqlite://${dataDir}/e2e.db`,
        SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
        LISTEN_ADDR: `127.0.0.1:${appPort}`,
        BASE_URL: appUrl,
        LEPTOS_SITE_ROOT: process.env.LEPTOS_SITE_ROOT ?? path.join(targetDir, 'site'),
        RUST_LOG: 'warn',
        SHUTDOWN_GRACE: '0',
        OIDC_ISSUER: idpUrl,
        OIDC_CLIENT_ID: idpClient.client_id,
        OIDC_CLIENT_SECRET: idpClient.client_secret,
        OIDC_DISPLAY_NAME: 'Acme SSO',
      },
    },
  ],
});
