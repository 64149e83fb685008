// A real OpenID Connect provider (panva/oidc-provider, OpenID Certified) on loopback, for kumokan's
// single sign-on tests only. Usage: node server.mjs CONFIG.json; prints {"issuer": …} once listening.
//
// CONFIG.json: {"clients": [oidc-provider client metadata…]}. The tests steer it over loopback:
//   PUT    /__test/accounts/SUB   JSON claims  → the person exists (or their claims change)
//   DELETE /__test/accounts/SUB               → the person is disabled at the provider
//   PUT    /__test/impostor-key   {"on": bool} → the JWKS endpoint publishes another key under the
//                                                 signing key's kid (tokens then fail verification)
// The sign-in page (/interaction/UID) asks only for the account's sub: the tests play the person.
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';

import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));

function signingKey(kid) {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
}

function publicPart(jwk) {
  const { kty, n, e, kid, alg, use } = jwk;
  return { kty, n, e, kid, alg, use };
}

const key = signingKey('kumokan-test');
const impostor = signingKey('kumokan-test');
const accounts = new Map();
let publishImpostor = false;

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(res, status, body) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>Test provider</title></head><body>${body}</body></html>`);
}

function json(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function loginForm(uid, error) {
  return `<h1>Test identity provider</h1>${error ? `<p class="error">${escape(error)}</p>` : ''}
    <form method="post" action="/interaction/${uid}/login">
      <label>Account <input name="login" autofocus></label>
      <button type="submit">Sign in</button>
    </form>
    <form method="post" action="/interaction/${uid}/abort"><button type="submit">Cancel</button></form>`;
}

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: config.clients,
  jwks: { keys: [key] },
  async findAccount(_ctx, sub) {
    const claims = accounts.get(sub);
    if (!claims) return undefined;
    return { accountId: sub, claims: async () => ({ ...claims, sub }) };
  },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'family_name', 'given_name', 'preferred_username'],
    groups: ['groups'],
  },
  scopes: ['openid', 'offline_access', 'email', 'profile', 'groups'],
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: { enabled: true },
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
  // kumokan re-checks a session with the refresh token; a disabled person's refresh is refused.
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  pkce: { required: () => false },
});
const handle = provider.callback();

async function interaction(req, res, uid, action) {
  if (req.method === 'GET' && !action) {
    const details = await provider.interactionDetails(req, res);
    if (details.prompt.name === 'login') return page(res, 200, loginForm(uid));
    // Consent is the city's business, not the test's: grant what was asked.
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
    const missing = details.prompt.details;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }
  if (req.method === 'POST' && action === 'login') {
    const login = new URLSearchParams(await readBody(req)).get('login') || '';
    if (!accounts.has(login)) return page(res, 200, loginForm(uid, 'No such account (or it is disabled).'));
    return provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
  }
  if (req.method === 'POST' && action === 'abort') {
    const result = { error: 'access_denied', error_description: 'The person cancelled the sign-in.' };
    return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  }
  return page(res, 404, 'Not found');
}

async function control(req, res, path) {
  const body = req.method === 'PUT' ? JSON.parse((await readBody(req)) || '{}') : {};
  const account = path.match(/^\/__test\/accounts\/([^/]+)$/);
  if (account && req.method === 'PUT') {
    accounts.set(decodeURIComponent(account[1]), body);
    return json(res, 200, { ok: true });
  }
  if (account && req.method === 'DELETE') {
    accounts.delete(decodeURIComponent(account[1]));
    return json(res, 200, { ok: true });
  }
  if (path === '/__test/impostor-key' && req.method === 'PUT') {
    publishImpostor = Boolean(body.on);
    return json(res, 200, { ok: true });
  }
  return json(res, 404, { error: 'unknown test control' });
}

server.on('request', async (req, res) => {
  try {
    const path = new URL(req.url, issuer).pathname;
    if (path.startsWith('/__test/')) return await control(req, res, path);
    const step = path.match(/^\/interaction\/([^/]+)(?:\/(login|abort))?$/);
    if (step) return await interaction(req, res, step[1], step[2]);
    if (path === '/jwks' && publishImpostor) return json(res, 200, { keys: [publicPart(impostor)] });
    return handle(req, res);
  } catch (error) {
    return page(res, 500, escape(error.stack || error));
  }
});

process.stdout.write(`${JSON.stringify({ issuer })}\n`);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
