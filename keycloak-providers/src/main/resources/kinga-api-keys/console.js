// Kinga API key admin page. Signs in through the realm's login page (authorization code + PKCE,
// public client kinga-api-key-console) and calls /admin/realms/{realm}/kinga-api-keys with the
// signed-in user's token, so Keycloak's admin permissions decide what the user may see and do.
'use strict';

// The realm named by the address, shown in the header: only a plain name, never a sentence someone
// wrote into a link (/realms/kinga;Your%20keys%20were%20revoked…/kinga-api-keys/console).
const REALM = ((segment) => (/^[A-Za-z0-9._-]{1,64}$/.test(segment) ? segment : ''))(location.pathname.split('/')[2] || '');
const BASE = location.origin + location.pathname.split('/realms/')[0];
const CLIENT_ID = 'kinga-api-key-console';
const REDIRECT_URI = location.origin + location.pathname;
const OIDC = `${BASE}/realms/${encodeURIComponent(REALM)}/protocol/openid-connect`;
const API = `${BASE}/admin/realms/${encodeURIComponent(REALM)}/kinga-api-keys`;
let accessToken = null;

const $ = (id) => document.getElementById(id);

function b64url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString() {
  return b64url(crypto.getRandomValues(new Uint8Array(32)));
}

async function signIn() {
  const verifier = randomString();
  const state = randomString();
  sessionStorage.setItem('kinga-pkce', JSON.stringify({ verifier, state }));
  const challenge = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const params = new URLSearchParams({
    client_id: CLIENT_ID, response_type: 'code', scope: 'openid', redirect_uri: REDIRECT_URI,
    state, code_challenge: challenge, code_challenge_method: 'S256',
  });
  location.assign(`${OIDC}/auth?${params}`);
}

/**
 * The page's own sentence for an OAuth error code. The address bar is anyone's to write (a link in
 * a phishing mail), so no text from it reaches the page: only a known code picks a sentence.
 */
const SIGN_IN_ERRORS = {
  access_denied: 'Sign-in was cancelled or refused. Sign in again to manage API keys.',
  login_required: 'Please sign in to manage API keys.',
  interaction_required: 'Please sign in to manage API keys.',
  consent_required: 'Please sign in to manage API keys.',
  temporarily_unavailable: 'Sign-in is not available right now. Try again in a few minutes.',
  server_error: 'Sign-in is not available right now. Try again in a few minutes.',
  invalid_grant: 'The sign-in took too long or was used already. Reload the page to sign in again.',
};

function signInError(code) {
  const known = typeof code === 'string' && /^[a-z_]{1,40}$/.test(code) && Object.hasOwn(SIGN_IN_ERRORS, code);
  return known ? SIGN_IN_ERRORS[code] : 'Sign-in did not succeed. Reload the page to try again.';
}

