// Speaking: record with MediaRecorder, hash the recording with SubtleCrypto, declare it
// (POST /v1/voice-uploads), PUT the bytes to the presigned URL with exactly the headers
// it was signed with, and hand back the upload id a message is posted with.
import { api, ApiError } from './api.js';
import { t } from './i18n.js';

/** What the API accepts, in the order a browser is asked for them (Chromium records
 * WebM/Opus, Firefox Ogg/Opus, Safari MP4/AAC). */
const RECORDING_TYPES = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/mp4', 'audio/webm', 'audio/ogg'];

export function canRecord() {
  return Boolean(navigator.mediaDevices && window.MediaRecorder);
}

/** Starts recording from the microphone; `stop()` resolves to the recording (a Blob). */
export async function startRecording() {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  const mimeType = RECORDING_TYPES.find((type) => MediaRecorder.isTypeSupported(type));
  const recorder = new MediaRecorder(stream, mimeType ? { mimeType } : undefined);
  const chunks = [];
  recorder.addEventListener('dataavailable', (event) => {
    if (event.data.size > 0) chunks.push(event.data);
  });
  const stopped = new Promise((resolve) => {
    recorder.addEventListener('stop', () => {
      stream.getTracks().forEach((track) => track.stop());
      resolve(new Blob(chunks, { type: recorder.mimeType || mimeType || 'audio/webm' }));
    });
  });
  recorder.start();
  return {
    stop() {
      if (recorder.state !== 'inactive') recorder.stop();
      return stopped;
    },
  };
}

/** The SHA-256 of the bytes, base64 (as S3's x-amz-checksum-sha256 carries it). */
export async function sha256Base64(blob) {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  let binary = '';
  for (const byte of new Uint8Array(digest)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Headers a browser sets itself and refuses from a script. */
const BROWSER_SET = new Set(['content-length', 'host']);

/** Uploads the recording; resolves to its upload id. */
export function uploadRecording(blob) {
  return uploadFile('/voice-uploads', blob);
}

/** Declares `blob` at `path` (a voice or photo upload route) and PUTs it to the presigned
 * URL with exactly the headers it was signed with; resolves to its upload id. */
export async function uploadFile(path, blob) {
  const contentType = blob.type.split(';')[0].trim();
  const upload = await api('POST', path, {
    body: { content_type: contentType, size_bytes: blob.size, sha256: await sha256Base64(blob) },
  });
  const headers = Object.fromEntries(
    Object.entries(upload.upload_headers).filter(([name]) => !BROWSER_SET.has(name.toLowerCase())),
  );
  let response;
  try {
    response = await fetch(upload.upload_url, { method: upload.upload_method, headers, body: blob });
  } catch {
    throw new ApiError(t('voice.uploadFailed'));
  }
  if (!response.ok) throw new ApiError(t('voice.uploadFailed'), { status: response.status, code: 'upload_failed' });
  return upload.upload_id;
}
