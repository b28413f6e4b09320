// UI text. Every string a person reads is in strings/<language>.js; a component asks for
// it by key with t('key', {params}). Adding a language is adding its file and one line
// to LANGUAGES; keys it lacks fall back to English.
import english from './strings/en.js';

/** The UI languages: tag → name in that language, and how to load its strings. */
export const LANGUAGES = {
  en: { name: 'English', load: async () => english },
};

let strings = english;
let current = 'en';

/** The UI language: the one chosen before (localStorage), else the browser's first known. */
function preferred() {
  const chosen = localStorage.getItem('natives.language');
  const wanted = [chosen, ...(navigator.languages || [])].filter(Boolean);
  for (const tag of wanted) {
    const base = tag.toLowerCase().split('-')[0];
    if (LANGUAGES[tag]) return tag;
    if (LANGUAGES[base]) return base;
  }
  return 'en';
}

export async function loadStrings(language = preferred()) {
  current = LANGUAGES[language] ? language : 'en';
  strings = await LANGUAGES[current].load();
  document.documentElement.lang = current;
  localStorage.setItem('natives.language', current);
}

export function uiLanguage() {
  return current;
}

/** The text for `key`, with `{name}` placeholders filled from `params`. */
export function t(key, params = {}) {
  const text = strings[key] ?? english[key];
  if (text === undefined) {
    console.warn(`missing UI string: ${key}`);
    return key;
  }
  return text.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ''));
}

/** Dates and times as the UI language writes them. */
export function formatDateTime(iso) {
  return new Intl.DateTimeFormat(current, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

export function formatDate(iso) {
  return new Intl.DateTimeFormat(current, { dateStyle: 'medium' }).format(new Date(iso));
}

/** A UTC calendar day (`YYYY-MM-DD`), written out as that day wherever the reader is. */
export function formatDay(day) {
  return new Intl.DateTimeFormat(current, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));
}

/** An amount in a currency's minor unit (`{amount_minor, currency}`), written out. */
export function formatMoney({ amount_minor, currency }) {
  const format = new Intl.NumberFormat(current, { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits;
  return format.format(amount_minor / 10 ** digits);
}

/** A language tag's name ("de" → "German"), or the tag itself if the browser has none. */
export function languageName(tag) {
  try {
    return new Intl.DisplayNames([current], { type: 'language' }).of(tag) || tag;
  } catch {
    return tag;
  }
}

export function countryName(code) {
  try {
    return new Intl.DisplayNames([current], { type: 'region' }).of(code) || code;
  } catch {
    return code;
  }
}