async function finishSignIn() {
  const params = new URLSearchParams(location.search);
  const saved = JSON.parse(sessionStorage.getItem('kinga-pkce') || 'null');
  sessionStorage.removeItem('kinga-pkce');
  history.replaceState(null, '', location.pathname); // the code must not stay in the address bar
  if (params.get('error')) {
    throw new Error(signInError(params.get('error')));
  }
  if (!saved || params.get('state') !== saved.state) {
    throw new Error('Sign-in answer did not match this page; reload to try again.');
  }
  const response = await fetch(`${OIDC}/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code', client_id: CLIENT_ID, code: params.get('code'),
      redirect_uri: REDIRECT_URI, code_verifier: saved.verifier,
    }),
  });
  const body = await response.json();
  if (!response.ok) {
    throw new Error(signInError(body.error));
  }
  accessToken = body.access_token;
  const claims = JSON.parse(atob(accessToken.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
  $('who').textContent = claims.preferred_username || '';
}

async function api(method, path, body) {
  const response = await fetch(API + path, {
    method,
    headers: Object.assign({ Authorization: `Bearer ${accessToken}` }, body ? { 'Content-Type': 'application/json' } : {}),
    body: body ? JSON.stringify(body) : undefined,
  });
  if (response.status === 401) {
    await signIn(); // token expired: the realm's SSO session signs in again without a prompt
    return new Promise(() => {});
  }
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (response.status === 403) {
    throw new Error('You need the realm-management roles view-clients (to look) and manage-clients (to change).');
  }
  if (!response.ok) {
    throw new Error((data && (data.error_description || data.error)) || `HTTP ${response.status}`);
  }
  return data;
}

function showError(error) {
  $('error').textContent = error.message;
  $('error').hidden = false;
}

function clearError() {
  $('error').hidden = true;
}

function cell(row, text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}

function button(label, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.addEventListener('click', () => onClick().catch(showError));
  return b;
}

function date(iso) {
  return iso ? new Date(iso).toLocaleString() : '—';
}

function selectedClient() {
  return $('client').value;
}

async function loadKeys() {
  clearError();
  const client = encodeURIComponent(selectedClient());
  const [keys, scopes] = await Promise.all([api('GET', `/clients/${client}/keys`), api('GET', `/clients/${client}/scopes`)]);
  const tbody = $('keys');
  tbody.replaceChildren();
  for (const key of keys) {
    const row = document.createElement('tr');
    row.className = key.status;
    cell(row, key.prefix);
    cell(row, key.name);
    cell(row, key.scopes.join(' '));
    cell(row, key.status + (key.replacedBy ? ` (replaced by ${key.replacedBy})` : ''));
    cell(row, date(key.expiresAt));
    cell(row, date(key.lastUsedAt));
    const actions = cell(row, '');
    if (key.status === 'active') {
      actions.appendChild(button(`Rotate ${key.prefix}`, () => rotate(key)));
      actions.appendChild(button(`Revoke ${key.prefix}`, () => revoke(key)));
    }
    tbody.appendChild(row);
  }
  if (keys.length === 0) {
    const row = document.createElement('tr');
    cell(row, 'No keys yet.').colSpan = 7;
    tbody.appendChild(row);
  }
  const box = $('scopes');
  box.replaceChildren();
  scopes.scopes.forEach((scope, i) => {
    const input = document.createElement('input');
    input.type = 'checkbox';
    input.id = `scope-${i}`;
    input.value = scope;
    const label = document.createElement('label');
    label.htmlFor = input.id;
    label.append(input, ` ${scope}`);
    box.appendChild(label);
  });
}

function showCreated(result) {
  $('created-key').textContent = result.apiKey;
  $('created').hidden = false;
  $('created').scrollIntoView();
}

async function create(event) {
  event.preventDefault();
  clearError();
  const scopes = [...document.querySelectorAll('#scopes input:checked')].map((i) => i.value);
  const cidrs = $('cidrs').value.split(/\s+/).filter(Boolean);
  const body = { name: $('name').value, scopes, expiresInDays: Number($('days').value) };
  if (cidrs.length) body.allowedCidrs = cidrs;
  showCreated(await api('POST', `/clients/${encodeURIComponent(selectedClient())}/keys`, body));
  $('create').reset();
  await loadKeys();
}

async function rotate(key) {
  const hours = prompt(`Rotate ${key.prefix}: hours the old key keeps working (0 ends it now)`, '24');
  if (hours === null) return;
  showCreated(await api('POST', `/clients/${encodeURIComponent(selectedClient())}/keys/${key.prefix}/rotate`,
    { overlapHours: Number(hours) }));
  await loadKeys();
}

async function revoke(key) {
  if (!confirm(`Revoke ${key.prefix} (${key.name})? It stops working at once, everywhere.`)) return;
  await api('POST', `/clients/${encodeURIComponent(selectedClient())}/keys/${key.prefix}/revoke`);
  await loadKeys();
}

async function start() {
  if (!REALM) {
    throw new Error('This address does not name a realm. Open the page from the realm\'s own link.');
  }
  $('realm').textContent = `— realm ${REALM}`;
  if (!new URLSearchParams(location.search).has('code') && !new URLSearchParams(location.search).has('error')) {
    await signIn();
    return;
  }
  await finishSignIn();
  const clients = await api('GET', '/clients');
  for (const c of clients) {
    const option = document.createElement('option');
    option.value = c.clientId;
    option.textContent = c.name ? `${c.clientId} (${c.name})` : c.clientId;
    $('client').appendChild(option);
  }
  $('status').hidden = true;
  $('app').hidden = false;
  $('client').addEventListener('change', () => loadKeys().catch(showError));
  $('create').addEventListener('submit', (e) => create(e).catch(showError));
  $('copy').addEventListener('click', () => navigator.clipboard.writeText($('created-key').textContent));
  $('dismiss').addEventListener('click', () => { $('created-key').textContent = ''; $('created').hidden = true; });
  if (clients.length === 0) {
    throw new Error('No client of this realm uses the “Kinga API key” client authenticator yet.');
  }
  await loadKeys();
}

start().catch((error) => { $('status').hidden = true; showError(error); });
