// Kinga self-service page. The person signs in through the realm's login page (authorization code
// + PKCE, public client from /my-data/config) and the page calls /api/v1/me/... with their token,
// so the sidecar only ever acts on the signed-in person's own data.
'use strict';

const MESSAGES = window.KINGA_MESSAGES;
const PAGE = `${location.origin}/my-data/`;
const API = `${location.origin}/api/v1/me`;
const POLL_MILLIS = 2000;
let config = null;
let accessToken = null;
let idToken = null;
let lang = 'en';
let consents = null;
let requests = [];
let pollTimer = null;

const $ = (id) => document.getElementById(id);

/** Thrown when the sidecar wants a fresher sign-in (RFC 9470). */
class SignInAgain extends Error {}

function t(key, ...args) {
  let text = (MESSAGES[lang] && MESSAGES[lang][key]) || MESSAGES.en[key] || key;
  args.forEach((arg, i) => { text = text.replace(`{${i}}`, arg); });
  return text;
}

function chooseLanguage() {
  const asked = new URLSearchParams(location.search).get('lang') || localStorage.getItem('kinga-lang') || navigator.language || 'en';
  return asked.toLowerCase().startsWith('sw') ? 'sw' : 'en';
}

function applyLanguage() {
  document.documentElement.lang = lang;
  document.title = t('title');
  document.querySelectorAll('[data-m]').forEach((e) => { e.textContent = t(e.dataset.m); });
  document.querySelectorAll('button.lang').forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.lang === lang)));
  if (config) {
    $('erase-help').textContent = t('eraseHelp', config.erasureGraceDays);
    $('erase-grace-label').textContent = t('eraseGraceLabel', config.erasureGraceDays);
  }
  if (consents) renderConsents();
  if (accessToken) renderRequests();
}

function date(iso) {
  return iso ? new Date(iso).toLocaleDateString(lang === 'sw' ? 'sw-KE' : 'en-GB', { year: 'numeric', month: 'long', day: 'numeric' }) : '—';
}

function showError(error) {
  $('error').textContent = error.message;
  $('error').hidden = false;
}

function clearError() {
  $('error').hidden = true;
}

function status(text) {
  $('status').textContent = text || '';
}

function b64url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function oidc(path) {
  return `${config.keycloakUrl}/realms/${encodeURIComponent(config.realm)}/protocol/openid-connect/${path}`;
}

/** To the login page; {@code resume} is what to carry on with when the person is back. */
async function signIn(options = {}) {
  const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
  const state = b64url(crypto.getRandomValues(new Uint8Array(16)));
  // A resumed action belongs to whoever asked for it: it is dropped if someone else signs in.
  const resume = options.resume ? Object.assign({ sub: subject() }, options.resume) : null;
  sessionStorage.setItem('kinga-pkce', JSON.stringify({ verifier, state, resume }));
  const params = new URLSearchParams({
    client_id: config.clientId, response_type: 'code', scope: 'openid', redirect_uri: PAGE, state,
    code_challenge: b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))),
    code_challenge_method: 'S256', ui_locales: lang,
  });
  if (options.fresh) {
    params.set('max_age', '0'); // the password again, not the open session
    params.set('prompt', 'login');
  }
  location.assign(`${oidc('auth')}?${params}`);
  return new Promise(() => {});
}

/**
 * The page's own sentence for an OAuth error code. The address is anyone's to write (a link in a
 * phishing mail), so no text from it reaches the page: only a known code picks a sentence.
 */
function signInError(code) {
  const key = `signInError_${code}`;
  const known = typeof code === 'string' && /^[a-z_]{1,40}$/.test(code) && Object.hasOwn(MESSAGES.en, key);
  return t(known ? key : 'signInError_other');
}

/** The code back from the login page, exchanged for tokens; answers what to resume, if anything. */
async function finishSignIn(params) {
  const saved = JSON.parse(sessionStorage.getItem('kinga-pkce') || 'null');
  sessionStorage.removeItem('kinga-pkce');
  history.replaceState(null, '', '/my-data/'); // the code must not stay in the address bar
  if (params.get('error')) {
    throw new Error(signInError(params.get('error')));
  }
  if (!saved || params.get('state') !== saved.state) {
    throw new Error(t('stateMismatch'));
  }
  const response = await fetch(oidc('token'), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code', client_id: config.clientId, code: params.get('code'),
      redirect_uri: PAGE, code_verifier: saved.verifier,
    }),
  });
  const body = await response.json();
  if (!response.ok) {
    throw new Error(signInError(body.error));
  }
  accessToken = body.access_token;
  idToken = body.id_token;
  const claims = JSON.parse(atob(accessToken.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
  $('who-name').textContent = claims.preferred_username || '';
  $('who').hidden = false;
  return saved.resume && saved.resume.sub === claims.sub ? saved.resume : null;
}

function subject() {
  return accessToken ? JSON.parse(atob(accessToken.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))).sub : null;
}

