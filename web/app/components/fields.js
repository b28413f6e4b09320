// Labelled form controls: every control has a visible label tied to it, and a hint read
// with it (aria-describedby).
import { html, useId } from '../html.js';

/** The label, the hint and the control `render({id, hintId})` draws. */
function Labelled({ label, hint, render }) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  return html`
    <div class="field">
      <label for=${id}>${label}</label>
      ${hint && html`<p class="hint" id=${hintId}>${hint}</p>`}
      ${render({ id, hintId })}
    </div>`;
}

export function Field({ label, hint, type = 'text', value, onInput, ...rest }) {
  return html`<${Labelled} label=${label} hint=${hint} render=${({ id, hintId }) => html`
    <input id=${id} type=${type} value=${value} aria-describedby=${hintId}
      onInput=${(e) => onInput(e.currentTarget.value)} ...${rest} />`} />`;
}

export function TextArea({ label, hint, value, onInput, ...rest }) {
  return html`<${Labelled} label=${label} hint=${hint} render=${({ id, hintId }) => html`
    <textarea id=${id} value=${value} aria-describedby=${hintId}
      onInput=${(e) => onInput(e.currentTarget.value)} ...${rest}></textarea>`} />`;
}

/** `options`: [{value, label}]. */
export function Select({ label, hint, value, onChange, options, ...rest }) {
  return html`<${Labelled} label=${label} hint=${hint} render=${({ id, hintId }) => html`
    <select id=${id} value=${value} aria-describedby=${hintId}
      onChange=${(e) => onChange(e.currentTarget.value)} ...${rest}>
      ${options.map((o) => html`<option key=${o.value} value=${o.value}>${o.label}</option>`)}
    </select>`} />`;
}

export function Checkbox({ label, checked, onChange, ...rest }) {
  const id = useId();
  return html`
    <div class="check">
      <input id=${id} type="checkbox" checked=${checked}
        onChange=${(e) => onChange(e.currentTarget.checked)} ...${rest} />
      <label for=${id}>${label}</label>
    </div>`;
}

/** Checkboxes for several values of one question, as a fieldset with a legend. */
export function CheckboxGroup({ legend, options, values, onChange }) {
  const toggle = (value, on) => onChange(on ? [...values, value] : values.filter((v) => v !== value));
  return html`
    <fieldset class="choices">
      <legend>${legend}</legend>
      ${options.map((o) => html`
        <${Checkbox} key=${o.value} label=${o.label} checked=${values.includes(o.value)}
          onChange=${(on) => toggle(o.value, on)} />`)}
    </fieldset>`;
}
