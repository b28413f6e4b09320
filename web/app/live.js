// Live updates: one WebSocket per page to the live API, shared by whatever the page
// watches. A signed-in browser connects with `?token=` (a browser cannot set headers on a
// WebSocket), so its own notifications reach it too; a visitor connects without one. The
// socket reconnects when it drops or the session changes, and subscribes again to what is
// watched. Frames may arrive twice (the server's fan-out is at-least-once): handlers
// replace what they hold by id.
import { session, subscribe as onSessionChange } from './session.js';

/**
 * Where the live API is: `live.json` beside the client names it (deployed: the stack's
 * `LiveUrl`, written when the client is published); `null` means this origin's
 * `/v1/live` (the local stack).
 */
async function liveUrl() {
  try {
    const response = await fetch('/live.json', { headers: { accept: 'application/json' } });
    if (response.ok) {
      const { url } = await response.json();
      if (url) return url;
    }
  } catch {
    // unreadable: this origin
  }
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/v1/live`;
}

/** Keep an idle socket open (API Gateway closes it after ten silent minutes). */
const PING_SECONDS = 5 * 60;
const RETRY_SECONDS = [1, 2, 5, 10, 30];

/** topic key (`thread_id:…`, `language:…`) → {frame, handlers: Set} */
const topics = new Map();
/** handlers of frames about the account itself (notifications) */
const accountHandlers = new Set();
/** called with the state: 'connecting' | 'open' | 'closed' */
const stateListeners = new Set();

let socket = null;
let token = null;
let retries = 0;
let pingTimer = null;
let base = null;

function setState(state) {
  for (const listener of stateListeners) listener(state);
}

function send(frame) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
}

function topicKey(frame) {
  return frame.thread_id ? `thread_id:${frame.thread_id}` : `language:${(frame.language || '').toLowerCase()}`;
}

async function connect() {
  if (socket) return;
  if (topics.size === 0 && accountHandlers.size === 0) return;
  base = base || await liveUrl();
  token = liveToken();
  const url = token ? `${base}?token=${encodeURIComponent(token)}` : base;
  const current = new WebSocket(url);
  socket = current;
  setState('connecting');
  current.addEventListener('open', () => {
    retries = 0;
    for (const { frame } of topics.values()) send({ action: 'subscribe', ...frame });
    clearInterval(pingTimer);
    pingTimer = setInterval(() => send({ action: 'ping' }), PING_SECONDS * 1000);
    setState('open');
  });
  current.addEventListener('message', (event) => {
    let frame;
    try {
      frame = JSON.parse(event.data);
    } catch {
      return;
    }
    deliver(frame);
  });
  current.addEventListener('close', () => {
    if (socket !== current) return;
    socket = null;
    clearInterval(pingTimer);
    setState('closed');
    const wait = RETRY_SECONDS[Math.min(retries, RETRY_SECONDS.length - 1)];
    retries += 1;
    setTimeout(connect, wait * 1000);
  });
}

function deliver(frame) {
  if (frame.type === 'notification') {
    for (const handler of accountHandlers) handler(frame);
    return;
  }
  let key = null;
  if (frame.thread_id) key = `thread_id:${frame.thread_id}`;
  else if (frame.type === 'thread_created' || frame.language) key = `language:${(frame.language || '').toLowerCase()}`;
  const topic = key && topics.get(key);
  if (topic) for (const handler of topic.handlers) handler(frame);
}

/** The token a socket connects with: a privacy session's reaches no live updates. */
function liveToken() {
  return session.scope === 'privacy' ? null : session.accessToken;
}

/** A new socket under the new session's token (or none). */
function reconnect() {
  if (liveToken() === token) return;
  const old = socket;
  socket = null;
  if (old) old.close();
  connect();
}

onSessionChange(reconnect);

function watch(frame, handler) {
  const key = topicKey(frame);
  let topic = topics.get(key);
  if (!topic) {
    topic = { frame, handlers: new Set() };
    topics.set(key, topic);
    send({ action: 'subscribe', ...frame });
  }
  topic.handlers.add(handler);
  connect();
  return () => {
    topic.handlers.delete(handler);
    if (topic.handlers.size === 0) {
      topics.delete(key);
      send({ action: 'unsubscribe', ...frame });
    }
  };
}

/** Calls `handler` with each frame about the thread; returns the function that stops. */
export function watchThread(threadId, handler) {
  return watch({ thread_id: threadId }, handler);
}

/** Calls `handler` with each new thread of the language; returns the function that stops. */
export function watchLanguage(language, handler) {
  return watch({ language }, handler);
}

/** Calls `handler` with each notification of the signed-in account. */
export function watchAccount(handler) {
  accountHandlers.add(handler);
  connect();
  return () => accountHandlers.delete(handler);
}

/** Calls `listener` with the socket's state as it changes; returns the function that stops. */
export function watchState(listener) {
  stateListeners.add(listener);
  if (socket) listener(socket.readyState === WebSocket.OPEN ? 'open' : 'connecting');
  return () => stateListeners.delete(listener);
}