async function api(method, path, body) {
  const response = await fetch(API + path, {
    method,
    headers: Object.assign(accessToken ? { Authorization: `Bearer ${accessToken}` } : {},
      body ? { 'Content-Type': 'application/json' } : {}),
    body: body ? JSON.stringify(body) : undefined,
  });
  const type = response.headers.get('Content-Type') || '';
  if (!type.includes('json')) {
    if (!response.ok) throw new Error(t('unavailable'));
    return response.blob();
  }
  const data = await response.json();
  if (response.status === 401 && data.error === 'insufficient_user_authentication') {
    throw new SignInAgain(data.error_description);
  }
  if (response.status === 401 && accessToken) {
    return signIn(); // the token expired: the realm's session signs the person in again without a prompt
  }
  if (response.status >= 500) {
    throw new Error(t('unavailable'));
  }
  if (!response.ok) {
    throw new Error(data.error_description || data.error);
  }
  return data;
}

function button(id, label, onClick, className) {
  const b = document.createElement('button');
  b.type = 'button';
  b.id = id;
  b.textContent = label;
  if (className) b.className = className;
  b.addEventListener('click', () => { clearError(); onClick().catch(showError); });
  return b;
}

function renderConsents() {
  const list = $('consents');
  list.replaceChildren();
  if (consents.purposes.length === 0) {
    const li = document.createElement('li');
    li.textContent = t('consentsNone');
    list.appendChild(li);
  }
  for (const purpose of consents.purposes) {
    const state = consents.mine.current.find((s) => s.purpose === purpose.key);
    const li = document.createElement('li');
    li.id = `purpose-${purpose.key}`;
    const text = document.createElement('p');
    text.textContent = purpose.text;
    const line = document.createElement('p');
    line.className = 'state';
    if (state && state.granted) {
      line.textContent = t('consentGiven', date(state.at), state.version)
        + (state.version < purpose.version ? ` ${t('consentOutdated', state.version)}` : '');
    } else {
      line.textContent = state ? t('consentWithdrawn', date(state.at)) : t('consentNever');
    }
    const granted = state && state.granted && state.version === purpose.version;
    li.append(text, line, button(`consent-${purpose.key}`, granted ? t('consentWithdraw') : t('consentGive'),
      () => changeConsent(purpose, granted ? 'withdraw' : 'grant')));
    list.appendChild(li);
  }
}

async function changeConsent(purpose, action) {
  await api('POST', '/consents', action === 'grant' ? { purpose: purpose.key, action, version: purpose.version }
    : { purpose: purpose.key, action });
  consents = await api('GET', '/consents');
  renderConsents();
}

function statusText(r) {
  return r.status === 'scheduled' && r.erasureAt ? t('status_scheduled', date(r.erasureAt)) : t(`status_${r.status}`);
}

function renderRequests() {
  const tbody = $('requests');
  tbody.replaceChildren();
  for (const r of requests) {
    const row = document.createElement('tr');
    row.id = `request-${r.id}`;
    row.dataset.status = r.status;
    for (const text of [t(`type_${r.type}`), statusText(r), date(r.receivedAt), r.status === 'completed' ? '—' : date(r.dueAt)]) {
      const td = document.createElement('td');
      td.textContent = text;
      row.appendChild(td);
    }
    const actions = document.createElement('td');
    if (r.archiveExpiresAt) {
      actions.append(button(`download-${r.id}`, t('download'), () => download(r, false)),
        button(`download-encrypted-${r.id}`, t('downloadEncrypted'), () => download(r, true)));
    }
    // An erasure closes the account at once: only its cancellation code keeps the account, not this page's sign-in.
    if (r.cancellable && r.type !== 'erasure' && (r.status === 'scheduled' || r.status === 'received')) {
      actions.append(button(`cancel-${r.id}`, t('cancelRequest'), () => cancel(r)));
    }
    row.appendChild(actions);
    tbody.appendChild(row);
  }
  if (requests.length === 0) {
    const row = document.createElement('tr');
    const td = document.createElement('td');
    td.colSpan = 5;
    td.textContent = t('requestsNone');
    row.appendChild(td);
    tbody.appendChild(row);
  }
}

/** Shows the requests, and looks again while one is being worked on. */
async function loadRequests() {
  requests = await api('GET', '/requests');
  renderRequests();
  clearTimeout(pollTimer);
  if (requests.some((r) => r.status === 'received' || r.status === 'in_progress')) {
    pollTimer = setTimeout(() => loadRequests().catch(showError), POLL_MILLIS);
  }
}

async function requestExport() {
  await api('POST', '/requests', { type: 'export' });
  status(t('exportAsked'));
  await loadRequests();
}

