// Where an invitation e-mail's link leads (`/join?invitation_code=…`): registration,
// carrying the code, so the friend who invited is told.
import { html } from '../html.js';
import { RegisterPage } from './register.js';

export function JoinPage({ query }) {
  return html`<${RegisterPage} invitationCode=${query.get('invitation_code') || ''} />`;
}
