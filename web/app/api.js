// The API, as the pages call it: JSON in and out, the access token attached, and every
// refusal turned into an ApiError whose message is the problem's own `detail`.
import { t } from './i18n.js';
import { session, refresh } from './session.js';

/** A refusal or failure, carrying what the API said (RFC 9457 problem details). */
export class ApiError extends Error {
  constructor(message, { status = 0, code = 'network_error', errors = [], problem = null } = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.errors = errors;
    this.problem = problem;
  }
}

/**
 * Calls `/v1<path>`. Options: `body` (sent as JSON), `query` (an object), `idempotencyKey`
 * (paid and money requests: the same key replays the first answer), `raw` (return the
 * Response, for downloads). A 401 on a signed-in call refreshes the session once and
 * retries.
 */
export async function api(method, path, { body, query, idempotencyKey, raw = false, retried = false, fresh = false } = {}) {
  const url = new URL(`/v1${path}`, location.origin);
  for (const [name, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(name, value);
  }
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
  // A privacy session's token opens only the account's own routes (`/me…`): elsewhere the
  // page reads as a visitor does rather than be refused.
  const token = session.scope === 'privacy' && !path.startsWith('/me') ? null : session.accessToken;
  if (token) headers.authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      // `fresh`: ask again (a 304 when unchanged) rather than trust a cached public answer.
      cache: fresh ? 'no-cache' : 'default',
    });
  } catch {
    throw new ApiError(t('error.network'));
  }
  if (response.status === 401 && token && !retried && (await refresh())) {
    return api(method, path, { body, query, idempotencyKey, raw, fresh, retried: true });
  }
  if (!response.ok) throw await problemOf(response);
  if (raw) return response;
  if (response.status === 204) return null;
  return response.json();
}

/** The ApiError for a refused answer: its problem's detail, or a sentence of ours. */
export async function problemOf(response) {
  const type = response.headers.get('content-type') || '';
  if (type.includes('json')) {
    try {
      const problem = await response.json();
      if (problem && typeof problem.detail === 'string') {
        return new ApiError(problem.detail, {
          status: response.status,
          code: problem.code || 'error',
          errors: problem.errors || [],
          problem,
        });
      }
    } catch {
      // not JSON after all: the sentence below
    }
  }
  return new ApiError(t('error.unexpected'), { status: response.status, code: 'unexpected' });
}

/** A key for one paid or money request, kept until it succeeds (so a retry is one charge). */
export function newIdempotencyKey() {
  return crypto.randomUUID();
}
