// A real OpenID provider for the tests (panva's oidc-provider, certified),
// on 127.0.0.1. PKCE is required of every client, as a careful company's
// provider would. Its sign-in form (devInteractions) takes any login; the
// login becomes the subject. Claims:
//   - set per subject with PUT /test/accounts/{sub} and a JSON body
//     ({"email": "...", "email_verified": true, "name": "..."});
//   - otherwise a subject that looks like an address is that address,
//     verified, and `unverified:ADDRESS` is that address, not verified.
// Clients: those in IDP_CLIENTS (a JSON array), and any the tests register
// through dynamic registration (POST /reg), each with its own redirect URI.
// Prints {"issuer": "http://127.0.0.1:PORT"} on its first line once it listens.
import http from 'node:http';
import Provider from 'oidc-provider';

const port = Number(process.env.IDP_PORT ?? 0);
const staticClients = JSON.parse(process.env.IDP_CLIENTS ?? '[]');
const accounts = new Map();

function claimsOf(sub) {
  if (accounts.has(sub)) return accounts.get(sub);
  const unverified = sub.startsWith('unverified:');
  const email = unverified ? sub.slice('unverified:'.length) : sub;
  if (!email.includes('@')) return {};
  return { email, email_verified: !unverified, name: email.split('@')[0] };
}

const server = http.createServer();
server.listen(port, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: staticClients,
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: true },
      registration: { enabled: true },
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    cookies: { keys: ['boardroom-tests-only'] },
    findAccount: async (_ctx, sub) => ({
      accountId: sub,
      claims: async () => ({ sub, ...claimsOf(sub) }),
    }),
  });
  const handle = provider.callback();
  server.on('request', (req, res) => {
    const set = req.url.match(/^\/test\/accounts\/([^/?]+)$/);
    if (set && req.method === 'PUT') {
      let body = '';
      req.on('data', (chunk) => { body += chunk; });
      req.on('end', () => {
        accounts.set(decodeURIComponent(set[1]), JSON.parse(body));
        res.writeHead(204).end();
      });
      return;
    }
    handle(req, res);
  });
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

process.on('SIGTERM', () => process.exit(0));
// Started by a test process that holds its stdin: gone with it.
if (process.env.IDP_EXIT_WITH_STDIN === '1') {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}
