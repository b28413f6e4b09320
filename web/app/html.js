// The one place the library is imported: every module takes `html`, the hooks and
// `render` from here, so upgrading Preact or htm is a change of these two paths.
import { h, render, createContext } from '../vendor/preact-11.2.0/preact.js';
import htm from '../vendor/htm-3.1.1/htm.js';

export { render, createContext };
export {
  useState, useEffect, useRef, useCallback, useMemo, useContext, useId,
} from '../vendor/preact-11.2.0/hooks.js';

/** Tagged templates instead of JSX: no build step. */
export const html = htm.bind(h);
