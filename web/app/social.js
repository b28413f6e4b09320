// Signing in with a provider (Google, Facebook, VK ID). The backend makes the state, the
// PKCE verifier and the nonce; this page only goes to the authorize URL it answers and
// comes back. The provider redirects to this origin's `/` (the one path the bucket
// serves, and a redirect URI may not carry a fragment) with `?code=…&state=…` (VK ID adds
// `&device_id=…`, which its token exchange needs back); on load
// that query is taken into memory and the location becomes the hash route
// `/auth/callback`, so the code is neither shown nor kept in the history.
// What the sign-in was for (a login or linking to the signed-in account) waits in
// sessionStorage under its state: only the tab that started it can finish it.
import { api } from './api.js';

const PENDING = 'natives.providerSignIn';

/** The redirect URI of this client: the deployment's allow-list names it. */
export function callbackUri() {
  return `${location.origin}/`;
}

/**
 * Starts a sign-in with `provider` (`{id, name}` as `GET /v1/auth/providers` lists it;
 * `purpose`: 'login' or 'link') and leaves for its authorize page. `next`: the route to
 * open once signed in.
 */
export async function startProviderSignIn(provider, purpose, next = '/') {
  const started = await api('POST', `/auth/providers/${encodeURIComponent(provider.id)}/authorizations`, {
    body: { redirect_uri: callbackUri() },
  });
  const pending = { state: started.state, provider: provider.id, name: provider.name, purpose, next };
  sessionStorage.setItem(PENDING, JSON.stringify(pending));
  location.assign(started.authorize_url);
}

/** What the provider's redirect brought (`{code, state, deviceId, error}`), taken on page load. */
let arrived = null;

/**
 * On page load: a provider's redirect back (`?state=…` with `code` or `error`) is kept
 * in memory for the callback route, and leaves the address bar and the history.
 */
export function takeProviderCallback() {
  const query = new URLSearchParams(location.search);
  if (!query.has('state') || !(query.has('code') || query.has('error'))) return;
  arrived = {
    code: query.get('code'),
    state: query.get('state'),
    deviceId: query.get('device_id'),
    error: query.get('error'),
  };
  history.replaceState(null, '', `${location.pathname}#/auth/callback`);
}

/**
 * The redirect this page arrived with and the sign-in this tab started with its state
 * (`{provider, name, purpose, next, code, deviceId, error}`), both used up; null when there is
 * none, or the state is not the one this tab sent.
 */
export function takeArrival() {
  const raw = sessionStorage.getItem(PENDING);
  const came = arrived;
  arrived = null;
  if (!raw || !came) return null;
  const pending = JSON.parse(raw);
  if (pending.state !== came.state) return null;
  sessionStorage.removeItem(PENDING);
  return { ...pending, code: came.code, deviceId: came.deviceId, error: came.error };
}
