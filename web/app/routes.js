// Every page of the client, in one table: its path (hash route), the page component, and
// who may open it (`needs`: nothing for everyone, 'user' for a signed-in account, or a
// role). A page that needs a session sends a visitor to the login page and back.
// Adding a page: write pages/<name>.js, add its row here, its strings to strings/en.js,
// and, if it belongs in the menu, a row in NAV below.
import { HomePage } from './pages/home.js';
import { ThreadsPage } from './pages/threads.js';
import { ThreadPage } from './pages/thread.js';
import { NewThreadPage } from './pages/new-thread.js';
import { LoginPage } from './pages/login.js';
import { RegisterPage } from './pages/register.js';
import { PasswordResetPage } from './pages/password-reset.js';
import { CreditsPage } from './pages/credits.js';
import { ModerationPage } from './pages/moderation.js';
import { AccountPage } from './pages/account.js';
import { ProfilePage } from './pages/profile.js';
import { ProgressPage } from './pages/progress.js';
import { ProviderCallbackPage } from './pages/provider-callback.js';
import { JoinPage } from './pages/join.js';
import { InvitationOptOutPage } from './pages/invitation-opt-out.js';
import { GuardianConsentPage } from './pages/guardian-consent.js';
import { PrivacyRightsPage } from './pages/privacy-rights.js';
import { CompaniesPage } from './pages/companies.js';

export const ROUTES = [
  { path: '/', page: HomePage },
  { path: '/languages/:language', page: ThreadsPage },
  { path: '/threads/:threadId', page: ThreadPage },
  { path: '/new-thread', page: NewThreadPage, needs: 'user' },
  { path: '/login', page: LoginPage },
  { path: '/register', page: RegisterPage },
  { path: '/password-reset', page: PasswordResetPage },
  { path: '/credits', page: CreditsPage, needs: 'user' },
  { path: '/moderation', page: ModerationPage, needs: 'moderator' },
  { path: '/account', page: AccountPage, needs: 'user' },
  { path: '/accounts/:accountId', page: ProfilePage },
  { path: '/progress', page: ProgressPage, needs: 'user' },
  { path: '/auth/callback', page: ProviderCallbackPage },
  // An invitation e-mail's links (their path form is moved into the hash at start: main.js).
  { path: '/join', page: JoinPage },
  { path: '/invitations/opt-out', page: InvitationOptOutPage },
  // A guardian's consent e-mail's link (its path form too).
  { path: '/guardian-consent', page: GuardianConsentPage },
  // Any session, a privacy session (a blocked account's) included: `needs: 'subject'`.
  { path: '/privacy-rights', page: PrivacyRightsPage, needs: 'subject' },
  { path: '/companies', page: CompaniesPage, needs: 'partner_manager' },
];

/** The menu: label key, route, and who sees it ('visitor' = only when signed out). */
export const NAV = [
  { label: 'nav.languages', path: '/' },
  { label: 'nav.credits', path: '/credits', needs: 'user' },
  { label: 'nav.moderation', path: '/moderation', needs: 'moderator' },
  { label: 'nav.companies', path: '/companies', needs: 'partner_manager' },
  { label: 'nav.progress', path: '/progress', needs: 'user' },
  { label: 'nav.account', path: '/account', needs: 'user' },
  { label: 'nav.login', path: '/login', needs: 'visitor' },
  { label: 'nav.register', path: '/register', needs: 'visitor' },
  { label: 'nav.privacyRights', path: '/privacy-rights', needs: 'privacy' },
];
