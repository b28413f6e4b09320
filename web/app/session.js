// Who is signed in. The access token lives in this module's memory only; the refresh
// token is an HttpOnly cookie (Path=/v1/sessions) that scripts cannot read, sent back by
// the browser to refresh and logout, which accept it only with the X-Requested-With
// header. localStorage keeps one flag, "this browser signed in", so a visitor's page
// does not ask for a refresh it cannot get.
import { api, problemOf } from './api.js';

const BROWSER_HEADER = { 'x-requested-with': 'natives-web' };
const SIGNED_IN_FLAG = 'natives.signedIn';
/** Refresh this long before the access token expires. */
const REFRESH_MARGIN_SECONDS = 60;

export const session = {
  accessToken: null,
  /** 'privacy' for a privacy session (only the privacy rights), else 'full'. */
  scope: 'full',
  /** GET /v1/me of the signed-in account, or null. */
  me: null,
};

const listeners = new Set();
let refreshTimer = null;

/** Calls `listener` whenever the session changes; returns the unsubscribe function. */
export function subscribe(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function changed() {
  for (const listener of listeners) listener(session);
}

export function hasRole(role) {
  return Boolean(session.me && session.me.roles.includes(role));
}

async function postSession(path, body) {
  const headers = { ...BROWSER_HEADER, accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  return fetch(`/v1/sessions${path}`, {
    method: 'POST',
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
}

/** The `scope` claim of an access token (the API signs it; absent: a full session). */
function scopeOf(accessToken) {
  try {
    const payload = accessToken.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(payload)).scope || 'full';
  } catch {
    return 'full';
  }
}

async function begin(tokens) {
  session.accessToken = tokens.access_token;
  session.scope = scopeOf(tokens.access_token);
  localStorage.setItem(SIGNED_IN_FLAG, '1');
  clearTimeout(refreshTimer);
  const seconds = Math.max(tokens.expires_in - REFRESH_MARGIN_SECONDS, 5);
  refreshTimer = setTimeout(refresh, seconds * 1000);
  await reloadMe();
}

function end() {
  clearTimeout(refreshTimer);
  session.accessToken = null;
  session.scope = 'full';
  session.me = null;
  localStorage.removeItem(SIGNED_IN_FLAG);
  changed();
}

/** Reads the account again (after a purchase, a profile change…). */
export async function reloadMe() {
  session.me = await api('GET', '/me');
  changed();
}

/**
 * Logs in; the answer's refresh token goes into the cookie, not to this script. `scope`
 * 'privacy' asks for a privacy session (what a blocked account may still open).
 */
export async function login(email, password, scope = 'full') {
  const body = scope === 'privacy' ? { email, password, scope } : { email, password };
  const response = await postSession('', body);
  if (!response.ok) throw await problemOf(response);
  await begin(await response.json());
}

let refreshing = null;

/**
 * A new access token from the cookie; false when there is no session to refresh. Tabs
 * take turns (a Web Lock): a refresh token is single-use, and two tabs sending the same
 * cookie at once would end the session as a reused token.
 */
export function refresh() {
  if (!refreshing) {
    const run = async () => {
      const response = await postSession('/refresh');
      if (!response.ok) {
        end();
        return false;
      }
      await begin(await response.json());
      return true;
    };
    const locked = navigator.locks ? navigator.locks.request('natives-refresh', run) : run();
    refreshing = locked.catch(() => false).finally(() => { refreshing = null; });
  }
  return refreshing;
}

/** On page load: the session this browser had, if its cookie still opens one. */
export async function restore() {
  if (localStorage.getItem(SIGNED_IN_FLAG)) await refresh();
}

export async function logout() {
  await postSession('/logout').catch(() => null);
  end();
}

/** Ends the session here without asking the API (after erasure or revoke-all). */
export function forget() {
  end();
}

/**
 * Signs in with a provider's `code` and `state`: true once signed in, or the API's
 * `{registration_required, registration_token, profile}` for a person it does not know.
 * A 409 `link_required` is thrown like any refusal.
 */
export async function socialLogin(provider, code, state, deviceId) {
  const body = { provider, code, state };
  if (deviceId) body.device_id = deviceId;
  const response = await postSession('/social', body);
  if (!response.ok) throw await problemOf(response);
  const answer = await response.json();
  if (answer.registration_required) return answer;
  await begin(answer);
  return true;
}
