// Record a voice message, listen to it, then send it (or record again).
import { html, useState, useEffect, useRef } from '../html.js';
import { t } from '../i18n.js';
import { canRecord, startRecording, uploadRecording } from '../voice.js';
import { ErrorMessage, useAction } from './status.js';

/** `onSend(uploadId)` posts the message; `cost` is what it costs in credits. */
export function VoiceRecorder({ onSend, cost }) {
  const [recording, setRecording] = useState(null);
  const [clip, setClip] = useState(null);
  const [seconds, setSeconds] = useState(0);
  const { busy, error, run, setError } = useAction();
  const url = useRef(null);

  useEffect(() => () => url.current && URL.revokeObjectURL(url.current), []);
  useEffect(() => {
    if (!recording) return undefined;
    const started = Date.now();
    const timer = setInterval(() => setSeconds(Math.round((Date.now() - started) / 1000)), 250);
    return () => clearInterval(timer);
  }, [recording]);

  if (!canRecord()) return html`<p>${t('voice.unsupported')}</p>`;

  const start = async () => {
    setError(null);
    setClip(null);
    try {
      setSeconds(0);
      setRecording(await startRecording());
    } catch {
      setError(new Error(t('voice.noMicrophone')));
    }
  };
  const stop = async () => {
    const blob = await recording.stop();
    setRecording(null);
    if (url.current) URL.revokeObjectURL(url.current);
    url.current = URL.createObjectURL(blob);
    setClip({ blob, url: url.current });
  };
  const send = () => run(async () => {
    const uploadId = await uploadRecording(clip.blob);
    await onSend(uploadId);
    setClip(null);
  });

  return html`
    <div class="recorder">
      ${!recording && !clip && html`
        <button type="button" onClick=${start}>${t('voice.record')}</button>`}
      ${recording && html`
        <p role="status">${t('voice.recording', { seconds })}</p>
        <button type="button" class="stop" onClick=${stop}>${t('voice.stop')}</button>`}
      ${clip && html`
        <audio controls src=${clip.url} aria-label=${t('voice.preview')}></audio>
        <div class="actions">
          <button type="button" disabled=${busy} onClick=${send}>
            ${busy ? t('voice.sending') : t('voice.send', { cost })}
          </button>
          <button type="button" class="secondary" disabled=${busy} onClick=${start}>${t('voice.again')}</button>
        </div>`}
      <${ErrorMessage} error=${error} />
    </div>`;
}
