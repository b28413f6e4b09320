// My progress: per language of the threads I posted in, what I wrote and said, what I
// received and gave, and my streak of consecutive days (UTC) with a post.
import { html } from '../html.js';
import { api } from '../api.js';
import { t, formatDay, languageName } from '../i18n.js';
import { Loading, ErrorMessage, useLoad } from '../components/status.js';

export function ProgressPage() {
  const progress = useLoad(() => api('GET', '/me/progress'), []);
  const languages = progress.data ? progress.data.languages : [];
  return html`
    <h1>${t('progress.title')}</h1>
    <p>${t('progress.about')}</p>
    <${ErrorMessage} error=${progress.error} />
    ${progress.loading && html`<${Loading} />`}
    ${progress.data && languages.length === 0 && html`<p>${t('progress.none')}</p>`}
    ${languages.map((language) => html`
      <section key=${language.language} class="progress-language" aria-labelledby=${`progress-${language.language}`}>
        <h2 id=${`progress-${language.language}`}>${languageName(language.language)}</h2>
        <dl class="progress-figures">
          <dt>${t('progress.messages')}</dt><dd>${language.messages}</dd>
          <dt>${t('progress.voice')}</dt>
          <dd>${t('progress.voiceFigures', { count: language.voice_messages, minutes: (language.voice_seconds / 60).toFixed(1) })}</dd>
          <dt>${t('progress.replies')}</dt><dd>${language.replies_received}</dd>
          <dt>${t('progress.correctionsReceived')}</dt><dd>${language.corrections_received}</dd>
          <dt>${t('progress.correctionsGiven')}</dt><dd>${language.corrections_given}</dd>
          <dt>${t('progress.activeDays')}</dt><dd>${language.active_days}</dd>
          <dt>${t('progress.streak')}</dt>
          <dd>${t('progress.streakFigures', { current: language.current_streak_days, longest: language.longest_streak_days })}</dd>
          <dt>${t('progress.lastActive')}</dt>
          <dd>${language.last_active_on ? formatDay(language.last_active_on) : t('progress.never')}</dd>
        </dl>
      </section>`)}`;
}
