// How a page says "loading", "this failed" and "done": one look and one voice for
// screen readers everywhere.
import { html, useState, useEffect, useCallback } from '../html.js';
import { t } from '../i18n.js';
import { api } from '../api.js';

export function Loading({ label }) {
  return html`<p class="loading" role="status">${label || t('common.loading')}</p>`;
}

/** An API error as the person should read it: the problem's detail, and per-field errors. */
export function ErrorMessage({ error }) {
  if (!error) return null;
  return html`
    <div class="error" role="alert">
      <p>${error.message}</p>
      ${error.errors && error.errors.length > 0 && html`
        <ul>${error.errors.map((e) => html`<li key=${e.field}><code>${e.field}</code>: ${e.message}</li>`)}</ul>`}
    </div>`;
}

export function Notice({ children }) {
  return html`<p class="notice" role="status">${children}</p>`;
}

/**
 * Loads data for a page: `{data, error, loading, reload}`. `load` is called again when
 * a value in `deps` changes.
 */
export function useLoad(load, deps) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    setState((previous) => ({ ...previous, loading: true, error: null }));
    load().then(
      (data) => current && setState({ data, error: null, loading: false }),
      (error) => current && setState({ data: null, error, loading: false }),
    );
    return () => { current = false; };
  }, [...deps, round]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  return { ...state, reload };
}

/**
 * A form's submission: `{busy, error, run}`; `run(action)` marks it busy, clears the
 * previous error, and keeps the new one. Resolves to the action's result, or undefined
 * when it failed.
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const run = useCallback(async (action) => {
    setBusy(true);
    setError(null);
    try {
      return await action();
    } catch (caught) {
      if (!(caught instanceof Error)) throw caught;
      setError(caught);
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, setError };
}

/**
 * A list the API answers a page at a time (`{items, next_cursor}`): `{items, loaded, more,
 * busy, error}`. The first page loads at once; `more()` appends the next one (there is
 * one while `more` is not null).
 */
export function usePages(path) {
  const [items, setItems] = useState([]);
  const [cursor, setCursor] = useState(null);
  const [loaded, setLoaded] = useState(false);
  const { busy, error, run } = useAction();
  const load = (from) => run(async () => {
    const page = await api('GET', path, { query: { cursor: from } });
    setItems((previous) => (from ? [...previous, ...page.items] : page.items));
    setCursor(page.next_cursor);
    setLoaded(true);
  });
  useEffect(() => { load(null); }, [path]);
  return { items, loaded, busy, error, more: cursor && (() => load(cursor)) };
}