async function download(r, encrypted) {
  const passphrase = $('passphrase').value;
  if (encrypted && passphrase.length < 12) {
    throw new Error(t('passphraseShort'));
  }
  let link;
  try {
    link = await api('POST', `/requests/${r.id}/archive-link`);
  } catch (e) {
    if (e instanceof SignInAgain) {
      status(t('reauthDownload'));
      return signIn({ fresh: true, resume: { action: 'download', id: r.id } });
    }
    throw e;
  }
  const blob = await api(encrypted ? 'POST' : 'GET', link.url.replace('/api/v1/me', ''), encrypted ? { passphrase } : undefined);
  const file = blob instanceof Blob ? blob : new Blob([JSON.stringify(blob, null, 2)], { type: 'application/json' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(file);
  a.download = encrypted ? 'my-data.json.asc' : 'my-data.json';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 60000);
  status(t('downloaded'));
}

async function cancel(r) {
  await api('POST', `/requests/${r.id}/cancel`);
  await loadRequests();
}

async function requestErasure(now) {
  if (!$('erase-confirm').checked) {
    throw new Error(t('eraseConfirmFirst'));
  }
  let created;
  try {
    created = await api('POST', '/requests', now ? { type: 'erasure', graceDays: 0 } : { type: 'erasure' });
  } catch (e) {
    if (e instanceof SignInAgain) {
      status(t('reauth'));
      return signIn({ fresh: true, resume: { action: 'erase', now } });
    }
    throw e;
  }
  $('erase-request').disabled = true;
  if (created.cancelCode) {
    const link = `${PAGE}#cancel=${created.cancelCode}`;
    $('cancel-link').href = link;
    $('cancel-link').textContent = link;
    $('cancel-code-shown').textContent = created.cancelCode;
    $('erase-result').hidden = false;
  } else {
    status(t('eraseStarted'));
  }
  await loadRequests();
}

async function cancelWithCode(event) {
  event.preventDefault();
  clearError();
  await api('POST', '/cancel-erasure', { code: $('cancel-code').value.trim() });
  history.replaceState(null, '', '/my-data/');
  $('cancel-form').hidden = true;
  $('cancel-done').hidden = false;
}

function signOut() {
  const params = new URLSearchParams({ client_id: config.clientId, post_logout_redirect_uri: PAGE });
  if (idToken) params.set('id_token_hint', idToken);
  location.assign(`${oidc('logout')}?${params}`);
}

async function start() {
  lang = chooseLanguage();
  document.querySelectorAll('button.lang').forEach((b) => b.addEventListener('click', () => {
    lang = b.dataset.lang;
    localStorage.setItem('kinga-lang', lang);
    applyLanguage();
  }));
  const response = await fetch('/my-data/config');
  if (!response.ok) throw new Error(t('unavailable'));
  config = await response.json();
  applyLanguage();
  $('sign-in').addEventListener('click', () => signIn().catch(showError));
  $('sign-out').addEventListener('click', signOut);
  $('cancel-form').addEventListener('submit', (e) => cancelWithCode(e).catch(showError));
  $('export-request').addEventListener('click', () => { clearError(); requestExport().catch(showError); });
  $('erase-request').addEventListener('click', () => { clearError(); requestErasure($('erase-now').checked).catch(showError); });

  const params = new URLSearchParams(location.search);
  if (params.has('code') || params.has('error')) {
    status(t('signingIn'));
    const resume = await finishSignIn(params);
    status('');
    $('app').hidden = false;
    consents = await api('GET', '/consents');
    renderConsents();
    await loadRequests();
    if (resume && resume.action === 'erase') {
      $('erase-confirm').checked = true;
      $(resume.now ? 'erase-now' : 'erase-grace').checked = true;
      await requestErasure(resume.now);
    } else if (resume && resume.action === 'download') {
      status(t('reauthDone')); // the passphrase was not kept: the person clicks again
    }
    return;
  }
  window.addEventListener('hashchange', showCancelForm); // the cancellation link opened in this tab
  if (params.has('signin') && !cancelCodeInAddress()) {
    await signIn();
    return;
  }
  $('landing').hidden = false;
  showCancelForm();
}

/** The cancellation code in the address, only if it has a code's shape (43 base64url characters): no other text is put on the page. */
function cancelCodeInAddress() {
  const code = new URLSearchParams(location.hash.slice(1)).get('cancel');
  return code && /^[A-Za-z0-9_-]{43}$/.test(code) ? code : null;
}

/** With a cancellation code in the address: the form to cancel with it, filled in. */
function showCancelForm() {
  const code = cancelCodeInAddress();
  if (!code) return;
  $('app').hidden = true;
  $('landing').hidden = false;
  $('cancel-form').hidden = false;
  $('cancel-done').hidden = true;
  $('cancel-code').value = code;
  $('cancel-code').focus();
}

start().catch((error) => { status(''); showError(error); });
