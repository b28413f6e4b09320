// What paid actions cost (GET /v1/tariffs, `action_costs`), read once per page load.
import { api } from './api.js';

let tariffs = null;

/** `{items, action_costs: {text_message, voice_message, new_thread}}`. */
export function loadTariffs() {
  if (!tariffs) tariffs = api('GET', '/tariffs').catch((error) => { tariffs = null; throw error; });
  return tariffs;
}
