// Hash routes (`#/threads/01J…`): the deployed bucket serves one index.html for `/`, so
// no path but `/` has to exist on the server, and a reload or a shared link works as is.
import { useState, useEffect } from './html.js';

/** `#/threads/abc?x=1` → { path: '/threads/abc', query: URLSearchParams }. */
export function currentLocation() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, search = ''] = hash.split('?');
  return { path, query: new URLSearchParams(search) };
}

/** Matches `path` against a pattern like `/threads/:id`; the parameters, or null. */
export function match(pattern, path) {
  const want = pattern.split('/');
  const have = path.split('/');
  if (want.length !== have.length) return null;
  const params = {};
  for (let i = 0; i < want.length; i += 1) {
    if (want[i].startsWith(':')) params[want[i].slice(1)] = decodeURIComponent(have[i]);
    else if (want[i] !== have[i]) return null;
  }
  return params;
}

/** The current location, re-rendering on every change. */
export function useLocation() {
  const [where, setWhere] = useState(currentLocation);
  useEffect(() => {
    const changed = () => setWhere(currentLocation());
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return where;
}

/** A link target for a route: href('/threads/:id', {id}) → '#/threads/01J…'. */
export function href(pattern, params = {}, query = {}) {
  const path = pattern.replace(/:(\w+)/g, (_, name) => encodeURIComponent(params[name]));
  const search = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined && v !== ''));
  const tail = search.toString();
  return `#${path}${tail ? `?${tail}` : ''}`;
}

export function navigate(pattern, params, query) {
  location.hash = href(pattern, params, query);
}
